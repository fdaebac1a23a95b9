"""The CLI opens stored workspace versions: SCENARIO as ID@VERSION (or ID) with --workspace, for every command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stratagem.model.builtin import load_builtin
from stratagem.model.errors import ScenarioError
from stratagem.model.schema import Scenario
from stratagem.store.scenarios import parse_version_ref, resolve_scenario_ref
from stratagem.store.workspace import Workspace

SID = "ec-emissions-1994"


def _edited(sc: Scenario, **changes: Any) -> Scenario:
    return Scenario.model_validate({**sc.model_dump(), **changes})


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    """A workspace with two versions of the EC scenario: the built-in, then a renamed copy with a moved stance."""
    path = tmp_path / "w.db"
    sc = load_builtin(SID)
    stances = [s.model_dump() for s in sc.stances]
    stances[0]["position"] = 12.0
    with Workspace(path) as ws:
        ws.save_scenario_version(sc, note="built-in")
        ws.save_scenario_version(_edited(sc, name="EC edited", stances=stances), parent=1, note="edit")
    return path


def test_parse_version_ref() -> None:
    assert parse_version_ref("us-iraq-2020@3") == ("us-iraq-2020", 3)
    assert parse_version_ref("x@latest") == ("x", None)
    assert parse_version_ref("x.yaml") is None
    assert parse_version_ref("x@0") is None and parse_version_ref("x@2.yaml") is None


def test_resolver_reads_versions_and_falls_back(ws_path: Path) -> None:
    assert resolve_scenario_ref(f"{SID}@1", ws_path).scenario == load_builtin(SID)
    latest = resolve_scenario_ref(SID, ws_path)
    assert latest.version == 2 and latest.scenario.name == "EC edited"
    assert resolve_scenario_ref(f"{SID}@latest", ws_path).version == 2
    assert resolve_scenario_ref("us-iraq-2020", ws_path).scenario == load_builtin("us-iraq-2020")  # no versions
    assert resolve_scenario_ref(SID, None).scenario == load_builtin(SID)  # without a workspace: the built-in
    with pytest.raises(ScenarioError, match="has no version 7"):
        resolve_scenario_ref(f"{SID}@7", ws_path)
    with pytest.raises(ScenarioError, match="add --workspace"):
        resolve_scenario_ref(f"{SID}@1", None)
    with pytest.raises(ScenarioError, match="no stored versions"):
        resolve_scenario_ref("us-iraq-2020@1", ws_path)
    missing = ws_path.parent / "missing.db"
    with pytest.raises(ScenarioError, match="no such workspace"):
        resolve_scenario_ref(f"{SID}@1", missing)
    assert not missing.exists()  # never created by a lookup


def test_every_scenario_command_opens_a_stored_version(run_cli: Any, ws_path: Path) -> None:
    ws = str(ws_path)
    shown = run_cli("show", f"{SID}@2", "--workspace", ws, "--no-evidence")
    assert shown.code == 0 and "EC edited" in shown.out and "version 2" in shown.out
    assert "EC edited" not in run_cli("show", f"{SID}@1", "--workspace", ws, "--no-evidence").out
    valid = run_cli("validate", f"{SID}@2", "--workspace", ws)
    assert valid.code == 0 and "valid scenario" in valid.out
    edited = json.loads(run_cli("forecast", f"{SID}@2", "--workspace", ws, "-e", "compromise", "--json").out)
    first = json.loads(run_cli("forecast", f"{SID}@1", "--workspace", ws, "-e", "compromise", "--json").out)
    plain = json.loads(run_cli("forecast", SID, "--workspace", ws, "-e", "compromise", "--json").out)
    assert edited["issues"][0]["forecast"] != first["issues"][0]["forecast"]  # the moved stance counts
    assert plain == edited  # ID alone is the latest version
    ens = run_cli("ensemble", f"{SID}@2", "--workspace", ws, "-n", "20", "--json")
    assert ens.code == 0 and json.loads(ens.out)["scenario"] == SID
    for args in (("explain", f"{SID}@2", "--draws", "0"), ("whatif", f"{SID}@2", "--shock", "nope", "-n", "5")):
        result = run_cli(*args, "--workspace", ws)
        assert "names a stored workspace version" not in result.err and "no version" not in result.err
    out = ws_path.parent / "r.html"
    report = run_cli("report", f"{SID}@2", "--workspace", ws, "-n", "20", "-o", str(out), "-q", "--no-shocks")
    assert report.code == 0 and "EC edited" in out.read_text(encoding="utf-8")


def test_a_default_workspace_does_not_shadow_the_built_in(run_cli: Any, ws_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """ensemble's --workspace defaults to ./stratagem.db (for --save): a plain ID there stays the built-in."""
    monkeypatch.chdir(ws_path.parent)
    ws_path.rename(ws_path.parent / "stratagem.db")
    plain = json.loads(run_cli("ensemble", SID, "-n", "20", "-e", "bdm", "--json").out)
    builtin = json.loads(run_cli("ensemble", SID, "-n", "20", "-e", "bdm", "--json", "--workspace", "none.db").out)
    assert plain == builtin
    stored = run_cli("ensemble", f"{SID}@2", "-n", "20", "-e", "bdm", "--json")  # an explicit version is still found
    assert stored.code == 0 and json.loads(stored.out) != plain


def test_version_errors_are_one_line(run_cli: Any, ws_path: Path) -> None:
    for args, message in (((f"{SID}@2",), "add --workspace W"),
                          ((f"{SID}@9", "--workspace", str(ws_path)), "has no version 9"),
                          ((f"{SID}@1", "--workspace", str(ws_path.parent / "x.db")), "no such workspace")):
        result = run_cli("forecast", *args)
        assert result.code == 2 and message in result.err
        assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


def test_versions_current_edit_undo_and_restore_in_the_store(tmp_path: Path) -> None:
    """The store's version rules, without the web app: built-in first, edits keep it as version 1, undo appends."""
    from stratagem.store import scenarios as versions

    original = load_builtin(SID)
    with Workspace(tmp_path / "w.db") as ws:
        assert versions.current(ws, SID) == (original, None) and versions.current(ws, "no-such") is None
        assert versions.undo(ws, SID) is None  # nothing stored, nothing to undo
        edited = _edited(original, name="EC edited")
        assert ws.save_scenario_version(edited, parent=versions.stored_version(ws, original, None)) == 2
        assert versions.current(ws, SID) == (edited, 2) and ws.load_scenario_version(SID, 1) == original
        assert versions.undo_target(ws, SID) == 1
        assert versions.undo(ws, SID) == 3 and versions.current(ws, SID) == (original, 3)
        assert versions.undo(ws, SID) is None  # version 1 has no parent: the built-in is where undo stops
        assert versions.restore(ws, SID, 2) == 4 and versions.current(ws, SID) == (edited, 4)
        assert versions.undo(ws, SID) == 5 and versions.current(ws, SID) == (original, 5)  # back to before it
        assert versions.restore(ws, SID, 9) is None
