"""The en_core_web_sm weights we run on are the ones we pinned, byte for byte."""
from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import pytest

from pipeline.profiles import find_base_model

PINNED = Path(__file__).resolve().parent.parent / "models" / "en_core_web_sm-3.8.0.sha256"


def _pinned() -> list[tuple[str, str]]:
    rows = [line.split() for line in PINNED.read_text().splitlines() if line and not line.startswith("#")]
    return [(path, digest) for digest, path in rows]


def _model_dir() -> Path:
    package = importlib.import_module(find_base_model())
    root = Path(package.__file__).parent
    return next(p for p in root.iterdir() if p.is_dir() and (p / "config.cfg").exists())


@pytest.mark.parametrize("relative, digest", _pinned())
def test_base_model_file_matches_pinned_sha256(relative, digest):
    data = (_model_dir() / relative).read_bytes()
    assert hashlib.sha256(data).hexdigest() == digest, f"{relative} differs from the pinned upload"


def test_base_model_is_version_3_8_0():
    import spacy

    nlp = spacy.load(find_base_model())
    assert nlp.meta["version"] == "3.8.0"
    assert nlp.pipe_names == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]
