"""Saved ensemble runs in the workspace: list, reopen and compare them.

A run is stored with what makes it reproducible: the hash of the scenario's
inputs, the seed, the number of draws, the engines and their options, the input
distribution and stratagem's version, plus the summary it printed. Its id is a
hash of those inputs, so saving the same run twice stores it once, and a run
saved from changed inputs gets a new id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stratagem import __version__
from stratagem.analysis.ensemble import EnsembleResult
from stratagem.model.errors import StratagemError
from stratagem.model.schema import Scenario
from stratagem.store.workspace import Workspace

_RUNS_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    scenario_id TEXT NOT NULL,
    scenario_name TEXT NOT NULL,
    inputs_hash TEXT NOT NULL,
    seed INTEGER NOT NULL,
    draws INTEGER NOT NULL,
    engines TEXT NOT NULL,
    options TEXT NOT NULL,
    distribution TEXT NOT NULL,
    stratagem_version TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    summary TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class StoredRun:
    """A saved ensemble: how it was made and its summary (the ensemble's JSON)."""

    id: str
    scenario_id: str
    scenario_name: str
    inputs_hash: str
    seed: int
    draws: int
    engines: tuple[str, ...]
    options: Mapping[str, Any]
    distribution: str
    stratagem_version: str
    label: str
    created_at: str
    summary: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "scenario": self.scenario_id, "scenario_name": self.scenario_name,
                "inputs_hash": self.inputs_hash, "seed": self.seed, "draws": self.draws,
                "engines": list(self.engines), "options": dict(self.options), "distribution": self.distribution,
                "stratagem_version": self.stratagem_version, "label": self.label, "created_at": self.created_at,
                "summary": dict(self.summary)}


def inputs_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON: equal for equal inputs, whatever file they came from."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _ensure(ws: Workspace) -> None:
    with ws.transaction() as conn:
        conn.execute(_RUNS_SCHEMA)


def save_run(ws: Workspace, result: EnsembleResult, *, options: Mapping[str, Any] | None = None,
             label: str = "") -> tuple[str, bool]:
    """Store an ensemble; returns (run id, created). Interrupted ensembles are refused (not reproducible)."""
    if result.interrupted:
        raise StratagemError("an interrupted ensemble is not saved: its draws do not match its settings")
    _ensure(ws)
    digest = inputs_hash(result.scenario)
    opts = json.loads(json.dumps(dict(options or {}), sort_keys=True, default=str))
    key = json.dumps([digest, result.seed, result.draws, list(result.engines), opts, result.distribution,
                      __version__], sort_keys=True)
    run_id = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    if ws.query("SELECT 1 FROM runs WHERE id = ?", (run_id,)):
        return run_id, False
    with ws.transaction() as conn:
        conn.execute(
            "INSERT INTO runs(id, scenario_id, scenario_name, inputs_hash, seed, draws, engines, options,"
            " distribution, stratagem_version, label, created_at, summary) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (run_id, result.scenario.id, result.scenario.name, digest, result.seed, result.draws,
             json.dumps(list(result.engines)), json.dumps(opts, sort_keys=True), result.distribution, __version__,
             label, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
             json.dumps(result.to_dict(), sort_keys=True)),
        )
    return run_id, True


_COLUMNS = ("id, scenario_id, scenario_name, inputs_hash, seed, draws, engines, options, distribution,"
            " stratagem_version, label, created_at, summary")


def _row(row: tuple[Any, ...]) -> StoredRun:
    return StoredRun(id=row[0], scenario_id=row[1], scenario_name=row[2], inputs_hash=row[3], seed=int(row[4]),
                     draws=int(row[5]), engines=tuple(json.loads(row[6])), options=json.loads(row[7]),
                     distribution=row[8], stratagem_version=row[9], label=row[10], created_at=row[11],
                     summary=json.loads(row[12]))


def list_runs(ws: Workspace, scenario_id: str | None = None) -> list[StoredRun]:
    """Saved runs, oldest first (then by id), optionally of one scenario."""
    _ensure(ws)
    where, params = ("WHERE scenario_id = ?", (scenario_id,)) if scenario_id else ("", ())
    return [_row(r) for r in ws.query(f"SELECT {_COLUMNS} FROM runs {where} ORDER BY created_at, id", params)]


def load_run(ws: Workspace, run_id: str) -> StoredRun:
    """A saved run by id or unique id prefix; a one-line error when there is none or several."""
    _ensure(ws)
    rows = ws.query(f"SELECT {_COLUMNS} FROM runs WHERE id LIKE ? ORDER BY id", (run_id.replace("%", "") + "%",))
    if not rows:
        raise StratagemError(f"no saved run '{run_id}' in {ws.path} (see `stratagem runs list`)")
    if len(rows) > 1:
        raise StratagemError(f"run id '{run_id}' is ambiguous: {', '.join(r[0] for r in rows[:5])}")
    return _row(rows[0])


@dataclass(frozen=True)
class IssueComparison:
    """One issue's forecast in two runs."""

    issue: str
    median_a: float | None
    median_b: float | None
    p10_a: float | None
    p90_a: float | None
    p10_b: float | None
    p90_b: float | None

    @property
    def change(self) -> float | None:
        if self.median_a is None or self.median_b is None:
            return None
        return self.median_b - self.median_a


def compare_runs(a: StoredRun, b: StoredRun) -> list[IssueComparison]:
    """Per-issue medians and 80% intervals of two runs (issues of either, in a's order then b's)."""
    by_a = {i["id"]: i for i in a.summary.get("issues", [])}
    by_b = {i["id"]: i for i in b.summary.get("issues", [])}
    out = []
    for issue in [*by_a, *(k for k in by_b if k not in by_a)]:
        ia, ib = by_a.get(issue, {}), by_b.get(issue, {})
        out.append(IssueComparison(issue, ia.get("median"), ib.get("median"), ia.get("p10"), ia.get("p90"),
                                   ib.get("p10"), ib.get("p90")))
    return out
