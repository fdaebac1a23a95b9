"""Forecast scores: absolute and squared error, hit rate, interval coverage, CRPS, bootstrap intervals.

Pure functions of arrays, so backtests, calibration reports and tests share one
definition of each score.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stratagem.engines.base import FloatArray


def mae(errors: FloatArray) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(errors)))


def rmse(errors: FloatArray) -> float:
    """Root mean squared error."""
    return float(np.sqrt(np.mean(np.square(errors))))


def hit_rate(errors: FloatArray, tolerance: float = 10.0) -> float:
    """Share of forecasts within ``tolerance`` of the outcome."""
    return float(np.mean(np.abs(errors) <= tolerance))


def coverage(outcomes: FloatArray, low: FloatArray, high: FloatArray) -> float:
    """Share of outcomes inside their [low, high] interval."""
    return float(np.mean((outcomes >= low) & (outcomes <= high)))


def crps_discrete(values: FloatArray, prob: FloatArray, outcome: float) -> float:
    """CRPS of a discrete distribution (``values`` with probabilities ``prob``) against one outcome.

    CRPS = sum_j p_j |x_j - y| - 1/2 sum_ij p_i p_j |x_i - x_j|.
    """
    first = float(np.sum(prob * np.abs(values - outcome)))
    spread = float(prob @ np.abs(values[:, None] - values[None, :]) @ prob)
    return first - spread / 2.0


RESAMPLES = 2000  # resamples of every bootstrap here
TAIL = (1.0 - 0.95) / 2.0  # each tail of their 95% percentile interval


def group_bootstrap_ci(values: FloatArray, groups: Sequence[str], *, seed: int = 0) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean of ``values``, resampling whole groups (e.g. proposals).

    Issues of one proposal are not independent, so each resample draws groups with
    replacement and takes the mean over all their issues.
    """
    names = sorted(set(groups))
    index = {g: i for i, g in enumerate(names)}
    gid = np.array([index[g] for g in groups])
    sums = np.bincount(gid, weights=np.asarray(values, dtype=float), minlength=len(names))
    counts = np.bincount(gid, minlength=len(names)).astype(float)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(names), size=(RESAMPLES, len(names)))
    stats = sums[picks].sum(axis=1) / counts[picks].sum(axis=1)
    low, high = np.quantile(stats, [TAIL, 1.0 - TAIL])
    return float(low), float(high)


def paired_bootstrap(loss: FloatArray, baseline: FloatArray, groups: Sequence[str], *, seed: int = 0
                     ) -> tuple[float, float, float]:
    """Mean of ``loss - baseline`` and its 95% percentile bootstrap interval, resampling whole groups.

    Both losses are of the same issues, so the difference is paired: each
    resample draws groups (e.g. proposals) with replacement and takes the mean
    difference over their issues. An interval below 0 says the forecaster's loss
    is lower than the baseline's beyond resampling noise.
    """
    diff = np.asarray(loss, dtype=float) - np.asarray(baseline, dtype=float)
    low, high = group_bootstrap_ci(diff, groups, seed=seed)
    return float(diff.mean()), low, high
