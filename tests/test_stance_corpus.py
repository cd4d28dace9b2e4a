"""The stance training corpus: well-formed, consistent, and disjoint from the held-out essay."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from pipeline.schema import STANCE_LABELS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "annotations" / "stance").glob("*.jsonl"))
GOLD = ROOT / "annotations" / "gold" / "great-powers-central-asia.jsonl"
FIELDS = {"id", "doc", "text", "label", "actors", "dyads", "region", "topic", "hard_case"}
CODE = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")
ESSAY_SHINGLE = 6  # words shared with the held-out essay: a copied phrase, not a common expression
REPEAT_SHINGLE = 10  # words shared by two claims of the corpus: one claim repeated ("more than half of its
# export" or "percent of the world's" recur in any corpus of commentary)


def claims() -> list[tuple[str, dict]]:
    return [(f"{path.name}:{number}", json.loads(line)) for path in CORPUS
            for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)]


def shingles(text: str, size: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


@pytest.mark.parametrize(("where", "claim"), claims(), ids=lambda value: value if isinstance(value, str) else "")
def test_stance_corpus_claim_is_well_formed(where, claim):
    assert set(claim) == FIELDS, where
    assert claim["label"] in STANCE_LABELS, where
    assert claim["text"] == claim["text"].strip() and claim["text"], where
    assert claim["id"].startswith(claim["doc"] + "-"), where
    assert claim["actors"] == sorted(set(claim["actors"])) and all(CODE.match(c) for c in claim["actors"]), where
    pairs = [(d["a"], d["b"]) for d in claim["dyads"]]
    assert len(pairs) == len(set(pairs)), where
    for dyad in claim["dyads"]:
        assert set(dyad) == {"a", "b", "stance"} and dyad["stance"] in STANCE_LABELS, where
        assert dyad["a"] < dyad["b"] and {dyad["a"], dyad["b"]} <= set(claim["actors"]), where


def test_stance_corpus_ids_are_unique_and_documents_contiguous():
    ids = Counter(claim["id"] for _, claim in claims())
    assert [i for i, n in ids.items() if n > 1] == []
    order = [claim["doc"] for _, claim in claims()]
    runs = [doc for i, doc in enumerate(order) if i == 0 or order[i - 1] != doc]
    assert len(runs) == len(set(runs)), "a document's claims must be consecutive (context and CV groups)"


def test_stance_corpus_shares_no_phrase_with_the_held_out_essay():
    essay = set().union(*(shingles(c["text"], ESSAY_SHINGLE) for c in json.loads(GOLD.read_text("utf-8"))["claims"]))
    copied = [where for where, claim in claims() if shingles(claim["text"], ESSAY_SHINGLE) & essay]
    assert copied == []


def test_stance_corpus_claims_are_not_repeated():
    seen: dict[tuple[str, ...], str] = {}
    repeated = []
    for where, claim in claims():
        for shingle in shingles(claim["text"], REPEAT_SHINGLE):
            if shingle in seen and seen[shingle].split("-")[:-1] != claim["id"].split("-")[:-1]:
                repeated.append((seen[shingle], claim["id"], " ".join(shingle)))
            seen.setdefault(shingle, claim["id"])
    assert repeated == []
