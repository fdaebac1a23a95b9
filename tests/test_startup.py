"""Start-up is structural: a command imports only what it needs (checked in sys.modules, never timed).

Each check runs the command in a fresh interpreter and lists the modules it imported, so a
new top-level import of numpy, numba, pandas, the backtest or the evidence layer in a module on
the ``--help`` path fails here. The times themselves are measured by benchmarks/bench_cli.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stratagem.cli.app import cli
from stratagem.cli.lazy import COMMANDS, load_all

ROOT = Path(__file__).resolve().parent.parent

_PROBE = """
import json, sys
from stratagem.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""

#: what no command below may import (the heavy numeric, data-frame and cluster libraries, the
#: backtest with its datasets, the iterative engines and bdm's compiled kernels, the evidence layer
#: and the web app)
HEAVY = ("numba", "llvmlite", "pandas", "scipy", "dask", "distributed", "stratagem.analysis.backtest",
         "stratagem.engines.bdm", "stratagem.engines._kernels", "stratagem.engines.ktab",
         "stratagem.engines.exchange", "stratagem.evidence", "stratagem.web", "stratagem.store.workspace")

SMALL_CSV = "name,capability,position,salience\nA,100,10,80\nB,60,40,70\nC,50,90,60\n"


def imported_by(*args: str, cwd: Path | None = None) -> set[str]:
    """The modules a whole ``stratagem ARGS`` process has imported when it ends."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=120)
    marker = proc.stderr.rpartition("\nMODULES ")[2]
    assert marker, proc.stderr
    return set(json.loads(marker))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_help_imports_neither_the_library_nor_rich() -> None:
    modules = imported_by("--help")
    assert heavy(modules) == []
    for light_only in ("numpy", "pydantic", "rich", "yaml", "stratagem.model.schema", "stratagem.analysis"):
        assert light_only not in modules, light_only
    assert not [m for m in modules if m.startswith("stratagem.cli.") and m.endswith("_cmds")]


def test_scenarios_and_validate_import_no_numeric_library(tmp_path: Path) -> None:
    csv = tmp_path / "three.csv"
    csv.write_text("name,capability,position,salience\nA,100,10,80\nB,60,40,70\nC,50,90,60\n", encoding="utf-8")
    for args in (("scenarios",), ("validate", str(csv))):
        modules = imported_by(*args, cwd=tmp_path)
        assert heavy(modules) == [], args
        assert "numpy" not in modules, args
    assert not {"pydantic", "stratagem.model.schema"} & imported_by("scenarios", cwd=tmp_path)  # a list, not a load


def test_a_short_bdm_forecast_does_not_start_numba(tmp_path: Path) -> None:
    """A single run starts in NumPy (the same bits) and loads the compiled round only after NumPy has
    done bdm.NUMPY_FIRST_MS of estimated NumPy work: this three-actor game counts a few ms, far below it."""
    csv = tmp_path / "three.csv"
    csv.write_text(SMALL_CSV, encoding="utf-8")
    modules = imported_by("forecast", str(csv), "-e", "bdm", cwd=tmp_path)
    assert "stratagem.engines.bdm" in modules
    assert "numba" not in modules


def test_show_without_a_workspace_loads_no_extractor(tmp_path: Path) -> None:
    """Checking citations reads documents (the cleaner); extracting quotes, actors and events is not needed."""
    modules = imported_by("show", "us-iraq-2020", cwd=tmp_path)
    for extractor in ("stratagem.store.workspace", "stratagem.evidence.extract", "stratagem.evidence.batch",
                      "stratagem.evidence.quotes", "stratagem.evidence.actors", "stratagem.evidence.events"):
        assert extractor not in modules, extractor


def test_a_forecast_loads_only_its_command_module(tmp_path: Path) -> None:
    csv = tmp_path / "three.csv"
    csv.write_text("name,capability,position,salience\nA,100,10,80\nB,60,40,70\nC,50,90,60\n", encoding="utf-8")
    modules = imported_by("forecast", str(csv), "--engine", "compromise", cwd=tmp_path)
    assert heavy(modules) == []
    loaded = sorted(m for m in modules if m.startswith("stratagem.cli.") and m.endswith("_cmds"))
    assert loaded == ["stratagem.cli.run_cmds"]
    assert "stratagem.analysis.ensemble" not in modules


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_command_table_matches_each_command(name: str) -> None:
    """The summaries --help prints without importing the commands are the commands' own."""
    load_all()
    module, summary = COMMANDS[name]
    command = cli.commands[name]
    assert command.callback is not None and command.callback.__module__ == f"stratagem.cli.{module}"
    assert command.get_short_help_str(limit=10_000) == summary


