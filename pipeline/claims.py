"""Claim segmenter: split sentences into clause-level argumentative units with roles.

With a dependency parse (profile "full") a sentence is cut before coordinated clauses that
have their own subject ("X, but the reality is Y"), around contrastive adverbial clauses
("although/while/whereas ..."), and before non-restrictive "which" clauses. Without a parse
(profile "fast") the same cuts are found from punctuation and discourse markers. Units never
cross sentences; connectives and punctuation at their edges are trimmed, and the connective
that joined a unit to the previous one is kept in `connective`.

Roles follow the persuasive-essay scheme of Stab & Gurevych (2017): the major claim states
the author's thesis, claims are arguable assertions, premises are evidence (statistics,
dated events, examples) offered for a claim.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from .extensions import ensure_extensions
from .schema import CLAIM, CLAIMS_KEY, MAJOR_CLAIM, PREMISE

# Contrastive subordinators that open a separate unit ("although not necessarily ...").
CONTRAST_MARKS = frozenset({"although", "though", "while", "whereas", "albeit"})
# Sentence-initial or clause-initial discourse markers, trimmed from unit edges (longest first).
DISCOURSE_MARKERS = tuple(sorted((
    "but", "and", "or", "so", "yet", "however", "therefore", "thus", "hence", "moreover",
    "furthermore", "in addition", "besides", "of course", "for example", "for instance",
    "in any case", "in fact", "indeed", "meanwhile", "nevertheless", "nonetheless",
    "on the other hand", "on the contrary", "in other words", "that is", "as a result",
    "consequently", "in short", "in sum", "in conclusion", "overall", "after all",
    "although", "though", "while", "whereas", "because", "since", "albeit", "instead",
    "first", "second", "third", "finally", "also", "still", "then",
), key=len, reverse=True))
REPORTING_VERBS = frozenset({"write", "say", "argue", "note", "add", "claim", "observe", "tell"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
MIN_UNIT_WORDS = 3

# Cues for roles, after Stab & Gurevych (2017), section 5 (structural and lexical features).
PREMISE_CUES = ("because", "for example", "for instance", "since", "as evidenced", "according to",
                "data show", "figures show", "statistics")
CLAIM_CUES = ("therefore", "thus", "hence", "it is clear", "undoubtedly", "should", "must",
              "in any case", "it can be said", "it is probably safe to say", "the reality is",
              "in conclusion", "consequently", "certainty")
HEDGES = ("may", "might", "could", "perhaps", "probably", "likely", "seem", "appear")
NUMBER = re.compile(r"(?<![\w-])(?:[$€£¥]\s?)?\d[\d,.]*\s?(?:%|percent|per cent|billion|million|trillion|-fold|times)?")
DATE_EVENT = re.compile(r"\b(?:in|since|on|by|during)\s+(?:(?:January|February|March|April|May|June|July|"
                        r"August|September|October|November|December)\s+)?(?:19|20)\d\d\b")


@dataclass(frozen=True)
class Unit:
    """A claim candidate: character offsets into the doc and the connective before it."""

    start: int
    end: int
    connective: str | None


@Language.factory(
    "argmine_claims",
    assigns=["doc.spans", "doc._.claim_records"],
    default_config={"use_parser": None, "min_unit_words": MIN_UNIT_WORDS},
)
def make_claim_segmenter(nlp: Language, name: str, *, use_parser: bool | None,
                         min_unit_words: int) -> ClaimSegmenter:
    return ClaimSegmenter(nlp, name, use_parser=use_parser, min_unit_words=min_unit_words)


class ClaimSegmenter:
    """Split each sentence into claims; store them in doc.spans and doc._.claim_records."""

    def __init__(self, nlp: Language, name: str, *, use_parser: bool | None,
                 min_unit_words: int = MIN_UNIT_WORDS) -> None:
        self.name = name
        self.use_parser = use_parser  # None: use the parse when the doc has one
        self.min_unit_words = min_unit_words
        ensure_extensions()

    def __call__(self, doc: Doc) -> Doc:
        parsed = doc.has_annotation("DEP") if self.use_parser is None else self.use_parser
        units: list[tuple[int, Unit]] = []
        for index, sent in enumerate(_text_sentences(doc)):
            found = parse_units(sent) if parsed else rule_units(sent)
            units += [(index, u) for u in merge_short_units(found, doc.text, self.min_unit_words)]
        spans, records = [], []
        for number, (sentence, unit) in enumerate(units, start=1):
            span = doc.char_span(unit.start, unit.end, alignment_mode="expand")
            if span is None:
                continue
            spans.append(span)
            records.append(_claim_record(f"c{len(records) + 1}", doc.text, unit, sentence))
        assign_roles(records, doc.text)
        attach_actors(records, doc._.actors or [])
        for span, record in zip(spans, records):
            span.label_ = record["role"]
        doc.spans[CLAIMS_KEY] = spans
        doc._.claim_records = records
        return doc


def _text_sentences(doc: Doc) -> Iterable[Span]:
    return (sent for sent in doc.sents if sent.text.strip())


def _claim_record(claim_id: str, text: str, unit: Unit, sentence: int) -> dict:
    return {"id": claim_id, "start": unit.start, "end": unit.end, "text": text[unit.start:unit.end],
            "sentence": sentence, "role": CLAIM, "role_score": None, "supports": None,
            "connective": unit.connective, "actors": [], "stance": "neutral",
            "stance_scores": {"cooperative": 0.0, "competitive": 0.0, "neutral": 1.0},
            "dyads": [], "facts": []}


# --- segmentation with a dependency parse -------------------------------------------------

def parse_units(sent: Span) -> list[Unit]:
    """Units of a parsed sentence, cut at clause boundaries found in the parse."""
    cuts = sorted({_before_joiners(sent, i) for i in _clause_boundaries(sent) if sent.start < i < sent.end})
    bounds = [sent.start, *cuts, sent.end]
    doc = sent.doc
    units = []
    for begin, end in zip(bounds, bounds[1:]):
        unit = trim_unit(doc.text, doc[begin].idx, doc[end - 1].idx + len(doc[end - 1]))
        if unit is not None:
            units.append(unit)
    return units


def _before_joiners(sent: Span, cut: int) -> int:
    """Move a cut left over the comma and conjunction that join two clauses ("..., but |")."""
    doc = sent.doc
    while cut - 1 > sent.start and (doc[cut - 1].is_punct or doc[cut - 1].dep_ == "cc"
                                    or doc[cut - 1].lower_ in CONTRAST_MARKS) and doc[cut - 1].text not in ")”\"’":
        cut -= 1
    return cut


def _clause_boundaries(sent: Span) -> Iterable[int]:
    for token in sent:
        if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and _has_subject(token):
            if token.lemma_ in REPORTING_VERBS and token.right_edge.i >= sent.end - 2:
                continue  # "..., writes Zhao Huasheng." belongs to the claim it reports
            yield token.left_edge.i
        elif token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in CONTRAST_MARKS
                                           for c in token.children):
            yield token.left_edge.i
            yield token.right_edge.i + 1
        elif token.dep_ == "relcl" and token.left_edge.i > sent.start \
                and token.doc[token.left_edge.i].lower_ == "which" \
                and token.doc[token.left_edge.i - 1].text == ",":
            yield token.left_edge.i
        elif token.text == ";":
            yield token.i + 1


def _has_subject(token) -> bool:
    return any(child.dep_ in SUBJECT_DEPS for child in token.children)


# --- segmentation from punctuation and discourse markers ----------------------------------

_RULE_CUT = re.compile(
    r";\s+"
    r"|,\s+(?=(?:but|whereas|while|although|though|albeit|yet)\b)"
    r"|,\s+(?=which\b)"
    r"|,\s+(?=and\s+(?:it|this|that|they|he|she|we|there|the|its|their)\b)",
    re.IGNORECASE,
)
_INITIAL_SUBORDINATE = re.compile(r"^(?:although|though|while|whereas)\b[^,]{8,}?,\s+", re.IGNORECASE)


def rule_units(sent: Span) -> list[Unit]:
    """Units of an unparsed sentence, cut at semicolons and contrastive connectives."""
    text, base = sent.text, sent.start_char
    cuts = [m.end() for m in _RULE_CUT.finditer(text)]
    initial = _INITIAL_SUBORDINATE.match(text)
    if initial:
        cuts.append(initial.end())
    bounds = [0, *sorted(set(cuts)), len(text)]
    units = []
    for begin, end in zip(bounds, bounds[1:]):
        unit = trim_unit(sent.doc.text, base + begin, base + end)
        if unit is not None:
            units.append(unit)
    return units


# --- shared edge trimming and merging -----------------------------------------------------

_LEADING_JUNK = re.compile(r"[\s,;:–—-]+")  # used with match(): anchored at pos
_TRAILING_JUNK = re.compile(r"[\s,;:.!?–—-]+$")


def trim_unit(text: str, start: int, end: int) -> Unit | None:
    """Strip punctuation and leading discourse markers from text[start:end]."""
    connectives = []
    while True:
        lead = _LEADING_JUNK.match(text, start, end)
        if lead and lead.end() > start:
            start = lead.end()
        marker = _leading_marker(text, start, end)
        if marker is None:
            break
        connectives.append(marker.lower())
        start += len(marker)
    trail = _TRAILING_JUNK.search(text, start, end)
    if trail:
        end = trail.start()
    if not any(ch.isalnum() for ch in text[start:end]):
        return None
    return Unit(start, end, " ".join(connectives) or None)


def _leading_marker(text: str, start: int, end: int) -> str | None:
    head = text[start:min(end, start + 24)].lower()
    for marker in DISCOURSE_MARKERS:
        if head.startswith(marker) and (len(head) == len(marker) or not head[len(marker)].isalnum()):
            rest = text[start + len(marker):end].lstrip()
            # keep "while the EU ..." as a unit start only when a clause follows the marker
            if rest and (rest[0] in ",;" or marker not in ("first", "second", "third", "still", "then", "also")):
                return text[start:start + len(marker)]
    return None


def merge_short_units(units: list[Unit], text: str, min_words: int) -> list[Unit]:
    """Join fragments of fewer than `min_words` words to their neighbour: no words are lost."""
    merged: list[Unit] = []
    for unit in units:
        short = len(text[unit.start:unit.end].split()) < min_words
        if merged and short:
            merged[-1] = Unit(merged[-1].start, unit.end, merged[-1].connective)
        elif merged and len(text[merged[-1].start:merged[-1].end].split()) < min_words:
            merged[-1] = Unit(merged[-1].start, unit.end, merged[-1].connective)
        else:
            merged.append(unit)
    return merged


def attach_actors(records: list[dict], actors: list[dict]) -> None:
    """Set each claim's `actors` to the codes of the coded actor mentions inside it."""
    for record in records:
        record["actors"] = sorted({a["code"] for a in actors
                                   if a.get("code") and record["start"] <= a["start"] and a["end"] <= record["end"]})


