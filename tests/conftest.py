"""Shared test helpers: where the test data lives and how to call the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from stratagem.cli import main

#: the in-process web client fixture (`client`) shared by the web app's tests
pytest_plugins = ("tests.webclient",)

DATA = Path(__file__).parent / "data"

#: A tiny valid scenario that the bad-input tests edit one line at a time (their line numbers refer to it).
TINY_SCENARIO = """\
id: tiny
name: Tiny
as_of: 2024-01-01
actors:
  - {id: a, name: A, capability: 1}
  - {id: b, name: B, capability: 2}
issues:
  - id: i
    name: Issue
    status_quo: 40
    anchors:
      - {value: 0, label: none}
      - {value: 100, label: all}
stances:
  - actor: a
    issue: i
    position: 10
    salience: 50
  - {actor: b, issue: i, position: 90, salience: 70, position_range: [80, 95]}
"""


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def one_line_error(result: CliResult, *fragments: str) -> str:
    """The single error line, after checking status 2, no traceback and that it names each fragment."""
    assert result.code == 2, (result.code, result.out, result.err)
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: ") and "Traceback" not in result.err and "internal error" not in lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``stratagem ARGS`` in-process; returns exit code, stdout and stderr."""

    def _run(*args: str) -> CliResult:
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return _run
