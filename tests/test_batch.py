"""The batch job: schema-valid records, nothing lost, resumable, errors recorded per document."""
from __future__ import annotations

import json
import shutil

import pytest
from spacy.language import Language

from pipeline.batch import process
from pipeline.io import read_jsonl_records
from pipeline.record import split_text
from pipeline.schema import schema_errors

from .conftest import CORPUS, ESSAY


def _records(path):
    return read_jsonl_records(path)


@pytest.mark.parametrize("profile", ["fast", "full"])
def test_batch_corpus_round_trip_is_schema_valid(profile, request, tmp_path):
    nlp = request.getfixturevalue(f"{profile}_nlp")
    out = tmp_path / "corpus.jsonl"
    summary = process(nlp, [CORPUS], out)
    (record,) = _records(out)
    assert schema_errors(record) == []
    assert record["text"] == ESSAY.read_text(encoding="utf-8")
    assert record["pipeline"]["profile"] == profile
    assert summary.docs == 1 and summary.errors == 0 and summary.claims == len(record["claims"]) > 50
    assert {e["code"] for e in record["entities"]} >= {"CHN", "RUS", "USA", "KAZ", "EU"}
    assert any(f["value"] == pytest.approx(39.9e9) and f["unit"] == "USD" for f in record["facts"])
    assert not (tmp_path / "corpus.jsonl.partial").exists()


def test_batch_bad_documents_are_recorded_and_the_batch_goes_on(fast_nlp, tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Russia and Kazakhstan signed a trade deal.", encoding="utf-8")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "latin1.txt").write_bytes("Caf\xe9 diplomacy".encode("latin-1"))
    (corpus / "more.jsonl").write_text('{"id": "j1", "text": "China invests in Uzbekistan."}\n{broken\n'
                                       '{"id": "j2"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = process(fast_nlp, [corpus], out)
    assert [r["id"] for r in _records(out)] == ["good", "j1"]
    errors = _records(f"{out}.errors.jsonl")
    assert summary.errors == len(errors) == 4
    assert {(e["file"].split("/")[-1], e["line"]) for e in errors} == {
        ("empty.txt", None), ("latin1.txt", None), ("more.jsonl", 2), ("more.jsonl", 3)}


@Language.component("explode_on_boom")
def _explode_on_boom(doc):
    if "BOOM" in doc.text:
        raise RuntimeError("cannot parse BOOM")
    return doc


def test_batch_a_component_failure_loses_only_that_document(tmp_path):
    from pipeline.profiles import load_pipeline

    nlp = load_pipeline("fast")
    nlp.add_pipe("explode_on_boom", first=True)
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in
                           enumerate(["Russia trades with Kazakhstan.", "BOOM goes Moscow.", "China and India compete."])))
    out = tmp_path / "out.jsonl"
    summary = process(nlp, [src], out)
    assert [r["id"] for r in _records(out)] == ["d0", "d2"]
    (error,) = _records(f"{out}.errors.jsonl")
    assert error["id"] == "d1" and error["line"] == 2 and "cannot parse BOOM" in error["reason"]
    assert summary.errors == 1


def test_batch_resume_skips_done_documents_without_duplicates_or_gaps(fast_nlp, tmp_path):
    src = tmp_path / "docs.jsonl"
    texts = [f"Article {i}: Russia and China held talks in {2000 + i}." for i in range(12)]
    src.write_text("".join(json.dumps({"id": f"d{i:02d}", "text": t}) + "\n" for i, t in enumerate(texts)))
    out = tmp_path / "out.jsonl"
    process(fast_nlp, [src], out)
    complete = out.read_text().splitlines(keepends=True)
    # An interrupted run: five complete lines and a sixth cut in the middle, never committed.
    out.unlink()
    (tmp_path / "out.jsonl.partial").write_text("".join(complete[:5]) + complete[5][:40])
    summary = process(fast_nlp, [src], out, resume=True)
    ids = [r["id"] for r in _records(out)]
    assert ids == [f"d{i:02d}" for i in range(12)]
    assert summary.skipped == 5 and summary.docs == 7


def test_batch_resume_after_a_finished_run_adds_only_new_documents(fast_nlp, tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(ESSAY, corpus / "essay.txt")
    out = tmp_path / "out.jsonl"
    process(fast_nlp, [corpus], out)
    (corpus / "new.txt").write_text("Turkey and Azerbaijan deepened their alliance.", encoding="utf-8")
    summary = process(fast_nlp, [corpus], out, resume=True)
    assert [r["id"] for r in _records(out)] == ["essay", "new"] and summary.skipped == 1


def test_batch_long_texts_are_split_and_stitched_with_valid_offsets(tmp_path):
    from pipeline.profiles import load_pipeline

    nlp = load_pipeline("fast")
    nlp.max_length = 2000
    text = ESSAY.read_text(encoding="utf-8")[:9000]
    src = tmp_path / "long.txt"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = process(nlp, [src], out)
    (record,) = _records(out)
    assert summary.errors == 0 and record["text"] == text
    assert schema_errors(record) == []
    assert [c["id"] for c in record["claims"]] == [f"c{i + 1}" for i in range(len(record["claims"]))]
    assert all(record["claims"][int(f["claim"][1:]) - 1]["start"] <= f["start"] for f in record["facts"] if f["claim"])


@pytest.mark.parametrize("limit", [50, 333, 1000])
def test_batch_split_text_pieces_concatenate_back(limit):
    text = ESSAY.read_text(encoding="utf-8")[:5000]
    pieces = split_text(text, limit)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= limit for _, p in pieces)
    assert all(text[o:o + len(p)] == p for o, p in pieces)


def test_batch_two_processes_give_the_same_output_as_one(tmp_path):
    from pipeline.profiles import load_pipeline

    nlp = load_pipeline("fast")
    src = tmp_path / "docs.jsonl"
    paragraphs = [p for p in ESSAY.read_text(encoding="utf-8").splitlines() if p.strip()]
    src.write_text("".join(json.dumps({"id": f"p{i}", "text": t}) + "\n" for i, t in enumerate(paragraphs)))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    process(nlp, [src], one, n_process=1)
    process(nlp, [src], two, n_process=2, batch_size=4)
    assert one.read_text() == two.read_text()


def test_batch_output_under_a_file_is_a_clear_error(fast_nlp, tmp_path):
    from pipeline.errors import ArgmineError

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ArgmineError, match="Cannot write .*not-a-folder/out.jsonl"):
        process(fast_nlp, [ESSAY], blocker / "out.jsonl")


def test_batch_disk_full_leaves_the_previous_output_intact(fast_nlp, tmp_path, monkeypatch):
    import errno

    from pipeline.errors import ArgmineError
    from pipeline.io import JsonlSink

    previous = tmp_path / "out.jsonl"
    previous.write_text('{"id": "old"}\n')

    def full_disk(self, record):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(JsonlSink, "write", full_disk)
    with pytest.raises(ArgmineError, match="No space left on device"):
        process(fast_nlp, [ESSAY], previous)
    assert previous.read_text() == '{"id": "old"}\n'
