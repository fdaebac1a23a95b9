"""``anchor``: a discrete-choice distribution over the points a negotiation can land on.

Recorded outcomes of real negotiations often sit exactly on an *anchor point*:
a position some actor holds (a proposal, a large party's line), the status quo,
or a round point of the scale (0, 50, 100). ``anchor`` turns that into a
predictive distribution with a conditional-logit (discrete choice) model:

* every distinct anchor point a of an issue gets the utility
  ``u(a) = w . f(a)`` from its features ``f`` (see :data:`FEATURES`): its
  distance from the compromise forecast c (the capability x salience weighted
  mean) on the 0-100 scale divided by 100, the share of capability x salience
  holding it, whether any actor holds it, whether it is the status quo, whether
  it is an end of the scale (0 or 100) or its middle (50); its distance from the
  capability x salience weighted median, whether the actor with the largest
  capability x salience holds it, the share of taking-part actors holding it,
  whether it lies between the compromise and the status quo, its distance from
  the status quo; and three shapes: the distance squared, the distance times
  the issue's polarisation (the weighted standard deviation of the positions
  about c, in tens of points) and the share times the issue's salience
  concentration (the sum of squared capability x salience shares);
* one more option, *elsewhere*, has the utility ``elsewhere``; when it is
  chosen the outcome is spread around the compromise like the compromise
  model's residuals: a logistic distribution with mean ``c + bias`` and
  standard deviation ``spread``, on whole points of the scale (the mass beyond
  0 or 100 piled on the end);
* the probabilities are the softmax of the utilities, so the predictive
  distribution is a mixture of point masses on the anchors and the elsewhere
  spread.

The point forecast is the distribution's median (the forecast that minimises
expected absolute error); its quantiles give intervals. The defaults below were
fitted by penalised maximum likelihood on the DEU development file, the ridge
penalty chosen by its Laplace evidence
(:func:`stratagem.analysis.learned.fit_anchor`); ``stratagem backtest`` refits
them on training folds only. Actors without a stance on an issue hold no anchor
there. The function is pure: arrays in, arrays out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from stratagem.engines.base import BoolArray, FloatArray, option, weighted_median
from stratagem.engines.focal import median_per_issue

FEATURES = ("distance", "share", "held", "status_quo", "endpoint", "midpoint", "median_distance", "largest",
            "count", "between", "status_quo_distance", "distance_squared", "distance_polarisation",
            "share_concentration")


def _w(default: float, feature: str) -> Any:
    return option(default, f"utility weight of: {feature}")


@dataclass(frozen=True)
class AnchorOptions:
    """Fitted on data/deu/deu_dev.csv (212 scored issues): `stratagem backtest deu --json` prints them as "fitted"."""

    w_distance: float = _w(-0.76, "distance from the compromise (0-100 scale, divided by 100)")
    w_share: float = _w(0.2, "share of capability x salience holding the point")
    w_held: float = _w(0.73, "1 when some actor holds the point")
    w_status_quo: float = _w(1.23, "1 when the point is the status quo")
    w_endpoint: float = _w(-0.96, "1 when the point is 0 or 100")
    w_midpoint: float = _w(-0.2, "1 when the point is 50")
    w_median_distance: float = _w(0.27, "distance from the capability x salience weighted median (divided by 100)")
    w_largest: float = _w(0.56, "1 when the actor with the largest capability x salience holds the point")
    w_count: float = _w(0.27, "share of the taking-part actors holding the point")
    w_between: float = _w(-0.82, "1 when the point lies between the compromise and the status quo")
    w_status_quo_distance: float = _w(-0.34, "distance from the status quo (divided by 100; 0 without one)")
    w_distance_squared: float = _w(-0.28, "distance from the compromise, squared")
    w_distance_polarisation: float = _w(-0.29, "distance times the positions' weighted sd about the compromise "
                                        "(in tens of points)")
    w_share_concentration: float = _w(0.08, "share times the salience concentration (sum of squared weight shares)")
    elsewhere: float = option(0.56, "utility of the elsewhere option")
    bias: float = option(-1.59, "mean of the elsewhere spread relative to the compromise")
    spread: float = option(29.6, "standard deviation of the elsewhere spread", minimum=1e-6)


DEFAULTS: dict[str, float] = dataclasses.asdict(AnchorOptions())
# The nominal central level whose intervals held 80% of the development file's outcomes out of fold: the
# point masses make nominal 80% intervals of this distribution cover more than 80%.
INTERVAL_LEVEL = 0.64
ROUND_POINTS = (0.0, 50.0, 100.0)
GRID = np.arange(101.0)  # the elsewhere option's support: whole points of the scale
MATCH = 0.5  # an outcome within half a point of an anchor lands on it (outcomes are recorded in whole points)
LOGISTIC_SCALE = np.sqrt(3.0) / np.pi  # logistic scale per unit of standard deviation


def coefficients(params: Mapping[str, float]) -> FloatArray:
    """The anchor-feature weights in :data:`FEATURES` order."""
    return np.array([float(params[f"w_{name}"]) for name in FEATURES])


def anchor_points(
    positions: FloatArray, weight: FloatArray, status_quo: float, compromise: float
) -> tuple[FloatArray, FloatArray]:
    """An issue's distinct anchor points (sorted) and their features (points x :data:`FEATURES`)."""
    has_sq = not np.isnan(status_quo)
    values = np.unique(np.concatenate([positions, ROUND_POINTS, [status_quo] if has_sq else []]))
    holds = np.abs(positions[None, :] - values[:, None]) <= 1e-9
    total = float(weight.sum())
    shares = weight / total if total > 0 else np.full(positions.size, 1.0 / positions.size)
    share = (holds * shares[None, :]).sum(axis=1)
    median = float(weighted_median(positions[:, None], shares[:, None], np.ones((positions.size, 1), bool))[0])
    largest = np.abs(shares - shares.max()) <= 1e-12
    distance = np.abs(values - compromise) / 100.0
    polarisation = float(np.sqrt(shares @ (positions - compromise) ** 2)) / 10.0
    low, high = np.minimum(compromise, status_quo), np.maximum(compromise, status_quo)  # NaN without a status quo
    between = ((values >= low - 1e-9) & (values <= high + 1e-9)).astype(float)  # so then nothing is between
    sq_distance = np.nan_to_num(np.abs(values - status_quo) / 100.0)  # and the distance is 0
    features = np.column_stack([
        distance,
        share,
        holds.any(axis=1).astype(float),
        (np.abs(values - status_quo) <= 1e-9).astype(float),  # all 0 without a status quo (NaN)
        np.isin(values, (0.0, 100.0)).astype(float),
        (values == 50.0).astype(float),
        np.abs(values - median) / 100.0,
        holds[:, largest].any(axis=1).astype(float),
        holds.mean(axis=1),
        between,
        sq_distance,
        distance**2,
        distance * polarisation,
        share * float(shares @ shares),
    ])
    return values, features


