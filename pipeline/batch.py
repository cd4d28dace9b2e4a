"""The `argmine process` job on one machine: stream documents through the pipeline into JSONL.

Memory stays flat on any corpus size: inputs are read lazily, processed in chunks inside
`nlp.memory_zone()`, and turned into plain records before the zone closes. A document that
fails becomes a line of `<output>.errors.jsonl` and the batch goes on.
"""
from __future__ import annotations

import itertools
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language

from .errors import ArgmineError, Errors
from .io import STDIN, InputDoc, InputError, JsonlSink, iter_inputs
from .record import doc_to_record, merge_records, pipeline_info, split_text
from .schema import schema_errors

logger = logging.getLogger(__name__)

# Reasons for documents a component failed on, filled by `_remember_failure` (in this
# process only: with n_process > 1 the workers' reasons stay in the workers).
_component_failures: dict[str, str] = {}


def _remember_failure(proc_name: str, proc: Any, docs: list, error: Exception) -> None:
    for doc in docs:
        context = getattr(doc, "_context", None)
        if context is not None:
            _component_failures[context[0]] = f"component {proc_name} failed: {type(error).__name__}: {error}"


@dataclass
class Summary:
    """Counts of one run, printed as the closing line."""

    docs: int = 0
    words: int = 0
    claims: int = 0
    facts: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0

    def add(self, record: dict[str, Any], words: int) -> None:
        self.docs += 1
        self.words += words
        self.claims += len(record["claims"])
        self.facts += len(record["facts"])

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        skipped = f", {self.skipped} skipped (already in the output)" if self.skipped else ""
        return (f"{self.docs} docs, {self.words} words, {self.claims} claims, {self.facts} facts, "
                f"{self.errors} errors{skipped}, {self.words_per_second:,.0f} words/s")


@dataclass(frozen=True)
class _Piece:
    """A text handed to nlp.pipe: a whole document or one piece of a long one."""

    doc_id: str
    index: int
    offset: int
    text: str


def process(nlp: Language, inputs: Iterable[str | Path], output: str | Path, *,
            resume: bool = False, n_process: int = 1, batch_size: int = 32, chunk_size: int = 256,
            validate: bool = True, progress: bool = False, stance_model_id: str | None = None,
            stdin=None) -> Summary:
    """Process every document of `inputs` into the JSONL file `output` ("-" for stdout).

    Returns the run's Summary; documents that failed are in `<output>.errors.jsonl`.
    Raises ArgmineError if the output cannot be written (the previous output stays intact).
    """
    sink = JsonlSink(output, resume=resume)
    error_sink = None if str(output) == STDIN else JsonlSink(f"{output}.errors.jsonl")
    summary = Summary()
    info = pipeline_info(nlp, stance_model_id)
    bar = _progress_bar(progress)
    start = time.perf_counter()
    items = iter_inputs(inputs, stdin=stdin)
    try:
        while chunk := list(itertools.islice(items, chunk_size)):
            todo = []
            for item in chunk:
                if isinstance(item, InputError):
                    _write_error(error_sink, summary, item.as_record())
                elif item.id in sink.done_ids:
                    summary.skipped += 1
                else:
                    todo.append(item)
            for record, error in _process_chunk(nlp, todo, info, n_process, batch_size, validate):
                if error is not None:
                    _write_error(error_sink, summary, error)
                else:
                    sink.write(record)
                    summary.add(record, _count_words(record["text"]))
            sink.flush()
            if bar is not None:
                bar.update(len(chunk))
    except OSError as err:
        sink.close()
        if error_sink is not None:
            error_sink.close()
        raise ArgmineError(Errors.E013.format(path=output, detail=err.strerror or err)) from None
    finally:
        if bar is not None:
            bar.close()
    sink.commit()
    if error_sink is not None:
        error_sink.commit()
    summary.seconds = time.perf_counter() - start
    return summary


def _process_chunk(nlp: Language, docs: list[InputDoc], info: dict[str, Any], n_process: int,
                   batch_size: int, validate: bool) -> Iterator[tuple[dict | None, dict | None]]:
    """(record, None) or (None, error record) for each document, in input order."""
    by_id = {doc.id: doc for doc in docs}
    pieces = [_Piece(doc.id, i, offset, text) for doc in docs
              for i, (offset, text) in enumerate(split_text(doc.text, nlp.max_length))]
    parts: dict[str, list[tuple[int, dict]]] = {doc.id: [] for doc in docs}
    failed: dict[str, str] = {}
    _component_failures.clear()
    nlp.set_error_handler(_remember_failure)
    with nlp.memory_zone():
        stream = nlp.pipe(((p.text, (p.doc_id, p.offset)) for p in pieces), as_tuples=True,
                          batch_size=batch_size, n_process=n_process)
        for doc, (doc_id, offset) in stream:
            source = by_id[doc_id]
            try:
                record = doc_to_record(doc, doc_id=doc_id, source=source.source, meta=source.meta,
                                       pipeline=info)
            except Exception as err:  # a bug on one document must not end the batch
                logger.exception("converting %s failed", doc_id)
                failed[doc_id] = f"record conversion failed: {type(err).__name__}: {err}"
                continue
            parts[doc_id].append((offset, record))
    expected = {doc.id: sum(1 for p in pieces if p.doc_id == doc.id) for doc in docs}
    for doc in docs:
        if doc.id not in failed and len(parts[doc.id]) != expected[doc.id]:
            failed[doc.id] = _component_failures.get(doc.id, "the pipeline failed on this document")
        if doc.id in failed:
            yield None, _error_record(doc, failed[doc.id])
            continue
        record = parts[doc.id][0][1] if expected[doc.id] == 1 else merge_records(parts[doc.id], doc.text)
        problems = schema_errors(record) if validate else []
        if problems:
            yield None, _error_record(doc, "invalid output: " + "; ".join(problems[:3]))
        else:
            yield record, None


def _error_record(doc: InputDoc, reason: str) -> dict[str, Any]:
    path, _, line = doc.source.rpartition(":") if ":" in doc.source else (doc.source, "", "")
    return {"id": doc.id, "file": path or doc.source, "line": int(line) if line.isdigit() else None,
            "reason": reason}


def _write_error(error_sink: JsonlSink | None, summary: Summary, error: dict[str, Any]) -> None:
    summary.errors += 1
    where = error["file"] + (f" line {error['line']}" if error.get("line") else "")
    logger.warning("%s: %s", where, error["reason"])
    if error_sink is None:
        print(f"error: {where}: {error['reason']}", file=sys.stderr)
    else:
        error_sink.write(error)


def _count_words(text: str) -> int:
    return len(text.split())


def _progress_bar(enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit="doc", file=sys.stderr, dynamic_ncols=True)
