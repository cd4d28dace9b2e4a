"""Cooperation/conflict cues with negation scope, and actor masking: the text the stance model reads.

The stance model sees a claim with actor mentions replaced by placeholders, so it learns the
language of relations rather than which countries usually quarrel, followed by one token per
cue word: COOPCUE / COMPCUE, or NEGCOOPCUE / NEGCOMPCUE when a negator scopes over it
("has not provoked major conflicts"). Doing this before vectorizing keeps every step of the
scikit-learn pipeline a built-in, which skops loads without trusting custom code.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# "free" and "little" are left out: in "free trade agreement" and "a little closer" they negate nothing.
NEGATORS = frozenset({"not", "no", "never", "n't", "without", "neither", "nor", "hardly", "lack",
                      "lacks", "lacking", "absence", "cannot", "nothing", "none"})
# A negator scopes over the next few words, up to punctuation or a contrastive connective
# (after NegEx, Chapman et al. 2001, which uses a five-word window).
NEGATION_WINDOW = 5
# The look-ahead for the first letters lets the other positions of a text fail at once.
SCOPE_BREAK = re.compile(r"(?=[,;:.!?bhatwy])(?:[,;:.!?]|\b(?:but|however|although|though|while|whereas|yet)\b)",
                         re.IGNORECASE)
ACTOR = "ACTOR"
CUE_TOKENS = {"cooperative": "COOPCUE", "competitive": "COMPCUE"}


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, str]:
    """form -> polarity, from pipeline/data/stance_cues.tsv (built by scripts/build_cues.py)."""
    text = resources.files("pipeline").joinpath("data/stance_cues.tsv").read_text("utf-8")
    return {row["form"]: row["polarity"] for row in csv.DictReader(text.splitlines(), delimiter="\t")}


def cue_tokens(text: str) -> list[str]:
    """One token per cue word of `text`, negated when a negator precedes it within its scope."""
    lexicon = cue_lexicon()
    tokens = []
    negated_until = -1
    for index, word in enumerate(_words(text)):
        if word is None:  # punctuation or a contrastive connective ends a negation's scope
            negated_until = -1
        elif word in NEGATORS or word.endswith("n't"):
            negated_until = index + NEGATION_WINDOW
        elif word in lexicon:
            prefix = "NEG" if index <= negated_until else ""
            tokens.append(prefix + CUE_TOKENS[lexicon[word]])
    return tokens


def _words(text: str) -> list[str | None]:
    """Lower-cased words of `text`, with None at every scope break."""
    words: list[str | None] = []
    position = 0
    ascii_text = text.isascii()
    if ascii_text:  # lower-cased as a whole, an ASCII text keeps its offsets and its words
        text = text.lower()
    for brk in [*SCOPE_BREAK.finditer(text), None]:
        chunk = text[position:brk.start()] if brk else text[position:]
        words += WORD.findall(chunk) if ascii_text else [w.lower().replace("’", "'") for w in WORD.findall(chunk)]
        if brk:
            words.append(None)
            position = brk.end()
    return words


def mask_actors(text: str, mentions: Sequence[tuple[int, int, str]]) -> str:
    """Replace each (start, end, placeholder) mention of `text` with its placeholder."""
    pieces, position = [], 0
    for start, end, placeholder in sorted(mentions):
        if start < position:
            continue  # overlapping mention: the first one wins
        pieces += [text[position:start], placeholder]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def model_text(text: str, mentions: Sequence[tuple[int, int, str]]) -> str:
    """What the stance model reads: masked text, then the cue tokens."""
    masked = mask_actors(text, mentions)
    return " ".join([masked, *cue_tokens(masked)])
