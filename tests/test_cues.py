"""Cue tokens with negation scope and actor masking: what the stance model reads."""
from __future__ import annotations

import pytest

from pipeline.cues import cue_tokens, mask_actors, model_text


@pytest.mark.parametrize("text, expected", [
    ("The two powers cooperate closely.", ["COOPCUE"]),
    ("This has not provoked major conflicts.", ["NEGCOMPCUE", "NEGCOMPCUE"]),
    ("There was no rivalry, but tension grew.", ["NEGCOMPCUE", "COMPCUE"]),
    ("They have never been allies.", ["NEGCOOPCUE"]),
    ("Moscow isn’t seeking confrontation.", ["NEGCOMPCUE"]),
    ("Kazakhstan's GDP grew 4.8 percent.", []),
    ("They signed a free trade agreement.", ["COOPCUE", "COOPCUE", "COOPCUE"]),
    ("The two sides moved a little closer.", ["COOPCUE"]),
])
def test_cues_negation_scope(text, expected):
    assert cue_tokens(text) == expected


def test_cues_mask_actors_replaces_spans():
    text = "China and Russia counter US influence."
    assert mask_actors(text, [(0, 5, "A"), (10, 16, "B"), (25, 27, "X")]) == "A and B counter X influence."


def test_cues_model_text_appends_cues_after_masking():
    text = "China and Russia cooperate."
    assert model_text(text, [(0, 5, "ACTOR"), (10, 16, "ACTOR")]) == "ACTOR and ACTOR cooperate. COOPCUE"


@pytest.mark.parametrize("text, expected", [
    ("The treaty entered into force in 2020.", ["COOPCUE"]),
    ("According to Chinese data, imports from Russia rose in March.", []),
    ("Export controls on chips tightened.", []),
])
def test_cues_ambiguous_cameo_verbs_are_not_cues(text, expected):
    assert cue_tokens(text) == expected
