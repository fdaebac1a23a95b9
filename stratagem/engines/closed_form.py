"""The one-shot engines: compromise (weighted mean), median voter and Nash bargaining.

Each accepts arrays with any leading batch axes (draws), so an ensemble of
thousands of input draws is one vectorised call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stratagem.engines.base import (
    BoolArray,
    FloatArray,
    NoOptions,
    option,
    weighted_mean,
    weighted_median,
    weights,
)


def compromise_forecast(X: FloatArray, S: FloatArray, C: FloatArray, mask: BoolArray) -> FloatArray:
    """Capability x salience weighted mean per issue (Thomson et al.'s compromise model)."""
    return weighted_mean(X, weights(S, C, mask), mask)


def median_forecast(X: FloatArray, S: FloatArray, C: FloatArray, mask: BoolArray) -> FloatArray:
    """Capability x salience weighted median per issue: the median voter on a line."""
    return weighted_median(X, weights(S, C, mask), mask)


@dataclass(frozen=True)
class NashOptions:
    breakdown_cost: float = option(0.25, "cost to every actor of no agreement, in squared position spreads "
                                   "(0 = pure status quo veto)", minimum=0.0)


def nash_forecast(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
                  opts: NashOptions | None = None) -> FloatArray:
    """Asymmetric Nash bargaining solution with the status quo as disagreement point.

    Actor i's utility is quadratic, u_i(y) = -((y - x_i)/R)^2 with R the spread of
    positions, and its bargaining weight is c_i s_i. The solution maximises
    sum_i w_i log(g_i(y)) with gain g_i(y) = u_i(y) - u_i(q) + b, where b is the
    cost every actor bears if talks break down (``opts.breakdown_cost``). With b = 0
    the status quo itself is the answer whenever it is Pareto-efficient; as b
    grows the solution tends to the compromise model (Achen 2006). The objective
    is concave, so bisection on its derivative finds the unique maximum. Issues
    without a status quo use the weighted mean as disagreement point.
    """
    breakdown_cost = (opts or NashOptions()).breakdown_cost
    W = weights(S, C, mask)
    mean = weighted_mean(X, W, mask)
    q = np.broadcast_to(np.where(np.isnan(Q), mean, Q), mean.shape)
    big = np.where(mask, X, np.nan)
    lo_pos = np.nanmin(big, axis=-2)
    hi_pos = np.nanmax(big, axis=-2)
    spread = np.maximum(np.maximum(hi_pos, q) - np.minimum(lo_pos, q), 1e-12)
    xs = X / spread[..., None, :]
    qs = (q / spread)[..., None, :]

    def slope(y: FloatArray) -> FloatArray:
        """The objective's derivative at y; each actor's gain is (q - x)^2 - (y - x)^2 + b (scaled)."""
        ys = (y / spread)[..., None, :]
        g = (qs - xs) ** 2 - (ys - xs) ** 2 + breakdown_cost
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(W > 0, W * (-2.0 * (ys - xs)) / g, 0.0)
        return terms.sum(axis=-2)

    lo = np.minimum(lo_pos, q).astype(float)
    hi = np.maximum(hi_pos, q).astype(float)
    # Restrict to where every weighted actor's gain is positive: an interval
    # around each actor's ideal point, intersected.
    radius_sq = ((q[..., None, :] - X) / spread[..., None, :]) ** 2 + breakdown_cost
    radius = np.sqrt(np.maximum(radius_sq, 0.0)) * spread[..., None, :]
    active = W > 0
    feas_lo = np.max(np.where(active, X - radius, -np.inf), axis=-2)
    feas_hi = np.min(np.where(active, X + radius, np.inf), axis=-2)
    a = np.maximum(lo, feas_lo)
    b = np.minimum(hi, feas_hi)
    empty = ~(a < b)  # no point gives every weighted actor a gain: the disagreement point (the bisection is moot)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(80):  # halvings of the bracket: far below any position's precision
            mid = (a + b) / 2.0
            s = slope(mid)
            a = np.where(s > 0, mid, a)
            b = np.where(s > 0, b, mid)
    return np.where(empty, q, (a + b) / 2.0)


def compromise(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray, opts: NoOptions
               ) -> FloatArray:
    return compromise_forecast(X, S, C, mask)


def median(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray, opts: NoOptions
           ) -> FloatArray:
    return median_forecast(X, S, C, mask)
