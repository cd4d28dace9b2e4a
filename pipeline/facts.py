"""Numeric facts: the figures a text offers as evidence, with what they measure, when and about whom.

The component finds numeric expressions with `pipeline.numbers` (pure, on the raw text), keeps
those that are facts under the annotation guidelines (annotations/GUIDELINES.md §7), and gives
each one a `year`, a `subject`, `actors` and the `claim` that contains it.

What is a fact (and what is not):

- Money, percentages, ratios and quantities with a physical unit are facts.
- Counts are facts only when the number is itself evidence ("President Putin visiting all five
  Central Asian countries"); their span runs from the number to the counted noun. Counts that
  only pick out a known group are not facts: after a definite or possessive determiner ("the
  two countries", "the other four countries", "the three other Central Asian countries"), the
  number one, and counts with no counted noun ("two of them").
- Not facts: years and dates (`numbers.YEAR`), durations and periods (quantities in time units:
  "in over 25 years", "the first three quarters of 2022"), numbers inside names ("CASA-1000",
  "5+1" and list markers never reach us; "Voyager 2", "Asia 1000 power project" and capitalized
  numbers such as “Five Central Asian States” are dropped here), and vague magnitudes with no
  number ("hundreds of thousands"), unless `vague=True` keeps those with `value: null`.

`year`: a year stated after the figure in its clause ("$3.8 billion in 2022", "5.4% in
2024"), else the nearest year before it in the sentence ("In 2022, remittances ... of which
85 percent ..."); a figure inside a comparison ("compared to the previous annual remittances
of $4 billion") only takes a year stated there; a comparison base alone fixes the year after
it ("six times higher than in 2021" -> 2022); otherwise null. Years come from the text, never
from the publication date.

`subject`: what the figure measures, copied from the sentence. With a dependency parse
(profile `full`) the head noun of the figure's subject, of-phrase or participle is found in
the parse; without one (profile `fast`), and where the small parser leaves the subject out,
rules over the sentence's tokens find the same phrases from a verb list and punctuation.
`actors` are the codes of the actor mentions (`doc._.actors`) inside the subject phrase and
the figure's own phrase ("came from Russia").
"""
from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .extensions import doc_text, ensure_extensions
from .numbers import (COUNT, QUANTITY, RATIO, TIME_UNITS, YEAR, NumericExpression, document_expressions,
                      qualifier_start)
from .schema import FACTS_KEY

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

# Determiners after which a count re-identifies a known group ("the two countries").
ANAPHORIC_DETERMINERS = frozenset({"the", "these", "those", "both", "its", "their", "his", "her", "our",
                                   "your", "my", "other", "same", "such", "this", "that", "each", "every",
                                   "first", "last", "next", "previous", "remaining"})
FUNCTION_WORDS = frozenset({
    "the", "a", "an", "all", "some", "only", "about", "over", "nearly", "almost", "around", "in", "of",
    "with", "for", "by", "at", "on", "and", "but", "or", "to", "from", "those", "these", "its", "their",
    "our", "his", "her", "more", "than", "less", "fewer", "up", "just", "roughly", "approximately",
    "some", "another", "each", "every", "between", "among", "under", "after", "before", "since",
    "until", "during", "as", "if", "when", "while", "that", "which", "who", "whose", "this", "no",
    "not", "least", "most", "even", "also"})
MONTH_NAMES = frozenset({"January", "February", "March", "April", "May", "June", "July", "August",
                         "September", "October", "November", "December"})
IRREGULAR_PLURALS = frozenset({"people", "children", "men", "women", "police", "staff", "personnel",
                               "troops", "cattle", "sheep", "aircraft", "militia", "youth", "crew"})
QUALIFIER_WORDS = frozenset({"more", "than", "about", "around", "approximately", "approx", "roughly", "only",
                             "just", "nearly", "almost", "over", "some", "up", "to", "as", "much", "many",
                             "at", "least", "less", "fewer", "under", "below", "above", "exceeding",
                             "estimated", "an", "mere", "a", "close", "well", "down", "circa", "exactly",
                             "precisely", "no"})
CLAUSE_WORDS = frozenset({"that", "which", "who", "whom", "whose", "while", "whereas", "although", "though",
                          "because", "if", "when", "where", "than", "compared", "according", "despite",
                          "unlike", "amid", "whether", "since", "after", "before", "during", "however"})
LEADING_JUNK = frozenset({"in", "on", "at", "for", "to", "from", "by", "with", "and", "but", "or", "of",
                          "also", "then", "so", "thus", "however", "during", "after", "before", "since",
                          "that", "which", "while", "whereas", "as", "all"})
BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "am"})
AUXILIARIES = BE | frozenset({"has", "have", "had", "will", "would", "shall", "should", "could", "can", "may",
                              "might", "must", "does", "did", "do", "also", "already", "still"})
# Verbs whose subject is what the figure measures ("trade is $39.9 billion").
MEASURE_VERBS = frozenset("""
total totals totalled totaled totalling totaling reach reaches reached reaching amount amounts amounted
stand stands stood account accounts accounted make makes made represent represents represented constitute
constitutes constituted equal equals equalled equaled exceed exceeds exceeded surpass surpassed hit hits top
tops topped come comes came grow grows grew grown rise rises rose risen fall falls fell fallen increase
increases increased decrease decreases decreased decline declines declined drop drops dropped jump jumps
jumped climb climbs climbed surge surges surged soar soars soared shrink shrinks shrank shrunk expand expands
expanded contract contracts contracted double doubled triple tripled cost costs remain remains remained
extend extends extended stretch stretches stretched measure measures measured number numbers numbered
go goes went flow flows flowed carry carries carried
""".split()) | BE
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "my", "your", "this", "that",
                         "these", "those", "whose", "annual", "total", "net"})
