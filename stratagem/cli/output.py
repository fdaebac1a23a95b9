"""How the CLI prints: Rich consoles that print every user string literally.

Kept apart from :mod:`stratagem.cli.app` so that ``stratagem --help`` does not import Rich;
``stratagem.cli.app`` hands these names out on first use.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.style import Style
from rich.text import Text

from stratagem.cli.app import printable


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
