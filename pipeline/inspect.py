"""Tables over an argmine output: a corpus summary, claims, facts, dyad relations and documents.

Everything streams the JSONL file. The summary and the relation matrix are counters updated
record by record, so their memory depends on the number of distinct actors, dyads and units,
not on the number of documents. The row views (claims, facts, documents) are built as pandas
DataFrames chunk by chunk: `iter_claims()` and friends yield bounded chunks, `claims()` joins
them for the (filtered) result, and `write_frames()` writes chunks to CSV, Parquet or JSON
without holding the whole table.

    >>> from pipeline.inspect import load
    >>> out = load("annotations/corpus.jsonl")
    >>> out.claims(dyad="CHN-RUS", stance="competitive")      # a DataFrame
    >>> out.relations()                                         # the dyad matrix, one row per pair

Net cooperation of a dyad is (cooperative - competitive) / (cooperative + competitive + neutral)
over the claims that characterize it, in [-1, 1]. Its 95% interval is a Wilson score interval
on p = (net + 1) / 2 with n = number of claims, mapped back to [-1, 1]. Each claim contributes
1, 1/2 or 0 to p (cooperative, neutral, competitive); a variable in [0, 1] with mean p has a
variance of at most p(1 - p), so the interval is exact when no claim is neutral and conservative
(a little wide) otherwise, and it stays inside [-1, 1] and sensible for small counts (Wilson
1927, "Probable inference, the law of succession, and statistical inference", JASA 22).

pandas is imported lazily: `argmine inspect` (summary) works without building any DataFrame.
"""
from __future__ import annotations

import json
import logging
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import ArgmineError, Errors
from .io import iter_jsonl_records
from .schema import CLAIM_ROLES, COMPETITIVE, COOPERATIVE, FACT_KINDS, NEUTRAL, STANCE_LABELS

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

DEFAULT_CHUNK_SIZE = 20_000
DEFAULT_TOP = 10
Z_95 = 1.959963984540054
CODE_RE = re.compile(r"^[A-Z]{2,6}$")
OUTPUT_FORMATS = ("csv", "parquet", "json", "jsonl")
SUFFIX_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".json": "json",
                  ".jsonl": "jsonl", ".ndjson": "jsonl"}

BAD_VALUE = "{option} = {value!r}; expected {expected}."
BAD_DYAD = "--dyad = {value!r}; expected two actor codes joined by '-', e.g. CHN-RUS."
BAD_FORMAT = ("{path}: cannot tell the output format from the suffix; use .csv, .parquet, .json or "
              ".jsonl, or --format.")
NO_PYARROW = "Writing Parquet needs pyarrow: `pip install 'argmine[parquet]'` (or `pip install pyarrow`)."

# Column name -> pandas dtype of each row view. Fixed dtypes keep every chunk of a view the same
# shape, which the Parquet writer needs, and nullable dtypes keep missing values missing.
CLAIM_COLUMNS: dict[str, str] = {
    "doc": "string", "claim": "string", "sentence": "Int64", "role": "string", "role_score": "Float64",
    "supports": "string", "connective": "string", "stance": "string", "score": "Float64",
    "cooperative": "Float64", "competitive": "Float64", "neutral": "Float64", "actors": "string",
    "dyads": "string", "n_facts": "Int64", "facts": "string", "start": "Int64", "end": "Int64", "text": "string",
}
DYAD_COLUMNS: dict[str, str] = {"dyad": "string", "dyad_stance": "string", "dyad_score": "Float64"}
FACT_COLUMNS: dict[str, str] = {
    "doc": "string", "fact": "string", "kind": "string", "value": "Float64", "value_max": "Float64",
    "unit": "string", "qualifier": "string", "year": "Int64", "subject": "string", "actors": "string",
    "claim": "string", "claim_stance": "string", "start": "Int64", "end": "Int64", "text": "string",
}
DOC_COLUMNS: dict[str, str] = {
    "doc": "string", "title": "string", "source": "string", "profile": "string", "chars": "Int64",
    "sentences": "Int64", "claims": "Int64", "major_claims": "Int64", "premises": "Int64",
    "cooperative": "Int64", "competitive": "Int64", "neutral": "Int64", "entities": "Int64",
    "actors": "string", "facts": "Int64",
}
RELATION_COLUMNS: dict[str, str] = {
    "dyad": "string", "a": "string", "b": "string", "claims": "Int64", "cooperative": "Int64",
    "competitive": "Int64", "neutral": "Int64", "net": "Float64", "net_low": "Float64",
    "net_high": "Float64", "mean_score": "Float64", "docs": "Int64",
}


