"""Backtests: forecast recorded negotiations with every engine and score against what happened.

The DEU conventions (which issues count, capabilities, status quo) live in
:mod:`stratagem.model.deu`; this module runs the engines on each proposal through
the shared executor (local processes or Dask), then scores them. The learned
``blend`` forecaster is cross-validated: five folds grouped by proposal, its
weights and its interval quantiles fitted on the training folds only
(docs/backtest.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np

from stratagem.analysis.executor import run_tasks
from stratagem.analysis.forecast import forecast
from stratagem.analysis.metrics import bootstrap_mae_ci, coverage, crps_discrete, hit_rate, mae, rmse
from stratagem.engines.base import FloatArray, weights
from stratagem.engines.blend import binary_issues
from stratagem.engines.focal import distribution_quantile, focal_distribution
from stratagem.engines.registry import ENGINES, get_engine
from stratagem.model.arrays import to_arrays
from stratagem.model.deu import DeuProposal
from stratagem.model.errors import StratagemError

BASE_ENGINES = ("compromise", "median", "nash", "bdm", "ktab", "exchange")
LEARNED = ("blend", "focal")
RECOMMENDED = "focal"
FOCAL_GRID = tuple((a, t, b) for a in (0.0, 0.5, 1.0, 2.0) for t in (5.0, 10.0, 20.0, 40.0, 80.0, 160.0)
                   for b in (0.0, 0.1, 0.25, 0.5, 1.0))
FOLDS = 5
GRID_STEP = 0.05


@dataclass(frozen=True)
class ProposalTask:
    """One proposal to forecast with some engines: plain data, picklable for workers."""

    proposal: DeuProposal
    engines: tuple[str, ...]
    seed: int


@dataclass(frozen=True)
class IssueRow:
    """One scored issue: its outcome, the inputs the blend needs and every engine's forecast."""

    proposal: str
    issue: str
    outcome: float
    status_quo: float  # NaN where none
    binary: bool
    unanimity: bool
    forecasts: dict[str, float]
    positions: tuple[float, ...] = ()  # taking-part actors' positions, for the focal distribution
    weights: tuple[float, ...] = ()  # their capability x salience


def forecast_proposal(task: ProposalTask) -> list[IssueRow]:
    """Every requested engine's forecast of each scored issue of one proposal (runs in a worker)."""
    sc = task.proposal.scenario
    arrays = to_arrays(sc)
    binary = binary_issues(arrays.X, arrays.Q, arrays.mask)
    W = weights(arrays.S, arrays.C, arrays.mask)
    by_engine = {name: forecast(sc, name, seed=task.seed).issues for name in task.engines}
    outcomes = {o.issue: o.value for o in sc.outcomes}
    rows = []
    for k, issue in enumerate(sc.issues):
        if issue.id not in task.proposal.scored:
            continue
        rows.append(IssueRow(
            proposal=task.proposal.id, issue=issue.id, outcome=outcomes[issue.id],
            status_quo=float(arrays.Q[k]), binary=bool(binary[k]), unanimity=task.proposal.unanimity,
            forecasts={name: float(results[k].forecast) for name, results in by_engine.items()},
            positions=tuple(float(v) for v in arrays.X[arrays.mask[:, k], k]),
            weights=tuple(float(v) for v in W[arrays.mask[:, k], k]),
        ))
    return rows


# -- the learned blend -----------------------------------------------------------
def _grid(step: float = GRID_STEP) -> FloatArray:
    """(compromise, median) weight pairs on the simplex, the status quo taking the rest."""
    ticks = np.round(np.arange(0.0, 1.0 + step / 2, step), 10)
    pairs = [(c, m) for c, m in product(ticks, ticks) if c + m <= 1.0 + 1e-9]
    return np.array(pairs)


