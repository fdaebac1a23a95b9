"""Off a terminal the forecast table is written without Rich: the same bytes Rich writes, or Rich itself."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratagem.cli import output, plain
from stratagem.cli.plain import Note, SimpleTable
from tests.test_startup import ROOT, imported_by

#: printable ASCII and a few characters Rich measures differently or that need escaping
_TEXT = st.text(alphabet=st.sampled_from([*"abcdef Z9-.*_~xy", "≈", "é", "\t", "\x1b", "漢"]), max_size=12)


@st.composite
def _blocks(draw: st.DrawFn) -> list[plain.Block]:
    blocks: list[plain.Block] = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            blocks.append(Note(draw(st.text(alphabet=st.sampled_from([*"ab Z9,.", "≈"]), max_size=130)),
                               draw(st.sampled_from([None, "dim"]))))
            continue
        n_columns = draw(st.integers(1, 5))
        columns = tuple((draw(_TEXT), draw(st.sampled_from(["left", "right"]))) for _ in range(n_columns))
        rows = tuple(tuple(draw(_TEXT) for _ in range(n_columns)) for _ in range(draw(st.integers(1, 4))))
        blocks.append(SimpleTable(draw(st.none() | _TEXT), columns, rows))
    return blocks


def _rich(blocks: list[plain.Block], width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    buffer = io.StringIO()
    console = output.LiteralConsole(file=buffer, width=width, force_terminal=False, markup=False, emoji=False,
                                    highlight=False)
    monkeypatch.setattr(output, "console", console)
    output.print_blocks(blocks)
    return buffer.getvalue()


@settings(max_examples=300, deadline=None)
@given(blocks=_blocks(), width=st.integers(8, 120))
def test_plain_text_is_what_rich_writes_or_nothing(blocks: list[plain.Block], width: int) -> None:
    text = plain.render(blocks, width)
    with pytest.MonkeyPatch.context() as monkeypatch:
        rich = _rich(blocks, width, monkeypatch)
    if text is not None:
        assert text == rich


def test_a_table_that_fits_is_written_plainly_and_one_too_wide_is_left_to_rich() -> None:
    table = SimpleTable("t", (("issue", "left"), ("sq", "right")), (("a-long-issue-id", "1.0"),))
    blank = " " * 22  # an edge, 15 + 3 columns with one space of padding and one of rule between, an edge
    assert plain.render([table], 22) == (f"          t           \n{blank}\n issue             sq \n"
                                         f" {'─' * 20} \n a-long-issue-id  1.0 \n{blank}\n")
    assert plain.render([table], 21) is None  # Rich would cut a column
    assert plain.render([Note("x" * 81)], 80) is None  # Rich would wrap it


def test_cells_with_edge_spaces_and_tables_without_rows_are_left_to_rich() -> None:
    """Rich strips a cell's edge spaces and lays out a table with no rows its own way (review 1, item 2)."""
    assert plain.render([SimpleTable("t", (("n", "right"),), (("9 ",),))], 40) is None
    assert plain.render([SimpleTable(" t", (("n", "right"),), (("9",),))], 40) is None
    assert plain.render([SimpleTable("t", (("n", "right"),), ())], 40) is None
    assert plain.render([SimpleTable("t", (("n", "right"),), (("9",),))], 40) is not None


def _forecast(csv: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    environ.pop("FORCE_COLOR", None)
    environ.pop("TTY_COMPATIBLE", None)
    environ.update(env or {})
    return subprocess.run([sys.executable, "-c", "from stratagem.cli import main; main()", "forecast", str(csv),
                           *extra], capture_output=True, text=True, env=environ, cwd=csv.parent, timeout=120)


@pytest.mark.parametrize("columns", ["", "30", "80", "200"])
def test_a_csv_forecast_piped_is_the_same_bytes_without_rich(tmp_path: Path, columns: str) -> None:
    csv = tmp_path / "four.csv"
    csv.write_text("name,capability,position,salience\nA,10,20,80\nB,5,60,50\nC,3,90,70\nD,8,40,60\n",
                   encoding="utf-8")
    env = {"COLUMNS": columns} if columns else {}
    piped = _forecast(csv, "-e", "compromise", "-e", "bdm", env=env)
    by_rich = _forecast(csv, "-e", "compromise", "-e", "bdm", env={**env, "TTY_COMPATIBLE": "0"})  # Rich, no styles
    assert piped.returncode == by_rich.returncode == 0, piped.stderr
    assert piped.stdout == by_rich.stdout and "four" in piped.stdout and "compro" in piped.stdout


def test_a_piped_csv_forecast_does_not_import_rich(tmp_path: Path) -> None:
    csv = tmp_path / "four.csv"
    csv.write_text("name,capability,position,salience\nA,10,20,80\nB,5,60,50\nC,3,90,70\n", encoding="utf-8")
    modules = imported_by("forecast", str(csv), "-e", "compromise", cwd=tmp_path)
    assert "stratagem.analysis.forecast" in modules
    assert not [m for m in modules if m == "rich" or m.startswith("rich.")]
