"""A self-contained HTML report of an argmine output, for checking the machine's work.

Page 1 (the file given) holds the corpus overview (counts, claims by role and stance, top actors),
the relations between actors as a heatmap and a network (SVG, drawn here), the dyad table, a
sortable facts table and the index of documents, followed by the first `per_page` documents;
further documents go to `<name>_pages/page-0002.html`, ... Each document shows its text with
claims coloured by stance (role by underline style, a tag with id, role letter and the claim a
premise supports), actor mentions and facts highlighted, scores on hover, and its argument tree.

Every page is one file with its CSS and JS inlined: no network is needed to open it. All text
from records (article text, ids, titles, meta, subjects) is HTML-escaped, class names come
from allowlists, links in `meta.url` are kept only for http(s), and a Content-Security-Policy
lets only the report's own script (by hash) run, so markup in an article cannot execute.

The file is streamed twice: once to aggregate (bounded counters, the document index and up to
`max_fact_rows` facts), once to render documents page by page, so memory stays bounded by a page.
"""
from __future__ import annotations

import base64
import hashlib
import html
import logging
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__
from .errors import ArgmineError, Errors
from .inspect import Output, Summary, load, record_title
from .schema import CLAIM_ROLES, COMPETITIVE, COOPERATIVE, NEUTRAL, STANCE_LABELS

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

DEFAULT_PER_PAGE = 50
DEFAULT_TOP_ACTORS = 16
MAX_FACT_ROWS = 2000
MAX_INDEX_ROWS = 5000
SNIPPET = 110
DOT = " \u00b7 "
CLAIM_ID = re.compile(r"^c[0-9]+$")
SHORT = {COOPERATIVE: "coop.", COMPETITIVE: "comp.", NEUTRAL: "neutral"}
ROLE_LETTER = {"major_claim": "M", "claim": "C", "premise": "P"}
ROLE_NAME = {"major_claim": "major claim", "claim": "claim", "premise": "premise"}
META_FIELDS = ("author", "outlet", "published", "date")

# Diverging scale for net cooperation (ColorBrewer RdBu, colour-blind safe): -1 competitive .. +1 cooperative.
HEAT_STOPS = ((-1.0, (178, 24, 43)), (-0.5, (239, 138, 98)), (0.0, (247, 247, 247)),
              (0.5, (103, 169, 207)), (1.0, (33, 102, 172)))
# Edges need a visible middle on a white background.
EDGE_STOPS = ((-1.0, (178, 24, 43)), (0.0, (156, 163, 175)), (1.0, (33, 102, 172)))


@dataclass
class ReportResult:
    path: Path
    documents: int
    pages: int
    pages_dir: Path | None


@dataclass(frozen=True)
class _IndexRow:
    """One line of the document index (kept for every document: plain, small values only)."""

    number: int
    doc_id: str
    title: str | None
    stances: tuple[int, int, int]  # in STANCE_LABELS order
    roles: tuple[int, int, int]  # in CLAIM_ROLES order
    facts: int
    actors: tuple[str, ...]

    @property
    def claims(self) -> int:
        return sum(self.stances)


@dataclass
class _Corpus:
    """What pass 1 collects: counters, the index, the first facts."""

    summary: Summary = field(default_factory=Summary)
    index: list[_IndexRow] = field(default_factory=list)
    facts: list[tuple[int, dict[str, Any], str | None]] = field(default_factory=list)  # (doc number, fact, claim stance)
    total_facts: int = 0
    pages: list[tuple[str, str]] = field(default_factory=list)  # (first id, last id) per page


# --------------------------------------------------------------------------- helpers

