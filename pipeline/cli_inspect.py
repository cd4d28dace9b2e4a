"""`argmine inspect` (summary and table views of an output) and `argmine report` (HTML).

    argmine inspect OUT.jsonl                          # the summary
    argmine inspect claims OUT.jsonl --dyad CHN-RUS --stance competitive
    argmine inspect facts OUT.jsonl --kind money --unit USD -o money.parquet
    argmine inspect relations OUT.jsonl -o relations.csv
    argmine report OUT.jsonl -o report.html

Thin wrappers over `pipeline.inspect` and `pipeline.report`.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import click
import typer
from typer.core import TyperGroup

from .errors import ArgmineError

if TYPE_CHECKING:
    import pandas as pd

    from .inspect import Output

DEFAULT_LIMIT = 20
TEXT_WIDTH = 60  # characters of claim or fact text shown per row in the terminal
SHORT_NAMES = {"cooperative": "coop", "competitive": "comp", "neutral": "neut", "major_claims": "major",
               "claim_stance": "claim stance", "dyad_stance": "dyad stance", "dyad_score": "dyad score",
               "mean_score": "mean score", "net_low": "low", "net_high": "high"}


class _InspectGroup(TyperGroup):
    """`argmine inspect OUT.jsonl` runs the `summary` view; `argmine inspect VIEW OUT.jsonl` a view."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "summary", self.commands["summary"], args
        return super().resolve_command(ctx, args)


inspect_app = typer.Typer(
    cls=_InspectGroup, add_completion=False, no_args_is_help=True,
    help="Look at an argmine output: `argmine inspect OUT.jsonl` prints a summary; the views claims, facts, "
         "relations and docs print tables, and --output writes them as CSV, Parquet, JSON or JSONL.",
)

PathArg = Annotated[Path, typer.Argument(help="An argmine output (JSONL).", show_default=False)]
OutputOpt = Annotated[Optional[str], typer.Option(
    "--output", "-o", help="Write the whole table: .csv, .parquet, .json or .jsonl ('-' for stdout with --format).")]
FormatOpt = Annotated[Optional[str], typer.Option("--format", help="csv, parquet, json or jsonl (default: from the suffix).")]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", help="Rows to print (0 for all); ignored with --output.")]
ActorOpt = Annotated[Optional[str], typer.Option("--actor", "-a", help="An actor code: CHN, RUS, EU, CAS, ...")]
DocOpt = Annotated[Optional[str], typer.Option("--doc", help="Only this document id.")]


def _fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def _open(path: Path) -> Output:
    from .inspect import load

    try:
        return load(path)
    except ArgmineError as err:
        _fail(str(err))


@inspect_app.callback()
def _inspect() -> None:
    """Summary and tables of an argmine output (streamed: works on very large files)."""


