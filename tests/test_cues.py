"""Cue tokens with negation scope and actor masking: what the stance model reads."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cues import SCOPE_BREAK, WORD, _words, cue_tokens, mask_actors, model_text


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


PLAIN_SCOPE_BREAK = re.compile(r"[,;:.!?]|\b(?:but|however|although|though|while|whereas|yet)\b", re.IGNORECASE)


def _words_as_first_written(text):
    """Cut the text at each break, then find and lower-case the words of each piece."""
    words, position = [], 0
    for brk in [*PLAIN_SCOPE_BREAK.finditer(text), None]:
        chunk = text[position:brk.start()] if brk else text[position:]
        words += [w.lower().replace("’", "'") for w in WORD.findall(chunk)]
        if brk:
            words.append(None)
            position = brk.end()
    return words


PIECES = ["not", "-", "'", "’", "yet", "But", "HOWEVER", "butter", "though", "al", "é", "5", "\u212a", "İ", ",", " ", "x"]


@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join) | st.text(max_size=30))
@settings(max_examples=300)
def test_cues_words_match_the_plain_scan_on_any_text(text):
    assert [m.span() for m in SCOPE_BREAK.finditer(text)] == [m.span() for m in PLAIN_SCOPE_BREAK.finditer(text)]
    assert _words(text) == _words_as_first_written(text)