def esc(value: Any) -> str:
    """HTML-escape any value for text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def _stance(value: Any) -> str:
    return value if value in STANCE_LABELS else "unknown"


def _role(value: Any) -> str:
    return value if value in CLAIM_ROLES else "unknown"


def _colour(value: float, stops=HEAT_STOPS) -> str:
    if value is None or math.isnan(value):
        return "#ffffff"
    value = max(-1.0, min(1.0, value))
    for (x0, c0), (x1, c1) in zip(stops, stops[1:]):
        if value <= x1:
            t = (value - x0) / (x1 - x0)
            return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(c0, c1))
    return "#" + "".join(f"{c:02x}" for c in stops[-1][1])


def _num(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def _signed(value: float) -> str:
    return "" if value is None or math.isnan(value) else f"{value:+.2f}".replace("-", "\u2212")


def _fact_value(fact: dict[str, Any]) -> str:
    """'USD 39.9 bn', '86 %', '×2', '930 km', '5' (a range as 'USD 3–5 bn'); '' when vague."""
    value, upper = fact.get("value"), fact.get("value_max")
    if not isinstance(value, (int, float)):
        return ""

    def short(v: float) -> str:
        for bound, suffix in ((1e12, " tn"), (1e9, " bn"), (1e6, " m")):
            if abs(v) >= bound:
                return f"{v / bound:,.4g}{suffix}"
        return f"{v:,.6g}"

    text = short(value) + (f"\u2013{short(upper)}" if isinstance(upper, (int, float)) else "")
    unit, kind = fact.get("unit"), fact.get("kind")
    if kind == "percent" or unit == "percent":
        return text + " %"
    if kind == "ratio":
        return "\u00d7" + text
    if kind == "money" and unit:
        return f"{unit} {text}"
    return f"{text} {unit}" if unit else text


def _share(value: Any) -> float:
    """A score as a number in [0, 1] (0 for anything else), for bar widths."""
    return min(1.0, max(0.0, float(value))) if isinstance(value, (int, float)) and not math.isnan(value) else 0.0


def _safe_url(value: Any) -> str | None:
    if isinstance(value, str) and value.strip().lower().startswith(("https://", "http://")):
        return value.strip()
    return None


@lru_cache(maxsize=None)
def _template(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text("utf-8")


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
            f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")


# --------------------------------------------------------------------------- document text

def _valid_span(span: dict[str, Any], length: int) -> bool:
    start, end = span.get("start"), span.get("end")
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    kind: str  # "fact" (drawn outside) or "ent"
    label: str
    title: str
    css: str


def _marks(record: dict[str, Any], length: int) -> list[_Mark]:
    marks = []
    for fact in record.get("facts") or ():
        if _valid_span(fact, length):
            bits = [f"{fact.get('kind')}: {_fact_value(fact) or 'no value'}"]
            bits += [f"{k} {fact[k]}" for k in ("qualifier", "year") if fact.get(k) is not None]
            if fact.get("subject"):
                bits.append(f"subject: {fact['subject']}")
            if fact.get("actors"):
                bits.append("actors " + ", ".join(map(str, fact["actors"])))
            marks.append(_Mark(fact["start"], fact["end"], "fact", str(fact.get("kind") or "fact"),
                               f"{fact.get('id')} \u00b7 " + " \u00b7 ".join(bits), "fact"))
    for ent in record.get("entities") or ():
        if _valid_span(ent, length):
            code = ent.get("code")
            label = code if code and str(code).upper() != str(ent.get("text", "")).upper() else ""
            title = f"{code or 'no code'} \u00b7 {ent.get('label')} \u00b7 {ent.get('mention')}"
            title += " \u00b7 major power" if ent.get("major") else ""
            marks.append(_Mark(ent["start"], ent["end"], "ent", str(label or ""), title,
                               "ent" if code else "ent uncoded"))
    marks.sort(key=lambda m: (m.start, -m.end))
    return marks


def _inline(text: str, lo: int, hi: int, marks: list[_Mark]) -> str:
    """Text of [lo, hi) with the marks overlapping it, nested facts-outside-entities; a mark split
    by another mark's boundary becomes several pieces, the last one carrying its label."""
    if not marks:
        return esc(text[lo:hi])
    cuts = sorted({lo, hi} | {min(max(p, lo), hi) for m in marks for p in (m.start, m.end)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = sorted((m for m in marks if m.start <= a and m.end >= b),
                          key=lambda m: (m.kind != "fact", -(m.end - m.start)))
        piece = esc(text[a:b])
        for m in reversed(covering):
            label_cls = "kind" if m.kind == "fact" else "code"
            label = f'<span class="{label_cls}">{esc(m.label)}</span>' if m.label and m.end == b else ""
            piece = f'<span class="{m.css}" title="{esc(m.title)}">{piece}{label}</span>'
        out.append(piece)
    return "".join(out)


def _claim_title(claim: dict[str, Any], fact_texts: dict[str, str]) -> str:
    role = _role(claim.get("role"))
    lines = [f"{claim.get('id')} \u00b7 {ROLE_NAME.get(role, role)}"
             + (f" ({claim['role_score']:.2f})" if isinstance(claim.get("role_score"), (int, float)) else "")
             + (f" \u2192 supports {claim['supports']}" if claim.get("supports") else "")]
    scores = claim.get("stance_scores") or {}
    ordered = sorted(STANCE_LABELS, key=lambda s: -(scores.get(s) or 0))
    lines.append("stance: " + " | ".join(f"{s} {scores[s]:.2f}" for s in ordered if isinstance(scores.get(s), (int, float))))
    for dyad in claim.get("dyads") or ():
        score = dyad.get("score")
        lines.append(f"{dyad.get('a')}\u2013{dyad.get('b')}: {dyad.get('stance')}"
                     + (f" {score:.2f}" if isinstance(score, (int, float)) else ""))
    if claim.get("facts"):
        lines.append("facts: " + "; ".join(fact_texts.get(f, str(f)) for f in claim["facts"]))
    if claim.get("connective"):
        lines.append(f"connective: {claim['connective']}")
    return "\n".join(lines)


def render_text(record: dict[str, Any], anchor: str) -> str:
    """The document's text as HTML: claims (by stance and role) around entity and fact marks."""
    text = record.get("text") or ""
    length = len(text)
    anchors = _claim_anchors(record, anchor)
    fact_texts = {f.get("id"): f"{f.get('text')} ({_fact_value(f) or f.get('kind')})" for f in record.get("facts") or ()}
    regions: list[tuple[int, int, dict[str, Any] | None]] = []
    pos = 0
    for claim in sorted((c for c in record.get("claims") or () if _valid_span(c, length)), key=lambda c: c["start"]):
        start, end = max(claim["start"], pos), claim["end"]
        if start >= end:  # overlapping claims: the later one is clipped (never in valid output)
            continue
        if start > pos:
            regions.append((pos, start, None))
        regions.append((start, end, claim))
        pos = end
    if pos < length:
        regions.append((pos, length, None))

    marks = _marks(record, length)
    out = []
    active: list[_Mark] = []
    j = 0
    for lo, hi, claim in regions:
        active = [m for m in active if m.end > lo]
        while j < len(marks) and marks[j].start < hi:
            if marks[j].end > lo:
                active.append(marks[j])
            j += 1
        inner = _inline(text, lo, hi, active)
        if claim is None:
            out.append(inner)
            continue
        out.append(_claim_span(claim, inner, anchors, _claim_title(claim, fact_texts)))
    return "".join(out)


def _claim_anchors(record: dict[str, Any], anchor: str) -> dict[str, str]:
    """Claim id -> HTML id: `d<doc>-<claim id>` for ids like c12 (what facts link to), else by position."""
    anchors: dict[str, str] = {}
    for i, claim in enumerate(record.get("claims") or (), start=1):
        cid = claim.get("id")
        if cid in anchors:
            continue
        anchors[cid] = f"{anchor}-{cid}" if isinstance(cid, str) and CLAIM_ID.match(cid) else f"{anchor}-x{i}"
    return anchors


def _code_pills(codes: list[str]) -> str:
    return " ".join(f'<span class="pill code">{esc(c)}</span>' for c in codes)


def _claim_span(claim: dict[str, Any], inner: str, anchors: dict[str, str], title: str) -> str:
    stance, role = _stance(claim.get("stance")), _role(claim.get("role"))
    own = anchors.get(claim.get("id"), "")
    target = anchors.get(claim.get("supports")) if claim.get("supports") else None
    link = ""
    if claim.get("supports"):
        link = (f' <a href="#{target}">\u2192{esc(claim["supports"])}</a>' if target
                else f" \u2192{esc(claim['supports'])}")
    tag = f'<span class="tag">{esc(claim.get("id"))} {ROLE_LETTER.get(role, "?")}{link}</span>'
    supports = f' data-supports="{target}"' if target else ""
    return (f'<span class="claim s-{stance} r-{role}" id="{own}"{supports} title="{esc(title)}">'
            f"{tag}{inner}</span>")


def render_tree(record: dict[str, Any], anchor: str) -> str:
    """The argument structure: claims without a (known) supported claim at the top, premises below."""
    claims = record.get("claims") or []
    if not claims:
        return ""
    anchors = _claim_anchors(record, anchor)
    children: dict[str, list[dict[str, Any]]] = {}
    roots = []
    for claim in claims:
        parent = claim.get("supports")
        if parent in anchors and parent != claim.get("id"):
            children.setdefault(parent, []).append(claim)
        else:
            roots.append(claim)

    def item(claim: dict[str, Any], seen: frozenset) -> str:
        stance, role = _stance(claim.get("stance")), _role(claim.get("role"))
        scores = claim.get("stance_scores") or {}
        bar = "".join(f'<span class="{s}" style="width:{100 * _share(scores.get(s)):.0f}%"></span>' for s in STANCE_LABELS)
        score = scores.get(claim.get("stance"))
        snippet = str(claim.get("text") or "")
        snippet = snippet if len(snippet) <= SNIPPET else snippet[:SNIPPET - 1].rstrip() + "\u2026"
        dyads = " ".join(f'<span class="pill {_stance(d.get("stance"))}">{esc(d.get("a"))}\u2013{esc(d.get("b"))}</span>'
                         for d in claim.get("dyads") or ())
        nested = ""
        cid = claim.get("id")
        if cid in children and cid not in seen:
            nested = "<ul>" + "".join(item(c, seen | {cid}) for c in children[cid]) + "</ul>"
        return (f'<li><a class="mono" href="#{anchors.get(cid, "")}">{esc(cid)}</a> '
                f'<span class="pill role">{esc(ROLE_NAME.get(role, role))}</span> '
                f'<span class="pill {stance}">{esc(stance)}'
                + (f" {score:.2f}" if isinstance(score, (int, float)) else "") + "</span>"
                f'<span class="scores" title="cooperative / competitive / neutral">{bar}</span>'
                f'<span class="snippet">{esc(snippet)}</span> {dyads}{nested}</li>')

    return ('<details class="structure" open><summary>Argument structure: '
            f'{len(claims)} units (hover a claim in the text for its scores)</summary>'
            f'<ul class="tree">{"".join(item(c, frozenset()) for c in roots)}</ul></details>')


def render_document(record: dict[str, Any], number: int) -> str:
    anchor = f"d{number}"
    title = record_title(record) or str(record.get("id"))
    meta = record.get("meta") or {}
    bits = [f'<code>{esc(record.get("id"))}</code>', esc(record.get("source"))]
    profile = (record.get("pipeline") or {}).get("profile")
    if profile:
        bits.append(f"profile {esc(profile)}")
    bits += [esc(meta[k]) for k in META_FIELDS if isinstance(meta.get(k), (str, int, float)) and str(meta[k]).strip()]
    url = _safe_url(meta.get("url"))
    if url:
        bits.append(f'<a href="{esc(url)}" rel="noopener noreferrer" target="_blank">original</a>')
    claims = record.get("claims") or []
    stances = Counter(_stance(c.get("stance")) for c in claims)
    counts = [f"<b>{len(claims)}</b> argumentative units"]
    counts += [f'<span class="pill {s}">{stances[s]} {s}</span>' for s in STANCE_LABELS if stances[s]]
    counts.append(f"<b>{len(record.get('facts') or ())}</b> facts")
    mentions = Counter(e.get("code") for e in record.get("entities") or () if e.get("code"))
    counts += [f'<span class="pill code" title="{n} mentions">{esc(code)}</span>' for code, n in mentions.most_common(8)]
    body = render_text(record, anchor) if record.get("text") else '<span class="empty">empty text</span>'
    if not claims:
        body += '\n<span class="empty">(no argumentative units found)</span>'
    return (f'<article class="doc card" id="{anchor}"><h3><span class="num">#{number}</span>{esc(title)}</h3>'
            f'<div class="doc-meta">{DOT.join(bits)}</div>'
            f'<div class="doc-counts">{" ".join(counts)}</div>'
            f'<div class="doc-text">{body}</div>{render_tree(record, anchor)}</article>')


# --------------------------------------------------------------------------- corpus views

def select_actors(summary: Summary, top: int) -> list[str]:
    """The `top` actors taking part in the most dyad claims (ties by code)."""
    weight: Counter = Counter()
    for (a, b), counts in summary.dyads.items():
        weight[a] += counts.claims
        weight[b] += counts.claims
    return [code for code, _ in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def _dyad_title(row: dict[str, Any]) -> str:
    return (f"{row['a']}\u2013{row['b']}: {row['claims']} claims \u2014 {row[COOPERATIVE]} cooperative, "
            f"{row[COMPETITIVE]} competitive, {row[NEUTRAL]} neutral; net {_signed(row['net'])} "
            f"(95% interval {_signed(row['net_low'])} to {_signed(row['net_high'])}); {row['docs']} documents")


def render_heatmap(summary: Summary, actors: list[str]) -> str:
    """Actors x actors, cell colour = net cooperation, number = claims; tooltips give the details."""
    rows = {(r["a"], r["b"]): r for r in summary.relation_rows()}
    longest = max((len(code) for code in actors), default=3)
    tilt = longest > 4  # codes up to 6 letters: slant the column labels so they do not overlap
    cell, left, top = 34, 14 + 8 * longest, (14 + 6 * longest if tilt else 44)
    size = len(actors)
    width, height = left + cell * size + 10, top + cell * size + 10
    parts = [f'<svg id="heatmap" class="heatmap" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="Net cooperation between actors">']
    for i, code in enumerate(actors):
        x = left + i * cell + cell / 2
        y = top - 8
        turn = f' transform="rotate(-45 {x:.0f} {y})"' if tilt else ""
        anchor = "start" if tilt else "middle"
        parts.append(f'<text x="{x:.0f}" y="{y}" text-anchor="{anchor}"{turn} font-size="11" font-weight="600">'
                     f"{esc(code)}</text>")
        parts.append(f'<text x="{left - 8}" y="{top + i * cell + cell / 2 + 4:.0f}" text-anchor="end" font-size="11" '
                     f'font-weight="600">{esc(code)}</text>')
    for i, a in enumerate(actors):
        for j, b in enumerate(actors):
            x, y = left + j * cell, top + i * cell
            if i == j:
                parts.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="#e5e7eb"/>')
                continue
            row = rows.get(tuple(sorted((a, b))))
            if row is None:
                parts.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="#fafafa" '
                             f'stroke="#eceff2"/>')
                continue
            fill = _colour(row["net"])
            ink = "#ffffff" if abs(row["net"]) > 0.6 else "#1f2933"
            parts.append(f'<g class="cell" data-dyad="{esc(row["dyad"])}" data-net="{row["net"]:.3f}" '
                         f'data-claims="{row["claims"]}"><title>{esc(_dyad_title(row))}</title>'
                         f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" rx="3" fill="{fill}" stroke="#cfd5dc"/>'
                         f'<text x="{x + (cell - 2) / 2:.0f}" y="{y + cell / 2 + 3:.0f}" text-anchor="middle" '
                         f'font-size="11" fill="{ink}">{row["claims"]}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def render_scale() -> str:
    """The colour scale of net cooperation, from -1 (competitive) to +1 (cooperative)."""
    stops = "".join(f'<stop offset="{(x + 1) / 2:.2f}" stop-color="{_colour(x)}"/>' for x in (-1, -0.5, 0, 0.5, 1))
    return ('<svg class="scale" viewBox="0 0 300 34" width="300" height="34" role="img" aria-label="colour scale">'
            f'<defs><linearGradient id="netscale">{stops}</linearGradient></defs>'
            '<rect x="10" y="4" width="280" height="12" rx="3" fill="url(#netscale)" stroke="#cfd5dc"/>'
            '<text x="10" y="30" font-size="11">\u22121 competitive</text>'
            '<text x="150" y="30" font-size="11" text-anchor="middle">0</text>'
            '<text x="290" y="30" font-size="11" text-anchor="end">+1 cooperative</text></svg>')


def render_network(summary: Summary, actors: list[str]) -> str:
    """Actors on a circle; an edge per dyad, colour = net stance, width = number of claims."""
    size, radius = 460, 165
    cx = cy = size / 2
    # Alternate busy and quiet actors around the circle so the heaviest edges become long chords
    # instead of short strokes hidden between big neighbouring nodes.
    half = (len(actors) + 1) // 2
    ring = [code for pair in zip(actors[:half], actors[half:] + [None]) for code in pair if code]
    position = {}
    for i, code in enumerate(ring):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(actors), 1)
        position[code] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle)
    edges = [r for r in summary.relation_rows() if r["a"] in position and r["b"] in position]
    most = max((r["claims"] for r in edges), default=1)
    involvement = Counter()
    for r in edges:
        involvement[r["a"]] += r["claims"]
        involvement[r["b"]] += r["claims"]
    busiest = max(involvement.values(), default=1)
    parts = [f'<svg id="network" class="network" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
             f'role="img" aria-label="Network of actors">']
    for r in sorted(edges, key=lambda r: r["claims"]):
        (x1, y1, _), (x2, y2, _) = position[r["a"]], position[r["b"]]
        width = 1.5 + 7 * math.sqrt(r["claims"] / most)
        parts.append(f'<line class="edge" data-dyad="{esc(r["dyad"])}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
                     f'y2="{y2:.1f}" stroke="{_colour(r["net"], EDGE_STOPS)}" stroke-width="{width:.1f}" '
                     f'stroke-linecap="round" opacity="0.85"><title>{esc(_dyad_title(r))}</title></line>')
    for code, (x, y, angle) in position.items():
        r = 7 + 11 * math.sqrt(involvement[code] / busiest)
        lx, ly = cx + (radius + r + 14) * math.cos(angle), cy + (radius + r + 14) * math.sin(angle)
        anchor = "middle" if abs(math.cos(angle)) < 0.3 else ("start" if math.cos(angle) > 0 else "end")
        parts.append(f'<g class="node" data-actor="{esc(code)}"><title>{esc(code)}: {involvement[code]} dyad claims</title>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#1d2b3a" stroke="#fff" stroke-width="2"/>'
                     f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" font-size="12" font-weight="700">'
                     f'{esc(code)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _stance_bar(counts: Counter) -> str:
    total = sum(counts[s] for s in STANCE_LABELS)
    if not total:
        return '<div class="bar"></div>'
    spans = "".join(f'<span class="{s}" style="width:{100 * counts[s] / total:.2f}%" title="{counts[s]} {s}"></span>'
                    for s in STANCE_LABELS if counts[s])
    return f'<div class="bar">{spans}</div>'


def _thead(*labels: str, numeric: tuple[str, ...] = ()) -> str:
    """A header row; labels are the report's own (trusted) HTML. Numeric columns align right and sort as numbers."""
    cells = "".join(f'<th class="num">{label}</th>' if label in numeric else f"<th>{label}</th>" for label in labels)
    return f"<thead><tr>{cells}</tr></thead>"


def _td(value: Any, *, num: bool = False, sort: Any = None) -> str:
    """A cell of escaped text (`value` is never trusted); `sort` is the key used by the table sorter."""
    attrs = (' class="num"' if num else "") + (f' data-sort="{esc(sort)}"' if sort is not None else "")
    return f"<td{attrs}>{esc(value)}</td>"


def _filter_box(table_id: str, placeholder: str) -> str:
    return (f'<input class="filter" type="search" placeholder="{placeholder}" data-table="{table_id}" '
            f'aria-label="{placeholder}">')


def render_overview(corpus: _Corpus, source: str) -> str:
    s = corpus.summary
    by_stance, by_role = s.claims_by("stance"), s.claims_by("role")
    stats = [(s.documents, "documents"), (s.total_claims, "argumentative units"), (s.entities, "actor mentions"),
             (len(s.dyads), "dyads"), (s.total_facts, "facts")]
    cards = "".join(f'<div class="stat"><div class="n">{n:,}</div><div class="l">{label}</div></div>' for n, label in stats)
    legend = "".join(f'<span><span class="sw {st}"></span>{st} {by_stance[st]:,}</span>' for st in STANCE_LABELS)
    roles = "".join(f"<tr>{_td(ROLE_NAME[r])}" + "".join(_td(f"{s.claims[(r, st)]:,}", num=True) for st in STANCE_LABELS)
                    + f'<td class="num"><b>{by_role[r]:,}</b></td></tr>' for r in CLAIM_ROLES)
    roles += ("<tr><td><b>all</b></td>" + "".join(f'<td class="num"><b>{by_stance[st]:,}</b></td>' for st in STANCE_LABELS)
              + f'<td class="num"><b>{s.total_claims:,}</b></td></tr>')
    stance_heads = [f'<span class="sw {st}"></span>{SHORT[st]}' for st in STANCE_LABELS]
    actors = "".join(f'<tr><td><span class="pill code">{esc(c)}</span></td>{_td(f"{n:,}", num=True)}'
                     f'{_td(f"{d:,}", num=True)}{_td(f"{m:,}", num=True)}</tr>' for c, n, d, m in s.top_actors(10))
    kinds = "".join(f"<tr>{_td(k)}{_td(f'{n:,}', num=True)}</tr>"
                    for k, n in sorted(s.facts_by_kind().items(), key=lambda kv: (-kv[1], str(kv[0]))))
    return f"""<section id="overview"><h2>Overview <span class="sub">{esc(source)}</span></h2>
<div class="cards">{cards}</div>
<div class="card"><h3>Claims by stance</h3>{_stance_bar(by_stance)}<div class="legend" style="margin-top:6px">{legend}</div></div>
<div class="grid3">
<div class="card"><h3>Claims by role and stance</h3>
<table>{_thead("role", *stance_heads, "total", numeric=(*stance_heads, "total"))}<tbody>{roles}</tbody></table>
<p class="note">{s.premises_linked:,} of {by_role["premise"]:,} premises linked to the claim they support.</p></div>
<div class="card"><h3>Top actors</h3>
<table>{_thead("actor", "claims", "docs", "mentions", numeric=("claims", "docs", "mentions"))}<tbody>{actors}</tbody></table></div>
<div class="card"><h3>Facts by kind</h3>
<table>{_thead("kind", "facts", numeric=("facts",))}<tbody>{kinds or '<tr><td class="empty">none</td><td></td></tr>'}</tbody></table>
<p class="note">{s.facts_in_claims:,} of {s.total_facts:,} facts sit inside a claim.</p></div>
</div></section>"""


def render_relations(corpus: _Corpus, top_actors: int) -> str:
    s = corpus.summary
    rows = s.relation_rows()
    if not rows:
        return ('<section id="relations"><h2>Relations between actors</h2>'
                '<p class="empty">No dyads in this output.</p></section>')
    actors = select_actors(s, top_actors)
    in_dyads = len({code for r in rows for code in (r["a"], r["b"])})
    shown = f"the {len(actors)} actors in most dyad claims" if len(actors) < in_dyads else f"all {len(actors)} actors in dyads"
    body = "".join(
        f'<tr><td><span class="sw" style="background:{_colour(r["net"], EDGE_STOPS)}"></span>'
        f'<b>{esc(r["a"])}\u2013{esc(r["b"])}</b></td>'
        + "".join(_td(f"{r[k]:,}", num=True) for k in ("claims", COOPERATIVE, COMPETITIVE, NEUTRAL))
        + _td(_signed(r["net"]), num=True, sort=f'{r["net"]:.4f}')
        + _td(f'{_signed(r["net_low"])} to {_signed(r["net_high"])}', num=True, sort=f'{r["net_low"]:.4f}')
        + _td(f'{r["mean_score"]:.2f}', num=True) + _td(f'{r["docs"]:,}', num=True) + "</tr>" for r in rows)
    numeric = ("claims", "coop.", "comp.", "neutral", "net", "95% interval", "mean score", "docs")
    return f"""<section id="relations"><h2>Relations between actors <span class="sub">{shown}</span></h2>
<div class="grid2">
<div class="card"><h3>Net cooperation matrix</h3>{render_heatmap(s, actors)}{render_scale()}
<p class="note">Colour: net cooperation = (cooperative \u2212 competitive) / claims about the pair; number: claims.
Hover a cell for the counts and the 95% interval.</p></div>
<div class="card"><h3>Network of actors</h3>{render_network(s, actors)}
<p class="note">Edge colour: net stance (red competitive, grey mixed or neutral, blue cooperative); width: number of
claims; node size: claims involving the actor.</p></div>
</div>
<div class="card"><h3>Dyads <span class="sub">{len(rows):,}; click a header to sort</span></h3>
<div class="scroll"><table class="sortable" id="dyads">{_thead("dyad", *numeric, numeric=numeric)}<tbody>{body}</tbody></table></div>
<p class="note">Interval: Wilson score interval on (net + 1) / 2 over the claims, exact without neutral claims and
conservative with them.</p></div>
</section>"""


def render_facts(corpus: _Corpus, href) -> str:
    if not corpus.facts:
        return '<section id="facts"><h2>Facts</h2><p class="empty">No facts in this output.</p></section>'
    rows = []
    for number, fact, stance in corpus.facts:
        value, claim = fact.get("value"), fact.get("claim")
        claim_cell = (f'<td class="nowrap"><a href="{href(number, claim)}">{esc(claim)}</a> '
                      f'<span class="pill {_stance(stance)}">{esc(stance)}</span></td>' if claim else "<td></td>")
        rows.append(
            f'<tr><td class="num" data-sort="{number}"><a href="{href(number)}">#{number}</a></td>'
            + _td(fact.get("text")) + _td(fact.get("kind"))
            + _td(_fact_value(fact), num=True, sort=f"{value:.6g}" if isinstance(value, (int, float)) else "")
            + "".join(_td(fact.get(k)) for k in ("unit", "qualifier")) + _td(fact.get("year"), num=True)
            + _td(fact.get("subject")) + _td(", ".join(map(str, fact.get("actors") or ()))) + claim_cell + "</tr>")
    more = (f'<p class="note">Showing the first {len(corpus.facts):,} of {corpus.total_facts:,} facts; '
            f'<code>argmine inspect facts OUT.jsonl -o facts.csv</code> writes them all.</p>'
            if corpus.total_facts > len(corpus.facts) else "")
    head = _thead("doc", "text", "kind", "value", "unit", "qualifier", "year", "subject", "actors", "claim",
                  numeric=("doc", "value", "year"))
    return f"""<section id="facts"><h2>Facts <span class="sub">{corpus.total_facts:,}; click a header to sort</span></h2>
<div class="card">{_filter_box("facts-table", "Filter facts (text, unit, actor...)")}
<div class="scroll"><table class="sortable" id="facts-table">{head}<tbody>{"".join(rows)}</tbody></table></div>{more}</div>
</section>"""


def render_index(corpus: _Corpus, href, per_page: int, page_href) -> str:
    total = len(corpus.index)
    if total > MAX_INDEX_ROWS:  # list the pages, not every document
        items = "".join(f'<tr><td><a href="{page_href(p) or "#documents"}">page {p}</a></td>'
                        + _td(f"#{(p - 1) * per_page + 1:,}\u2013#{min(p * per_page, total):,}", num=True)
                        + _td(f"{first} \u2026 {last}") + "</tr>" for p, (first, last) in enumerate(corpus.pages, start=1))
        return (f'<section id="index"><h2>Documents <span class="sub">{total:,} in {len(corpus.pages):,} pages</span></h2>'
                f'<div class="card"><div class="scroll"><table>{_thead("page", "documents", "ids", numeric=("documents",))}'
                f"<tbody>{items}</tbody></table></div></div></section>")
    rows = []
    for row in corpus.index:
        competitive_share = row.stances[1] / row.claims if row.claims else 0
        rows.append(
            f'<tr>{_td(row.number, num=True)}<td><a href="{href(row.number)}">{esc(row.doc_id)}</a></td>{_td(row.title)}'
            f'{_td(row.claims, num=True)}<td data-sort="{competitive_share:.3f}">'
            f'{_stance_bar(Counter(dict(zip(STANCE_LABELS, row.stances))))}</td>'
            f'{_td("/".join(map(str, row.roles)), num=True)}{_td(row.facts, num=True)}<td>{_code_pills(row.actors)}</td>'
            f"{_td((row.number - 1) // per_page + 1, num=True)}</tr>")
    head = _thead("#", "id", "title", "units", "stance (sorts by share competitive)", "M/C/P", "facts", "actors", "page",
                  numeric=("#", "units", "M/C/P", "facts", "page"))
    return (f'<section id="index"><h2>Documents <span class="sub">{total:,}; click a header to sort</span></h2>'
            f'<div class="card">{_filter_box("doc-index", "Filter documents")}<div class="scroll">'
            f'<table class="sortable" id="doc-index">{head}<tbody>{"".join(rows)}</tbody></table></div></div></section>')


LEGEND = """<div class="card legend" id="legend"><b>Legend</b>
<span class="claim s-cooperative r-claim sample">cooperative</span>
<span class="claim s-competitive r-claim sample">competitive</span>
<span class="claim s-neutral r-claim sample">neutral</span>
<span class="claim s-neutral r-major_claim sample">major claim</span>
<span class="claim s-neutral r-claim sample">claim</span>
<span class="claim s-neutral r-premise sample">premise (dashed)</span>
<span><span class="tag">c3 P \u2192c1</span>id, role, supported claim</span>
<span class="ent">Beijing<span class="code">CHN</span></span>
<span class="fact">$5 billion<span class="kind">money</span></span>
<span class="note">Hover for scores; hovering a premise outlines the claim it supports.</span></div>"""


# --------------------------------------------------------------------------- pages

def _page_shell(title: str, nav: str, body: str, footer: str) -> str:
    script = _template("report.js")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{_csp(script)}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">'
            f"<title>{esc(title)}</title><style>{_template('report.css')}</style></head>\n"
            f'<body><header class="top"><span class="brand">argmine</span><h1>{esc(title)}</h1><nav>{nav}</nav></header>\n'
            f"<main>{body}</main>\n<footer>{footer}</footer>\n<script>{script}</script></body></html>\n")


def _pager(current: int, pages: int, page_href) -> str:
    if pages <= 1:
        return ""
    shown = sorted({1, pages, current - 2, current - 1, current, current + 1, current + 2} & set(range(1, pages + 1)))
    items, last = [], 0
    if current > 1:
        items.append(f'<a href="{page_href(current - 1)}" rel="prev">\u2190 previous</a>')
    for p in shown:
        if p - last > 1:
            items.append("<span>\u2026</span>")
        items.append(f'<span class="current">page {p}</span>' if p == current else f'<a href="{page_href(p)}">{p}</a>')
        last = p
    if current < pages:
        items.append(f'<a href="{page_href(current + 1)}" rel="next">next \u2192</a>')
    return f'<nav class="pager" aria-label="pages">{"".join(items)}</nav>'


def _atomic_write(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise ArgmineError(Errors.E013.format(path=path, detail=err.strerror or err)) from None


def _collect(output: Output, wanted: set[str] | None, per_page: int, max_fact_rows: int) -> _Corpus:
    corpus = _Corpus()
    for record in output.records():
        if wanted is not None and record.get("id") not in wanted:
            continue
        number = len(corpus.index) + 1
        corpus.summary.add(record)
        claims = record.get("claims") or []
        mentions = Counter(e.get("code") for e in record.get("entities") or () if e.get("code"))
        stances, roles = Counter(c.get("stance") for c in claims), Counter(c.get("role") for c in claims)
        corpus.index.append(_IndexRow(number, str(record.get("id")), record_title(record),
                                      tuple(stances[s] for s in STANCE_LABELS), tuple(roles[r] for r in CLAIM_ROLES),
                                      len(record.get("facts") or ()), tuple(c for c, _ in mentions.most_common(5))))
        stances = {c.get("id"): c.get("stance") for c in claims}
        for fact in record.get("facts") or ():
            corpus.total_facts += 1
            if len(corpus.facts) < max_fact_rows:
                corpus.facts.append((number, fact, stances.get(fact.get("claim"))))
        if (number - 1) % per_page == 0:
            corpus.pages.append((str(record.get("id")), str(record.get("id"))))
        else:
            corpus.pages[-1] = (corpus.pages[-1][0], str(record.get("id")))
    return corpus


def write_report(source: Output | str | Path, output: str | Path, *, per_page: int = DEFAULT_PER_PAGE,
                 top_actors: int = DEFAULT_TOP_ACTORS, docs: list[str] | None = None, title: str | None = None,
                 max_fact_rows: int = MAX_FACT_ROWS) -> ReportResult:
    """Write the HTML report of an argmine output.

    Args:
        source: an `Output` (see `pipeline.inspect.load`) or the path of an output JSONL.
        output: the HTML file; pages after the first go to `<stem>_pages/` beside it.
        per_page: documents per page.
        top_actors: actors shown in the heatmap and the network (those in the most dyad claims).
        docs: only these document ids.
        title: the report's title (default: "argmine report: <file name>").
        max_fact_rows: facts listed in the facts table (the counts cover all of them).

    Returns:
        The path written, the number of documents and pages, and the folder of further pages.
    """
    if per_page < 1:
        raise ValueError(f"--per-page = {per_page}; expected a positive number.")
    out = source if isinstance(source, Output) else load(source)
    output = Path(output)
    wanted = set(docs) if docs else None
    corpus = _collect(out, wanted, per_page, max_fact_rows)
    if wanted is not None and not corpus.index:
        raise ValueError(f"{out.name}: no document with id " + ", ".join(repr(d) for d in sorted(wanted)))
    pages = max(1, len(corpus.pages))
    pages_dir = output.with_name(output.stem + "_pages")
    title = title or f"argmine report: {Path(out.name).name}"

    def page_file(page: int) -> Path:
        return output if page == 1 else pages_dir / f"page-{page:04d}.html"

    def linker(from_page: int):
        def page_href(page: int) -> str:
            if page == from_page:
                return ""
            if page == 1:
                return f"../{output.name}"
            return f"page-{page:04d}.html" if from_page > 1 else f"{pages_dir.name}/page-{page:04d}.html"

        def doc_href(number: int, claim: str | None = None) -> str:
            page = (number - 1) // per_page + 1
            anchor = f"d{number}"
            if isinstance(claim, str) and CLAIM_ID.match(claim):
                anchor += f"-{claim}"
            return f"{page_href(page)}#{anchor}"
        return page_href, doc_href

    footer = (f"argmine {esc(__version__)} report of {esc(out.name)}: {corpus.summary.documents:,} documents"
              " \u00b7 self-contained: opens without network")
    for stale in sorted(pages_dir.glob("page-*.html")) if pages_dir.is_dir() else ():
        stale.unlink()  # pages of an earlier, longer report

    page, buffer, written = 1, [], 0
    for record in out.records():
        if wanted is not None and record.get("id") not in wanted:
            continue
        written += 1
        buffer.append(render_document(record, written))
        if len(buffer) == per_page or written == len(corpus.index):
            _write_page(page, pages, buffer, corpus, out, title, footer, top_actors, per_page, page_file(page), linker)
            page, buffer = page + 1, []
    if written == 0:
        _write_page(1, 1, [], corpus, out, title, footer, top_actors, per_page, output, linker)
    if written != len(corpus.index):
        raise ArgmineError(Errors.E015.format(path=out.name, detail="the file changed while the report was written"))
    return ReportResult(output, len(corpus.index), pages, pages_dir if pages > 1 else None)


def _write_page(page: int, pages: int, documents: list[str], corpus: _Corpus, out: Output, title: str, footer: str,
                top_actors: int, per_page: int, path: Path, linker) -> None:
    page_href, doc_href = linker(page)
    pager = _pager(page, pages, page_href)
    first = (page - 1) * per_page + 1
    docs_head = (f'<h2 id="documents">Documents <span class="sub">#{first:,}\u2013#{first + len(documents) - 1:,} '
                 f'of {len(corpus.index):,}</span></h2>' if documents else "")
    if page == 1:
        nav = ('<a href="#overview">Overview</a><a href="#relations">Relations</a><a href="#facts">Facts</a>'
               '<a href="#index">Index</a><a href="#documents">Documents</a>')
        body = (render_overview(corpus, out.name) + render_relations(corpus, top_actors)
                + render_facts(corpus, doc_href) + render_index(corpus, doc_href, per_page, page_href)
                + docs_head + LEGEND + pager + "".join(documents) + pager)
    else:
        nav = (f'<a href="{page_href(1)}#overview">Overview</a><a href="{page_href(1)}#relations">Relations</a>'
               f'<a href="{page_href(1)}#index">Index</a>')
        body = docs_head + LEGEND + pager + "".join(documents) + pager
    _atomic_write(path, _page_shell(title if page == 1 else f"{title} (page {page})", nav, body, footer))


def iter_pages(result: ReportResult) -> Iterator[Path]:
    """The files of a written report, page 1 first."""
    yield result.path
    if result.pages_dir is not None:
        yield from sorted(result.pages_dir.glob("page-*.html"))
