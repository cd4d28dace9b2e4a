"""Learning curve of the stance model: how much macro-F1 10%, 25%, 50% and 100% of the labels buy,
when the labels are chosen at random and when they are chosen by uncertainty sampling.

Run: `python -m benchmarks.learning_curve [--data annotations/stance] [--strategy margin]`.
Prints a table and writes benchmarks/learning_curve.json.

Protocol. Documents are split by grouped K-fold (whole documents held out, as `argmine train`
does). In each fold, labels are chosen only from the training documents (the pool); the
held-out documents are never seen by the selection, only by the final score:

- random: one random order of the pool; the set of size n is its first n claims, so the
  sets are nested, as when an annotator works down a shuffled list;
- uncertainty: a random seed set of 5% of the pool, then rounds of active learning: fit the
  model on the labels chosen so far, score the rest of the pool, and add the batch (2.5% of the
  pool) the model is least confident about (1 - max p) or, with `--strategy margin`, whose two
  best labels are closest (Settles 2009, section 3.1). This is what `argmine export-labels`
  does between retraining rounds;
- at each size, the stance model (`build_stance_pipeline` with the logistic-regression
  candidate) is fit on the chosen claims and predicts the held-out documents.

Macro-F1 is computed on the pooled out-of-fold predictions, as `argmine train` reports it. The
whole procedure is repeated with different seeds (fold assignment and selection); the table
gives the mean and standard deviation over repeats. At 100% both strategies use the whole
pool, so their scores agree by construction.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import math
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO / "annotations" / "stance"
DEFAULT_OUT = REPO / "benchmarks" / "learning_curve.json"
SIZES = (0.10, 0.25, 0.50, 1.00)
STRATEGIES = ("least-confident", "margin")

logger = logging.getLogger(__name__)


def informativeness(probabilities: np.ndarray, strategy: str) -> np.ndarray:
    """Higher = the model is less sure; rows are examples, columns classes."""
    ordered = np.sort(probabilities, axis=1)[:, ::-1]
    if strategy == "least-confident":
        return 1.0 - ordered[:, 0]
    if strategy == "margin":
        second = ordered[:, 1] if ordered.shape[1] > 1 else 0.0
        return 1.0 - (ordered[:, 0] - second)
    raise ValueError(f"strategy = {strategy!r}; expected one of {', '.join(STRATEGIES)}")


def _fit(make_model: Callable[[], Any], texts: Sequence[str], labels: Sequence[str]):
    """The model fit on (texts, labels), or None when only one label is present (predict it)."""
    if len(set(labels)) < 2:
        return None
    return make_model().fit(list(texts), list(labels))


def _predict(model, fallback: str, texts: Sequence[str]) -> list[str]:
    return list(model.predict(list(texts))) if model is not None else [fallback] * len(texts)


def uncertainty_order(pool: np.ndarray, texts: Sequence[str], labels: Sequence[str], targets: Sequence[int],
                      make_model: Callable[[], Any], rng: np.random.Generator, *, strategy: str,
                      seed_size: int, batch: int) -> dict[int, np.ndarray]:
    """For each target size, the pool indices chosen by uncertainty sampling (nested sets)."""
    order = list(rng.permutation(pool))
    chosen = order[:seed_size]
    # a model needs two labels to rank anything: extend the seed at random until it has them
    rest = order[seed_size:]
    while len({labels[i] for i in chosen}) < 2 and rest:
        chosen.append(rest.pop(0))
    remaining = set(rest)
    result: dict[int, np.ndarray] = {}
    for target in sorted(targets):
        if target >= len(pool):  # all of the pool: nothing left to choose
            result[target] = np.asarray(pool)
            continue
        while len(chosen) < target and remaining:
            model = _fit(make_model, [texts[i] for i in chosen], [labels[i] for i in chosen])
            candidates = np.array(sorted(remaining))
            if model is None:
                picked = list(rng.choice(candidates, size=min(batch, len(candidates)), replace=False))
            else:
                scores = informativeness(model.predict_proba([texts[i] for i in candidates]), strategy)
                # ties broken at random, so a flat model does not pick in corpus order
                ranked = np.lexsort((rng.random(len(candidates)), -scores))
                picked = list(candidates[ranked[:min(batch, target - len(chosen))]])
            chosen += picked
            remaining -= set(picked)
        result[target] = np.array(chosen[:target])
    return result


def learning_curve(texts: Sequence[str], labels: Sequence[str], groups: Sequence[str], *,
                   sizes: Sequence[float] = SIZES, folds: int = 5, repeats: int = 3,
                   strategy: str = "least-confident", seed_fraction: float = 0.05, batch_fraction: float = 0.025,
                   make_model: Callable[[], Any] | None = None) -> dict[str, Any]:
    """Macro-F1 at each size for random and uncertainty selection; see the module docstring."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    from pipeline.schema import STANCE_LABELS
    from pipeline.train import build_stance_pipeline, candidate_models

    if make_model is None:
        def make_model(seed: int = 0):
            return build_stance_pipeline(candidate_models(seed)["logistic_regression"]())
    texts, labels, groups = list(texts), list(labels), np.asarray(groups)
    n_folds = min(folds, len(set(groups)))
    if n_folds < 2:
        raise ValueError("need at least two documents for grouped cross-validation")
    runs = []
    for repeat in range(repeats):
        rng = np.random.default_rng(repeat)
        splitter = GroupKFold(n_splits=n_folds, shuffle=True, random_state=repeat)
        predicted = {(kind, size): [None] * len(texts) for kind in ("random", "uncertainty") for size in sizes}
        label_counts = {size: [] for size in sizes}
        for train_idx, test_idx in splitter.split(texts, labels, groups):
            held_out = set(test_idx)
            pool = np.asarray(train_idx)
            targets = {size: max(2, math.ceil(size * len(pool))) if size < 1 else len(pool) for size in sizes}
            random_order = rng.permutation(pool)
            active = uncertainty_order(
                pool, texts, labels, list(targets.values()), lambda: make_model(repeat), rng, strategy=strategy,
                seed_size=max(2, math.ceil(seed_fraction * len(pool))),
                batch=max(1, math.ceil(batch_fraction * len(pool))))
            test_texts = [texts[i] for i in test_idx]
            for size, target in targets.items():
                label_counts[size].append(target)
                fitted: dict[frozenset, list[str]] = {}  # at 100% both strategies chose the same set
                for kind, chosen in (("random", random_order[:target]), ("uncertainty", active[target])):
                    assert not held_out & set(chosen.tolist()), "selection saw a held-out document"
                    key = frozenset(chosen.tolist())
                    if key not in fitted:
                        chosen_labels = [labels[i] for i in chosen]
                        model = _fit(lambda: make_model(repeat), [texts[i] for i in chosen], chosen_labels)
                        fitted[key] = _predict(model, chosen_labels[0], test_texts)
                    for i, p in zip(test_idx, fitted[key]):
                        predicted[(kind, size)][i] = p
        runs.append({
            f"{kind}@{size:g}": round(float(f1_score(labels, predicted[(kind, size)], labels=list(STANCE_LABELS),
                                                     average="macro", zero_division=0)), 4)
            for kind, size in predicted})
        runs[-1]["labels"] = {f"{size:g}": float(np.mean(counts)) for size, counts in label_counts.items()}
    rows = []
    for size in sizes:
        row = {"size": size, "labels": round(float(np.mean([r["labels"][f"{size:g}"] for r in runs])), 1)}
        for kind in ("random", "uncertainty"):
            values = [r[f"{kind}@{size:g}"] for r in runs]
            row[kind] = {"mean": round(float(np.mean(values)), 4), "sd": round(float(np.std(values)), 4),
                         "runs": values}
        rows.append(row)
    return {"rows": rows, "folds": n_folds, "repeats": repeats, "strategy": strategy,
            "seed_fraction": seed_fraction, "batch_fraction": batch_fraction}


