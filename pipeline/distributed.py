"""The `argmine process --engine dask` job: the same batch on a Dask distributed cluster.

The client reads the inputs, sends chunks of documents (plain `InputDoc`s) to the workers and
writes the records they return in input order, through the same `batch.stream` as the local
engine: same records, same order, same errors file, same `--resume`. Each worker loads the
pipeline once and keeps it; documents travel as text and records come back as plain dicts, so
no `nlp`, `Doc` or `Span` crosses a process boundary (dask `docs/source/best-practices.rst`).

A bounded number of chunks is in flight at any time, so memory stays flat on any corpus
size. A task that fails is retried; a chunk whose worker dies repeatedly (the scheduler's
`KilledWorker`) is split in halves until the document that kills it is alone, and that
document alone, once it has killed DEATHS_TO_BLAME workers, becomes a line of the errors file.
"""
from __future__ import annotations

import itertools
import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language

from .batch import Results, Runner, Summary, _error_record, _process_chunk, stream
from .errors import ArgmineError, Errors
from .io import InputDoc
from .record import pipeline_info

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

DEFAULT_CHUNK_SIZE = 256
LOCAL_WORKERS = 2
TASK_RETRIES = 2
# A document alone in its chunk is blamed for a worker's death only when it dies this many
# times: a worker that dies takes the tasks queued behind the killer with it, innocent ones too.
DEATHS_TO_BLAME = 3
CONNECT_TIMEOUT = "30s"

# One pipeline at a time per worker process: nlp.memory_zone() and the error handler are
# process-wide, so a worker started with several threads runs our chunks one after another.
_WORKER_LOCK = threading.Lock()


def process_dask(inputs: Iterable[str | Path], output: str | Path, *, profile: str = "full",
                 stance_model: str | Path | None = None, resume: bool = False, scheduler: str | None = None,
                 progress: bool = False, chunk_size: int = DEFAULT_CHUNK_SIZE, batch_size: int = 32,
                 validate: bool = True, max_in_flight: int | None = None, stdin=None) -> Summary:
    """Process every document of `inputs` into `output` on a Dask cluster.

    Args:
        inputs: files, folders and JSONL files, as for `batch.process`; read by this process.
        output: the JSONL output ("-" for stdout), written by this process only.
        profile: "full" or "fast"; each worker builds the pipeline with `load_pipeline`.
        stance_model: a `.skops` path the workers can read (relative paths are resolved here);
            the package's `models/stance.skops` on each worker by default.
        resume: keep the complete records of an interrupted run and do only the rest.
        scheduler: address of a running scheduler (`tcp://host:8786`); None starts a local
            cluster of LOCAL_WORKERS single-threaded worker processes for this run.
        chunk_size: documents per task.
        max_in_flight: chunks submitted or finished but not yet written; twice the cluster's
            worker threads by default (counted again as chunks finish, so an adaptive cluster
            that grows gets more).

    Returns:
        The run's Summary, as `batch.process` does.

    Raises:
        ArgmineError: the scheduler cannot be reached, the workers cannot build the pipeline,
            or the output cannot be written (the previous output stays intact).
    """
    model = str(Path(stance_model).resolve()) if stance_model is not None else None
    with _connect(scheduler) as client:
        token, count = uuid.uuid4().hex[:8], itertools.count()

        def submit(docs: list[InputDoc]):
            return client.submit(process_on_worker, docs, profile, model, batch_size, validate,
                                 key=f"argmine-chunk-{token}-{next(count)}", retries=TASK_RETRIES, pure=False)

        def capacity() -> int:  # asked again as chunks finish: an adaptive cluster may have grown
            return max_in_flight or max(2, 2 * sum(client.nthreads().values()))

        logger.info("processing on %s (%d chunks in flight)", client.scheduler.address, capacity())
        return stream(inputs, output, cluster_runner(submit, capacity), resume=resume, chunk_size=chunk_size,
                      progress=progress, stdin=stdin)


@contextmanager
def _connect(scheduler: str | None) -> Iterator[Any]:
    """A client of the cluster at `scheduler`, or of a local cluster started (and stopped) here."""
    from distributed import Client, LocalCluster

    with _quiet("distributed"):
        if scheduler is None:
            with LocalCluster(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True,
                              dashboard_address=":0") as cluster, Client(cluster) as client:
                yield client
            return
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as err:
            raise ArgmineError(Errors.E016.format(address=scheduler, detail=err)) from None
        with client:
            yield client


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Keep a library's INFO chatter (cluster start and stop) out of our output; warnings still show."""
    library = logging.getLogger(name)
    level = library.level
    library.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        library.setLevel(level)


