# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-slow lint train validate bench-turns clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,embeddings]'
	touch $(STAMP)

install: $(STAMP)

## Validate the data, migrate the SQLite database, train the NLU if needed, and serve on :8000,
## with the demo partner page (the web widget embedded on another origin) on :8001.
run: install
	$(BIN)/s3bot data validate
	$(BIN)/s3bot train
	$(BIN)/s3bot seed
	$(BIN)/s3bot serve --demo-page-port 8001

## The test suite without the tests marked slow (PostgreSQL tests run when TEST_DATABASE_URL is set),
## on one worker per core (pytest-xdist), each test file on one worker (module fixtures stay shared).
## The NLU models of every spoken language are trained first (nothing happens when the data is
## unchanged), so that every test session copies them instead of training its own.
test: install
	$(BIN)/s3bot train
	$(BIN)/python -m pytest -q -m "not slow" -n auto --dist loadfile

## The tests marked slow: NLU targets, several workers on PostgreSQL, real Rasa, the widget API and
## the staff console over live servers (CI runs them);
## the browser tests run on their own, since Playwright keeps an event loop running in the main thread.
test-slow: install
	$(BIN)/s3bot train
	$(BIN)/python -m pytest -q -m "slow and not browser"
	$(BIN)/python -m pytest -q -m browser

## Lint, format, types and the import layers (CI runs this before the tests).
lint: install
	$(BIN)/ruff check bot nlu actions tests bench
	$(BIN)/ruff format --check bot nlu actions tests bench
	$(BIN)/mypy bot nlu actions
	$(BIN)/lint-imports

train: install
	$(BIN)/s3bot train

validate: install
	$(BIN)/s3bot data validate

bench-turns: install
	$(BIN)/python bench/turns.py

clean:
	rm -rf $(VENV) models var .pytest_cache