# Verbs whose figure is what the subject did ("the EU has invested about $120 billion in ...").
ACTION_VERBS = frozenset("""
invest invests invested investing spend spends spent spending pay pays paid paying lend lends lent lending
loan loans loaned export exports exported import imports imported send sends sent receive receives received
provide provides provided allocate allocates allocated pledge pledges pledged earn earns earned borrow
borrows borrowed sell sells sold buy buys bought transfer transfers transferred remit remits remitted give
gives gave given grant grants granted commit commits committed raise raises raised attract attracts attracted
supply supplies supplied deliver delivers delivered ship ships shipped produce produces produced generate
generates generated deploy deploys deployed sign signs signed
""".split())
OTHER_VERBS = frozenset("""
visit visits visited visiting participate participates participated participating share shares shared
held hold holds launched launch signed sign reached agreed agree said says stated state noted argued
""".split())
# "grow by 5.2%" measures the growth of the subject
NOMINALS = {"grow": "growth", "grows": "growth", "grew": "growth", "grown": "growth", "rise": "rise",
            "rises": "rise", "rose": "rise", "risen": "rise", "fall": "fall", "falls": "fall", "fell": "fall",
            "fallen": "fall", "increase": "increase", "increases": "increase", "increased": "increase",
            "decrease": "decrease", "decreases": "decrease", "decreased": "decrease", "decline": "decline",
            "declines": "decline", "declined": "decline", "drop": "drop", "drops": "drop", "dropped": "drop",
            "expand": "expansion", "expands": "expansion", "expanded": "expansion", "shrink": "contraction",
            "shrank": "contraction", "contract": "contraction", "contracted": "contraction"}
SHARE_VERBS = frozenset({"account", "accounts", "accounted", "accounting", "make", "makes", "made", "making",
                         "represent", "represents", "represented", "representing", "constitute", "constitutes",
                         "constituting", "comprise", "comprises", "comprising"})
MOTION_VERBS = frozenset({"come", "comes", "came", "coming", "go", "goes", "went", "flow", "flows", "flowed",
                          "originate", "originates", "originated", "derive", "derives", "derived"})
POSSESSOR_VERBS = frozenset({"has", "have", "had", "share", "shares", "shared", "own", "owns", "owned",
                             "possess", "possesses", "maintain", "maintains", "operate", "operates"})
ATTACHING_WORDS = frozenset({"totalling", "totaling", "worth", "valued", "amounting", "costing", "estimated",
                             "exceeding", "topping", "reaching"})
PREPOSITIONS = frozenset({"in", "on", "at", "for", "to", "from", "by", "with", "of", "between", "among",
                          "into", "across", "within", "towards", "toward", "through", "against", "except",
                          "over", "under", "via"})
# A year after these words is a comparison base ("higher than in 2021"), not the figure's year.
YEAR_BASE_BEFORE = re.compile(
    r"(?:\bthan|\bcompared\s+(?:to|with)|\bover|\bfrom)\s+(?:(?:in|the\s+level\s+of|that\s+of)\s+)?$",
    re.IGNORECASE)
# ... and after these it dates something other than a figure ("since 1998", "established in 2001").
NON_FIGURE_YEAR_BEFORE = re.compile(
    r"(?:\bsince|\buntil|\btill|\bbefore|\bafter|\bestablished\s+in)\s+(?:[A-Z][a-z]+\s+)?$")
CLAUSE_BREAK = re.compile(
    r";|,\s+(?:and|but|while|whereas|which|of which|although|though|compared)\b|,\s+(?:it|this|they)\b")
COMPARISON = re.compile(
    r"\b(?:compared\s+(?:to|with)|in\s+comparison\s+with|as\s+against|versus)\b[^,;]*$", re.IGNORECASE)
ADJECTIVE_ENDINGS = re.compile(r"(?:al|an|ic|ive|ous|ern|ish|ese|ary|ful|less|ed)$")
PLURAL = re.compile(r"[^su]s$")


@dataclass
class _Fact:
    """A fact while it is being described; becomes a plain dict."""

    expr: NumericExpression
    start: int
    end: int
    sentence: int
    bounds: tuple[int, int] = (0, 0)           # character offsets of the sentence
    subject: str | None = None
    agent: str | None = None                  # the clause subject, before verb or phrase were added
    sources: list[tuple[int, int]] = field(default_factory=list)  # char ranges the subject came from
    year: int | None = None


@Language.factory(
    "argmine_facts",
    assigns=["doc._.facts", "doc.spans"],
    default_config={"use_parser": None, "spans_key": FACTS_KEY, "vague": False},
)
def make_numeric_facts(nlp: Language, name: str, *, use_parser: bool | None, spans_key: str,
                       vague: bool) -> NumericFacts:
    return NumericFacts(nlp, name, use_parser=use_parser, spans_key=spans_key, vague=vague)


