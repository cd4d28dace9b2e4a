"""xAIF argument maps: nodes and edges from claims, supports and contrastive connectives."""
from __future__ import annotations

import copy
import json
from collections import Counter

import pytest
import typer
from typer.testing import CliRunner

from pipeline.aif import conflicts, export_maps, map_filename, record_to_xaif, supports, xaif_problems
from pipeline.cli_labels import export_aif_command
from pipeline.labels import read_records

from .conftest import DATA, GOLD

SAMPLE = DATA / "labels_sample.jsonl"


def _claim(cid, sentence, connective=None, supports=None, start=None):
    number = int(cid[1:])
    return {"id": cid, "sentence": sentence, "connective": connective, "supports": supports,
            "start": start if start is not None else number * 10, "text": f"unit {cid}"}


@pytest.mark.parametrize("claims, expected", [
    # "X. However, Y." -> Y attacks X
    ([_claim("c1", 0), _claim("c2", 1, "however")], [("c2", "c1")]),
    # "X, but Y" -> Y attacks X
    ([_claim("c1", 0), _claim("c2", 0, "but")], [("c2", "c1")]),
    # "Although X, Y." -> X attacks Y (the main clause that follows)
    ([_claim("c1", 0), _claim("c2", 1, "although"), _claim("c3", 1)], [("c2", "c3")]),
    # "Y, while X" -> X attacks Y
    ([_claim("c1", 0), _claim("c2", 0, "while")], [("c2", "c1")]),
    # "But although X, Y" -> the adversative decides: the unit attacks the one before it
    ([_claim("c1", 0), _claim("c2", 1, "but although"), _claim("c3", 1)], [("c2", "c1")]),
    # nothing before the first unit; no main clause after a sentence-final "although" unit
    ([_claim("c1", 0, "however")], []),
    ([_claim("c1", 0), _claim("c2", 1, "although"), _claim("c3", 2)], []),
    # a support link between the two units wins over the connective
    ([_claim("c1", 0), _claim("c2", 0, "but", supports="c1")], []),
    # not contrastive, or contrastive only as part of a word
    ([_claim("c1", 0), _claim("c2", 0, "and"), _claim("c3", 1, "meanwhile"), _claim("c4", 2, "because")], []),
    # order is the text order, whatever the order of the list
    ([_claim("c2", 0, "yet"), _claim("c1", 0)], [("c2", "c1")]),
])
def test_aif_conflict_rule(claims, expected):
    assert conflicts(claims) == expected


@pytest.mark.parametrize("claims, expected", [
    ([_claim("c1", 0), _claim("c2", 0, supports="c1")], [("c2", "c1")]),
    ([_claim("c1", 0, supports="c9"), _claim("c2", 0, supports="c2")], []),  # dangling and self links left out
])
def test_aif_support_links(claims, expected):
    assert supports(claims) == expected


@pytest.fixture(scope="module")
def sample():
    return list(read_records(SAMPLE))


def _counts(xaif):
    return Counter(n["type"] for n in xaif["AIF"]["nodes"])


def _degrees(xaif):
    incoming, outgoing = Counter(), Counter()
    for edge in xaif["AIF"]["edges"]:
        outgoing[edge["fromID"]] += 1
        incoming[edge["toID"]] += 1
    return incoming, outgoing


def test_aif_sample_map_nodes_and_edges(sample):
    xaif = record_to_xaif(sample[0])  # essay-a: 5 claims, c3 supports c2, "however" and "although" units
    assert xaif_problems(xaif) == []
    assert _counts(xaif) == {"L": 5, "YA": 5, "I": 5, "RA": 1, "CA": 2}
    assert len(xaif["AIF"]["edges"]) == 2 * (5 + 1 + 2)
    text = {n["nodeID"]: n["text"] for n in xaif["AIF"]["nodes"]}
    relations = {(r["type"], r["from"], r["to"]) for r in xaif["argmine"]["relations"]}
    assert relations == {("RA", "c3", "c2"), ("CA", "c2", "c1"), ("CA", "c4", "c5")}
    ca = next(r for r in xaif["argmine"]["relations"] if r["from"] == "c4")
    edges = {(e["fromID"], e["toID"]) for e in xaif["AIF"]["edges"]}
    i_of = {u["claim"]: u["I"] for u in xaif["argmine"]["units"]}
    assert (i_of["c4"], ca["node"]) in edges and (ca["node"], i_of["c5"]) in edges
    assert text[i_of["c4"]] == "the EU invests heavily in the region"
    assert xaif["AIF"]["participants"] == [{"participantID": 1, "firstname": "Author", "surname": "Unknown"}]
    assert text[xaif["argmine"]["units"][0]["L"]].startswith("Author Unknown: China and Russia")
    assert xaif["text"] == sample[0]["text"]


@pytest.mark.parametrize("break_it, message", [
    (lambda x: x.pop("AIF"), "expected an object with an 'AIF' object"),
    (lambda x: x["AIF"].pop("locutions"), "AIF.locutions: expected a list"),
    (lambda x: x["AIF"]["edges"].append({"edgeID": 99, "fromID": "3", "toID": "6"}), "I -> I edge"),
    (lambda x: x["AIF"]["edges"].append({"edgeID": 99, "fromID": "1", "toID": "3"}), "L -> I edge"),
    (lambda x: x["AIF"]["edges"].append({"edgeID": 99, "fromID": "3", "toID": "404"}), "does not exist"),
    (lambda x: x["AIF"]["edges"].append({"edgeID": 1, "fromID": "16", "toID": "3"}), "duplicate edgeID 1"),
    (lambda x: x["AIF"]["nodes"].append({"nodeID": "1", "text": "x", "type": "I"}), "duplicate nodeID '1'"),
    (lambda x: x["AIF"]["nodes"].append({"nodeID": "99", "text": "x", "type": "Z"}), "type 'Z'"),
    (lambda x: x["AIF"]["locutions"].pop(), "no locution"),
    (lambda x: x["AIF"]["locutions"][0].update(personID=7), "personID 7 is not a participant"),
    (lambda x: x["AIF"]["locutions"][0].update(nodeID="3"), "does not name an L-node"),
])
def test_aif_checker_finds_what_breaks_readers(sample, break_it, message):
    xaif = record_to_xaif(sample[0])
    broken = copy.deepcopy(xaif)
    break_it(broken)
    assert any(message in p for p in xaif_problems(broken)), xaif_problems(broken)


