"""Actor recognizer: countries, organizations and regions with their codes, in any pipeline.

Finds names (Kazakhstan, the United States), abbreviations (US, U.S., SCO), demonyms
(American investors, Sino-Russian), metonyms (Washington insists, the Kremlin) and leaders
(Blinken, President Putin) and gives each an ISO 3166-1 alpha-3 code, an organization code
(EU, SCO, CSTO, ...) or a CAMEO region code (CAS Central Asia, WST the West).

Matching is one `PhraseMatcher` pass over lower-cased tokens; everything after that looks only
at the matches: case (US vs "us"), the longest match, context rules for ambiguous names and
capitals, the year check for leaders, hyphenated compounds inside one token, and in the `full`
profile the statistical NER (PERSON evidence against ambiguous names; GPE/NORP/ORG mentions
we cannot code are kept as UNCODED). Codes and rules follow the CAMEO actor codebook
(Schrodt 2012, ch. 3 and 6; regions ch. 3.3) and the PETRARCH2 dictionaries the gazetteer is
built from (see pipeline/data/README.md).
"""
from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import srsly
from spacy import util
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from .extensions import doc_text, ensure_extensions
from .gazetteer import LEADER, Entry, Gazetteer, Row, load_gazetteer, read_rows, validate_row
from .schema import ACTORS_KEY, UNCODED
from .tokenizer_cache import uncached

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

DEFAULT_MAJOR_POWERS = ["USA", "CHN", "RUS", "EU", "IND", "JPN"]
DEFAULT_UNCODED_LABELS = ["GPE", "NORP", "ORG"]

# Lower-case words before a capital that make it a place, not an actor ("held in Astana").
LOCATIVE = {"in", "at", "near", "outside", "inside", "around", "across", "throughout", "within",
            "into", "via", "beyond", "downtown", "streets"}
# "to"/"from" a capital is a place after movement ("flew to Beijing"), an actor otherwise
# ("pressure from Moscow", "a message to Washington").
MOTION = {"visit", "visits", "visited", "visiting", "trip", "trips", "travel", "travels",
          "travelled", "traveled", "travelling", "traveling", "flew", "fly", "flies", "flight",
          "flights", "arrive", "arrived", "arrives", "arriving", "return", "returned", "returns",
          "returning", "came", "come", "comes", "went", "go", "goes", "going", "moved", "move",
          "moving", "relocated", "headed", "heading", "journey", "road", "route", "train",
          "trains", "back", "kilometres", "kilometers", "km", "miles", "drive", "drove", "fled",
          "flee", "evacuated", "deported", "sent", "resettled", "commute", "bus", "pipeline",
          "railway", "highway"}
DIRECT_VISIT = {"visit", "visits", "visited", "visiting", "toured", "tour", "reached", "left",
                "leave", "leaving", "entered", "took", "take", "taken", "captured", "capture",
                "seized", "seize", "occupied", "bombed", "shelled", "besieged", "liberated",
                "encircled", "struck"}
# Nouns after a capital that make it an event or a place ("the Moscow summit", "Beijing airport").
PLACE_NOUNS = {"summit", "summits", "talks", "meeting", "meetings", "forum", "conference", "format",
               "process", "declaration", "agreement", "accords", "airport", "metro", "office",
               "offices", "embassy", "region", "oblast", "time", "residents", "mayor", "city",
               "university", "street", "streets", "suburbs", "protocol", "club", "stock",
               "exchange", "parade", "protests", "concert", "marathon", "olympics", "games",
               "correspondent", "bureau", "based"}
# Words that may stand before a name without being part of it ("President Putin").
TITLES = {"president", "prime", "minister", "secretary", "foreign", "king", "queen", "chancellor",
          "premier", "leader", "supreme", "general", "vice", "deputy", "mr", "mr.", "mrs", "ms",
          "dr", "state", "commissioner", "ambassador", "envoy", "emir", "crown", "prince",
          "sheikh", "ayatollah", "former", "acting", "new", "then", "late"}
MONTHS_DAYS = {"january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december", "monday", "tuesday",
               "wednesday", "thursday", "friday", "saturday", "sunday"}
PRONOUNS = {"he", "she", "his", "her", "him", "himself", "herself"}
PREPOSITIONS = {"in", "to", "from", "of", "with", "and", "by", "against", "on", "for", "between",
                "toward", "towards", "across", "into", "at", "about", "over", "than"}
