"""Claim segmenter: split sentences into clause-level argumentative units with roles.

The split points are those of annotations/GUIDELINES.md §3.1: `but`/`yet` before a clause or
a predicate, `although`/`though`/`while`/`whereas`/`because` + clause, causal `, as` and
`, so` + clause, `and` between two independent clauses, `;`, and a clause-final
non-restrictive `, which` clause. A point splits only when both sides hold a finite verb
(a real assertion); conditionals, reported speech, correlatives ("not only … but also"),
reduced concessives and mid-sentence relative clauses stay whole.

With a dependency parse (profile "full") the candidate points are tokens and the finite-verb
tests read tags and the parse. Without one (profile "fast") the same points are found in the
text and a closed-class lexicon stands in for the tagger. Units never cross sentences; their
edges are trimmed of punctuation and of the connective, which goes to `connective` (§3.2).
Roles and support links are assigned by `pipeline.roles`.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .extensions import doc_text, ensure_extensions
from .roles import DEFAULT_ROLE_MODEL, ROLE_MODELS, assign_roles
from .schema import CLAIM, CLAIMS_KEY

MIN_UNIT_WORDS = 2
# How far (tokens, or characters without a tokenizer's help) the clause tests look around a
# candidate split point: a clause shows its subject and verb well within this, and the bound
# keeps pathological sentences (thousands of "and"s) linear.
WINDOW_TOKENS = 60
WINDOW_CHARS = 400

# Sentence-initial discourse markers, excluded from the unit with their comma (GUIDELINES
# §3.2) and recorded as its connective. Adverbial markers need the comma; the conjunctions
# below do not ("But the reality is …"). Framing adverbials ("Recently,", "Now,", "From
# China's point of view,") are not markers and stay in the span.
COMMA_MARKERS = (
    "therefore", "however", "in any case", "for example", "for instance", "of course",
    "in addition", "moreover", "more importantly", "most importantly", "in view of this",
    "that is why", "thus", "hence", "furthermore", "consequently", "as a result",
    "nevertheless", "nonetheless", "in other words", "on the other hand", "on the contrary",
    "in fact", "indeed", "besides", "in conclusion", "in short", "in sum", "to sum up",
    "after all", "in particular", "above all", "similarly", "likewise", "by contrast",
    "in contrast", "instead", "still", "but", "yet", "and", "so",
)
CONJUNCTION_MARKERS = ("but", "yet", "and", "so")
# Interpolated markers set off by commas inside a unit ("Recently, however, …"): they stay
# in the span and are recorded as its connective.
INNER_MARKERS = ("however", "therefore", "moreover", "thus", "nevertheless", "nonetheless",
                 "of course", "for example", "for instance", "in fact", "indeed", "in turn")

CONTRAST_CONJUNCTIONS = frozenset({"but", "yet"})
SUBORDINATORS = frozenset({"although", "though", "while", "whereas", "because"})
# Finite verb tags of the Penn tag set (`is_finite` also accepts a past participle with a
# subject and no auxiliary: the small tagger often tags a past tense so).
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "expl", "csubj", "csubjpass"})
RELATIVE_WORDS = frozenset({"which", "that", "who", "whom", "whose", "where", "when"})
RELATIVE_PREPOSITIONS = frozenset({"of", "in", "to", "for", "by", "with"})
# Reformulations continue the unit they follow (GUIDELINES §3.1, "Do not split"); matched on
# one or two tokens ("in other" of "in other words").
REFORMULATIONS = frozenset({"that is", "in other", "i.e.", "namely"})
# "so" that does not open a result clause
SO_NOT_RESULT = frozenset({"that", "far", "much", "many", "long", "called", "as"})


@dataclass(frozen=True)
class Unit:
    """A claim candidate: character offsets into the doc and the connective before it."""

    start: int
    end: int
    connective: str | None


@dataclass(frozen=True)
class Cut:
    """A unit boundary inside a sentence: text[junk:start] is punctuation and the connective."""

    junk: int
    start: int
    connective: str | None


@Language.factory(
    "argmine_claims",
    assigns=["doc.spans", "doc._.claim_records"],
    default_config={"use_parser": None, "min_unit_words": MIN_UNIT_WORDS,
                    "role_model": DEFAULT_ROLE_MODEL},
)
def make_claim_segmenter(nlp: Language, name: str, *, use_parser: bool | None,
                         min_unit_words: int, role_model: str) -> ClaimSegmenter:
    return ClaimSegmenter(nlp, name, use_parser=use_parser, min_unit_words=min_unit_words,
                          role_model=role_model)


class ClaimSegmenter:
    """Split each sentence into claims; store them in doc.spans and doc._.claim_records.

    Args:
        use_parser: True/False forces the parse-based/rule-based segmenter; None uses the
            parse when the doc has one.
        min_unit_words: units shorter than this are joined to a neighbour.
        role_model: "rules" (transparent weighted cues) or "logreg" (the logistic regression
            whose coefficients ship in pipeline/data/claim_roles.json).
    """

    def __init__(self, nlp: Language, name: str, *, use_parser: bool | None,
                 min_unit_words: int = MIN_UNIT_WORDS, role_model: str = DEFAULT_ROLE_MODEL) -> None:
        if role_model not in ROLE_MODELS:
            raise ValueError(f"{name}: role_model = {role_model!r}; expected one of {', '.join(ROLE_MODELS)}")
        self.name = name
        self.use_parser = use_parser
        self.min_unit_words = min_unit_words
        self.role_model = role_model
        ensure_extensions()

    def __call__(self, doc: Doc) -> Doc:
        parsed = doc.has_annotation("DEP") if self.use_parser is None else self.use_parser
        text = doc_text(doc)
        units = segment_doc(doc, parsed=parsed, min_unit_words=self.min_unit_words, text=text)
        spans = [token_aligned(doc, unit) for _, unit in units]
        records = [claim_record(f"c{i}", text, Unit(span.start_char, span.end_char, unit.connective), sentence)
                   for i, ((sentence, unit), span) in enumerate(zip(units, spans), start=1)]
        assign_roles(records, text, model=self.role_model)
        attach_actors(records, doc._.actors or [])
        for span, record in zip(spans, records):
            span.label_ = record["role"]
        doc.spans[CLAIMS_KEY] = spans
        doc._.claim_records = records
        return doc


def segment_doc(doc: Doc, *, parsed: bool, min_unit_words: int = MIN_UNIT_WORDS,
                text: str | None = None) -> list[tuple[int, Unit]]:
    """(sentence index, unit) for every unit of the doc, in text order."""
    text = doc_text(doc) if text is None else text
    units: list[tuple[int, Unit]] = []
    for index, sent in enumerate(_text_sentences(doc)):
        found = parse_units(sent, text) if parsed else rule_units(sent, text)
        units += [(index, u) for u in merge_short_units(found, text, min_unit_words)]
    return units


def _text_sentences(doc: Doc) -> Iterable[Span]:
    return (sent for sent in doc.sents if not all(t.is_space for t in sent))


def token_aligned(doc: Doc, unit: Unit) -> Span:
    """The span of `unit`, widened to whole tokens where an edge falls inside one (the period
    of "U.S." at a sentence end), so that the span and its record have the same offsets."""
    span = doc.char_span(unit.start, unit.end, alignment_mode="expand")
    if span is None:  # pragma: no cover - units are never empty
        raise ValueError(f"claim unit {unit} does not align with the tokens")
    return span


def claim_record(claim_id: str, text: str, unit: Unit, sentence: int) -> dict:
    """A claim record with the fields of pipeline/schema/document.schema.json."""
    return {"id": claim_id, "start": unit.start, "end": unit.end, "text": text[unit.start:unit.end],
            "sentence": sentence, "role": CLAIM, "role_score": None, "supports": None,
            "connective": unit.connective, "actors": [], "stance": "neutral",
            "stance_scores": {"cooperative": 0.0, "competitive": 0.0, "neutral": 1.0},
            "dyads": [], "facts": []}


def attach_actors(records: list[dict], actors: list[dict]) -> None:
    """Set each claim's `actors` to the codes of the coded actor mentions inside it."""
    coded = sorted((a for a in actors if a.get("code")), key=lambda a: a["start"])
    starts = [a["start"] for a in coded]
    for record in records:
        # only the mentions that start inside the claim can lie inside it
        inside = coded[bisect.bisect_left(starts, record["start"]):bisect.bisect_right(starts, record["end"])]
        record["actors"] = sorted({a["code"] for a in inside if a["end"] <= record["end"]})


