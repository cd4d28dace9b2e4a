"""Train, compare, save and load the stance model (claim-level and dyad-level classifiers).

Examples come from labelled claims (`text`, `label`, optional `actors`, `dyads`, `doc`) or from
annotated document records (gold or reviewed pipeline output). Models are compared by grouped
cross-validation, holding out whole documents, so no claim is scored by a model that saw its
neighbours. The winner is refit on everything and saved with skops beside a model card.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import logging
import platform
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .cues import ACTOR, model_text
from .errors import ArgmineError, Errors
from .io import iter_jsonl_records
from .schema import NEUTRAL, STANCE_LABELS

logger = logging.getLogger(__name__)

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "stance.skops"
PAIR_A, PAIR_B = "ACTA", "ACTB"
FOLDS = 5


@dataclass
class StanceExample:
    """One labelled claim: its text, actor mentions (start, end, code) and dyad labels."""

    text: str
    label: str
    group: str
    mentions: list[tuple[int, int, str]] = field(default_factory=list)
    dyads: dict[tuple[str, str], str] = field(default_factory=dict)
    source: str = ""

    @property
    def codes(self) -> list[str]:
        return sorted({code for _, _, code in self.mentions})


# --- reading labelled data ----------------------------------------------------------------

def data_files(paths: Iterable[str | Path]) -> list[Path]:
    """The JSONL files named by `paths` (folders are searched recursively), sorted."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.jsonl") if not p.name.endswith(".errors.jsonl"))
        elif path.is_file():
            files.append(path)
        else:
            raise ArgmineError(Errors.E006.format(path=path))
    return files


def data_hash(files: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_examples(files: Sequence[Path], find_mentions: Callable[[list[str]], list[list[tuple[int, int, str]]]]
                  ) -> list[StanceExample]:
    """Examples of every file; `find_mentions` recognizes actors in texts that carry no offsets."""
    examples: list[StanceExample] = []
    for path in files:
        for number, record in enumerate(iter_jsonl_records(path), start=1):
            if "claims" in record:
                examples += _examples_from_document(record, path)
            else:
                examples.append(_example_from_claim(record, path, number))
    unmasked = [e for e in examples if e.mentions == [] and e.source != "document"]
    for example, mentions in zip(unmasked, find_mentions([e.text for e in unmasked])):
        example.mentions = mentions
    return examples


def _example_from_claim(record: dict[str, Any], path: Path, line: int) -> StanceExample:
    for name in ("text", "label"):
        if not isinstance(record.get(name), str):
            raise ArgmineError(Errors.E012.format(path=path, line=line, field=name))
    if record["label"] not in STANCE_LABELS:
        raise ArgmineError(Errors.E011.format(path=path, line=line, field="label", value=record["label"],
                                              expected=", ".join(STANCE_LABELS)))
    dyads = {}
    for dyad in record.get("dyads") or []:
        if dyad.get("stance") not in STANCE_LABELS:
            raise ArgmineError(Errors.E011.format(path=path, line=line, field="dyads.stance",
                                                  value=dyad.get("stance"), expected=", ".join(STANCE_LABELS)))
        dyads[tuple(sorted((dyad["a"], dyad["b"])))] = dyad["stance"]
    group = str(record.get("doc") or f"{path.name}:{line}")
    return StanceExample(record["text"], record["label"], group, [], dyads, f"{path}:{line}")


def _examples_from_document(record: dict[str, Any], path: Path) -> list[StanceExample]:
    examples = []
    for claim in record["claims"]:
        mentions = [(e["start"] - claim["start"], e["end"] - claim["start"], e["code"])
                    for e in record["entities"]
                    if e.get("code") and claim["start"] <= e["start"] and e["end"] <= claim["end"]]
        dyads = {tuple(sorted((d["a"], d["b"]))): d["stance"] for d in claim.get("dyads", [])}
        examples.append(StanceExample(claim["text"], claim["stance"], str(record["id"]), mentions,
                                      dyads, "document"))
    return examples


# --- features -----------------------------------------------------------------------------

def claim_input(text: str, mentions: Sequence[tuple[int, int, str]]) -> str:
    """The claim model's input: every actor masked alike."""
    return model_text(text, [(s, e, ACTOR) for s, e, _ in mentions])


def dyad_input(text: str, mentions: Sequence[tuple[int, int, str]], a: str, b: str) -> str:
    """The dyad model's input: the pair's mentions marked, other actors masked, plus the
    words between the pair's closest mentions (the relation is usually stated there)."""
    marked = [(s, e, PAIR_A if c == a else PAIR_B if c == b else ACTOR) for s, e, c in mentions]
    a_spans = [(s, e) for s, e, c in mentions if c == a]
    b_spans = [(s, e) for s, e, c in mentions if c == b]
    between = ""
    if a_spans and b_spans:
        (s1, e1), (s2, e2) = min(itertools.product(a_spans, b_spans),
                                 key=lambda p: abs(p[0][0] - p[1][0]))
        left, right = (e1, s2) if s1 < s2 else (e2, s1)
        between = " ".join("BTW_" + w.lower() for w in text[left:right].split()[:8])
    return f"{model_text(text, marked)} {between}".strip()


def dyad_pairs(codes: Sequence[str]) -> list[tuple[str, str]]:
    return list(itertools.combinations(sorted(set(codes)), 2))


def claim_dataset(examples: Sequence[StanceExample]) -> tuple[list[str], list[str], list[str]]:
    return ([claim_input(e.text, e.mentions) for e in examples], [e.label for e in examples],
            [e.group for e in examples])


def dyad_dataset(examples: Sequence[StanceExample]) -> tuple[list[str], list[str], list[str]]:
    """One example per pair of actors in a claim; pairs the claim does not characterize are neutral."""
    texts, labels, groups = [], [], []
    for example in examples:
        for a, b in dyad_pairs(example.codes):
            texts.append(dyad_input(example.text, example.mentions, a, b))
            labels.append(example.dyads.get((a, b), NEUTRAL))
            groups.append(example.group)
    return texts, labels, groups


# --- models -------------------------------------------------------------------------------

def build_stance_pipeline(classifier: Any):
    """Word 1-2-grams and character 2-5-grams (within words) feeding `classifier`."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                  max_features=40000)),
    ])
    return Pipeline([("features", features), ("clf", classifier)])


def candidate_models(seed: int) -> dict[str, Callable[[], Any]]:
    """The classifiers compared by cross-validation; each gives calibrated probabilities."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

    return {
        "logistic_regression": lambda: LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000,
                                                          random_state=seed),
        "linear_svm": lambda: CalibratedClassifierCV(LinearSVC(C=0.5, class_weight="balanced", random_state=seed),
                                                     method="sigmoid", cv=3),
        "complement_nb": lambda: CalibratedClassifierCV(ComplementNB(alpha=0.3), method="sigmoid", cv=3),
    }


