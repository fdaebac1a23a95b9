"""``focal``: a forecast distribution over the positions actors hold, centred on the compromise.

Negotiated outcomes often land exactly on a position some actor holds (the
Commission's proposal, a large state's line, one side of a yes/no question)
rather than at the weighted mean between them. ``focal`` turns that into a
distribution: each distinct held position is a candidate with probability
proportional to (its share of capability x salience)^alpha x
exp(-|position - compromise| / tau), and the compromise forecast itself is a
candidate with weight beta. The point forecast is the distribution's median (the
forecast that minimises expected absolute error); its quantiles give intervals.
alpha, tau (in position units of a 0-100 scale) and beta were fitted on the DEU
development file; ``stratagem backtest`` refits them on training folds only
(docs/backtest.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from stratagem.engines.base import BoolArray, FloatArray, option, weights
from stratagem.engines.closed_form import compromise_forecast


@dataclass(frozen=True)
class FocalOptions:
    """Fitted on data/deu/deu_dev.csv (212 scored issues): `stratagem backtest deu --json` prints them as "fitted"."""

    alpha: float = option(0.0, "how much a position's capability x salience share raises its probability "
                          "(0 = not at all)", minimum=0.0, maximum=10.0)
    tau: float = option(40.0, "distance from the compromise (0-100 scale) over which a position's probability "
                        "falls by a factor e", minimum=1e-6)
    beta: float = option(0.5, "weight of the compromise forecast itself as a candidate", minimum=0.0)


DEFAULTS: dict[str, float] = dataclasses.asdict(FocalOptions())  # the defaults, for the learners' fits


def focal_distribution(positions: FloatArray, weight: FloatArray, compromise: float, *, alpha: float,
                       tau: float, beta: float) -> tuple[FloatArray, FloatArray]:
    """Candidates (sorted) and probabilities for one issue from its taking-part actors."""
    values, inverse = np.unique(positions, return_inverse=True)
    mass = np.bincount(inverse, weights=weight, minlength=values.size)
    mass = mass / mass.sum() if mass.sum() > 0 else np.full(values.size, 1.0 / values.size)
    with np.errstate(divide="ignore"):
        prior = np.where(mass > 0, mass ** alpha, 0.0)
    prob = prior * np.exp(-np.abs(values - compromise) / max(tau, 1e-9))
    candidates = np.append(values, compromise)
    prob = np.append(prob, beta)
    if prob.sum() <= 0:
        prob = np.append(np.zeros(values.size), 1.0)
    order = np.argsort(candidates, kind="stable")
    return candidates[order], prob[order] / prob.sum()


def distribution_quantile(candidates: FloatArray, prob: FloatArray, level: float) -> float:
    """The smallest candidate whose cumulative probability reaches ``level``."""
    cum = np.cumsum(prob)
    return float(candidates[min(int(np.searchsorted(cum, level - 1e-12)), candidates.size - 1)])


IssueDistribution = Callable[[FloatArray, FloatArray, float, float], tuple[FloatArray, FloatArray]]


def median_per_issue(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
                     distribution: IssueDistribution) -> FloatArray:
    """Per issue (and draw: leading batch axes are looped) the median of ``distribution(positions,
    weights, status quo, compromise)`` over its stances; the compromise where no actor takes part. ``mask`` has
    X's shape, as EngineSpec passes it."""
    W = weights(S, C, mask)
    comp = compromise_forecast(X, S, C, mask)
    Qb = np.broadcast_to(Q, comp.shape)
    out = comp.copy()
    for idx in np.ndindex(comp.shape):
        col = (*idx[:-1], slice(None), idx[-1])  # the issue's actors
        m = mask[col]
        if m.any():
            support, prob = distribution(X[col][m], W[col][m], float(Qb[idx]), float(comp[idx]))
            out[idx] = distribution_quantile(support, prob, 0.5)
    return out


def focal_forecast(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
                   opts: FocalOptions) -> FloatArray:
    """Median of the focal distribution per issue; accepts leading batch axes (looped)."""
    return median_per_issue(X, S, C, Q, mask, lambda x, w, q, c: focal_distribution(
        x, w, c, alpha=opts.alpha, tau=opts.tau, beta=opts.beta))