# Lower-case "western" is the West only before these nouns ("western sanctions"), not as a
# direction ("western Kazakhstan", "the western part").
WESTERN_NOUNS = {"sanctions", "countries", "nations", "powers", "governments", "government",
                 "leaders", "allies", "companies", "firms", "investors", "investment", "media",
                 "democracies", "partners", "officials", "states", "diplomats", "world",
                 "alliance", "support", "pressure", "values", "capitals", "banks", "businesses",
                 "intelligence", "weapons", "arms", "aid", "analysts", "observers", "policy",
                 "policies", "interests", "influence", "coalition", "bloc", "troops", "militaries",
                 "experts", "brands", "markets", "donors"}
# Sentence cues against the country reading of an ambiguous name.
AGAINST = {
    "georgia": {"atlanta", "savannah", "governor", "gov.", "senate", "senator", "county", "peach",
                "democrats", "republicans", "gop", "primary", "runoff", "kemp", "raffensperger",
                "warnock", "ossoff", "florida", "alabama", "carolina", "tennessee", "texas",
                "ohio", "arizona", "pennsylvania", "michigan", "wisconsin", "nevada", "bulldogs"},
    "turkey": {"roast", "roasted", "thanksgiving", "stuffing", "dinner", "meat", "recipe",
               "sandwich", "gravy", "bird", "birds", "feathers", "oven", "cranberry", "slices",
               "eat", "ate", "cooked", "cook", "carve", "carved", "hunting", "hunters", "wild",
               "gobble", "breast", "drumstick", "leftover", "leftovers", "flock"},
    "china": {"porcelain", "plates", "dishes", "cups", "teacups", "cabinet", "bone", "tableware",
              "ceramic", "ceramics", "vase", "vases", "dinnerware", "crockery", "saucers",
              "teapot", "antique", "pattern", "glaze"},
    "jordan": {"nba", "bulls", "basketball", "nike", "sneakers", "dunk", "lakers", "coach"},
    "chad": {"nfl", "touchdown", "guitarist", "drummer", "coach", "actor"},
    "washington": {"seattle", "spokane", "olympia", "tacoma", "puget", "oregon", "idaho",
                   "denzel", "george", "martha"},
    "niger": {"river", "delta", "basin"},
}
# Sentence cues for the country reading (they override AGAINST).
FOR = {
    "georgia": {"tbilisi", "caucasus", "abkhazia", "ossetia", "armenia", "azerbaijan", "moldova",
                "saakashvili", "ivanishvili", "kobakhidze", "zourabichvili", "kavelashvili",
                "georgian", "batumi", "kremlin", "nato", "eu"},
    "turkey": {"ankara", "erdogan", "erdoğan", "istanbul", "turkish", "nato", "kurdish", "syria",
               "russia", "eu", "greece", "iran"},
    "china": {"beijing", "chinese", "xi", "taiwan", "us", "u.s.", "russia", "trade"},
}
GEOGRAPHY = {"geographical", "geographic", "region", "continent", "continental", "geographically"}
PERIOD_NOUNS = {"times", "time", "era", "period", "days", "years", "past", "legacy", "rule",
                "decades", "childhood", "nostalgia"}
CURRENCY_WORDS = {"dollar", "dollars", "cents", "$"}
SENT_END = {".", "!", "?", "…"}
YEAR_RE = re.compile(r"(?<![\d$€£.,])(1[89]\d\d|20\d\d)(?![\d%])")
COMPOUND_SPLIT = re.compile(r"[-‐‑–—/]")
STOP_IN_CAPS = {"us", "it", "who", "am", "an", "in", "or", "at", "is", "as", "so", "no", "on"}


@dataclass
class Candidate:
    """A gazetteer match (token span) or a compound part (char span inside one token)."""
    start_char: int
    end_char: int
    key: str
    entries: list[Entry]
    start: int  # token indices, end exclusive
    end: int
    in_compound: bool = False


