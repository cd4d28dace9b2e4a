"""Reading articles (text files, folders, JSONL, stdin) and writing JSONL safely.

Every input problem becomes an `InputError` naming the file and line; the caller decides
whether to stop or to record it and go on. Output goes to `<out>.partial` and is renamed
over `<out>` only when the run finishes, so a crash never leaves a half-written output.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import Errors

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
STDIN = "-"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InputDoc:
    """One article to process."""

    id: str
    text: str
    source: str  # "corpus/a.txt" or "articles.jsonl:12" or "-"
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InputError:
    """An input that could not be read as an article; becomes a line of the errors file."""

    id: str | None
    source: str
    line: int | None
    reason: str

    def as_record(self) -> dict[str, Any]:
        path = self.source.rpartition(":")[0] if self.line else self.source
        return {"id": self.id, "file": path, "line": self.line, "reason": self.reason}


def iter_inputs(paths: Iterable[str | Path], *, stdin: IO[bytes] | None = None) -> Iterator[InputDoc | InputError]:
    """Every document of `paths` in a stable order: folders recursively and sorted."""
    for raw in paths:
        if str(raw) == STDIN:
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer)
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES:
                    yield from _read_path(child, id_base=child.relative_to(path))
        elif path.is_file():
            yield from _read_path(path, id_base=Path(path.name))
        else:
            yield InputError(None, str(path), None, Errors.E006.format(path=path))


def _read_path(path: Path, *, id_base: Path) -> Iterator[InputDoc | InputError]:
    doc_id = id_base.with_suffix("").as_posix()
    try:
        if path.suffix.lower() in JSONL_SUFFIXES:
            with path.open("rb") as lines:
                yield from _read_jsonl(lines, str(path))
        else:
            yield _read_text_file(path.read_bytes(), str(path), doc_id)
    except OSError as err:  # unreadable (permissions, a broken link, an I/O error): this input only
        detail = f"cannot read it ({err.strerror or err})."
        yield InputError(doc_id, str(path), None, Errors.E015.format(path=path, detail=detail))


def _read_stdin(stream: IO[bytes]) -> Iterator[InputDoc | InputError]:
    yield _read_text_file(stream.read(), STDIN, "stdin")


def _read_text_file(data: bytes, source: str, doc_id: str) -> InputDoc | InputError:
    if b"\x00" in data[:8192]:
        return InputError(doc_id, source, None, f"{source}: binary file (NUL bytes), not text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return InputError(doc_id, source, None,
                          Errors.E005.format(path=source, position=err.start, detail=err.reason))
    if not text.strip():
        return InputError(doc_id, source, None, Errors.E007.format(source=source))
    return InputDoc(doc_id, text, source)


def _read_jsonl(lines: Iterable[bytes], path: str) -> Iterator[InputDoc | InputError]:
    stem = Path(path).stem
    seen: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        source = f"{path}:{number}"
        try:
            record = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as err:
            yield InputError(None, source, number, Errors.E005.format(path=f"{path} line {number}",
                                                                      position=err.start, detail=err.reason))
            continue
        except json.JSONDecodeError as err:
            yield InputError(None, source, number, Errors.E003.format(path=path, line=number, detail=err.msg))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            got = type(record).__name__ if not isinstance(record, dict) else f"keys {sorted(record)}"
            yield InputError(_record_id(record, stem, number), source, number,
                             Errors.E004.format(path=path, line=number, got=got))
            continue
        doc_id = _record_id(record, stem, number)
        if doc_id in seen:
            yield InputError(doc_id, source, number, Errors.E014.format(path=path, line=number, id=doc_id))
            continue
        seen.add(doc_id)
        if not record["text"].strip():
            yield InputError(doc_id, source, number, Errors.E007.format(source=f"{path} line {number}"))
            continue
        meta = {k: v for k, v in record.items() if k not in ("id", "text")}
        yield InputDoc(doc_id, record["text"], source, meta)


def _record_id(record: Any, stem: str, number: int) -> str:
    if isinstance(record, dict) and record.get("id") not in (None, ""):
        return str(record["id"])
    return f"{stem}:{number}"


def read_jsonl_records(path: str | Path) -> list[dict[str, Any]]:
    """All records of a JSONL file we wrote (or gold data); a bad line raises with its number."""
    records = []
    with Path(path).open("rb") as lines:
        for item in _read_jsonl_objects(lines, str(path)):
            records.append(item)
    return records


def iter_jsonl_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Stream the records of a JSONL file; a bad line raises ValueError naming file and line."""
    with Path(path).open("rb") as lines:
        yield from _read_jsonl_objects(lines, str(path))


def _read_jsonl_objects(lines: Iterable[bytes], path: str) -> Iterator[dict[str, Any]]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ValueError(Errors.E003.format(path=path, line=number, detail=err)) from None
        if not isinstance(record, dict):
            raise ValueError(Errors.E004.format(path=path, line=number, got=type(record).__name__))
        yield record


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class JsonlSink:
    """Append-only JSONL output that becomes `path` only when `commit()` is called.

    Lines go to `<path>.partial`, flushed after every `flush()`; `commit()` fsyncs and renames
    it over `path`. With `resume=True`, the complete lines already in `<path>.partial` (an
    interrupted run) or in `path` (a finished one) are kept and their ids returned by `done_ids`.
    `path == "-"` writes straight to stdout.
    """

    def __init__(self, path: str | Path, *, resume: bool = False, id_field: str = "id") -> None:
        self.path = str(path)
        self.done_ids: set[str] = set()
        if self.path == STDIN:
            self.partial = None
            self.handle: IO[str] = sys.stdout
            return
        target = Path(self.path)
        self.partial = target.with_name(target.name + ".partial")
        # Found now rather than after the whole run, when the output is renamed into place.
        blocker = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
        if target.is_dir() or blocker is not None:
            from .errors import ArgmineError

            detail = f"{blocker} is a file, not a folder" if blocker else "it is a folder, not a file"
            raise ArgmineError(Errors.E013.format(path=self.path, detail=detail))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            kept = self._recover(target, id_field) if resume else []
            self.handle = self.partial.open("w", encoding="utf-8")
            for line in kept:
                self.handle.write(line)
            self.handle.flush()
        except OSError as err:
            from .errors import ArgmineError

            raise ArgmineError(Errors.E013.format(path=self.path, detail=err.strerror or err)) from None

    def _recover(self, target: Path, id_field: str) -> list[str]:
        source = self.partial if self.partial.exists() else target if target.exists() else None
        if source is None:
            return []
        kept = []
        with source.open("rb") as lines:
            for raw in lines:
                if not raw.endswith(b"\n"):
                    break  # a line cut off by the interruption: its document is redone
                try:
                    record = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    break
                if record.get(id_field) in self.done_ids:
                    continue
                self.done_ids.add(record.get(id_field))
                kept.append(raw.decode("utf-8"))
        return kept

    def write(self, record: dict[str, Any]) -> None:
        self.handle.write(dumps(record) + "\n")

    def flush(self) -> None:
        self.handle.flush()

    def commit(self) -> None:
        """Make the output final: fsync, then atomically replace the target."""
        if self.partial is None:
            self.handle.flush()
            return
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.partial, self.path)

    def close(self) -> None:
        """Stop writing without committing (the partial file stays for --resume).

        Called after a failure; if the last buffered lines cannot be written either (a full
        disk), they are dropped: --resume redoes their documents.
        """
        if self.partial is not None and not self.handle.closed:
            try:
                self.handle.close()
            except OSError as err:
                logger.info("%s: could not flush the last lines (%s); --resume will redo them",
                               self.partial, err.strerror or err)