def test_aif_checker_relation_node_arity(sample):
    xaif = record_to_xaif(sample[0])
    ra = next(n["nodeID"] for n in xaif["AIF"]["nodes"] if n["type"] == "RA")
    xaif["AIF"]["edges"].append({"edgeID": 99, "fromID": ra, "toID": "3"})
    assert any(p.startswith(f"RA-node {ra!r}: 1 incoming and 2 outgoing") for p in xaif_problems(xaif))


@pytest.mark.parametrize("ids, expected", [
    (["essay"], ["essay.json"]),
    (["sub/essay 1", "../../etc/passwd", ".hidden"], ["sub_essay_1.json", "etc_passwd.json", "hidden.json"]),
    (["A", "a", "a"], ["A.json", "a-2.json", "a-3.json"]),  # also unique on case-insensitive file systems
    (["///"], ["document.json"]),
])
def test_aif_map_filenames_are_safe_and_unique(ids, expected):
    taken: set[str] = set()
    assert [map_filename(i, taken) for i in ids] == expected


def test_aif_author_comes_from_meta(sample):
    record = dict(sample[1], meta={"author": "Zhao Huasheng"})
    xaif = record_to_xaif(record)
    assert xaif["AIF"]["participants"][0] == {"participantID": 1, "firstname": "Zhao", "surname": "Huasheng"}
    assert xaif["AIF"]["nodes"][0]["text"].startswith("Zhao Huasheng: Washington")


def test_aif_export_command_writes_one_valid_file_per_document(tmp_path):
    app = typer.Typer()
    app.command("export-aif")(export_aif_command)
    app.command("unused")(lambda: None)  # two commands, so the name is part of the command line
    result = CliRunner().invoke(app, ["export-aif", str(SAMPLE), "-o", str(tmp_path / "maps")])
    assert result.exit_code == 0, result.output
    assert "3 maps (11 I, 2 RA, 4 CA)" in result.output
    files = sorted(p.name for p in (tmp_path / "maps").iterdir())
    assert files == ["essay-a.json", "essay-b.json", "essay-c.json"]
    for name in files:
        assert xaif_problems(json.loads((tmp_path / "maps" / name).read_text("utf-8"))) == []


# --- the seed essay's gold annotation -------------------------------------------------------

@pytest.fixture(scope="module")
def gold_map(tmp_path_factory):
    if not GOLD.exists():
        pytest.skip(f"{GOLD.relative_to(GOLD.parents[2])} is not written yet")
    (record,) = read_records(GOLD)
    ((doc_id, path, _),) = export_maps([record], tmp_path_factory.mktemp("maps"))
    return record, json.loads(path.read_text("utf-8"))  # the file must open as JSON


def test_aif_gold_essay_map_is_valid(gold_map):
    _, xaif = gold_map
    assert xaif_problems(xaif) == []


def test_aif_gold_essay_node_and_edge_counts(gold_map):
    record, xaif = gold_map
    claims = record["claims"]
    ids = {c["id"] for c in claims}
    n_claims = len(claims)
    n_supports = sum(1 for c in claims if c["supports"] in ids and c["supports"] != c["id"])
    n_conflicts = len(conflicts(claims))
    counts = _counts(xaif)
    assert counts["I"] == n_claims
    assert counts["L"] == counts["I"] and counts["YA"] == counts["L"]
    assert counts["RA"] == n_supports == sum(1 for c in claims if c["role"] == "premise" and c["supports"])
    assert counts["CA"] == n_conflicts > 0
    assert set(counts) == {"I", "L", "YA", "RA", "CA"}
    assert len(xaif["AIF"]["edges"]) == 2 * (n_claims + n_supports + n_conflicts)
    assert len(xaif["AIF"]["locutions"]) == counts["L"]
    incoming, outgoing = _degrees(xaif)
    types = {n["nodeID"]: n["type"] for n in xaif["AIF"]["nodes"]}
    for node_id, kind in types.items():
        if kind in ("RA", "CA", "YA"):
            assert (incoming[node_id], outgoing[node_id]) == (1, 1), (kind, node_id)
    for edge in xaif["AIF"]["edges"]:
        pair = (types[edge["fromID"]], types[edge["toID"]])
        assert pair in {("L", "YA"), ("YA", "I"), ("I", "RA"), ("RA", "I"), ("I", "CA"), ("CA", "I")}


def test_aif_gold_essay_nodes_map_back_to_claims(gold_map):
    record, xaif = gold_map
    text = {n["nodeID"]: n["text"] for n in xaif["AIF"]["nodes"]}
    units = xaif["argmine"]["units"]
    assert [u["claim"] for u in units] == [c["id"] for c in sorted(record["claims"], key=lambda c: c["start"])]
    for unit in units:
        assert text[unit["I"]] == record["text"][unit["start"]:unit["end"]]
        assert text[unit["L"]].endswith(": " + text[unit["I"]])
    assert xaif["AIF"]["participants"][0]["surname"] == "Huasheng"  # meta.author of the gold record
