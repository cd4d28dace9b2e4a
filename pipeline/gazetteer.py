"""Actor gazetteer: load, validate and merge the actor tables behind the actor recognizer.

Three layers, merged phrase by phrase (case-insensitively), later layers winning:

1. ``data/actors.jsonl`` and ``data/leaders.jsonl``, generated from ``../shared/lexicons`` by
   ``scripts/build_gazetteer.py`` (PETRARCH2 dictionaries and CountryInfo);
2. ``data/actors_supplement.tsv``, hand-curated (what the lexicons lack or get wrong);
3. an optional user file (TSV or JSONL, same columns as the supplement).

A phrase of a later layer replaces the earlier entries of that phrase, except leader rows,
which add periods of office: to the phrase itself and to every generated person who has that
phrase among their aliases under the same code (so a supplement row for "Putin" also extends
"Vladimir V. Putin"). Code ``-`` blocks a phrase.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from .schema import ACTOR_LABELS, MENTION_TYPES, UNCODED

BLOCK = "-"
LEADER = "leader"
CONTEXT_FLAGS = ("ambiguous", "prefix", "article")
COLUMNS = ("phrase", "code", "label", "mention", "start", "end", "context", "note")
CODE_RE = re.compile(r"[A-Z][A-Z0-9]{1,5}")
DATE_RE = re.compile(r"\d{4}(-\d{2}-\d{2})?")

E_COLUMNS = "{where}: missing column(s) {missing}; expected a header with {expected}"
E_FIELD = "{where}: {field} = {value!r}; expected {expected}"
E_JSON = "{where}: not a JSON object ({error})"
E_FORMAT = "{path}: unknown extension {suffix!r}; expected .tsv or .jsonl"


class Period(NamedTuple):
    """A period of office; None = unknown start or still in office."""
    start: str | None
    end: str | None

    def covers(self, year: int) -> bool:
        return ((self.start is None or int(self.start[:4]) <= year)
                and (self.end is None or year <= int(self.end[:4])))


class Entry(NamedTuple):
    """What one phrase can stand for. code None = blocked phrase."""
    code: str | None
    label: str
    mention: str
    context: frozenset[str] = frozenset()
    periods: tuple[Period, ...] = ()

    def in_office(self, years: Iterable[int]) -> bool:
        years = list(years)
        if not years:
            return bool(self.periods)
        return any(p.covers(y) for p in self.periods for y in years)


@dataclass
class Row:
    """One validated row of the supplement or a user file."""
    phrase: str
    code: str | None
    label: str
    mention: str
    start: str | None = None
    end: str | None = None
    context: tuple[str, ...] = ()


@dataclass
class Gazetteer:
    """Phrase (lower case) -> entries, and phrase -> the surface forms it was written in."""
    entries: dict[str, list[Entry]] = field(default_factory=dict)
    surfaces: dict[str, set[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # code -> canonical name
    labels: dict[str, str] = field(default_factory=dict)  # code -> label


def data_path(name: str) -> Path:
    return Path(str(resources.files(__package__).joinpath("data", name)))


def validate_row(raw: dict[str, Any], where: str) -> Row:
    """Check one supplement/user row; errors name `where` (file and line), the field and value."""
    phrase = str(raw.get("phrase") or "").strip()
    if not phrase:
        raise ValueError(E_FIELD.format(where=where, field="phrase", value=raw.get("phrase"),
                                        expected="a non-empty phrase"))
    code = str(raw.get("code") or "").strip()
    if code == BLOCK:
        return Row(phrase, None, UNCODED, "name")
    if not CODE_RE.fullmatch(code):
        raise ValueError(E_FIELD.format(where=where, field="code", value=code,
                                        expected="2-6 upper-case letters/digits (KAZ, EU, G20) or -"))
    label = str(raw.get("label") or "").strip()
    if label not in ACTOR_LABELS or label == UNCODED:
        raise ValueError(E_FIELD.format(where=where, field="label", value=label,
                                        expected="one of " + ", ".join(ACTOR_LABELS[:-1])))
    mention = str(raw.get("mention") or "").strip()
    if mention not in MENTION_TYPES:
        raise ValueError(E_FIELD.format(where=where, field="mention", value=mention,
                                        expected="one of " + ", ".join(MENTION_TYPES)))
    dates = {}
    for key in ("start", "end"):
        value = str(raw.get(key) or "").strip() or None
        if value is not None and not DATE_RE.fullmatch(value):
            raise ValueError(E_FIELD.format(where=where, field=key, value=value,
                                            expected="YYYY or YYYY-MM-DD"))
        dates[key] = value
    if mention != LEADER and (dates["start"] or dates["end"]):
        raise ValueError(E_FIELD.format(where=where, field="start/end", value=dates["start"] or dates["end"],
                                        expected="dates only on leader rows"))
    context = raw.get("context") or ()
    flags = tuple(f.strip() for f in re.split(r"[|,]", context) if f.strip()) \
        if isinstance(context, str) else tuple(context)
    if any(f not in CONTEXT_FLAGS for f in flags):
        raise ValueError(E_FIELD.format(where=where, field="context", value=context,
                                        expected="empty or flags among " + "|".join(CONTEXT_FLAGS)))
    return Row(phrase, code, label, mention, dates["start"], dates["end"], flags)


def read_rows(path: str | Path) -> list[Row]:
    """Rows of a supplement-style file: TSV with a header (lines starting # are comments) or JSONL."""
    path = Path(path)
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8")
    rows = []
    if suffix in {".jsonl", ".json"}:
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path} line {lineno}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(E_JSON.format(where=where, error=error)) from None
            if not isinstance(raw, dict):
                raise ValueError(E_JSON.format(where=where, error=type(raw).__name__))
            rows.append(validate_row(raw, where))
        return rows
    if suffix not in {".tsv", ".txt"}:
        raise ValueError(E_FORMAT.format(path=path, suffix=suffix))
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.startswith("#")]
    if not lines:
        return rows
    header = lines[0][1].split("\t")
    missing = [c for c in ("phrase", "code") if c not in header]
    if missing:
        raise ValueError(E_COLUMNS.format(where=f"{path} line {lines[0][0]}", missing=", ".join(missing),
                                          expected="\\t".join(COLUMNS[:4])))
    for lineno, line in lines[1:]:
        raw = dict(zip(header, line.split("\t")))
        rows.append(validate_row(raw, f"{path} line {lineno}"))
    return rows


