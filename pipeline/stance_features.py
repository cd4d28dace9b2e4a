"""Model inputs of the stance classifiers: a claim, or one pair of actors in it, as a string of tokens.

Everything a stance model needs beyond the words is computed here, before vectorizing, and
written as upper-case tokens (actor count, cue polarity, where each actor of a pair stands,
the dependency path between them), so that every step of the saved scikit-learn pipeline is a
built-in type that skops loads without trusting custom code.

Dyads are predicted in two steps. The claim model gives the claim's stance; the relation model
says how one pair relates to it: `same` (the pair is a party to the claim's relation), `opposite`
(the pair sits on two sides of a cooperation against a third: "China and Russia cooperate to
counter US influence" makes CHN-USA competitive) or `none` (the claim does not characterize the
pair). `dyad_scores` multiplies the two out. The corpus shows why: in claims with two actors the
dyad takes the claim's stance (458 of 459), so mostly the pair's position has to be learnt.
"""
from __future__ import annotations

import bisect
import itertools
import re
from functools import lru_cache
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .cues import ACTOR, NEGATORS, SCOPE_BREAK, WORD, cue_tokens, mask_actors
from .schema import COMPETITIVE, COOPERATIVE, NEUTRAL

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Mention = tuple[int, int, str]  # start, end (relative to the claim), actor code

SAME, OPPOSITE, NONE = "same", "opposite", "none"
PAIR_FIRST, PAIR_SECOND = "ACTA", "ACTB"
# Tokens read by the separate count block of the vectorizer (train.build_stance_pipeline):
# cue polarity in any scope (COOPCUE, NEGCOMPCUE, BTWCOOPCUE), actor count, pair structure.
COUNT_TOKEN_PATTERN = r"\b[A-Z]*CO(?:OP|MP)CUE\b|\bNACT\d\b|\bPAIR[A-Z]+\b"
BETWEEN_WORDS = 8
# "A and B", "A-B", "A, C and B": the pair is listed together, usually as one side of the relation.
COORDINATION = re.compile(rf"^(?:\s*(?:and|&|or|nor|,|[-–—/]|{ACTOR})\s*)+$", re.IGNORECASE)
# Words that put the actors before and after them on different sides ("A with B", "A against B").
# Parties a clause names without naming them ("the two countries", "both sides", "they"): a unit
# with fewer than two actors may still describe a relation, which the actor count alone denies.
IMPLICIT_PARTIES = re.compile(r"\b(?:the two (?:countries|sides|powers|states|nations|governments|leaders)|"
                              r"both (?:sides|countries|powers)|each other|one another|bilateral|mutual(?:ly)?|"
                              r"they|them|their|partners?|allies|neighbou?rs)\b", re.IGNORECASE)
IMPLICIT_TOKEN = "PAIRIMPLICIT"
# A conflict the unit names between the two actors makes their dyad competitive whatever the
# claim's stance (GUIDELINES 6.3): "the Russia-Ukraine conflict" in a neutral claim about its effects.
CONFLICT_NOUN = (r"(?:conflicts?|wars?|crisis|crises|disputes?|confrontations?|rivalry|rivalries|tensions?|"
                 r"standoff|hostilities|clash(?:es)?|fighting)")
THE = r"(?:the\s+)?"
NAMED_CONFLICTS = [re.compile(pattern, re.IGNORECASE) for pattern in (
    # the A-B conflict, the A-B trade war
    rf"{PAIR_FIRST}\s*[-–—/]\s*{PAIR_SECOND}\s+(?:[a-z]+\s+)?(?P<noun>{CONFLICT_NOUN})\b",
    # the war between A and B
    rf"\b(?P<noun>{CONFLICT_NOUN})\s+(?:between|of)\s+{THE}{PAIR_FIRST}\s+and\s+{THE}{PAIR_SECOND}\b",
    # A's invasion of B
    rf"{PAIR_FIRST}(?:'s|’s)?\s+(?P<noun>war|invasion|aggression|attacks?)\s+(?:on|against|of|in)\s+{THE}{PAIR_SECOND}\b",
)]
ANY_CONFLICT_NOUN = re.compile(rf"\b(?:{CONFLICT_NOUN}|invasion|aggression|attacks?)\b", re.IGNORECASE)
SIDE_WORDS = frozenset({"against", "counter", "countering", "versus", "vs", "rival", "rivals", "challenge",
                        "over", "from", "despite", "amid", "toward", "towards", "with", "between"})


