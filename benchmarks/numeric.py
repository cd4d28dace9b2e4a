"""Benchmark of numeric-expression extraction on third-party gold cases, against quantulum3.

Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/numeric.py [GOLD_DIR] [--errors N] [--no-baseline]

GOLD_DIR defaults to `<repo>/../shared/benchmarks/numeric/`; every `*.jsonl` in it is scored
(format: that folder's README). Both systems run in the same process on the same cases, and
the results go to `benchmarks/numeric_results.json` (not tracked).

Scoring, decided here:

- A prediction matches a gold item of the same case when the units are equal and the values
  agree within a relative tolerance of 1e-6 (absolute 1e-9 at zero); pairs are one-to-one,
  greedy in gold order. Spans are not compared: the score is of (value, unit).
- Kinds: the gold's `number` is our `count`, and also our `year` (the gold sets annotate a
  year written as one number, "1979" or "the 1960s", as a plain number) and `ratio`
  ("2.1-fold", "a third"; the gold has no multipliers and calls fractions numbers), all with
  unit "". A year range written as two numbers ("2013-14", "2014-2020") is a period with no
  single value, which the gold leaves unannotated; it is not mapped. Percentage points ("pp")
  stay a separate unit.
- `scope`: a case's gold covers only the kinds its scope names; predictions of other kinds are
  dropped before matching (`all` keeps everything). In the Recognizers-Text `quantity` cases,
  time spans and temperatures are not annotated (README), so predictions in those units are
  dropped too, for both systems alike.
- Predictions with no value (vague amounts such as "several hundred years": our extractor
  keeps them with `value: None` rather than guess) are not (value, unit) pairs and are not
  scored; the table reports how many there were. Ranges are scored by their lower end
  (`value`), so a range where the gold has one number counts as wrong. `--strict` scores the
  value-less predictions as false positives and maps year ranges too.
- quantulum3 0.10.0 runs with `quantulum3.classifier.USE_CLF = False` (its shipped classifier
  does not load under scikit-learn 1.9). Its units map to ours as the gold README converts its
  `source_unit`s: `currency_code` for currencies (bare `dollar` is USD), `percentage` ->
  percent, dimensionless units -> number, and the unit names below -> short symbols; names not
  listed keep their lower-cased name and so match nothing.
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_GOLD_DIR = REPO.parent / "shared" / "benchmarks" / "numeric"
RESULTS_PATH = REPO / "benchmarks" / "numeric_results.json"
KINDS = ("money", "percent", "number", "quantity")
REL_TOL, ABS_TOL = 1e-6, 1e-9

# our kinds -> the gold's kinds
KIND_MAP = {"money": "money", "percent": "percent", "quantity": "quantity",
            "count": "number", "year": "number", "ratio": "number"}
UNITLESS_KINDS = frozenset({"count", "year", "ratio"})
# units that the Recognizers-Text dimension cases leave unannotated (time spans, temperatures)
UNANNOTATED_QUANTITY_UNITS = frozenset({
    "year", "month", "week", "day", "h", "min", "s", "decade", "century", "quarter", "gigayear",
    "hour", "minute", "second", "°c", "°f", "k", "kelvin", "degree celsius", "degree fahrenheit"})
# quantulum3 unit names -> the gold's unit symbols (README "Format": unit normalization)
Q3_UNITS = {
    "metre": "m", "kilometre": "km", "centimetre": "cm", "millimetre": "mm", "decimetre": "dm",
    "nanometre": "nm", "picometre": "pm", "attometre": "am", "mile": "mi", "foot": "ft", "inch": "in",
    "yard": "yd", "square kilometre": "km2", "square metre": "m2", "square mile": "mi2", "square foot": "ft2",
    "acre": "acre", "hectare": "ha", "barrel": "bbl", "gallon": "gal", "cubic foot": "ft3",
    "cubic metre": "m3", "cubic centimetre": "ml", "millilitre": "ml", "litre": "l", "tonne": "ton",
    "ton": "ton", "short ton": "ton", "long ton": "ton", "metric ton": "ton", "pound-mass": "lb",
    "kilogram": "kg", "gram": "g", "ounce": "oz", "year": "year", "month": "month", "week": "week",
    "day": "day", "hour": "h", "minute": "min", "second": "s", "gigayear": "gigayear", "kibibyte": "KiB",
    "kilobyte": "kB", "megabyte": "MB", "gigabyte": "GB", "byte": "B", "bit": "bit"}
Q3_CURRENCY_NAMES = {"dollar": "USD", "pound sterling": "GBP", "euro": "EUR"}

DECADE = re.compile(r"\d{4}'?s")

Prediction = tuple[str, float | None, str]  # (gold kind, value, unit)


# --- reading ----------------------------------------------------------------------------------

def read_cases(path: Path) -> list[dict[str, Any]]:
    cases = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path} line {number}: not valid JSON ({error})") from None
            if not isinstance(case.get("text"), str) or not isinstance(case.get("expected"), list):
                raise SystemExit(f"{path} line {number}: expected 'text' (string) and 'expected' (list)")
            cases.append(case)
    return cases


# --- the two systems --------------------------------------------------------------------------

def ours(text: str, *, strict: bool = False) -> list[Prediction]:
    from pipeline.numbers import find_numeric_expressions  # imported (and warmed up) before timing

    predictions = []
    for e in find_numeric_expressions(text):
        if e.kind == "year" and e.value_max is not None and not DECADE.fullmatch(e.text) and not strict:
            continue  # "2013-14": a period written as two numbers
        unit = "" if e.kind in UNITLESS_KINDS else (e.unit or "")
        predictions.append((KIND_MAP[e.kind], e.value, unit))
    return predictions


def load_quantulum() -> Callable[[str], list[Prediction]] | None:
    """quantulum3's parser as a prediction function, or None when it is not installed."""
    try:
        import quantulum3.classifier
        from quantulum3 import parser
    except ImportError:
        return None
    quantulum3.classifier.USE_CLF = False

    def predict(text: str) -> list[Prediction]:
        return [quantulum_prediction(q) for q in parser.parse(text)]

    return predict


