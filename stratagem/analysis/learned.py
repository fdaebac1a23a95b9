"""Learned forecasters: one fit/predict contract, so backtests fit whatever is registered here.

A :class:`Learner` turns scored issues (:class:`IssueRow`: the stances that
take part, the status quo, the engines' forecasts, the outcome) into fitted
parameters (``fit``) and forecasts new issues from them (``predict``): a point,
an 80% interval and a predictive distribution. ``defaults`` are the parameters
shipped with the engine (fitted once on the DEU development file) where they
alone give a predictive distribution, used when a scenario is scored without
fitting. The engines themselves stay pure functions
in :mod:`stratagem.engines`; the fitting lives here.

Registered: ``blend`` and ``focal`` (earlier forecasters), ``anchor`` (a
conditional-logit distribution over anchor points, fitted by maximum
likelihood) and ``conformal`` (the compromise model with split-conformal
residuals).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import Any

import numpy as np

from stratagem.analysis.metrics import coverage
from stratagem.engines import anchor as anchor_engine
from stratagem.engines.base import FloatArray
from stratagem.engines.blend import mix
from stratagem.engines.focal import DEFAULTS as FOCAL_DEFAULTS
from stratagem.engines.focal import distribution_quantile, focal_distribution

FOLDS = 5
Params = dict[str, Any]
Distribution = tuple[FloatArray, FloatArray]  # (sorted values, probabilities)


@dataclass(frozen=True)
class IssueRow:
    """One scored issue: its outcome, the inputs the learned forecasters need and every engine's forecast."""

    proposal: str
    issue: str
    outcome: float
    status_quo: float  # NaN where none
    binary: bool
    forecasts: dict[str, float]
    positions: tuple[float, ...] = ()  # taking-part actors' positions
    weights: tuple[float, ...] = ()  # their capability x salience


@dataclass(frozen=True)
class Prediction:
    """A forecaster's forecasts: point, 80% interval and predictive distribution per issue."""

    point: FloatArray
    low: FloatArray | None = None
    high: FloatArray | None = None
    distributions: list[Distribution] | None = None


@dataclass(frozen=True)
class Learner:
    """A forecaster fitted from scored issues: ``predict(rows, fit(train))`` never sees ``rows``' outcomes."""

    name: str
    fit: Callable[[Sequence[IssueRow]], Params]
    predict: Callable[[Sequence[IssueRow], Mapping[str, Any]], Prediction]
    needs: tuple[str, ...] = ("compromise",)  # engines whose forecasts the rows must carry
    defaults: Callable[[], Params] | None = None  # shipped parameters giving a distribution unfitted, if any


LEARNERS: dict[str, Learner] = {}


def register_learner(learner: Learner) -> None:
    """Add a learned forecaster; backtests fit and score every one registered."""
    LEARNERS[learner.name] = learner


def fold_of(proposals: Sequence[str], folds: int = FOLDS, seed: int = 0) -> dict[str, int]:
    """Fold of each proposal: a seeded permutation of the sorted ids, dealt round-robin."""
    names = sorted(set(proposals))
    order = np.random.default_rng(seed).permutation(len(names))
    return {names[j]: pos % folds for pos, j in enumerate(order)}


def cross_validate(learner: Learner, rows: Sequence[IssueRow], folds: int = FOLDS, seed: int = 0) -> Prediction:
    """Held-out forecasts: each fold predicted from parameters fitted on the other folds only."""
    fold = fold_of([r.proposal for r in rows], folds, seed)
    order: list[int] = []
    parts: list[Prediction] = []
    for f in range(folds):
        test_idx = [i for i, r in enumerate(rows) if fold[r.proposal] == f]
        if test_idx:
            params = learner.fit([r for r in rows if fold[r.proposal] != f])
            parts.append(learner.predict([rows[i] for i in test_idx], params))
            order += test_idx
    back = np.argsort(order)  # the folds' forecasts come fold by fold: this puts them in the rows' order

    def joined(field: str, make: Callable[[list[Any]], Any]) -> Any:
        """One field of the folds' predictions in the rows' order; None unless every fold has it."""
        values = [getattr(p, field) for p in parts]
        if any(v is None for v in values):
            return None
        flat = [x for v in values for x in v]
        return make([flat[i] for i in back])

    return Prediction(point=joined("point", np.array), low=joined("low", np.array),
                      high=joined("high", np.array), distributions=joined("distributions", list))


