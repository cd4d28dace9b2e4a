# argmine: `make run` processes corpus/ into annotations/corpus.jsonl; `make test` runs the tests.
# Both bootstrap a virtual environment in .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-all bench model data evaluate clean install chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,parquet]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/argmine process corpus/ -o annotations/corpus.jsonl

# The report's browser test needs Debian's chromium; without root it is skipped, with a reason.
chromium:
	@bash scripts/ensure_chromium.sh || echo "warning: chromium unavailable; the report's browser test will be skipped" >&2

test: $(STAMP) chromium
	$(BIN)/python -m pytest -q

test-all: $(STAMP) chromium
	$(BIN)/python -m pytest -q -m ''

evaluate: $(STAMP)
	$(BIN)/argmine evaluate --gold annotations/gold/great-powers-central-asia.jsonl --profile full
	$(BIN)/argmine evaluate --gold annotations/gold/great-powers-central-asia.jsonl --profile fast

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks.numeric
	$(BIN)/python -m benchmarks.throughput

# The shipped stance model, retrained from the repository's annotations with a fixed seed.
model: $(STAMP)
	$(BIN)/argmine train --data annotations/stance/ -o models/stance.skops --seed 0

# Package data derived from ../shared/lexicons and the gold source files.
data: $(STAMP)
	$(BIN)/python scripts/build_gazetteer.py
	$(BIN)/python scripts/build_cues.py
	$(BIN)/python scripts/build_gold.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
