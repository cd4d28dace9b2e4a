"""The command line as a user runs it: exit codes, stdin/stdout, one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ESSAY, REPO


def _argmine(*args, stdin: bytes | None = None):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], input=stdin, capture_output=True,
                          cwd=REPO, timeout=300)


def test_cli_stdin_to_stdout():
    result = _argmine("process", "-", "-o", "-", "--profile", "fast", stdin="Russia and China cooperate closely.".encode())
    assert result.returncode == 0, result.stderr.decode()
    (line,) = result.stdout.decode().splitlines()
    record = json.loads(line)
    assert record["id"] == "stdin" and record["pipeline"]["profile"] == "fast"


def test_cli_process_then_validate(tmp_path):
    out = tmp_path / "out.jsonl"
    result = _argmine("process", str(ESSAY), "-o", str(out), "--profile", "fast")
    assert result.returncode == 0, result.stderr.decode()
    assert "1 docs," in result.stderr.decode() and "words/s" in result.stderr.decode()
    check = _argmine("validate", str(out))
    assert check.returncode == 0 and "1 records, 0 problems" in check.stdout.decode()


def test_cli_failed_documents_give_exit_code_1(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "ok", "text": "Kazakhstan trades with China."}\n{not json\n')
    out = tmp_path / "out.jsonl"
    result = _argmine("process", str(src), "-o", str(out), "--profile", "fast")
    assert result.returncode == 1
    assert f"{src} line 2" in result.stderr.decode()
    assert len(out.read_text().splitlines()) == 1


def test_cli_validate_names_the_bad_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    result = _argmine("validate", str(bad))
    assert result.returncode == 1 and f"{bad} line 1" in result.stderr.decode()


@pytest.mark.parametrize("args, message", [
    (["process", "x.txt", "--profile", "turbo"], "Unknown profile"),
    (["train", "--data", "no/such/dir"], "no such file"),
])
def test_cli_bad_arguments_fail_in_one_line(args, message):
    result = _argmine(*args)
    assert result.returncode == 2 and message in result.stderr.decode()