def _components(rows: Sequence[IssueRow]) -> FloatArray:
    """(issues, 3): compromise, median, status quo (compromise where there is none)."""
    comp = np.array([r.forecasts["compromise"] for r in rows])
    med = np.array([r.forecasts["median"] for r in rows])
    sq = np.array([r.status_quo for r in rows])
    return np.stack([comp, med, np.where(np.isnan(sq), comp, sq)], axis=1)


def fit_blend(rows: Sequence[IssueRow]) -> dict[str, float]:
    """Blend weights minimising mean absolute error on ``rows``, per issue type (grid search)."""
    grid = _grid()
    out: dict[str, float] = {}
    for kind in ("binary", "graded"):
        subset = [r for r in rows if r.binary == (kind == "binary")]
        if not subset:
            out[f"{kind}_compromise"], out[f"{kind}_median"] = 1.0, 0.0
            continue
        parts = _components(subset)
        y = np.array([r.outcome for r in subset])
        weights = np.column_stack([grid, 1.0 - grid.sum(axis=1)])
        preds = parts @ weights.T  # (issues, grid)
        scores = np.mean(np.abs(preds - y[:, None]), axis=0)
        best = int(np.argmin(scores))  # first minimum in grid order: deterministic
        out[f"{kind}_compromise"], out[f"{kind}_median"] = float(grid[best, 0]), float(grid[best, 1])
    return out


def blend_predict(rows: Sequence[IssueRow], weights: Mapping[str, float]) -> FloatArray:
    """The blend's point forecasts for ``rows`` with the given weights."""
    parts = _components(rows)
    kinds = ["binary" if r.binary else "graded" for r in rows]
    w = np.array([[weights[f"{k}_compromise"], weights[f"{k}_median"],
                   1.0 - weights[f"{k}_compromise"] - weights[f"{k}_median"]] for k in kinds])
    result: FloatArray = np.sum(parts * w, axis=1)
    return result


def fold_of(proposals: Sequence[str], folds: int = FOLDS, seed: int = 0) -> dict[str, int]:
    """Fold of each proposal: a seeded permutation of the sorted ids, dealt round-robin."""
    names = sorted(set(proposals))
    order = np.random.default_rng(seed).permutation(len(names))
    return {names[j]: pos % folds for pos, j in enumerate(order)}


@dataclass(frozen=True)
class Prediction:
    """A forecaster's cross-validated forecasts: point, 80% interval and predictive distribution."""

    point: FloatArray
    low: FloatArray | None = None
    high: FloatArray | None = None
    distributions: list[tuple[FloatArray, FloatArray]] | None = None  # (values, probabilities) per issue


def cross_validate_blend(rows: Sequence[IssueRow], folds: int = FOLDS, seed: int = 0) -> Prediction:
    """Held-out blend forecasts with split-conformal 80% intervals and residual distributions."""
    fold = fold_of([r.proposal for r in rows], folds, seed)
    n = len(rows)
    point = np.empty(n)
    low = np.empty(n)
    high = np.empty(n)
    dists: list[tuple[FloatArray, FloatArray]] = [(np.empty(0), np.empty(0))] * n
    for f in range(folds):
        train = [r for r in rows if fold[r.proposal] != f]
        test_idx = [i for i, r in enumerate(rows) if fold[r.proposal] == f]
        if not test_idx:
            continue
        weights = fit_blend(train)
        train_resid = np.array([r.outcome for r in train]) - blend_predict(train, weights)
        train_binary = np.array([r.binary for r in train])
        test_rows = [rows[i] for i in test_idx]
        pred = blend_predict(test_rows, weights)
        for i, r, p in zip(test_idx, test_rows, pred, strict=True):
            resid = train_resid[train_binary == r.binary]
            if resid.size == 0:
                resid = train_resid
            lo_q, hi_q = np.quantile(resid, [0.10, 0.90])
            point[i] = p
            low[i] = float(np.clip(p + lo_q, 0.0, 100.0))
            high[i] = float(np.clip(p + hi_q, 0.0, 100.0))
            dists[i] = (np.clip(p + resid, 0.0, 100.0), np.full(resid.size, 1.0 / resid.size))
    return Prediction(point=point, low=low, high=high, distributions=dists)