class NumericFacts:
    """Set doc._.facts (plain dicts, schema `fact`) and doc.spans[spans_key]; link facts to claims."""

    def __init__(self, nlp: Language, name: str, *, use_parser: bool | None = None,
                 spans_key: str = FACTS_KEY, vague: bool = False) -> None:
        if use_parser not in (None, True, False):
            raise ValueError(f"argmine_facts: use_parser = {use_parser!r}; expected true, false or null (auto)")
        if not isinstance(spans_key, str) or not spans_key:
            raise ValueError(f"argmine_facts: spans_key = {spans_key!r}; expected a non-empty string")
        self.nlp, self.name = nlp, name
        self.use_parser = use_parser  # None: use the parse when the doc has one
        self.spans_key = spans_key
        self.vague = vague
        ensure_extensions()

    def __call__(self, doc: Doc) -> Doc:
        parsed = doc.has_annotation("DEP") if self.use_parser is None else self.use_parser
        if parsed and not doc.has_annotation("DEP"):
            raise ValueError(f"argmine_facts: use_parser = true, but the doc has no dependency parse; "
                             f"put a parser before '{self.name}' or set use_parser = null")
        text = doc_text(doc)
        facts = describe_facts(doc, parsed=parsed, vague=self.vague, text=text)
        records = [fact_record(text, doc._.actors or [], f, i) for i, f in enumerate(facts, start=1)]
        link_claims(records, doc._.claim_records)
        doc._.facts = records
        spans = []
        for record in records:
            span = doc.char_span(record["start"], record["end"], label=record["kind"], alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


# --- which expressions are facts ---------------------------------------------------------------

def describe_facts(doc: Doc, *, parsed: bool, vague: bool = False, text: str | None = None) -> list[_Fact]:
    """The facts of a doc, with year, subject and sources filled in; `text` is doc.text."""
    text = doc_text(doc) if text is None else text
    if not text.strip():
        return []
    expressions = document_expressions(text)
    sentences = _sentences(doc, text)
    years = [e for e in expressions if e.kind == YEAR]
    facts: list[_Fact] = []
    for expr in expressions:
        if not is_fact(text, expr, vague=vague):
            continue
        start, end = expr.start, expr.end
        if expr.kind == COUNT:
            end = counted_noun_end(doc, expr, parsed)
            if end is None:
                continue
        index = _sentence_of(sentences, start)
        facts.append(_Fact(expr, start, end, index, sentences[index]))
    by_sentence: dict[int, list[_Fact]] = {}
    for fact in facts:
        by_sentence.setdefault(fact.sentence, []).append(fact)
    for index, group in by_sentence.items():
        sent_start, sent_end = sentences[index]
        sentence_years = [y for y in years if sent_start <= y.start and y.end <= sent_end]
        for fact in group:
            fact.year = attribute_year(text, fact, group, sentence_years, (sent_start, sent_end))
        finder = SubjectFinder(doc, (sent_start, sent_end), group, parsed=parsed, text=text)
        for fact in group:
            finder.describe(fact)
    return facts


def is_fact(text: str, expr: NumericExpression, *, vague: bool = False) -> bool:
    """Is this expression a fact (GUIDELINES §7), judging from the expression and its context?"""
    if expr.kind == YEAR:
        return False
    if expr.value is None and not vague:
        return False
    if expr.kind == QUANTITY and expr.unit in TIME_UNITS:
        return False              # durations and periods
    if expr.kind != COUNT:
        return True
    if expr.value is not None and expr.value < 2:
        return False
    before = text[max(0, expr.start - 60):expr.start]
    words = re.findall(r"[^\W\d_]+(?:[’'][^\W\d_]+)?|[“\"]", before)
    prev = words[-1] if words else ""
    if expr.text[:1].isupper() and expr.text[:1].isalpha():
        sentence_start = re.search(r"(?:^|[.!?]\s+|\n)[“\"(]?$", before)
        if not sentence_start or prev in ("“", '"'):
            return False          # “Five Central Asian States”: a name
    if prev[:1].isupper() and prev not in MONTH_NAMES and prev.lower() not in FUNCTION_WORDS \
            and not re.search(r"[.!?]\s*$", before):
        return False              # "Voyager 2", "the Central Asia-South Asia 1000 power project"
    lowered = [w.lower() for w in words[-2:]]
    if lowered and (lowered[-1] in ANAPHORIC_DETERMINERS
                    or (len(lowered) == 2 and lowered[-1] in ("other", "all") and lowered[0] in ANAPHORIC_DETERMINERS)):
        return False              # "the two countries", "the other four countries"
    after = text[expr.end:expr.end + 30]
    if expr.value is not None and re.match(r"\s*(?:other|more|of|or|and|to|-|–)\b", after) \
            and not re.match(r"\s*other\s+[a-z]", after):
        return False              # "two of them", "one or two"
    return True


def counted_noun_end(doc: Doc, expr: NumericExpression, parsed: bool) -> int | None:
    """End offset of the counted noun ("five Central Asian countries"), or None if there is none."""
    span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
    if span is None or span.end >= len(doc):
        return expr.end if expr.value is None and span is not None else None
    if expr.value is None:
        return expr.end   # "hundreds of thousands" (kept only with vague=True) stands alone
    if parsed:
        head = span.root.head if span.root.dep_ in ("nummod", "quantmod") else None
        if head is not None and head.i >= span.end and head.pos_ in ("NOUN", "PROPN") and head.i - span.end <= 5:
            return head.idx + len(head.text)
    for k in range(span.end, min(span.end + 5, len(doc))):
        tok = doc[k]
        word = tok.text
        if tok.is_punct or tok.is_space or tok.like_num:
            break
        lower = word.lower()
        if word[:1].islower() and lower in FUNCTION_WORDS | BE | AUXILIARIES:
            break
        end = tok.idx + len(word)
        following = doc[k + 1] if k + 1 < len(doc) else None
        if word[:1].islower() and (lower in IRREGULAR_PLURALS or PLURAL.search(lower) or lower.endswith("ies")):
            return end                   # "five Central Asian countries"
        if word[:1].isupper() and PLURAL.search(word) and not (following is not None and following.text[:1].isupper()):
            return end                   # "2 million Tajiks"
        if word[:1].islower() and k > span.end and not ADJECTIVE_ENDINGS.search(lower):
            return end                   # a singular head noun after adjectives
        if word[:1].islower() and k == span.end and following is not None \
                and (following.is_punct or following.lower_ in FUNCTION_WORDS):
            return end
    return None


# --- year ---------------------------------------------------------------------------------------

def attribute_year(text: str, fact: _Fact, sentence_facts: Sequence[_Fact], years: Sequence[NumericExpression],
                   sentence: tuple[int, int]) -> int | None:
    """The year a figure refers to (see the module docstring for the order of the rules)."""
    usable, bases = [], []
    for y in years:
        if y.value_max is not None and not re.fullmatch(r"\d{4}'?s", y.text):
            continue              # "2014-2020", "2019-2025": periods, names of plans
        before = text[max(sentence[0], y.start - 40):y.start]
        if YEAR_BASE_BEFORE.search(before):
            bases.append(y)
        elif not NON_FIGURE_YEAR_BEFORE.search(before):
            usable.append(y)
    clause_end = _clause_end(text, fact.end, sentence[1])
    comparison = _comparison_start(text, fact.start, sentence[0])
    later_facts = [f.start for f in sentence_facts if f.start > fact.start]
    next_fact = min(later_facts) if later_facts else sentence[1]
    after = [y for y in usable if fact.end <= y.start < min(clause_end, next_fact + 1)
             and not any(fact.end <= f.start < y.start for f in sentence_facts if f is not fact)]
    if comparison is not None:
        inside = [y for y in usable if comparison <= y.start < clause_end]
        return int(inside[0].value) if inside else None
    if after:
        return int(after[0].value)
    before = [y for y in usable if y.end <= fact.start]
    if before:
        return int(before[-1].value)
    for base in bases:
        if base.start >= fact.end and re.search(r"\bthan\s+(?:in\s+)?$", text[max(0, base.start - 12):base.start]):
            return int(base.value) + 1
    return None


def _clause_end(text: str, pos: int, limit: int) -> int:
    m = CLAUSE_BREAK.search(text, pos, limit)
    return m.start() if m else limit


def _comparison_start(text: str, pos: int, limit: int) -> int | None:
    """Start of a comparison phrase that contains the figure ("compared to the previous ... of $4 billion")."""
    window = text[limit:pos]
    clause = re.split(r";|,\s+(?:and|but|while|whereas|which|of which)\b", window)[-1]
    m = COMPARISON.search(clause)
    if m:
        return pos - len(clause) + m.start()
    return None


# --- subject ------------------------------------------------------------------------------------

class SubjectFinder:
    """Subjects of the facts of one sentence: from the parse where it helps, else from rules."""

    def __init__(self, doc: Doc, bounds: tuple[int, int], facts: Sequence[_Fact], *, parsed: bool,
                 text: str | None = None) -> None:
        self.doc, self.parsed = doc, parsed
        self.text = doc_text(doc) if text is None else text
        span = doc.char_span(bounds[0], bounds[1], alignment_mode="expand")
        self.sent = span if span is not None else doc[:]
        self.facts = list(facts)
        self.fact_tokens: dict[int, _Fact] = {}
        for fact in self.facts:
            fspan = doc.char_span(fact.start, fact.end, alignment_mode="expand")
            if fspan is not None:
                for tok in fspan:
                    self.fact_tokens[tok.i] = fact

    # -- entry point ------------------------------------------------------------------------
    def describe(self, fact: _Fact) -> None:
        span = self.doc.char_span(fact.start, fact.end, alignment_mode="expand")
        if span is None:
            return
        found = None
        if self.parsed:
            found = self.from_parse(fact, span)
        if found is None:
            found = self.from_rules(fact, span)
        if found is None:
            return
        subject, agent, sources = found
        fact.subject = _tidy(subject)
        fact.agent = _tidy(agent) if agent else fact.subject
        fact.sources = sources

    # -- token helpers ------------------------------------------------------------------------
    def is_verb(self, tok: Token) -> bool:
        """A verb by the tagger (profile full) or by the verb lists and two word-order cues."""
        lower = tok.lower_
        if self.parsed and tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod", "compound"):
            return True
        prev = self.doc[tok.i - 1] if tok.i > self.sent.start else None
        if prev is not None and prev.lower_ in AUXILIARIES and len(lower) > 3 and lower.endswith(("ed", "en", "wn")):
            return True       # "has deployed", "was conducted": participles no list knows
        if prev is not None and lower not in BE and lower not in AUXILIARIES and (
                prev.lower_ in DETERMINERS or prev.text in ("’s", "'s")
                or prev.lower_.endswith(("ese", "ish")) or prev.lower_ in ("annual", "foreign", "direct", "total")):
            return False      # "China's exports", "Chinese loans", "the imports": nouns
        if self.parsed and tok.pos_ in ("NOUN", "PROPN", "ADJ", "ADP", "DET", "NUM") and lower not in (
                "amount", "amounts", "total", "totals", "account", "accounts", "stand", "stands"):
            return False
        return (lower in MEASURE_VERBS or lower in ACTION_VERBS or lower in OTHER_VERBS or lower in SHARE_VERBS
                or lower in AUXILIARIES - {"also", "already", "still"})

    def other_fact_at(self, i: int, fact: _Fact) -> bool:
        other = self.fact_tokens.get(i)
        return other is not None and other is not fact

    def before_figure(self, fact: _Fact, span: Span) -> int:
        """Index of the token before the figure and its qualifier ("accounts for | more than 30%")."""
        q = qualifier_start(self.text, fact.expr.start)
        i = span.start - 1
        if q is not None:
            while i >= self.sent.start and self.doc[i].idx >= q:
                i -= 1
        while i >= self.sent.start and self.doc[i].lower_ in ("up", "down") and i not in self.fact_tokens:
            i -= 1            # "$16.9 billion, up 2.1-fold"
        return i

    def left_np(self, end: int, fact: _Fact) -> tuple[int, int] | None:
        """Token range of the noun phrase that ends right before token `end` (rules)."""
        doc, sent = self.doc, self.sent
        j = end - 1
        while j >= sent.start:
            tok = doc[j]
            lower = tok.lower_
            if self.other_fact_at(j, fact):
                other = self.fact_tokens[j]
                first = self.doc.char_span(other.start, other.end, alignment_mode="expand").start
                k = first - 1
                while k >= sent.start and doc[k].lower_ in QUALIFIER_WORDS and doc[k].lower_ != "of":
                    k -= 1
                if k >= sent.start and doc[k].lower_ in ("of", "worth", "totalling", "totaling"):
                    j = k - 1      # "Kazakhstan's remittances of $775 million | are"
                    continue
                break
            if tok.is_punct and tok.text not in ("-", "–", "’s", "'s", "“", "”", '"') or self.is_verb(tok) \
                    or lower in CLAUSE_WORDS or tok.like_num and _looks_like_year(tok.text):
                break
            if lower in ("and", "or", "but") and j - 1 >= sent.start \
                    and (doc[j - 1].like_num or self.other_fact_at(j - 1, fact) or doc[j - 1].is_punct):
                break
            j -= 1
        start = j + 1
        while start < end and (doc[start].lower_ in LEADING_JUNK or doc[start].is_punct or doc[start].like_num
                               and _looks_like_year(doc[start].text)):
            start += 1
        while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in ("”", '"')
                               or doc[end - 1].lower_ in ("and", "or", "of")):
            end -= 1
        return (start, end) if start < end else None

    def right_np(self, start: int, fact: _Fact) -> tuple[int, int] | None:
        """Token range of the noun phrase that starts at token `start` (rules)."""
        doc, sent = self.doc, self.sent
        k = start
        while k < sent.end:
            tok = doc[k]
            if tok.is_punct and tok.text not in ("-", "–", "’s", "'s", "“", "”") or self.is_verb(tok) \
                    or tok.lower_ in CLAUSE_WORDS or self.other_fact_at(k, fact) or self.is_time_phrase(k):
                break
            k += 1
        while start < k and doc[start].lower_ in LEADING_JUNK:
            start += 1
        while k > start and doc[k - 1].lower_ in ("and", "or", "but"):
            k -= 1
        return (start, k) if start < k else None

    def phrase_after(self, k: int, fact: _Fact) -> tuple[int, int] | None:
        """A prepositional phrase starting at token k ("with Uzbekistan", "from Russia"), not a date."""
        doc, sent = self.doc, self.sent
        if k >= sent.end or doc[k].lower_ not in PREPOSITIONS - {"of"} or self.is_time_phrase(k):
            return None
        end = k + 1
        while end < sent.end:
            tok = doc[end]
            if tok.is_punct and tok.text not in ("-", "–", "’s", "'s", "“", "”") or self.is_verb(tok) \
                    or tok.lower_ in CLAUSE_WORDS or self.other_fact_at(end, fact) or self.is_time_phrase(end) \
                    or (tok.lower_ in PREPOSITIONS and end > k + 1 and self.is_time_phrase(end)):
                break
            end += 1
        return (k, end) if end > k + 1 else None

    def is_time_phrase(self, k: int) -> bool:
        doc = self.doc
        if k >= len(doc):
            return False
        tok = doc[k]
        if tok.like_num and _looks_like_year(tok.text) or tok.text in MONTH_NAMES:
            return True
        if tok.lower_ in ("in", "on", "during", "since", "by", "until", "for") and k + 1 < len(doc):
            nxt = doc[k + 1]
            if nxt.like_num and _looks_like_year(nxt.text) or nxt.text in MONTH_NAMES:
                return True
            if nxt.lower_ in ("the", "recent") and k + 2 < len(doc) and doc[k + 2].lower_ in (
                    "first", "last", "past", "next", "same", "recent", "previous", "coming"):
                return True
        return False

    def text_of(self, rng: tuple[int, int]) -> str:
        return self.doc[rng[0]:rng[1]].text

    def chars(self, rng: tuple[int, int]) -> tuple[int, int]:
        span = self.doc[rng[0]:rng[1]]
        return span.start_char, span.end_char

    def previous_fact(self, fact: _Fact) -> _Fact | None:
        earlier = [f for f in self.facts if f.end <= fact.start and f.subject]
        return earlier[-1] if earlier else None

    # -- rules ------------------------------------------------------------------------------
    def from_rules(self, fact: _Fact, span: Span):
        if fact.expr.kind == COUNT:
            return self.count_subject(fact, span)
        doc, sent = self.doc, self.sent
        if fact.expr.kind == RATIO and fact.expr.text.lower().endswith(("ed", "ing")):
            np = self.left_np(span.start, fact)   # "trade ... doubled": the verb is the figure
            return (self.text_of(np), None, [self.chars(np)]) if np else None
        pre = self.before_figure(fact, span)
        prev_tok = doc[pre] if pre >= sent.start else None
        prev = prev_tok.lower_ if prev_tok is not None else ""
        # "..., of which 85 percent ... came from Russia": the antecedent's subject
        if prev == "which" and pre - 1 >= sent.start and doc[pre - 1].lower_ == "of":
            earlier = self.previous_fact(fact)
            if earlier is not None:
                extra = self.verb_phrase_after(span.end, fact)
                subject = earlier.subject + (" " + self.text_of(extra) if extra else "")
                return subject, earlier.agent, earlier.sources + ([self.chars(extra)] if extra else [])
        # "remittances of $775 million", "agreements totalling $9 billion"
        if prev == "of" or prev in ATTACHING_WORDS or (prev in ("at", "to") and pre - 1 >= sent.start
                                                       and doc[pre - 1].lower_ in ("valued", "amounting")):
            anchor = pre if prev not in ("at", "to") else pre - 1
            np = self.left_np(anchor, fact)
            if np is not None:
                return self.text_of(np), None, [self.chars(np)]
            before = anchor - 1
            if before >= sent.start and self.other_fact_at(before, fact):
                other = self.fact_tokens[before]    # "15 agreements worth US$1.2bn"
                if other.subject:
                    return other.subject, other.agent, list(other.sources)
            if before >= sent.start and doc[before].text == "," and prev in ATTACHING_WORDS:
                earlier = self.previous_fact(fact)  # "trade ... doubled, reaching €30 billion"
                if earlier is not None and earlier.agent:
                    return earlier.agent, earlier.agent, list(earlier.sources)
        # "85 percent or about $14.5 billion", "$16.9 billion, up 2.1-fold", "86 percent of ..., 7 percent with"
        if prev_tok is not None and (prev in (",", "or", "and") or prev_tok.is_punct):
            earlier = self.previous_fact(fact)
            if earlier is not None and self.only_joiners_between(earlier, pre):
                return self.elliptic(fact, span, earlier)
        # "30% of Kazakhstan's foreign trade ... come from the EU": the figure is the subject
        if span.end < sent.end and doc[span.end].lower_ == "of" and not self.verb_before(pre):
            of_np = self.right_np(span.end + 1, fact)
            verb = self.next_verb(of_np[1] if of_np else span.end + 1)
            if of_np is not None and verb is not None and verb.i == of_np[1]:
                subject, sources = self.text_of(of_np), [self.chars(of_np)]
                if verb.lower_ in MOTION_VERBS:
                    extra = self.phrase_after(verb.i + 1, fact)
                    if extra:
                        subject += " " + self.text_of(extra)
                        sources.append(self.chars(extra))
                return subject, None, sources
        return self.clause_subject(fact, span, pre)

    def verb_before(self, k: int) -> bool:
        """Is there a verb between the start of the clause and token k?"""
        doc = self.doc
        while k >= self.sent.start and doc[k].text != ";" and doc[k].lower_ not in ("and", "but", "while", "whereas"):
            if self.is_verb(doc[k]):
                return True
            k -= 1
        return False

    def only_joiners_between(self, earlier: _Fact, pre: int) -> bool:
        doc = self.doc
        espan = doc.char_span(earlier.start, earlier.end, alignment_mode="expand")
        if espan is None:
            return False
        k = espan.end
        # "86 percent of US trade with the region on the whole, 7 percent with Uzbekistan"
        saw_phrase = False
        while k <= pre:
            tok = doc[k]
            if tok.is_punct or tok.lower_ in ("and", "or", "up", "down") or tok.lower_ in QUALIFIER_WORDS:
                k += 1
                continue
            if tok.lower_ in PREPOSITIONS and not saw_phrase:
                saw_phrase = True
                k += 1
                while k <= pre and not doc[k].is_punct and not self.is_verb(doc[k]):
                    k += 1
                continue
            return False
        return True

    def elliptic(self, fact: _Fact, span: Span, earlier: _Fact):
        """A figure that shares its clause with the previous one; swap a trailing phrase if it has one."""
        phrase = self.phrase_after(span.end, fact)
        subject, sources = earlier.subject, list(earlier.sources)
        if phrase is not None:
            prep = self.doc[phrase[0]].lower_
            m = re.search(rf"\s{re.escape(prep)}\s.*$", subject)
            if m:
                subject = subject[:m.start()] + " " + self.text_of(phrase)
                sources = sources + [self.chars(phrase)]
        return subject, earlier.agent, sources

    def next_verb(self, k: int) -> Token | None:
        sent = self.sent
        while k < sent.end:
            tok = self.doc[k]
            if self.is_verb(tok):
                return tok
            if tok.is_punct and tok.text not in ("-", "–", "’s", "'s", "“", "”"):
                return None
            k += 1
        return None

    def verb_phrase_after(self, k: int, fact: _Fact) -> tuple[int, int] | None:
        """The phrase after the verb that follows the figure ("came | from Russia")."""
        verb = self.next_verb(k)
        if verb is None:
            return None
        return self.phrase_after(verb.i + 1, fact)

    def clause_subject(self, fact: _Fact, span: Span, pre: int):
        """ "S V FIGURE": the subject of the verb before the figure, shaped by the verb."""
        doc, sent = self.doc, self.sent
        j = pre
        verb = None
        while j >= sent.start:
            tok = doc[j]
            if tok.text == ";" or tok.lower_ in ("while", "whereas", "although", "but"):
                break
            if self.other_fact_at(j, fact):   # "rose 37 percent | to $16.4 billion"
                j -= 1
                continue
            if self.is_verb(tok):
                verb = tok
                break
            j -= 1
        if verb is None:
            return None
        first = verb.i
        while first - 1 >= sent.start and doc[first - 1].lower_ in AUXILIARIES | {"not"}:
            first -= 1
        lower = verb.lower_
        if lower in SHARE_VERBS and lower.endswith("ing") and span.end < sent.end and doc[span.end].lower_ == "of":
            of_np = self.right_np(span.end + 1, fact)
            earlier = self.previous_fact(fact)
            if of_np is not None:
                lead = f"{earlier.agent} share of " if earlier is not None and earlier.agent else ""
                return lead + self.text_of(of_np), None, [self.chars(of_np)] + (earlier.sources[:1] if lead else [])
        if first - 1 >= sent.start and doc[first - 1].lower_ in ("and", "or", "but") and self.shares_subject(first - 1):
            earlier = self.previous_fact(fact)      # "... will cost $3-5 billion and generate 1,860 MW"
            if earlier is not None and earlier.agent:
                np = None
                subject, agent, sources = earlier.agent, earlier.agent, list(earlier.sources[:1])
                return self.shaped(subject, agent, sources, verb, fact, span, pre)
        np = self.left_np(first, fact)
        if np is not None:
            np = self.cut_at_fact(np, fact)
        if np is not None and doc[np[0]].lower_ in ("which", "that", "who"):
            np = None
        if np is None and first - 1 >= sent.start and doc[first - 1].text == ",":
            np = self.before_aside(first - 1, fact)  # "The pipeline, which stretches ..., carries"
        if np is None:
            return self.antecedent(fact, first)
        subject = self.text_of(np)
        return self.shaped(subject, subject, [self.chars(np)], verb, fact, span, pre)

    def shaped(self, subject: str, agent: str, sources: list[tuple[int, int]], verb: Token, fact: _Fact,
               span: Span, pre: int):
        """Shape a clause subject by its verb: "growth of X" for "X grew by", "X invested in Y"."""
        lower = verb.lower_
        doc = self.doc
        level = pre >= self.sent.start and doc[pre].lower_ in ("to", "at") and doc[pre].i > verb.i
        if lower in NOMINALS and not level:     # "rose 37 percent | to $16.4 billion": a level
            subject = f"{NOMINALS[lower]} of {subject}"
        elif lower in ACTION_VERBS:
            extra = self.phrase_after(span.end, fact)
            subject = f"{subject} {verb.text}" + (f" {self.text_of(extra)}" if extra else "")
            if extra:
                sources = sources + [self.chars(extra)]
        return subject, agent, sources

    def shares_subject(self, conjunction: int) -> bool:
        """Is the "and" before a verb joining two predicates of one subject (no new subject)?"""
        doc = self.doc
        prev = doc[conjunction - 1] if conjunction - 1 >= self.sent.start else None
        return prev is not None and (prev.i in self.fact_tokens or prev.like_num or prev.is_alpha)

    def before_aside(self, comma: int, fact: _Fact) -> tuple[int, int] | None:
        """The noun phrase before a comma-delimited aside: "The pipeline, which ..., | carries"."""
        doc, sent = self.doc, self.sent
        k = comma - 1
        while k >= sent.start and doc[k].text not in (",", ";"):
            k -= 1
        if k < sent.start or doc[k].text != "," or k + 1 >= comma or doc[k + 1].lower_ not in ("which", "who"):
            return None
        np = self.left_np(k, fact)
        return self.cut_at_fact(np, fact) if np is not None else None

    def cut_at_fact(self, np: tuple[int, int], fact: _Fact) -> tuple[int, int] | None:
        """ "Kazakhstan's remittances of $775 million" -> "Kazakhstan's remittances"."""
        start, end = np
        for k in range(start, end):
            if k in self.fact_tokens and self.fact_tokens[k] is not fact:
                end = k
                while end > start and self.doc[end - 1].lower_ in ("of", "at", "worth", "totalling", "about"):
                    end -= 1
                break
        return (start, end) if start < end else None

    def antecedent(self, fact: _Fact, relative: int):
        """The noun a relative clause hangs on ("a direct border with Russia which extends ...")."""
        doc, sent = self.doc, self.sent
        k = relative - 1
        while k >= sent.start and doc[k].lower_ not in ("which", "that", "who"):
            k -= 1
        if k < sent.start:
            return None
        if k - 1 >= sent.start and doc[k - 1].text == ",":
            k -= 1
        np = self.left_np(k, fact)
        if np is None:
            return None
        subject, sources = self.text_of(np), [self.chars(np)]
        before = np[0] - 1
        while before >= sent.start and doc[before].lower_ in ("a", "an", "the"):
            before -= 1
        if before >= sent.start and doc[before].lower_ in POSSESSOR_VERBS:
            owner = self.left_np(before, fact)
            if owner is not None:
                subject = f"{self.text_of(owner)}’s {_strip_article(subject)}"
                sources.append(self.chars(owner))
        return subject, None, sources

    def count_subject(self, fact: _Fact, span: Span):
        """ "President Putin visiting all five Central Asian countries" -> that phrase minus the number."""
        doc, sent = self.doc, self.sent
        num_end = doc.char_span(fact.expr.start, fact.expr.end, alignment_mode="expand")
        if num_end is None:
            return None
        noun = (num_end.end, span.end)
        if noun[0] >= noun[1]:
            return None
        subject, sources = self.text_of(noun), [self.chars(noun)]
        pre = num_end.start - 1
        while pre >= sent.start and doc[pre].lower_ in QUALIFIER_WORDS | {"all"}:
            pre -= 1
        if pre >= sent.start and doc[pre].lower_ == "of":
            owner = self.left_np(pre, fact)
            if owner is not None:
                subject = f"{self.text_of(owner)} of {subject}"
                sources.insert(0, self.chars(owner))
            verb = self.next_verb(span.end)
            if verb is not None and verb.i == span.end:
                tail = self.predicate(verb.i, fact)
                subject += " " + self.text_of(tail)
        elif pre >= sent.start and self.is_verb(doc[pre]):
            first = pre
            while first - 1 >= sent.start and doc[first - 1].lower_ in AUXILIARIES | {"not"}:
                first -= 1
            agent = self.left_np(first, fact)
            if agent is not None:
                subject = f"{self.text_of(agent)} {doc[pre].text} {subject}"
                sources.insert(0, self.chars(agent))
        elif pre >= sent.start and doc[pre].lower_ == "with" and self.participation(span.end) is not None:
            # "E was conducted ..., with all four Central Asian countries (except T) participating"
            verb = self.participation(span.end)
            event = self.event_before(pre, fact)
            subject += f" {verb.text}" + (f" in {self.text_of(event)}" if event else "")
            if event:
                sources.append(self.chars(event))
        else:
            k = span.end
            tail_end = k
            while tail_end < sent.end and not doc[tail_end].is_punct and not self.is_time_phrase(tail_end):
                tail_end += 1
            if tail_end > k:
                subject += " " + doc[k:tail_end].text
                sources.append(self.chars((k, tail_end)))
        return subject, self.text_of(noun), sources

    def participation(self, k: int) -> Token | None:
        """ "participating", "taking part" right after the counted noun (an "except X" may intervene)."""
        doc, sent = self.doc, self.sent
        if k < sent.end and doc[k].lower_ in ("except", "excluding", "but", "besides", "apart"):
            k += 1
            while k < sent.end and (doc[k].text[:1].isupper() or doc[k].lower_ in ("and", "from")):
                k += 1
        if k < sent.end and doc[k].lower_ in ("participating", "taking", "joining", "attending"):
            return doc[k]
        return None

    def event_before(self, pre: int, fact: _Fact) -> tuple[int, int] | None:
        """The subject of the clause an absolute "with ..." phrase is attached to."""
        doc, sent = self.doc, self.sent
        k = pre - 1
        while k >= sent.start and not self.is_verb(doc[k]):
            if doc[k].text == ";":
                return None
            k -= 1
        while k - 1 >= sent.start and (self.is_verb(doc[k - 1]) or doc[k - 1].lower_.endswith("ly")
                                       or doc[k - 1].lower_ in ("not", "also")):
            k -= 1
        if k < sent.start:
            return None
        np = self.left_np(k, fact)
        if np is not None and doc[np[0]].lower_ in ("the", "a", "an"):
            np = (np[0] + 1, np[1])
        return np

    def predicate(self, verb: int, fact: _Fact) -> tuple[int, int]:
        end = verb + 1
        doc, sent = self.doc, self.sent
        while end < sent.end and not doc[end].is_punct and not self.is_time_phrase(end):
            end += 1
        return verb, end

    # -- parse ------------------------------------------------------------------------------
    def from_parse(self, fact: _Fact, span: Span):
        """Subjects read off the dependency parse; None where the parse does not say."""
        if fact.expr.kind == COUNT:
            return None
        root = span.root
        head = root.head
        # "remittances of $775 million": the noun the of-phrase hangs on
        if root.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ in ("NOUN", "PROPN") \
                and head.head.i < span.start:
            return self.noun_without(head.head, head, fact)
        # "agreements totalling $9 billion"
        if root.dep_ == "dobj" and head.dep_ == "acl" and head.lower_ in ATTACHING_WORDS:
            return self.noun_without(head.head, head, fact)
        verb = head if root.dep_ in ("attr", "dobj", "npadvmod", "oprd") else None
        if root.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
            verb = head.head
        if verb is None or verb.pos_ not in ("VERB", "AUX"):
            return None
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subjects:
            return None
        subj = subjects[0]
        if subj.lower_ in ("which", "that", "who") or subj.i > span.start or subj.pos_ == "PRON":
            return None
        if self.other_fact_at(subj.i, fact) or subj.i in self.fact_tokens:
            return None
        lower = verb.lower_
        if lower in SHARE_VERBS and lower.endswith("ing"):
            return None
        subject, sources = self._subtree_text(subj, fact)
        agent = subject
        level = root.dep_ == "pobj" and head.lower_ in ("to", "at")   # "rose 37% | to $16.4 billion"
        if lower in NOMINALS and not level:
            subject = f"{NOMINALS[lower]} of {subject}"
        elif lower in ACTION_VERBS or verb.lemma_ in {v for v in ACTION_VERBS}:
            preps = [c for c in (*verb.children, *root.children) if c.dep_ == "prep" and c.i >= span.end
                     and c.lower_ != "of" and not any(t.like_num and _looks_like_year(t.text) for t in c.subtree)]
            preps.sort(key=lambda c: c.i)
            extra = " ".join(self.doc[p.left_edge.i:p.right_edge.i + 1].text for p in preps[:1])
            subject = f"{subject} {verb.text}" + (f" {extra}" if extra else "")
            sources += [(p.left_edge.idx, p.right_edge.idx + len(p.right_edge)) for p in preps[:1]]
        return subject, agent, sources

    def noun_without(self, noun: Token, cut: Token, fact: _Fact):
        """The noun's phrase up to (not including) the modifier `cut` that holds the figure."""
        tokens = [t for t in noun.subtree if not (cut.left_edge.i <= t.i <= cut.right_edge.i)]
        tokens = [t for t in tokens if t.i < cut.i and t.dep_ not in ("relcl",)]
        if not tokens:
            return None
        start, end = tokens[0].i, tokens[-1].i + 1
        while start < end and self.doc[start].lower_ in LEADING_JUNK:
            start += 1
        if start >= end:
            return None
        rng = (start, end)
        return self.text_of(rng), None, [self.chars(rng)]

    def _subtree_text(self, subj: Token, fact: _Fact):
        start, end = subj.left_edge.i, subj.right_edge.i + 1
        for t in subj.subtree:
            if t.i > subj.i and (t.i in self.fact_tokens or t.dep_ in ("relcl", "appos", "acl")
                                 or t.text in (",", "(")):
                end = min(end, t.left_edge.i if t.dep_ in ("relcl", "appos", "acl") else t.i)
        while end > start and self.doc[end - 1].lower_ in ("of", "at", "worth", "totalling", "about", ",") :
            end -= 1
        while start < end and self.doc[start].lower_ in LEADING_JUNK - {"the"}:
            start += 1
        return self.text_of((start, end)), [self.chars((start, end))]


