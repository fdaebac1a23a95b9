"""Everything a report shows, computed once: runs per engine, the ensemble, shocks, explanations,
the stance table with cited words, and the chart specifications.

The web app uses the same pieces, so a chart in the browser and in a report file is the
same figure from the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stratagem.analysis.ensemble import EnsembleResult, IssueSummary, run_ensemble
from stratagem.analysis.explain import Persuasion, Sensitivity, local_sensitivities, whom_to_persuade
from stratagem.analysis.forecast import ForecastResult, forecast_engines
from stratagem.engines.registry import EXPLAINED, RECOMMENDED
from stratagem.model.errors import StratagemError
from stratagem.model.schema import Scenario, Shock, Stance
from stratagem.report import charts
from stratagem.report.evidence import CitedEvidence, resolve_evidence
from stratagem.store.workspace import Workspace

# ktab's ensembles are slow (a Python loop per draw); the report's default ensemble uses the fast
# closed-form engines and bdm, like the README's `stratagem ensemble` example.
DEFAULT_ENSEMBLE_ENGINES = (RECOMMENDED,)  # the recommended forecaster, as in the CLI (engines/registry.py)
PERSUASION_ENGINE = "compromise"  # whom-to-persuade scans 100 positions per actor: cheap only in closed form


@dataclass(frozen=True)
class StanceRow:
    actor: str
    actor_name: str
    issue: str
    issue_name: str
    position: float
    position_range: str
    salience: float
    salience_range: str
    label: str
    note: str
    evidence: tuple[CitedEvidence, ...]


@dataclass(frozen=True)
class ShockOutcome:
    shock: Shock
    ensemble: EnsembleResult
    error: str = ""


@dataclass(frozen=True)
class ReportData:
    scenario: Scenario
    seed: int
    draws: int
    runs: Mapping[str, ForecastResult]
    ensemble: EnsembleResult
    shocks: tuple[ShockOutcome, ...]
    explain_engine: str
    sensitivities: tuple[Sensitivity, ...]
    persuasion: tuple[Persuasion, ...]
    stances: tuple[StanceRow, ...]
    evidence: Mapping[str, CitedEvidence]
    figures: Mapping[str, charts.Figure] = field(default_factory=dict)

    @property
    def evidence_found(self) -> int:
        """Records quoted: words found and not contradicted by their document."""
        return sum(1 for e in self.evidence.values() if e.quoted)

    @property
    def evidence_checked(self) -> int:
        """Records whose stored words were compared with their document."""
        return sum(1 for e in self.evidence.values() if e.checked)

    @property
    def evidence_problems(self) -> tuple[CitedEvidence, ...]:
        """Records whose offsets do not select their words (or cannot be resolved at all)."""
        return tuple(e for e in self.evidence.values() if e.problem)


def _range(rng: Any) -> str:
    return f"{rng.low:g}-{rng.high:g}" if rng is not None else ""


def stance_rows(scenario: Scenario, evidence: Mapping[str, CitedEvidence]) -> tuple[StanceRow, ...]:
    """The stance table, ordered by issue then position, each row with its cited evidence."""
    names = {a.id: a.name for a in scenario.actors}
    order = {i.id: n for n, i in enumerate(scenario.issues)}

    def row(s: Stance) -> StanceRow:
        issue = scenario.issue(s.issue)
        return StanceRow(
            actor=s.actor, actor_name=names[s.actor], issue=s.issue, issue_name=issue.name,
            position=s.position, position_range=_range(s.position_range), salience=s.salience,
            salience_range=_range(s.salience_range), label=issue.label_for(s.position), note=s.note,
            evidence=tuple(evidence[e] for e in s.evidence if e in evidence),
        )

    return tuple(row(s) for s in sorted(scenario.stances, key=lambda s: (order[s.issue], s.position, s.actor)))


def forecast_figures(scenario: Scenario, runs: Mapping[str, ForecastResult]) -> dict[str, charts.Figure]:
    """Actor maps (with every engine's forecast), trajectories and the engine comparison."""
    figures: dict[str, charts.Figure] = {"engines": charts.engine_comparison(scenario, runs)}
    for k, issue in enumerate(scenario.issues):
        finals = {name: r.issues[k].forecast for name, r in runs.items()}
        figures[f"map-{issue.id}"] = charts.actor_map(scenario, issue, finals)
        figures[f"trajectory-{issue.id}"] = charts.trajectories(k, runs)
    return figures


def ensemble_figures(result: EnsembleResult) -> dict[str, charts.Figure]:
    sc = result.scenario
    figures = {
        "intervals": charts.ensemble_intervals(
            sc, result.issues, (f"Pooled mixture of {len(result.engines)} engines' draws" if len(result.engines) > 1
                                else "Forecast distribution")
            + f" ({result.draws} draws; engines: {', '.join(result.engines)})"),
        "bands": charts.band_probabilities(sc, result.issues),
    }
    for k, issue in enumerate(sc.issues):
        figures[f"histogram-{issue.id}"] = charts.ensemble_histogram(result, k)
    return figures


def shock_figure(scenario: Scenario, baseline: Sequence[IssueSummary], outcomes: Sequence[ShockOutcome]
                 ) -> charts.Figure:
    return charts.shock_comparison(
        scenario, baseline, {o.shock.id: o.ensemble.issues for o in outcomes},
        {o.shock.id: o.shock.name for o in outcomes},
    )


Progress = Callable[[str, float], None]


def build_report(
    scenario: Scenario,
    *,
    draws: int = 1000,
    seed: int = 0,
    engines: Sequence[str] | None = None,
    ensemble_engines: Sequence[str] = DEFAULT_ENSEMBLE_ENGINES,
    explain_engine: str = EXPLAINED,
    shocks: Sequence[Shock] | None = None,
    workspace: Workspace | None = None,
    documents: Sequence[str | Path] = (),
    workers: int | None = None,
    progress: Progress | None = None,
) -> ReportData:
    """Compute a report's contents. ``shocks`` defaults to every shock of the scenario."""
    if draws < 1:
        raise StratagemError(f"draws must be at least 1, got {draws}")

    def step(what: str, fraction: float) -> None:
        if progress is not None:
            progress(what, fraction)

    step("forecasts", 0.0)
    runs = forecast_engines(scenario, engines, seed=seed)
    chosen = tuple(scenario.shocks if shocks is None else shocks)
    n_ensembles = 1 + len(chosen)
    step("ensemble", 0.05)

    def ensemble_of(n: int, shocks: tuple[Shock, ...] = ()) -> EnsembleResult:
        def tick(done: int, total: int) -> None:
            step("ensemble" if n == 0 else f"shock {chosen[n - 1].id}", 0.05 + 0.85 * (n + done / total) / n_ensembles)
        result = run_ensemble(scenario, draws=draws, engines=ensemble_engines, seed=seed, workers=workers,
                              progress=tick, shocks=shocks)
        if result.interrupted:  # Ctrl-C: a report is built from complete ensembles only, so none is written
            raise KeyboardInterrupt
        return result

    ensemble = ensemble_of(0)
    # a shock with a round happens during the run (stratagem.analysis.timeline)
    outcomes = [ShockOutcome(shock, ensemble_of(n, (shock,))) for n, shock in enumerate(chosen, start=1)]
    step("explanations", 0.92)
    sens = tuple(local_sensitivities(scenario, explain_engine))
    persuasion = tuple(whom_to_persuade(scenario, PERSUASION_ENGINE))
    evidence = resolve_evidence(scenario, workspace=workspace, documents=documents)
    figures = forecast_figures(scenario, runs)
    figures.update(ensemble_figures(ensemble))
    figures["pivotal"] = charts.pivotal_actors(scenario, sens, explain_engine)
    if outcomes:
        figures["shocks"] = shock_figure(scenario, ensemble.issues, outcomes)
    step("done", 1.0)
    return ReportData(
        scenario=scenario, seed=seed, draws=draws, runs=runs, ensemble=ensemble, shocks=tuple(outcomes),
        explain_engine=explain_engine, sensitivities=sens, persuasion=persuasion,
        stances=stance_rows(scenario, evidence), evidence=evidence, figures=figures,
    )
