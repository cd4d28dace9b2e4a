"""Shared fixtures: pipelines are loaded once per session; nothing is downloaded."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
ESSAY = CORPUS / "great-powers-central-asia.txt"
GOLD = REPO / "annotations" / "gold" / "great-powers-central-asia.jsonl"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def fast_nlp():
    from pipeline.profiles import load_pipeline

    return load_pipeline("fast")


@pytest.fixture(scope="session")
def full_nlp():
    from pipeline.profiles import load_pipeline

    return load_pipeline("full")


@pytest.fixture(params=["fast", "full"])
def any_nlp(request):
    return request.getfixturevalue(f"{request.param}_nlp")