def grouped_cv(make_classifier: Callable[[], Any], texts: list[str], labels: list[str], groups: list[str],
               folds: int = FOLDS) -> dict[str, Any]:
    """Out-of-fold predictions with whole documents held out, and their scores."""
    from sklearn.model_selection import GroupKFold, cross_val_predict

    cv = GroupKFold(n_splits=min(folds, len(set(groups))))
    predicted = cross_val_predict(build_stance_pipeline(make_classifier()), texts, labels, groups=groups, cv=cv)
    return classification_scores(labels, list(predicted))


def classification_scores(gold: Sequence[str], predicted: Sequence[str],
                          labels: Sequence[str] = STANCE_LABELS) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score

    return {
        "n": len(gold),
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "macro_f1": round(float(f1_score(gold, predicted, labels=list(labels), average="macro", zero_division=0)), 4),
        "per_label": {k: {m: round(float(v), 4) for m, v in d.items()}
                      for k, d in classification_report(gold, predicted, labels=list(labels), output_dict=True,
                                                        zero_division=0).items() if k in labels},
        "confusion": {"labels": list(labels),
                      "matrix": confusion_matrix(gold, predicted, labels=list(labels)).tolist()},
    }


def select_and_fit(texts: list[str], labels: list[str], groups: list[str], seed: int,
                   folds: int = FOLDS) -> tuple[Any, str, dict[str, dict[str, Any]]]:
    """Cross-validate every candidate, refit the best (by macro-F1) on all data."""
    results = {}
    candidates = candidate_models(seed)
    for name, make in candidates.items():
        results[name] = grouped_cv(make, texts, labels, groups, folds)
        logger.info("%s: macro-F1 %.3f", name, results[name]["macro_f1"])
    best = max(results, key=lambda n: (results[n]["macro_f1"], n))
    model = build_stance_pipeline(candidates[best]()).fit(texts, labels)
    return model, best, results


# --- persistence --------------------------------------------------------------------------

# Everything a stance model file may contain; anything else is refused at load time.
TRUSTED_TYPES = sorted({
    "builtins.slice",
    "numpy.dtype", "numpy.ndarray", "numpy.float64", "numpy.int64", "numpy.str_",
    "collections.defaultdict", "scipy.sparse._csr.csr_matrix",
    "sklearn.pipeline.Pipeline", "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer", "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.calibration.CalibratedClassifierCV", "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration", "sklearn.svm._classes.LinearSVC",
    "sklearn.naive_bayes.ComplementNB", "sklearn.preprocessing._label.LabelEncoder",
    "sklearn.frozen._frozen.FrozenEstimator",
})


