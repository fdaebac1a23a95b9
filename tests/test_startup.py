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
#: backtest with its datasets, every engine, the evidence layer and the web app)
HEAVY = ("numba", "pandas", "scipy", "dask", "distributed", "stratagem.analysis.backtest",
         "stratagem.engines.registry", "stratagem.evidence", "stratagem.web", "stratagem.store.workspace")


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


def test_a_forecast_loads_only_its_command_module(tmp_path: Path) -> None:
    csv = tmp_path / "three.csv"
    csv.write_text("name,capability,position,salience\nA,100,10,80\nB,60,40,70\nC,50,90,60\n", encoding="utf-8")
    modules = imported_by("forecast", str(csv), "--engine", "compromise", cwd=tmp_path)
    assert [m for m in heavy(modules) if m != "stratagem.engines.registry"] == []
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
