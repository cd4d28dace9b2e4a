"""Stance classifier component: cooperative / competitive / neutral per claim and per actor pair.

Reads the claims of `argmine_claims` and the actors of `argmine_actors`, and writes `stance`,
`stance_scores` and `dyads` into each claim record. The model is the scikit-learn pair
trained by `argmine train` (pipeline/train.py), loaded with skops from `model_path`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .extensions import ensure_extensions
from .schema import NEUTRAL
from .train import DEFAULT_MODEL_PATH, claim_input, dyad_input, dyad_pairs, load_model, model_id


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
            self._models, self.card = load_model(self.model_path)
        return self

    @property
    def model_id(self) -> str:
        self.load()
        return model_id(self.model_path, self.card)

    def __call__(self, doc: Doc) -> Doc:
        records = doc._.claim_records or []
        if not records:
            return doc
        self.load()
        mentions = [_claim_mentions(doc, record) for record in records]
        claim_model, dyad_model = self._models["claim"], self._models["dyad"]
        texts = [claim_input(r["text"], m) for r, m in zip(records, mentions)]
        for record, scores in zip(records, claim_model.predict_proba(texts)):
            record["stance_scores"] = _scores(claim_model.classes_, scores)
            record["stance"] = max(record["stance_scores"], key=record["stance_scores"].get)
        self._set_dyads(records, mentions, dyad_model)
        return doc

    @staticmethod
    def _set_dyads(records: list[dict], mentions: list[list[tuple[int, int, str]]], dyad_model) -> None:
        pairs = [(i, a, b) for i, m in enumerate(mentions) for a, b in dyad_pairs([c for _, _, c in m])]
        for record in records:
            record["dyads"] = []
        if not pairs:
            return
        texts = [dyad_input(records[i]["text"], mentions[i], a, b) for i, a, b in pairs]
        for (i, a, b), scores in zip(pairs, dyad_model.predict_proba(texts)):
            by_label = _scores(dyad_model.classes_, scores)
            stance = max(by_label, key=by_label.get)
            if stance != NEUTRAL:  # neutral here means: the claim does not characterize this pair
                records[i]["dyads"].append({"a": a, "b": b, "stance": stance, "score": by_label[stance]})


def _claim_mentions(doc: Doc, record: dict) -> list[tuple[int, int, str]]:
    """Coded actor mentions inside the claim, as offsets relative to the claim."""
    return [(a["start"] - record["start"], a["end"] - record["start"], a["code"])
            for a in doc._.actors or []
            if a.get("code") and record["start"] <= a["start"] and a["end"] <= record["end"]]


def _scores(classes, probabilities) -> dict[str, float]:
    scores = {"cooperative": 0.0, "competitive": 0.0, "neutral": 0.0}
    scores.update({label: round(float(p), 4) for label, p in zip(classes, probabilities)})
    return scores