# --- roles and support links --------------------------------------------------------------

def role_features(claim_text: str, position: float, paragraph_first: bool, paragraph_last: bool,
                  connective: str | None) -> dict[str, float]:
    """Transparent features of a unit, used by `assign_roles` and by a trainable role model."""
    lower = claim_text.lower()
    numbers = [m.group() for m in NUMBER.finditer(claim_text) if not re.fullmatch(r"(?:19|20)\d\d", m.group().strip())]
    return {
        "has_number": float(bool(numbers)),
        "has_date_event": float(bool(DATE_EVENT.search(claim_text))),
        "premise_cue": float(any(c in lower for c in PREMISE_CUES) or connective in ("because", "for example", "for instance", "since")),
        "claim_cue": float(any(c in lower for c in CLAIM_CUES) or connective in ("therefore", "thus", "hence", "in any case", "consequently")),
        "hedge": float(any(re.search(rf"\b{h}\b", lower) for h in HEDGES)),
        "first_paragraph": float(position == 0.0),
        "paragraph_first": float(paragraph_first),
        "paragraph_last": float(paragraph_last),
        "position": position,
    }


def assign_roles(records: list[dict], text: str) -> None:
    """Set role, role_score and supports on claim records, in place."""
    if not records:
        return
    paragraphs = _paragraph_index(text, records)
    last_paragraph = max(paragraphs)
    for i, record in enumerate(records):
        para = paragraphs[i]
        features = role_features(
            record["text"], para / last_paragraph if last_paragraph else 0.0,
            i == 0 or paragraphs[i - 1] != para,
            i == len(records) - 1 or paragraphs[i + 1] != para,
            record["connective"])
        premise = 0.45 * features["has_number"] + 0.35 * features["has_date_event"] + 0.3 * features["premise_cue"]
        premise -= 0.3 * features["claim_cue"] + 0.1 * features["hedge"]
        major = 0.5 * features["first_paragraph"] + 0.2 * features["claim_cue"] \
            + 0.3 * (para == last_paragraph and features["paragraph_last"])
        if premise >= 0.35:
            record["role"], score = PREMISE, min(0.5 + premise / 2, 1.0)
        elif major >= 0.5 and premise <= 0:
            record["role"], score = MAJOR_CLAIM, min(0.5 + major / 2, 1.0)
        else:
            record["role"], score = CLAIM, 0.5 + max(0.0, 0.35 - premise) / 0.7 * 0.5
        record["role_score"] = round(score, 3)
    link_premises(records, paragraphs)


def link_premises(records: list[dict], paragraphs: list[int]) -> None:
    """Each premise supports the nearest preceding non-premise unit of its paragraph, else the next one."""
    for i, record in enumerate(records):
        if record["role"] != PREMISE:
            record["supports"] = None
            continue
        target = next((records[j]["id"] for j in range(i - 1, -1, -1)
                       if paragraphs[j] == paragraphs[i] and records[j]["role"] != PREMISE), None)
        if target is None:
            target = next((records[j]["id"] for j in range(i + 1, len(records))
                           if paragraphs[j] == paragraphs[i] and records[j]["role"] != PREMISE), None)
        record["supports"] = target


def _paragraph_index(text: str, records: list[dict]) -> list[int]:
    breaks = [m.start() for m in re.finditer(r"\n", text)]
    index, result = 0, []
    for record in records:
        while index < len(breaks) and breaks[index] < record["start"]:
            index += 1
        result.append(index)
    return result
