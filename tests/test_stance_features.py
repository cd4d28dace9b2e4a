"""Model inputs of the stance classifiers: actor count, pair structure, dependency paths, dyad scores."""
from __future__ import annotations

import re

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st

from pipeline.cues import NEGATORS, SCOPE_BREAK, WORD
from pipeline.stance_features import (IMPLICIT_TOKEN, NONE, OPPOSITE, SAME, SIDE_WORDS, ClaimWords, claim_input,
                                      dependency_tokens, dyad_pairs, dyad_scores, named_conflict, pair_tokens,
                                      relation_input, relation_label, relation_parts)
from pipeline.stance_features import NAMED_CONFLICTS, pair_marked

CODES = {"China": "CHN", "Russia": "RUS", "US": "USA", "Iran": "IRN", "Kazakhstan": "KAZ"}


def mentions(text):
    return [(m.start(), m.end(), CODES[m.group()]) for m in re.finditer("|".join(CODES), text)]


@pytest.mark.parametrize("text, expected", [
    ("The economy grew.", "NACT0"),
    ("China grew.", "NACT1"),
    ("China and Russia cooperate.", "NACT2"),
    ("China, Russia and Iran met; Russia hosted.", "NACT3"),
])
def test_stance_features_claim_input_counts_distinct_actors(text, expected):
    tokens = claim_input(text, mentions(text)).split()
    assert [t for t in tokens if t.startswith("NACT")] == [expected]
    assert not set(CODES) & set(tokens)  # actors are masked


@pytest.mark.parametrize("text, expected", [
    ("The two countries have not fought since 1969.", 1),
    ("Both sides trust each other, and they say so.", 2),  # at most two
    ("The economy of China grew.", 0),
    ("Theyre is no word here; bilaterally neither.", 0),  # whole words only
])
def test_stance_features_claim_input_marks_implicit_parties(text, expected):
    assert claim_input(text, mentions(text)).split().count(IMPLICIT_TOKEN) == expected


@pytest.mark.parametrize("text, pair, expected", [
    ("The Russia-Iran conflict has had an impact on trade.", ("IRN", "RUS"), True),
    ("The US-China trade war has cost both.", ("CHN", "USA"), True),
    ("The rivalry between the US and Russia has deep roots.", ("RUS", "USA"), True),
    ("Russia's invasion of Kazakhstan is unthinkable today.", ("KAZ", "RUS"), True),
    ("There is no territorial dispute between Russia and Kazakhstan.", ("KAZ", "RUS"), False),
    ("None of this amounts to China-Russia rivalry.", ("CHN", "RUS"), False),
    ("China and Russia share a long border.", ("CHN", "RUS"), False),
    ("The Russia-Iran conflict worries China.", ("CHN", "RUS"), False),  # China is not a party
])
def test_stance_features_named_conflict(text, pair, expected):
    assert named_conflict(text, mentions(text), *pair) is expected


def _named_conflict_read_in_full(text, found, a, b):
    """named_conflict without the claim-level test that lets most claims through unread."""
    marked = pair_marked(text, found, a, b)
    return any(not any(w.lower() in NEGATORS or w.lower().endswith("n't")
                       for w in WORD.findall(SCOPE_BREAK.split(marked[:match.start("noun")])[-1]))
               for pattern in NAMED_CONFLICTS for match in pattern.finditer(marked))


CONFLICT_PIECES = ["China", "Russia", "US", "Iran", "-", "/", " ", "'s", " and ", " the ", "between ", "of ", "war",
                   " conflict", " invasion", " on ", "acta", "ACTB", "no ", "trade ", ", ", "Russia-Iran conflict",
                   "the war between China and US", "Russia's invasion of Iran", " tensions"]


@given(st.lists(st.sampled_from(CONFLICT_PIECES), max_size=12).map("".join))
def test_stance_features_named_conflict_reads_as_in_full(text):
    found = mentions(text)
    for a, b in dyad_pairs([code for _, _, code in found]):
        assert named_conflict(text, found, a, b) is _named_conflict_read_in_full(text, found, a, b)


# One row per pair of "China and Russia cooperate to counter US influence": whether the pair is
# coordinated, and the side words between the two mentions.
TEXT = "China and Russia cooperate to counter US influence."


@pytest.mark.parametrize("a, b, coordinated, split", [
    ("CHN", "RUS", True, []),
    ("CHN", "USA", False, ["SPLIT_counter"]),
    ("RUS", "USA", False, ["SPLIT_counter"]),
])
def test_stance_features_pair_table(a, b, coordinated, split):
    tokens = pair_tokens(TEXT, mentions(TEXT), a, b)
    assert ("PAIRCOORD" in tokens) == coordinated
    assert [t for t in tokens if t.startswith("SPLIT_")] == split