# -- the focal distribution ---------------------------------------------------------
def _focal(row: IssueRow, params: tuple[float, float, float]) -> tuple[FloatArray, FloatArray]:
    alpha, tau, beta = params
    return focal_distribution(np.array(row.positions), np.array(row.weights), row.forecasts["compromise"],
                              alpha=alpha, tau=tau, beta=beta)


def fit_focal(rows: Sequence[IssueRow]) -> tuple[float, float, float]:
    """(alpha, tau, beta) minimising mean absolute error of the focal median on ``rows`` (grid search)."""
    y = np.array([r.outcome for r in rows])
    best, best_score = FOCAL_GRID[0], np.inf
    for params in FOCAL_GRID:  # first minimum in grid order: deterministic
        pred = np.array([distribution_quantile(*_focal(r, params), 0.5) for r in rows])
        value = float(np.mean(np.abs(pred - y)))
        if value < best_score - 1e-12:
            best, best_score = params, value
    return best


def cross_validate_focal(rows: Sequence[IssueRow], folds: int = FOLDS, seed: int = 0) -> Prediction:
    """Held-out focal forecasts: medians, 10-90% quantiles and distributions, parameters fit per fold."""
    fold = fold_of([r.proposal for r in rows], folds, seed)
    n = len(rows)
    point, low, high = np.empty(n), np.empty(n), np.empty(n)
    dists: list[tuple[FloatArray, FloatArray]] = [(np.empty(0), np.empty(0))] * n
    for f in range(folds):
        train = [r for r in rows if fold[r.proposal] != f]
        if len(train) == n:
            continue
        params = fit_focal(train)
        for i, r in enumerate(rows):
            if fold[r.proposal] == f:
                dists[i] = _focal(r, params)
                point[i] = distribution_quantile(*dists[i], 0.5)
                low[i] = distribution_quantile(*dists[i], 0.1)
                high[i] = distribution_quantile(*dists[i], 0.9)
    return Prediction(point=point, low=low, high=high, distributions=dists)


# -- scoring ---------------------------------------------------------------------
RELIABILITY_LEVELS = (0.2, 0.4, 0.5, 0.6, 0.8, 0.9, 0.95)


def reliability(rows: Sequence[IssueRow], prediction: Prediction,
                levels: Sequence[float] = RELIABILITY_LEVELS) -> list[tuple[float, float]]:
    """(nominal, observed) coverage of central intervals at each level, from the predictive distributions.

    A calibrated forecaster's central 80% interval holds 80% of outcomes; the
    pairs are the points of a reliability diagram.
    """
    if prediction.distributions is None:
        return []
    y = np.array([r.outcome for r in rows])
    out = []
    for level in levels:
        tail = (1.0 - level) / 2.0
        inside = [
            distribution_quantile(*_sorted(v, p), tail) <= y[i] <= distribution_quantile(*_sorted(v, p), 1 - tail)
            for i, (v, p) in enumerate(prediction.distributions)
        ]
        out.append((float(level), float(np.mean(inside))))
    return out


def _sorted(values: FloatArray, prob: FloatArray) -> tuple[FloatArray, FloatArray]:
    order = np.argsort(values, kind="stable")
    return values[order], prob[order]


@dataclass(frozen=True)
class EngineScore:
    mae: float
    rmse: float
    hit10: float
    coverage80: float | None
    crps: float | None
    mae_ci95: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        return {"mae": round(self.mae, 4), "rmse": round(self.rmse, 4), "hit10": round(self.hit10, 4),
                "coverage80": None if self.coverage80 is None else round(self.coverage80, 4),
                "crps": None if self.crps is None else round(self.crps, 4),
                "mae_ci95": [round(self.mae_ci95[0], 4), round(self.mae_ci95[1], 4)]}


