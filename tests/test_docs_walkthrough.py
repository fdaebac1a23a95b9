"""The docs' commands run: docs/first-scenario.md, docs/schema.md, docs/tour.md and the README, step by step,
with the installed CLI.

A page is read top to bottom. Fenced blocks it understands:

* ```` ```text file=NAME ```` or ```` ```yaml file=NAME ````: write NAME in the working directory
  (a file the reader is told to save or to edit). When NAME already exists and both are
  scenarios, the new one must keep to the actors and documents of the old one (the edit the
  page shows is an edit of what the commands produced, not a different file);
* ```` ```yaml excerpt=NAME ````: every line of the block must appear in NAME, in order (``...``
  lines stand for lines left out, ``...`` inside a line for any characters);
* ```` ```console ````: ``$ `` lines are commands (only ``stratagem``), run in a temporary
  directory; the lines after a command are output it must print, each matched in one line of
  stdout or stderr with ``...`` standing for anything. A command whose first output line starts
  with ``error:`` must exit with status 2, every other command with 0.

So the walkthrough cannot rot: a changed command, option, message or file format fails here.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)


@dataclass
class Step:
    kind: str  # "file", "excerpt" or "command"
    name: str = ""
    text: str = ""
    expected: list[str] = field(default_factory=list)
    line: int = 0


def steps_of(markdown: str) -> list[Step]:
    """The runnable steps of a page, in order."""
    steps: list[Step] = []
    for m in FENCE.finditer(markdown):
        info, body = m.group(1).split(), m.group(2)
        line = markdown.count("\n", 0, m.start()) + 1
        attrs = dict(a.split("=", 1) for a in info[1:] if "=" in a)
        if "file" in attrs:
            steps.append(Step("file", attrs["file"], body, line=line))
        elif "excerpt" in attrs:
            steps.append(Step("excerpt", attrs["excerpt"], body, line=line))
        elif info and info[0] == "console":
            current: Step | None = None
            pending = ""
            for raw in body.splitlines():
                if pending or raw.startswith("$ "):
                    command = pending + (raw[2:] if not pending else raw)
                    if command.endswith("\\"):
                        pending = command[:-1] + " "
                        continue
                    pending = ""
                    current = Step("command", text=command.strip(), line=line)
                    steps.append(current)
                elif current is not None and raw.strip():
                    current.expected.append(raw)
    return steps


def _matches(expected: str, lines: list[str]) -> bool:
    pieces = [" ".join(p.split()) for p in expected.split("...")]
    for line in lines:
        text, at = " ".join(line.split()), 0
        for piece in pieces:
            found = text.find(piece, at)
            if found < 0:
                break
            at = found + len(piece)
        else:
            return True
    return False


def _stratagem() -> str:
    found = Path(sys.executable).parent / "stratagem"
    if found.exists():
        return str(found)
    which = shutil.which("stratagem")
    if which is None:
        pytest.skip("the stratagem command is not installed (pip install -e .)")
    return which


def _scenario_keys(text: str) -> tuple[set[str], set[str]] | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or "actors" not in data:
        return None
    return {a["id"] for a in data.get("actors") or []}, {d["id"] for d in data.get("documents") or []}


def run_page(page: Path, workdir: Path, *, columns: int = 120) -> list[str]:
    """Run every step of ``page`` in ``workdir`` at a terminal ``columns`` wide; returns the commands run."""
    exe = _stratagem()
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("STRATAGEM_DOCUMENTS", None)
    ran: list[str] = []
    for step in steps_of(page.read_text(encoding="utf-8")):
        where = f"{page.name}:{step.line}"
        if step.kind == "file":
            target = workdir / step.name
            if target.exists():
                old, new = _scenario_keys(target.read_text(encoding="utf-8")), _scenario_keys(step.text)
                if old is not None and new is not None:
                    assert new[0] <= old[0], f"{where}: the edited file adds actors {new[0] - old[0]}"
                    assert new[1] == old[1], f"{where}: the edited file changes the documents"
            target.write_text(step.text, encoding="utf-8")
        elif step.kind == "excerpt":
            actual = (workdir / step.name).read_text(encoding="utf-8").splitlines()
            at = 0
            for wanted in step.text.splitlines():
                if wanted.strip() in ("", "..."):
                    continue
                pattern = re.compile(".*".join(re.escape(p) for p in wanted.split("...")))
                found = next((k for k in range(at, len(actual)) if pattern.fullmatch(actual[k])), None)
                if found is None:
                    pytest.fail(f"{where}: {step.name} has no line {wanted!r} (after line {at})")
                at = found + 1
        else:
            args = shlex.split(step.text, comments=True)
            assert args[0] == "stratagem", f"{where}: only stratagem commands run here, not {args[0]!r}"
            done = subprocess.run([exe, *args[1:]], cwd=workdir, env=env, capture_output=True, text=True,
                                  timeout=600, check=False)
            output = (done.stdout + done.stderr).splitlines()
            want = 2 if step.expected and step.expected[0].startswith("error:") else 0
            assert done.returncode == want, (
                f"{where}: `{step.text}` exited {done.returncode}, not {want}:\n{done.stdout}\n{done.stderr}")
            assert "Traceback" not in done.stderr, f"{where}: `{step.text}` printed a traceback"
            for expected in step.expected:
                assert _matches(expected, output), (
                    f"{where}: `{step.text}` did not print {expected!r}; it printed:\n" + "\n".join(output))
            ran.append(step.text)
    return ran


def test_first_scenario_walkthrough_runs(tmp_path: Path) -> None:
    ran = run_page(DOCS / "first-scenario.md", tmp_path)
    verbs = [shlex.split(c)[1] for c in ran]
    for verb in ("ingest", "new", "draft", "forecast"):
        assert verb in verbs, f"the walkthrough never runs `stratagem {verb}`"
    assert any("--write" in c and "--accept" in c for c in ran), "the walkthrough never accepts a draft"
    from stratagem.model.io import load_yaml

    sc = load_yaml(tmp_path / "gas-talks.yaml")
    assert sc.stances and not sc.issues_without_stances()
    cited = {e for s in sc.stances for e in s.evidence}
    assert cited and cited <= set(sc.evidence_by_id())  # accepted stances carry their evidence records
    for record in sc.evidence:
        assert record.text, f"{record.id} carries its words"


def test_walkthrough_documents_are_the_examples_shipped(tmp_path: Path) -> None:
    """The documents the page tells you to save are the ones in docs/examples/ (one copy of each text)."""
    files = [s for s in steps_of((DOCS / "first-scenario.md").read_text(encoding="utf-8"))
             if s.kind == "file" and s.name.endswith(".txt")]
    assert len(files) == 2
    for step in files:
        assert (DOCS / "examples" / step.name).read_text(encoding="utf-8") == step.text, step.name


def test_schema_example_validates_and_forecasts(tmp_path: Path) -> None:
    ran = run_page(DOCS / "schema.md", tmp_path)
    assert any(c.startswith("stratagem validate") for c in ran) and any(c.startswith("stratagem forecast")
                                                                          for c in ran)


def test_schema_page_lists_every_field_of_the_schema() -> None:
    from pydantic import BaseModel

    from stratagem.model import schema

    page = (DOCS / "schema.md").read_text(encoding="utf-8")
    models: list[type[BaseModel]] = [schema.Scenario, schema.Actor, schema.Issue, schema.Anchor, schema.Stance,
                                     schema.Evidence, schema.Document, schema.Shock, schema.ShockChange,
                                     schema.Outcome]
    missing = [f"{m.__name__}.{name}" for m in models for name in m.model_fields
               if not re.search(rf"^\| `{name}`(?:, `\w+`)? \|", page, re.M)
               and not re.search(rf"^\| `\w+`, `{name}` \|", page, re.M)]
    assert missing == [], f"docs/schema.md does not describe {missing}"


def test_the_runner_fails_on_a_wrong_output_and_a_wrong_exit(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```console\n$ stratagem engines\nno such engine listed\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="did not print"):
        run_page(page, tmp_path)
    page.write_text("```console\n$ stratagem validate missing.yaml\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="exited 2, not 0"):
        run_page(page, tmp_path)
    page.write_text("```console\n$ stratagem validate missing.yaml\nerror: ...missing.yaml...no such file\n```\n",
                    encoding="utf-8")
    assert run_page(page, tmp_path) == ["stratagem validate missing.yaml"]


def _in_checkout(workdir: Path) -> Path:
    """``workdir`` seeing the repository's tests/ and docs/ as its own (the pages name files there)."""
    for name in ("tests", "docs"):
        (workdir / name).symlink_to(DOCS.parent / name)
    return workdir


def test_readme_commands_run_and_print_what_it_shows(tmp_path: Path) -> None:
    """The README's console blocks. Wide terminal, so that lines the README shows wrapped at 100 columns
    are found inside whole lines."""
    ran = run_page(DOCS.parent / "README.md", _in_checkout(tmp_path), columns=200)
    assert any(c.split()[:2] == ["stratagem", "forecast"] for c in ran), "the README's main command is checked"


@pytest.mark.slow  # a few minutes: it runs a DEU backtest and 2,000-draw ensembles
def test_tour_commands_run_and_print_what_it_shows(tmp_path: Path) -> None:
    """docs/tour.md's console blocks at the 100 columns its tables were printed at."""
    ran = run_page(DOCS / "tour.md", _in_checkout(tmp_path), columns=100)
    verbs = {shlex.split(c)[1] for c in ran}
    assert {"forecast", "ensemble", "whatif", "report", "backtest"} <= verbs, verbs
