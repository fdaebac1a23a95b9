"""Shocks during the bargaining: run r rounds, apply the shock to the state reached, go on.

A shock without a round (or with round 0) changes the inputs before the run, as
:func:`stratagem.model.shocks.apply_shock` does. A shock with ``round: r >= 1`` is an
event in the middle of an iterative engine's run (bdm, ktab, exchange): the engine
runs r rounds, the shock edits the positions reached by then (and saliences,
capabilities, actors), and the run continues from that state for the remaining
rounds (or under the engine's stopping rule). Engines without rounds have no
"middle": for them a timed shock is applied to the inputs. An engine's state is its
positions, and bdm is given the position range it started with, so a shock that
changes nothing leaves the trajectory exactly as it was (tests check this).

>>> from stratagem.model.builtin import load_builtin
>>> from stratagem.model.schema import Shock
>>> sc = load_builtin("ec-emissions-1994")
>>> shock = Shock.model_validate({"id": "late", "name": "Germany digs in", "round": 3,
...     "changes": [{"action": "set_salience", "actor": "germany", "issue": sc.issues[0].id, "value": 100}]})
>>> from stratagem.analysis.forecast import forecast
>>> forecast(sc, "bdm", rounds=10, shocks=[shock]).rounds
10
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from stratagem.engines.base import BoolArray, EngineSpec, FloatArray, Move, Trajectory
from stratagem.model.arrays import ScenarioArrays, to_arrays
from stratagem.model.schema import Scenario, Shock
from stratagem.model.shocks import apply_shock, is_timed, shock_arrays, with_timed_actors


@dataclass(frozen=True)
class Timeline:
    """A scenario ready for shocks during its run (plain data: it travels to workers).

    ``scenario`` has the shocks before the run applied and a row for every actor a
    timed shock adds; ``mask`` is the stance mask at the start (added actors absent);
    ``steps`` are the timed shocks in the order they happen.
    """

    scenario: Scenario
    arrays: ScenarioArrays
    mask: BoolArray
    steps: tuple[Shock, ...]


def prepare_timeline(scenario: Scenario, shocks: Sequence[Shock]) -> Timeline:
    """Apply the shocks that come before the run; order the others by round (stable)."""
    before = [s for s in shocks if not is_timed(s)]
    timed = sorted((s for s in shocks if is_timed(s)), key=lambda s: int(s.round or 0))
    for shock in before:
        scenario = apply_shock(scenario, shock)
    union, added = with_timed_actors(scenario, timed)
    arrays = to_arrays(union)
    mask = arrays.mask.copy()
    for actor in added:
        mask[arrays.actor_ids.index(actor), :] = False
    return Timeline(union, arrays, mask, tuple(timed))


def _issue_ranges(X: FloatArray, mask: BoolArray) -> FloatArray:
    """Per issue, the spread of the positions of actors with a stance (0 where fewer than two)."""
    hi = np.where(mask, X, -np.inf).max(axis=0)
    lo = np.where(mask, X, np.inf).min(axis=0)
    out: FloatArray = np.where(np.isfinite(hi) & np.isfinite(lo), hi - lo, 0.0)
    return out


def _joined(parts: Sequence[tuple[int, Trajectory]]) -> Trajectory:
    """One trajectory from segments starting at the given rounds.

    The state at a shock's round is the state after the shock (the input of the
    next round); moves and cycles keep their absolute round numbers.
    """
    if len(parts) == 1:
        return parts[0][1]
    pieces: dict[str, list[FloatArray]] = {"positions": [], "forecast": [], "mean": [], "median": []}
    risks: list[FloatArray] = []
    moves: list[Move] = []
    for n, (start, traj) in enumerate(parts):
        last = n == len(parts) - 1
        end = None if last else parts[n + 1][0] - start  # the next segment's round 0 replaces this round
        for name, values in pieces.items():
            values.append(getattr(traj, name)[:end])
        if traj.risk is not None:
            risks.append(traj.risk[:end])
        # a continued ktab run reads positions back from the 0-100 scale, so a bargain can
        # differ from the state in the last bit; such "moves" show no change and are dropped
        moves.extend(dataclasses.replace(m, round=m.round + start) for m in traj.moves
                     if n == 0 or m.before != m.after)
    last_start, final = parts[-1]
    cycles = tuple(None if c is None else (c[0] + last_start, c[1]) for c in final.cycle)
    return Trajectory(
        positions=np.concatenate(pieces["positions"]),
        forecast=np.concatenate(pieces["forecast"]),
        mean=np.concatenate(pieces["mean"]),
        median=np.concatenate(pieces["median"]),
        stop_reason=final.stop_reason,
        cycle=cycles,
        moves=tuple(moves),
        risk=np.concatenate(risks) if len(risks) == len(parts) else None,
        extras=final.extras,
    )


def run_timeline(
    spec: EngineSpec,
    timeline: Timeline,
    X: FloatArray,
    S: FloatArray,
    C: FloatArray,
    *,
    rounds: int | None,
    rng: np.random.Generator,
    params: Mapping[str, Any],
) -> Trajectory:
    """One draw's run with the timeline's shocks happening at their rounds."""
    a = timeline.arrays
    mask = timeline.mask
    t = 0
    parts: list[tuple[int, Trajectory]] = []
    ranges = _issue_ranges(X, mask)
    # under the stopping rule a run still ends at the engine's round limit, counted from the start
    limit = rounds if rounds is not None else params.get("max_rounds")
    for shock in timeline.steps:
        r = int(shock.round or 0)
        if spec.iterative and r > t:
            if limit is not None and r >= int(limit):
                break  # the run ends before the shock happens
            traj = spec.run(X, S, C, a.Q, mask, rounds=r - t, rng=rng, ranges=ranges, **params)
            parts.append((t, traj))
            X = np.array(traj.positions[-1], dtype=float)
            t = r
        X, S, C, mask = shock_arrays(a, shock, X, S, C, mask)
    remaining = None if rounds is None else rounds - t
    rest = dict(params)
    if rounds is None and "max_rounds" in rest and t:
        rest["max_rounds"] = max(1, int(rest["max_rounds"]) - t)
    traj = spec.run(X, S, C, a.Q, mask, rounds=remaining if spec.iterative else None, rng=rng,
                    ranges=ranges, **rest)
    parts.append((t, traj))
    return _joined(parts)
