"""The command tree without importing the commands: each command's module is imported when it runs.

``stratagem --help`` only needs the names and one-line summaries of the commands, so they are
listed here; a command's module (and the library it needs: numpy, pydantic, the engines, the
evidence layer) is imported only when that command is run or asked for its own help. The
summaries must equal the commands' own (tests/test_startup.py checks every one), so the table
cannot drift from the docstrings.
"""

from __future__ import annotations

import gc
import importlib

import click

#: command name -> (module under stratagem.cli that registers it, its one-line summary)
COMMANDS: dict[str, tuple[str, str]] = {
    "backtest": ("backtest_cmds",
                 "Forecast every recorded issue of DATASET and score each engine against the outcomes."),
    "document": ("document_cmds", "Stored documents: list them and correct their date or metadata."),
    "draft": ("evidence_cmds",
              "Propose stances with citations from the workspace evidence, for an analyst to accept or reject."),
    "engines": ("scenario_cmds", "List the bargaining engines."),
    "ensemble": ("run_cmds", "Forecast distribution of SCENARIO over its input ranges (Monte Carlo)."),
    "evidence": ("evidence_cmds", "List evidence records stored in the workspace, with their words."),
    "explain": ("run_cmds", "Who moved and why, pivotal actors, and whom to persuade."),
    "extract": ("evidence_cmds", "Actors, quotes and dated events of one document (no workspace needed)."),
    "forecast": ("run_cmds", "Forecast SCENARIO (a built-in id, a .yaml/.csv file or ID@VERSION with "
                             "--workspace; default: the built-in default)."),
    "ingest": ("evidence_cmds",
               "Store documents (HTML or text, files or directories) with their extracted evidence."),
    "new": ("new_cmds", "Write a scenario skeleton for ID from the documents in a workspace."),
    "report": ("report_cmds",
               "Write a self-contained HTML report of SCENARIO (opens offline; charts are interactive)."),
    "runs": ("runs_cmds", "Ensembles saved with `stratagem ensemble --save`."),
    "scenarios": ("scenario_cmds", "List the built-in scenarios."),
    "score": ("backtest_cmds",
              "Score every engine against the outcomes recorded in SCENARIO(s), with the DEU backtest's metrics."),
    "serve": ("report_cmds", "Run the local web app (browse, edit, forecast, documents) until Ctrl-C."),
    "show": ("scenario_cmds", "Print a scenario: actors, issues with anchors, stances and their cited words."),
    "validate": ("scenario_cmds", "Check a scenario file (or ID@VERSION with --workspace) and its citations; "
                                  "print a summary or the error."),
    "whatif": ("run_cmds", "Compare the baseline forecast distribution with the shocked one, per issue."),
}


def load_all() -> None:
    """Import every command module (for tools that walk the whole tree, and for the tests)."""
    for module in sorted({m for m, _ in COMMANDS.values()}):
        importlib.import_module(f"stratagem.cli.{module}")


class LazyGroup(click.Group):
    """A click group whose commands are registered by their modules on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"stratagem.cli.{COMMANDS[cmd_name][0]}")
            if not gc.isenabled():  # main() paused it for the imports: what they made stays, the command collects
                gc.freeze()
                gc.enable()
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands' summaries from the table, importing none of them."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            cmd = self.commands.get(name) or click.Command(name, help=COMMANDS[name][1])
            if not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