def actor_count_token(mentions: Sequence[Mention]) -> str:
    """NACT0 ... NACT3 (three or more distinct actors): how many parties a relation could have."""
    return f"NACT{min(len({code for _, _, code in mentions}), 3)}"


def claim_input(text: str, mentions: Sequence[Mention]) -> str:
    """The claim model's input: every actor masked alike, the actor count, implicit parties (at most
    two), the cue tokens."""
    masked, cues = _masked_alike(text, tuple(mentions))
    implicit = [IMPLICIT_TOKEN] * min(len(IMPLICIT_PARTIES.findall(masked)), 2)
    return " ".join([masked, actor_count_token(mentions), *implicit, *cues])


def dyad_pairs(codes: Sequence[str]) -> list[tuple[str, str]]:
    return list(itertools.combinations(sorted(set(codes)), 2))


def closest_mentions(mentions: Sequence[Mention], a: str, b: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """The closest mentions of `a` and `b`, as (start, end) spans in text order."""
    a_spans = [(s, e) for s, e, c in mentions if c == a]
    b_spans = [(s, e) for s, e, c in mentions if c == b]
    first, second = min(itertools.product(a_spans, b_spans), key=lambda p: abs(p[0][0] - p[1][0]))
    return (first, second) if first[0] < second[0] else (second, first)


def pair_tokens(text: str, mentions: Sequence[Mention], a: str, b: str) -> list[str]:
    """Surface features of the pair's position: words and cues between the two mentions, whether
    they are coordinated, side words inside and outside the pair, the word on each side of each."""
    (s1, e1), (s2, e2) = closest_mentions(mentions, a, b)
    between = mask_actors(text[e1:s2], [(s - e1, e - e1, ACTOR) for s, e, _ in mentions if e1 <= s and e <= s2])
    words_between = [w.lower() for w in WORD.findall(between)]
    tokens = ["BTW_" + w for w in words_between[:BETWEEN_WORDS]]
    tokens += ["BTW" + t for t in cue_tokens(between)]
    if COORDINATION.match(between):
        tokens.append("PAIRCOORD")
    if len(words_between) > BETWEEN_WORDS:
        tokens.append("PAIRFAR")
    words = ClaimWords.of(text)
    tokens += ["SPLIT_" + w for w in words_between if w in SIDE_WORDS]
    tokens += ["OUT_" + w for w in words.side_words_outside(s1, e2)]
    for tag, (start, end) in (("P1", (s1, e1)), ("P2", (s2, e2))):
        previous, following = words.last_before(start), words.first_after(end)
        tokens.append(f"{tag}START" if previous is None else f"{tag}PREV_{previous}")
        if following is not None:
            tokens.append(f"{tag}NEXT_{following}")
    return tokens


class ClaimWords:
    """The lower-cased words of a claim, found once for all its pairs: `before(i)` reads as
    `WORD.findall(text[:i])` and `after(i)` as `WORD.findall(text[i:])`, looked up instead of rescanned."""

    def __init__(self, text: str) -> None:
        self.text = text
        matches = list(WORD.finditer(text))
        self.words = [m.group().lower() for m in matches]
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]
        self.side = [k for k, word in enumerate(self.words) if word in SIDE_WORDS]

    @staticmethod
    @lru_cache(maxsize=64)  # the pairs of one claim come one after another
    def of(text: str) -> ClaimWords:
        return ClaimWords(text)

    def _split_word(self, i: int) -> int | None:
        """The index of the word that `i` falls inside of, if any."""
        k = bisect.bisect_left(self.ends, i + 1)  # the first word ending after i
        return k if k < len(self.starts) and self.starts[k] < i else None

    def _splits_word(self, i: int) -> bool:
        return self._split_word(i) is not None

    def before(self, i: int) -> list[str]:
        if self._splits_word(i):  # a mention that ends inside a word: scan as the slice reads
            return [w.lower() for w in WORD.findall(self.text[:i])]
        return self.words[:bisect.bisect_right(self.ends, i)]

    def after(self, i: int) -> list[str]:
        if self._splits_word(i):
            return [w.lower() for w in WORD.findall(self.text[i:])]
        return self.words[bisect.bisect_left(self.starts, i):]

    def last_before(self, i: int) -> str | None:
        """`before(i)[-1]`, None when there is no word before `i`."""
        split = self._split_word(i)
        if split is not None:  # the slice ends with the start of that word
            return self.text[self.starts[split]:i].lower()
        k = bisect.bisect_right(self.ends, i)  # the words ending by i
        return self.words[k - 1] if k else None

    def first_after(self, i: int) -> str | None:
        """`after(i)[0]`, None when there is no word after `i`."""
        if self._splits_word(i):
            match = WORD.search(self.text, i)  # as on the slice: WORD has no anchor or look-behind
            return match.group().lower() if match else None
        k = bisect.bisect_left(self.starts, i)
        return self.words[k] if k < len(self.words) else None

    def side_words_outside(self, start: int, end: int) -> list[str]:
        """The SIDE_WORDS of `before(start) + after(end)`, in that order."""
        if self._splits_word(start) or self._splits_word(end):
            return [w for w in self.before(start) + self.after(end) if w in SIDE_WORDS]
        before, after = bisect.bisect_right(self.ends, start), bisect.bisect_left(self.starts, end)
        return [self.words[k] for k in self.side if k < before] + [self.words[k] for k in self.side if k >= after]


