"""All Doc/Span extensions of argmine, in one table.

Values are plain JSON data (dicts of strings, numbers and character offsets), so they
survive `n_process > 1`, `DocBin(store_user_data=True)` and Dask. Span-level attributes are
getters that look the span up in a doc-level table by its character offsets, because in
spaCy 3.x two spans with the same offsets share stored extension values.
"""
from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span

from .schema import CLAIMS_KEY


def _claims(doc: Doc) -> list[Span]:
    return list(doc.spans[CLAIMS_KEY]) if CLAIMS_KEY in doc.spans else []


def _claim_record(span: Span) -> dict[str, Any]:
    for record in span.doc._.claim_records:
        if record["start"] == span.start_char and record["end"] == span.end_char:
            return record
    return {}


def _claim_field(field: str, default: Any = None):
    return lambda span: _claim_record(span).get(field, default)


# name -> keyword arguments of Doc.set_extension / Span.set_extension
DOC_EXTENSIONS: dict[str, dict[str, Any]] = {
    # [{start, end, text, label, code, mention, major}] in text order (actor recognizer)
    "actors": {"default": None},
    # [{start, end, text, sentence, role, role_score, supports, connective, actors, stance,
    #   stance_scores, dyads, facts}] aligned with doc.spans[CLAIMS_KEY] (claim segmenter,
    #   then numeric facts and stance fill in their fields)
    "claim_records": {"default": None},
    # [{id, start, end, text, kind, value, value_max, unit, qualifier, year, subject, actors, claim}]
    "facts": {"default": None},
    "claims": {"getter": _claims},
}
SPAN_EXTENSIONS: dict[str, dict[str, Any]] = {
    "role": {"getter": _claim_field("role")},
    "role_score": {"getter": _claim_field("role_score")},
    "supports": {"getter": _claim_field("supports")},
    "connective": {"getter": _claim_field("connective")},
    "claim_actors": {"getter": _claim_field("actors", [])},
    "stance": {"getter": _claim_field("stance")},
    "stance_scores": {"getter": _claim_field("stance_scores", {})},
    "dyads": {"getter": _claim_field("dyads", [])},
    "claim_id": {"getter": _claim_field("id")},
}


_TEXT_KEY = ("argmine", "text")


def doc_text(doc: Doc) -> str:
    """`doc.text`, joined once per doc and kept in its user data.

    spaCy builds `Doc.text` from every token on each access, which costs as much as a rule
    component; a doc's text never changes (the retokenizer keeps it), so every component can
    share one copy.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def ensure_extensions() -> None:
    """Register argmine's extensions once; components call this from their __init__."""
    for name, kwargs in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, **kwargs)
    for name, kwargs in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, **kwargs)