# --- units from cuts (shared by both segmenters) ------------------------------------------

_LEADING_JUNK = re.compile(r"[\s,;:–—-]+")
_TRAILING_JUNK = re.compile(r"[\s,;:.!?…–—-]+$")
_CLOSERS = {"”": "“", "’": "‘", ")": "(", "]": "[", '"': '"'}


def units_from_cuts(text: str, start: int, end: int, cuts: list[Cut]) -> list[Unit]:
    """The units of text[start:end] between `cuts` (sorted), trimmed of edge punctuation.

    The first cut may sit at `start` and carry the connective of the first unit
    ("Although …" / "Therefore, …").
    """
    if not cuts or cuts[0].junk > start:
        cuts = [Cut(start, start, None), *cuts]
    units = []
    for cut, nxt in zip(cuts, [*cuts[1:], Cut(end, end, None)]):
        unit = trim_unit(text, cut.start, nxt.junk, cut.connective)
        if unit is not None:
            units.append(unit)
    return units


def trim_unit(text: str, start: int, end: int, connective: str | None = None) -> Unit | None:
    """text[start:end] without edge punctuation; None when no word is left.

    A closing quote or bracket at the end is kept only when its opener is in the span
    (GUIDELINES §3.2).
    """
    lead = _LEADING_JUNK.match(text, start, end)
    if lead:
        start = lead.end()
    while True:
        trail = _TRAILING_JUNK.search(text, start, end)
        if trail:
            end = trail.start()
        closer = text[end - 1] if end > start else ""
        if closer in _CLOSERS and _CLOSERS[closer] not in text[start:end - 1] \
                and not (closer == "’" and end - start > 1 and text[end - 2].isalpha()):
            end -= 1
            continue
        break
    if not any(ch.isalnum() for ch in text[start:end]):
        return None
    if connective is None:
        connective = inner_marker(text[start:end])
    return Unit(start, end, connective)