# --- records ------------------------------------------------------------------------------------

def fact_record(text: str, actors: Sequence[dict[str, Any]], fact: _Fact, number: int) -> dict[str, Any]:
    """The record of a fact of the doc whose text and actor mentions are given."""
    expr = fact.expr
    return {
        "id": f"f{number}",
        "start": fact.start,
        "end": fact.end,
        "text": text[fact.start:fact.end],
        "kind": expr.kind,
        "value": expr.value,
        "value_max": expr.value_max,
        "unit": expr.unit,
        "qualifier": expr.qualifier,
        "year": fact.year,
        "subject": fact.subject,
        "actors": fact_actors(actors, fact, fact.bounds),
        "claim": None,
    }


def fact_actors(actors: Iterable[dict[str, Any]], fact: _Fact, sentence: tuple[int, int]) -> list[str]:
    """Sorted codes of the actor mentions inside the subject's phrases or the figure itself.

    When those name no actor ("the two countries reached commercial agreements totalling $9
    billion"), the actors of the whole sentence stand in (GUIDELINES §7: taken from the sentence).
    """
    coded = sorted((a for a in actors if a.get("code")), key=lambda a: a["start"])
    starts = [a["start"] for a in coded]

    def codes_inside(start: int, end: int) -> set[str]:
        # only the mentions that start inside the range can lie inside it
        inside = coded[bisect.bisect_left(starts, start):bisect.bisect_right(starts, end)]
        return {a["code"] for a in inside if a["end"] <= end}

    codes = set().union(*(codes_inside(s, e) for s, e in [*fact.sources, (fact.start, fact.end)]))
    return sorted(codes or codes_inside(*sentence))


