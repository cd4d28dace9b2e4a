"""The `argmine` command line: thin wrappers over batch, train, evaluate and inspect."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import ArgmineError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Argument mining for geopolitical commentary: claims, actors, facts and stance.")

ProfileOption = Annotated[str, typer.Option("--profile", "-p", help="full (en_core_web_sm) or fast (rules only).")]
ModelOption = Annotated[Optional[Path], typer.Option("--model", help="Stance model (.skops); models/stance.skops by default.")]


def _fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@app.command()
def process(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or JSONL; '-' reads stdin.")],
    output: Annotated[str, typer.Option("--output", "-o", help="Output JSONL file, or '-' for stdout.")] = "-",
    profile: ProfileOption = "full",
    model: ModelOption = None,
    n_process: Annotated[int, typer.Option("--n-process", help="Worker processes.")] = 1,
    batch_size: Annotated[int, typer.Option("--batch-size")] = 32,
    resume: Annotated[bool, typer.Option("--resume", help="Skip documents already in the output.")] = False,
    engine: Annotated[str, typer.Option("--engine", help="local, or dask for a Dask cluster.")] = "local",
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
) -> None:
    """Annotate articles into JSONL, one record per document; failures go to OUTPUT.errors.jsonl."""
    from .batch import process as run_local
    from .profiles import load_pipeline

    try:
        nlp = load_pipeline(profile, stance_model=model)
        stance_id = nlp.get_pipe("argmine_stance").model_id
        progress = not quiet and sys.stderr.isatty()
        if engine == "dask":
            from .distributed import process_dask

            summary = process_dask(inputs, output, profile=profile, stance_model=model, resume=resume,
                                   scheduler=scheduler, progress=progress)
        elif engine == "local":
            summary = run_local(nlp, inputs, output, resume=resume, n_process=n_process,
                                batch_size=batch_size, progress=progress, stance_model_id=stance_id)
        else:
            _fail(f"unknown engine {engine!r}; expected local or dask")
    except ArgmineError as err:
        _fail(str(err))
    if not quiet:
        typer.echo(summary.line(), err=True)
    if summary.errors:
        if output != "-" and not quiet:
            typer.echo(f"{summary.errors} document(s) failed: see {output}.errors.jsonl", err=True)
        raise typer.Exit(1)


@app.command()
def train(
    data: Annotated[list[Path], typer.Option("--data", "-d", help="Labelled JSONL files or folders (repeatable).")],
    output: Annotated[Path, typer.Option("--output", "-o")] = Path("models/stance.skops"),
    seed: Annotated[int, typer.Option("--seed")] = 0,
    folds: Annotated[int, typer.Option("--folds")] = 5,
) -> None:
    """Retrain the stance model; prints grouped cross-validation scores and writes a model card."""
    from .train import card_path, train as run_train

    try:
        card = run_train(data, output, seed=seed, folds=folds)
    except ArgmineError as err:
        _fail(str(err))
    for part in ("claim_model", "dyad_model"):
        typer.echo(f"\n{part.replace('_', ' ')} (grouped {folds}-fold CV, documents held out whole)")
        for name, scores in card[part]["cv"].items():
            mark = "*" if name == card[part]["chosen"] else " "
            typer.echo(f" {mark} {name:<22} macro-F1 {scores['macro_f1']:.3f}  accuracy {scores['accuracy']:.3f}")
        chosen = card[part]["cv"][card[part]["chosen"]]
        typer.echo(_report_table(chosen))
    typer.echo(f"\nsaved {output} and {card_path(output)}")


def _report_table(scores: dict) -> str:
    lines = [f"   {'label':<12} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}"]
    for label, row in scores["per_label"].items():
        lines.append(f"   {label:<12} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1-score']:6.3f} "
                     f"{int(row['support']):5d}")
    return "\n".join(lines)


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="Gold JSONL (annotations/gold/...).")],
    pred: Annotated[Optional[Path], typer.Option("--pred", help="Pipeline output to score; runs the pipeline if omitted.")] = None,
    profile: ProfileOption = "full",
    model: ModelOption = None,
    tolerance: Annotated[int, typer.Option("--tolerance", help="Characters of slack for claim boundaries.")] = 2,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the report as JSON.")] = None,
) -> None:
    """Score the pipeline (or a prediction file) against gold annotations, task by task."""
    from .evaluate import evaluate_files, format_report

    try:
        report = evaluate_files(gold, pred, profile=profile, stance_model=model, tolerance=tolerance)
    except (ArgmineError, ValueError) as err:
        _fail(str(err))
    typer.echo(format_report(report))
    if json_out:
        json_out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        typer.echo(f"wrote {json_out}")


@app.command()
def validate(path: Annotated[Path, typer.Argument(help="A JSONL file of argmine records.")]) -> None:
    """Check every record of a JSONL file against the document schema and its offsets."""
    from .io import iter_jsonl_records
    from .schema import schema_errors

    bad = total = 0
    try:
        for number, record in enumerate(iter_jsonl_records(path), start=1):
            total += 1
            for problem in schema_errors(record):
                bad += 1
                typer.echo(f"{path} line {number}: {problem}", err=True)
    except ValueError as err:
        _fail(str(err))
    typer.echo(f"{total} records, {bad} problems")
    if bad:
        raise typer.Exit(1)


from .cli_inspect import inspect_app, report_command  # noqa: E402

app.add_typer(inspect_app, name="inspect")
app.command("report")(report_command)

from .cli_labels import export_aif_command, export_labels_command, import_labels_command  # noqa: E402

app.command("export-labels")(export_labels_command)
app.command("import-labels")(import_labels_command)
app.command("export-aif")(export_aif_command)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
