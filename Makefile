# The two commands of the README: `make demo` (set up, then screen the example) and `make test`.
# Every install comes from uv.lock (refresh it with `make lock`; see docs/development.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
# uv lives in its own folder so that `uv sync` (which removes what the lock does not name) never
# removes it from the project's environment.
UV_DIR := .uv
UV := $(UV_DIR)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
SYNC := $(UV) sync --frozen --python $(PYTHON) --quiet

.PHONY: demo test setup setup-test lock data

$(UV):
	$(PYTHON) -m venv $(UV_DIR)
	$(UV_DIR)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The runtime only: what `sourcetrace` needs, none of the test, browser or Spark extras.
$(VENV)/.runtime: pyproject.toml uv.lock | $(UV)
	$(SYNC) --no-default-groups
	touch $@

# The runtime and every extra the tests use (pytest, PostgreSQL driver, Spark, Playwright, lint).
$(VENV)/.test: pyproject.toml uv.lock | $(UV)
	$(SYNC) --no-default-groups --extra test --extra lint
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime

setup-test: $(VENV)/.test

demo: setup
	$(BIN)/sourcetrace lists
	mkdir -p out
	$(BIN)/sourcetrace screen examples/suppliers.csv --output out/suppliers-screened.csv

# Starts a throwaway PostgreSQL on loopback when it can (scripts/test.sh says which suites it skips).
test: setup-test
	scripts/test.sh

lock: | $(UV)
	$(UV) lock

data: setup
	$(BIN)/python scripts/build_data.py
