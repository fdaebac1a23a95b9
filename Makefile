# Two commands do everything on a fresh machine with only Python: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@echo "compiling bdm's kernels into numba's cache (once per install, about 40 s of CPU)"
	$(BIN)/stratagem forecast us-iraq-2020 -e bdm --json > /dev/null
	$(BIN)/stratagem ensemble us-iraq-2020 -e bdm -n 4 --workers 1 --json > /dev/null
	touch $(STAMP)

run: $(STAMP)  ## set up and forecast the built-in default scenario with every engine
	$(BIN)/stratagem forecast

test: lint typecheck pytest  ## set up and pass the whole test suite

lint: $(STAMP)
	$(BIN)/ruff check stratagem tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy stratagem

# Debian's Chromium for the browser tests (Playwright cannot download browsers here); installed with apt
# only when missing, as root or through sudo.
browser:
	@if [ -x /usr/bin/chromium ] || [ -n "$$STRATAGEM_CHROMIUM" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO="sudo -n"; else \
	  echo "browser: /usr/bin/chromium is missing and neither root nor sudo is available; browser tests will skip"; exit 0; fi; \
	echo "installing Debian's chromium for the browser tests"; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

pytest: $(STAMP) browser
	$(BIN)/pytest; status=$$?; if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$status

bench: $(STAMP)  ## benchmarks (not timed tests): whole commands as users run them, then engine rounds
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_engines.py
	$(BIN)/python benchmarks/bench_ktab.py
	$(BIN)/python benchmarks/bench_ensemble.py
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_extract_polnear.py
	$(BIN)/python benchmarks/bench_long_paragraph.py
	$(BIN)/python benchmarks/bench_web.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .benchmarks test-artifacts
