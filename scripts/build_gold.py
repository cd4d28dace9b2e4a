#!/usr/bin/env python
"""Build the gold JSONL record from its human-editable YAML source.

    python scripts/build_gold.py              # (re)write annotations/gold/<id>.jsonl
    python scripts/build_gold.py --check      # exit 1 if the JSONL is not reproduced byte for byte
    python scripts/build_gold.py --stats      # print counts (used in annotations/gold/README.md)
    python scripts/build_gold.py --table      # print claim ids next to their source keys

Every offset is computed by exact string search inside the paragraph (corpus line) the
annotation belongs to; a span that is missing or ambiguous is an error. The script also
enforces the segmentation, role, dyad and fact conventions of annotations/GUIDELINES.md and
validates the record against pipeline/schema. All problems are collected and reported
together; nothing is written unless there are none.
"""
from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT / "annotations" / "gold" / "source" / "great-powers-central-asia.yaml"
GOLD_DIR = ROOT / "annotations" / "gold"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.schema import (  # noqa: E402  (path set up above)
    ACTOR_LABELS, CLAIM_ROLES, FACT_KINDS, MENTION_TYPES, PREMISE, STANCE_LABELS, schema_errors,
)

QUALIFIERS = {"about", "more than", "less than", "only", "nearly", "up to", "over", "almost"}
UNIT_OF_KIND = {"percent": {"percent"}, "ratio": {"ratio"}, "count": {None}}
# Sentence boundary candidates: end punctuation, optional closing quotes/brackets, then
# whitespace and something that can start a sentence.
_BOUNDARY = re.compile(r"[.!?][”’\")\]]*(?=\s+[A-Z0-9“\"(])")
# Characters a claim span may start / end with.
_SPAN_FIRST = re.compile(r"[\w“(]")
_SPAN_LAST = re.compile(r"[\w”)%]")
# What may stand between two units besides their connective, and after the last unit.
_GAP_PUNCT = re.compile(r"[\s,;:.!?—–]+")
_TAIL = re.compile(r"[\s.!?]*")