def link_claims(facts: list[dict[str, Any]], claims: list[dict[str, Any]] | None) -> None:
    """Set each fact's `claim` to the unit that contains it and list the fact in that unit."""
    for fact in facts:
        best, best_overlap = None, 0
        for claim in claims or []:
            overlap = min(fact["end"], claim["end"]) - max(fact["start"], claim["start"])
            if overlap > best_overlap:
                best, best_overlap = claim, overlap
        if best is not None:
            fact["claim"] = best["id"]
            best.setdefault("facts", [])
            if fact["id"] not in best["facts"]:
                best["facts"].append(fact["id"])


# --- small helpers ------------------------------------------------------------------------------

def _sentences(doc: Doc, text: str) -> list[tuple[int, int]]:
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        return [(s.start_char, s.end_char) for s in doc.sents]
    return [(0, len(text))]


def _sentence_of(sentences: Sequence[tuple[int, int]], pos: int) -> int:
    for i, (start, end) in enumerate(sentences):
        if start <= pos < end:
            return i
    return max(len(sentences) - 1, 0)


def _looks_like_year(text: str) -> bool:
    return re.fullmatch(r"(?:1[89]|20)\d\d", text) is not None


_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def _strip_article(text: str) -> str:
    return _ARTICLE.sub("", text)


def _tidy(text: str | None) -> str | None:
    """One line, no leading article or trailing punctuation."""
    if text is None:
        return None
    text = re.sub(r"\s+", " ", text).strip(" ,;:")
    text = _strip_article(text)
    return text or None
