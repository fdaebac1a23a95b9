"""How the CLI prints: Rich consoles that print every user string literally.

Kept apart from :mod:`stratagem.cli.app` so that ``stratagem --help`` does not import Rich;
``stratagem.cli.app`` hands these names out on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.style import Style
from rich.text import Text

from stratagem.cli.app import printable
from stratagem.cli.plain import Block, Note


class LiteralConsole(Console):
    """A Rich console that prints every string literally: names, ids, quotes and paths come from users.

    Rich markup (``[/b]`` would raise, ``[note]`` would vanish), emoji codes (``:100:``) and
    highlighting are off whatever a call asks for, and control characters are neutralised;
    styling is done with ``style=`` or :func:`styled` instead of markup.
    """

    def render_str(self, text: str, *, style: str | Style = "", justify: Any = None, overflow: Any = None,
                   emoji: bool | None = None, markup: bool | None = None, highlight: bool | None = None,
                   highlighter: Any = None) -> Text:
        return super().render_str(printable(text), style=style, justify=justify, overflow=overflow,
                                  emoji=False, markup=False, highlight=False, highlighter=highlighter)


def styled(*parts: str | tuple[str, str]) -> Text:
    """One line from plain strings and ``(string, style)`` pairs, every string printed literally."""
    return Text.assemble(*(printable(p) if isinstance(p, str) else (printable(p[0]), p[1]) for p in parts))


console = LiteralConsole(markup=False, emoji=False, highlight=False)
err_console = LiteralConsole(stderr=True, markup=False, emoji=False, highlight=False)


def print_blocks(blocks: Sequence[Block]) -> None:
    """Tables and notes (:mod:`stratagem.cli.plain`) through Rich: on a terminal, or where plain text would differ."""
    from rich.table import Table

    for block in blocks:
        if isinstance(block, Note):
            console.print(block.text, style=block.style, highlight=False)
            continue
        table = Table(title=block.title, show_lines=False, box=box.SIMPLE_HEAD, padding=(0, 1), collapse_padding=True,
                      pad_edge=False)
        for header, justify in block.columns:
            table.add_column(header, justify="right" if justify == "right" else "left", no_wrap=True)
        for row in block.rows:
            table.add_row(*row)
        console.print(table)
