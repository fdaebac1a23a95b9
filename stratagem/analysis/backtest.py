"""Backtests: forecast recorded negotiations with every engine and score against what happened.

The DEU conventions (which issues count, capabilities, status quo) live in
:mod:`stratagem.model.deu`; this module runs the engines on each proposal through
the shared executor (local processes or Dask), then scores them. Every learned
forecaster registered in :mod:`stratagem.analysis.learned` is cross-validated:
five folds grouped by proposal, repeated over several fold seeds, its
parameters fitted on the training folds only. ``selected`` is the forecaster a
user would get by picking the best on inner cross-validation, scored by nested
cross-validation. Each forecaster is compared with the compromise model by a
paired bootstrap over proposals. :func:`run_frozen` instead fits on one file and
scores another with the parameters frozen (docs/backtest.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from stratagem.analysis.executor import ProgressCallback, run_tasks
from stratagem.analysis.forecast import forecast_engines
from stratagem.analysis.learned import (
    FOLDS,
    LEARNERS,
    IssueRow,
    Learner,
    Prediction,
    covered,
    cross_validate,
    fold_of,
)
from stratagem.analysis.metrics import (
    coverage,
    crps_discrete,
    group_bootstrap_ci,
    hit_rate,
    mae,
    paired_bootstrap,
    rmse,
)
from stratagem.engines.base import FloatArray, weights
from stratagem.engines.blend import binary_issues
from stratagem.engines.registry import ENGINES, RECOMMENDED, get_engine
from stratagem.model.arrays import to_arrays
from stratagem.model.deu import DeuProposal
from stratagem.model.errors import EngineError, StratagemError
from stratagem.model.schema import Scenario

__all__ = ["BASE_ENGINES", "RECOMMENDED", "SELECTED", "BacktestResult", "EngineScore", "IssueRow", "Prediction",
           "fold_of", "forecast_proposal", "issue_rows", "run_backtest", "run_frozen",
           "score_rows", "score_scenarios"]

BASE_ENGINES = tuple(name for name in ENGINES if name not in LEARNERS)  # every registered engine not learned
BASELINE = "compromise"
SELECTED = "selected"  # the forecaster chosen by inner cross-validation, scored by nested cross-validation
FOLD_SEEDS = 5
INNER_FOLDS = 4


def issue_rows(scenario: Scenario, engines: Sequence[str], *, seed: int, scored: Sequence[str] | None = None,
               group: str | None = None) -> list[IssueRow]:
    """Every engine's forecast of each scored issue (default: every issue with an outcome) of one scenario."""
    arrays = to_arrays(scenario)
    binary = binary_issues(arrays.X, arrays.Q, arrays.mask)
    W = weights(arrays.S, arrays.C, arrays.mask)
    by_engine = {name: result.issues for name, result in forecast_engines(scenario, engines, seed=seed).items()}
    outcomes = {o.issue: o.value for o in scenario.outcomes}
    wanted = set(outcomes) if scored is None else set(scored) & set(outcomes)
    return [IssueRow(
        proposal=group or scenario.id, issue=issue.id, outcome=outcomes[issue.id],
        status_quo=float(arrays.Q[k]), binary=bool(binary[k]),
        forecasts={name: float(results[k].forecast) for name, results in by_engine.items()},
        positions=tuple(float(v) for v in arrays.X[arrays.mask[:, k], k]),
        weights=tuple(float(v) for v in W[arrays.mask[:, k], k]),
    ) for k, issue in enumerate(scenario.issues) if issue.id in wanted]


def forecast_proposal(proposal: DeuProposal, engines: Sequence[str], seed: int) -> list[IssueRow]:
    """Every requested engine's forecast of each scored issue of one proposal (runs in a worker)."""
    return issue_rows(proposal.scenario, engines, seed=seed, scored=proposal.scored, group=proposal.id)


# -- scoring ---------------------------------------------------------------------
RELIABILITY_LEVELS = (0.2, 0.4, 0.5, 0.6, 0.8, 0.9, 0.95)


def _rounded(value: Any) -> Any:
    """A score for JSON: 4 decimals, element by element for intervals and per-seed tuples; None stays None."""
    if isinstance(value, tuple):
        return [_rounded(v) for v in value]
    return None if value is None else round(value, 4)


@dataclass(frozen=True)
class Comparison:
    """A forecaster minus the compromise model, per issue, averaged: MAE and CRPS, with bootstrap intervals."""

    mae_diff: float
    mae_diff_ci95: tuple[float, float]
    crps_diff: float
    crps_diff_ci95: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        return {name: _rounded(value) for name, value in vars(self).items()}


