"""User strings (names, ids, labels, paths) reach the terminal literally: no Rich markup, no emoji, no escapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratagem.cli.app import printable

SCENARIO = """\
id: literal
name: "Talks [/b] :100: [bold]open"
actors:
  - {id: a, name: "Alpha [/b]", capability: 1}
  - {id: b, name: "Beta :thumbs_up: [note]", capability: 2}
issues:
  - id: i
    name: "Ceasefire [/i] \\e[31mred"
    status_quo: 40
    anchors:
      - {value: 0, label: "none [x]"}
      - {value: 100, label: "all :100:"}
stances:
  - {actor: a, issue: i, position: 10, salience: 50}
  - {actor: b, issue: i, position: 90, salience: 70, position_range: [80, 95]}
"""


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "literal.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args",
    [("forecast",), ("ensemble", "-n", "20", "--workers", "1"), ("explain", "--draws", "20"), ("show",)],
    ids=["forecast", "ensemble", "explain", "show"],
)
def test_markup_in_names_is_printed_as_text(run_cli, scenario: Path, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(*args, str(scenario))
    assert result.code == 0, result.err
    assert "[/b]" in result.out  # the scenario name, printed as written (Rich would raise MarkupError)
    assert ":100:" in result.out and "\U0001f4af" not in result.out  # no emoji substitution
    assert "[bold]open" in result.out  # a tag-like word is kept, not swallowed


def test_show_keeps_bracketed_words_and_neutralises_escapes(run_cli, scenario: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("show", str(scenario))
    assert result.code == 0, result.err
    assert "[note]" in result.out and "none [x]" in result.out
    assert "\x1b" not in result.out  # the ESC in the issue name cannot colour the terminal
    assert "\\x1b[31mred" in result.out  # it is shown, escaped, instead


def test_printable_escapes_control_characters_only() -> None:
    assert printable("a\x1b[2Jb\x07c\u202ed") == "a\\x1b[2Jb\\x07c\\u202ed"
    assert printable("Kata'ib Hezbollah [KH] — 100%\n\tnext") == "Kata'ib Hezbollah [KH] — 100%\n\tnext"


def test_error_messages_print_paths_literally(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("validate", str(tmp_path / "[/b] \x1b[31m.yaml"))
    assert result.code == 2
    assert "[/b]" in result.err and "\x1b" not in result.err
    assert len(result.err.strip().splitlines()) == 1
