"""The ``stratagem`` command line: importing this package registers every command."""

from stratagem.cli import (  # noqa: F401  (registers commands)
    backtest_cmds,
    document_cmds,
    evidence_cmds,
    new_cmds,
    report_cmds,
    run_cmds,
    runs_cmds,
    scenario_cmds,
)
from stratagem.cli.app import cli, main

__all__ = ["cli", "main"]
