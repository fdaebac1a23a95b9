"""Stokman and van Oosten's position-exchange model, equal-gain variant.

Actors trade voting positions across issues: i gives ground on an issue it cares
little about in return for j giving ground on one i cares about more
(reference/bdm-scholz.md section 4.2). The outcome of each issue is the
capability x salience weighted mean of the voting positions (the compromise
model), so with one issue, or with nothing worth trading, the engine gives the
compromise model's forecast.

One exchange pairs actors i, j and issues p, q where

* i and j sit on opposite sides of the expected outcome on both issues, and
* i values p relative to q less than j does (s_ip / s_iq < s_jp / s_jq), so i
  supplies on p (moves its voting position toward j) and j supplies on q.

i's move on p shifts O_p by its weight share; the exchange rate is set so both
gain the same salience-weighted utility (the equal-gain rule), one of the two
moves goes all the way to the partner's position, and neither outcome is pushed
past the demanding actor's position. Within a round the best exchange is done
first; each actor supplies on an issue at most once per round; the rest are
recomputed on the new positions until none is left. Rounds repeat on the new
voting positions until a round makes no exchange or the round limit is hit;
the default is one round, the original model.
Ties between equally good exchanges go to the lowest (i, j, p, q) in scenario
order, so runs are deterministic.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stratagem.engines.base import (
    BoolArray,
    FloatArray,
    Move,
    Trajectory,
    round_summaries,
    weights,
)

GAIN_TOLERANCE = 1e-9


def _best_exchange(
    V: FloatArray, S: FloatArray, W: FloatArray, active: BoolArray, used: BoolArray
) -> tuple[float, int, int, int, int, float, float] | None:
    """The highest-gain feasible exchange: (gain, i, j, p, q, move of i on p, move of j on q)."""
    total = W.sum(axis=0)
    safe_total = np.where(total > 0, total, 1.0)
    outcome = (W * V).sum(axis=0) / safe_total
    side = np.sign(V - outcome) * active  # +1 above, -1 below, 0 at the outcome or no stance
    share = W / safe_total  # how far O moves per unit of an actor's move
    n, m = V.shape
    i_idx, j_idx, p_idx, q_idx = np.meshgrid(np.arange(n), np.arange(n), np.arange(m), np.arange(m),
                                             indexing="ij")
    sip, sjp = S[i_idx, p_idx], S[j_idx, p_idx]
    siq, sjq = S[i_idx, q_idx], S[j_idx, q_idx]
    feasible = (
        (i_idx != j_idx) & (p_idx != q_idx)
        & (side[i_idx, p_idx] * side[j_idx, p_idx] < 0)
        & (side[i_idx, q_idx] * side[j_idx, q_idx] < 0)
        & (sip * sjq < sjp * siq)
        & ~used[i_idx, p_idx] & ~used[j_idx, q_idx]
        & (share[i_idx, p_idx] > 0) & (share[j_idx, q_idx] > 0)
    )
    if not feasible.any():
        return None
    ii, jj, pp, qq = i_idx[feasible], j_idx[feasible], p_idx[feasible], q_idx[feasible]
    a_max = np.minimum(np.abs(V[ii, pp] - V[jj, pp]) * share[ii, pp], np.abs(outcome[pp] - V[jj, pp]))
    b_max = np.minimum(np.abs(V[jj, qq] - V[ii, qq]) * share[jj, qq], np.abs(outcome[qq] - V[ii, qq]))
    rate = (S[ii, pp] + S[jj, pp]) / (S[ii, qq] + S[jj, qq])  # dO_q per unit dO_p for equal gains
    a = np.minimum(a_max, b_max / rate)
    b = a * rate
    gain = S[ii, qq] * b - S[ii, pp] * a
    best = int(np.argmax(gain))  # first maximum: lowest (i, j, p, q) in C order
    if gain[best] <= GAIN_TOLERANCE:
        return None
    i, j, p, q = int(ii[best]), int(jj[best]), int(pp[best]), int(qq[best])
    return (float(gain[best]), i, j, p, q, float(a[best] / share[i, p]), float(b[best] / share[j, q]))


def exchange_positions(
    X: FloatArray, S: FloatArray, C: FloatArray, mask: BoolArray, *, max_rounds: int = 1
) -> tuple[list[FloatArray], list[Move]]:
    """Voting positions after each round (round 0 = the input) and the moves made."""
    W = weights(S, C, mask)
    active = mask & (W > 0)
    V = np.array(X, dtype=float)
    states = [V.copy()]
    moves: list[Move] = []
    for r in range(1, max_rounds + 1):
        used = np.zeros(V.shape, dtype=bool)
        traded = False
        while (found := _best_exchange(V, S, W, active, used)) is not None:
            _, i, j, p, q, move_i, move_j = found
            before_i, before_j = V[i, p], V[j, q]
            V[i, p] += np.sign(V[j, p] - V[i, p]) * move_i
            V[j, q] += np.sign(V[i, q] - V[j, q]) * move_j
            used[i, p] = used[j, q] = True
            traded = True
            moves.append(Move(r, p, i, j, "exchange: supplies", float(before_i), float(V[i, p])))
            moves.append(Move(r, q, j, i, "exchange: supplies", float(before_j), float(V[j, q])))
        if not traded:
            break
        states.append(V.copy())
    return states, moves


def run_exchange(
    X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray, *,
    rounds: int | None = None, max_rounds: int = 1, **_: Any,
) -> Trajectory:
    """The exchange model's trajectory; ``rounds`` fixes the number of rounds exactly."""
    limit = rounds if rounds is not None else max_rounds
    states, moves = exchange_positions(X, S, C, mask, max_rounds=limit)
    reason = "round limit" if len(states) - 1 == limit and limit > 0 else "no exchange left"
    if rounds is not None:
        states += [states[-1]] * (rounds + 1 - len(states))
    positions = np.stack(states)
    mean, median = round_summaries(positions, S, C, mask)
    return Trajectory(
        positions=positions, forecast=mean, mean=mean, median=median,
        stop_reason=(reason,) * X.shape[1], cycle=(None,) * X.shape[1], moves=tuple(moves),
    )
