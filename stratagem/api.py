"""The small public API, re-exported lazily by :mod:`stratagem`: load, forecast, ensemble, explain.

Each function takes a scenario or anything :func:`load` accepts (a built-in id, a ``.yaml`` or
``.csv`` path), and returns a result with ``to_dict()`` (the CLI's ``--json``) and
``to_frame()`` (a pandas DataFrame, when pandas is installed).

>>> import stratagem as sg
>>> sc = sg.load("ec-emissions-1994")
>>> len(sc.actors), [issue.id for issue in sc.issues]
(10, ['emissions'])
>>> round(sg.forecast(sc, "compromise").issues[0].forecast, 2)
7.39
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stratagem.analysis.ensemble import EnsembleResult, run_ensemble
from stratagem.analysis.explain import (
    Persuasion,
    Sensitivity,
    VarianceIndex,
    local_sensitivities,
    variance_indices,
    whom_to_persuade,
)
from stratagem.analysis.forecast import ForecastResult
from stratagem.analysis.forecast import forecast as _forecast
from stratagem.analysis.frames import data_frame
from stratagem.engines.registry import EXPLAINED, RECOMMENDED
from stratagem.model.schema import Scenario, Shock
from stratagem.model.shocks import resolve_shocks

ScenarioLike = Scenario | str | Path


def load(reference: str | Path | None = None, *, workspace: str | Path | None = None) -> Scenario:
    """A scenario: a built-in id, a ``.yaml``/``.csv`` file, or ``ID@VERSION`` stored in ``workspace``.

    ``None`` gives the built-in default (the scenario ``stratagem forecast`` runs).
    """
    from stratagem.store.scenarios import resolve_scenario_ref

    return resolve_scenario_ref(None if reference is None else str(reference), workspace).scenario


def _scenario(scenario: ScenarioLike) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load(scenario)


def _shocks(sc: Scenario, shocks: Sequence[Shock | str]) -> list[Shock]:
    """Shocks given as objects, or as ids of the scenario's shocks / YAML files (as ``--shock``)."""
    named = [s for s in shocks if isinstance(s, str)]
    by_name = dict(zip(named, resolve_shocks(sc, named), strict=True)) if named else {}
    return [by_name[s] if isinstance(s, str) else s for s in shocks]


def forecast(scenario: ScenarioLike, engine: str = RECOMMENDED, *, rounds: int | None = None, seed: int = 0,
             options: Mapping[str, Any] | None = None, shocks: Sequence[Shock | str] = ()) -> ForecastResult:
    """One run of ``engine`` (see ``sg.ENGINES``); ``options`` are the engine's parameters.

    >>> import stratagem as sg
    >>> run = sg.forecast("us-iraq-2020", "median")
    >>> run.engine, run.issues[0].id
    ('median', 'us-presence')
    """
    sc = _scenario(scenario)
    return _forecast(sc, engine, rounds=rounds, seed=seed, options=options, shocks=_shocks(sc, shocks))


def ensemble(scenario: ScenarioLike, *, draws: int = 1000, engines: Sequence[str] = (RECOMMENDED,), seed: int = 0,
             rounds: int | None = None, options: Mapping[str, Mapping[str, Any]] | None = None,
             shocks: Sequence[Shock | str] = (), workers: int | None = None,
             scheduler: str | None = None) -> EnsembleResult:
    """The forecast distribution over the inputs' ranges (Monte Carlo); the same seed gives the same bits.

    >>> import stratagem as sg
    >>> result = sg.ensemble("ec-emissions-1994", draws=200, engines=["compromise"], workers=1)
    >>> result.draws, sorted(result.issues[0].quantiles)[:2]
    (200, ['p05', 'p10'])
    """
    sc = _scenario(scenario)
    return run_ensemble(sc, draws=draws, engines=engines, seed=seed, rounds=rounds, options=options,
                        shocks=_shocks(sc, shocks), workers=workers, scheduler=scheduler)


@dataclass(frozen=True)
class Explanation:
    """Who moved and why (the run's moves), pivotal actors, variance shares and whom to persuade."""

    run: ForecastResult
    sensitivities: tuple[Sensitivity, ...]
    variance: tuple[VarianceIndex, ...]
    persuade: tuple[Persuasion, ...]

    def moves(self) -> list[dict[str, Any]]:
        """The run's moves with actor and issue ids: round, issue, actor, other, kind, from, to."""
        actors, issues = self.run.arrays.actor_ids, self.run.arrays.issue_ids
        return [{"round": m.round, "issue": issues[m.issue], "actor": actors[m.actor], "other": actors[m.other],
                 "kind": m.kind, "from": m.before, "to": m.after} for m in self.run.trajectory.moves]

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``stratagem explain --json``."""
        return {"scenario": self.run.scenario.id, "engine": self.run.engine, "moves": self.moves(),
                "sensitivities": [s.__dict__ for s in self.sensitivities],
                "variance_indices": [v.__dict__ for v in self.variance],
                "persuade": [p.__dict__ for p in self.persuade]}

    def to_frame(self, table: str = "sensitivities") -> Any:
        """One table as a DataFrame: ``sensitivities``, ``variance_indices``, ``persuade`` or ``moves``."""
        tables = self.to_dict()
        if table not in tables or table in ("scenario", "engine"):
            raise ValueError(f"no table '{table}' (sensitivities, variance_indices, persuade, moves)")
        return data_frame(tables[table])


def explain(scenario: ScenarioLike, engine: str = EXPLAINED, *, rounds: int | None = None, seed: int = 0,
            options: Mapping[str, Any] | None = None, draws: int = 1000,
            progress: Callable[[int, int], None] | None = None) -> Explanation:
    """Why the forecast is what it is (``draws=0`` skips the variance shares; ``progress(done, draws)``
    follows them).

    >>> import stratagem as sg
    >>> why = sg.explain("ec-emissions-1994", "compromise", draws=0)
    >>> sorted(why.to_dict())
    ['engine', 'moves', 'persuade', 'scenario', 'sensitivities', 'variance_indices']
    """
    sc = _scenario(scenario)
    opts = dict(options or {})
    run = _forecast(sc, engine, rounds=rounds, seed=seed, options=opts)
    return Explanation(
        run=run,
        sensitivities=tuple(local_sensitivities(sc, engine, opts, rounds, seed=seed)),
        variance=tuple(variance_indices(sc, engine, draws=draws, seed=seed, params=opts, rounds=rounds,
                                        progress=progress) if draws else ()),
        persuade=tuple(whom_to_persuade(sc, engine, opts, rounds, seed=seed)),
    )
