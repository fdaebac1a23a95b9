"""Tables and notes a command prints, written without Rich when stdout is not a terminal.

Importing Rich and rendering one small table cost about a tenth of a small forecast's whole
process. Off a terminal Rich writes no styles, so a simple table whose cells fit the width is
plain text that :func:`render` writes itself, byte for byte what Rich writes
(tests/test_cli_plain.py compares the two); anything else (a terminal, a cell that would be cut,
a note that would wrap, characters other than printable ASCII) is printed by Rich
(:func:`stratagem.cli.output.print_blocks`).
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stratagem.cli.app import printable

if TYPE_CHECKING:
    from rich.console import Console


@dataclass(frozen=True)
class SimpleTable:
    """Rich's ``box.SIMPLE_HEAD`` table with padding (0, 1), collapsed padding, no edge padding and
    no wrapping: ``columns`` are (header, "left" or "right") pairs."""

    title: str | None
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Note:
    """One line of text, dim on a terminal (``style`` is a Rich style name)."""

    text: str
    style: str | None = None


Block = SimpleTable | Note


def _rich_console() -> Console | None:
    """The CLI's Rich console if something has already imported it (then its own answers are used)."""
    output = sys.modules.get("stratagem.cli.output")
    return None if output is None else output.console


def off_terminal() -> bool:
    """Whether Rich writes stdout as a plain UTF-8 file (no styles, the boxes' own characters).

    The cases this does not decide (Windows, Jupyter, FORCE_COLOR and TTY_COMPATIBLE, which Rich
    reads) count as a terminal, so Rich prints them.
    """
    console = _rich_console()
    if console is not None:
        return not console.is_terminal and console.encoding.startswith("utf")
    if (sys.platform == "win32" or "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ
            or hasattr(builtins, "get_ipython")):
        return False
    if not (getattr(sys.stdout, "encoding", "utf-8") or "utf-8").lower().startswith("utf"):
        return False
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return isatty is None or not isatty()
    except ValueError:  # a closed stream, which Rich counts as no terminal
        return True


def width() -> int:
    """The width Rich lays stdout out in: ``COLUMNS``, else the first standard stream's terminal size, else 80."""
    console = _rich_console()
    if console is None and not off_terminal():
        from stratagem.cli import output

        console = output.console
    if console is not None:
        return console.width
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def _plain(text: str) -> bool:
    return all(" " <= c <= "~" or c == "≈" for c in text)


def _table_lines(table: SimpleTable, limit: int) -> list[str] | None:
    texts = [table.title or "", *(h for h, _ in table.columns), *(c for row in table.rows for c in row)]
    # Rich strips a cell's edge spaces and draws a table without rows its own way: leave those to Rich
    if not table.rows or not all(_plain(t) and t == t.strip() for t in texts):
        return None
    widths = [max(len(h), *(len(row[j]) for row in table.rows)) for j, (h, _) in enumerate(table.columns)]
    total = 2 + sum(widths) + 2 * (len(widths) - 1)
    if total > limit or len(table.title or "") > total or 0 in widths:  # Rich gives an empty column a width
        return None

    def line(cells: Sequence[str]) -> str:
        return " " + "  ".join(c.rjust(w) if j == "right" else c.ljust(w)
                               for c, w, (_, j) in zip(cells, widths, table.columns, strict=True)) + " "

    pad = total - len(table.title or "")  # centred, an odd space on the right (str.center puts it left)
    title = [" " * (pad // 2) + table.title + " " * (pad - pad // 2)] if table.title else []
    return [*title, " " * total, line([h for h, _ in table.columns]), " " + "─" * (total - 2) + " ",
            *(line(row) for row in table.rows), " " * total]


def render(blocks: Sequence[Block], limit: int) -> str | None:
    """The text Rich would write off a terminal ``limit`` columns wide, or None where Rich is needed."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Note):
            text = printable(block.text)
            if not _plain(text) or len(text) > limit:
                return None
            out.append(text)
        else:
            table = SimpleTable(None if block.title is None else printable(block.title), block.columns,
                                tuple(tuple(printable(c) for c in row) for row in block.rows))
            lines = _table_lines(table, limit)
            if lines is None:
                return None
            out.extend(lines)
    return "".join(line + "\n" for line in out)


def show(blocks: Sequence[Block]) -> None:
    """Print ``blocks`` as plain text off a terminal where that is what Rich would write, else with Rich."""
    text = render(blocks, width()) if off_terminal() else None
    if text is None:
        from stratagem.cli.output import print_blocks

        print_blocks(blocks)
    else:
        sys.stdout.write(text)