def test_every_registered_command_is_in_the_table() -> None:
    load_all()
    assert set(cli.commands) == set(COMMANDS)


def engine_modules(modules: set[str]) -> set[str]:
    """The registered engines' own modules among ``modules`` (the registry names them without importing them)."""
    from stratagem.engines.registry import ENGINES

    return {ENGINES.module(name) for name in ENGINES} & modules


def test_a_compromise_forecast_of_a_csv_imports_only_its_engine(tmp_path: Path) -> None:
    """The registry imports an engine's module on first use: no bdm, ktab, numba or dask for a compromise run."""
    csv = tmp_path / "three.csv"
    csv.write_text(SMALL_CSV, encoding="utf-8")
    modules = imported_by("forecast", str(csv), "-e", "compromise", cwd=tmp_path)
    assert heavy(modules) == []
    assert engine_modules(modules) == {"stratagem.engines.closed_form"}
    assert "yaml" not in modules  # a CSV needs no YAML parser
    assert "numpy.random" not in modules  # a deterministic engine gets no random generator


def test_json_forecasts_and_one_worker_ensembles_import_no_rich_and_no_pool(tmp_path: Path) -> None:
    csv = tmp_path / "three.csv"
    csv.write_text(SMALL_CSV, encoding="utf-8")
    for args in (("forecast", str(csv), "-e", "compromise", "--json"),
                 ("ensemble", str(csv), "-e", "compromise", "-n", "50", "--workers", "1", "--json")):
        modules = imported_by(*args, cwd=tmp_path)
        assert not [m for m in modules if m == "rich" or m.startswith("rich.")], args
        assert heavy(modules) == [], args
        assert engine_modules(modules) == {"stratagem.engines.closed_form"}, args
        assert "concurrent.futures.process" not in modules, args  # one worker: no process pool to import


def test_listing_the_engines_imports_them_only_for_their_options() -> None:
    from stratagem.engines.registry import ENGINES

    modules = imported_by("engines")
    assert engine_modules(modules) == set()
    assert "numpy" not in modules
    assert engine_modules(imported_by("engines", "--verbose")) == {ENGINES.module(name) for name in ENGINES}


def test_the_registry_builds_each_engine_from_its_declaration() -> None:
    """Names, order and summaries come from the declarations; looking an engine up builds it from its module."""
    from stratagem.engines.registry import ENGINES, get_engine

    assert list(ENGINES)[:4] == ["compromise", "median", "nash", "bdm"]
    for name in ENGINES:
        spec = get_engine(name)
        assert spec.name == name and spec.summary == ENGINES.summary(name)
        assert (spec.model or spec.forecast).__module__ == ENGINES.module(name)
        assert spec is ENGINES[name]  # built once


def test_an_ensemble_with_the_kernels_built_ahead_of_time_does_not_import_numba(tmp_path: Path) -> None:
    """With the install step's build (tools/build_kernels.py) a bdm ensemble pays no numba start-up."""
    from stratagem.engines import _kernels

    if _kernels._built() is None:
        pytest.skip("kernels not built ahead of time (see Makefile)")
    modules = imported_by("ensemble", "us-iraq-2020", "-e", "bdm", "-n", "3", "--workers", "1", "--json", cwd=tmp_path)
    assert "stratagem.engines._kernels" in modules
    assert not [m for m in modules if m in ("numba", "llvmlite") or m.startswith(("numba.", "llvmlite."))]


def test_the_command_line_collects_garbage_again_once_its_command_is_loaded(tmp_path: Path) -> None:
    """As a process (argv None) main() pauses the collector for the imports and freezes what they made;
    called with arguments (a library user, a test) it leaves the collector alone."""
    probe = ("import gc, sys\nfrom stratagem.cli import main\nfrom stratagem.cli.lazy import LazyGroup\n"
             "real = LazyGroup.get_command\nduring = []\n"
             "def spy(self, ctx, name):\n    out = real(self, ctx, name)\n    during.append(gc.isenabled())\n    return out\n"
             "LazyGroup.get_command = spy\nsys.argv = ['stratagem', 'engines']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\nfrozen = gc.get_freeze_count()\n"
             "try:\n    main(['engines'])\nexcept SystemExit:\n    pass\n"
             "print('\\nGC', during, frozen > 0, gc.isenabled(), gc.get_freeze_count() == frozen)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)
    assert proc.stdout.rpartition("\nGC ")[2].split() == ["[True,", "True]", "True", "True", "True"], proc.stderr
