"""`pipeline.inspect` and `argmine inspect`: counts, filters, the dyad matrix, exports, streaming."""
from __future__ import annotations

import json
import math
import tracemalloc

import pandas as pd
import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.cli_inspect import inspect_app, report_command
from pipeline.errors import ArgmineError
from pipeline.inspect import (ClaimFilter, Output, frames, load, net_cooperation, parse_dyad, wilson_interval,
                              write_frames)
from pipeline.io import read_jsonl_records
from pipeline.schema import STANCE_LABELS, schema_errors

from .conftest import DATA

SAMPLE = DATA / "inspect_sample.jsonl"
RECORDS = read_jsonl_records(SAMPLE)


@pytest.fixture(scope="module")
def out() -> Output:
    return load(SAMPLE)


@pytest.fixture(scope="module")
def cli():
    """The commands wired as cli.py wires them."""
    app = typer.Typer(add_completion=False)
    app.add_typer(inspect_app, name="inspect")
    app.command("report")(report_command)
    app.command("noop")(lambda: None)  # a second command, so `report` stays a subcommand
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_inspect_sample_records_are_schema_valid(record):
    assert schema_errors(record) == []


def test_inspect_summary_counts(out):
    summary = out.summary()
    assert (summary.documents, summary.total_claims, summary.entities, summary.total_facts) == (11, 52, 98, 21)
    assert dict(summary.claims_by("stance")) == {"cooperative": 25, "competitive": 15, "neutral": 12}
    assert dict(summary.claims_by("role")) == {"major_claim": 10, "claim": 12, "premise": 30}
    assert summary.empty_documents == 1 and summary.uncoded_entities == 1
    assert summary.top_actors(3) == [("CAS", 16, 8, 16), ("RUS", 15, 7, 15), ("USA", 13, 5, 14)]
    assert dict(summary.facts_by_kind()) == {"money": 9, "percent": 6, "count": 2, "quantity": 2, "ratio": 2}
    assert summary.pipelines == {"argmine 0.1.0 (full)": 9, "argmine 0.1.0 (fast)": 2}


@pytest.mark.parametrize("p, n, expected", [
    (0.5, 10, (0.2366, 0.7634)),  # textbook value (Wilson 1927; Newcombe 1998, table I)
    (1.0, 5, (0.5655, 1.0)),
    (0.0, 5, (0.0, 0.4345)),
])
def test_inspect_wilson_interval_known_values(p, n, expected):
    assert wilson_interval(p, n) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("counts, net", [((5, 0, 1), 5 / 6), ((0, 4, 1), -0.8), ((2, 2, 0), 0.0), ((0, 0, 3), 0.0)])
def test_inspect_net_cooperation(counts, net):
    value, low, high = net_cooperation(*counts)
    assert value == pytest.approx(net) and -1 <= low <= value <= high <= 1


def test_inspect_net_cooperation_without_claims_is_nan():
    assert all(math.isnan(v) for v in net_cooperation(0, 0, 0))


@given(st.integers(0, 200), st.integers(0, 200), st.integers(0, 200))
def test_inspect_net_interval_contains_net_and_narrows(coop, comp, neutral):
    if coop + comp + neutral == 0:
        return
    net, low, high = net_cooperation(coop, comp, neutral)
    assert -1 <= low <= net + 1e-12 and net - 1e-12 <= high <= 1
    _, low10, high10 = net_cooperation(10 * coop, 10 * comp, 10 * neutral)
    assert high10 - low10 <= high - low + 1e-12  # more claims, same shares: a narrower interval