def format_table(result: dict[str, Any]) -> str:
    lines = [f"{'size':>5}  {'labels':>6}  {'random':>15}  {'uncertainty':>15}"]
    for row in result["rows"]:
        cells = [f"{row[k]['mean']:.3f} ± {row[k]['sd']:.3f}" for k in ("random", "uncertainty")]
        lines.append(f"{row['size']:>5.0%}  {row['labels']:>6.0f}  {cells[0]:>15}  {cells[1]:>15}")
    return "\n".join(lines)


def actor_recognizer_available() -> bool:
    """Whether `pipeline.train.recognize_actors` works here (it needs the argmine_actors factory)."""
    if importlib.util.find_spec("pipeline.actors") is None:
        return False
    try:
        import pipeline.actors  # noqa: F401  (registers the factory if the package does not yet)
        from pipeline.train import recognize_actors

        recognize_actors(["China and Russia."])
    except Exception as err:  # any failure means: run unmasked, and say so in the output
        logger.warning("actor recognizer failed (%s: %s)", type(err).__name__, err)
        return False
    return True


def load_corpus(data: Sequence[Path]) -> tuple[list[str], list[str], list[str], bool, int]:
    """Model inputs, labels and document groups of the stance corpus, and whether actors were masked."""
    from pipeline.train import claim_dataset, data_files, load_examples, recognize_actors

    masked = actor_recognizer_available()
    if not masked:
        logger.warning("the actor recognizer (pipeline.actors) is not available: actor mentions are not masked")
    files = data_files(data)
    examples = load_examples(files, recognize_actors if masked else (lambda texts: [[] for _ in texts]))
    texts, labels, groups = claim_dataset(examples)
    return texts, labels, groups, masked, len(files)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, nargs="+", default=[DEFAULT_DATA], help="labelled JSONL files or folders")
    parser.add_argument("--strategy", choices=STRATEGIES, default="least-confident")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=lambda s: [float(x) for x in s.split(",")], default=list(SIZES),
                        help="fractions of the training pool, e.g. 0.1,0.25,0.5,1")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    import sklearn

    started = time.perf_counter()
    texts, labels, groups, masked, n_files = load_corpus(args.data)
    result = learning_curve(texts, labels, groups, sizes=args.sizes, folds=args.folds, repeats=args.repeats,
                            strategy=args.strategy)
    result.update({
        "data": [str(p) for p in args.data], "files": n_files, "claims": len(labels),
        "documents": len(set(groups)), "label_counts": {k: labels.count(k) for k in sorted(set(labels))},
        "actors_masked": masked, "model": "build_stance_pipeline + logistic_regression",
        "seconds": round(time.perf_counter() - started, 1),
        "versions": {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "numpy": np.__version__},
    })
    print(f"stance learning curve: {len(labels)} claims, {len(set(groups))} documents, grouped {result['folds']}-fold "
          f"CV, {args.repeats} repeats, {args.strategy} sampling, actors {'masked' if masked else 'NOT masked'}")
    print("macro-F1 on held-out documents (mean ± sd over repeats)")
    print(format_table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