def test_stance_features_pair_tokens_mask_actors_between_the_pair():
    text = "China, Russia and Iran signed a pact."
    tokens = pair_tokens(text, mentions(text), "CHN", "IRN")
    assert "BTW_russia" not in tokens and "PAIRCOORD" in tokens


def test_stance_features_relation_input_marks_the_pair_in_text_order():
    text = "Russia and China cooperate to counter US influence."
    masked = relation_input(text, mentions(text), "CHN", "RUS", mark_pair=True)
    assert masked.startswith("ACTA and ACTB cooperate to counter ACTOR influence.")


def test_stance_features_unparsed_pairs_of_a_claim_share_the_claim_and_differ_in_their_own_tokens():
    text = "Russia and China cooperate to counter US influence."
    parts = [relation_parts(text, mentions(text), a, b) for a, b in dyad_pairs(["RUS", "CHN", "USA"])]
    assert {claim for claim, _ in parts} == {"ACTOR and ACTOR cooperate to counter ACTOR influence. NACT3 COOPCUE COMPCUE"}
    assert len({own for _, own in parts}) == 3
    assert relation_input(text, mentions(text), "CHN", "USA") == " ".join(parts[1])


def test_stance_features_parsed_pairs_mark_the_pair_and_add_the_path():
    text = "China criticized Russia"
    doc = spacy.tokens.Doc(spacy.blank("en").vocab, words=text.split(), heads=[1, 1, 1], deps=["nsubj", "ROOT", "dobj"])
    claim, own = relation_parts(text, mentions(text), "CHN", "RUS", (doc, 0))
    assert claim.startswith("ACTA criticized ACTB") and "DEPPATH_nsubj__dobj" in own.split()


def test_stance_features_dependency_path_joins_the_two_heads():
    words = ["China", "criticized", "Russia"]
    doc = spacy.tokens.Doc(spacy.blank("en").vocab, words=words, heads=[1, 1, 1], deps=["nsubj", "ROOT", "dobj"])
    assert dependency_tokens(doc, 0, ((0, 5), (17, 23)))[:2] == ["DEPPATH_nsubj__dobj", "DEPLEN2"]


def test_stance_features_dependency_path_of_unaligned_mentions_is_none():
    doc = spacy.tokens.Doc(spacy.blank("en").vocab, words=["China", "criticized", "Russia"],
                           heads=[1, 1, 1], deps=["nsubj", "ROOT", "dobj"])
    assert dependency_tokens(doc, 0, ((0, 5), (40, 45))) == ["DEPNONE"]


@pytest.mark.parametrize("claim, dyad, expected", [
    ("cooperative", "cooperative", SAME),
    ("cooperative", "competitive", OPPOSITE),
    ("competitive", "neutral", NONE),
    ("neutral", "neutral", NONE),
])
def test_stance_features_relation_label(claim, dyad, expected):
    assert relation_label(claim, dyad) == expected


@pytest.mark.parametrize("relation, expected", [
    ({SAME: 1.0}, "cooperative"),
    ({OPPOSITE: 1.0}, "competitive"),
    ({NONE: 1.0}, "neutral"),
])
def test_stance_features_dyad_scores_follow_the_claim(relation, expected):
    scores = dyad_scores({"cooperative": 0.8, "competitive": 0.1, "neutral": 0.1}, relation)
    assert max(scores, key=scores.get) == expected
    assert sum(scores.values()) == pytest.approx(1.0)


def test_stance_features_dyad_pairs_are_sorted_and_unique():
    assert dyad_pairs(["RUS", "CHN", "RUS", "USA"]) == [("CHN", "RUS"), ("CHN", "USA"), ("RUS", "USA")]


# any short text, or one made of side words, hyphens and apostrophes glued in every way
CLAIM_TEXT = st.text(alphabet="aB '’-.,\n", max_size=40) | st.lists(
    st.sampled_from(["with", "against", "Over", " ", "-", "’", "x", ","]), max_size=12).map("".join)


@given(CLAIM_TEXT, st.data())
def test_stance_features_claim_words_read_as_the_slices_would(text, data):
    position = data.draw(st.integers(0, len(text)))
    words = ClaimWords.of(text)
    assert words.before(position) == [w.lower() for w in WORD.findall(text[:position])]
    assert words.after(position) == [w.lower() for w in WORD.findall(text[position:])]
    assert words.last_before(position) == (words.before(position) or [None])[-1]
    assert words.first_after(position) == (words.after(position) or [None])[0]
    end = data.draw(st.integers(position, len(text)))
    assert words.side_words_outside(position, end) == [
        w for w in words.before(position) + words.after(end) if w in SIDE_WORDS]
