# The two commands of the README: `make demo` (set up, then screen the example) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test setup data

$(BIN)/sourcetrace: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/sourcetrace

demo: setup
	$(BIN)/sourcetrace lists
	mkdir -p out
	$(BIN)/sourcetrace screen examples/suppliers.csv --output out/suppliers-screened.csv

test: setup
	$(BIN)/python -m pytest

data: setup
	$(BIN)/python scripts/build_data.py