@lru_cache(maxsize=4)
def _generated(actors_path: str, leaders_path: str) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    with open(actors_path, encoding="utf-8") as f:
        actors = tuple(json.loads(line) for line in f if line.strip())
    with open(leaders_path, encoding="utf-8") as f:
        leaders = tuple(json.loads(line) for line in f if line.strip())
    return actors, leaders


@lru_cache(maxsize=4)
def _supplement(path: str) -> tuple[Row, ...]:
    return tuple(read_rows(path))


def load_gazetteer(extra_rows: Iterable[Row] = (), *, data_dir: str | Path | None = None) -> Gazetteer:
    """Merge the generated tables, the supplement and `extra_rows` (see the module docstring)."""
    root = Path(data_dir) if data_dir else data_path("")
    actors, people = _generated(str(root / "actors.jsonl"), str(root / "leaders.jsonl"))
    merge = _Merge(actors, people)
    for layer in (_supplement(str(root / "actors_supplement.tsv")), tuple(extra_rows)):
        merge.apply(layer)
    return merge.result(actors)


class _Merge:
    """State of one merge: phrase entries, generated people and the leader rows of the layers."""

    def __init__(self, actors: Iterable[dict], people: Iterable[dict]) -> None:
        self.gaz = Gazetteer()
        self.entries: dict[str, list[Entry]] = defaultdict(list)
        for actor in actors:
            self.gaz.names[actor["code"]] = actor["name"]
            self.gaz.labels[actor["code"]] = actor["label"]
            for alias in actor["aliases"]:
                self._add(alias["text"], Entry(actor["code"], actor["label"], alias["mention"]))
        # person i: code -> periods, and aliases; alias -> people
        self.offices: list[dict[str, set[Period]]] = []
        self.aliases: list[list[str]] = []
        self.by_alias: dict[str, list[int]] = defaultdict(list)
        for i, person in enumerate(people):
            periods: dict[str, set[Period]] = defaultdict(set)
            for office in person["offices"]:
                periods[office["code"]].add(Period(office.get("start"), office.get("end")))
            self.offices.append(periods)
            self.aliases.append(person["aliases"])
            for alias in person["aliases"]:
                self.by_alias[alias.lower()].append(i)
        self.layer_leaders: dict[tuple[str, str], set[Period]] = defaultdict(set)

    def _add(self, surface: str, entry: Entry) -> None:
        key = surface.lower()
        self.entries[key].append(entry)
        self.gaz.surfaces.setdefault(key, set()).add(surface)

    def apply(self, rows: Iterable[Row]) -> None:
        """One layer: its phrases replace earlier entries; its leader rows add periods."""
        replaced: set[str] = set()
        for row in rows:
            key = row.phrase.lower()
            self.gaz.surfaces.setdefault(key, set()).add(row.phrase)
            if row.code is None:  # blocked, leaders included
                self.entries[key] = [Entry(None, UNCODED, "name")]
                self.by_alias.pop(key, None)
                for blocked in [k for k in self.layer_leaders if k[0] == key]:
                    del self.layer_leaders[blocked]
                replaced.add(key)
                continue
            self.gaz.labels.setdefault(row.code, row.label)
            if row.mention == LEADER:
                period = Period(row.start, row.end)
                self.layer_leaders[(key, row.code)].add(period)
                for i in self.by_alias.get(key, []):
                    if row.code in self.offices[i]:
                        self.offices[i][row.code].add(period)
                continue
            if key not in replaced:
                self.entries[key] = []
                replaced.add(key)
            self.entries[key].append(Entry(row.code, row.label, row.mention, frozenset(row.context)))

    def result(self, actors: Iterable[dict]) -> Gazetteer:
        entries, gaz = self.entries, self.gaz
        periods_of: dict[tuple[str, str], set[Period]] = defaultdict(set)
        for i, offices in enumerate(self.offices):
            for alias in self.aliases[i]:
                if alias.lower() in self.by_alias:
                    for code, spans in offices.items():
                        periods_of[(alias.lower(), code)] |= spans
                    gaz.surfaces.setdefault(alias.lower(), set()).add(alias)
        for key_code, spans in self.layer_leaders.items():
            periods_of[key_code] |= spans
        for (key, code), spans in sorted(periods_of.items()):
            if entries.get(key) and entries[key][0].code is None:
                continue  # blocked
            ordered = tuple(sorted(spans, key=lambda p: (p.start or "", p.end or "9")))
            entries[key].append(Entry(code, gaz.labels.get(code, "COUNTRY"), LEADER, frozenset(), ordered))
        # Places of the lexicons (cities, provinces, rivers) block what no layer made an actor.
        for actor in actors:
            for place in actor.get("places", ()):
                if place.lower() not in entries:
                    self._add(place, Entry(None, UNCODED, "name"))
        # Typographic apostrophes: "David O’Sullivan", "Côte d’Ivoire" match like the plain ones.
        for key in [k for k in entries if "'" in k]:
            curly = key.replace("'", "’")
            if curly not in entries:
                entries[curly] = entries[key]
                gaz.surfaces[curly] = {s.replace("'", "’") for s in gaz.surfaces.get(key, {key})}
        gaz.entries = dict(entries)
        return gaz