def cluster_runner(submit: Callable[[list[InputDoc]], Any], max_in_flight: Callable[[], int]) -> Runner:
    """A runner for `batch.stream` that sends chunks to a cluster and yields results in order.

    `submit(docs)` returns a distributed Future of `process_on_worker`'s results. At most
    `max_in_flight()` chunks are submitted or finished and not yet yielded.
    """
    from distributed import as_completed

    def run(chunks: Iterator[list[InputDoc]]) -> Iterator[Results]:
        queue: deque[_Chunk] = deque()  # in input order
        by_key: dict[str, _Chunk] = {}
        finished = as_completed()
        exhausted = False

        def start(docs: list[InputDoc], deaths: int = 0) -> _Chunk:
            chunk = _Chunk(docs, deaths)
            if docs:
                chunk.future = submit(docs)
                by_key[chunk.future.key] = chunk
                finished.add(chunk.future)
            else:
                chunk.result = []  # every document skipped or unreadable: nothing to send
            return chunk

        while True:
            limit = max_in_flight()
            while not exhausted and len(queue) < limit:
                docs = next(chunks, None)
                if docs is None:
                    exhausted = True
                else:
                    queue.append(start(docs))
            if not queue:
                return
            if not queue[0].done():
                future = next(finished)  # blocks until some chunk is back
                _settle(by_key.pop(future.key), future, start)
            while queue and queue[0].done():
                yield queue.popleft().results()

    return run


class _Chunk:
    """A chunk of documents in input order: its future, then its results or the halves it was split into."""

    __slots__ = ("docs", "future", "result", "halves", "deaths")

    def __init__(self, docs: list[InputDoc], deaths: int = 0) -> None:
        self.docs = docs
        self.deaths = deaths
        self.future: Any = None
        self.result: Results | None = None
        self.halves: list[_Chunk] | None = None

    def done(self) -> bool:
        if self.halves is not None:
            return all(half.done() for half in self.halves)
        return self.result is not None

    def results(self) -> Results:
        if self.halves is not None:
            return [item for half in self.halves for item in half.results()]
        return self.result


def _settle(chunk: _Chunk, future: Any, start: Callable[..., _Chunk]) -> None:
    """Take a finished future's results, or isolate the document that keeps killing workers."""
    from distributed import KilledWorker

    chunk.future = None
    if future.status == "finished":
        chunk.result = future.result()
    else:
        error = future.exception()
        if not isinstance(error, KilledWorker):
            future.result()  # re-raises the task's own exception, traceback included
        if len(chunk.docs) > 1:
            middle = len(chunk.docs) // 2
            logger.warning("a worker died %s; retrying its %d documents in halves", _where(chunk.docs),
                           len(chunk.docs))
            chunk.halves = [start(chunk.docs[:middle]), start(chunk.docs[middle:])]
        elif chunk.deaths + 1 < DEATHS_TO_BLAME:
            chunk.halves = [start(chunk.docs, chunk.deaths + 1)]
        else:
            (doc,) = chunk.docs
            chunk.result = [(None, _error_record(doc, f"the worker processing this document died ({error})"))]
    future.release()


def _where(docs: list[InputDoc]) -> str:
    return f"on {docs[0].source}" + (f" .. {docs[-1].source}" if len(docs) > 1 else "")


# --- on the workers ------------------------------------------------------------------------

def process_on_worker(docs: list[InputDoc], profile: str, stance_model: str | None, batch_size: int,
                      validate: bool) -> Results:
    """(record, None) or (None, error record) for each document, with this worker's pipeline."""
    with _WORKER_LOCK:
        nlp, info = worker_pipeline(profile, stance_model)
        return list(_process_chunk(nlp, docs, info, batch_size, validate))


@lru_cache(maxsize=2)
def worker_pipeline(profile: str, stance_model: str | None) -> tuple[Language, dict[str, Any]]:
    """The pipeline of this worker process and its record `pipeline` field, built on first use."""
    from .profiles import load_pipeline

    nlp = load_pipeline(profile, stance_model=stance_model)
    stance_id = nlp.get_pipe("argmine_stance").model_id if "argmine_stance" in nlp.pipe_names else None
    return nlp, pipeline_info(nlp, stance_id)