@dataclass(frozen=True)
class EngineScore:
    """Scores of one forecaster; with repeated fold seeds, each is the mean over the repeats."""

    mae: float
    rmse: float
    hit10: float
    coverage80: float | None
    crps: float | None
    mae_ci95: tuple[float, float]
    mae_per_seed: tuple[float, ...] = ()
    vs_compromise: Comparison | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {name: _rounded(value) for name, value in vars(self).items()
               if name not in ("mae_per_seed", "vs_compromise")}
        if len(self.mae_per_seed) > 1:
            out["mae_per_seed"] = _rounded(self.mae_per_seed)
        if self.vs_compromise is not None:
            out["vs_compromise"] = self.vs_compromise.to_dict()
        return out


def _losses(rows: Sequence[IssueRow], prediction: Prediction) -> tuple[FloatArray, FloatArray]:
    """Per issue: absolute error and CRPS (a point forecast's CRPS is its absolute error)."""
    y = np.array([r.outcome for r in rows])
    abs_err = np.abs(prediction.point - y)
    if prediction.distributions is None:
        return abs_err, abs_err
    return abs_err, np.array([crps_discrete(v, p, float(y[i])) for i, (v, p) in enumerate(prediction.distributions)])


def score_rows(rows: Sequence[IssueRow], repeats: Sequence[Prediction], *, seed: int = 0,
               baseline: Sequence[Prediction] | None = None) -> EngineScore:
    """Scores of one forecaster over ``rows``, averaged over repeated predictions (e.g. fold seeds).

    The MAE interval and the paired comparison with ``baseline`` bootstrap whole
    groups (proposals), on each issue's loss averaged over the repeats.
    """
    y = np.array([r.outcome for r in rows])
    groups = [r.proposal for r in rows]
    errors = [pred.point - y for pred in repeats]
    maes = [mae(e) for e in errors]
    covs = [coverage(y, p.low, p.high) for p in repeats if p.low is not None and p.high is not None]
    losses = [_losses(rows, pred) for pred in repeats]
    crpss = [float(np.mean(c)) for p, (_, c) in zip(repeats, losses, strict=True) if p.distributions is not None]
    abs_mean, crps_mean = np.mean(np.array(losses), axis=0)  # per issue over the repeats: (repeats, 2, issues)
    comparison = None
    if baseline is not None:
        base_abs, base_crps = np.mean(np.array([_losses(rows, pred) for pred in baseline]), axis=0)
        d_mae, lo_mae, hi_mae = paired_bootstrap(abs_mean, base_abs, groups, seed=seed)
        d_crps, lo_crps, hi_crps = paired_bootstrap(crps_mean, base_crps, groups, seed=seed)
        comparison = Comparison(d_mae, (lo_mae, hi_mae), d_crps, (lo_crps, hi_crps))
    return EngineScore(
        mae=float(np.mean(maes)), rmse=float(np.mean([rmse(e) for e in errors])),
        hit10=float(np.mean([hit_rate(e) for e in errors])),
        coverage80=float(np.mean(covs)) if covs else None, crps=float(np.mean(crpss)) if crpss else None,
        mae_ci95=group_bootstrap_ci(abs_mean, groups, seed=seed), mae_per_seed=tuple(maes),
        vs_compromise=comparison,
    )


@dataclass(frozen=True)
class BacktestResult:
    """Scores per forecaster, the rows behind them and the learned forecasters' fitted parameters."""

    n: int
    proposals: int
    scores: dict[str, EngineScore]
    rows: tuple[IssueRow, ...]
    predictions: dict[str, Prediction]  # the first fold seed's (cross-validated) or the frozen forecasts
    fitted: dict[str, dict[str, Any]] = field(default_factory=dict)  # all-data (or development-file) parameters
    mode: str = "cross-validated"
    fold_seeds: tuple[int, ...] = (0,)
    chosen: tuple[str, ...] = ()  # the forecaster ``selected`` picked, per outer fold and seed

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.n, "proposals": self.proposals, "mode": self.mode,
                               "engines": {name: s.to_dict() for name, s in self.scores.items()}}
        if self.mode == "cross-validated":
            out["folds"], out["fold_seeds"] = FOLDS, list(self.fold_seeds)
        if self.chosen:
            out["selected_chose"] = list(self.chosen)
        return out

    def fitted_summary(self) -> dict[str, dict[str, float]]:
        """The fitted parameters that are numbers (residual lists left out), rounded for printing."""
        return {name: {k: round(float(v), 4) for k, v in params.items() if isinstance(v, int | float)}
                for name, params in self.fitted.items()}

    def calibration(self) -> dict[str, list[tuple[float, float]]]:
        """Reliability points of every forecaster with a distribution: (nominal, observed) coverage of its
        central intervals at :data:`RELIABILITY_LEVELS` (a calibrated forecaster's 80% interval holds 80%)."""
        y = np.array([r.outcome for r in self.rows])
        return {name: [(level, covered(pred.distributions, y, level)) for level in RELIABILITY_LEVELS]
                for name, pred in self.predictions.items() if pred.distributions is not None}

    def forecast_rows(self) -> list[tuple[str, str, float, float | None, float | None]]:
        """(issue, engine, forecast, p10, p90) for every scored issue and engine, in a stable order."""
        return [(row.issue, name, float(pred.point[i]), None if pred.low is None else float(pred.low[i]),
                 None if pred.high is None else float(pred.high[i]))
                for name, pred in self.predictions.items() for i, row in enumerate(self.rows)]


