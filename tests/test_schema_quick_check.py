"""The compiled schema test never accepts what jsonschema rejects, and agrees with it on our records."""
from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from pipeline.schema import document_schema, schema_errors
from pipeline.schema.quick_check import UnsupportedSchema, compile_check

from .conftest import GOLD


@pytest.fixture(scope="module")
def quick():
    return compile_check(document_schema())


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft202012Validator(document_schema())


@pytest.fixture(scope="module")
def gold_record():
    return json.loads(GOLD.read_text(encoding="utf-8").splitlines()[0])


def _set(path, value):
    def mutate(record):
        *parents, last = path
        target = record
        for key in parents:
            target = target[key]
        target[last] = value
    return mutate


def _delete(path):
    def mutate(record):
        *parents, last = path
        target = record
        for key in parents:
            target = target[key]
        del target[last]
    return mutate


# (mutation, does jsonschema accept the result?)
MUTATIONS = {
    "id empty": (_set(["id"], ""), False),
    "id a number": (_set(["id"], 7), False),
    "no facts": (_delete(["facts"]), False),
    "meta a list": (_set(["meta"], []), False),
    "unknown profile": (_set(["pipeline", "profile"], "medium"), False),
    "base_model null": (_set(["pipeline", "base_model"], None), True),
    "sentence start negative": (_set(["sentences", 0, "start"], -1), False),
    "sentence start a bool": (_set(["sentences", 0, "start"], True), False),
    "sentence start 1.0": (_set(["sentences", 0, "start"], 1.0), True),  # left to jsonschema
    "claim id pattern": (_set(["claims", 0, "id"], "x1"), False),
    "claim id with a newline": (_set(["claims", 0, "id"], "c1\n"), True),  # re.search, as jsonschema
    "role_score above 1": (_set(["claims", 0, "role_score"], 1.5), False),
    "role_score null": (_set(["claims", 0, "role_score"], None), True),
    "role_score NaN": (_set(["claims", 0, "role_score"], float("nan")), True),  # left to jsonschema
    "duplicate actors": (_set(["claims", 0, "actors"], ["RUS", "RUS"]), False),
    "actor code lower case": (_set(["claims", 0, "actors"], ["rus"]), False),
    "actors a number": (_set(["claims", 0, "actors"], [1]), False),
    "stance unknown": (_set(["claims", 0, "stance"], "hostile"), False),
    "stance score missing": (_delete(["claims", 0, "stance_scores", "neutral"]), False),
    "dyad score negative": (_set(["claims", 0, "dyads"], [{"a": "RUS", "b": "USA", "stance": "neutral",
                                                             "score": -0.1}]), False),
    "dyad without b": (_set(["claims", 0, "dyads"], [{"a": "RUS", "stance": "neutral", "score": 0.5}]), False),
    "fact id in claim wrong": (_set(["claims", 0, "facts"], ["c1"]), False),
    "extra claim field": (_set(["claims", 0, "note"], {"anything": 1}), True),
    "entity code null": (_set(["entities", 0, "code"], None), True),
    "entity code bad": (_set(["entities", 0, "code"], "Russia"), False),
    "entity label unknown": (_set(["entities", 0, "label"], "PERSON"), False),
    "entity major a string": (_set(["entities", 0, "major"], "yes"), False),
    "fact kind unknown": (_set(["facts", 0, "kind"], "length"), False),
    "fact value a string": (_set(["facts", 0, "value"], "30"), False),
    "fact year a float": (_set(["facts", 0, "year"], 2022.5), False),
    "fact claim pattern": (_set(["facts", 0, "claim"], "f1"), False),
    "fact claim null": (_set(["facts", 0, "claim"], None), True),
    "claims not a list": (_set(["claims"], {}), False),
}


def test_the_gold_record_passes(quick, gold_record):
    assert quick(gold_record)
    assert schema_errors(gold_record) == []


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_quick_check_never_accepts_what_jsonschema_rejects(quick, validator, gold_record, name):
    mutate, accepted = MUTATIONS[name]
    record = copy.deepcopy(gold_record)
    mutate(record)
    assert validator.is_valid(record) == accepted
    if quick(record):
        assert accepted
    conservative = name.endswith(("1.0", "NaN"))
    assert quick(record) == (accepted and not conservative)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_schema_errors_are_jsonschema_messages(validator, gold_record, name):
    record = copy.deepcopy(gold_record)
    MUTATIONS[name][0](record)
    problems = [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in validator.iter_errors(record)]
    if problems:
        assert schema_errors(record) == problems


@pytest.mark.parametrize("schema", [{"type": "object", "additionalProperties": False},
                                    {"type": "tuple"}, {"$ref": "other.json#/x"}, {"enum": [1, 2]}])
def test_unknown_keywords_are_refused(schema):
    with pytest.raises(UnsupportedSchema):
        compile_check(schema)