class GoldError(Exception):
    """Raised with the full list of problems found in the source."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _word_pattern(surface: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)")


def split_sentences(text: str, no_split_after: list[str]) -> list[dict[str, int]]:
    """Hand-checked sentence rule: see `sentences` in the source and GUIDELINES.md §2."""
    sentences = []
    offset = 0
    for para in text.split("\n"):
        start = 0
        for m in _BOUNDARY.finditer(para):
            if any(para[:m.end()].endswith(abbr) for abbr in no_split_after):
                continue
            sentences.append({"start": offset + start, "end": offset + m.end()})
            start = m.end()
            while start < len(para) and para[start].isspace():
                start += 1
        if para[start:].strip():
            end = len(para.rstrip())
            sentences.append({"start": offset + start, "end": offset + end})
        offset += len(para) + 1
    return sentences


def _normalize_gap(gap: str) -> str:
    return _GAP_PUNCT.sub(" ", gap).strip().lower()


def build(source_path: Path = DEFAULT_SOURCE) -> dict[str, Any]:
    """The gold record described by `source_path`; raises GoldError listing every problem."""
    src = yaml.safe_load(source_path.read_text("utf-8"))
    doc = src["document"]
    text = (ROOT / doc["source"]).read_text("utf-8")
    problems: list[str] = []
    err = problems.append

    # ---- paragraphs (one per line)
    para_spans = []
    offset = 0
    for line in text.split("\n"):
        para_spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    paras = src["paragraphs"]
    if [p["n"] for p in paras] != list(range(1, len(para_spans) + 1)):
        err(f"paragraphs must be numbered 1..{len(para_spans)} in order, one per corpus line")

    # ---- sentences
    sent_cfg = src["sentences"]
    sentences = split_sentences(text, sent_cfg.get("no_split_after", []))
    if len(sentences) != sent_cfg["expected_count"]:
        err(f"sentence rule gives {len(sentences)} sentences, expected {sent_cfg['expected_count']}")

    def sentence_of(start: int, end: int) -> int | None:
        for i, s in enumerate(sentences):
            if s["start"] <= start and end <= s["end"]:
                return i
        return None

    # ---- lexicon
    lexicon: dict[str, dict[str, str]] = {}
    for surface, (label, code, mention) in src["lexicon"].items():
        if label not in ACTOR_LABELS or mention not in MENTION_TYPES:
            err(f"lexicon {surface!r}: bad label/mention {label!r}/{mention!r}")
        lexicon[surface] = {"label": label, "code": code, "mention": mention}
    known_codes = {v["code"] for v in lexicon.values()}
    lexicon_re = re.compile(r"(?<!\w)(?:" + "|".join(
        re.escape(s) for s in sorted(lexicon, key=len, reverse=True)) + r")(?!\w)")

    entities: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    facts: list[dict[str, Any]] = []
    claim_src: dict[str, dict[str, Any]] = {}   # key -> source entry

    for para in paras:
        n = para["n"]
        if n > len(para_spans):
            break
        p_start, p_end = para_spans[n - 1]
        ptext = text[p_start:p_end]
        where = f"paragraph {n}"

        # -- entities: sequential exact search, whole words
        pos = 0
        annotated: set[tuple[int, int]] = set()
        for surface in para.get("entities") or []:
            if surface not in lexicon:
                err(f"{where}: entity {surface!r} is not in the lexicon")
                continue
            m = _word_pattern(surface).search(ptext, pos)
            if not m:
                err(f"{where}: entity {surface!r} not found after offset {pos}")
                continue
            pos = m.end()
            start, end = p_start + m.start(), p_start + m.end()
            annotated.add((start, end))
            entities.append({"start": start, "end": end, "text": surface, **lexicon[surface]})
        excluded: set[tuple[int, int]] = set()
        for item in para.get("not_entities") or []:
            ctx, surface = item["context"], item["text"]
            if ptext.count(ctx) != 1:
                err(f"{where}: not_entities context {ctx!r} found {ptext.count(ctx)} times")
                continue
            inner = [m for m in _word_pattern(surface).finditer(ctx)]
            if len(inner) != 1:
                err(f"{where}: {surface!r} occurs {len(inner)} times in context {ctx!r}")
                continue
            base = p_start + ptext.index(ctx)
            excluded.add((base + inner[0].start(), base + inner[0].end()))
        found = {(p_start + m.start(), p_start + m.end()) for m in lexicon_re.finditer(ptext)}
        for s, e in sorted(found - annotated - excluded):
            err(f"{where}: lexicon match {text[s:e]!r} at {s} neither annotated nor in not_entities")
        for s, e in sorted((annotated | excluded) - found):
            err(f"{where}: annotation {text[s:e]!r} at {s} is not a whole lexicon match")
        if annotated & excluded:
            err(f"{where}: a span is both annotated and excluded")

        # -- claims
        prev_end = None
        for c in para.get("claims") or []:
            key, ctext = c["key"], c["text"]
            if key in claim_src:
                err(f"{where}: duplicate claim key {key}")
            claim_src[key] = c
            hits = [m.start() for m in re.finditer(re.escape(ctext), ptext)]
            if not hits:
                err(f"{where}: claim {key} text not found: {ctext!r}")
                continue
            if len(hits) > 1 and "occurrence" not in c:
                err(f"{where}: claim {key} text occurs {len(hits)} times; give `occurrence`")
                continue
            start = p_start + hits[c.get("occurrence", 0)]
            end = start + len(ctext)
            if prev_end is not None and start < prev_end:
                err(f"{where}: claim {key} overlaps or precedes the previous claim")
            prev_end = end
            if not _SPAN_FIRST.match(ctext[0]) or not _SPAN_LAST.match(ctext[-1]):
                err(f"{where}: claim {key} must start and end with a word (or a quote/bracket)")
            if ctext.count("“") != ctext.count("”"):
                err(f"{where}: claim {key} has unbalanced quotation marks")
            sent = sentence_of(start, end)
            if sent is None:
                err(f"{where}: claim {key} crosses a sentence boundary")
                continue
            role, stance = c["role"], c["stance"]
            if role not in CLAIM_ROLES:
                err(f"{where}: claim {key}: bad role {role!r}")
            if stance not in STANCE_LABELS:
                err(f"{where}: claim {key}: bad stance {stance!r}")
            claims.append({
                "key": key, "start": start, "end": end, "text": ctext, "sentence": sent,
                "role": role, "supports": c.get("supports"), "connective": c.get("connective"),
                "stance": stance, "dyads_src": c.get("dyads") or [],
            })

        # -- facts
        for f in para.get("facts") or []:
            ftext = f["text"]
            hits = [m.start() for m in re.finditer(re.escape(ftext), ptext)]
            if not hits:
                err(f"{where}: fact text not found: {ftext!r}")
                continue
            if len(hits) > 1 and "occurrence" not in f:
                err(f"{where}: fact {ftext!r} occurs {len(hits)} times; give `occurrence`")
                continue
            if f.get("occurrence", 0) >= len(hits):
                err(f"{where}: fact {ftext!r} has no occurrence {f['occurrence']}")
                continue
            start = p_start + hits[f.get("occurrence", 0)]
            facts.append({"start": start, "end": start + len(ftext), "text": ftext, "src": f,
                          "where": where})

    # ---- claims: ids, order, tiling of sentences, actors, dyads, roles
    claims.sort(key=lambda c: c["start"])
    key_to_id = {c["key"]: f"c{i}" for i, c in enumerate(claims, 1)}
    entities.sort(key=lambda e: e["start"])
    by_sentence: dict[int, list[dict[str, Any]]] = collections.defaultdict(list)
    for c in claims:
        by_sentence[c["sentence"]].append(c)
    for i, s in enumerate(sentences):
        units = by_sentence.get(i, [])
        if not units:
            err(f"sentence {i} ({text[s['start']:s['start'] + 40]!r}...) has no claim")
            continue
        pos = s["start"]
        for c in units:
            gap = _normalize_gap(text[pos:c["start"]])
            conn = c["connective"]
            if gap:
                if conn != gap:
                    err(f"claim {c['key']}: text before it is {gap!r} but connective is {conn!r}")
            elif conn is not None and not _word_pattern(conn).search(c["text"].lower()):
                err(f"claim {c['key']}: connective {conn!r} neither precedes nor occurs in the span")
            pos = c["end"]
        if not _TAIL.fullmatch(text[pos:s["end"]]):
            err(f"sentence {i}: text after the last claim is not only punctuation: "
                f"{text[pos:s['end']]!r}")

    for e in entities:
        if not any(c["start"] <= e["start"] and e["end"] <= c["end"] for c in claims):
            err(f"entity {e['text']!r} at {e['start']} lies outside every claim")

    record_claims = []
    for c in claims:
        cid = key_to_id[c["key"]]
        actors = sorted({e["code"] for e in entities
                         if c["start"] <= e["start"] and e["end"] <= c["end"]})
        supports = c["supports"]
        if c["role"] == PREMISE:
            if supports is None:
                err(f"premise {c['key']} has no `supports`")
            elif supports not in key_to_id:
                err(f"premise {c['key']} supports unknown key {supports!r}")
            elif claim_src[supports]["role"] == PREMISE:
                err(f"premise {c['key']} supports another premise ({supports})")
            elif supports == c["key"]:
                err(f"premise {c['key']} supports itself")
        elif supports is not None:
            err(f"{c['role']} {c['key']} must not have `supports`")
        dyads, seen = [], set()
        for item in c["dyads_src"]:
            parts = item.split()
            if len(parts) != 3:
                err(f"claim {c['key']}: bad dyad {item!r} (want 'A B stance')")
                continue
            a, b, st = parts
            if not a < b:
                err(f"claim {c['key']}: dyad {item!r} must have A < B")
            if a not in actors or b not in actors:
                err(f"claim {c['key']}: dyad {item!r} uses an actor not mentioned in the claim "
                    f"(actors {actors})")
            if st not in STANCE_LABELS:
                err(f"claim {c['key']}: dyad {item!r} has a bad stance")
            if (a, b) in seen:
                err(f"claim {c['key']}: duplicate dyad {a}-{b}")
            seen.add((a, b))
            dyads.append({"a": a, "b": b, "stance": st, "score": 1.0})
        if [(d["a"], d["b"]) for d in dyads] != sorted(seen):
            err(f"claim {c['key']}: list dyads sorted by (A, B)")
        record_claims.append({
            "id": cid, "start": c["start"], "end": c["end"], "text": c["text"],
            "sentence": c["sentence"], "role": c["role"], "role_score": None,
            "supports": key_to_id.get(supports) if supports else None,
            "connective": c["connective"], "actors": actors, "stance": c["stance"],
            "stance_scores": {s: 1.0 if s == c["stance"] else 0.0 for s in STANCE_LABELS},
            "dyads": dyads, "facts": [],
        })

    # ---- facts
    facts.sort(key=lambda f: f["start"])
    record_facts = []
    for i, f in enumerate(facts, 1):
        fid, s = f"f{i}", f["src"]
        label = f"{f['where']}: fact {f['text']!r}"
        owners = [c for c in record_claims if c["start"] <= f["start"] and f["end"] <= c["end"]]
        if len(owners) != 1:
            err(f"{label} lies in {len(owners)} claims (want exactly 1)")
            owner = None
        else:
            owner = owners[0]
            owner["facts"].append(fid)
        kind, unit, qual = s["kind"], s.get("unit"), s.get("qualifier")
        value, value_max, year = s.get("value"), s.get("value_max"), s.get("year")
        if kind not in FACT_KINDS:
            err(f"{label}: bad kind {kind!r}")
        if kind in UNIT_OF_KIND and unit not in UNIT_OF_KIND[kind]:
            err(f"{label}: unit {unit!r} does not fit kind {kind!r}")
        if kind == "money" and not (isinstance(unit, str) and re.fullmatch(r"[A-Z]{3}", unit)):
            err(f"{label}: money needs an ISO 4217 unit")
        if qual is not None and qual not in QUALIFIERS:
            err(f"{label}: qualifier {qual!r} not in {sorted(QUALIFIERS)}")
        if value_max is not None and (value is None or value_max < value):
            err(f"{label}: value_max must be >= value")
        if year is not None and not (isinstance(year, int) and 1900 <= year <= 2100):
            err(f"{label}: bad year {year!r}")
        actors = s.get("actors") or []
        if actors != sorted(set(actors)) or not set(actors) <= known_codes:
            err(f"{label}: actors must be sorted, unique lexicon codes: {actors}")
        record_facts.append({
            "id": fid, "start": f["start"], "end": f["end"], "text": f["text"], "kind": kind,
            "value": None if value is None else float(value),
            "value_max": None if value_max is None else float(value_max),
            "unit": unit, "qualifier": qual, "year": year, "subject": s.get("subject"),
            "actors": actors, "claim": owner["id"] if owner else None,
        })

    record = {
        "id": doc["id"], "source": doc["source"], "text": text, "meta": doc["meta"],
        "pipeline": doc["pipeline"], "sentences": sentences, "claims": record_claims,
        "entities": [{k: e[k] for k in ("start", "end", "text", "label", "code", "mention")}
                     for e in entities],
        "facts": record_facts,
    }
    for span in record["claims"] + record["entities"] + record["facts"]:
        if text[span["start"]:span["end"]] != span["text"]:
            err(f"offset mismatch: text[{span['start']}:{span['end']}] != {span['text']!r}")
    problems.extend(f"schema: {e}" for e in schema_errors(record))
    if problems:
        raise GoldError(problems)
    record["_keys"] = {c["key"]: key_to_id[c["key"]] for c in claims}
    return record


def render(record: dict[str, Any]) -> str:
    """The JSONL text of one record (a single line ending in a newline)."""
    clean = {k: v for k, v in record.items() if not k.startswith("_")}
    return json.dumps(clean, ensure_ascii=False) + "\n"


def output_path(record: dict[str, Any]) -> Path:
    return GOLD_DIR / f"{record['id']}.jsonl"


def stats(record: dict[str, Any]) -> dict[str, Any]:
    c = collections.Counter
    claims, ents, facts = record["claims"], record["entities"], record["facts"]
    dyads = [d for cl in claims for d in cl["dyads"]]
    return {
        "sentences": len(record["sentences"]),
        "claims": len(claims),
        "claims_by_role": dict(sorted(c(x["role"] for x in claims).items())),
        "claims_by_stance": dict(sorted(c(x["stance"] for x in claims).items())),
        "claims_with_connective": sum(1 for x in claims if x["connective"]),
        "dyads": len(dyads),
        "dyads_by_stance": dict(sorted(c(d["stance"] for d in dyads).items())),
        "entities": len(ents),
        "entities_by_label": dict(sorted(c(e["label"] for e in ents).items())),
        "entities_by_mention": dict(sorted(c(e["mention"] for e in ents).items())),
        "entities_by_code": dict(sorted(c(e["code"] for e in ents).items())),
        "facts": len(facts),
        "facts_by_kind": dict(sorted(c(f["kind"] for f in facts).items())),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--check", action="store_true", help="compare with the file on disk, write nothing")
    ap.add_argument("--stats", action="store_true", help="print counts")
    ap.add_argument("--table", action="store_true", help="print claim ids, keys and spans")
    args = ap.parse_args(argv)
    try:
        record = build(args.source)
    except GoldError as exc:
        print(f"{len(exc.problems)} problem(s) in {args.source}:", file=sys.stderr)
        for p in exc.problems:
            print(f"  - {p}", file=sys.stderr)
        return 2
    out, rendered = output_path(record), render(record)
    if args.table:
        keys = {v: k for k, v in record["_keys"].items()}
        for cl in record["claims"]:
            print(f"{cl['id']:>5} {keys[cl['id']]:>7} s{cl['sentence']:<3} {cl['role']:<11} "
                  f"{cl['stance']:<11} {cl['text'][:70]}")
    if args.stats:
        print(json.dumps(stats(record), indent=2))
    if args.check:
        if not out.exists() or out.read_text("utf-8") != rendered:
            print(f"{out} is not reproduced by {args.source}", file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    if not (args.table or args.stats):
        out.write_text(rendered, encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}: {len(record['claims'])} claims, "
              f"{len(record['entities'])} entities, {len(record['facts'])} facts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