_MARKER = re.compile(r"(" + "|".join(re.escape(m) for m in sorted(COMMA_MARKERS, key=len, reverse=True))
                     + r")\b(\s*,)?\s*", re.IGNORECASE)


def leading_marker(text: str, start: int, end: int) -> tuple[int, str] | None:
    """A sentence-initial discourse marker at text[start:]: (end offset incl. comma, marker)."""
    m = _MARKER.match(text, start, end)
    if not m or m.end() >= end or not text[m.end()].isalnum() and text[m.end()] not in "“‘\"'(":
        return None
    marker = m.group(1)
    if m.group(2) or (marker.lower() in CONJUNCTION_MARKERS and not _so_not_result(marker.lower(), text[m.end():end])):
        return m.end(), marker
    return None


def _so_not_result(marker: str, rest: str) -> bool:
    word = re.match(r"[\w-]+", rest)
    return marker == "so" and bool(word) and word.group().lower() in SO_NOT_RESULT


_INNER = re.compile(r",\s*(" + "|".join(re.escape(m) for m in INNER_MARKERS) + r")\s*,", re.IGNORECASE)


def inner_marker(unit_text: str) -> str | None:
    """An interpolated discourse marker inside a unit ("Recently, however, …"), lower case."""
    m = _INNER.search(unit_text)
    return m.group(1).lower() if m else None


def sentence_start_cut(text: str, start: int, end: int) -> Cut | None:
    """The cut before the first unit of a sentence: stacked initial markers are its connective."""
    markers, pos = [], start
    while (found := leading_marker(text, pos, end)) is not None:
        pos, marker = found
        markers.append(marker.lower())
    return Cut(start, pos, " ".join(markers)) if markers else None


def merge_short_units(units: list[Unit], text: str, min_words: int) -> list[Unit]:
    """Join fragments of fewer than `min_words` words to their neighbour: no words are lost."""
    merged: list[Unit] = []
    for unit in units:
        short = len(text[unit.start:unit.end].split()) < min_words
        if merged and (short or len(text[merged[-1].start:merged[-1].end].split()) < min_words):
            merged[-1] = Unit(merged[-1].start, unit.end, merged[-1].connective)
        else:
            merged.append(unit)
    return merged


# --- segmentation with a dependency parse -------------------------------------------------

def parse_units(sent: Span, text: str) -> list[Unit]:
    """Units of a parsed sentence (GUIDELINES §3.1, read from tags and the parse); `text` is
    the doc's text."""
    words = [t for t in sent if not t.is_space]
    if not words:
        return []
    first, last = words[0], _last_word(sent)
    lead = sentence_start_cut(text, first.idx, sent.end_char)
    cuts = [lead] if lead else []
    body_start = lead.start if lead else first.idx
    for token in sent:
        if token.idx >= body_start:
            cuts += _parse_cuts(token, sent, at_start=token.idx == body_start)
    return units_from_cuts(text, first.idx, last.idx + len(last), _ordered(cuts))


def _ordered(cuts: list[Cut]) -> list[Cut]:
    """Cuts sorted by position, dropping any that overlap an earlier one."""
    result: list[Cut] = []
    for cut in sorted(cuts, key=lambda c: (c.junk, c.start)):
        if not result or cut.junk >= result[-1].start:
            result.append(cut)
    return result


def _last_word(sent: Span) -> Token:
    for token in reversed(sent):
        if not token.is_space:
            return token
    return sent[0]


