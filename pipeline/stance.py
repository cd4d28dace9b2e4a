"""Stance classifier component: cooperative / competitive / neutral per claim and per actor pair.

Reads the claims of `argmine_claims` and the actors of `argmine_actors`, and writes `stance`,
`stance_scores` and `dyads` into each claim record. The models are the scikit-learn pipelines
trained by `argmine train` (pipeline/train.py), loaded with skops from `model_path`. A pair's
stance combines the claim's stance with the pair's relation to it (pipeline/stance_features.py);
on a parsed Doc (the full profile) the relation model also reads the dependency path between
the two actors, on an unparsed one (the fast profile) surface features only.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy import util
from spacy.language import Language
from spacy.tokens import Doc

from .extensions import ensure_extensions
from .schema import COMPETITIVE, NEUTRAL, STANCE_LABELS
from .stance_features import claim_input, dyad_pairs, dyad_scores, named_conflict, relation_parts
from .train import DEFAULT_MODEL_PATH, MASKS_ALIKE_KEY, load_model, model_id, named_conflict_score
from .vectorize import FastStancePipeline


@Language.factory(
    "argmine_stance",
    assigns=["doc._.claim_records"],
    requires=["doc._.claim_records", "doc._.actors"],
    default_config={"model_path": None},
)
def make_stance_classifier(nlp: Language, name: str, *, model_path: str | None) -> StanceClassifier:
    return StanceClassifier(nlp, name, model_path=model_path)


class StanceClassifier:
    """Score each claim and each pair of actors in it with the trained stance models."""

    def __init__(self, nlp: Language, name: str, *, model_path: str | None = None) -> None:
        self.name = name
        self.model_path = Path(model_path) if model_path else DEFAULT_MODEL_PATH
        self._models: dict[str, Any] | None = None
        self.card: dict[str, Any] = {}
        ensure_extensions()

    def load(self) -> StanceClassifier:
        """Load the model now (it is otherwise loaded on the first document)."""
        if self._models is None:
            models, self.card = load_model(self.model_path)
            self._models = {key: FastStancePipeline(model) if hasattr(model, "predict_proba") else model
                            for key, model in models.items()}
        return self

    @property
    def model_id(self) -> str:
        self.load()
        return model_id(self.model_path, self.card)

    def __call__(self, doc: Doc) -> Doc:
        self.score_docs([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        """Score documents in batches: one predict_proba call per batch instead of per document."""
        for batch in util.minibatch(stream, size=batch_size):
            self.score_docs(batch)
            yield from batch

    def score_docs(self, docs: list[Doc]) -> None:
        """Set stance, stance_scores and dyads on every claim record of `docs`."""
        claims, mentions = [], []
        for doc in docs:
            actors = [a for a in doc._.actors or [] if a.get("code")]
            for record in doc._.claim_records or []:
                claims.append((doc, record))
                mentions.append(_claim_mentions(actors, record))
        if not claims:
            return
        self.load()
        claim_model = self._models["claim"]
        texts = [claim_input(record["text"], m) for (_, record), m in zip(claims, mentions)]
        probabilities = [dict(zip(claim_model.classes_, map(float, row))) for row in claim_model.predict_proba(texts)]
        for (_, record), scores in zip(claims, probabilities):
            record["stance_scores"] = _scores(scores)
            record["stance"] = max(STANCE_LABELS, key=record["stance_scores"].get)
            record["dyads"] = []
        self._set_dyads(claims, mentions, probabilities)

    def _set_dyads(self, claims: list[tuple[Doc, dict]], mentions: list[list[tuple[int, int, str]]],
                   claim_probabilities: list[dict[str, float]]) -> None:
        by_model: dict[str, list[tuple[int, str, str]]] = {}
        parsed: dict[int, bool] = {}  # by id(doc): has_annotation reads every token
        for i, (doc, _) in enumerate(claims):
            if id(doc) not in parsed:
                parsed[id(doc)] = doc.has_annotation("DEP") and "relation_parsed" in self._models
            for a, b in dyad_pairs([c for _, _, c in mentions[i]]):
                by_model.setdefault("relation_parsed" if parsed[id(doc)] else "relation", []).append((i, a, b))
        # models trained before the named-conflict rule do not apply it
        conflict_stats = self._models.get("named_conflict")
        for key, pairs in by_model.items():
            model = self._models[key]
            parsed_model = key == "relation_parsed"
            parts = [relation_parts(claims[i][1]["text"], mentions[i], a, b,
                                    (claims[i][0], claims[i][1]["start"]) if parsed_model else None,
                                    mark_pair=reads_marked_pair(self._models, key))
                     for i, a, b in pairs]
            for (i, a, b), row in zip(pairs, model.predict_proba_parts(parts)):
                by_label = dyad_scores(claim_probabilities[i], dict(zip(model.classes_, map(float, row))))
                stance = max(STANCE_LABELS, key=by_label.get)
                if conflict_stats and named_conflict(claims[i][1]["text"], mentions[i], a, b):
                    stance = COMPETITIVE
                    by_label[COMPETITIVE] = max(by_label[COMPETITIVE], named_conflict_score(conflict_stats))
                if stance != NEUTRAL:  # neutral here means: the claim does not characterize this pair
                    claims[i][1]["dyads"].append({"a": a, "b": b, "stance": stance,
                                                  "score": round(by_label[stance], 4)})
        for _, record in claims:
            record["dyads"].sort(key=lambda d: (d["a"], d["b"]))


def reads_marked_pair(models: dict[str, Any], key: str) -> bool:
    """Whether the relation model `key` reads the claim with the pair marked. The parsed one always
    does; the unparsed one only in files saved before it read the claim masked alike (no flag)."""
    return key == "relation_parsed" or not models.get(MASKS_ALIKE_KEY, False)


def _claim_mentions(actors: list[dict], record: dict) -> list[tuple[int, int, str]]:
    """The coded `actors` inside the claim, as offsets relative to the claim."""
    start, end = record["start"], record["end"]
    return [(a["start"] - start, a["end"] - start, a["code"]) for a in actors if start <= a["start"] and a["end"] <= end]


def _scores(probabilities: dict[str, float]) -> dict[str, float]:
    return {label: round(probabilities.get(label, 0.0), 4) for label in STANCE_LABELS}