@pytest.mark.parametrize("filters, expected", [
    ({"dyad": "RUS-CHN"}, [("gpca-rivalry", "c4"), ("gpca-rivalry", "c5"), ("gpca-rivalry", "c8"),
                           ("gpca-ukraine-war", "c7"), ("oped-india-china", "c5"), ("wire-sco-summit", "c1")]),
    ({"dyad": "usa-rus", "stance": "competitive"}, [("gpca-rivalry", "c1"), ("gpca-rivalry", "c2"),
                                                   ("gpca-ukraine-war", "c4"), ("gpca-us-china", "c6")]),
    ({"dyad": "CHN-RUS", "min_score": 0.9}, [("gpca-rivalry", "c5"), ("gpca-rivalry", "c8"), ("wire-sco-summit", "c1")]),
    ({"actor": "tur"}, [("oped-russia-turkey", c) for c in ("c1", "c3", "c4", "c5")]),
    ({"stance": "competitive", "min_score": 0.9}, [("gpca-rivalry", "c2"), ("gpca-ukraine-war", "c4"),
                                                  ("gpca-us-china", "c4"), ("oped-india-china", "c1")]),
    ({"role": "major-claim", "stance": "neutral"}, [("gpca-us-trade", "c2"), ("gpca-us-china", "c1"), ("brief-japan", "c3")]),
    ({"doc": "analysis-amu-darya"}, [("analysis-amu-darya", c) for c in ("c1", "c2", "c3")]),
    ({"doc": "note-markets"}, []),
])
def test_inspect_claims_filters(out, filters, expected):
    table = out.claims(**filters)
    assert list(zip(table["doc"], table["claim"])) == expected


def test_inspect_claims_rows_carry_scores_and_fact_texts(out):
    row = out.claims(doc="gpca-eu-trade").set_index("claim").loc["c3"]
    assert (row["role"], row["supports"], row["stance"], row["score"]) == ("premise", "c1", "cooperative", 0.69)
    assert row["facts"] == "$39.9 billion; $12.5 billion" and row["n_facts"] == 2
    assert row["dyads"] == "EU-KAZ:cooperative" and row["actors"] == "EU,KAZ"


def test_inspect_dyad_drilldown_matches_relations(out):
    """For every dyad and stance, the claims view lists exactly the claims the matrix counts."""
    for row in out.relations().itertuples():
        for stance in STANCE_LABELS:
            assert len(out.claims(dyad=row.dyad, stance=stance)) == getattr(row, stance), (row.dyad, stance)


def test_inspect_relations_table(out):
    table = out.relations().set_index("dyad")
    chn_rus = table.loc["CHN-RUS"]
    counts = chn_rus[["claims", "cooperative", "competitive", "neutral", "docs"]].tolist()
    assert counts == [6, 5, 0, 1, 4]
    assert chn_rus["net"] == pytest.approx(5 / 6)
    assert chn_rus["net_low"] == pytest.approx(0.0336, abs=1e-4) and chn_rus["net_high"] == pytest.approx(0.9825, abs=1e-4)
    assert list(out.relations(actor="TUR")["dyad"]) == ["RUS-TUR", "TUR-UZB"]
    assert list(out.relations(min_claims=4)["dyad"]) == ["CHN-RUS", "RUS-USA", "CHN-IND", "KAZ-USA"]


def test_inspect_relation_matrix_is_symmetric(out):
    matrix = out.relation_matrix("claims")
    assert list(matrix.index) == list(matrix.columns)
    assert matrix.loc["CHN", "RUS"] == matrix.loc["RUS", "CHN"] == 6
    assert pd.isna(matrix.loc["CHN", "CHN"])


@pytest.mark.parametrize("filters, expected", [
    ({"kind": "money"}, 9),
    ({"unit": "usd"}, 8),
    ({"kind": "percent", "actor": "usa"}, 3),
    ({"year": 2022}, 8),
    ({"kind": "ratio", "doc": "oped-russia-turkey"}, 1),
])
def test_inspect_facts_filters(out, filters, expected):
    assert len(out.facts(**filters)) == expected


