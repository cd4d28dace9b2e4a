"""The Dask engine: the local engine's output on a real cluster, resumable, surviving dead workers."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import distributed
import pytest

from pipeline.batch import process, stream
from pipeline.distributed import cluster_runner, process_dask
from pipeline.errors import ArgmineError
from pipeline.io import read_jsonl_records

from .conftest import ESSAY, REPO

PARAGRAPHS = [p for p in ESSAY.read_text(encoding="utf-8").splitlines() if p.strip()]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:
        yield cluster


@pytest.fixture
def corpus(tmp_path):
    """Paragraphs as JSONL and as text files, with inputs that must land in the errors file."""
    folder = tmp_path / "in"
    (folder / "notes").mkdir(parents=True)
    lines = [json.dumps({"id": f"p{i:03d}", "text": text, "n": i}) for i, text in enumerate(PARAGRAPHS * 4)]
    lines.insert(7, "{broken")
    lines.insert(20, json.dumps({"id": "no-text", "title": "x"}))
    (folder / "paragraphs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for i, text in enumerate(PARAGRAPHS[:5]):
        (folder / "notes" / f"n{i}.txt").write_text(text, encoding="utf-8")
    (folder / "notes" / "empty.txt").write_text("", encoding="utf-8")
    return folder


def _pipeline_loads() -> int:
    from pipeline.distributed import worker_pipeline

    return worker_pipeline.cache_info().misses


def _local(nlp, corpus, out, **kwargs):
    return process(nlp, [corpus], out, stance_model_id=nlp.get_pipe("argmine_stance").model_id, **kwargs)


def test_distributed_output_equals_the_local_engine(fast_nlp, cluster, corpus, tmp_path):
    local, dask = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    expected = _local(fast_nlp, corpus, local)
    summary = process_dask([corpus], dask, profile="fast", scheduler=cluster.scheduler_address, chunk_size=16)
    assert dask.read_bytes() == local.read_bytes()
    assert (tmp_path / "dask.jsonl.errors.jsonl").read_bytes() == (tmp_path / "local.jsonl.errors.jsonl").read_bytes()
    assert (summary.docs, summary.errors, summary.claims) == (expected.docs, expected.errors, expected.claims)
    assert summary.docs == 4 * len(PARAGRAPHS) + 5 and summary.errors == 3
    with distributed.Client(cluster) as client:
        loads = client.run(_pipeline_loads)
    assert max(loads.values()) == 1  # once per worker, for many chunks


def test_distributed_resume_finishes_an_interrupted_run(fast_nlp, cluster, corpus, tmp_path):
    complete = tmp_path / "complete.jsonl"
    _local(fast_nlp, corpus, complete)
    lines = complete.read_text(encoding="utf-8").splitlines(keepends=True)
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").write_text("".join(lines[:50]) + lines[50][:100], encoding="utf-8")
    summary = process_dask([corpus], out, profile="fast", scheduler=cluster.scheduler_address, resume=True,
                           chunk_size=16)
    assert out.read_bytes() == complete.read_bytes()
    assert summary.skipped == 50 and summary.docs == len(lines) - 50


def test_distributed_a_killed_worker_loses_nothing(fast_nlp, cluster, corpus, tmp_path):
    local, out = tmp_path / "local.jsonl", tmp_path / "out.jsonl"
    _local(fast_nlp, corpus, local)
    with distributed.Client(cluster) as client:
        victim = sorted(client.run(os.getpid).values())[0]
    killed = {}

    def kill_once_output_starts():
        partial = tmp_path / "out.jsonl.partial"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if partial.exists() and partial.stat().st_size > 0:
                killed["run_was_unfinished"] = not out.exists()
                os.kill(victim, signal.SIGKILL)
                return
            time.sleep(0.005)

    killer = threading.Thread(target=kill_once_output_starts)
    killer.start()
    summary = process_dask([corpus], out, profile="fast", scheduler=cluster.scheduler_address, chunk_size=4)
    killer.join()
    assert killed == {"run_was_unfinished": True}
    assert out.read_bytes() == local.read_bytes()
    assert summary.errors == 3


def _die_on_poison(docs):
    """A task that kills its worker process on a poisonous document, like a segfault or the OOM killer."""
    if any(doc.text == "POISON" for doc in docs):
        os._exit(1)
    return [({"id": doc.id, "text": doc.text, "claims": [], "facts": []}, None) for doc in docs]


def test_distributed_a_document_that_kills_every_worker_is_isolated(tmp_path):
    import dask

    src = tmp_path / "docs.jsonl"
    texts = [f"Document {i}." for i in range(12)]
    texts[9] = "POISON"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts)))
    out = tmp_path / "out.jsonl"
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        def submit(docs):
            return client.submit(_die_on_poison, docs, pure=False)

        summary = stream([src], out, cluster_runner(submit, lambda: 4), chunk_size=6)
    assert [r["id"] for r in read_jsonl_records(out)] == [f"d{i}" for i in range(12) if i != 9]
    (error,) = read_jsonl_records(f"{out}.errors.jsonl")
    assert error["id"] == "d9" and error["line"] == 10 and "worker" in error["reason"] and "died" in error["reason"]
    assert summary.errors == 1


def test_distributed_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.distributed.CONNECT_TIMEOUT", "1s")
    with pytest.raises(ArgmineError, match="Cannot connect to the Dask scheduler at tcp://127.0.0.1:9"):
        process_dask([ESSAY], tmp_path / "out.jsonl", profile="fast", scheduler="tcp://127.0.0.1:9")
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.slow
def test_distributed_cli_engine_dask_on_its_own_local_cluster(fast_nlp, corpus, tmp_path):
    local, out = tmp_path / "local.jsonl", tmp_path / "out.jsonl"
    _local(fast_nlp, corpus, local)
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "process", str(corpus), "-o", str(out),
                             "--profile", "fast", "--engine", "dask"], capture_output=True, cwd=REPO, timeout=300)
    assert result.returncode == 1, result.stderr.decode()  # three inputs are bad
    assert out.read_bytes() == local.read_bytes()
