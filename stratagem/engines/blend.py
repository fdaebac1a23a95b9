"""``blend``: a learned convex combination of the compromise model, the median voter and the status quo.

Bargaining-model research on EU legislation finds the capability x salience
weighted mean (the compromise model) hard to beat, yet it has a blind spot: on a
yes/no question it forecasts the middle, where the outcome almost never lands.
``blend`` therefore weighs three simple forecasts differently on *binary* issues
(the stances' positions and the status quo take at most two distinct values)
and on *graded* ones. Its default weights were fitted on the DEU development
file under the conventions of docs/backtest.md; ``stratagem backtest`` refits
them on training folds only, so its reported scores never saw the issues they
score. Where an issue has no status quo, the compromise forecast stands in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from stratagem.engines.base import BoolArray, FloatArray, option
from stratagem.engines.closed_form import compromise_forecast, median_forecast
from stratagem.model.errors import EngineError

TOLERANCE = 1e-9


def _weight(default: float, forecast: str, kind: str) -> Any:
    return option(default, f"weight of the {forecast} forecast on {kind} issues (the status quo gets "
                  "1 - compromise - median)", minimum=0.0, maximum=1.0)


@dataclass(frozen=True)
class BlendOptions:
    """Fitted on data/deu/deu_dev.csv (212 scored issues): `stratagem backtest deu --json` prints them as "fitted"."""

    binary_compromise: float = _weight(0.7, "compromise", "binary")
    binary_median: float = _weight(0.3, "median", "binary")
    graded_compromise: float = _weight(1.0, "compromise", "graded")
    graded_median: float = _weight(0.0, "median", "graded")


def binary_issues(X: FloatArray, Q: FloatArray, mask: BoolArray) -> BoolArray:
    """Per issue (with any leading batch axes): do positions and status quo take at most two values?"""
    lo = np.where(mask, X, np.inf).min(axis=-2)
    hi = np.where(mask, X, -np.inf).max(axis=-2)
    near = TOLERANCE * np.maximum(hi - lo, 1.0)
    lo_, hi_, near_ = lo[..., None, :], hi[..., None, :], near[..., None, :]
    positions_binary = np.all((np.minimum(np.abs(X - lo_), np.abs(X - hi_)) <= near_) | ~mask, axis=-2)
    q = np.broadcast_to(Q, lo.shape)
    return positions_binary & (np.isnan(q) | (np.minimum(np.abs(q - lo), np.abs(q - hi)) <= near))


def _check(compromise: float, median: float, kind: str) -> None:
    if compromise < 0 or median < 0 or compromise + median > 1 + TOLERANCE:
        raise EngineError(f"blend: {kind} weights must be >= 0 with compromise + median <= 1 "
                          f"(the status quo gets the rest); got {compromise:g} and {median:g}")


def blend_forecast(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
                   opts: BlendOptions) -> FloatArray:
    """The blended forecast per issue; accepts leading batch axes like the other closed forms."""
    _check(opts.binary_compromise, opts.binary_median, "binary")
    _check(opts.graded_compromise, opts.graded_median, "graded")
    mean = compromise_forecast(X, S, C, mask)
    median = median_forecast(X, S, C, mask)
    return mix(mean, median, np.where(np.isnan(Q), mean, Q), binary_issues(X, Q, mask), vars(opts))


def mix(mean: FloatArray, median: FloatArray, status_quo: FloatArray, binary: BoolArray,
        weights: Mapping[str, float]) -> FloatArray:
    """The blend formula: each issue type's compromise and median weights, the status quo taking the rest
    (also the learned blend's, stratagem.analysis.learned)."""
    wc = np.where(binary, weights["binary_compromise"], weights["graded_compromise"])
    wm = np.where(binary, weights["binary_median"], weights["graded_median"])
    return wc * mean + wm * median + (1.0 - wc - wm) * status_quo