def pair_marked(text: str, mentions: Sequence[Mention], a: str, b: str) -> str:
    """The claim with the pair's closest mentions as ACTA/ACTB in text order, other actors ACTOR."""
    first, _ = closest_mentions(mentions, a, b)
    first_code = next(c for s, e, c in mentions if (s, e) == first and c in (a, b))
    return mask_actors(text, [(s, e, PAIR_FIRST if c == first_code else PAIR_SECOND if c in (a, b) else ACTOR)
                              for s, e, c in mentions])


def named_conflict(text: str, mentions: Sequence[Mention], a: str, b: str) -> bool:
    """Whether the claim names a conflict between `a` and `b` that no negator in its scope denies
    ("there is no territorial dispute between A and B" names none)."""
    if not _may_name_conflict(text, tuple(mentions)):
        return False
    marked = pair_marked(text, mentions, a, b)
    for pattern in NAMED_CONFLICTS:
        for match in pattern.finditer(marked):
            scope = SCOPE_BREAK.split(marked[:match.start("noun")])[-1]
            if not any(w.lower() in NEGATORS or w.lower().endswith("n't") for w in WORD.findall(scope)):
                return True
    return False


# NAMED_CONFLICTS with each side of the pair read as any actor: on the claim masked alike, they find
# a match wherever NAMED_CONFLICTS find one for some pair, so a claim they pass over names none.
_ANY_PAIR_CONFLICTS = [re.compile(pattern.pattern.replace(PAIR_FIRST, f"(?:{PAIR_FIRST}|{ACTOR})")
                                  .replace(PAIR_SECOND, f"(?:{PAIR_SECOND}|{ACTOR})"), re.IGNORECASE)
                       for pattern in NAMED_CONFLICTS]


@lru_cache(maxsize=64)  # asked once per pair, of the same claim
def _may_name_conflict(text: str, mentions: tuple[Mention, ...]) -> bool:
    if ANY_CONFLICT_NOUN.search(text) is None:
        return False
    masked = _masked_alike(text, mentions)[0]
    return any(pattern.search(masked) for pattern in _ANY_PAIR_CONFLICTS)


def relation_parts(text: str, mentions: Sequence[Mention], a: str, b: str,
                   parse: tuple[Doc, int] | None = None, *, mark_pair: bool | None = None) -> tuple[str, str]:
    """The relation model's input for the pair (a, b) of a claim, in two parts joined by a space:
    the claim as the model reads it, then the pair's own tokens.

    The claim is masked, then followed by its actor count and cues. With `mark_pair` the pair's
    mentions become ACTA/ACTB in text order and other actors ACTOR; without, every actor is ACTOR,
    so all pairs of a claim share the first part and it is vectorized once
    (`FastStancePipeline.predict_proba_parts`). Marking scores the same without a parse and 0.007
    dyad F1 better with one (`python -m benchmarks.relation_inputs`), so it defaults to whether
    there is a `parse` (a parsed Doc and the claim's character offset in it), which also adds the
    dependency path between the two mentions to the pair's tokens.
    """
    if mark_pair is None:
        mark_pair = parse is not None
    if mark_pair:
        claim = " ".join([pair_marked(text, mentions, a, b), actor_count_token(mentions),
                          *_masked_alike(text, tuple(mentions))[1]])
    else:
        claim = _claim_masked_alike(text, tuple(mentions))
    own = pair_tokens(text, mentions, a, b)
    if parse is not None:
        own += dependency_tokens(*parse, closest_mentions(mentions, a, b))
    return claim, " ".join(own)


