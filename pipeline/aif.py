"""Argument maps as xAIF, the JSON form of the Argument Interchange Format read by the Open
Argument Mining Framework (OAMF) and OVA.

One document becomes one map, following Inference Anchoring Theory (Budzynska et al. 2016):

- each claim is a locution (L-node, "<speaker>: <text>") anchored by an "Asserting" YA-node
  to its proposition (I-node, the claim's text); one participant, the author, speaks them all;
- a `supports` link (premise -> claim) becomes an RA-node ("Default Inference"):
  premise I -> RA -> supported I;
- a contrastive connective becomes a CA-node ("Default Conflict"): attacker I -> CA -> attacked I.

The conflict rule (`conflicts`) reads the connective the segmenter kept on each unit. The
connectives are those of the Comparison class of the Penn Discourse Treebank 2.0 (Prasad et
al. 2008); the direction follows the argumentative microtexts (Peldszus & Stede 2016), where
"X, but Y" is the author's counter to X and "Although X, Y" concedes an objection X to Y:

- adversative ("but", "however", "yet", "nevertheless", "nonetheless", "on the other hand",
  "on the contrary"): the unit attacks the unit before it;
- concessive or contrastive subordinator ("although", "though", "even though", "while",
  "whereas", "albeit"): the unit attacks the main clause it is attached to, which is the next
  unit of the same sentence when the subordinate clause opens the sentence ("Although X, Y"),
  else the unit before it ("Y, while X");
- no conflict is drawn between two units already joined by a support link (the annotation or
  the role model said more than the connective does), nor from a unit to itself.

The maps carry no transitions (TA-nodes) between locutions: an essay has one speaker and no
dialogue moves. A top-level "argmine" section (xAIF allows additional sections) maps each
node back to its claim id and character offsets.
"""
from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

ADVERSATIVE = ("but", "however", "yet", "nevertheless", "nonetheless", "on the other hand", "on the contrary")
CONCESSIVE = ("although", "though", "even though", "while", "whereas", "albeit")
_ADVERSATIVE = re.compile(r"\b(?:" + "|".join(map(re.escape, ADVERSATIVE)) + r")\b")
_CONCESSIVE = re.compile(r"\b(?:" + "|".join(map(re.escape, CONCESSIVE)) + r")\b")

ASSERTING, INFERENCE, CONFLICT = "Asserting", "Default Inference", "Default Conflict"
NODE_TYPES = frozenset({"I", "L", "RA", "CA", "MA", "TA", "YA", "PA"})
RELATION_TYPES = frozenset({"RA", "CA", "MA", "PA"})
DEFAULT_SPEAKER = ("Author", "Unknown")


