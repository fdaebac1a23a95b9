# Two commands do everything on a fresh machine with only Python: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)  ## set up and forecast the built-in default scenario with every engine
	$(BIN)/stratagem forecast

test: lint typecheck pytest  ## set up and pass the whole test suite

lint: $(STAMP)
	$(BIN)/ruff check stratagem tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy stratagem

pytest: $(STAMP)
	$(BIN)/pytest; status=$$?; if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$status

bench: $(STAMP)  ## benchmarks (not timed tests): engine rounds at several sizes
	$(BIN)/python benchmarks/bench_engines.py
	$(BIN)/python benchmarks/bench_ktab.py
	$(BIN)/python benchmarks/bench_ensemble.py
	$(BIN)/python benchmarks/bench_ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .benchmarks