@Language.factory(
    "argmine_actors",
    assigns=["doc._.actors", "doc.spans"],
    default_config={
        "spans_key": ACTORS_KEY,
        "major_powers": DEFAULT_MAJOR_POWERS,
        "extra_actors_path": None,
        "reconcile_ner": True,
        "uncoded_labels": DEFAULT_UNCODED_LABELS,
        "default_year": None,
    },
)
def make_actor_recognizer(nlp: Language, name: str, *, spans_key: str, major_powers: list[str],
                          extra_actors_path: str | None, reconcile_ner: bool,
                          uncoded_labels: list[str], default_year: int | None) -> ActorRecognizer:
    """Create the actor recognizer (see `ActorRecognizer`)."""
    return ActorRecognizer(nlp, name, spans_key=spans_key, major_powers=major_powers,
                           extra_actors_path=extra_actors_path, reconcile_ner=reconcile_ner,
                           uncoded_labels=uncoded_labels, default_year=default_year)


class ActorRecognizer:
    """Mark actor mentions in `doc._.actors` (plain dicts) and `doc.spans[spans_key]`.

    Args:
        nlp: The pipeline (its tokenizer builds the patterns).
        name: Component name.
        spans_key: Key of the span group; span labels are codes or "UNCODED".
        major_powers: Codes flagged `major: True`.
        extra_actors_path: Optional TSV/JSONL of extra actors and aliases (columns phrase, code,
            label, mention[, start, end, context]); it overrides the packaged gazetteer.
        reconcile_ner: Use `doc.ents` when present: PERSON evidence against ambiguous names,
            and `uncoded_labels` mentions the gazetteer cannot code kept as UNCODED.
        uncoded_labels: NER labels kept as UNCODED candidates.
        default_year: Year of the documents when neither the sentence nor
            `doc.user_data["year"]`/`["date"]` gives one (for the leaders' terms of office).
    """

    def __init__(self, nlp: Language, name: str = "argmine_actors", *, spans_key: str = ACTORS_KEY,
                 major_powers: Iterable[str] = DEFAULT_MAJOR_POWERS,
                 extra_actors_path: str | Path | None = None, reconcile_ner: bool = True,
                 uncoded_labels: Iterable[str] = DEFAULT_UNCODED_LABELS,
                 default_year: int | None = None) -> None:
        ensure_extensions()
        self.nlp, self.name, self.spans_key = nlp, name, spans_key
        self.major_powers = set(major_powers)
        self.reconcile_ner = reconcile_ner
        self.uncoded_labels = set(uncoded_labels)
        self.default_year = default_year
        self.extra_rows: list[Row] = read_rows(extra_actors_path) if extra_actors_path else []
        self._build()

    # -- data -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.gazetteer: Gazetteer = load_gazetteer(self.extra_rows)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.flags: dict[str, list[tuple[tuple[str, int], ...]]] = {}
        keys = sorted(self.gazetteer.entries)
        with uncached(self.nlp.tokenizer):  # its cache is for the corpus: the surfaces would fill it
            for key in keys:
                patterns = []
                for surface in sorted(self.gazetteer.surfaces.get(key, {key})):
                    doc = self.nlp.make_doc(surface)
                    self.flags.setdefault(key, []).append(tuple((t.text, _case_flag(t.text)) for t in doc))
                    patterns.append(doc)
                # surfaces of one key share their lower-case tokens: one pattern matches them all
                self.matcher.add(key, patterns[:1])
        logger.debug("%s: %d phrases, %d extra rows", self.name, len(keys), len(self.extra_rows))

    def add_actors(self, rows: Iterable[dict[str, Any] | Row]) -> None:
        """Add extra actors/aliases (same fields as the supplement) and rebuild the matcher."""
        for i, row in enumerate(rows, 1):
            self.extra_rows.append(row if isinstance(row, Row) else validate_row(row, f"row {i}"))
        self._build()

    def initialize(self, get_examples=None, *, nlp: Language | None = None,
                   extra_actors: list[dict[str, Any]] | None = None) -> None:
        """Optionally add actors from `[initialize.components.<name>]` (e.g. via srsly readers)."""
        if extra_actors:
            self.add_actors(extra_actors)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        rows = [row.__dict__ for row in self.extra_rows]
        util.to_disk(path, {"extra_actors.jsonl": lambda p: srsly.write_jsonl(p, rows)}, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ActorRecognizer:
        rows: list[Row] = []

        def load(p: Path) -> None:
            rows.extend(Row(**{**raw, "context": tuple(raw.get("context") or ())})
                        for raw in srsly.read_jsonl(p))

        util.from_disk(path, {"extra_actors.jsonl": load}, exclude)
        if rows != self.extra_rows:  # the matcher already holds the packaged gazetteer
            self.extra_rows = rows
            self._build()
        return self

    # -- processing -------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        candidates, blockers = self.match(doc, text)
        accepted = self.resolve(doc, candidates, text)
        records = [self._record(text, c, code, mention) for c, code, mention in accepted]
        if self.reconcile_ner and doc.has_annotation("ENT_IOB"):
            records += self.uncoded(doc, candidates, blockers, text)
        records.sort(key=lambda r: r["start"])
        doc._.actors = records
        spans = []
        for record in records:
            span = doc.char_span(record["start"], record["end"], alignment_mode="expand",
                                 label=record["code"] or UNCODED)
            if span is not None:
                spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def match(self, doc: Doc, text: str | None = None) -> tuple[list[Candidate], list[Candidate]]:
        """Case-valid, longest, non-overlapping gazetteer matches and compound parts.

        Returns (candidates, blockers): blocked phrases (code "-") win the longest-match
        selection and are returned separately, so NER mentions inside them are not revived.
        `text` is doc.text, if the caller has it.
        """
        if len(doc) == 0:
            return [], []
        strings = self.nlp.vocab.strings
        found = []
        for match_id, start, end in self.matcher(doc):
            key = strings[match_id]
            if self._case_ok(doc, key, start, end):
                found.append((start, end, key))
        found.sort(key=lambda m: (m[0] - m[1], m[0]))  # longest first, then leftmost
        taken = [False] * len(doc)
        chosen = []
        for start, end, key in found:
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                chosen.append(Candidate(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), key,
                                        self.gazetteer.entries[key], start, end))
        for i in _split_tokens(doc, doc_text(doc) if text is None else text):
            if not taken[i]:
                chosen += self._compound_parts(doc[i])
        chosen.sort(key=lambda c: c.start_char)
        blockers = [c for c in chosen if c.entries[0].code is None]
        return [c for c in chosen if c.entries[0].code is not None], blockers

    def _case_ok(self, doc: Doc, key: str, start: int, end: int) -> bool:
        """US but not "us"; China but not "china"; in capitals ("XI", "US") only in a headline."""
        tokens = [(tok.text, tok.lower_) for tok in doc[start:end]]  # made once, not once per pattern
        for pattern in self.flags[key]:
            pairs = list(zip(tokens, pattern))
            if all(_token_case_ok(tok, text, flag) for (tok, _), (text, flag) in pairs):
                shouting = any(_shouted(tok, text) for (tok, _), (text, _) in pairs)
                word = any(flag == 2 and lower in STOP_IN_CAPS for (_, lower), (_, flag) in pairs)
                if shouting or word:
                    # "CHINA" is China in a headline in capitals, "XI" elsewhere a numeral;
                    # "US" is the actor except in such a headline, where it may be "us"
                    return _all_caps_context(doc, start, end) == shouting
                return True
        return False

    def _compound_parts(self, token: Token) -> list[Candidate]:
        """Parts of a hyphenated token the tokenizer kept whole ("U.S.-China")."""
        text, base = token.text, token.idx
        bounds, last = [], 0
        for m in COMPOUND_SPLIT.finditer(text):
            bounds.append((last, m.start()))
            last = m.end()
        bounds.append((last, len(text)))
        parts, i = [], 0
        while i < len(bounds):
            for j in range(len(bounds) - 1, i - 1, -1):
                s, e = bounds[i][0], bounds[j][1]
                key = text[s:e].lower()
                # case is checked for one-token patterns ("US" but not "us" in "us-led")
                if key in self.gazetteer.entries and any(
                        len(p) > 1 or _token_case_ok(text[s:e], *p[0]) for p in self.flags[key]):
                    parts.append(Candidate(base + s, base + e, key, self.gazetteer.entries[key],
                                           token.i, token.i + 1, in_compound=True))
                    i = j
                    break
            i += 1
        return parts if len(parts) > 1 or (parts and not _prefix_only(parts[0])) else []

    def resolve(self, doc: Doc, candidates: list[Candidate],
                text: str) -> list[tuple[Candidate, str | None, str]]:
        """(candidate, code or None for UNCODED, mention) for the candidates that are actors."""
        sentences = _Sentences(doc)
        persons = self._ner_spans(doc, {"PERSON"})
        covered = {i for c in candidates if not c.in_compound for i in range(c.start, c.end)}
        out = []
        for i, cand in enumerate(candidates):
            entries = cand.entries
            before = candidates[i - 1] if i else None
            after = candidates[i + 1] if i + 1 < len(candidates) else None
            joined = _joined(text, before, cand) or _joined(text, cand, after)
            if any("prefix" in e.context for e in entries) and not _joined(text, cand, after):
                continue  # "Sino" only in "Sino-Russian"
            needs_context = any("ambiguous" in e.context or e.mention == "metonym" for e in entries)
            if needs_context and not cand.in_compound and not joined:
                if not self._context_ok(doc, cand, sentences, persons, covered):
                    continue
            if cand.key in {"us", "u.s."} and cand.end < len(doc) and (
                    doc[cand.end].text.startswith("$") or doc[cand.end].lower_ in CURRENCY_WORDS):
                continue  # "US $5 billion": a currency, not the actor
            if _language_use(doc, cand):
                continue  # "Russian-speaking": the language, not the actor
            leaders = [e for e in entries if e.mention == LEADER]
            if leaders:
                years = sentences.years(cand.start) or self._doc_years(doc)
                leaders = [e for e in leaders if e.in_office(years)]
            valid = [e for e in entries if e.mention != LEADER] or leaders
            if not valid:
                continue  # a leader out of office in the years of the sentence/document
            codes = sorted({e.code for e in valid})
            if any("article" in e.context for e in valid):
                cand = _with_article(doc, cand)
            out.append((cand, codes[0] if len(codes) == 1 else None, valid[0].mention))
        return out

    def _context_ok(self, doc: Doc, cand: Candidate, sentences: _Sentences,
                    persons: list[tuple[int, int]], covered: set[int]) -> bool:
        """Context rules for ambiguous names (Turkey, Georgia, Jordan, West) and metonyms."""
        key = cand.key
        prev = doc[cand.start - 1] if cand.start else None
        nxt = doc[cand.end] if cand.end < len(doc) else None
        if any(s < cand.end_char and cand.start_char < e for s, e in persons):
            return False  # the statistical NER reads it as a person ("Michael Jordan")
        if nxt is not None and _is_name_word(nxt) and nxt.i not in covered:
            return False  # "Georgia Tech", "Moscow State University", "West Siberia"
        if (prev is not None and _is_name_word(prev) and prev.i not in covered
                and not prev.text.isupper()):
            return False  # "Michael Jordan", "Kanye West", "George Washington"
        words = sentences.words(cand.start)
        if key in AGAINST and words & AGAINST[key] and not words & FOR.get(key, set()):
            return False
        if key == "west" and sentences.is_start(cand.start) and nxt is not None and nxt.lower_ == "of":
            return False  # "West of the Urals"
        if key in {"west", "western"} and nxt is not None and nxt.i in covered:
            return False  # "western Ukraine", "Western Australia": a direction
        if key == "europe" and {t.lower_ for t in doc[max(0, cand.start - 3):cand.start]} & GEOGRAPHY:
            return False  # "the geographical region of Europe": the continent, not the EU
        if key == "soviet" and nxt is not None and nxt.lower_ in PERIOD_NOUNS:
            return False  # "during the Soviet times": a period, not an actor
        if key == "western" and doc[cand.start].text.islower():
            return nxt is not None and nxt.lower_ in WESTERN_NOUNS
        if key in {"jordan", "chad", "israel"} and not (prev is not None and prev.lower_ in PREPOSITIONS):
            after = {t.lower_ for t in doc[cand.end:min(cand.end + 4, len(doc))]}
            if after & PRONOUNS:
                return False  # "Chad said he would ..."
        if any(e.mention == "metonym" for e in cand.entries):
            return _metonym_ok(doc, cand)
        return True

    def _ner_spans(self, doc: Doc, labels: set[str]) -> list[tuple[int, int]]:
        if not self.reconcile_ner or not doc.has_annotation("ENT_IOB"):
            return []
        return [(e.start_char, e.end_char) for e in doc.ents if e.label_ in labels]

    def _doc_years(self, doc: Doc) -> list[int]:
        for key in ("year", "date"):
            value = doc.user_data.get(key) if isinstance(doc.user_data, dict) else None
            if value is not None:
                m = re.match(r"\s*(\d{4})", str(value))
                if m:
                    return [int(m.group(1))]
        return [self.default_year] if self.default_year else []

    def uncoded(self, doc: Doc, candidates: list[Candidate], blockers: list[Candidate],
                text: str) -> list[dict[str, Any]]:
        """NER mentions (GPE/NORP/ORG) the gazetteer cannot code, as UNCODED candidates.

        Skipped: mentions overlapping a gazetteer actor match (accepted or rejected by
        context: "in Moscow" stays a place) and mentions inside a known place or blocked
        phrase ("Almaty", "West Siberia"); "St. Petersburg Economic Forum" is kept.
        """
        out = []
        for ent in doc.ents:
            if ent.label_ not in self.uncoded_labels:
                continue
            if any(c.start_char < ent.end_char and ent.start_char < c.end_char for c in candidates):
                continue
            tokens = list(ent)
            while tokens and (tokens[0].lower_ in {"the", "a", "an"} or tokens[0].is_punct):
                tokens.pop(0)
            while tokens and (tokens[-1].lower_ in {"'s", "’s", "'", "’"} or tokens[-1].is_punct):
                tokens.pop()
            if not any(_is_name_word(t) for t in tokens):
                continue  # "State" of "Secretary of State", "the two countries"
            if any(c.start <= tokens[0].i and tokens[-1].i < c.end for c in blockers):
                continue
            start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
            out.append({"start": start, "end": end, "text": text[start:end], "label": UNCODED,
                        "code": None, "mention": "demonym" if ent.label_ == "NORP" else "name",
                        "major": False})
        return out

    def _record(self, text: str, cand: Candidate, code: str | None, mention: str) -> dict[str, Any]:
        label = self.gazetteer.labels.get(code, UNCODED) if code else UNCODED
        return {"start": cand.start_char, "end": cand.end_char,
                "text": text[cand.start_char:cand.end_char], "label": label, "code": code,
                "mention": mention, "major": code in self.major_powers}


