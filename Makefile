# Two commands do everything on a fresh machine with only Python: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNELS := $(VENV)/.kernels
KERNEL_SOURCES := stratagem/engines/_kernels.py tools/build_kernels.py

.PHONY: run test lint typecheck pytest browser bench clean

# bdm's kernels built ahead of time into an extension module (no numba at run time: about 0.45 s less
# per process); without a C compiler numba compiles them into its cache instead (the same bits).
define build_kernels
	@echo "building bdm's kernels (once per install and after an edit of $(KERNEL_SOURCES); about 40 s of CPU)"
	$(BIN)/python tools/build_kernels.py || $(BIN)/stratagem ensemble us-iraq-2020 -e bdm -n 4 --workers 1 --json > /dev/null
	$(BIN)/stratagem forecast us-iraq-2020 -e bdm --json > /dev/null
	touch $(KERNELS)
endef

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(build_kernels)
	touch $(STAMP)

$(KERNELS): $(KERNEL_SOURCES) | $(STAMP)
	$(build_kernels)

run: $(KERNELS)  ## set up and forecast the built-in default scenario with every engine
	$(BIN)/stratagem forecast

test: lint typecheck pytest  ## set up and pass the whole test suite

lint: $(STAMP)
	$(BIN)/ruff check stratagem tests benchmarks tools

typecheck: $(STAMP)
	$(BIN)/mypy stratagem tools

# Debian's Chromium for the browser tests (Playwright cannot download browsers here); installed with apt
# only when missing, as root or through sudo.
browser:
	@if [ -x /usr/bin/chromium ] || [ -n "$$STRATAGEM_CHROMIUM" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO="sudo -n"; else \
	  echo "browser: /usr/bin/chromium is missing and neither root nor sudo is available; browser tests will skip"; exit 0; fi; \
	echo "installing Debian's chromium for the browser tests"; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

pytest: $(KERNELS) browser
	$(BIN)/pytest; status=$$?; if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$status

bench: $(KERNELS)  ## benchmarks (not timed tests): whole commands as users run them, then engine rounds
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
