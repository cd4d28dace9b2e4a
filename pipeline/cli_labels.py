"""Commands for getting labels cheaply and sharing argument maps: export-labels, import-labels, export-aif.

Plain functions with typer annotations; `cli.py` registers them on the `argmine` app.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import ArgmineError

SHOWN_PROBLEMS = 10


def _fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def export_labels_command(
    records: Annotated[Path, typer.Argument(help="argmine output (JSONL of document records).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Tasks file: .json for Label Studio, .jsonl otherwise.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="labelstudio, doccano or prodigy.")] = "labelstudio",
    strategy: Annotated[str, typer.Option("--strategy", help="least-confident, margin, entropy or random.")] = "least-confident",
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", help="Only the first N tasks.", min=1)] = None,
    stance: Annotated[Optional[list[str]], typer.Option("--stance", help="Only claims predicted with this stance (repeatable).")] = None,
    actor: Annotated[Optional[list[str]], typer.Option("--actor", help="Only claims mentioning this actor code (repeatable).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of --strategy random.")] = 0,
) -> None:
    """Write one labelling task per claim, least confident first, for Label Studio, doccano or Prodigy."""
    from .labels import claim_tasks, read_records, write_tasks

    try:
        tasks = claim_tasks(read_records(records), strategy=strategy, limit=limit, stances=stance or (),
                            actors=actor or (), seed=seed)
        written = write_tasks(tasks, output, fmt)
    except (ArgmineError, ValueError, OSError) as err:
        _fail(str(err))
    docs = len({t.doc for t in tasks})
    typer.echo(f"{len(tasks)} tasks from {docs} documents ({strategy}) -> {', '.join(map(str, written))}")
    if not tasks:
        typer.echo("no claim matched the filters", err=True)
        raise typer.Exit(1)


def import_labels_command(
    path: Annotated[Path, typer.Argument(help="The tool's export (Label Studio JSON, doccano JSONL, Prodigy db-out JSONL).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Training records, e.g. annotations/<name>.jsonl.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="labelstudio, doccano or prodigy.")] = "labelstudio",
    records: Annotated[Optional[Path], typer.Option("--records", help="The argmine output the tasks came from; "
                                                   "checks every label against the claim at its offsets.")] = None,
) -> None:
    """Turn accepted human labels into records `argmine train --data` reads; report what could not be mapped."""
    from .labels import import_labels, read_records, write_records

    try:
        result = import_labels(path, fmt, records=read_records(records) if records else None)
        errors_path = write_records(result, output)
    except (ArgmineError, ValueError, OSError) as err:
        _fail(str(err))
    typer.echo(f"{result.summary()} -> {output}")
    problems = result.problems
    for problem in problems[:SHOWN_PROBLEMS]:
        typer.echo(f"  {problem}", err=True)
    if len(problems) > SHOWN_PROBLEMS:
        typer.echo(f"  ... and {len(problems) - SHOWN_PROBLEMS} more", err=True)
    if errors_path:
        typer.echo(f"every item not imported, with its reason: {errors_path}", err=True)
    if not result.records:
        typer.echo("no accepted labels found", err=True)
        raise typer.Exit(1)


def export_aif_command(
    records: Annotated[Path, typer.Argument(help="argmine output (JSONL of document records).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the maps, one <document>.json each.")] = Path("maps"),
) -> None:
    """Write one xAIF argument map per document (I, L, YA, RA and CA nodes), for OAMF and OVA."""
    from .aif import export_maps
    from .labels import read_records

    try:
        written = export_maps(read_records(records), output)
    except (ArgmineError, ValueError, OSError) as err:
        _fail(str(err))
    totals: Counter = Counter()
    for _, _, counts in written:
        totals.update(counts)
    kinds = ", ".join(f"{totals[k]} {k}" for k in ("I", "RA", "CA") if k in totals) or "no nodes"
    typer.echo(f"{len(written)} maps ({kinds}) -> {output}/")