def relation_input(text: str, mentions: Sequence[Mention], a: str, b: str,
                   parse: tuple[Doc, int] | None = None, *, mark_pair: bool | None = None) -> str:
    """`relation_parts` as the one string the relation model reads."""
    return " ".join(relation_parts(text, mentions, a, b, parse, mark_pair=mark_pair))


@lru_cache(maxsize=64)  # the pairs of one claim come one after another
def _claim_masked_alike(text: str, mentions: tuple[Mention, ...]) -> str:
    masked, cues = _masked_alike(text, mentions)
    return " ".join([masked, actor_count_token(mentions), *cues])


# A claim masked alike, and its cues, are read by the claim model and again by the relation model
# for each of its pairs, after the rest of the batch's claims (a batch holds a few hundred).
@lru_cache(maxsize=4096)
def _masked_alike(text: str, mentions: tuple[Mention, ...]) -> tuple[str, tuple[str, ...]]:
    """The claim with every actor as ACTOR, and its cue tokens."""
    masked = mask_actors(text, [(s, e, ACTOR) for s, e, _ in mentions])
    return masked, tuple(cue_tokens(masked))


def dependency_tokens(doc: Doc, offset: int, spans: tuple[tuple[int, int], tuple[int, int]]) -> list[str]:
    """The dependency path between the heads of two mentions (claim offsets + `offset` = Doc offsets).

    DEPPATH_nsubj__dobj reads: up from the first head by nsubj to the lowest common ancestor,
    down by dobj to the second (after the shortest-path features of relation extraction,
    Bunescu & Mooney 2005). DEPNONE when the mentions do not align with tokens or lie in
    different sentences.
    """
    heads = [_head(doc, start + offset, end + offset) for start, end in spans]
    if None in heads:
        return ["DEPNONE"]
    up_path, down_path = _path_to_common_ancestor(*heads)
    if up_path is None:
        return ["DEPNONE"]
    path = "_".join(up_path) + "__" + "_".join(reversed(down_path))
    tokens = ["DEPPATH_" + path, f"DEPLEN{min(len(up_path) + len(down_path), 5)}"]
    tokens += ["DEPUP_" + dep for dep in up_path[:2]] + ["DEPDOWN_" + dep for dep in down_path[:2]]
    return tokens


def _head(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _path_to_common_ancestor(first: Token, second: Token) -> tuple[list[str] | None, list[str]]:
    """Dependency labels from each token up to their lowest common ancestor (None if there is none)."""
    first_chain = [first, *first.ancestors]
    second_chain = [second, *second.ancestors]
    second_ids = [t.i for t in second_chain]
    for up, token in enumerate(first_chain):
        if token.i in second_ids:
            down = second_ids.index(token.i)
            return ([t.dep_.replace(":", "") for t in first_chain[:up]],
                    [t.dep_.replace(":", "") for t in second_chain[:down]])
    return None, []


def relation_label(claim_label: str, dyad_label: str) -> str:
    """How a pair's gold stance relates to its claim's (the relation model's target)."""
    if dyad_label == NEUTRAL or claim_label == NEUTRAL:
        return NONE
    return SAME if dyad_label == claim_label else OPPOSITE


def dyad_scores(claim: dict[str, float], relation: dict[str, float]) -> dict[str, float]:
    """Probabilities of the pair's stance from the claim's stance and the pair's relation to it."""
    same, opposite = relation.get(SAME, 0.0), relation.get(OPPOSITE, 0.0)
    cooperative = claim.get(COOPERATIVE, 0.0) * same + claim.get(COMPETITIVE, 0.0) * opposite
    competitive = claim.get(COMPETITIVE, 0.0) * same + claim.get(COOPERATIVE, 0.0) * opposite
    return {COOPERATIVE: cooperative, COMPETITIVE: competitive,
            NEUTRAL: max(0.0, 1.0 - cooperative - competitive)}
