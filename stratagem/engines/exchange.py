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

Memory and time: the best exchange of every ordered issue pair is kept, and after an
exchange on p and q only the pairs touching p or q are re-examined (the others' inputs did
not change), a block of cells at a time; nothing of size n^2 m^2 is ever built. The
numbers are those of a full search at every step. :meth:`ExchangeModel.admit` refuses runs whose
worst case is too large before they start.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from stratagem.engines.base import BoolArray, FloatArray, Move, option, weighted_mean, weights
from stratagem.engines.rounds import RoundModel
from stratagem.model.errors import EngineError

GAIN_TOLERANCE = 1e-9
BLOCK = 1 << 16  # (issue pair, i, j) cells examined at once: bounds the temporary arrays to a few MB
# The size check: the worst case makes about n*m/2 exchanges per round, and each re-examines the
# ~4m issue pairs that touch the two issues it moved, over about n^2/4 actor pairs each.
MAX_WORK = 1e9  # estimated evaluations; 100 actors x 20 issues (2e8) takes about 25 s on one core


def estimated_work(n_actors: int, n_issues: int, rounds: int) -> float:
    """Worst-case (actor pair x issue pair) evaluations: the first scan plus ~4m pairs per exchange."""
    n, m = float(n_actors), float(n_issues)
    if m < 2 or n < 2:
        return 0.0
    pairs = n * n / 4
    return max(1, rounds) * (m * m * pairs + (n * m / 2) * 4 * m * pairs)


Candidate = tuple[float, int, int, float, float]  # gain, i, j, a (dO_p), b (dO_q)


class _Market:
    """Outcomes, sides and shares of the current voting positions (recomputed whole after each exchange,
    so every number is the one a full recomputation gives)."""

    def __init__(self, V: FloatArray, S: FloatArray, W: FloatArray, active: BoolArray) -> None:
        total = W.sum(axis=0)
        safe_total = np.where(total > 0, total, 1.0)
        self.outcome = (W * V).sum(axis=0) / safe_total
        self.side = np.sign(V - self.outcome) * active  # +1 above, -1 below, 0 at the outcome or no stance
        self.share = W / safe_total  # how far O moves per unit of an actor's move
        # quadrant of each actor on each issue pair (3*(side_p+1) + side_q+1); only the corners 0, 2, 6, 8 trade
        sides = self.side.astype(np.int8) + 1
        code = 3 * sides[:, :, None] + sides[:, None, :]
        corner = (code == 0) | (code == 2) | (code == 6) | (code == 8)
        self.code = np.where(corner, code, 100).astype(np.int8)
        self.can_supply = self.share > 0
        self.Vt, self.St, self.sharet = (np.ascontiguousarray(A.T).ravel() for A in (V, S, self.share))


