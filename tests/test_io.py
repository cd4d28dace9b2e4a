"""Reading inputs: every problem names the file and line; good documents are never lost."""
from __future__ import annotations

import io
import json

import pytest

from pipeline.io import InputDoc, InputError, JsonlSink, iter_inputs


def _read(paths, stdin=None):
    return list(iter_inputs([str(p) for p in paths], stdin=stdin))


def test_io_folder_is_read_recursively_and_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Zed text.", encoding="utf-8")
    (tmp_path / "a.md").write_text("A text.", encoding="utf-8")
    (tmp_path / "skip.csv").write_text("x,y", encoding="utf-8")
    items = _read([tmp_path])
    assert [(d.id, d.text) for d in items] == [("a", "A text."), ("b/z", "Zed text.")]


def test_io_jsonl_carries_meta_and_names_bad_lines(tmp_path):
    path = tmp_path / "arts.jsonl"
    path.write_text('{"id": "x1", "text": "One.", "date": "2024-01-02"}\n'
                    '{"id": "x2", "text": \n'
                    '\n'
                    '{"id": "x3", "title": "no text"}\n'
                    '["not", "an", "object"]\n'
                    '{"text": "Id made from the line."}\n', encoding="utf-8")
    items = _read([path])
    assert items[0] == InputDoc("x1", "One.", f"{path}:1", {"date": "2024-01-02"})
    errors = [i for i in items if isinstance(i, InputError)]
    assert [e.line for e in errors] == [2, 4, 5]
    assert "line 2" in errors[0].reason and "not valid JSON" in errors[0].reason
    assert "line 4" in errors[1].reason
    assert items[-1].id == "arts:6"


def test_io_duplicate_ids_in_jsonl_are_errors(tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text('{"id": "a", "text": "One."}\n{"id": "a", "text": "Two."}\n', encoding="utf-8")
    items = _read([path])
    assert isinstance(items[1], InputError) and "duplicate id" in items[1].reason


@pytest.mark.parametrize("content, reason", [
    (b"\xff\xfe bad bytes", "not valid UTF-8 at byte 0"),
    (b"   \n\t ", "empty"),
    (b"\x00\x01\x02binary", "binary"),
])
def test_io_bad_text_files_become_errors(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    (item,) = _read([path])
    assert isinstance(item, InputError) and reason in item.reason and str(path) in item.reason


def test_io_missing_path_is_an_error(tmp_path):
    (item,) = _read([tmp_path / "nope.txt"])
    assert isinstance(item, InputError) and "no such file" in item.reason


def test_io_stdin_is_one_document():
    (item,) = _read(["-"], stdin=io.BytesIO("Russia and China cooperate.".encode()))
    assert item == InputDoc("stdin", "Russia and China cooperate.", "-", {})


def test_io_sink_renames_only_on_commit(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "old"}\n')
    sink = JsonlSink(out)
    sink.write({"id": "new"})
    sink.flush()
    assert out.read_text() == '{"id": "old"}\n'  # previous output intact until commit
    sink.commit()
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["new"]
    assert not (tmp_path / "out.jsonl.partial").exists()


def test_io_sink_resume_keeps_complete_lines_and_drops_a_cut_one(tmp_path):
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").write_text('{"id": "a"}\n{"id": "b"}\n{"id": "c", "te')
    sink = JsonlSink(out, resume=True)
    assert sink.done_ids == {"a", "b"}
    sink.write({"id": "c"})
    sink.commit()
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a", "b", "c"]