def _parse_cuts(token: Token, sent: Span, *, at_start: bool) -> list[Cut]:
    """The cuts that `token` opens, if it is one of the split points of GUIDELINES §3.1."""
    low = token.lower_
    if at_start:
        return _initial_subordinate(token, sent) if low in SUBORDINATORS else []
    cut = None
    if token.text == ";":
        cut = _semicolon_cut(token, sent)
    elif low in CONTRAST_CONJUNCTIONS and token.pos_ == "CCONJ":
        cut = _contrast_cut(token, sent)
    elif low == "and" and token.dep_ == "cc":
        cut = _and_cut(token, sent)
    elif low in SUBORDINATORS and token.dep_ == "mark" and not _next_is(token, "of"):
        cut = _final_clause_cut(token, sent, connective=low)
    elif low == "as" and token.dep_ == "mark" and _after_comma(token):
        cut = _final_clause_cut(token, sent, connective=low)  # causal "as" after a comma
    elif low == "so" and _after_comma(token) and not _next_in(token, SO_NOT_RESULT):
        cut = _clause_cut(token, sent, connective=low)
    elif low == "which" and _relative_is_final(token, sent):
        cut = _relative_cut(token, sent)
    return [cut] if cut is not None else []


def _semicolon_cut(token: Token, sent: Span) -> Cut | None:
    if _finite_in(sent, token.i + 1, token.i + 1 + WINDOW_TOKENS) and _left_clause(sent, token.i):
        return _cut_after(token)
    return None


def _cut_after(token: Token) -> Cut:
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return Cut(token.idx, nxt.idx if nxt is not None else token.idx + len(token), None)


def _cut_before(token: Token, connective: str | None, sent: Span) -> Cut:
    """Cut at `token` (the connective, or the unit's first word when connective is None)."""
    junk = token
    while junk.i > sent.start and (junk.nbor(-1).text in ",;:–—-" or junk.nbor(-1).is_space):
        junk = junk.nbor(-1)
    if connective is None:
        return Cut(junk.idx, token.idx, None)
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else token
    while nxt.i + 1 < len(nxt.doc) and nxt.text == ",":
        nxt = nxt.nbor(1)
    return Cut(junk.idx, nxt.idx, connective)


def _next_is(token: Token, word: str) -> bool:
    return token.i + 1 < len(token.doc) and token.nbor(1).lower_ == word


def _next_in(token: Token, words: frozenset[str]) -> bool:
    return token.i + 1 < len(token.doc) and token.nbor(1).lower_ in words


def _after_comma(token: Token) -> bool:
    return token.i > 0 and token.nbor(-1).text == ","


def is_finite(token: Token) -> bool:
    """A finite verb: tagged so, carrying a finite auxiliary, or a past form with a subject."""
    if token.pos_ not in ("VERB", "AUX"):
        return False
    if token.tag_ in FINITE_TAGS:
        return True
    if any(c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE_TAGS for c in token.children):
        return True
    return token.tag_ == "VBN" and _has_subject(token) and not any(c.dep_ in ("aux", "auxpass") for c in token.children)


def _has_subject(token: Token) -> bool:
    return any(child.dep_ in SUBJECT_DEPS for child in token.children)


def _left_clause(sent: Span, end: int) -> bool:
    """The sentence before token `end` holds a finite verb, by the tags or, where the tagger
    missed it ("The corridor bypasses Russia"), by the word lexicon of the fast segmenter."""
    begin = max(sent.start, end - WINDOW_TOKENS)
    return _finite_in(sent, begin, end) or verb_like([t.text for t in sent.doc[begin:end]])


def _finite_in(sent: Span, begin: int, end: int) -> bool:
    doc = sent.doc
    end = min(end, sent.end)
    return any(is_finite(doc[i]) for i in range(end - 1, max(begin, sent.start, end - WINDOW_TOKENS) - 1, -1))


def clause_follows(doc: Doc, i: int, end: int, *, need_subject: bool) -> Token | None:
    """The finite verb of a clause that starts at token i, read left to right from the tags.

    The clause may open with adverbs and prepositional phrases, also one set off by a comma
    ("but in the grand scheme of things, they are …"), and, when `need_subject`, must have a
    nominal before its first verb ("in 2022 Kazakh-European trade is …"). An infinitive or
    participle modifying the subject is skipped ("its ability to manipulate regional affairs
    has …"); a relative pronoun, a comma after a nominal or a non-finite main verb ends the
    search without a clause.
    """
    nominal = False
    for k in range(i, min(end, i + WINDOW_TOKENS)):
        tok = doc[k]
        if tok.text == "," and k > i and doc[i].pos_ in ("ADP", "ADV", "SCONJ"):
            nominal = False  # an introductory adverbial ends here; the clause follows
            continue
        if tok.text in ",;:" or tok.lower_ in RELATIVE_WORDS and tok.tag_ in ("WDT", "WP", "WP$", "WRB"):
            return None
        if tok.pos_ in ("VERB", "AUX"):
            if tok.tag_ in FINITE_TAGS:
                return tok if nominal or not need_subject else None
            if nominal and (doc[k - 1].tag_ == "TO" or tok.tag_ in ("VBN", "VBG") and not is_finite(tok)):
                continue
            return tok if is_finite(tok) and (nominal or not need_subject) else None
        if tok.pos_ in ("NOUN", "PROPN", "PRON", "NUM") or tok.tag_ == "EX":
            nominal = True
    return None


