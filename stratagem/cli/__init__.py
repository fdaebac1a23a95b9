"""The ``stratagem`` command line: importing this package registers every command."""

from stratagem.cli import evidence_cmds, run_cmds, scenario_cmds  # noqa: F401  (registers commands)
from stratagem.cli.app import cli, main

__all__ = ["cli", "main"]
