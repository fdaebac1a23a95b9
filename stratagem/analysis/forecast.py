"""Running one engine on one scenario: the Python API behind ``stratagem forecast``.

>>> from stratagem.analysis.forecast import forecast
>>> from stratagem.model.builtin import load_builtin
>>> result = forecast(load_builtin("ec-emissions-1994"), engine="compromise")
>>> round(result.issues[0].forecast, 2)
7.39
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stratagem.analysis.timeline import events, prepare_timeline
from stratagem.engines.base import Trajectory, cycle_summary
from stratagem.engines.registry import ENGINES, RECOMMENDED, get_engine
from stratagem.model.arrays import ScenarioArrays
from stratagem.model.io import atomic_writer
from stratagem.model.limits import check_rounds, check_seed
from stratagem.model.schema import Scenario, Shock

#: The fields of an IssueForecast that its JSON and DataFrame row show as they are (in this order).
_PLAIN_FIELDS = ("id", "name", "forecast", "mean", "median", "status_quo", "label", "stop_reason")


@dataclass(frozen=True)
class IssueForecast:
    """The forecast for one issue, with what the number means on the issue's scale."""

    id: str
    name: str
    forecast: float
    mean: float
    median: float
    status_quo: float | None
    label: str
    stop_reason: str
    cycle: tuple[int, int] | None
    distribution: tuple[tuple[float, float], ...] | None = None
    cycle_range: tuple[float, float] | None = None  # lowest and highest forecast over the cycle

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(self, name) for name in _PLAIN_FIELDS}
        out["cycle"] = None if self.cycle is None else {
            "start": self.cycle[0], "period": self.cycle[1],
            "low": None if self.cycle_range is None else self.cycle_range[0],
            "high": None if self.cycle_range is None else self.cycle_range[1],
            "forecast": "mean of the per-round forecasts over one period",
        }
        if self.distribution is not None:
            out["distribution"] = [{"position": p, "probability": q} for p, q in self.distribution]
        return out


@dataclass(frozen=True)
class ForecastResult:
    """One run: a scenario, an engine with its parameters and seed, and its trajectory."""

    scenario: Scenario
    engine: str
    params: Mapping[str, Any]
    seed: int
    arrays: ScenarioArrays
    trajectory: Trajectory
    issues: tuple[IssueForecast, ...] = field(default=())

    @property
    def rounds(self) -> int:
        return self.trajectory.rounds

    def to_dict(self) -> dict[str, Any]:
        """The JSON summary (the ``--json`` contract of ``stratagem forecast``)."""
        return {
            "scenario": self.scenario.id,
            "engine": self.engine,
            "rounds": self.rounds,
            "seed": self.seed,
            "params": dict(self.params),
            "issues": [i.to_dict() for i in self.issues],
        }

    def to_frame(self) -> Any:
        """One row per issue (forecast, mean, median, status quo, label, stop reason), as a DataFrame."""
        from stratagem.analysis.frames import data_frame

        return data_frame([{"issue": i.id, "name": i.name, "engine": self.engine,
                            **{name: getattr(i, name) for name in _PLAIN_FIELDS[2:]}, "rounds": self.rounds}
                           for i in self.issues], index="issue")

    def trajectory_rows(self) -> list[tuple[int, str, str, float]]:
        """Long-form rows ``(round, issue, actor, position)`` for actors with a stance."""
        pos, arrays = self.trajectory.positions, self.arrays
        return [(t, issue, actor, float(pos[t, a, k])) for t in range(pos.shape[0])
                for k, issue in enumerate(arrays.issue_ids) for a, actor in enumerate(arrays.actor_ids)
                if arrays.mask[a, k]]


def forecast(scenario: Scenario, engine: str = RECOMMENDED, *, rounds: int | None = None, seed: int = 0,
             options: Mapping[str, Any] | None = None, shocks: Sequence[Shock] = ()) -> ForecastResult:
    """Run ``engine`` on ``scenario``; ``options`` override engine parameters (strings are parsed).

    ``shocks`` change the inputs before the run, or the state after their round
    (see :mod:`stratagem.analysis.timeline`).
    """
    spec = get_engine(engine)
    params = spec.resolve(options or {})
    check_rounds(rounds, "rounds")
    check_seed(seed, "seed")
    timeline = prepare_timeline(scenario, shocks)
    scenario, arrays = timeline.scenario, timeline.arrays
    rng = np.random.default_rng(seed) if spec.stochastic else None  # (numpy.random: ~20 ms to import)
    trajectory = spec.run(arrays.X, arrays.S, arrays.C, arrays.Q, timeline.mask,
                          rounds=rounds, rng=rng,
                          events=events(timeline), scale=arrays.scale, **params)
    return ForecastResult(scenario=scenario, engine=engine, params=params, seed=seed, arrays=arrays,
                          trajectory=trajectory, issues=issue_forecasts(scenario, trajectory))


def forecast_engines(scenario: Scenario, engines: Sequence[str] | None = None, *, rounds: int | None = None,
                     seed: int = 0, options: Mapping[str, Mapping[str, Any]] | None = None,
                     shocks: Sequence[Shock] = ()) -> dict[str, ForecastResult]:
    """One :func:`forecast` per engine (default: every registered engine, in catalogue order), the one
    place the CLI, the report and the web app run several engines; ``options`` per engine name."""
    names = list(dict.fromkeys(engines)) if engines else list(ENGINES)
    per_engine = options or {}
    return {name: forecast(scenario, name, rounds=rounds, seed=seed, options=per_engine.get(name) or None,
                           shocks=shocks) for name in names}


def issue_forecasts(scenario: Scenario, trajectory: Trajectory) -> tuple[IssueForecast, ...]:
    """Each issue's final forecast with its label, stop reason and (ktab) distribution.

    Where the run ends in a cycle the forecast is the cycle summary
    (:attr:`Trajectory.final_forecast`, :func:`cycle_summary`) and ``cycle_range`` its range.
    """
    distributions = trajectory.extras.get("distribution")
    finals, low, high = cycle_summary(trajectory.forecast, trajectory.cycle)
    issues = []
    for k, issue in enumerate(scenario.issues):
        value = float(finals[k])
        cycle = trajectory.cycle[k] if trajectory.cycle else None
        issues.append(IssueForecast(
            id=issue.id, name=issue.name, forecast=value, mean=float(trajectory.mean[-1, k]),
            median=float(trajectory.median[-1, k]), status_quo=issue.status_quo, label=issue.label_for(value),
            stop_reason=trajectory.stop_reason[k] if trajectory.stop_reason else "", cycle=cycle,
            distribution=None if distributions is None else tuple((float(p), float(q)) for p, q in distributions[k]),
            cycle_range=None if cycle is None else (float(low[k]), float(high[k]))))
    return tuple(issues)


def write_trajectory_csv(result: ForecastResult, path: str | Path) -> None:
    """Write ``round,issue,actor,position`` for every round from 0 (the inputs) on."""
    with atomic_writer(path) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["round", "issue", "actor", "position"])
        for t, issue, actor, position in result.trajectory_rows():
            writer.writerow([t, issue, actor, repr(position)])