@inspect_app.command()
def summary(
    path: PathArg,
    top: Annotated[int, typer.Option("--top", help="Actors and dyads to list.", min=1)] = 10,
    output: OutputOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Documents, claims by role and stance, top actors and dyads, facts by kind (the default view)."""
    from .inspect import format_summary, write_summary

    out = _open(path)
    try:
        result = out.summary()
        if output:
            write_summary(result, output, fmt, top=top)
    except (ArgmineError, ValueError) as err:
        _fail(str(err))
    if output != "-":
        typer.echo(format_summary(result, str(path), top=top))
    if output and output != "-":
        typer.echo(f"\nwrote {output}", err=True)


@inspect_app.command()
def claims(
    path: PathArg,
    actor: ActorOpt = None,
    dyad: Annotated[Optional[str], typer.Option(
        "--dyad", "-d", help="A pair of actors, e.g. CHN-RUS (order does not matter).")] = None,
    stance: Annotated[Optional[str], typer.Option(
        "--stance", "-s", help="cooperative, competitive or neutral (the dyad's, with --dyad).")] = None,
    role: Annotated[Optional[str], typer.Option("--role", "-r", help="major_claim, claim or premise.")] = None,
    doc: DocOpt = None,
    min_score: Annotated[Optional[float], typer.Option(
        "--min-score", help="Minimum stance score, 0-1 (the dyad's, with --dyad).")] = None,
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
) -> None:
    """Claims with role, stance and score, actors, dyads and the facts they cite."""
    out = _open(path)
    columns = ["doc", "claim", "role", "stance", "score", "actors", "facts", "text"]
    if dyad:
        columns[3:5] = ["dyad_stance", "dyad_score"]
    _show(lambda: out.iter_claims(actor=actor, dyad=dyad, stance=stance, role=role, doc=doc, min_score=min_score),
          output, fmt, limit, columns, what="claims")


@inspect_app.command()
def facts(
    path: PathArg,
    kind: Annotated[Optional[str], typer.Option("--kind", "-k", help="money, percent, ratio, quantity or count.")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", "-u", help="USD, EUR, percent, km, ... (case-insensitive).")] = None,
    actor: ActorOpt = None,
    year: Annotated[Optional[int], typer.Option("--year", "-y", help="Only facts about this year.")] = None,
    doc: DocOpt = None,
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
) -> None:
    """Numeric facts: value, unit, qualifier, year, subject, actors and the stance of their claim."""
    out = _open(path)
    _show(lambda: out.iter_facts(kind=kind, unit=unit, actor=actor, year=year, doc=doc), output, fmt, limit,
          ["doc", "fact", "kind", "value", "unit", "qualifier", "year", "actors", "claim_stance", "text", "subject"],
          what="facts")


@inspect_app.command()
def relations(
    path: PathArg,
    actor: ActorOpt = None,
    min_claims: Annotated[int, typer.Option("--min-claims", help="Only dyads with at least this many claims.", min=1)] = 1,
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
) -> None:
    """The dyad matrix: claims per stance for each pair of actors, net cooperation and its 95% interval.

    net = (cooperative - competitive) / claims, in [-1, 1]; the interval is a Wilson score interval
    on (net + 1) / 2 (exact without neutral claims, conservative with them).
    """
    from .inspect import RELATION_COLUMNS, frames

    out = _open(path)

    def chunks():
        rows = out.summary().relation_rows(actor=_code(actor), min_claims=min_claims)
        return frames(rows, RELATION_COLUMNS)

    _show(chunks, output, fmt, limit,
          ["dyad", "claims", "cooperative", "competitive", "neutral", "net", "net_low", "net_high", "mean_score", "docs"],
          what="dyads")


@inspect_app.command()
def docs(
    path: PathArg,
    actor: Annotated[Optional[str], typer.Option("--actor", "-a", help="Only documents mentioning this actor.")] = None,
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
) -> None:
    """Documents: size, claims by role and stance, entities, most-mentioned actors, facts."""
    out = _open(path)
    _show(lambda: out.iter_docs(actor=actor), output, fmt, limit,
          ["doc", "claims", "major_claims", "premises", "cooperative", "competitive", "neutral", "facts", "actors",
           "title"], what="documents")


def _code(actor: str | None) -> str | None:
    from .inspect import parse_code

    return parse_code(actor) if actor else None


def _show(make_chunks, output: str | None, fmt: str | None, limit: int, columns: list[str], *, what: str) -> None:
    """Write every chunk to `output`, or print the first `limit` rows and the total."""
    from .inspect import write_frames

    try:
        if output:
            rows = write_frames(make_chunks(), output, fmt)
            if output != "-":
                typer.echo(f"wrote {rows:,} {what} to {output}", err=True)
            return
        head, total = _head(make_chunks(), limit)
    except (ArgmineError, ValueError) as err:
        _fail(str(err))
    if total == 0:
        typer.echo(f"no {what} match")
        return
    typer.echo(_format_table(head, [c for c in columns if c in head.columns]))
    shown = len(head)
    more = f"; showing {shown:,} (--limit 0 for all, --output FILE for every column)" if shown < total else ""
    typer.echo(f"\n{total:,} {what}{more}")


def _head(chunks, limit: int) -> tuple[pd.DataFrame, int]:
    """The first `limit` rows (all when limit is 0) and the number of rows, reading chunk by chunk."""
    import pandas as pd

    kept: list[pd.DataFrame] = []
    have = total = 0
    for frame in chunks:
        total += len(frame)
        if limit <= 0 or have < limit:
            part = frame if limit <= 0 else frame.iloc[: limit - have]
            kept.append(part)
            have += len(part)
    return (pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]), total


def _format_table(frame: pd.DataFrame, columns: list[str]) -> str:
    """The rows as text: numbers rounded, missing values blank, long texts cut, stance columns short."""
    view = frame[columns].astype(object)
    for name in view.columns:
        dtype = str(frame[name].dtype)
        if name == "value":
            formatter = _human_number
        elif name in ("net", "net_low", "net_high"):
            formatter = "{:+.2f}".format
        elif dtype == "Float64":
            formatter = "{:.2f}".format
        else:
            formatter = str
        view[name] = [formatter(v) if v is not None and not _missing(v) else "" for v in view[name]]
    view = view.rename(columns=SHORT_NAMES)
    width = shutil.get_terminal_size((160, 24)).columns
    return view.to_string(index=False, max_colwidth=TEXT_WIDTH, line_width=max(width, 80))


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is pd.NA or (isinstance(value, float) and value != value)


def _human_number(value: Any) -> str:
    size = abs(value)
    for bound, suffix in ((1e12, " tn"), (1e9, " bn"), (1e6, " m")):
        if size >= bound:
            return f"{value / bound:,.4g}{suffix}"
    return f"{value:,.6g}"


def report_command(
    path: PathArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")] = Path("report.html"),
    per_page: Annotated[int, typer.Option("--per-page", help="Documents per page; more pages go to OUTPUT_pages/.", min=1)] = 50,
    top_actors: Annotated[int, typer.Option("--top-actors", help="Actors in the heatmap and network.", min=2)] = 16,
    doc: Annotated[Optional[list[str]], typer.Option("--doc", help="Only these document ids (repeatable).")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Title of the report.")] = None,
) -> None:
    """Write a self-contained HTML report: highlighted texts, relation heatmap, network and facts table."""
    from .report import write_report

    out = _open(path)
    try:
        result = write_report(out, output, per_page=per_page, top_actors=top_actors, docs=doc, title=title)
    except (ArgmineError, ValueError) as err:
        _fail(str(err))
    pages = f", {result.pages:,} pages (others in {result.pages_dir})" if result.pages > 1 else ""
    typer.echo(f"wrote {output}: {result.documents:,} documents{pages}")