# -- pure helpers -----------------------------------------------------------------------------
def _case_flag(text: str) -> int:
    """2 = exact (acronyms: US, U.S., NATO), 1 = capitalized, 0 = any case."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return 2
    return 1 if text[:1].isupper() else 0


def _token_case_ok(text: str, pattern: str, flag: int) -> bool:
    if flag == 2:
        return text == pattern
    if flag == 1:
        return text[:1].isupper()
    return True


def _shouted(text: str, pattern: str) -> bool:
    """ "XI" for the pattern "Xi": upper case where the pattern has lower-case letters."""
    return (text.isupper() and any(ch.islower() for ch in pattern)  # isupper first: it rules out most tokens
            and sum(ch.isalpha() for ch in text) >= 2)


def _all_caps_context(doc: Doc, start: int, end: int) -> bool:
    """A headline in capitals, where "US" may be "us"."""
    window = [t for t in doc[max(0, start - 4):min(len(doc), end + 4)] if t.is_alpha and
              not start <= t.i < end]
    return len(window) >= 2 and all(t.text.isupper() for t in window)


def _language_use(doc: Doc, cand: Candidate) -> bool:
    """A demonym before "-speaking"/"-language" names the language."""
    if cand.in_compound or cand.end + 1 >= len(doc) or doc[cand.end].text not in {"-", "–"}:
        return False
    return (doc[cand.end + 1].lower_ in {"speaking", "speaker", "speakers", "language"}
            and all(e.mention == "demonym" for e in cand.entries))


def _prefix_only(cand: Candidate) -> bool:
    return all("prefix" in e.context for e in cand.entries)


def _with_article(doc: Doc, cand: Candidate) -> Candidate:
    """Extend to a directly preceding "the" ("the United States", "the West")."""
    if cand.in_compound or cand.start == 0:
        return cand
    prev = doc[cand.start - 1]
    if prev.lower_ != "the" or prev.idx + len(prev) + len(prev.whitespace_) != cand.start_char:
        return cand
    return Candidate(prev.idx, cand.end_char, cand.key, cand.entries, prev.i, cand.end)


def _split_tokens(doc: Doc, text: str) -> list[int]:
    """Indices of the tokens with a hyphen, dash or slash inside them (not at an edge), in order.

    Found from the text: looking at every token would cost more than the rest of the matching.
    """
    starts = doc.to_array("IDX").tolist()
    found: list[int] = []
    for m in COMPOUND_SPLIT.finditer(text):
        i = bisect.bisect_right(starts, m.start()) - 1
        token = doc[i]
        if token.idx < m.start() < token.idx + len(token) - 1 and (not found or found[-1] != i):
            found.append(i)
    return found


def _joined(text: str, left: Candidate | None, right: Candidate | None) -> bool:
    """True when a hyphen or dash alone joins two matches ("US-Russian", "Sino-Russian")."""
    if left is None or right is None:
        return False
    return bool(re.fullmatch(r"[-‐‑–—]", text[left.end_char:right.start_char]))


def _prev_word(doc: Doc, i: int, *, skip_det: bool) -> Token | None:
    j = i - 1
    while j >= 0 and skip_det and doc[j].lower_ in {"the", "a", "an"}:
        j -= 1
    return doc[j] if j >= 0 else None


def _is_name_word(token: Token) -> bool:
    """A capitalized word that is not a stop word, title, month or day: part of a name."""
    return (token.is_alpha and token.text[:1].isupper() and not token.is_stop
            and token.lower_ not in TITLES and token.lower_ not in MONTHS_DAYS)


def _metonym_ok(doc: Doc, cand: Candidate) -> bool:
    """A capital or seat of government stands for its state unless it is used as a place."""
    prev = _prev_word(doc, cand.start, skip_det=True)
    nxt = doc[cand.end] if cand.end < len(doc) else None
    based = (nxt is not None and nxt.text == "-" and cand.end + 1 < len(doc)
             and doc[cand.end + 1].lower_ == "based")
    if nxt is not None and (nxt.lower_ in PLACE_NOUNS or based):
        return False  # "the Moscow summit", "a Moscow-based think tank"
    if prev is None:
        return True
    if prev.lower_ in LOCATIVE or prev.lower_ in DIRECT_VISIT:
        return False
    if prev.lower_ in {"to", "from", "toward", "towards"}:
        window = doc[max(prev.sent.start if doc.has_annotation("SENT_START") else 0, prev.i - 5):prev.i]
        if any(t.lower_ in MOTION for t in window):
            return False
    return True


class _Sentences:
    """Sentence bounds (from the parser/sentencizer, else punctuation) and their years/words."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._bounds: list[tuple[int, int]] | None = None
        self._index: list[int] = []
        self._years: dict[int, list[int]] = {}
        self._words: dict[int, set[str]] = {}
        self._lowers: Any = None  # the doc's LOWER attribute, a numpy array once read

    def _sent(self, i: int) -> tuple[int, int]:
        if self._bounds is None:
            doc = self.doc
            if doc.has_annotation("SENT_START"):
                self._bounds = [(s.start, s.end) for s in doc.sents]
            else:
                self._bounds, start = [], 0
                for t in doc:
                    if t.text in SENT_END or "\n" in t.text:
                        self._bounds.append((start, t.i + 1))
                        start = t.i + 1
                if start < len(doc):
                    self._bounds.append((start, len(doc)))
            self._index = [0] * len(self.doc)
            for n, (s, e) in enumerate(self._bounds):
                self._index[s:e] = [n] * (e - s)
        return self._bounds[self._index[i]]

    def is_start(self, i: int) -> bool:
        return self._sent(i)[0] == i

    def years(self, i: int) -> list[int]:
        s, e = self._sent(i)
        if s not in self._years:
            span = self.doc[s:e]
            self._years[s] = [int(y) for y in YEAR_RE.findall(span.text)]
        return self._years[s]

    def words(self, i: int) -> set[str]:
        s, e = self._sent(i)
        if s not in self._words:
            if self._lowers is None:  # read from the token array: a Token object per word costs more
                self._lowers = self.doc.to_array(LOWER)
            strings = self.doc.vocab.strings
            self._words[s] = {strings[key] for key in set(self._lowers[s:e].tolist())}
        return self._words[s]