def card_path(model_path: str | Path) -> Path:
    path = Path(model_path)
    return path.with_name(path.name.removesuffix(".skops") + ".card.json")


def save_model(models: dict[str, Any], path: str | Path, card: dict[str, Any]) -> None:
    """Write the models with skops and the card beside them, each atomically."""
    import skops.io as sio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    unknown = set(sio.get_untrusted_types(data=sio.dumps(models))) - set(TRUSTED_TYPES)
    if unknown:
        raise ArgmineError(f"refusing to save a stance model with types outside the allowlist: {sorted(unknown)}")
    temporary = path.with_name(path.name + ".partial")
    sio.dump(models, temporary)
    temporary.replace(path)
    card_temporary = card_path(path).with_name(card_path(path).name + ".partial")
    card_temporary.write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    card_temporary.replace(card_path(path))


def load_model(path: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The models and card saved at `path`, refusing files with unexpected types or versions."""
    import sklearn
    import skops.io as sio

    path = Path(path)
    if not path.is_file():
        raise ArgmineError(Errors.E008.format(path=path))
    untrusted = sio.get_untrusted_types(file=path)
    unknown = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unknown:
        raise ArgmineError(Errors.E009.format(path=path, types=", ".join(unknown)))
    card = json.loads(card_path(path).read_text("utf-8")) if card_path(path).is_file() else {}
    trained = card.get("versions", {}).get("scikit-learn")
    if trained and trained.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ArgmineError(Errors.E010.format(path=path, trained=trained, found=sklearn.__version__))
    models = sio.load(path, trusted=untrusted)
    return models, card


def model_id(path: str | Path, card: dict[str, Any]) -> str:
    return f"{Path(path).name}@{card.get('model_sha256', '')[:12]}" if card else Path(path).name


# --- the whole job ------------------------------------------------------------------------

def train(data: Sequence[str | Path], output: str | Path, *, seed: int = 0, folds: int = FOLDS,
          find_mentions: Callable[[list[str]], list[list[tuple[int, int, str]]]] | None = None) -> dict[str, Any]:
    """Train claim and dyad stance models on `data`, save them to `output`, return the card."""
    import sklearn
    import skops

    np.random.seed(seed)
    files = data_files(data)
    if not files:
        raise ArgmineError(Errors.E015.format(path=", ".join(map(str, data)), detail="no .jsonl files found"))
    examples = load_examples(files, find_mentions or recognize_actors)
    claim_data = claim_dataset(examples)
    dyad_data = dyad_dataset(examples)
    if len(set(claim_data[2])) < 2:
        raise ArgmineError(Errors.E015.format(path=files[0], detail="need at least two documents for grouped CV"))
    claim_model, claim_best, claim_results = select_and_fit(*claim_data, seed=seed, folds=folds)
    dyad_model, dyad_best, dyad_results = select_and_fit(*dyad_data, seed=seed, folds=folds)
    models = {"claim": claim_model, "dyad": dyad_model, "labels": list(STANCE_LABELS)}
    card = {
        "name": Path(output).name,
        "task": "stance of claims and actor dyads: cooperative / competitive / neutral",
        "trained_on": [p.as_posix() for p in files],
        "data_sha256": data_hash(files),
        "examples": {"claims": len(claim_data[1]), "documents": len(set(claim_data[2])),
                     "dyads": len(dyad_data[1])},
        "label_counts": {"claims": dict(sorted(Counter(claim_data[1]).items())),
                         "dyads": dict(sorted(Counter(dyad_data[1]).items()))},
        "selection": f"grouped {folds}-fold cross-validation by document, best macro-F1",
        "claim_model": {"chosen": claim_best, "cv": claim_results},
        "dyad_model": {"chosen": dyad_best, "cv": dyad_results},
        "seed": seed,
        "versions": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                     "skops": skops.__version__, "numpy": np.__version__},
        "date": dt.date.today().isoformat(),
    }
    save_model(models, output, card)
    card["model_sha256"] = hashlib.sha256(Path(output).read_bytes()).hexdigest()
    card_path(output).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return card


def recognize_actors(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """Coded actor mentions of each text, found by the fast pipeline's actor recognizer."""
    from .profiles import load_pipeline

    nlp = load_pipeline("fast", until="argmine_actors")
    return [[(a["start"], a["end"], a["code"]) for a in doc._.actors or [] if a.get("code")]
            for doc in nlp.pipe(texts, batch_size=256)]