def score(rows: Sequence[IssueRow], prediction: Prediction, *, seed: int = 0) -> EngineScore:
    """Scores of one forecaster over the rows (bootstrap by proposal)."""
    y = np.array([r.outcome for r in rows])
    errors = prediction.point - y
    cov = crps = None
    if prediction.low is not None and prediction.high is not None:
        cov = coverage(y, prediction.low, prediction.high)
    if prediction.distributions is not None:
        crps = float(np.mean([crps_discrete(v, p, float(y[i])) for i, (v, p) in enumerate(prediction.distributions)]))
    return EngineScore(mae=mae(errors), rmse=rmse(errors), hit10=hit_rate(errors), coverage80=cov, crps=crps,
                       mae_ci95=bootstrap_mae_ci(errors, [r.proposal for r in rows], seed=seed))


@dataclass(frozen=True)
class BacktestResult:
    """Scores per engine, the rows behind them and the blend weights fitted on all rows."""

    n: int
    proposals: int
    scores: dict[str, EngineScore]
    rows: tuple[IssueRow, ...]
    predictions: dict[str, Prediction]
    fitted: dict[str, dict[str, float]] = field(default_factory=dict)  # learned engines' all-data parameters

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "engines": {name: s.to_dict() for name, s in self.scores.items()}}

    def calibration(self) -> dict[str, list[tuple[float, float]]]:
        """Reliability points (nominal, observed coverage) of every forecaster with a distribution."""
        return {name: pts for name, pred in self.predictions.items() if (pts := reliability(self.rows, pred))}

    def forecast_rows(self) -> list[tuple[str, str, float, float | None, float | None]]:
        """(issue, engine, forecast, p10, p90) for every scored issue and engine, in a stable order."""
        out = []
        for name, pred in self.predictions.items():
            for i, row in enumerate(self.rows):
                low = None if pred.low is None else float(pred.low[i])
                high = None if pred.high is None else float(pred.high[i])
                out.append((row.issue, name, float(pred.point[i]), low, high))
        return out


ProgressCallback = Callable[[int, int], None]


def run_backtest(
    proposals: Sequence[DeuProposal],
    engines: Sequence[str] | None = None,
    *,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
) -> BacktestResult:
    """Forecast every scored issue with each engine (``blend`` cross-validated) and score them."""
    wanted = tuple(engines) if engines else (*BASE_ENGINES, *LEARNED)
    for name in wanted:
        get_engine(name)
    needs = set(wanted) - set(LEARNED)
    if set(LEARNED) & set(wanted):
        needs |= {"compromise", "median"}
    run_names = tuple(name for name in ENGINES if name in needs)
    tasks = [ProposalTask(p, run_names, seed) for p in proposals if p.scored]
    if not tasks:
        raise StratagemError("no issue meets the scoring convention (an outcome and 3+ actors with "
                             "position and salience)")
    by_task: dict[int, list[IssueRow]] = {}
    for done, (i, issue_rows) in enumerate(run_tasks(forecast_proposal, tasks, workers=workers, scheduler=scheduler),
                                     start=1):
        by_task[i] = issue_rows
        if progress is not None:
            progress(done, len(tasks))
    all_rows = tuple(row for i in range(len(tasks)) for row in by_task[i])
    predictions: dict[str, Prediction] = {}
    fitted: dict[str, dict[str, float]] = {}
    for name in wanted:
        if name == "blend":
            predictions[name] = cross_validate_blend(all_rows, seed=seed)
            fitted[name] = fit_blend(all_rows)
        elif name == "focal":
            predictions[name] = cross_validate_focal(all_rows, seed=seed)
            fitted[name] = dict(zip(("alpha", "tau", "beta"), fit_focal(all_rows), strict=True))
        else:
            predictions[name] = Prediction(point=np.array([r.forecasts[name] for r in all_rows]))
    scores = {name: score(all_rows, predictions[name], seed=seed) for name in wanted}
    return BacktestResult(
        n=len(all_rows), proposals=len(tasks), scores=scores, rows=all_rows, predictions=predictions,
        fitted=fitted,
    )
