"""Faults a long batch meets: a killed process, a full disk, an unwritable output, hostile inputs."""
from __future__ import annotations

import json
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from pipeline.batch import _process_chunk, process
from pipeline.errors import ArgmineError
from pipeline.io import InputDoc, read_jsonl_records
from pipeline.record import pipeline_info
from pipeline.schema import schema_errors

from .conftest import ESSAY, REPO

PARAGRAPHS = [p for p in ESSAY.read_text(encoding="utf-8").splitlines() if p.strip()]
SENTENCES = [s for p in PARAGRAPHS for s in p.replace("? ", "?|").replace(". ", ".|").split("|") if s.strip()]


def _argmine(*args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "process", *args, "--profile", "fast"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def _stance_id(nlp) -> str:
    return nlp.get_pipe("argmine_stance").model_id


def _write_docs(path, n: int) -> list[str]:
    ids = [f"d{i:04d}" for i in range(n)]
    path.write_text("".join(json.dumps({"id": doc_id, "text": SENTENCES[i % len(SENTENCES)]}) + "\n"
                            for i, doc_id in enumerate(ids)), encoding="utf-8")
    return ids


# --- killed in the middle, then --resume ---------------------------------------------------

def test_reliability_sigkill_then_resume_gives_every_document_exactly_once(fast_nlp, tmp_path):
    src, out = tmp_path / "docs.jsonl", tmp_path / "out.jsonl"
    ids = _write_docs(src, 300)  # two chunks of 256 documents: killed once the first is written
    reference = tmp_path / "reference.jsonl"
    process(fast_nlp, [src], reference, stance_model_id=_stance_id(fast_nlp))

    partial = tmp_path / "out.jsonl.partial"
    proc = _argmine(str(src), "-o", str(out), "-q")
    deadline = time.monotonic() + 120
    while not (partial.exists() and partial.stat().st_size > 0) and proc.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    assert not out.exists()
    written = partial.read_bytes().count(b"\n")
    assert 0 < written < len(ids)

    # `argmine process --resume` does exactly this; in-process, the pipeline is not loaded again.
    summary = process(fast_nlp, [src], out, resume=True, stance_model_id=_stance_id(fast_nlp))
    got = [r["id"] for r in read_jsonl_records(out)]
    assert Counter(got) == Counter(ids) and got == ids
    assert out.read_bytes() == reference.read_bytes()
    assert summary.skipped == written  # complete lines only: a line cut by the kill is redone
    assert summary.docs == len(ids) - written


# --- worker processes (--n-process 2) -------------------------------------------------------

@Language.component("reliability_test_faults")
def _faults(doc):
    """Fails on "BOOM" like a component bug, and kills its process on "POISON" like the OOM killer."""
    if "BOOM" in doc.text:
        raise RuntimeError("cannot parse BOOM")
    if "POISON" in doc.text and multiprocessing.parent_process() is not None:
        os._exit(1)
    return doc


@contextmanager
def _with_faults(nlp):
    nlp.add_pipe("reliability_test_faults", first=True)
    try:
        yield nlp
    finally:
        nlp.remove_pipe("reliability_test_faults")


def _write_docs_with(path, count, index, text):
    """`_write_docs`, with document `index` replaced by one whose text is `text`."""
    ids = _write_docs(path, count)
    lines = path.read_text().splitlines()
    lines[index] = json.dumps({"id": ids[index], "text": text})
    path.write_text("\n".join(lines) + "\n")
    return ids


def test_reliability_component_failure_in_a_worker_process_loses_only_that_document(fast_nlp, tmp_path):
    src, out = tmp_path / "docs.jsonl", tmp_path / "out.jsonl"
    ids = _write_docs_with(src, 40, 13, "BOOM goes Moscow.")
    with _with_faults(fast_nlp) as nlp:
        summary = process(nlp, [src], out, n_process=2, stance_model_id=_stance_id(nlp))
    assert [r["id"] for r in read_jsonl_records(out)] == [i for i in ids if i != "d0013"]
    (error,) = read_jsonl_records(f"{out}.errors.jsonl")
    assert error["id"] == "d0013" and error["line"] == 14 and "cannot parse BOOM" in error["reason"]
    assert summary.errors == 1


def test_reliability_a_dead_worker_process_is_a_clear_error_and_resume_finishes(fast_nlp, tmp_path):
    src, out = tmp_path / "docs.jsonl", tmp_path / "out.jsonl"
    ids = _write_docs_with(src, 300, 280, "POISON in the second chunk.")
    with _with_faults(fast_nlp) as nlp, pytest.raises(ArgmineError, match="A worker process died .*--resume"):
        process(nlp, [src], out, n_process=2, stance_model_id=_stance_id(nlp))
    written = (tmp_path / "out.jsonl.partial").read_bytes().count(b"\n")
    assert not out.exists() and written <= 256  # the first chunk, finished before the death
    summary = process(fast_nlp, [src], out, resume=True, stance_model_id=_stance_id(fast_nlp))
    assert [r["id"] for r in read_jsonl_records(out)] == ids and summary.skipped == written


# --- the output cannot be written --------------------------------------------------------

@contextmanager
def _file_size_limit(limit: int):
    """Writes past `limit` bytes fail with EFBIG, as on a full disk (Python ignores SIGXFSZ)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_reliability_disk_full_is_a_clear_error_and_keeps_the_previous_output(fast_nlp, tmp_path):
    src, out = tmp_path / "docs.jsonl", tmp_path / "out.jsonl"
    _write_docs(src, 300)
    previous = b'{"id": "old"}\n' * 5000  # bigger than the limit: it must not be touched
    out.write_bytes(previous)
    with _file_size_limit(50_000), \
            pytest.raises(ArgmineError, match=f"^Cannot write {out}: File too large. The previous output"):
        process(fast_nlp, [src], out, stance_model_id=_stance_id(fast_nlp))
    assert out.read_bytes() == previous
    partial = (tmp_path / "out.jsonl.partial").read_bytes()
    assert 0 < len(partial) <= 50_000  # what fitted stays, for --resume


def test_reliability_full_stdout_is_a_clear_error(fast_nlp, tmp_path, monkeypatch):
    src = tmp_path / "docs.jsonl"
    _write_docs(src, 10)
    with open("/dev/full", "w", encoding="utf-8") as full:
        monkeypatch.setattr(sys, "stdout", full)
        with pytest.raises(ArgmineError, match="Cannot write -: No space left on device"):
            process(fast_nlp, [src], "-")


def _folder_in_the_way(tmp_path):
    target = tmp_path / "out.jsonl"
    target.mkdir()
    (target / "keep.txt").write_text("previous")
    return target


def _under_a_file(tmp_path):
    (tmp_path / "plain-file").write_text("previous")
    return tmp_path / "plain-file" / "out.jsonl"


def _snapshot(folder):
    return sorted((p, p.read_bytes() if p.is_file() else None) for p in folder.rglob("*"))


@pytest.mark.parametrize("make_target, detail", [
    (_folder_in_the_way, "it is a folder, not a file"),
    (_under_a_file, "plain-file is a file, not a folder"),
])
def test_reliability_unwritable_output_fails_before_any_work(fast_nlp, tmp_path, make_target, detail):
    target = make_target(tmp_path)
    before = _snapshot(tmp_path)
    message = f"Cannot write {target}: .*{detail}. The previous output, if any, was left untouched."
    with pytest.raises(ArgmineError, match=message):
        process(fast_nlp, [ESSAY], target)
    assert _snapshot(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_reliability_read_only_folder_keeps_the_previous_output(fast_nlp, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "out.jsonl").write_text('{"id": "old"}\n')
    folder.chmod(0o555)
    try:
        with pytest.raises(ArgmineError, match="Permission denied"):
            process(fast_nlp, [ESSAY], folder / "out.jsonl")
    finally:
        folder.chmod(0o755)
    assert (folder / "out.jsonl").read_text() == '{"id": "old"}\n'


# --- hostile inputs ------------------------------------------------------------------------

def _hostile_corpus(folder, long_size: int) -> list[tuple[str, int | None, str]]:
    """Write good and bad inputs; return the expected errors as (file name, line, part of the reason)."""
    folder.mkdir()
    (folder / "good.txt").write_text(PARAGRAPHS[0], encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "empty.md").write_bytes(b"")
    (folder / "latin1.txt").write_bytes("Caf\xe9 diplomacy in Astana.".encode("latin-1"))
    essay = ESSAY.read_text(encoding="utf-8")
    (folder / "long.txt").write_text((essay + "\n\n") * (long_size // (len(essay) + 2) + 1), encoding="utf-8")
    lines = [json.dumps({"id": "j1", "text": PARAGRAPHS[1]}), '{"id": "j2", "text": "cut off',
             json.dumps({"id": "j3", "title": "no text here"}), json.dumps({"id": "j4", "text": PARAGRAPHS[2]}),
             json.dumps({"id": "j5", "text": "   "})]
    (folder / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "bad-bytes.jsonl").write_bytes(b'{"id": "k1", "text": "ok"}\n{"id": "k2", "text": "\xff\xfe"}\n')
    return [("articles.jsonl", 2, "not valid JSON"), ("articles.jsonl", 3, "string 'text'"),
            ("articles.jsonl", 5, "empty"), ("bad-bytes.jsonl", 2, "UTF-8"), ("binary.txt", None, "binary"),
            ("empty.md", None, "empty"), ("latin1.txt", None, "UTF-8")]


def _check_hostile_run(nlp, tmp_path, long_size):
    expected_errors = _hostile_corpus(tmp_path / "in", long_size)
    out = tmp_path / "out.jsonl"
    summary = process(nlp, [tmp_path / "in"], out, stance_model_id=_stance_id(nlp))
    records = read_jsonl_records(out)
    assert [r["id"] for r in records] == ["j1", "j4", "k1", "good", "long"]
    assert all(schema_errors(r) == [] for r in records)
    long = records[-1]
    assert len(long["text"]) >= long_size and len(long["claims"]) > len(long["text"]) // 1000
    errors = read_jsonl_records(f"{out}.errors.jsonl")
    assert len(errors) == len(expected_errors) == summary.errors
    for error, (name, line, reason) in zip(errors, expected_errors):
        assert (error["file"], error["line"]) == (str(tmp_path / "in" / name), line)
        assert reason in error["reason"], error
    assert summary.docs == len(records)


@contextmanager
def _max_length(nlp, limit: int):
    """Texts longer than `limit` take the split-and-stitch path that a 20 MB text takes."""
    saved, nlp.max_length = nlp.max_length, limit
    try:
        yield nlp
    finally:
        nlp.max_length = saved


def test_reliability_hostile_corpus_keeps_every_good_document(fast_nlp, tmp_path):
    with _max_length(fast_nlp, 20_000) as nlp:
        _check_hostile_run(nlp, tmp_path, long_size=200_000)


@pytest.mark.slow
def test_reliability_hostile_corpus_with_a_20_mb_text(fast_nlp, tmp_path):
    _check_hostile_run(fast_nlp, tmp_path, long_size=20_000_000)


def test_reliability_unreadable_input_is_an_error_not_a_crash(fast_nlp, tmp_path, monkeypatch):
    import pathlib

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(PARAGRAPHS[0], encoding="utf-8")
    (folder / "b.txt").write_text(PARAGRAPHS[1], encoding="utf-8")
    read_bytes = pathlib.Path.read_bytes

    def refuse_b(path):
        if path.name == "b.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse_b)
    out = tmp_path / "out.jsonl"
    summary = process(fast_nlp, [folder], out, stance_model_id=_stance_id(fast_nlp))
    assert [r["id"] for r in read_jsonl_records(out)] == ["a"]
    (error,) = read_jsonl_records(f"{out}.errors.jsonl")
    assert error["reason"] == f"{folder / 'b.txt'}: cannot read it (Permission denied)."
    assert summary.errors == 1


# --- random documents through the batch path ---------------------------------------------

WORDS = st.sampled_from([
    "China", "Russia's", "the US", "U.S.", "EU", "Brussels", "Kazakhstan", "Central Asia", "Moscow", "Beijing",
    "$39.9 billion", "€5bn", "86 percent", "2.1-fold", "in 2022", "about 7,500 km", "more than 40%", "1.5 million",
    "but", "although", "because", "therefore", "however,", "for example,", "which", "not", "cooperate", "rivalry",
    ",", ";", ".", "?", "!", ":", "(", ")", "“", "”", "’", "—", "-", "...", "e.g.", "Mr.", "5+1", "CASA-1000",
])
SEPARATORS = st.sampled_from([" ", " ", " ", "\n", "\n\n", "\t", "  ", "\u00a0", "\r\n", "\n \n"])
UNICODE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=80)
PIECE = st.one_of(WORDS, WORDS, WORDS, st.sampled_from(SENTENCES), UNICODE)
DOCUMENT = st.lists(st.tuples(PIECE, SEPARATORS).map("".join), min_size=1, max_size=120).map("".join) \
    .filter(lambda text: text.strip())


def _check_random_documents(nlp, texts):
    docs = [InputDoc(f"r{i}", text, f"random.jsonl:{i + 1}") for i, text in enumerate(texts)]
    info = pipeline_info(nlp, _stance_id(nlp))
    results = list(_process_chunk(nlp, docs, info, 8, True))
    assert len(results) == len(docs)
    for doc, (record, error) in zip(docs, results):
        assert error is None, (doc.text, error)
        assert record["id"] == doc.id and record["text"] == doc.text
        assert schema_errors(record) == []
        _check_cross_references(record)


def _check_cross_references(record):
    text, claims = record["text"], record["claims"]
    ids = [c["id"] for c in claims]
    assert ids == [f"c{i + 1}" for i in range(len(claims))]
    assert [f["id"] for f in record["facts"]] == [f"f{i + 1}" for i in range(len(record["facts"]))]
    sentences = record["sentences"]
    assert all(text[s["start"]:s["end"]].strip() == text[s["start"]:s["end"]] != "" for s in sentences)
    assert all(a["end"] <= b["start"] for a, b in zip(sentences, sentences[1:]))
    for claim in claims:
        assert claim["sentence"] < len(sentences)
        assert claim["supports"] is None or claim["supports"] in ids
        assert set(claim["facts"]) <= {f["id"] for f in record["facts"]}
        assert all(a < b for a, b in ((d["a"], d["b"]) for d in claim["dyads"]))
    for fact in record["facts"]:
        assert fact["claim"] is None or fact["claim"] in ids


# Whole, and split into pieces of at most 300 characters (most documents here are longer).
@pytest.mark.parametrize("max_length", [1_000_000, 300])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(DOCUMENT, min_size=1, max_size=4))
def test_reliability_random_documents_give_valid_records(fast_nlp, max_length, texts):
    with _max_length(fast_nlp, max_length) as nlp:
        _check_random_documents(nlp, texts)


@pytest.mark.slow
@pytest.mark.parametrize("max_length", [1_000_000, 300])
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(DOCUMENT, min_size=1, max_size=8))
def test_reliability_random_documents_give_valid_records_long_run(fast_nlp, max_length, texts):
    with _max_length(fast_nlp, max_length) as nlp:
        _check_random_documents(nlp, texts)