def _clause_head(verb: Token) -> Token:
    return verb.head if verb.dep_ in ("aux", "auxpass") else verb


def _contrast_cut(token: Token, sent: Span) -> Cut | None:
    """`but`/`yet` before a clause or a predicate, not a correlative (GUIDELINES §3.1)."""
    doc = sent.doc
    if _correlative(token, sent):
        return None
    verb = clause_follows(doc, token.i + 1, sent.end, need_subject=False)
    if verb is None or not _left_clause(sent, token.i):
        return None
    return _cut_before(token, token.lower_, sent)


def _correlative(token: Token, sent: Span) -> bool:
    """"not only X, but also Y" and "not because of X, but because of Y" are one unit."""
    before = " ".join(t.lower_ for t in sent.doc[max(sent.start, token.i - WINDOW_TOKENS):token.i])
    nxt = token.nbor(1).lower_ if token.i + 1 < sent.end else ""
    return ("not only" in before and nxt == "also") or (nxt == "because" and _next_is(token.nbor(1), "of"))


def _and_cut(token: Token, sent: Span) -> Cut | None:
    """`and` between two independent clauses: each side has its own subject and finite verb.

    Coordinated subordinate clauses ("as X deepens and as Y expands") and coordinated noun
    phrases ("China and Russia will …", "relations between A and B have …") are not split.
    """
    doc = sent.doc
    if not _finite_in(sent, token.i - WINDOW_TOKENS, token.i) or _opens_subordinate(token):
        return None
    conj = [c for c in token.head.children if c.dep_ == "conj" and c.i > token.i]
    if conj and token.head.pos_ in ("VERB", "AUX") and is_finite(conj[0]) and _has_subject(conj[0]) \
            and conj[0].left_edge.i == token.i + 1:
        return _cut_before(token, "and", sent)
    verb = clause_follows(doc, token.i + 1, sent.end, need_subject=True)
    if verb is None:
        return None
    head = _clause_head(verb)
    inside_subject = any(token.head in c.subtree for c in head.children if c.dep_ in SUBJECT_DEPS)
    # a clause the parser joined as a complement without "that" right after "and" is a
    # misattached conjunct ("… most of the wheat and Kazakhstan buys it")
    misattached = head.dep_ == "ccomp" and head.left_edge.i == token.i + 1 \
        and not any(c.dep_ == "mark" for c in head.children)
    if not (head.dep_ == "conj" or misattached) or head.head.i > token.i or inside_subject:
        return None
    return _cut_before(token, "and", sent)


def _opens_subordinate(token: Token) -> bool:
    """The word after a conjunction starts a subordinate clause ("and as …", "and if …")."""
    k = token.i + 1
    return k < len(token.doc) and (token.doc[k].dep_ == "mark" or token.doc[k].lower_ in SUBORDINATORS)


def _clause_cut(token: Token, sent: Span, *, connective: str) -> Cut | None:
    """A cut before `token` when a clause with its own subject follows it."""
    if clause_follows(sent.doc, token.i + 1, sent.end, need_subject=True) is None \
            or not _left_clause(sent, token.i):
        return None
    return _cut_before(token, connective, sent)


def _final_clause_cut(token: Token, sent: Span, *, connective: str) -> Cut | None:
    """A subordinate clause that closes its sentence part ("…, because it is …")."""
    verb = token.head
    if not (is_finite(verb) or clause_follows(sent.doc, token.i + 1, sent.end, need_subject=True)):
        return None
    if not _runs_to_end(verb, sent):
        return None
    return _clause_cut(token, sent, connective=connective)


def _runs_to_end(verb: Token, sent: Span) -> bool:
    """The clause of `verb` reaches the end of the sentence, or the next coordinated clause."""
    last = _last_word(sent)
    k = verb.right_edge.i + 1
    while k <= last.i and (sent.doc[k].is_punct or sent.doc[k].is_space):
        k += 1
    if k > last.i:
        return True
    nxt = sent.doc[k]
    if sent.doc[k:k + 2].text.lower() in REFORMULATIONS or nxt.lower_ in REFORMULATIONS:
        return True  # "…, that is, it is competitive": a reformulation stays in the unit (§3.1)
    return nxt.lower_ in CONTRAST_CONJUNCTIONS | SUBORDINATORS | {"and", "so"} or sent.doc[k - 1].text == ";"


