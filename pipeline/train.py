"""Train, compare, save and load the stance model (claim-level and dyad-level classifiers).

Examples come from labelled claims (`text`, `label`, optional `actors`, `dyads`, `doc`) or from
annotated document records (gold or reviewed pipeline output). Models are compared by grouped
cross-validation, holding out whole documents, so no claim is scored by a model that saw its
neighbours. The winner is refit on everything and saved with skops beside a model card.
Dyads come from the claim model and a relation model together (see pipeline/stance_features.py);
relation models are compared by the dyad scores of that combination.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import platform
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ArgmineError, Errors
from .io import iter_jsonl_records
from .schema import COMPETITIVE, NEUTRAL, STANCE_LABELS
from .stance_features import (COUNT_TOKEN_PATTERN, claim_input, dyad_pairs, dyad_scores, named_conflict,
                              relation_input, relation_label)

if TYPE_CHECKING:
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "stance.skops"
FOLDS = 5
CALIBRATION_FOLDS = 3  # CalibratedClassifierCV(cv=3) needs as many examples of each class
# What a model file holds: the claim model, the relation model on surface features and, when
# dependency paths beat them in grouped CV, a relation model on those too ("relation_parsed",
# used on parsed Docs, i.e. in the full profile).
MODEL_KEYS = ("claim", "relation", "labels")
# Set in files whose unparsed relation model reads each claim with all actors masked alike (the
# default of stance_features.relation_parts); older files read it with the pair marked.
MASKS_ALIKE_KEY = "relation_masks_alike"
DYAD_METHOD = ("claim stance x relation of the pair to it (same / opposite / none), read from the claim and the "
               "pair's own tokens; '+dep' marks the pair in the claim, adds the dependency path between the two "
               "mentions and is used on parsed Docs (full profile) when it wins; the others need no parse and "
               "read the claim with all actors masked alike. A conflict the claim names between the pair is "
               "competitive, scored by how often such pairs are in the training data")


@dataclass
class StanceExample:
    """One labelled claim: its text, actor mentions (start, end, code) and dyad labels."""

    text: str
    label: str
    group: str
    mentions: list[tuple[int, int, str]] = field(default_factory=list)
    dyads: dict[tuple[str, str], str] | None = field(default_factory=dict)  # None: pairs not labelled
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
    # no `dyads` key: the claim was labelled but its actor pairs were not (argmine import-labels)
    dyads: dict[tuple[str, str], str] | None = None if record.get("dyads") is None else {}
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


# --- datasets -----------------------------------------------------------------------------

def claim_dataset(examples: Sequence[StanceExample]) -> tuple[list[str], list[str], list[str]]:
    return ([claim_input(e.text, e.mentions) for e in examples], [e.label for e in examples],
            [e.group for e in examples])


def pair_index(examples: Sequence[StanceExample]) -> list[tuple[int, str, str]]:
    """(example index, a, b) for every pair of actors of every claim whose pairs were labelled."""
    return [(i, a, b) for i, example in enumerate(examples) if example.dyads is not None
            for a, b in dyad_pairs(example.codes)]


def dyad_dataset(examples: Sequence[StanceExample], parses: Sequence[Doc] | None = None
                 ) -> tuple[list[str], list[str], list[str]]:
    """Relation-model inputs of every pair in `pair_index` order, the pair's dyad stance (neutral
    when the claim does not characterize it) and its document; `parses` adds dependency paths."""
    pairs = pair_index(examples)
    texts = [relation_input(examples[i].text, examples[i].mentions, a, b,
                            (parses[i], 0) if parses is not None else None) for i, a, b in pairs]
    return texts, pair_labels(examples), [examples[i].group for i, _, _ in pairs]


def named_conflicts(examples: Sequence[StanceExample]) -> list[bool]:
    """Whether each pair in `pair_index` order is in a conflict its claim names (made competitive)."""
    return [named_conflict(examples[i].text, examples[i].mentions, a, b) for i, a, b in pair_index(examples)]


def named_conflict_score(stats: dict[str, int]) -> float:
    """P(competitive | a named conflict) on the training pairs, add-one smoothed: the score of the
    dyads the rule makes competitive."""
    return (stats["competitive"] + 1) / (stats["matches"] + 2)


def pair_labels(examples: Sequence[StanceExample]) -> list[str]:
    """The gold dyad stance of every pair in `pair_index` order; neutral where none is given."""
    return [examples[i].dyads.get((a, b), NEUTRAL) for i, a, b in pair_index(examples)]


def parse_texts(texts: Sequence[str]) -> list[Doc] | None:
    """Texts parsed by the full profile's base model, or None (with a warning) if it is not installed.

    Done once per training run: the parse of all 981 corpus claims takes seconds, and every fold
    and candidate reuses it.
    """
    import spacy

    from .profiles import find_base_model

    try:
        nlp = spacy.load(find_base_model(), exclude=["ner"])
    except ArgmineError as err:
        logger.warning("no dependency features for the dyad model: %s", err)
        return None
    return list(nlp.pipe(texts, batch_size=256))


# --- models -------------------------------------------------------------------------------

def build_stance_pipeline(classifier: Any, *, chars: bool = True):
    """Word 1-2-grams, optionally character 2-5-grams (within words), and counts of
    our feature tokens (cues, actor count, pair structure) as a block of their own, so that a cue
    weighs the same whatever the length of the claim; all feeding `classifier`."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline

    blocks = [("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True))]
    if chars:
        blocks.append(("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                                sublinear_tf=True, max_features=40000)))
    blocks.append(("counts", TfidfVectorizer(token_pattern=COUNT_TOKEN_PATTERN, lowercase=False,
                                             use_idf=False, norm=None)))
    # Grouped CV of logistic regression on the corpus with clause-level documents: characters
    # weighted 0.15 / 0.3 / 0.6 / 1.0 against words give 0.679 / 0.678 / 0.682 / 0.685 macro-F1,
    # so the blocks are not weighted.
    return Pipeline([("features", FeatureUnion(blocks)), ("clf", classifier)])


def candidate_models(seed: int) -> dict[str, Callable[[], Any]]:
    """The classifiers compared by cross-validation; each gives calibrated probabilities."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

    return {
        "logistic_regression": lambda: LogisticRegression(C=10.0, class_weight="balanced", max_iter=5000,
                                                          random_state=seed),
        "linear_svm": lambda: CalibratedClassifierCV(LinearSVC(C=0.5, class_weight="balanced", random_state=seed),
                                                     method="sigmoid", cv=CALIBRATION_FOLDS),
        "complement_nb": lambda: CalibratedClassifierCV(ComplementNB(alpha=0.3), method="sigmoid",
                                                        cv=CALIBRATION_FOLDS),
    }


def document_folds(groups: Sequence[str], folds: int = FOLDS) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test indices of grouped k-fold, whole documents held out."""
    from sklearn.model_selection import GroupKFold

    cv = GroupKFold(n_splits=min(folds, len(set(groups))))
    return list(cv.split(np.zeros(len(groups)), groups=groups))


def claim_cv(make_classifier: Callable[[], Any], texts: list[str], labels: list[str],
             splits: list[tuple[np.ndarray, np.ndarray]]) -> tuple[dict[str, Any], list[dict[str, float]]]:
    """Scores of out-of-fold predictions, and the out-of-fold probabilities (for the dyad CV)."""
    from sklearn.base import clone

    probabilities: list[dict[str, float]] = [{} for _ in texts]
    model = build_stance_pipeline(make_classifier())
    for train_idx, test_idx in splits:
        fitted = clone(model).fit([texts[i] for i in train_idx], [labels[i] for i in train_idx])
        for i, row in zip(test_idx, fitted.predict_proba([texts[i] for i in test_idx])):
            probabilities[i] = dict(zip(fitted.classes_, map(float, row)))
    return classification_scores(labels, [_best(p) for p in probabilities]), probabilities


def dyad_cv(make_classifier: Callable[[], Any], pairs: list[tuple[int, str, str]], texts: list[str],
            gold: list[str], claim_labels: list[str], claim_probabilities: list[dict[str, float]],
            splits: list[tuple[np.ndarray, np.ndarray]], conflicts: Sequence[bool]) -> dict[str, Any]:
    """Dyad scores of the two-step prediction with the same document folds as the claim model: the
    relation model is fitted on the training documents' pairs and combined with the claim model's
    out-of-fold probabilities, and named conflicts are competitive, exactly as at inference."""
    from sklearn.base import clone

    relations = [relation_label(claim_labels[i], label) for (i, _, _), label in zip(pairs, gold)]
    predicted = [NEUTRAL] * len(pairs)
    model = build_stance_pipeline(make_classifier(), chars=False)
    for train_idx, test_idx in splits:
        train_claims, test_claims = set(train_idx.tolist()), set(test_idx.tolist())
        fit_rows = relation_rows([k for k, (i, _, _) in enumerate(pairs) if i in train_claims], pairs,
                                 claim_labels, relations)
        test_rows = [k for k, (i, _, _) in enumerate(pairs) if i in test_claims]
        if not test_rows:
            continue
        fitted = clone(model).fit([texts[k] for k in fit_rows], [relations[k] for k in fit_rows])
        for k, row in zip(test_rows, fitted.predict_proba([texts[k] for k in test_rows])):
            scores = dyad_scores(claim_probabilities[pairs[k][0]], dict(zip(fitted.classes_, map(float, row))))
            predicted[k] = COMPETITIVE if conflicts[k] else _best(scores)
    return classification_scores(gold, predicted)


def relation_rows(rows: list[int], pairs: list[tuple[int, str, str]], claim_labels: Sequence[str],
                  relations: Sequence[str]) -> list[int]:
    """The pairs (of `rows`) a relation model learns from.

    Those of claims with a stance, where the relation to it is defined: neutral claims already
    send their pairs to neutral through the claim model (grouped CV: 0.642 vs 0.626 dyad
    macro-F1 when they are taught as `none`). On tiny data where those pairs show a single
    relation, all pairs are used; a relation seen fewer than CALIBRATION_FOLDS times cannot be
    calibrated, so its pairs are left out.
    """
    chosen = _calibratable([k for k in rows if claim_labels[pairs[k][0]] != NEUTRAL], relations)
    return chosen if len({relations[k] for k in chosen}) > 1 else _calibratable(rows, relations)


def _calibratable(rows: list[int], relations: Sequence[str]) -> list[int]:
    counts = Counter(relations[k] for k in rows)
    return [k for k in rows if counts[relations[k]] >= CALIBRATION_FOLDS]


def _best(scores: dict[str, float]) -> str:
    """The label with the highest score; ties go to the first in STANCE_LABELS order."""
    return max(STANCE_LABELS, key=lambda label: scores.get(label, 0.0))


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


def _winner(results: dict[str, dict[str, Any]]) -> str:
    return max(results, key=lambda name: (results[name]["macro_f1"], name))


def select_claim_model(texts: list[str], labels: list[str], splits: list[tuple[np.ndarray, np.ndarray]],
                       seed: int) -> tuple[Any, str, dict[str, dict[str, Any]], list[dict[str, float]]]:
    """Cross-validate every candidate, refit the best (by macro-F1) on all claims; also return the
    winner's out-of-fold probabilities, on which the dyad models are compared."""
    results, probabilities = {}, {}
    candidates = candidate_models(seed)
    for name, make in candidates.items():
        results[name], probabilities[name] = claim_cv(make, texts, labels, splits)
        logger.info("claim %s: macro-F1 %.3f", name, results[name]["macro_f1"])
    best = _winner(results)
    model = build_stance_pipeline(candidates[best]()).fit(texts, labels)
    return model, best, results, probabilities[best]


def select_relation_model(examples: Sequence[StanceExample], parses: Sequence[Doc] | None,
                          claim_probabilities: list[dict[str, float]], splits: list[tuple[np.ndarray, np.ndarray]],
                          seed: int) -> tuple[Any, str, dict[str, dict[str, Any]]]:
    """Cross-validate every candidate relation model by the dyad scores it yields, refit the best."""
    pairs = pair_index(examples)
    texts, gold, _ = dyad_dataset(examples, parses)
    claim_labels = [e.label for e in examples]
    conflicts = named_conflicts(examples)
    results = {}
    candidates = candidate_models(seed)
    for name, make in candidates.items():
        results[name] = dyad_cv(make, pairs, texts, gold, claim_labels, claim_probabilities, splits, conflicts)
        logger.info("dyad %s%s: macro-F1 %.3f", name, " (parsed)" if parses else "", results[name]["macro_f1"])
    best = _winner(results)
    relations = [relation_label(claim_labels[i], label) for (i, _, _), label in zip(pairs, gold)]
    rows = relation_rows(list(range(len(pairs))), pairs, claim_labels, relations)
    model = build_stance_pipeline(candidates[best](), chars=False).fit([texts[k] for k in rows],
                                                                       [relations[k] for k in rows])
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
    missing = [key for key in MODEL_KEYS if key not in models]
    if missing:
        raise ArgmineError(Errors.E015.format(path=path, detail=f"not a stance model of this version of argmine "
                                                                f"(missing {', '.join(missing)}): retrain it with "
                                                                f"`make model` or `argmine train`"))
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
    texts, labels, groups = claim_dataset(examples)
    if len(set(groups)) < 2:
        raise ArgmineError(Errors.E015.format(path=files[0], detail="need at least two documents for grouped CV"))
    splits = document_folds(groups, folds)
    claim_model, claim_best, claim_results, claim_probabilities = select_claim_model(texts, labels, splits, seed)
    models = {"claim": claim_model, "labels": list(STANCE_LABELS), MASKS_ALIKE_KEY: True}
    models["relation"], fast_best, dyad_results = select_relation_model(examples, None, claim_probabilities,
                                                                        splits, seed)
    dyad_card = {"chosen": fast_best, "chosen_fast": fast_best}
    parses = parse_texts([e.text for e in examples])
    if parses is not None:
        parsed_model, best, parsed_results = select_relation_model(examples, parses, claim_probabilities,
                                                                   splits, seed)
        dyad_results.update({f"{name}+dep": scores for name, scores in parsed_results.items()})
        if parsed_results[best]["macro_f1"] > dyad_results[fast_best]["macro_f1"]:
            models["relation_parsed"], dyad_card["chosen"] = parsed_model, f"{best}+dep"
    dyad_labels = pair_labels(examples)
    models["named_conflict"] = {"matches": 0, "competitive": 0}
    for conflict, label in zip(named_conflicts(examples), dyad_labels):
        models["named_conflict"]["matches"] += conflict
        models["named_conflict"]["competitive"] += conflict and label == COMPETITIVE
    dyad_card["named_conflict"] = {**models["named_conflict"],
                                   "score": round(named_conflict_score(models["named_conflict"]), 4)}
    relation_counts = Counter(relation_label(examples[i].label, label)
                              for (i, _, _), label in zip(pair_index(examples), dyad_labels))
    card = {
        "name": Path(output).name,
        "task": "stance of claims and actor dyads: cooperative / competitive / neutral",
        "trained_on": [p.as_posix() for p in files],
        "data_sha256": data_hash(files),
        "examples": {"claims": len(labels), "documents": len(set(groups)), "dyads": len(dyad_labels)},
        "label_counts": {"claims": dict(sorted(Counter(labels).items())),
                         "dyads": dict(sorted(Counter(dyad_labels).items())),
                         "relations": dict(sorted(relation_counts.items()))},
        "selection": f"grouped {folds}-fold cross-validation by document, best macro-F1",
        "claim_model": {"chosen": claim_best, "cv": claim_results},
        "dyad_model": {**dyad_card, "cv": dyad_results, "method": DYAD_METHOD},
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
