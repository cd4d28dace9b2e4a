"""Turn a processed Doc into the output record, and stitch records of split long texts.

The record format is `pipeline/schema/document.schema.json`. Everything here is plain data:
no Doc or Span leaves this module.
"""
from __future__ import annotations

import bisect
import copy
import re
from typing import Any

from spacy.tokens import Doc

from . import __version__
from .extensions import doc_text

PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


def sentence_offsets(doc: Doc) -> list[dict[str, int]]:
    """Character offsets of the sentences that hold text, trimmed of surrounding whitespace."""
    whole = doc_text(doc)  # a slice of it is cheaper than Span.text, which joins the sentence's tokens
    sentences = []
    for sent in doc.sents:
        text = whole[sent.start_char:sent.end_char]
        stripped = text.strip()
        if not stripped:
            continue
        start = sent.start_char + (len(text) - len(text.lstrip()))
        sentences.append({"start": start, "end": start + len(stripped)})
    return sentences


def pipeline_info(nlp, stance_model_id: str | None) -> dict[str, Any]:
    info = nlp.meta.get("argmine", {})
    return {"name": "argmine", "version": __version__, "profile": info.get("profile", "full"),
            "base_model": info.get("base_model"), "stance_model": stance_model_id}


def doc_to_record(doc: Doc, *, doc_id: str, source: str, meta: dict[str, Any],
                  pipeline: dict[str, Any]) -> dict[str, Any]:
    """The output record of one processed document."""
    text = doc_text(doc)
    sentences = sentence_offsets(doc)
    starts = [s["start"] for s in sentences]
    claims = []
    for claim in doc._.claim_records or []:
        claim = dict(claim)
        claim["sentence"] = max(bisect.bisect_right(starts, claim["start"]) - 1, 0)
        claims.append(claim)
    return {
        "id": doc_id,
        "source": source,
        "text": text,
        "meta": meta,
        "pipeline": pipeline,
        "sentences": sentences,
        "claims": claims,
        "entities": [dict(e) for e in doc._.actors or []],
        "facts": [dict(f) for f in doc._.facts or []],
    }


def split_text(text: str, limit: int) -> list[tuple[int, str]]:
    """Pieces of at most `limit` characters, cut at paragraph, then sentence, then space breaks.

    Returns (offset, piece) pairs whose pieces concatenate back to `text`.
    """
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = _last_break(window, PARAGRAPH_BREAK) or _last_break(window, SENTENCE_BREAK) \
            or window.rfind(" ") + 1 or limit
        pieces.append((start, text[start:start + cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


def _last_break(window: str, pattern: re.Pattern[str]) -> int:
    ends = [m.end() for m in pattern.finditer(window) if m.end() > len(window) // 2]
    return ends[-1] if ends else 0


def merge_records(parts: list[tuple[int, dict[str, Any]]], text: str) -> dict[str, Any]:
    """One record from the records of the pieces of a split text, offsets shifted back."""
    merged = copy.deepcopy(parts[0][1])
    merged.update(text=text, sentences=[], claims=[], entities=[], facts=[])
    for offset, part in parts:
        claim_ids = {c["id"]: f"c{len(merged['claims']) + i + 1}" for i, c in enumerate(part["claims"])}
        fact_ids = {f["id"]: f"f{len(merged['facts']) + i + 1}" for i, f in enumerate(part["facts"])}
        sentence_base = len(merged["sentences"])
        merged["sentences"] += [_shift(s, offset) for s in part["sentences"]]
        merged["entities"] += [_shift(e, offset) for e in part["entities"]]
        for claim in part["claims"]:
            claim = _shift(claim, offset)
            claim["id"] = claim_ids[claim["id"]]
            claim["sentence"] += sentence_base
            claim["facts"] = [fact_ids[f] for f in claim["facts"]]
            if claim.get("supports"):
                claim["supports"] = claim_ids.get(claim["supports"])
            merged["claims"].append(claim)
        for fact in part["facts"]:
            fact = _shift(fact, offset)
            fact["id"] = fact_ids[fact["id"]]
            fact["claim"] = claim_ids.get(fact["claim"]) if fact.get("claim") else None
            merged["facts"].append(fact)
    return merged


def _shift(item: dict[str, Any], offset: int) -> dict[str, Any]:
    item = dict(item)
    item["start"] += offset
    item["end"] += offset
    return item