def _initial_subordinate(token: Token, sent: Span) -> list[Cut]:
    """"Although X, Y": the first unit keeps `although` as connective, Y starts at the comma."""
    doc = sent.doc
    verb = token.head
    if token.dep_ != "mark" or not is_finite(verb):
        return []  # "While visiting Astana, …": a reduced clause stays in the unit
    comma = verb.right_edge.i + 1
    if not (comma < sent.end and doc[comma].text == ","):
        comma = next((t.i for t in doc[token.i:min(sent.end, token.i + WINDOW_TOKENS)] if t.text == ","
                      and clause_follows(doc, t.i + 1, sent.end, need_subject=True)), None)
    if comma is None or not _finite_in(sent, comma + 1, comma + 1 + WINDOW_TOKENS):
        return []
    return [_cut_before(token, token.lower_, sent), _cut_after(doc[comma])]


def _relative_is_final(token: Token, sent: Span) -> bool:
    """A non-restrictive `, which` (or `, of which`) clause that closes the sentence."""
    doc = sent.doc
    opener = token.nbor(-1) if token.i > sent.start and token.nbor(-1).lower_ in RELATIVE_PREPOSITIONS else token
    if not (opener.i > sent.start and opener.nbor(-1).text == ","):
        return False
    verb = next((t for t in doc[token.i + 1:min(sent.end, token.i + WINDOW_TOKENS)] if is_finite(t)), None)
    if verb is None or not _left_clause(sent, opener.i):
        return False
    head = token.head
    while head.dep_ in ("prep", "pobj") and head.head != head:
        head = head.head
    if head.dep_ == "relcl":  # "…, which have close ties with Russia, have benefited": mid-sentence
        return _runs_to_end(head, sent)
    return _root(token).i < token.i  # misparsed (e.g. as a complement): final if the main verb precedes


def _root(token: Token) -> Token:
    """The root of token's tree (Span.root would scan the whole sentence on every call)."""
    steps = 0
    while token.head != token and steps < len(token.doc):
        token, steps = token.head, steps + 1
    return token


def _relative_cut(token: Token, sent: Span) -> Cut:
    """The relative pronoun (with its preposition) opens the unit; connective null (§3.2)."""
    opener = token.nbor(-1) if token.nbor(-1).lower_ in RELATIVE_PREPOSITIONS else token
    return _cut_before(opener, None, sent)


# --- segmentation from punctuation and discourse markers ----------------------------------

_WORD = re.compile(r"[\w’'$%.-]+|[,;:]")
_NEGATED = "isn't aren't wasn't weren't hasn't haven't hadn't won't wouldn't can't couldn't mustn't shouldn't doesn't don't didn't"
FINITE_WORDS = frozenset(
    "is are was were am has have had will would can could may might must shall should does did do cannot".split()
    + _NEGATED.split() + _NEGATED.replace("'", "’").split())
# Frequent irregular past tenses, so that "India … took the lead" reads as a clause.
IRREGULAR_PAST = frozenset("""
    became began bought brought built came chose did drew fell felt found gave got grew had held kept
    knew led left lost made meant met paid put ran rose said sat saw sent set showed sold spent spoke
    stood struck taught thought told took understood went won wrote
""".split())
SUBJECT_PRONOUNS = frozenset({"i", "we", "you", "he", "she", "it", "they", "there", "this", "these", "those",
                              "neither", "none", "nobody", "everyone", "everybody", "someone", "somebody"})
# adverbs that sit between a subject and its verb ("Beijing now buys")
MID_ADVERBS = frozenset({"now", "still", "also", "already", "often", "rarely", "never", "even", "then",
                         "always", "usually", "increasingly", "largely", "mainly", "only", "not"})
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "my", "your", "this", "that",
                         "these", "those", "some", "many", "most", "all", "both", "each", "every", "no",
                         "such", "other", "another", "any", "several", "few", "much"})
# words after ", but" that start a reduced contrast, not a clause
REDUCED_CONTRAST = frozenset({"not", "rather", "only", "instead", "never", "without", "because"})
PREPOSITIONS = frozenset({"in", "on", "at", "of", "for", "from", "to", "with", "by", "about", "as", "into",
                          "over", "under", "after", "before", "since", "during", "between", "among", "than"})