def quantulum_prediction(quantity: Any) -> Prediction:
    unit = quantity.unit
    entity = unit.entity.name
    if entity == "currency":
        code = unit.currency_code or Q3_CURRENCY_NAMES.get(unit.name, unit.name.lower())
        return "money", quantity.value, code
    if unit.name == "percentage":
        return "percent", quantity.value, "percent"
    if entity == "dimensionless":
        return "number", quantity.value, ""
    return "quantity", quantity.value, Q3_UNITS.get(unit.name, unit.name.lower())


# --- scoring ----------------------------------------------------------------------------------

def in_scope(prediction: Prediction, case: dict[str, Any]) -> bool:
    scope = case.get("scope", "all")
    kind, _, unit = prediction
    if scope != "all" and kind != scope:
        return False
    if scope == "quantity" and case.get("source") == "recognizers-text" and unit.lower() in UNANNOTATED_QUANTITY_UNITS:
        return False
    return True


def same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def match_case(predictions: list[Prediction], gold: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """One-to-one (prediction, gold) index pairs with equal unit and value."""
    used: set[int] = set()
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predictions):
            if pi not in used and p[2] == g["unit"] and same_value(p[1], g["value"]):
                used.add(pi)
                pairs.append((pi, gi))
                break
    return pairs


class Tally:
    """True positives, predictions and gold items per kind."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        self.errors: list[dict[str, Any]] = []
        self.seconds = 0.0
        self.valueless = 0  # in-scope predictions with no value, not scored

    def add(self, case: dict[str, Any], predictions: list[Prediction]) -> None:
        predictions = [p for p in predictions if in_scope(p, case)]
        self.valueless += sum(1 for p in predictions if p[1] is None)
        if not self.strict:
            predictions = [p for p in predictions if p[1] is not None]
        gold = case["expected"]
        pairs = match_case(predictions, gold)
        for kind, _, _ in predictions:
            self.counts[kind][1] += 1
        for g in gold:
            self.counts[g["kind"]][2] += 1
        for _, gi in pairs:
            self.counts[gold[gi]["kind"]][0] += 1
        matched_p, matched_g = {p for p, _ in pairs}, {g for _, g in pairs}
        if len(matched_p) < len(predictions) or len(matched_g) < len(gold):
            self.errors.append({
                "id": case["id"], "text": case["text"],
                "missed": [(g["text"], g["value"], g["unit"]) for i, g in enumerate(gold) if i not in matched_g],
                "spurious": [p for i, p in enumerate(predictions) if i not in matched_p]})

    def scores(self, kinds: Iterable[str]) -> dict[str, dict[str, float]]:
        table = {kind: prf(*self.counts[kind]) for kind in kinds if any(self.counts[kind])}
        total = [sum(self.counts[k][i] for k in self.counts) for i in range(3)]
        table["all"] = prf(*total)
        return table


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "pred": n_pred,
            "gold": n_gold}


def run_system(predict: Callable[[str], list[Prediction]], cases: list[dict[str, Any]], *,
               strict: bool = False) -> Tally:
    """Score one system on the cases; a first, untimed call loads whatever it loads lazily."""
    tally = Tally(strict=strict)
    if cases:
        predict(cases[0]["text"])
    for case in cases:
        started = time.perf_counter()
        predictions = predict(case["text"])
        tally.seconds += time.perf_counter() - started
        tally.add(case, predictions)
    return tally


# --- report -----------------------------------------------------------------------------------

def format_table(name: str, n_cases: int, systems: dict[str, Tally]) -> str:
    scores = {label: tally.scores(KINDS) for label, tally in systems.items()}
    rows = [k for k in (*KINDS, "all") if any(k in s for s in scores.values())]
    head = f"{'kind':<9}" + "".join(f" | {label:^31}" for label in systems)
    sub = f"{'':<9}" + "".join(f" | {'P':>5} {'R':>5} {'F1':>5} {'tp/pred/gold':>13}" for _ in systems)
    lines = [f"{name} ({n_cases} cases)", head, sub, "-" * len(sub)]
    for kind in rows:
        line = f"{kind:<9}"
        for label in systems:
            s = scores[label].get(kind)
            if s is None:
                line += f" | {'-':>31}"
            else:
                counts = f"{s['tp']}/{s['pred']}/{s['gold']}"
                line += f" | {s['precision']:5.3f} {s['recall']:5.3f} {s['f1']:5.3f} {counts:>13}"
        lines.append(line)
    lines.append("no value " + "".join(f" | {t.valueless:>20} {('as FP' if t.strict else 'not scored'):>10}"
                                        for t in systems.values()))
    lines.append("time     " + "".join(f" | {1000 * t.seconds / max(n_cases, 1):>23.2f} ms/case"
                                        for t in systems.values()))
    return "\n".join(lines)


def format_errors(label: str, tally: Tally, limit: int) -> str:
    lines = [f"  {label}: {len(tally.errors)} cases with errors"]
    for error in tally.errors[:limit]:
        lines.append(f"    {error['id']}: {error['text'][:110]!r}")
        if error["missed"]:
            lines.append(f"      missed:   {error['missed']}")
        if error["spurious"]:
            lines.append(f"      spurious: {error['spurious']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("gold_dir", nargs="?", type=Path, default=DEFAULT_GOLD_DIR,
                      help="folder with the *.jsonl gold files (default: %(default)s)")
    args.add_argument("--errors", type=int, default=0, metavar="N", help="print up to N wrong cases per system")
    args.add_argument("--no-baseline", action="store_true", help="do not run quantulum3")
    args.add_argument("--strict", action="store_true",
                      help="also score value-less predictions (as false positives) and year ranges (by their "
                           "first year): the most conservative reading")
    args.add_argument("--output", type=Path, default=RESULTS_PATH, help="JSON results (default: %(default)s)")
    options = args.parse_args(argv)
    files = sorted(options.gold_dir.glob("*.jsonl"))
    if not files:
        print(f"{options.gold_dir}: no *.jsonl gold files found", file=sys.stderr)
        return 1
    try:
        importlib.import_module("pipeline.numbers")
    except ImportError as error:
        print(f"Cannot import argmine ({error}); run from the repository root with PYTHONPATH=.", file=sys.stderr)
        return 1
    baseline = None if options.no_baseline else load_quantulum()
    if baseline is None and not options.no_baseline:
        print("quantulum3 is not installed: the baseline is skipped "
              "(pip install quantulum3==0.10.0 to compare).\n")
    results: dict[str, Any] = {"gold_dir": str(options.gold_dir), "tolerance": {"relative": REL_TOL},
                               "strict": options.strict, "files": {}}
    if options.strict:
        print("strict scoring: value-less predictions count as false positives, year ranges are scored\n")
    for path in files:
        cases = read_cases(path)
        predict = partial(ours, strict=options.strict)
        systems = {"argmine": run_system(predict, cases, strict=options.strict)}
        if baseline is not None:
            systems["quantulum3"] = run_system(baseline, cases, strict=options.strict)
        print(format_table(path.name, len(cases), systems))
        if options.errors:
            for label, tally in systems.items():
                print(format_errors(label, tally, options.errors))
        print()
        results["files"][path.name] = {
            "cases": len(cases),
            **{label: {"scores": tally.scores(KINDS), "seconds": round(tally.seconds, 4),
                       "valueless_predictions": tally.valueless}
               for label, tally in systems.items()}}
    try:
        options.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        print(f"Cannot write {options.output}: {error}", file=sys.stderr)
        return 1
    print(f"results written to {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
