"""Scorers on small hand-computed cases, so a scorer bug cannot hide a model's weakness."""
from __future__ import annotations

import pytest

from pipeline.evaluate import evaluate_records, label_scores, match_spans, prf, same_subject

TEXT = "China and Russia cooperate. The US trade was $3.8 billion in 2022, up 7 percent."


def _claim(cid, start, end, role="claim", stance="neutral", actors=(), dyads=()):
    return {"id": cid, "start": start, "end": end, "text": TEXT[start:end], "sentence": 0, "role": role,
            "actors": list(actors), "stance": stance, "dyads": [dict(zip("a b stance score".split(), d)) for d in dyads],
            "facts": []}


def _fact(start, end, kind, value, unit, year=None, subject=None):
    return {"id": "f1", "start": start, "end": end, "text": TEXT[start:end], "kind": kind, "value": value,
            "unit": unit, "qualifier": None, "year": year, "subject": subject, "actors": [], "claim": None}


def _entity(start, end, code):
    return {"start": start, "end": end, "text": TEXT[start:end], "label": "COUNTRY", "code": code, "mention": "name"}


GOLD = {"id": "d", "text": TEXT,
        "claims": [_claim("c1", 0, 26, "major_claim", "cooperative", ["CHN", "RUS"], [("CHN", "RUS", "cooperative", 1.0)]),
                   _claim("c2", 28, 79, "premise", "neutral", ["USA"])],
        "entities": [_entity(0, 5, "CHN"), _entity(10, 16, "RUS"), _entity(32, 34, "USA")],
        "facts": [_fact(45, 57, "money", 3.8e9, "USD", 2022, "The US trade"), _fact(70, 79, "percent", 7.0, "percent")]}
PRED = {"id": "d", "text": TEXT,
        "claims": [_claim("c1", 0, 27, "claim", "cooperative", ["CHN", "RUS"], [("CHN", "RUS", "competitive", 0.6)]),
                   _claim("c2", 28, 66, "premise", "competitive", ["USA"]),
                   _claim("c3", 68, 79, "premise", "neutral")],
        "entities": [_entity(0, 5, "CHN"), _entity(10, 16, "RUS"), _entity(28, 34, "USA"),
                     {**_entity(35, 40, None), "label": "UNCODED"}],
        "facts": [_fact(45, 57, "money", 3.8e9, "USD", 2022, "US trade"), _fact(70, 77, "count", 7.0, None)]}


def test_evaluate_prf_counts():
    assert prf(2, 4, 3) == {"precision": 0.5, "recall": 0.6667, "f1": 0.5714, "tp": 2, "pred": 4, "gold": 3}
    assert prf(0, 0, 0)["f1"] == 0.0


@pytest.mark.parametrize("tolerance, expected", [(0, []), (1, [(0, 0)]), (2, [(0, 0)])])
def test_evaluate_match_spans_respects_tolerance(tolerance, expected):
    assert match_spans([{"start": 0, "end": 27}], [{"start": 0, "end": 26}], tolerance) == expected


def test_evaluate_match_spans_is_one_to_one():
    pred = [{"start": 0, "end": 10}]
    gold = [{"start": 0, "end": 10}, {"start": 1, "end": 10}]
    assert match_spans(pred, gold, 2) == [(0, 0)]


def test_evaluate_label_scores_by_hand():
    s = label_scores(["a", "a", "b", "c"], ["a", "b", "b", "b"], ["a", "b", "c"])
    assert s["accuracy"] == 0.5
    assert s["per_label"]["a"]["f1"] == pytest.approx(0.6667)  # p=1, r=.5
    assert s["per_label"]["b"]["f1"] == 0.5  # p=1/3, r=1
    assert s["per_label"]["c"]["f1"] == 0.0
    assert s["macro_f1"] == pytest.approx((0.6667 + 0.5 + 0) / 3, abs=1e-4)
    assert s["confusion"]["matrix"] == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]


def test_evaluate_whole_report_by_hand():
    r = evaluate_records([PRED], [GOLD], tolerance=2)
    # claims: c1 within 1 char; c2 ends 13 chars early; c3 is extra
    assert r["claims"]["exact"]["tp"] == 0
    assert (r["claims"]["within_2"]["tp"], r["claims"]["within_2"]["pred"], r["claims"]["within_2"]["gold"]) == (1, 3, 2)
    assert r["claims"]["roles"]["accuracy"] == 0.0  # major_claim predicted as claim
    # actors: CHN, RUS exact; "The US" has the wrong start; the uncoded candidate is not scored
    assert r["actors"]["mentions"]["tp"] == 2 and r["actors"]["mentions"]["pred"] == 3
    assert r["actors"]["codes_per_claim"]["f1"] == 1.0  # on the matched claim c1
    # facts: money matches (value, unit, year, subject); "7 percent" was read as a count of 7
    assert r["facts"]["spans"]["tp"] == 1
    assert r["facts"]["value_unit"]["tp"] == 1
    assert r["facts"]["year_accuracy"] == 1.0 and r["facts"]["subject_accuracy"] == 1.0
    assert r["facts"]["by_kind"]["percent"]["recall"] == 0.0
    # stance on the matched claim is right; its dyad has the wrong direction
    assert r["stance"]["claims"]["accuracy"] == 1.0
    assert r["stance"]["dyads"]["tp"] == 0 and r["stance"]["dyad_pairs"]["tp"] == 1
    assert r["stance"]["pair_table"]["CHN-RUS"] == {"gold": {"cooperative": 1}, "pred": {"competitive": 1}}


@pytest.mark.parametrize("pred, gold, same", [
    ("US trade", "The US trade", True),
    ("Kazakh-European trade", "Kazakh-European trade", True),
    ("remittances", "remittances from abroad to Uzbekistan", False),
    (None, None, True),
    ("trade", None, False),
])
def test_evaluate_same_subject(pred, gold, same):
    assert same_subject(pred, gold) is same