def test_inspect_facts_rows(out):
    row = out.facts(unit="JPY").iloc[0]
    assert (row["doc"], row["text"], row["value"], row["claim"], row["claim_stance"]) == \
        ("brief-japan", "2.1 trillion yen", 2.1e12, "c2", "cooperative")
    assert pd.isna(row["year"]) and row["actors"] == "CAS,JPN"


def test_inspect_docs_table(out):
    table = out.docs().set_index("doc")
    assert len(table) == 11
    row = table.loc["gpca-eu-trade"]
    assert (row["claims"], row["cooperative"], row["facts"], row["title"]) == (5, 5, 7, "Central Asia and the Great Powers")
    assert list(out.docs(actor="JPN")["doc"]) == ["brief-japan"]


@pytest.mark.parametrize("call, message", [
    (lambda o: o.claims(stance="pro"), "--stance = 'pro'; expected one of cooperative, competitive, neutral"),
    (lambda o: o.claims(role="thesis"), "--role = 'thesis'"),
    (lambda o: o.claims(dyad="CHN"), "--dyad = 'CHN'; expected two actor codes"),
    (lambda o: o.claims(actor="China!"), "--actor = 'China!'"),
    (lambda o: o.claims(min_score=2.0), "--min-score = 2.0"),
    (lambda o: o.facts(kind="money-ish"), "--kind = 'money-ish'"),
])
def test_inspect_bad_filter_values_say_what_is_expected(out, call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        call(out)


@pytest.mark.parametrize("value, expected", [("CHN-RUS", ("CHN", "RUS")), ("rus-chn", ("CHN", "RUS")),
                                             (("USA", "EU"), ("EU", "USA")), ("EU/KAZ", ("EU", "KAZ"))])
def test_inspect_parse_dyad_is_unordered(value, expected):
    assert parse_dyad(value) == expected


def test_inspect_missing_file_and_broken_line(tmp_path):
    with pytest.raises(ArgmineError, match="no such file"):
        load(tmp_path / "nothing.jsonl")
    broken = tmp_path / "broken.jsonl"
    broken.write_text(SAMPLE.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 12"):
        load(broken).summary()


@pytest.mark.parametrize("suffix", ["csv", "parquet", "json", "jsonl"])
def test_inspect_write_frames_round_trip(out, tmp_path, suffix):
    path = tmp_path / f"claims.{suffix}"
    chunks = list(out.iter_claims(chunk_size=7))
    assert len(chunks) == 8 and all(len(c) <= 7 for c in chunks)
    assert write_frames(iter(chunks), path) == 52
    back = {"csv": pd.read_csv, "parquet": pd.read_parquet, "json": pd.read_json,
            "jsonl": lambda p: pd.read_json(p, lines=True)}[suffix](path)
    expected = out.claims()
    assert list(back.columns) == list(expected.columns) and len(back) == 52
    assert list(back["claim"]) == list(expected["claim"])
    assert back["score"].astype(float).tolist() == pytest.approx(expected["score"].astype(float).tolist())
    assert not list(tmp_path.glob("*.partial"))


def test_inspect_write_frames_empty_table(tmp_path):
    path = tmp_path / "none.json"
    assert write_frames(frames(iter(()), {"doc": "string"}), path) == 0
    assert json.loads(path.read_text()) == []


def _synthetic(n: int):
    """A fresh stream of n records (shallow copies of the sample with new ids): nothing is kept."""
    def records():
        for i in range(n):
            record = dict(RECORDS[i % len(RECORDS)])
            record["id"] = f"doc-{i}"
            yield record
    return records


def test_inspect_summary_memory_does_not_grow_with_documents():
    def peak(n: int) -> int:
        tracemalloc.start()
        try:
            summary = Output(records=_synthetic(n)).summary()
            assert summary.documents == n
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(300), peak(3000)
    assert large < small + 64_000, (small, large)


def test_inspect_views_stream_in_bounded_chunks():
    chunks = Output(records=_synthetic(2000)).iter_claims(chunk_size=1000, stance="competitive")
    sizes = [len(c) for c in chunks]
    assert max(sizes) == 1000 and sum(sizes) == sum(
        sum(c["stance"] == "competitive" for c in r["claims"]) for r in _synthetic(2000)())


def test_inspect_claim_filter_keeps_by_dyad_stance():
    claim = {"role": "premise", "actors": ["CHN", "RUS"], "stance": "cooperative",
             "stance_scores": {"cooperative": 0.5, "competitive": 0.3, "neutral": 0.2},
             "dyads": [{"a": "CHN", "b": "RUS", "stance": "competitive", "score": 0.6}]}
    assert ClaimFilter.make(dyad="RUS-CHN", stance="competitive").keep(claim)
    assert not ClaimFilter.make(stance="competitive").keep(claim)
    assert not ClaimFilter.make(dyad="CHN-RUS", min_score=0.7).keep(claim)


# --------------------------------------------------------------------------- the command line

def test_inspect_cli_summary(cli):
    result = cli("inspect", SAMPLE)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (f"{SAMPLE}: 11 documents, 4,426 characters, 52 claims, 98 actor mentions, 21 facts")
    assert "  total                 25           15           12       52" in lines
    assert "  CHN-RUS         6     5     0     1   +0.83  [+0.03, +0.98]" in lines
    assert "  money           9   USD 8, JPY 1" in lines
    assert cli("inspect", "summary", SAMPLE, "--top", "3").stdout == cli("inspect", SAMPLE, "--top", "3").stdout


@pytest.mark.parametrize("args, must_show, rows", [
    (["claims", SAMPLE, "--dyad", "CHN-RUS", "--stance", "cooperative"], "Xi Jinping and Vladimir Putin", "5 claims"),
    (["claims", SAMPLE, "--actor", "IND", "--role", "premise", "--min-score", "0.8"], "and Delhi has joined", "1 claims"),
    (["facts", SAMPLE, "--kind", "money", "--year", "2022"], "39.9 bn", "6 facts"),
    (["relations", SAMPLE, "--limit", "2"], "CHN-RUS", "18 dyads; showing 2"),
    (["docs", SAMPLE, "--actor", "TKM"], "analysis-amu-darya", "1 documents"),
])
def test_inspect_cli_views(cli, args, must_show, rows):
    result = cli("inspect", *args)
    assert result.exit_code == 0, result.output
    assert must_show in result.stdout and rows in result.stdout


@pytest.mark.parametrize("view, name", [("claims", "c.parquet"), ("facts", "f.csv"), ("relations", "r.json"),
                                        ("docs", "d.jsonl"), ("summary", "s.json")])
def test_inspect_cli_output_files(cli, tmp_path, view, name):
    target = tmp_path / name
    result = cli("inspect", view, SAMPLE, "--output", target)
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0 and "wrote" in result.stderr


def test_inspect_cli_csv_to_stdout(cli):
    result = cli("inspect", "relations", SAMPLE, "-o", "-", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("dyad,a,b,claims,cooperative,competitive,neutral,net,")
    assert len(result.stdout.splitlines()) == 19


@pytest.mark.parametrize("args, message", [
    (["claims", SAMPLE, "--stance", "pro"], "error: --stance = 'pro'"),
    (["facts", "no/such.jsonl"], "error: no/such.jsonl: no such file"),
    (["no/such.jsonl"], "error: no/such.jsonl: no such file"),
    (["claims", SAMPLE, "-o", "out.xlsx"], "cannot tell the output format"),
])
def test_inspect_cli_errors_are_one_line(cli, args, message):
    result = cli("inspect", *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_inspect_cli_report(cli, tmp_path):
    target = tmp_path / "report.html"
    result = cli("report", SAMPLE, "-o", target, "--per-page", "5")
    assert result.exit_code == 0, result.output
    assert "11 documents, 3 pages" in result.stdout and target.exists()
