"""Saved ensembles in the workspace: save, de-duplicate, list, reopen, compare; WAL mode."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from stratagem.analysis.ensemble import run_ensemble
from stratagem.model.builtin import load_builtin
from stratagem.model.errors import StratagemError
from stratagem.store.runs import compare_runs, inputs_hash, list_runs, load_run, save_run
from stratagem.store.workspace import Workspace


@pytest.fixture(scope="module")
def ensembles():  # type: ignore[no-untyped-def]
    sc = load_builtin("us-iraq-2020")
    small = run_ensemble(sc, draws=300, engines=["compromise"], seed=1, workers=1)
    other = run_ensemble(sc, draws=300, engines=["compromise"], seed=2, workers=1)
    return small, other


def test_saved_run_reopens_with_its_summary_and_settings(tmp_path: Path, ensembles) -> None:  # type: ignore[no-untyped-def]
    small, other = ensembles
    with Workspace(tmp_path / "w.db") as ws:
        run_id, created = save_run(ws, small, options={"rounds": None}, label="first")
        assert created
        assert save_run(ws, small, options={"rounds": None}) == (run_id, False)  # same inputs: stored once
        other_id, _ = save_run(ws, other)
        assert other_id != run_id
        runs = list_runs(ws)
        assert {r.id for r in runs} == {run_id, other_id}
        assert [(r.created_at, r.id) for r in runs] == sorted((r.created_at, r.id) for r in runs)
        back = load_run(ws, run_id[:6])
    assert back.summary == json.loads(json.dumps(small.to_dict()))
    assert back.seed == 1 and back.draws == 300 and back.engines == ("compromise",) and back.label == "first"
    assert back.inputs_hash == inputs_hash(small.scenario)


def test_compare_reports_the_change_per_issue(tmp_path: Path, ensembles) -> None:  # type: ignore[no-untyped-def]
    small, other = ensembles
    with Workspace(tmp_path / "w.db") as ws:
        a = load_run(ws, save_run(ws, small)[0])
        b = load_run(ws, save_run(ws, other)[0])
    rows = compare_runs(a, b)
    assert [r.issue for r in rows] == [i.id for i in small.scenario.issues]
    for r, sa, sb in zip(rows, small.issues, other.issues, strict=True):
        assert r.change == pytest.approx(sb.median - sa.median)


def test_interrupted_runs_and_unknown_ids_are_refused(tmp_path: Path, ensembles) -> None:  # type: ignore[no-untyped-def]
    small, _ = ensembles
    with Workspace(tmp_path / "w.db") as ws:
        with pytest.raises(StratagemError, match="interrupted"):
            save_run(ws, dataclasses.replace(small, interrupted=True))
        with pytest.raises(StratagemError, match="no saved run 'nope'"):
            load_run(ws, "nope")
        assert list_runs(ws) == []


def test_workspace_uses_write_ahead_logging(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.db"):
        pass
    mode = sqlite3.connect(tmp_path / "w.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_cli_save_list_show_compare(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "w.db")
    assert run_cli("ensemble", "-n", "200", "-e", "compromise", "--workers", "1", "--save", "--workspace", db,
                   "--json").code == 0
    assert run_cli("ensemble", "-n", "200", "-e", "median", "--workers", "1", "--save", "--workspace", db,
                   "--json").code == 0
    listed = run_cli("runs", "list", "--workspace", db, "--json")
    ids = [r["id"] for r in json.loads(listed.out)]
    assert len(ids) == 2
    shown = run_cli("runs", "show", ids[0], "--workspace", db, "--json")
    assert json.loads(shown.out)["draws"] == 200
    compared = run_cli("runs", "compare", *ids, "--workspace", db, "--json")
    assert json.loads(compared.out)["same_inputs"] is True
    missing = run_cli("runs", "list", "--workspace", str(tmp_path / "none.db"))
    assert missing.code == 2 and "no workspace" in missing.err