def lexical_clause(words: list[str], *, need_subject: bool) -> bool:
    """Whether `words` open a clause, judged without a tagger.

    An introductory phrase set off by a comma is skipped ("in practice, there has …"). Then,
    up to the next comma: a subject pronoun followed by a word, a finite auxiliary, modal or
    copula after a nominal opener (or first, for a predicate), or a past-tense form after a
    content word ("… officials and businessmen travelled …") counts as a clause.
    """
    if words and words[0].lower() in PREPOSITIONS and "," in words:
        words = words[words.index(",") + 1:]
    words = list(_until_comma(words))
    if not words:
        return False
    lower = [w.lower() for w in words]
    if need_subject and lower[0] in SUBJECT_PRONOUNS and len(words) > 1 and lower[1] not in PREPOSITIONS:
        return True
    for k, w in enumerate(lower):
        if w in RELATIVE_WORDS and k > 0:
            return False
        if w in FINITE_WORDS or w in IRREGULAR_PAST and k > 0:
            return k > 0 or not need_subject
        if _past_form(w) and (k >= 1 if not need_subject else k >= 2 or words[k - 1][:1].isupper()) \
                and lower[k - 1] not in DETERMINERS | PREPOSITIONS:
            return True
        if 1 <= k <= 4 and _s_form(w) and any(x[:1].isupper() for x in words[:k]) and all(
                x[:1].isupper() or x.lower() in DETERMINERS | MID_ADVERBS for x in words[:k]):
            return True  # a name as subject: "Pakistan blocks", "The US holds", "Beijing now buys"
    return False


def _s_form(word: str) -> bool:
    """A word that could be a third-person present verb ("blocks", "holds")."""
    w = word.lower()
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "’s", "'s"))


def _third_person(words: list[str], k: int) -> bool:
    """words[k] reads as a present-tense verb after a name ("Pakistan blocks", "The US holds")."""
    return _s_form(words[k]) and words[k - 1][:1].isupper() and words[k - 1].lower() not in DETERMINERS | PREPOSITIONS


def _past_form(word: str) -> bool:
    return len(word) > 4 and word.endswith("ed") and not word.endswith("eed")


def verb_like(words: list[str]) -> bool:
    """Some word of `words` looks like a finite verb (a weak test, for the left side of a cut)."""
    lower = [w.lower() for w in words]
    for k, w in enumerate(lower):
        if w in FINITE_WORDS or w in IRREGULAR_PAST or _past_form(w):
            return True
        if k + 1 < len(lower) and w in SUBJECT_PRONOUNS and lower[k + 1] not in PREPOSITIONS | {",", "."}:
            return True
        if k > 0 and _third_person(words, k):
            return True  # "The US holds …", "China lacks …"
    return False


def _until_comma(words: list[str]) -> Iterable[str]:
    for w in words:
        if w in (",", ";", ":"):
            return
        yield w


# A cut candidate: (pattern, connective group or None, kind); patterns match the joining
# material ("…, but |", "…; |") and must be followed by a clause of the kind named.
_RULE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r";\s+"), "semicolon"),
    (re.compile(r",\s+(but|yet)\s+", re.IGNORECASE), "predicate"),
    (re.compile(r",?\s+(although|though|whereas|while|because)\s+(?!of\b)", re.IGNORECASE), "final"),
    (re.compile(r",\s+(as|so)\s+(?!(?:that|far|much|many|long|called|well|such|to|of|a|an|if)\b)",
                re.IGNORECASE), "clause"),
    (re.compile(r",\s+(and)\s+", re.IGNORECASE), "clause"),
    (re.compile(r"(?<=\w)\s+(and)\s+(?=(?:it|they|he|she|we|there|its|their|his|her|this|these)\b)", re.IGNORECASE),
     "strict"),
    (re.compile(r",\s+(?=(?:of\s+)?which\b)", re.IGNORECASE), "relative"),
)


def rule_units(sent: Span, text: str) -> list[Unit]:
    """Units of an unparsed sentence, cut at the split points of GUIDELINES §3.1; `text` is
    the doc's text."""
    sentence = text[sent.start_char:sent.end_char]
    start = sent.start_char + len(sentence) - len(sentence.lstrip())
    end = sent.start_char + len(sentence.rstrip())
    cuts = rule_cuts(text, start, end)
    return units_from_cuts(text, start, end, cuts)


def rule_cuts(text: str, start: int, end: int) -> list[Cut]:
    """Cuts of the sentence text[start:end] from punctuation, connectives and a word lexicon."""
    lead = sentence_start_cut(text, start, end)
    body = lead.start if lead else start
    cuts = [lead] if lead else []
    initial = _initial_subordinate_rule(text, body, end)
    if initial is not None:
        cuts += initial
    for pattern, kind in _RULE_PATTERNS:
        for m in pattern.finditer(text, body, end):
            if m.start() <= body:
                continue
            cut = _rule_cut(text, body, end, m, kind)
            if cut is not None:
                cuts.append(cut)
    return _ordered(cuts)