# --------------------------------------------------------------------------- statistics

def wilson_interval(p: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of a proportion `p` observed over `n` trials."""
    if n <= 0:
        return (math.nan, math.nan)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def net_cooperation(cooperative: int, competitive: int, neutral: int) -> tuple[float, float, float]:
    """(net, low, high): (coop - comp) / n with a 95% Wilson interval; NaN when n is 0."""
    n = cooperative + competitive + neutral
    if n == 0:
        return (math.nan, math.nan, math.nan)
    p = (cooperative + 0.5 * neutral) / n
    low, high = wilson_interval(p, n)
    return ((cooperative - competitive) / n, 2 * low - 1, 2 * high - 1)


# --------------------------------------------------------------------------- filters

def parse_code(value: str, option: str = "--actor") -> str:
    code = value.strip().upper()
    if not CODE_RE.match(code):
        raise ValueError(BAD_VALUE.format(option=option, value=value,
                                          expected="an actor code of 2-6 letters (CHN, RUS, EU, CAS)"))
    return code


def parse_dyad(value: str | tuple[str, str]) -> tuple[str, str]:
    """'CHN-RUS', 'rus-chn' or ('RUS', 'CHN') -> ('CHN', 'RUS'): dyads are unordered, a < b."""
    parts = value if isinstance(value, tuple) else tuple(re.split(r"[-–/,:]", value.strip()))
    if len(parts) != 2 or not all(CODE_RE.match(p.strip().upper()) for p in parts):
        raise ValueError(BAD_DYAD.format(value=value if isinstance(value, str) else "-".join(value)))
    a, b = sorted(p.strip().upper() for p in parts)
    return a, b


def _choice(value: str | None, allowed: Iterable[str], option: str) -> str | None:
    if value is None:
        return None
    allowed = tuple(allowed)
    normal = value.strip().lower().replace("-", "_").replace(" ", "_")
    if normal not in allowed:
        raise ValueError(BAD_VALUE.format(option=option, value=value, expected="one of " + ", ".join(allowed)))
    return normal


@dataclass(frozen=True)
class ClaimFilter:
    """Which claims a view keeps. With `dyad`, `stance` and `min_score` apply to that dyad's stance
    and score (so the rows are exactly the claims counted for the dyad in `relations()`);
    otherwise to the claim's own stance and its score."""

    actor: str | None = None
    dyad: tuple[str, str] | None = None
    stance: str | None = None
    role: str | None = None
    doc: str | None = None
    min_score: float | None = None

    @classmethod
    def make(cls, *, actor: str | None = None, dyad: str | tuple[str, str] | None = None,
             stance: str | None = None, role: str | None = None, doc: str | None = None,
             min_score: float | None = None) -> ClaimFilter:
        """Validate user values (case-insensitive codes, 'major-claim' for major_claim, ...)."""
        if min_score is not None and not 0 <= min_score <= 1:
            raise ValueError(BAD_VALUE.format(option="--min-score", value=min_score, expected="a number in [0, 1]"))
        return cls(actor=parse_code(actor) if actor else None, dyad=parse_dyad(dyad) if dyad else None,
                   stance=_choice(stance, STANCE_LABELS, "--stance"), role=_choice(role, CLAIM_ROLES, "--role"),
                   doc=doc, min_score=min_score)

    def dyad_of(self, claim: dict[str, Any]) -> dict[str, Any] | None:
        for d in claim.get("dyads") or ():
            if tuple(sorted((d.get("a"), d.get("b")))) == self.dyad:
                return d
        return None

    def keep(self, claim: dict[str, Any]) -> bool:
        if self.role and claim.get("role") != self.role:
            return False
        if self.actor and self.actor not in (claim.get("actors") or ()) and not any(
                self.actor in (d.get("a"), d.get("b")) for d in claim.get("dyads") or ()):
            return False
        if self.dyad:
            found = self.dyad_of(claim)
            if found is None:
                return False
            stance, score = found.get("stance"), found.get("score")
        else:
            stance, score = claim.get("stance"), _claim_score(claim)
        if self.stance and stance != self.stance:
            return False
        return self.min_score is None or (score is not None and score >= self.min_score)


@dataclass(frozen=True)
class FactFilter:
    """Which facts a view keeps: kind, unit (case-insensitive), an actor among the fact's, year, document."""

    kind: str | None = None
    unit: str | None = None
    actor: str | None = None
    year: int | None = None
    doc: str | None = None

    @classmethod
    def make(cls, *, kind: str | None = None, unit: str | None = None, actor: str | None = None,
             year: int | None = None, doc: str | None = None) -> FactFilter:
        return cls(kind=_choice(kind, FACT_KINDS, "--kind"), unit=unit.strip().lower() if unit else None,
                   actor=parse_code(actor) if actor else None, year=year, doc=doc)

    def keep(self, fact: dict[str, Any]) -> bool:
        return ((self.kind is None or fact.get("kind") == self.kind)
                and (self.unit is None or str(fact.get("unit") or "").lower() == self.unit)
                and (self.actor is None or self.actor in (fact.get("actors") or ()))
                and (self.year is None or fact.get("year") == self.year))


# --------------------------------------------------------------------------- rows

def _claim_score(claim: dict[str, Any]) -> float | None:
    scores = claim.get("stance_scores") or {}
    return scores.get(claim.get("stance"))


def _join(values: Iterable[Any], sep: str = ",") -> str:
    return sep.join(str(v) for v in values if v is not None)


def record_title(record: dict[str, Any]) -> str | None:
    """The document's title from `meta.title` (or `meta.headline`), if it is a string."""
    meta = record.get("meta") or {}
    for key in ("title", "headline"):
        if isinstance(meta.get(key), str) and meta[key].strip():
            return meta[key].strip()
    return None


def claim_rows(record: dict[str, Any], where: ClaimFilter) -> Iterator[dict[str, Any]]:
    """One row per kept claim of a record: role, stance and scores, actors, dyads and the facts' texts."""
    if where.doc is not None and record.get("id") != where.doc:
        return
    facts = {f.get("id"): f for f in record.get("facts") or ()}
    for claim in record.get("claims") or ():
        if not where.keep(claim):
            continue
        scores = claim.get("stance_scores") or {}
        fact_ids = claim.get("facts") or []
        row = {
            "doc": record.get("id"), "claim": claim.get("id"), "sentence": claim.get("sentence"),
            "role": claim.get("role"), "role_score": claim.get("role_score"), "supports": claim.get("supports"),
            "connective": claim.get("connective"), "stance": claim.get("stance"), "score": _claim_score(claim),
            COOPERATIVE: scores.get(COOPERATIVE), COMPETITIVE: scores.get(COMPETITIVE), NEUTRAL: scores.get(NEUTRAL),
            "actors": _join(claim.get("actors") or ()),
            "dyads": _join((f"{d.get('a')}-{d.get('b')}:{d.get('stance')}" for d in claim.get("dyads") or ()), " "),
            "n_facts": len(fact_ids),
            "facts": _join((facts[f].get("text") for f in fact_ids if f in facts), "; "),
            "start": claim.get("start"), "end": claim.get("end"), "text": claim.get("text"),
        }
        if where.dyad:
            found = where.dyad_of(claim) or {}
            row.update(dyad="-".join(where.dyad), dyad_stance=found.get("stance"), dyad_score=found.get("score"))
        yield row


def fact_rows(record: dict[str, Any], where: FactFilter) -> Iterator[dict[str, Any]]:
    """One row per kept fact, with the stance of the claim it sits in."""
    if where.doc is not None and record.get("id") != where.doc:
        return
    stances = {c.get("id"): c.get("stance") for c in record.get("claims") or ()}
    for fact in record.get("facts") or ():
        if not where.keep(fact):
            continue
        yield {
            "doc": record.get("id"), "fact": fact.get("id"), "kind": fact.get("kind"), "value": fact.get("value"),
            "value_max": fact.get("value_max"), "unit": fact.get("unit"), "qualifier": fact.get("qualifier"),
            "year": fact.get("year"), "subject": fact.get("subject"), "actors": _join(fact.get("actors") or ()),
            "claim": fact.get("claim"), "claim_stance": stances.get(fact.get("claim")),
            "start": fact.get("start"), "end": fact.get("end"), "text": fact.get("text"),
        }


def doc_row(record: dict[str, Any], *, top_actors: int = 5) -> dict[str, Any]:
    """One row per document: size, claims by role and stance, entities, most-mentioned actors, facts."""
    claims = record.get("claims") or []
    roles = Counter(c.get("role") for c in claims)
    stances = Counter(c.get("stance") for c in claims)
    mentions = Counter(e.get("code") for e in record.get("entities") or () if e.get("code"))
    return {
        "doc": record.get("id"), "title": record_title(record), "source": record.get("source"),
        "profile": (record.get("pipeline") or {}).get("profile"), "chars": len(record.get("text") or ""),
        "sentences": len(record.get("sentences") or ()), "claims": len(claims),
        "major_claims": roles["major_claim"], "premises": roles["premise"],
        COOPERATIVE: stances[COOPERATIVE], COMPETITIVE: stances[COMPETITIVE], NEUTRAL: stances[NEUTRAL],
        "entities": len(record.get("entities") or ()),
        "actors": _join(code for code, _ in mentions.most_common(top_actors)),
        "facts": len(record.get("facts") or ()),
    }


# --------------------------------------------------------------------------- summary (streaming)

@dataclass
class DyadCounts:
    """Claims characterizing one pair of actors, by the dyad's stance."""

    stances: Counter = field(default_factory=Counter)
    score_sum: float = 0.0
    docs: int = 0

    @property
    def claims(self) -> int:
        return sum(self.stances.values())

    def net(self) -> tuple[float, float, float]:
        return net_cooperation(self.stances[COOPERATIVE], self.stances[COMPETITIVE], self.stances[NEUTRAL])


@dataclass
class Summary:
    """Counters over a whole output, updated one record at a time (`add`); memory is bounded by
    the number of distinct actors, dyads, units and pipeline versions, not by the documents."""

    documents: int = 0
    characters: int = 0
    empty_documents: int = 0  # documents without any claim
    pipelines: Counter = field(default_factory=Counter)  # "argmine 0.1.0 (full)" -> documents
    claims: Counter = field(default_factory=Counter)  # (role, stance) -> claims
    premises_linked: int = 0
    entities: int = 0
    uncoded_entities: int = 0
    actor_claims: Counter = field(default_factory=Counter)  # code -> claims mentioning it
    actor_docs: Counter = field(default_factory=Counter)  # code -> documents mentioning it
    actor_mentions: Counter = field(default_factory=Counter)  # code -> entity mentions
    dyads: dict[tuple[str, str], DyadCounts] = field(default_factory=lambda: defaultdict(DyadCounts))
    facts: Counter = field(default_factory=Counter)  # (kind, unit) -> facts
    facts_in_claims: int = 0

    def add(self, record: dict[str, Any]) -> None:
        self.documents += 1
        self.characters += len(record.get("text") or "")
        info = record.get("pipeline") or {}
        self.pipelines[f"{info.get('name', '?')} {info.get('version', '?')} ({info.get('profile', '?')})"] += 1
        claims = record.get("claims") or []
        if not claims:
            self.empty_documents += 1
        doc_dyads: set[tuple[str, str]] = set()
        for claim in claims:
            self.claims[(claim.get("role"), claim.get("stance"))] += 1
            if claim.get("role") == "premise" and claim.get("supports"):
                self.premises_linked += 1
            for code in set(claim.get("actors") or ()):
                self.actor_claims[code] += 1
            seen: set[tuple[str, str]] = set()
            for dyad in claim.get("dyads") or ():
                key = tuple(sorted((str(dyad.get("a")), str(dyad.get("b")))))
                if key in seen:  # one vote per claim and pair
                    continue
                seen.add(key)
                counts = self.dyads[key]
                counts.stances[dyad.get("stance")] += 1
                counts.score_sum += float(dyad.get("score") or 0.0)
            doc_dyads |= seen
        for key in doc_dyads:
            self.dyads[key].docs += 1
        entities = record.get("entities") or []
        self.entities += len(entities)
        codes = [e.get("code") for e in entities]
        self.uncoded_entities += sum(code is None for code in codes)
        self.actor_mentions.update(code for code in codes if code)
        self.actor_docs.update({code for code in codes if code})
        for fact in record.get("facts") or ():
            self.facts[(fact.get("kind"), fact.get("unit"))] += 1
            self.facts_in_claims += fact.get("claim") is not None

    # -- derived numbers
    @property
    def total_claims(self) -> int:
        return sum(self.claims.values())

    @property
    def total_facts(self) -> int:
        return sum(self.facts.values())

    def claims_by(self, axis: str) -> Counter:
        """Claims by 'role' or by 'stance'."""
        index = 0 if axis == "role" else 1
        out: Counter = Counter()
        for key, n in self.claims.items():
            out[key[index]] += n
        return out

    def facts_by_kind(self) -> Counter:
        out: Counter = Counter()
        for (kind, _), n in self.facts.items():
            out[kind] += n
        return out

    def top_actors(self, n: int = DEFAULT_TOP) -> list[tuple[str, int, int, int]]:
        """(code, claims, documents, mentions), most claims first (then mentions, then code)."""
        codes = set(self.actor_claims) | set(self.actor_mentions)
        ranked = sorted(codes, key=lambda c: (-self.actor_claims[c], -self.actor_mentions[c], c))
        return [(c, self.actor_claims[c], self.actor_docs[c], self.actor_mentions[c]) for c in ranked[:n]]

    def relation_rows(self, *, actor: str | None = None, min_claims: int = 1) -> list[dict[str, Any]]:
        """One row per dyad: counts per stance, net cooperation with its 95% interval, mean score."""
        rows = []
        for (a, b), counts in self.dyads.items():
            if counts.claims < min_claims or (actor and actor not in (a, b)):
                continue
            net, low, high = counts.net()
            rows.append({"dyad": f"{a}-{b}", "a": a, "b": b, "claims": counts.claims,
                         COOPERATIVE: counts.stances[COOPERATIVE], COMPETITIVE: counts.stances[COMPETITIVE],
                         NEUTRAL: counts.stances[NEUTRAL], "net": net, "net_low": low, "net_high": high,
                         "mean_score": counts.score_sum / counts.claims if counts.claims else math.nan,
                         "docs": counts.docs})
        rows.sort(key=lambda r: (-r["claims"], r["dyad"]))
        return rows

    def as_dict(self, top: int = DEFAULT_TOP) -> dict[str, Any]:
        """Plain JSON data (what `inspect --output summary.json` writes)."""
        return {
            "documents": self.documents, "characters": self.characters, "documents_without_claims": self.empty_documents,
            "pipelines": dict(self.pipelines),
            "claims": {"total": self.total_claims, "by_stance": dict(self.claims_by("stance")),
                       "by_role": dict(self.claims_by("role")),
                       "by_role_and_stance": {f"{r}/{s}": n for (r, s), n in sorted(self.claims.items(), key=str)},
                       "premises_linked": self.premises_linked},
            "entities": {"total": self.entities, "uncoded": self.uncoded_entities},
            "top_actors": [{"actor": c, "claims": n, "docs": d, "mentions": m} for c, n, d, m in self.top_actors(top)],
            "top_dyads": [_jsonable(r) for r in self.relation_rows()[:top]],
            "facts": {"total": self.total_facts, "in_claims": self.facts_in_claims, "by_kind": dict(self.facts_by_kind()),
                      "by_kind_and_unit": {f"{k}/{u}": n for (k, u), n in sorted(self.facts.items(), key=str)}},
        }

    def rows(self, top: int = DEFAULT_TOP) -> Iterator[dict[str, Any]]:
        """The summary as a long table (section, key, value) for CSV or Parquet."""
        yield {"section": "documents", "key": "documents", "value": self.documents}
        yield {"section": "documents", "key": "characters", "value": self.characters}
        yield {"section": "documents", "key": "without_claims", "value": self.empty_documents}
        for (role, stance), n in sorted(self.claims.items(), key=str):
            yield {"section": "claims", "key": f"{role}/{stance}", "value": n}
        for code, n, _, _ in self.top_actors(top):
            yield {"section": "actor_claims", "key": code, "value": n}
        for row in self.relation_rows()[:top]:
            yield {"section": "dyad_claims", "key": row["dyad"], "value": row["claims"]}
        for (kind, unit), n in sorted(self.facts.items(), key=str):
            yield {"section": "facts", "key": f"{kind}/{unit}", "value": n}


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


def format_summary(summary: Summary, source: str, *, top: int = DEFAULT_TOP) -> str:
    """The readable summary `argmine inspect OUT.jsonl` prints."""
    s = summary
    lines = [f"{source}: {s.documents:,} documents, {s.characters:,} characters, {s.total_claims:,} claims, "
             f"{s.entities:,} actor mentions, {s.total_facts:,} facts"]
    if s.pipelines:
        lines.append("produced by " + "; ".join(f"{name}: {n:,}" for name, n in s.pipelines.most_common()))
    if s.empty_documents:
        lines.append(f"{s.empty_documents:,} document(s) without claims")
    if s.total_claims:
        lines += ["", "claims by role and stance"]
        width = max(len(r) for r in CLAIM_ROLES + ("total",))
        header = f"  {'':<{width}} " + " ".join(f"{st:>12}" for st in STANCE_LABELS) + f" {'total':>8}"
        lines.append(header)
        roles = list(CLAIM_ROLES) + sorted({r for r, _ in s.claims if r not in CLAIM_ROLES}, key=str)
        for role in roles + ["total"]:
            counts = [s.claims_by("stance")[st] if role == "total" else s.claims[(role, st)] for st in STANCE_LABELS]
            total = s.total_claims if role == "total" else s.claims_by("role")[role]
            lines.append(f"  {str(role):<{width}} " + " ".join(f"{n:>12,}" for n in counts) + f" {total:>8,}")
        premises = s.claims_by("role")["premise"]
        if premises:
            lines.append(f"  {s.premises_linked:,} of {premises:,} premises linked to the claim they support")
    actors = s.top_actors(top)
    if actors:
        lines += ["", f"top actors (of {len(set(s.actor_claims) | set(s.actor_mentions)):,})",
                  f"  {'actor':<8}{'claims':>8}{'docs':>8}{'mentions':>10}"]
        lines += [f"  {code:<8}{n:>8,}{d:>8,}{m:>10,}" for code, n, d, m in actors]
    dyads = s.relation_rows()
    if dyads:
        lines += ["", f"top dyads (of {len(dyads):,}; net = (coop - comp) / claims, 95% Wilson interval)",
                  f"  {'dyad':<10}{'claims':>7}{'coop':>6}{'comp':>6}{'neut':>6}{'net':>8}  interval"]
        for r in dyads[:top]:
            lines.append(f"  {r['dyad']:<10}{r['claims']:>7,}{r[COOPERATIVE]:>6,}{r[COMPETITIVE]:>6,}{r[NEUTRAL]:>6,}"
                         f"{r['net']:>+8.2f}  [{r['net_low']:+.2f}, {r['net_high']:+.2f}]")
    if s.total_facts:
        lines += ["", f"facts by kind ({s.facts_in_claims:,} of {s.total_facts:,} inside claims)"]
        for kind, n in sorted(s.facts_by_kind().items(), key=lambda kv: (-kv[1], str(kv[0]))):
            units = Counter({u: c for (k, u), c in s.facts.items() if k == kind and u})
            detail = ", ".join(f"{u} {c:,}" for u, c in units.most_common(4))
            more = len(units) - 4
            detail += f", +{more} more" if more > 0 else ""
            lines.append(f"  {str(kind):<10}{n:>7,}" + (f"   {detail}" if detail else ""))
    return "\n".join(lines)


# --------------------------------------------------------------------------- DataFrames

def frames(rows: Iterable[dict[str, Any]], columns: dict[str, str], *,
           chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[pd.DataFrame]:
    """DataFrames of at most `chunk_size` rows with fixed dtypes; always at least one (maybe empty)."""
    import pandas as pd

    def make(batch: list[dict[str, Any]]) -> pd.DataFrame:
        frame = pd.DataFrame.from_records(batch, columns=list(columns)) if batch else pd.DataFrame(columns=list(columns))
        return frame.astype(columns)

    batch: list[dict[str, Any]] = []
    emitted = False
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk_size:
            yield make(batch)
            emitted, batch = True, []
    if batch or not emitted:
        yield make(batch)


def concat(chunks: Iterable[pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    chunks = list(chunks)
    return chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)


class Output:
    """An argmine output file, read lazily: every method streams the JSONL again.

    Args:
        path: the JSONL file `argmine process` wrote.
        records: instead of a path, a callable returning a fresh iterator of records (for tests
            and for callers that already hold records).
    """

    def __init__(self, path: str | Path | None = None, *,
                 records: Callable[[], Iterable[dict[str, Any]]] | None = None) -> None:
        if (path is None) == (records is None):
            raise TypeError("give either a path or records")
        self.path = Path(path) if path is not None else None
        self._records = records
        if self.path is not None and not self.path.is_file():
            raise ArgmineError(Errors.E006.format(path=self.path))

    def __repr__(self) -> str:
        return f"Output({str(self.path)!r})" if self.path else "Output(<records>)"

    @property
    def name(self) -> str:
        return str(self.path) if self.path else "<records>"

    def records(self) -> Iterator[dict[str, Any]]:
        """The records, one at a time; a broken line raises ValueError naming the file and line."""
        if self.path is not None:
            yield from iter_jsonl_records(self.path)
        else:
            yield from self._records()

    # -- aggregated views
    def summary(self) -> Summary:
        summary = Summary()
        for record in self.records():
            summary.add(record)
        return summary

    def relations(self, *, actor: str | None = None, min_claims: int = 1) -> pd.DataFrame:
        """The dyad matrix in long form: one row per pair of actors, most claims first."""
        rows = self.summary().relation_rows(actor=parse_code(actor) if actor else None, min_claims=min_claims)
        return concat(frames(rows, RELATION_COLUMNS))

    def relation_matrix(self, value: str = "net", *, min_claims: int = 1) -> pd.DataFrame:
        """Actors x actors (symmetric) of one relation column: 'net', 'claims', 'cooperative', ..."""
        import pandas as pd

        table = self.relations(min_claims=min_claims)
        both = pd.concat([table[["a", "b", value]], table[["b", "a", value]].set_axis(["a", "b", value], axis=1)])
        return both.pivot(index="a", columns="b", values=value).rename_axis(index=None, columns=None)

    # -- row views, chunked
    def iter_claims(self, *, chunk_size: int = DEFAULT_CHUNK_SIZE, **filters: Any) -> Iterator[pd.DataFrame]:
        """Chunks of `claims(**filters)`."""
        where = ClaimFilter.make(**filters)
        columns = CLAIM_COLUMNS | DYAD_COLUMNS if where.dyad else CLAIM_COLUMNS
        rows = (row for record in self.records() for row in claim_rows(record, where))
        return frames(rows, columns, chunk_size=chunk_size)

    def claims(self, *, actor: str | None = None, dyad: str | tuple[str, str] | None = None,
               stance: str | None = None, role: str | None = None, doc: str | None = None,
               min_score: float | None = None) -> pd.DataFrame:
        """Claims, one row each, filtered by actor, dyad ('CHN-RUS'), stance, role, document, score.

        With `dyad`, `stance` and `min_score` refer to that dyad's stance and score, and the table
        gains the columns dyad, dyad_stance and dyad_score.
        """
        return concat(self.iter_claims(actor=actor, dyad=dyad, stance=stance, role=role, doc=doc, min_score=min_score))

    def iter_facts(self, *, chunk_size: int = DEFAULT_CHUNK_SIZE, **filters: Any) -> Iterator[pd.DataFrame]:
        where = FactFilter.make(**filters)
        rows = (row for record in self.records() for row in fact_rows(record, where))
        return frames(rows, FACT_COLUMNS, chunk_size=chunk_size)

    def facts(self, *, kind: str | None = None, unit: str | None = None, actor: str | None = None,
              year: int | None = None, doc: str | None = None) -> pd.DataFrame:
        """Numeric facts, one row each, filtered by kind, unit, actor, year and document."""
        return concat(self.iter_facts(kind=kind, unit=unit, actor=actor, year=year, doc=doc))

    def iter_docs(self, *, chunk_size: int = DEFAULT_CHUNK_SIZE, actor: str | None = None) -> Iterator[pd.DataFrame]:
        code = parse_code(actor) if actor else None
        rows = (doc_row(r) for r in self.records()
                if code is None or any(e.get("code") == code for e in r.get("entities") or ()))
        return frames(rows, DOC_COLUMNS, chunk_size=chunk_size)

    def docs(self, *, actor: str | None = None) -> pd.DataFrame:
        """Documents, one row each (optionally only those mentioning `actor`)."""
        return concat(self.iter_docs(actor=actor))


def load(path: str | Path) -> Output:
    """Open an argmine output for inspection (nothing is read until a view is asked for)."""
    return Output(path)


# --------------------------------------------------------------------------- writing

def output_format(path: str | Path, fmt: str | None = None) -> str:
    if fmt:
        fmt = fmt.lower()
        if fmt not in OUTPUT_FORMATS:
            raise ValueError(BAD_VALUE.format(option="--format", value=fmt, expected="one of " + ", ".join(OUTPUT_FORMATS)))
        return fmt
    found = SUFFIX_FORMATS.get(Path(str(path)).suffix.lower())
    if found is None:
        raise ValueError(BAD_FORMAT.format(path=path))
    return found


def write_frames(chunks: Iterable[pd.DataFrame], path: str | Path, fmt: str | None = None) -> int:
    """Write DataFrame chunks to CSV, Parquet, JSON (an array of objects) or JSONL; '-' is stdout
    (not for Parquet). The file appears only when complete. Returns the number of rows."""
    fmt = output_format(path, fmt)
    if str(path) == "-":
        if fmt == "parquet":
            raise ValueError("Parquet cannot be written to stdout; give a file name.")
        return _write_text(chunks, sys.stdout, fmt)
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            rows = _write_parquet(chunks, partial)
        else:
            with partial.open("w", encoding="utf-8", newline="") as handle:
                rows = _write_text(chunks, handle, fmt)
        partial.replace(target)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise ArgmineError(Errors.E013.format(path=path, detail=err.strerror or err)) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return rows


def _write_text(chunks: Iterable[pd.DataFrame], handle: IO[str], fmt: str) -> int:
    rows = 0
    if fmt == "json":
        handle.write("[")
    for frame in chunks:
        if fmt == "csv":
            frame.to_csv(handle, header=rows == 0, index=False)
        elif len(frame):
            lines = frame.to_json(orient="records", lines=True, force_ascii=False, date_format="iso").rstrip("\n")
            if fmt == "json":
                lines = ("," if rows else "") + "\n" + lines.replace("\n", ",\n")
            handle.write(lines + ("" if fmt == "json" else "\n"))
        rows += len(frame)
    if fmt == "json":
        handle.write("\n]\n" if rows else "]\n")
    return rows


def _write_parquet(chunks: Iterable[pd.DataFrame], path: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ArgmineError(NO_PYARROW) from None
    writer = None
    rows = 0
    try:
        for frame in chunks:
            table = pa.Table.from_pandas(frame, preserve_index=False,
                                         schema=writer.schema if writer is not None else None)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
            rows += len(frame)
    finally:
        if writer is not None:
            writer.close()
    return rows


def write_summary(summary: Summary, path: str | Path, fmt: str | None = None, *, top: int = DEFAULT_TOP) -> None:
    """JSON: the nested summary; CSV, Parquet, JSONL: the long (section, key, value) table."""
    fmt = output_format(path, fmt)
    if fmt == "json":
        text = json.dumps(summary.as_dict(top), indent=2, ensure_ascii=False) + "\n"
        if str(path) == "-":
            sys.stdout.write(text)
            return
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as err:
            raise ArgmineError(Errors.E013.format(path=path, detail=err.strerror or err)) from None
        return
    write_frames(frames(summary.rows(top), {"section": "string", "key": "string", "value": "Int64"}), path, fmt)