def supports(claims: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(supporting id, supported id) for every `supports` link whose target is a claim of the document."""
    ids = {c["id"] for c in claims}
    links = []
    for claim in claims:
        target = claim.get("supports")
        if target is None:
            continue
        if target not in ids or target == claim["id"]:
            logger.warning("claim %s supports %r, which is not another claim of the document; link left out",
                           claim["id"], target)
            continue
        links.append((claim["id"], target))
    return links


def conflicts(claims: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(attacker id, attacked id) pairs found by the contrastive-connective rule (module docstring)."""
    linked = {frozenset(pair) for pair in supports(claims)}
    ordered = sorted(claims, key=lambda c: c["start"])
    pairs = []
    for i, claim in enumerate(ordered):
        connective = (claim.get("connective") or "").lower()
        if _ADVERSATIVE.search(connective):
            target = ordered[i - 1] if i > 0 else None
        elif _CONCESSIVE.search(connective):
            opens_sentence = i == 0 or ordered[i - 1].get("sentence") != claim.get("sentence")
            if opens_sentence:
                following = ordered[i + 1] if i + 1 < len(ordered) else None
                target = following if following and following.get("sentence") == claim.get("sentence") else None
            else:
                target = ordered[i - 1]
        else:
            continue
        if target is None or frozenset((claim["id"], target["id"])) in linked:
            continue
        pairs.append((claim["id"], target["id"]))
    return pairs


def speaker(record: dict[str, Any]) -> tuple[str, str]:
    """(first name, surname) of the author, from `meta.author` when the input gave one."""
    author = (record.get("meta") or {}).get("author")
    if isinstance(author, str) and author.split():
        first, _, rest = author.strip().partition(" ")
        return first, rest.strip() or DEFAULT_SPEAKER[1]
    return DEFAULT_SPEAKER


def record_to_xaif(record: dict[str, Any]) -> dict[str, Any]:
    """The xAIF map of one argmine document record."""
    claims = sorted(record["claims"], key=lambda c: c["start"])
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []

    def node(kind: str, text: str) -> str:
        node_id = str(len(nodes) + 1)
        nodes.append({"nodeID": node_id, "text": text, "type": kind})
        return node_id

    def edge(source: str, target: str) -> None:
        edges.append({"edgeID": len(edges) + 1, "fromID": source, "toID": target})

    first, surname = speaker(record)
    person = 1
    locutions, units, i_node = [], [], {}
    for claim in claims:
        l_id = node("L", f"{first} {surname}: {claim['text']}")
        ya_id = node("YA", ASSERTING)
        i_id = node("I", claim["text"])
        edge(l_id, ya_id)
        edge(ya_id, i_id)
        locutions.append({"nodeID": l_id, "personID": person})
        i_node[claim["id"]] = i_id
        units.append({"claim": claim["id"], "I": i_id, "L": l_id, "YA": ya_id, "start": claim["start"],
                      "end": claim["end"], "role": claim.get("role"), "stance": claim.get("stance")})
    relations = []
    for kind, text, pairs in (("RA", INFERENCE, supports(claims)), ("CA", CONFLICT, conflicts(claims))):
        for source, target in pairs:
            s_id = node(kind, text)
            edge(i_node[source], s_id)
            edge(s_id, i_node[target])
            relations.append({"node": s_id, "type": kind, "from": source, "to": target})
    return {
        "AIF": {
            "nodes": nodes,
            "edges": edges,
            "locutions": locutions,
            "participants": [{"participantID": person, "firstname": first, "surname": surname}],
            "schemefulfillments": [],
            "descriptorfulfillments": [],
        },
        "text": record["text"],
        "dialog": False,
        "argmine": {"document": record["id"], "source": record.get("source"), "units": units,
                    "relations": relations},
    }


def xaif_problems(xaif: Any) -> list[str]:
    """What in `xaif` breaks the structure OAMF modules and OVA read; empty when it is sound.

    Checked: the root (`AIF` with `nodes`, `edges`, `locutions`, `participants`, and `text`);
    node ids unique, types known, texts strings; edges between existing nodes with unique ids;
    no I-I or L-I edge (propositions are joined only through relation nodes, locutions only
    through YA-nodes); RA/CA/MA/PA with at least one incoming and exactly one outgoing edge;
    YA-nodes with one incoming and one outgoing edge; every L-node with a locution whose
    speaker is a participant.
    """
    if not isinstance(xaif, dict) or not isinstance(xaif.get("AIF"), dict):
        return ["<root>: expected an object with an 'AIF' object"]
    aif, problems = xaif["AIF"], []
    if not isinstance(xaif.get("text"), (str, dict)):
        problems.append("<root>: 'text' missing")
    for key in ("nodes", "edges", "locutions", "participants"):
        if not isinstance(aif.get(key), list):
            problems.append(f"AIF.{key}: expected a list")
    if problems:
        return problems
    types: dict[Any, str] = {}
    for i, n in enumerate(aif["nodes"]):
        if not isinstance(n, dict) or "nodeID" not in n:
            problems.append(f"AIF.nodes[{i}]: no nodeID")
            continue
        if n["nodeID"] in types:
            problems.append(f"AIF.nodes[{i}]: duplicate nodeID {n['nodeID']!r}")
        if n.get("type") not in NODE_TYPES:
            problems.append(f"AIF.nodes[{i}]: type {n.get('type')!r} is not one of {sorted(NODE_TYPES)}")
        if not isinstance(n.get("text"), str):
            problems.append(f"AIF.nodes[{i}]: text is not a string")
        types[n["nodeID"]] = n.get("type")
    incoming: Counter = Counter()
    outgoing: Counter = Counter()
    edge_ids = set()
    for i, e in enumerate(aif["edges"]):
        if not isinstance(e, dict) or "edgeID" not in e:
            problems.append(f"AIF.edges[{i}]: no edgeID")
            continue
        if e["edgeID"] in edge_ids:
            problems.append(f"AIF.edges[{i}]: duplicate edgeID {e['edgeID']!r}")
        edge_ids.add(e["edgeID"])
        source, target = e.get("fromID"), e.get("toID")
        if source not in types or target not in types:
            problems.append(f"AIF.edges[{i}]: {source!r} -> {target!r} names a node that does not exist")
            continue
        pair = (types[source], types[target])
        if pair in {("I", "I"), ("L", "I"), ("I", "L")}:
            problems.append(f"AIF.edges[{i}]: {pair[0]} -> {pair[1]} edge; these nodes are joined through "
                            f"{'a relation node' if pair == ('I', 'I') else 'a YA-node'}")
        outgoing[source] += 1
        incoming[target] += 1
    for node_id, kind in types.items():
        if kind in RELATION_TYPES and (incoming[node_id] < 1 or outgoing[node_id] != 1):
            problems.append(f"{kind}-node {node_id!r}: {incoming[node_id]} incoming and {outgoing[node_id]} "
                            "outgoing edges; expected at least 1 and exactly 1")
        if kind == "YA" and (incoming[node_id] != 1 or outgoing[node_id] != 1):
            problems.append(f"YA-node {node_id!r}: {incoming[node_id]} incoming and {outgoing[node_id]} "
                            "outgoing edges; expected 1 and 1")
    people = {p.get("participantID") for p in aif["participants"] if isinstance(p, dict)}
    for i, p in enumerate(aif["participants"]):
        if not isinstance(p, dict) or not all(isinstance(p.get(k), str) and p.get(k) for k in ("firstname", "surname")):
            problems.append(f"AIF.participants[{i}]: needs non-empty firstname and surname")
    spoken = set()
    for i, loc in enumerate(aif["locutions"]):
        if not isinstance(loc, dict) or types.get(loc.get("nodeID")) != "L":
            problems.append(f"AIF.locutions[{i}]: nodeID does not name an L-node")
            continue
        if loc.get("personID") not in people:
            problems.append(f"AIF.locutions[{i}]: personID {loc.get('personID')!r} is not a participant")
        spoken.add(loc["nodeID"])
    for node_id, kind in types.items():
        if kind == "L" and node_id not in spoken:
            problems.append(f"L-node {node_id!r}: no locution")
    return problems


def map_filename(doc_id: str, taken: set[str]) -> str:
    """A safe, unique file name for a document id ("sub/essay 1" -> "sub_essay_1.json")."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", doc_id).strip("._") or "document"
    name, n = f"{stem}.json", 1
    while name.lower() in taken:
        n += 1
        name = f"{stem}-{n}.json"
    taken.add(name.lower())
    return name


def export_maps(records: Iterable[dict[str, Any]], out_dir: str | Path) -> list[tuple[str, Path, dict[str, int]]]:
    """Write one xAIF file per record into `out_dir`; returns (doc id, path, node counts by type).

    Each map is checked with `xaif_problems` before it is written; a problem is a bug here and
    raises ValueError naming the document.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    written = []
    for record in records:
        xaif = record_to_xaif(record)
        problems = xaif_problems(xaif)
        if problems:
            raise ValueError(f"document {record['id']!r}: the xAIF map is malformed: {problems[0]}")
        path = out / map_filename(str(record["id"]), taken)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(xaif, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(partial, path)
        written.append((str(record["id"]), path, dict(Counter(n["type"] for n in xaif["AIF"]["nodes"]))))
    return written