def _words(text: str) -> list[str]:
    """Words and clause punctuation; a final period is dropped unless the word is an
    abbreviation ("waits." -> "waits", "U.S." stays)."""
    return [w[:-1] if w.endswith(".") and len(w) > 1 and "." not in w[:-1] else w for w in _WORD.findall(text)]


def _rule_cut(text: str, body: int, end: int, m: re.Match[str], kind: str) -> Cut | None:
    left = _words(text[max(body, m.start() - WINDOW_CHARS):m.start()])
    right = _words(text[m.end():min(end, m.end() + WINDOW_CHARS)])
    if len(left) < MIN_UNIT_WORDS or not right:
        return None
    connective = m.group(1).lower() if m.groups() else None
    if kind == "semicolon":  # between two word groups a semicolon separates clauses
        ok = len(right) >= MIN_UNIT_WORDS
    elif kind == "predicate":
        # in argumentative prose ", but" nearly always opens a clause or a predicate; the
        # exceptions are correlatives and reduced contrasts ("…, but not in Europe")
        ok = not _rule_correlative(left, right) and len(right) >= MIN_UNIT_WORDS and (
            lexical_clause(right, need_subject=False) or right[0].lower() not in REDUCED_CONTRAST)
    elif kind == "relative":  # the relative pronoun is the clause's subject or object
        ok = len(right) > MIN_UNIT_WORDS and not _main_clause_resumes(right)
    elif kind == "strict":  # bare "and": a finite auxiliary on both sides of it, within commas
        ok = lexical_clause(right, need_subject=True) and any(w.lower() in FINITE_WORDS for w in _last_phrase(left)) \
            and any(w.lower() in FINITE_WORDS for w in _until_comma(right))
    elif kind == "final":
        ok = subordinate_clause(right)
    else:  # "clause"
        ok = lexical_clause(right, need_subject=True) and (
            connective != "and" or verb_like(left) or len(_last_phrase(left)) >= 4)  # not "A, B, and C"
    return Cut(m.start(), m.end(), connective) if ok else None


def subordinate_clause(words: list[str]) -> bool:
    """After although/though/while/whereas/because: a full clause, not a reduced one.

    The subordinator announces a clause, so the test is for reduction: "not …", a participle
    ("while visiting"), a preposition ("although in decline"), or fewer than three words before
    the next comma ("although useful, …").
    """
    if lexical_clause(words, need_subject=True):
        return True
    phrase = list(_until_comma(words))
    if len(phrase) < 3:
        return False
    first = phrase[0].lower()
    reduced = first in REDUCED_CONTRAST | PREPOSITIONS or first.endswith(("ing", "ed", "ly"))
    return not reduced


def _last_phrase(words: list[str]) -> list[str]:
    """The words after the last comma or semicolon."""
    cut = max((k for k, w in enumerate(words) if w in (",", ";")), default=-1)
    return words[cut + 1:]


def _rule_correlative(left: list[str], right: list[str]) -> bool:
    joined = " ".join(w.lower() for w in left)
    nxt = [w.lower() for w in right[:2]]
    return ("not only" in joined and nxt[:1] == ["also"]) or nxt == ["because", "of"] or nxt[:1] == ["rather"]


def _main_clause_resumes(right: list[str]) -> bool:
    """After ", which … ," the main predicate continues ("…, which have ties, have benefited")."""
    seen_comma = False
    for k, w in enumerate(right):
        if w == ",":
            seen_comma = True
            continue
        if seen_comma:
            low = w.lower()
            if low in ("also", "unexpectedly", "not", "still", "now", "already"):
                continue
            nxt = right[k + 1].lower() if k + 1 < len(right) else ""
            # "compared to", "based on": a participle before a preposition is an adjunct
            verb = low in FINITE_WORDS | IRREGULAR_PAST or (_past_form(low) and nxt not in PREPOSITIONS) or \
                (len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")))
            return verb and k + 1 < len(right) and right[k - 1] == ","
    return False


_INITIAL_SUB = re.compile(r"(although|though|while|whereas|because)\s+(?!of\b)", re.IGNORECASE)


def _initial_subordinate_rule(text: str, body: int, end: int) -> list[Cut] | None:
    """"Although X, Y" at the start of a sentence: two cuts (connective, then the comma)."""
    m = _INITIAL_SUB.match(text, body, end)
    if not m:
        return None
    for comma in re.finditer(r",\s*", text[m.end():min(end, m.end() + WINDOW_CHARS)]):
        left = _words(text[m.end():m.end() + comma.start()])
        right = _words(text[m.end() + comma.end():min(end, m.end() + comma.end() + WINDOW_CHARS)])
        if subordinate_clause(left) and len(right) >= MIN_UNIT_WORDS:
            return [Cut(body, m.end(), m.group(1).lower()),
                    Cut(m.end() + comma.start(), m.end() + comma.end(), None)]
    return None
