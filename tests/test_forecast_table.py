"""The forecast table keeps every engine's column and the status quo at any terminal width."""

from __future__ import annotations

import pytest

from stratagem.cli import output
from stratagem.engines.registry import ENGINES
from stratagem.model.builtin import load_builtin


@pytest.mark.parametrize("width", [60, 80, 200])
def test_every_engine_and_the_status_quo_are_printed_whole(run_cli, monkeypatch, width: int) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(output.console, "_width", width)  # as Rich sets it from COLUMNS or the terminal
    result = run_cli("forecast")
    assert result.code == 0, result.err
    headers = [line.split() for line in result.out.splitlines() if line.strip().startswith("issue ")]
    shown = [name for row in headers for name in row]
    assert headers and all(row[:2] == ["issue", "sq"] for row in headers)
    for name in ENGINES:
        assert name[:6] in shown, f"{name} has no column at width {width}"
    assert "…" not in result.out.split("sq = status quo")[0]  # nothing cut short in the tables
    for issue in load_builtin("us-iraq-2020").issues:
        rows = [line.split() for line in result.out.splitlines() if line.split()[:1] == [issue.id]]
        assert rows and all(len(r) >= 3 for r in rows)