def central_interval(dists: Sequence[Distribution], level: float) -> tuple[FloatArray, FloatArray]:
    """Bounds of each distribution's central ``level`` interval: its (1 - level)/2 and (1 + level)/2 quantiles."""
    tail = (1.0 - level) / 2.0
    return (np.array([distribution_quantile(v, p, tail) for v, p in dists]),
            np.array([distribution_quantile(v, p, 1.0 - tail) for v, p in dists]))


def from_distributions(dists: list[Distribution], level: float = 0.8) -> Prediction:
    """Median point and central ``level`` interval of each distribution."""
    low, high = central_interval(dists, level)
    return Prediction(point=np.array([distribution_quantile(v, p, 0.5) for v, p in dists]), low=low, high=high,
                      distributions=dists)


def _outcomes(rows: Sequence[IssueRow]) -> FloatArray:
    return np.array([r.outcome for r in rows])


def _compromise(rows: Sequence[IssueRow]) -> FloatArray:
    return np.array([r.forecasts["compromise"] for r in rows])


# -- maximum likelihood for a conditional logit with latent options ---------------------------------
def fit_conditional_logit(features: FloatArray, evidence: FloatArray, valid: np.ndarray, *, ridge: float = 1e-2
                          ) -> tuple[FloatArray, float]:
    """Coefficients maximising sum_r log sum_k p_rk e_rk - ridge |theta|^2 (Newton with line search), and
    the log evidence of the ridge.

    ``features[r, k, :]`` describes option k of case r (padded; ``valid[r, k]``
    says which exist), ``p_rk`` is the softmax of ``features @ theta`` over the
    valid options, and ``evidence[r, k]`` is the probability of what was observed
    given option k: an indicator for the ordinary conditional logit (the chosen
    option is known), a density for options whose outcome is spread out. The
    log-likelihood of a plain conditional logit is concave and Newton converges
    from 0; with spread-out options it need not be, so a step falls back to the
    Fisher direction (the prior covariance, always negative definite with the
    ridge) when the Hessian is not, and every step is halved until the
    penalised likelihood does not fall.

    The ridge is a Gaussian prior N(0, I / (2 ridge)) on theta; the log
    evidence (marginal likelihood) of that prior is its Laplace approximation
    (MacKay 1992): the penalised log-likelihood at the optimum plus
    dim/2 log(2 ridge) minus half the log-determinant of minus its Hessian
    (-inf where that is not positive definite, i.e. not a maximum).
    """
    dim = features.shape[2]
    theta = np.zeros(dim)
    penalty = 2.0 * ridge * np.eye(dim)

    def evaluate(th: FloatArray) -> tuple[float, FloatArray, FloatArray, FloatArray]:
        u = np.where(valid, features @ th, -np.inf)
        u = u - u.max(axis=1, keepdims=True)
        p = np.exp(u)
        p = p / p.sum(axis=1, keepdims=True)
        like = (p * evidence).sum(axis=1)
        post = p * evidence / like[:, None]
        mean_p = np.einsum("rk,rkd->rd", p, features)
        mean_q = np.einsum("rk,rkd->rd", post, features)
        cov_p = np.einsum("rk,rkd,rke->de", p, features, features) - mean_p.T @ mean_p
        cov_q = np.einsum("rk,rkd,rke->de", post, features, features) - mean_q.T @ mean_q
        value = float(np.log(like).sum() - ridge * th @ th)
        grad = (mean_q - mean_p).sum(axis=0) - 2.0 * ridge * th
        return value, grad, cov_q - cov_p - penalty, -cov_p - penalty

    value, grad, hess, fisher = evaluate(theta)
    for _ in range(200):  # Newton steps at most
        try:
            np.linalg.cholesky(-hess)
            step = np.linalg.solve(-hess, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.solve(-fisher, grad)
        t = 1.0
        while not (new := evaluate(theta + t * step))[0] >= value - 1e-12 and t >= 1e-8:  # a NaN step is halved
            t /= 2.0  # halved until the penalised likelihood does not fall
        theta = theta + t * step
        improvement = new[0] - value
        value, grad, hess, fisher = new
        if abs(improvement) < 1e-10 and float(np.max(np.abs(grad))) < 1e-6:
            break
    sign, logdet = np.linalg.slogdet(-hess)
    log_evidence = value + 0.5 * dim * np.log(2.0 * ridge) - 0.5 * logdet if sign > 0 else -np.inf
    return theta, float(log_evidence)


# -- anchor: the discrete-choice distribution over anchor points --------------------------------
INTERVAL_LEVELS = tuple(round(x, 2) for x in np.arange(0.40, 0.995, 0.01))
CALIBRATION_FOLDS = 3
# ridge penalties among which fit_anchor chooses by the Laplace evidence (on coefficients of features of order 1)
ANCHOR_RIDGES = (0.01, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
TARGET_COVERAGE = 0.8


@lru_cache(maxsize=65536)
def _anchor_points_of(positions: tuple[float, ...], weights: tuple[float, ...], status_quo: float,
                      compromise: float) -> tuple[FloatArray, FloatArray]:
    """:func:`anchor_points` of one issue, cached: the inner cross-validations rebuild designs of the same rows.

    A NaN status quo (none) is its row's own float object, so the row's repeated lookups still hit the cache.
    """
    values, feats = anchor_engine.anchor_points(np.array(positions), np.array(weights), status_quo, compromise)
    values.flags.writeable = feats.flags.writeable = False
    return values, feats


def _anchor_design(rows: Sequence[IssueRow], bias: float, spread: float) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """Padded options x (anchor features + elsewhere indicator), evidence of each outcome, validity."""
    per_row = [_anchor_points_of(r.positions, r.weights, r.status_quo, r.forecasts["compromise"]) for r in rows]
    width = max(values.size for values, _ in per_row) + 1
    nf = len(anchor_engine.FEATURES)
    features = np.zeros((len(rows), width, nf + 1))
    evidence = np.zeros((len(rows), width))
    valid = np.zeros((len(rows), width), dtype=bool)
    for i, (r, (values, feats)) in enumerate(zip(rows, per_row, strict=True)):
        k = values.size
        features[i, :k, :nf] = feats
        features[i, width - 1, nf] = 1.0
        valid[i, :k] = valid[i, width - 1] = True
        evidence[i, :k] = np.abs(values - r.outcome) <= anchor_engine.MATCH
        spread_mass = anchor_engine.elsewhere_mass(r.forecasts["compromise"] + bias, spread)
        evidence[i, width - 1] = spread_mass[int(np.clip(np.rint(r.outcome), 0, 100))]
    return features, evidence, valid


def _fit_anchor_coefficients(rows: Sequence[IssueRow], ridges: Sequence[float]) -> list[tuple[Params, float]]:
    """Penalised maximum-likelihood parameters and the log evidence for each ridge (one design, several fits)."""
    resid = _outcomes(rows) - _compromise(rows)
    bias, spread = float(resid.mean()), max(float(resid.std()), 1.0)
    design = _anchor_design(rows, bias, spread)
    out = []
    for ridge in ridges:
        theta, evidence = fit_conditional_logit(*design, ridge=ridge)
        params: Params = {f"w_{name}": float(v) for name, v in zip(anchor_engine.FEATURES, theta[:-1], strict=True)}
        params.update(elsewhere=float(theta[-1]), bias=bias, spread=spread)
        out.append((params, evidence))
    return out


def covered(dists: Sequence[Distribution], y: FloatArray, level: float) -> float:
    """Share of the outcomes ``y`` inside their distribution's central ``level`` interval."""
    return coverage(y, *central_interval(dists, level))


def calibrated_level(dists: Sequence[Distribution], y: FloatArray, target: float = TARGET_COVERAGE) -> float:
    """The smallest nominal central level whose intervals hold at least ``target`` of the outcomes.

    Point masses make a discrete distribution's central intervals cover more
    than their nominal level; this finds the level that covers ``target``.
    """
    return next((level for level in INTERVAL_LEVELS if covered(dists, y, level) >= target), INTERVAL_LEVELS[-1])


def fit_anchor(rows: Sequence[IssueRow]) -> Params:
    """Penalised (MAP) coefficients, the ridge chosen by its evidence and the interval level out of fold.

    The ridge of :data:`ANCHOR_RIDGES` with the highest Laplace evidence on
    ``rows`` (:func:`fit_conditional_logit`; the first on ties) gives the fit;
    where no ridge has a finite evidence, the largest (the most cautious fit).
    Choosing by the evidence uses all of ``rows`` at once, not splits of them,
    so it is steadier than inner cross-validation on a small file. The
    interval level is calibrated on out-of-fold distributions at that ridge:
    three folds by proposal inside ``rows`` (never issues outside it).
    """
    fits = _fit_anchor_coefficients(rows, ANCHOR_RIDGES)
    evidences = np.array([evidence for _, evidence in fits])
    finite = np.isfinite(evidences)
    best = int(np.argmax(np.where(finite, evidences, -np.inf))) if finite.any() else len(ANCHOR_RIDGES) - 1
    params, ridge = fits[best][0], ANCHOR_RIDGES[best]
    params["ridge"], params["level"] = ridge, TARGET_COVERAGE
    if len({r.proposal for r in rows}) > 1:  # one proposal leaves no training fold to calibrate on
        at_ridge = Learner("anchor", lambda train: _fit_anchor_coefficients(train, (ridge,))[0][0], predict_anchor)
        held_out = cross_validate(at_ridge, rows, CALIBRATION_FOLDS, seed=0).distributions
        assert held_out is not None
        params["level"] = float(calibrated_level(held_out, _outcomes(rows)))
    return params


def predict_anchor(rows: Sequence[IssueRow], params: Mapping[str, Any]) -> Prediction:
    """Median, calibrated central interval and distribution of each issue."""
    dists = [anchor_engine.anchor_distribution(np.array(r.positions), np.array(r.weights), r.status_quo,
                                               r.forecasts["compromise"], params) for r in rows]
    return from_distributions(dists, float(params.get("level", TARGET_COVERAGE)))


register_learner(Learner(
    name="anchor",
    fit=fit_anchor, predict=predict_anchor,
    defaults=lambda: {**anchor_engine.DEFAULTS, "level": anchor_engine.INTERVAL_LEVEL},
))


# -- conformal: the compromise model with split-conformal residuals ------------------------------
def fit_conformal(rows: Sequence[IssueRow]) -> Params:
    """The training residuals (outcome - compromise), sorted: the whole fitted model."""
    return {"residuals": sorted(float(v) for v in _outcomes(rows) - _compromise(rows))}


def conformal_interval(residuals: FloatArray, level: float = 0.8) -> tuple[float, float]:
    """Split-conformal bounds on the residual: ranks floor((n+1) a/2) and ceil((n+1)(1 - a/2)), a = 1 - level."""
    r = np.sort(residuals)
    n = r.size
    alpha = 1.0 - level
    lo_rank = int(np.floor((n + 1) * alpha / 2.0 + 1e-9))  # the tolerance keeps 10 x 0.1 at 1
    hi_rank = int(np.ceil((n + 1) * (1.0 - alpha / 2.0) - 1e-9))
    low = -np.inf if lo_rank < 1 else float(r[lo_rank - 1])
    high = np.inf if hi_rank > n else float(r[hi_rank - 1])
    return low, high


def predict_conformal(rows: Sequence[IssueRow], params: Mapping[str, Any]) -> Prediction:
    """Point = the compromise; interval and distribution = compromise + training residuals, clipped to 0-100."""
    resid = np.array(params["residuals"], dtype=float)
    comp = _compromise(rows)
    lo_r, hi_r = conformal_interval(resid)
    dists = [(np.sort(np.clip(c + resid, 0.0, 100.0)), np.full(resid.size, 1.0 / resid.size)) for c in comp]
    return Prediction(point=comp, low=np.clip(comp + lo_r, 0.0, 100.0), high=np.clip(comp + hi_r, 0.0, 100.0),
                      distributions=dists)


register_learner(Learner(
    name="conformal",
    fit=fit_conformal, predict=predict_conformal,
))


# -- blend: a learned mix of compromise, median and status quo -------------------------------------
BLEND_STEP = 0.05


def _simplex(step: float = BLEND_STEP) -> FloatArray:
    """(compromise, median, status quo) weights on the simplex, the status quo taking the rest."""
    ticks = np.round(np.arange(0.0, 1.0 + step / 2, step), 10)
    return np.array([(c, m, 1.0 - (c + m)) for c, m in product(ticks, ticks) if c + m <= 1.0 + 1e-9])


def _blend_parts(rows: Sequence[IssueRow]) -> FloatArray:
    """(issues, 3): compromise, median, status quo (compromise where there is none)."""
    comp = _compromise(rows)
    med = np.array([r.forecasts["median"] for r in rows])
    sq = np.array([r.status_quo for r in rows])
    return np.stack([comp, med, np.where(np.isnan(sq), comp, sq)], axis=1)


def blend_points(rows: Sequence[IssueRow], params: Mapping[str, Any]) -> FloatArray:
    """The blend's point forecasts for ``rows`` with the given weights (the engine's formula)."""
    comp, med, sq = _blend_parts(rows).T
    return mix(comp, med, sq, np.array([r.binary for r in rows]), params)


def fit_blend(rows: Sequence[IssueRow]) -> Params:
    """Weights minimising mean absolute error per issue type (grid), and the training residuals per type."""
    grid = _simplex()
    out: Params = {}
    for kind in ("binary", "graded"):
        subset = [r for r in rows if r.binary == (kind == "binary")]
        if not subset:
            out[f"{kind}_compromise"], out[f"{kind}_median"] = 1.0, 0.0
            continue
        scores = np.mean(np.abs(_blend_parts(subset) @ grid.T - _outcomes(subset)[:, None]), axis=0)
        best = int(np.argmin(scores))  # first minimum in grid order: deterministic
        out[f"{kind}_compromise"], out[f"{kind}_median"] = float(grid[best, 0]), float(grid[best, 1])
    resid = [float(e) for e in _outcomes(rows) - blend_points(rows, out)]
    for kind in ("binary", "graded"):  # a type without training rows takes every residual
        out[f"{kind}_residuals"] = [e for e, r in zip(resid, rows, strict=True) if r.binary == (kind == "binary")] or resid
    return out


def predict_blend(rows: Sequence[IssueRow], params: Mapping[str, Any]) -> Prediction:
    """Blend points; 10-90% quantiles of the same type's training residuals; distribution = point + residuals."""
    point = blend_points(rows, params)
    resids = [np.sort(np.array(params["binary_residuals" if r.binary else "graded_residuals"] or [0.0]))
              for r in rows]  # sorted, so each distribution (point + residuals, clipped) is too
    lo_q, hi_q = np.array([np.quantile(e, [0.10, 0.90]) for e in resids]).T  # 10% and 90% per issue
    low, high = np.clip(point + lo_q, 0.0, 100.0), np.clip(point + hi_q, 0.0, 100.0)
    dists = [(np.clip(p + e, 0.0, 100.0), np.full(e.size, 1.0 / e.size)) for p, e in zip(point, resids, strict=True)]
    return Prediction(point=point, low=low, high=high, distributions=dists)


register_learner(Learner(
    name="blend",
    fit=fit_blend, predict=predict_blend, needs=("compromise", "median"),
))


# -- focal: a distribution over held positions ------------------------------------------------------
FOCAL_GRID = tuple((a, t, b) for a in (0.0, 0.5, 1.0, 2.0) for t in (5.0, 10.0, 20.0, 40.0, 80.0, 160.0)
                   for b in (0.0, 0.1, 0.25, 0.5, 1.0))


def _padded_focal(rows: Sequence[IssueRow]) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Distinct held positions and their weight shares (padded with share 0), distances from the compromise,
    compromise."""
    uniq = [np.unique(np.array(r.positions), return_inverse=True) for r in rows]
    width = max(v.size for v, _ in uniq)
    values = np.zeros((len(rows), width))
    share = np.zeros((len(rows), width))
    comp = _compromise(rows)
    for i, (r, (v, inv)) in enumerate(zip(rows, uniq, strict=True)):
        mass = np.bincount(inv, weights=np.array(r.weights), minlength=v.size)
        values[i, :v.size] = v
        share[i, :v.size] = mass / mass.sum() if mass.sum() > 0 else 1.0 / v.size
    return values, share, np.abs(values - comp[:, None]), comp


def fit_focal(rows: Sequence[IssueRow]) -> Params:
    """(alpha, tau, beta) minimising the mean absolute error of the focal median (grid, vectorised)."""
    values, share, dist, comp = _padded_focal(rows)
    y = _outcomes(rows)
    cand = np.concatenate([values, comp[:, None]], axis=1)
    order = np.argsort(cand, axis=1, kind="stable")
    sorted_cand = np.take_along_axis(cand, order, axis=1)
    best, best_score = FOCAL_GRID[0], np.inf
    for alpha, tau, beta in FOCAL_GRID:  # first minimum in grid order: deterministic
        prior = np.where(share > 0, share ** alpha, 0.0)  # padding and weightless positions get none
        prob = np.concatenate([prior * np.exp(-dist / max(tau, 1e-9)), np.full((len(rows), 1), beta)], axis=1)
        empty = prob.sum(axis=1) <= 0
        prob[empty, :-1], prob[empty, -1] = 0.0, 1.0
        prob = np.take_along_axis(prob / prob.sum(axis=1, keepdims=True), order, axis=1)
        at = np.minimum(np.argmax(np.cumsum(prob, axis=1) >= 0.5 - 1e-12, axis=1), cand.shape[1] - 1)
        value = float(np.mean(np.abs(sorted_cand[np.arange(len(rows)), at] - y)))
        if value < best_score - 1e-12:
            best, best_score = (alpha, tau, beta), value
    return dict(zip(("alpha", "tau", "beta"), best, strict=True))


def predict_focal(rows: Sequence[IssueRow], params: Mapping[str, Any]) -> Prediction:
    """Focal medians, 10-90% quantiles and distributions."""
    return from_distributions([focal_distribution(np.array(r.positions), np.array(r.weights), r.forecasts["compromise"],
                                                  alpha=float(params["alpha"]), tau=float(params["tau"]),
                                                  beta=float(params["beta"])) for r in rows])


register_learner(Learner(
    name="focal",
    fit=fit_focal, predict=predict_focal, defaults=lambda: dict(FOCAL_DEFAULTS),
))
