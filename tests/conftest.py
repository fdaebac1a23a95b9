"""Shared test helpers: where the test data lives and how to call the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from stratagem.cli import main

#: the in-process web client fixture (`client`) shared by the web app's tests
pytest_plugins = ("tests.webclient",)

DATA = Path(__file__).parent / "data"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


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