def elsewhere_mass(centre: float, spread: float) -> FloatArray:
    """Probabilities on :data:`GRID` of a logistic (mean ``centre``, sd ``spread``) rounded to whole points."""
    scale = max(spread, 1e-6) * LOGISTIC_SCALE
    edges = np.arange(0.5, 100.0, 1.0)
    with np.errstate(over="ignore"):  # far below the centre exp overflows to inf, and the cdf is exactly 0
        cdf = 1.0 / (1.0 + np.exp(-(edges - centre) / scale))
    result: FloatArray = np.diff(np.concatenate([[0.0], cdf, [1.0]]))
    return result


def anchor_distribution(
    positions: FloatArray, weight: FloatArray, status_quo: float, compromise: float, params: Mapping[str, float]
) -> tuple[FloatArray, FloatArray]:
    """The predictive distribution of one issue: support (sorted) and probabilities.

    The choice probabilities are the softmax over the anchors' utilities and the elsewhere option's (last).
    """
    values, features = anchor_points(positions, weight, status_quo, compromise)
    utility = np.append(features @ coefficients(params), float(params["elsewhere"]))
    choice = np.exp(utility - utility.max())
    choice = choice / choice.sum()
    spread = elsewhere_mass(compromise + float(params["bias"]), float(params["spread"]))
    support = np.concatenate([values, GRID])
    prob = np.concatenate([choice[:-1], float(choice[-1]) * spread])
    order = np.argsort(support, kind="stable")
    return support[order], prob[order]


def anchor_forecast(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
                    opts: AnchorOptions) -> FloatArray:
    """Median of the anchor distribution per issue; accepts leading batch axes (looped)."""
    chosen = dataclasses.asdict(opts)
    return median_per_issue(X, S, C, Q, mask, lambda x, w, q, c: anchor_distribution(x, w, q, c, chosen))