def _plan(engines: Sequence[str] | None) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(forecasters to score, engines to run on each proposal, the candidates ``selected`` chooses from)."""
    wanted = tuple(engines) if engines else (*BASE_ENGINES, *LEARNERS, SELECTED)
    plain = [n for n in wanted if n not in LEARNERS and n != SELECTED]
    for name in plain:
        get_engine(name)  # an unknown name raises here, before any engine runs
    learned = [n for n in wanted if n in LEARNERS] or ([*LEARNERS] if SELECTED in wanted else [])
    needs = {*plain, BASELINE, *(need for name in learned for need in LEARNERS[name].needs)}
    return wanted, tuple(name for name in ENGINES if name in needs), (BASELINE, *learned)


def _rows(proposals: Sequence[DeuProposal], run_names: tuple[str, ...], seed: int, workers: int | None,
          scheduler: str | None, progress: ProgressCallback | None) -> tuple[tuple[IssueRow, ...], int]:
    tasks = [p for p in proposals if p.scored]
    if not tasks:
        raise StratagemError("no issue meets the scoring convention (an outcome and 3+ actors with "
                             "position and salience)")
    by_task: dict[int, list[IssueRow]] = {}
    for done, (i, issue_rows_) in enumerate(run_tasks(functools.partial(forecast_proposal, engines=run_names, seed=seed),
                                                      tasks, workers=workers, scheduler=scheduler), start=1):
        by_task[i] = issue_rows_
        if progress is not None:
            progress(done, len(tasks))
    return tuple(row for i in range(len(tasks)) for row in by_task[i]), len(tasks)


def _result(rows: Sequence[IssueRow], repeats: Mapping[str, Sequence[Prediction]], seed: int, proposals: int,
            **details: Any) -> BacktestResult:
    """Every forecaster scored, each paired against the compromise model's predictions of the same rows; the
    first repeat's predictions kept; ``details`` are the result's remaining fields."""
    baseline = [_fixed(rows, BASELINE)]
    scores = {name: score_rows(rows, preds, seed=seed, baseline=None if name == BASELINE else baseline)
              for name, preds in repeats.items()}
    return BacktestResult(n=len(rows), proposals=proposals, scores=scores, rows=tuple(rows),
                          predictions={name: preds[0] for name, preds in repeats.items()}, **details)


def _fixed(rows: Sequence[IssueRow], name: str) -> Prediction:
    return Prediction(point=np.array([r.forecasts[name] for r in rows]))


def _selection(candidates: Sequence[str], folds: int, seed: int, chosen: list[str]) -> Learner:
    """``selected`` as a learner: fitting picks the candidate with the lowest ``folds``-fold cross-validated MAE
    on the training rows (first in order on ties; appended to ``chosen``), predicting fits it on those rows."""

    def pick(train: Sequence[IssueRow]) -> dict[str, Any]:
        y = np.array([r.outcome for r in train])
        best, best_mae = candidates[0], np.inf
        for name in candidates:
            pred = cross_validate(LEARNERS[name], train, folds, seed) if name in LEARNERS else _fixed(train, name)
            value = mae(pred.point - y)
            if value < best_mae - 1e-12:
                best, best_mae = name, value
        chosen.append(best)
        return {"name": best, "train": train}

    def fit_predict(test: Sequence[IssueRow], picked: Mapping[str, Any]) -> Prediction:
        learner = LEARNERS.get(picked["name"])
        return _fixed(test, picked["name"]) if learner is None else learner.predict(test, learner.fit(picked["train"]))

    return Learner(SELECTED, pick, fit_predict)


def _repeats(wanted: Sequence[str], rows: Sequence[IssueRow], learned: Callable[[Learner], list[Prediction]],
             selected: Callable[[], list[Prediction]]) -> dict[str, list[Prediction]]:
    """Each wanted forecaster's predictions of ``rows``: a learner's from ``learned``, ``selected``'s from
    ``selected`` (called only if wanted), a plain engine's as it ran."""
    return {name: learned(LEARNERS[name]) if name in LEARNERS else selected() if name == SELECTED
            else [_fixed(rows, name)] for name in wanted}


