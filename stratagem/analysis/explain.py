"""Explanations: who moves and why, which actors are pivotal, and whom to persuade.

- ``local_sensitivities``: how far each issue's forecast moves per unit change of
  one actor's position, salience or capability (central finite differences).
- ``variance_indices``: first-order variance-based sensitivity of each forecast to
  each uncertain input, estimated from ensemble draws by binning (correlation ratio).
- ``whom_to_persuade``: for each actor, the smallest change of its position that
  moves an issue's forecast into another band between the issue's anchors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from stratagem.analysis.ensemble import in_bands, sample_inputs
from stratagem.engines.base import FloatArray
from stratagem.engines.registry import get_engine
from stratagem.model.arrays import ScenarioArrays, to_arrays
from stratagem.model.limits import check_batch, check_seed
from stratagem.model.schema import Issue, Scenario


def evaluate(arrays: ScenarioArrays, engine: str, X: FloatArray, S: FloatArray, C: FloatArray,
             params: Mapping[str, Any] | None, rounds: int | None = None, seed: int = 0,
             rng: np.random.Generator | None = None) -> FloatArray:
    """Final forecasts (B, m) for a batch of inputs, in the engine's batched form (``rng`` wins over ``seed``);
    ``params`` as the caller gave them (the engine resolves them: defaults, parsing, unknown names)."""
    return get_engine(engine).batch(X, S, C, arrays.Q, arrays.mask, rounds=rounds, scale=arrays.scale,
                                    rng=rng if rng is not None else np.random.default_rng(seed), **(params or {}))


#: Draws of the variance indices run per batch: progress is reported after each, and a stochastic
#: engine's chunk k draws from its own seed (the answer does not depend on the number of workers).
EXPLAIN_CHUNK = 1000


@dataclass(frozen=True)
class Sensitivity:
    actor: str
    issue: str
    position: float  # forecast points per position point
    salience: float  # forecast points per salience point (0-100 scale)
    capability: float  # forecast points per 10% more capability
    # the forecast jumps or kinks here (its one-sided differences disagree), so the central
    # difference above is no slope: the forecast is piecewise constant or switches cycle phase
    discontinuous: bool = False


def local_sensitivities(scenario: Scenario, engine: str, params: Mapping[str, Any] | None = None,
                        rounds: int | None = None, seed: int = 0) -> list[Sensitivity]:
    """Central differences around the point inputs, one batched call for all actors.

    A difference across a discontinuity (a jump, a kink or a switch between the phases
    of a cycle) is flagged ``discontinuous``: the two one-sided differences disagree by
    more than half the larger, which no smooth response does at these step sizes.
    """
    a = to_arrays(scenario)
    n, m = a.n_actors, a.n_issues
    h_pos, h_sal, f_cap = 1.0, 0.05, 1.1
    # row 0 the point inputs; then per actor: position up, down, salience up, down, capability up, down
    X, S, C = (np.repeat(v[None], 1 + 6 * n, axis=0) for v in (a.X, a.S, a.C))
    for i in range(n):
        for j, sign in enumerate((1.0, -1.0)):
            X[1 + 6 * i + j, i] = np.clip(a.X[i] + sign * h_pos, a.scale[:, 0], a.scale[:, 1])
            S[3 + 6 * i + j, i] = np.where(a.mask[i], np.clip(a.S[i] + sign * h_sal, 0.0, 1.0), 0.0)
        C[5 + 6 * i, i] *= f_cap
        C[6 + 6 * i, i] *= 1.0 / f_cap
    values = evaluate(a, engine, X, S, C, params, rounds, seed)
    base, values = values[0], values[1:].reshape(n, 3, 2, m)
    up, down = values[:, :, 0, :] - base, base - values[:, :, 1, :]  # (n, 3, m) one-sided changes
    kinked = np.abs(up - down) > 0.5 * np.maximum(np.abs(up), np.abs(down)) + 1e-9
    # central differences per position point, salience point (0-100) and 10% of capability
    slopes = (values[:, :, 0, :] - values[:, :, 1, :]) / np.array([2 * h_pos, 2 * h_sal * 100, 2])[:, None]
    out = []
    for i, actor in enumerate(a.actor_ids):
        for k, issue in enumerate(a.issue_ids):
            if a.mask[i, k]:
                d_pos, d_sal, d_cap = (float(d) for d in slopes[i, :, k])
                out.append(Sensitivity(actor, issue, d_pos, d_sal, d_cap, bool(kinked[i, :, k].any())))
    return out


@dataclass(frozen=True)
class VarianceIndex:
    issue: str
    input: str  # "<actor>.position", "<actor>.salience" or "<actor>.capability"
    first_order: float


def _correlation_ratio(x: FloatArray, y: FloatArray, bins: int = 20) -> float:
    var = float(y.var())
    if var <= 0 or np.ptp(x) <= 0:
        return 0.0
    edges = np.quantile(x, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, bins - 1)
    counts = np.bincount(which, minlength=bins)
    sums = np.bincount(which, weights=y, minlength=bins)
    used = counts > 0
    means = sums[used] / counts[used]
    between = float(np.sum(counts[used] * (means - y.mean()) ** 2) / len(y))
    return max(0.0, min(1.0, between / var))


def variance_indices(scenario: Scenario, engine: str, *, draws: int = 2000, seed: int = 0,
                     params: Mapping[str, Any] | None = None, rounds: int | None = None,
                     top: int = 5, progress: Callable[[int, int], None] | None = None) -> list[VarianceIndex]:
    """The inputs that explain most of each forecast's variance over the scenario's ranges.

    The draws run in chunks of :data:`EXPLAIN_CHUNK`, with ``progress(done, draws)`` after each.
    """
    a = to_arrays(scenario)
    check_batch(draws, a.n_actors, a.n_issues, what="the variance indices")  # before the draws are allocated
    check_seed(seed, "seed")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(99,)))
    X, S, C = sample_inputs(a, draws, rng, scenario.uncertainty)
    chunks: list[FloatArray] = []
    for k, start in enumerate(range(0, draws, EXPLAIN_CHUNK)):
        end = min(start + EXPLAIN_CHUNK, draws)
        chunk_rng = np.random.default_rng(seed if k == 0 else np.random.SeedSequence(seed, spawn_key=(99, k)))
        chunks.append(evaluate(a, engine, X[start:end], S[start:end], C[start:end], params, rounds,
                               rng=chunk_rng))
        if progress is not None:
            progress(end, draws)
    values = np.concatenate(chunks) if chunks else np.zeros((0, a.n_issues))
    out: list[VarianceIndex] = []
    for k, issue in enumerate(a.issue_ids):
        scores = []
        for i, actor in enumerate(a.actor_ids):
            if a.mask[i, k]:
                scores.append((f"{actor}.position", _correlation_ratio(X[:, i, k], values[:, k])))
                scores.append((f"{actor}.salience", _correlation_ratio(S[:, i, k], values[:, k])))
            scores.append((f"{actor}.capability", _correlation_ratio(C[:, i], values[:, k])))
        scores.sort(key=lambda t: (-t[1], t[0]))
        out.extend(VarianceIndex(issue, name, score) for name, score in scores[:top] if score > 0)
    return out


@dataclass(frozen=True)
class Persuasion:
    issue: str
    actor: str
    from_position: float
    to_position: float
    forecast_before: float
    forecast_after: float
    band_before: str
    band_after: str


def _band(issue: Issue, value: float) -> str:
    return next((label for label, inside in in_bands(issue, np.array([value])) if inside[0]), "outside the anchors")


def whom_to_persuade(scenario: Scenario, engine: str, params: Mapping[str, Any] | None = None,
                     rounds: int | None = None, step: float = 1.0, seed: int = 0) -> list[Persuasion]:
    """Per issue, each actor's smallest position change that moves the forecast to another band,
    sorted by the size of the change (the easiest persuasion first)."""
    a = to_arrays(scenario)
    base = evaluate(a, engine, a.X[None], a.S[None], a.C[None], params, rounds, seed)[0]
    out: list[Persuasion] = []
    for k, issue in enumerate(scenario.issues):
        if len(issue.anchors) < 2:
            continue
        grid = np.arange(issue.scale_min, issue.scale_max + step / 2, step)
        before = _band(issue, float(base[k]))
        for i, actor in enumerate(a.actor_ids):
            if not a.mask[i, k]:
                continue
            X = np.repeat(a.X[None], len(grid), axis=0)
            X[:, i, k] = grid
            vals = evaluate(a, engine, X, np.repeat(a.S[None], len(grid), 0), np.repeat(a.C[None], len(grid), 0),
                            params, rounds, seed)[:, k]
            bands = [_band(issue, float(v)) for v in vals]
            moved = [g for g, b in enumerate(bands) if b != before]
            if not moved:
                continue
            g = min(moved, key=lambda g: (abs(grid[g] - a.X[i, k]), grid[g]))
            out.append(Persuasion(issue.id, actor, float(a.X[i, k]), float(grid[g]), float(base[k]),
                                  float(vals[g]), before, bands[g]))
    out.sort(key=lambda r: (r.issue, abs(r.to_position - r.from_position), r.actor))
    return out