def _best_of_pairs(mk: _Market, used: BoolArray, pairs: list[tuple[int, int]]
                   ) -> dict[tuple[int, int], Candidate | None]:
    """The best exchange of each issue pair (p, q), i supplying on p and j on q: highest gain, then the
    lowest (i, j). Pairs are evaluated a block at a time, so temporaries stay under ``BLOCK`` cells."""
    n = used.shape[0]
    out: dict[tuple[int, int], Candidate | None] = dict.fromkeys(pairs)
    per_block = max(1, BLOCK // (n * n))
    for start in range(0, len(pairs), per_block):
        chunk = pairs[start:start + per_block]
        P, Q = np.array(chunk).T[:, :, None, None]  # each (pairs, 1, 1)
        for rows in range(0, n, max(1, BLOCK // n)):
            ii = np.arange(rows, min(n, rows + max(1, BLOCK // n)))[None, :, None]
            jj = np.arange(n)[None, None, :]
            _block_best(mk, used, chunk, P, Q, ii, jj, out)
    return out


def _block_best(mk: _Market, used: BoolArray, chunk: list[tuple[int, int]], P: Any, Q: Any, ii: Any, jj: Any,
                out: dict[tuple[int, int], Candidate | None]) -> None:
    outcome = mk.outcome
    # Opposite sides on both issues, as one comparison: the quadrant code of j must mirror i's.
    code_i = np.where(mk.can_supply[ii, P] & ~used[ii, P], mk.code[ii, P, Q], -1)
    code_j = np.where(mk.can_supply[jj, Q] & ~used[jj, Q], 8 - mk.code[jj, P, Q], -2)
    feasible = code_i == code_j
    if not feasible.any():
        return
    k, i, j = np.nonzero(feasible)  # C order: by pair, then i, then j
    i, j = ii[0, i, 0], jj[0, 0, j]
    n = used.shape[0]
    p_at, q_at = P[k, 0, 0] * n, Q[k, 0, 0] * n  # flat offsets into the issue-major copies
    ip, jp, iq, jq = p_at + i, p_at + j, q_at + i, q_at + j
    St = mk.St
    sip, sjp, siq, sjq = St.take(ip), St.take(jp), St.take(iq), St.take(jq)
    keep = np.flatnonzero(sip * sjq < sjp * siq)  # i values p relative to q less than j does
    if keep.size == 0:
        return
    k, i, j, ip, jp, iq, jq = k[keep], i[keep], j[keep], ip[keep], jp[keep], iq[keep], jq[keep]
    sip, sjp, siq, sjq = sip[keep], sjp[keep], siq[keep], sjq[keep]
    Vt, sharet = mk.Vt, mk.sharet
    vjp, viq = Vt.take(jp), Vt.take(iq)
    a_max = np.minimum(np.abs(Vt.take(ip) - vjp) * sharet.take(ip), np.abs(outcome.take(P[k, 0, 0]) - vjp))
    b_max = np.minimum(np.abs(Vt.take(jq) - viq) * sharet.take(jq), np.abs(outcome.take(Q[k, 0, 0]) - viq))
    rate = (sip + sjp) / (siq + sjq)  # dO_q per unit dO_p for equal gains
    a = np.minimum(a_max, b_max / rate)
    b = a * rate
    gain = siq * b - sip * a
    top = np.full(len(chunk), -np.inf)
    np.maximum.at(top, k, gain)
    at_top = np.flatnonzero(gain == top[k])
    _, first = np.unique(k[at_top], return_index=True)  # the first maximum of each pair: its lowest (i, j)
    for idx in at_top[first]:
        pair = chunk[int(k[idx])]
        found = (float(gain[idx]), int(i[idx]), int(j[idx]), float(a[idx]), float(b[idx]))
        held = out[pair]
        if held is None or (-found[0], found[1:3]) < (-held[0], held[1:3]):
            out[pair] = found


def _top(best: dict[tuple[int, int], Candidate | None]) -> tuple[float, int, int, int, int, float, float] | None:
    """The best exchange of all issue pairs: highest gain; ties to the lowest (i, j, p, q) in scenario order."""
    found = [(c[0], c[1], c[2], p, q, c[3], c[4]) for (p, q), c in best.items() if c is not None]
    chosen = min(found, key=lambda c: (-c[0], c[1:5]), default=None)
    return None if chosen is None or chosen[0] <= GAIN_TOLERANCE else chosen


def exchange_round(X: FloatArray, S: FloatArray, C: FloatArray, mask: BoolArray, r: int = 1
                   ) -> tuple[FloatArray, list[Move]]:
    """One round of exchanges (round ``r``) from voting positions X: the new positions and the moves made.
    Rounds after the first trade again from the new positions (the shared loop runs them)."""
    W = weights(S, C, mask)
    active = mask & (W > 0)
    V = np.array(X, dtype=float)
    moves: list[Move] = []
    used = np.zeros(V.shape, dtype=bool)
    market = _Market(V, S, W, active)
    m = V.shape[1]  # the best exchange of every ordered issue pair, re-examined where an exchange changed it
    best = _best_of_pairs(market, used, [(p, q) for p in range(m) for q in range(m) if p != q])
    while (found := _top(best)) is not None:
        _, i, j, p, q, a, b = found
        move_i, move_j = a / market.share[i, p], b / market.share[j, q]
        before_i, before_j = V[i, p], V[j, q]
        V[i, p] += np.sign(V[j, p] - V[i, p]) * move_i
        V[j, q] += np.sign(V[i, q] - V[j, q]) * move_j
        used[i, p] = used[j, q] = True
        moves.append(Move(r, p, i, j, "exchange: supplies", float(before_i), float(V[i, p])))
        moves.append(Move(r, q, j, i, "exchange: supplies", float(before_j), float(V[j, q])))
        market = _Market(V, S, W, active)
        best.update(_best_of_pairs(market, used, [pair for pair in best if p in pair or q in pair]))
    return V, moves


@dataclass(frozen=True)
class ExchangeOptions:
    max_rounds: int = option(1, "rounds of exchanges when --rounds is not given; 1 is Stokman and van Oosten's "
                             "model, more rounds trade again from the new positions (stops early when a round "
                             "makes no exchange)", minimum=1, maximum=1000)


@dataclass(frozen=True)
class ExchangeState:
    V: FloatArray  # (1, n, m) voting positions
    S: FloatArray
    C: FloatArray
    mask: BoolArray
    last_moves: tuple[Move, ...] = ()


class ExchangeModel(RoundModel):
    """One round of exchanges (:func:`exchange_round`) per step; trades couple the issues, so a
    state repeats as a whole."""

    joint = True

    def admit(self, n_actors: int, n_issues: int, rounds: int) -> None:
        """Refuse, before any work, a run too large to finish in reasonable time (EngineError, one line)."""
        work = estimated_work(n_actors, n_issues, rounds)
        if work > MAX_WORK:
            raise EngineError(
                f"exchange: {n_actors} actors x {n_issues} issues x {rounds} round(s) is too large for the exchange "
                f"engine (about {work:.0e} trade evaluations, the limit is {MAX_WORK:.0e}): use fewer actors, "
                "issues or rounds, or another engine")

    def start(self, X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
              opts: ExchangeOptions, rng: np.random.Generator | None) -> ExchangeState:
        return ExchangeState(np.array(X, dtype=float), np.asarray(S, dtype=float), np.asarray(C, dtype=float), mask)

    def step(self, state: ExchangeState, active: BoolArray, t: int, record: bool) -> ExchangeState:
        if not active.any():
            return state
        V, moves = exchange_round(state.V[0], state.S[0], state.C[0], state.mask, t)
        return dataclasses.replace(state, V=V[None], last_moves=tuple(moves))

    def positions(self, state: ExchangeState) -> FloatArray:
        return state.V

    def forecast(self, state: ExchangeState) -> FloatArray:
        """The compromise model on the voting positions."""
        return weighted_mean(state.V, weights(state.S, state.C, state.mask), np.broadcast_to(state.mask, state.V.shape))

    def tolerance(self, state: ExchangeState) -> FloatArray:
        return np.zeros(state.V.shape[::2])

    def shocked(self, state: ExchangeState, X: FloatArray, S: FloatArray, C: FloatArray,
                mask: BoolArray) -> ExchangeState:
        return ExchangeState(np.array(X, dtype=float), S, C, mask)

    def moves(self, state: ExchangeState) -> list[Move]:
        return list(state.last_moves)