def run_backtest(
    proposals: Sequence[DeuProposal],
    engines: Sequence[str] | None = None,
    *,
    seed: int = 0,
    fold_seeds: int = FOLD_SEEDS,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
) -> BacktestResult:
    """Forecast every scored issue with each engine, cross-validate the learned ones, and score them all.

    Learned forecasters are cross-validated with ``fold_seeds`` fold assignments
    (seeds ``seed``, ``seed + 1``, ...); scores are the means over them.
    ``selected`` is scored by nested cross-validation (its inner choice on the
    outer training folds only), on its points: the honest score of choosing a model.
    """
    if fold_seeds < 1:
        raise EngineError("fold_seeds must be at least 1")
    wanted, run_names, candidates = _plan(engines)
    rows, n_props = _rows(proposals, run_names, seed, workers, scheduler, progress)
    seeds = tuple(seed + k for k in range(fold_seeds))
    chosen: list[str] = []
    repeats = _repeats(wanted, rows, lambda learner: [cross_validate(learner, rows, FOLDS, s) for s in seeds],
                       lambda: [Prediction(point=cross_validate(_selection(candidates, INNER_FOLDS, s, chosen), rows,
                                                                FOLDS, s).point) for s in seeds])
    fitted = {name: LEARNERS[name].fit(rows) for name in wanted if name in LEARNERS}
    return _result(rows, repeats, seed, n_props, fitted=fitted, fold_seeds=seeds, chosen=tuple(chosen))


def run_frozen(
    development: Sequence[DeuProposal],
    held_out: Sequence[DeuProposal],
    engines: Sequence[str] | None = None,
    *,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
) -> BacktestResult:
    """Fit every learned forecaster on ``development`` and score all forecasters on ``held_out`` unchanged.

    ``selected`` is chosen by cross-validation on the development file only.
    Proposals present in both files are an error: the held-out file must be new.
    """
    overlap = sorted({p.id for p in development} & {p.id for p in held_out})
    if overlap:
        raise StratagemError(f"the held-out file repeats {len(overlap)} development proposal(s), e.g. {overlap[0]}")
    wanted, run_names, candidates = _plan(engines)
    dev_rows, _ = _rows(development, run_names, seed, workers, scheduler, None)
    rows, n_props = _rows(held_out, run_names, seed, workers, scheduler, progress)
    fitted = {name: LEARNERS[name].fit(dev_rows) for name in wanted if name in LEARNERS}
    chosen: list[str] = []
    picker = _selection(candidates, FOLDS, seed, chosen)
    repeats = _repeats(wanted, rows, lambda learner: [learner.predict(rows, fitted[learner.name])],
                       lambda: [picker.predict(rows, picker.fit(dev_rows))])
    return _result(rows, repeats, seed, n_props, fitted=fitted, mode="frozen", fold_seeds=(), chosen=tuple(chosen))



# -- your own case: scenarios with recorded outcomes ---------------------------------------
def score_scenarios(scenarios: Sequence[Scenario], engines: Sequence[str] | None = None, *,
                    seed: int = 0) -> BacktestResult:
    """Score engines against the ``outcomes`` recorded in scenarios, with the DEU backtest's metrics.

    Every issue with a recorded outcome is scored. Nothing is fitted: learned
    engines run with the parameters they ship with, and those whose defaults
    define a distribution (``anchor``, ``focal``) are also scored on interval
    coverage and CRPS. Bootstrap intervals resample scenarios when there are
    several, else issues.
    """
    wanted = tuple(engines) if engines else tuple(ENGINES)
    run_names = tuple(dict.fromkeys((*wanted, BASELINE)))
    rows: list[IssueRow] = []
    for sc in scenarios:
        found = issue_rows(sc, run_names, seed=seed)
        if not found:
            raise StratagemError(f"scenario {sc.id}: no recorded outcomes to score (add an outcomes: list)")
        rows.extend(found)
    if len(scenarios) == 1:
        rows = [replace(r, proposal=f"{r.proposal}/{r.issue}") for r in rows]
    repeats = _repeats(wanted, rows, lambda learner: [learner.predict(rows, learner.defaults()) if learner.defaults
                                                      else _fixed(rows, learner.name)], list)  # no selected here
    return _result(rows, repeats, seed, len(scenarios), mode="scenario", fold_seeds=())
