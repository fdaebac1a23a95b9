"""Bueno de Mesquita's expected-utility model as replicated by Scholz, Calbert & Smith.

The default reproduces the jmckib replication of Scholz's code (reference
bdm-scholz.md section 1.12): risk-adjusted votes with the voters' own exponents,
a global vote denominator, Q = 1, confrontation-first offer selection with
Scholz's compromise key, and the capitulation branch that never fires. Switches
select the variants the paper prints.

Every function works on a batch of independent games (a leading draw axis B), so
an ensemble of thousands of draws is one vectorised loop over rounds; a single
run is a batch of one. One round costs O(n^3) arithmetic per game (the
replication's own cost is O(n^6)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from stratagem.engines.base import (
    BoolArray,
    FloatArray,
    Move,
    Trajectory,
    weighted_mean,
    weighted_median,
)

Probability = Literal["global", "local", "net"]
OfferRule = Literal["scs", "min_distance", "least_move"]
IntArray = NDArray[np.int64]

_CHUNK_ELEMENTS = 1_000_000  # bound on temporary (B, k, i, j) blocks, ~8 MB


@dataclass(frozen=True)
class BdmOptions:
    """The model's switches; defaults reproduce the published replication."""

    probability: Probability = "global"
    offer_rule: OfferRule = "scs"
    capitulation: bool = False
    q: float = 1.0
    epsilon: float = 1e-12
    max_rounds: int = 100


def _utility(share: FloatArray, r: FloatArray) -> FloatArray:
    """2 - 4 * share**r: the risk-adjusted utility family of SCS eqs. 15-24."""
    out: FloatArray = 2.0 - 4.0 * np.power(share, r)
    return out


def _distances(x: FloatArray, delta: FloatArray) -> FloatArray:
    """d[b, i, j] = |x_i - x_j| / delta for each game b."""
    return np.abs(x[:, :, None] - x[:, None, :]) / delta[:, None, None]


def _weighted_sum(w: FloatArray, blocks: FloatArray) -> FloatArray:
    """sum_k w[b, k] * blocks[b, k, i, j] as one batched matrix product."""
    B, k, n, _ = blocks.shape
    return np.matmul(w[:, None, :], blocks.reshape(B, k, n * n)).reshape(B, n, n)


def win_probabilities(
    x: FloatArray, w: FloatArray, r: FloatArray, delta: FloatArray, rule: Probability
) -> FloatArray:
    """P[b, i, j]: the probability that i prevails when i challenges j, per game b.

    ``global`` (Scholz's code): votes (|x_k - x_j|/delta)^r_k - (|x_k - x_i|/delta)^r_k
    weighted by c_k s_k; positive votes summed over the sum of all |votes| over all
    ordered pairs. ``local`` (as printed): linear votes, denominator over the pair.
    ``net`` (Masad's replication): clipped net support over the pair's total.
    """
    B, n = x.shape
    dist = _distances(x, delta)  # dist[b, k, a]
    block = max(1, _CHUNK_ELEMENTS // max(B * n * n, 1))
    if rule == "global":
        # voter k's risk-adjusted distance to x_a (plain distance in the risk-neutral pass)
        y = dist if np.all(r == 1.0) else np.power(dist, r[:, :, None])
        numerator = np.zeros((B, n, n))
        for start in range(0, n, block):
            yk = y[:, start : start + block]
            diff = yk[:, :, None, :] - yk[:, :, :, None]  # [b, k, i, j] = y[b,k,j] - y[b,k,i]
            np.maximum(diff, 0.0, out=diff)
            numerator += _weighted_sum(w[:, start : start + block], diff)
        # sum over ordered pairs of |y_a - y_b| from the sorted values: O(n log n) per voter
        ranks = 2.0 * np.arange(n) - n + 1.0
        denominator = 2.0 * np.einsum("bk,bk->b", w, np.sort(y, axis=2) @ ranks)
        with np.errstate(invalid="ignore", divide="ignore"):
            P = np.where(denominator[:, None, None] > 0, numerator / denominator[:, None, None], 0.0)
    else:
        support = np.zeros((B, n, n))
        total = np.zeros((B, n, n))
        for start in range(0, n, block):
            dk = dist[:, start : start + block]
            a = dk[:, :, None, :] - dk[:, :, :, None]  # [b, k, i, j] = |x_k - x_j| - |x_k - x_i|
            wk = w[:, start : start + block]
            total += _weighted_sum(wk, np.abs(a))
            support += _weighted_sum(wk, np.maximum(a, 0.0) if rule == "local" else a)
        if rule == "net":
            support = np.maximum(support, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            P = np.where(total > 0, support / total, 0.5)
    idx = np.arange(n)
    P[:, idx, idx] = 0.0
    return P


def _challenge_utilities(
    x: FloatArray, r_eval: FloatArray | float, delta: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """U_s, U_f and U_sq for every pair, perceived with exponent r_eval (scalar 1 or (B, n, n))."""
    d = _distances(x, delta)
    if isinstance(r_eval, float):
        # risk-neutral pass: the same operations as the replication with r = 1, minus the power
        return 2.0 - 4.0 * (0.5 - 0.5 * d), 2.0 - 4.0 * (0.5 + 0.5 * d), np.zeros_like(d)
    return _utility(0.5 - 0.5 * d, r_eval), _utility(0.5 + 0.5 * d, r_eval), _utility(np.full_like(d, 0.5), r_eval)


def _status_quo_term(
    x: FloatArray, r_eval: FloatArray | float, delta: FloatArray, q: float, mu: FloatArray, challenger_axis: int
) -> FloatArray | float:
    """(1 - Q)(T U_b + (1 - T) U_w) of SCS eq. 25a; zero when Q = 1 (Scholz's code)."""
    if q >= 1.0:
        return 0.0
    d = _distances(x, delta)
    gap = np.abs(x - mu[:, None])
    challenger_gap = gap[:, :, None] if challenger_axis == 1 else gap[:, None, :]
    d_mu = challenger_gap / delta[:, None, None]
    r = np.asarray(r_eval, dtype=float)
    ub = _utility(0.5 - 0.25 * (d_mu + d), r)
    uw = _utility(0.5 + 0.25 * (d_mu + d), r)
    t = (challenger_gap < np.abs(x[:, :, None] - x[:, None, :])).astype(float)
    return (1.0 - q) * (t * ub + (1.0 - t) * uw)


def expected_utilities(
    x: FloatArray,
    s: FloatArray,
    P: FloatArray,
    r_eval: FloatArray | float,
    delta: FloatArray,
    q: float,
    mu: FloatArray,
) -> FloatArray:
    """E[b, i, j]: i's expected utility of challenging j, perceived with exponent r_eval[b, i, j].

    SCS eq. 25a; the target's salience s_j is the probability that it resists.
    ``r_eval`` may be the float 1.0 for the risk-neutral pass.
    """
    us, uf, usq = _challenge_utilities(x, r_eval, delta)
    target_s = s[:, None, :]
    eu = target_s * (P * us + (1.0 - P) * uf) + (1.0 - target_s) * us - q * usq
    out: FloatArray = eu - _status_quo_term(x, r_eval, delta, q, mu, challenger_axis=1)
    return out


def risk_exponents(
    x: FloatArray, w: FloatArray, s: FloatArray, delta: FloatArray, opts: BdmOptions, mu: FloatArray
) -> FloatArray:
    """SCS eqs. 32-33: each actor's exponent from how threatened its position is.

    When every actor is equally threatened (for example all at one position) the
    published formula divides by zero; every exponent is then 1 (risk neutral).
    """
    B, n = x.shape
    ones = np.ones((B, n))
    P1 = win_probabilities(x, w, ones, delta, opts.probability)
    eu = expected_utilities(x, s, P1, 1.0, delta, opts.q, mu)
    idx = np.arange(n)
    eu[:, idx, idx] = 0.0
    danger = eu.sum(axis=1)  # danger[b, i] = sum over challengers k of E(U_ki)
    hi = danger.max(axis=1, keepdims=True)
    lo = danger.min(axis=1, keepdims=True)
    flat = (hi - lo) <= 1e-15 * np.maximum(1.0, np.maximum(np.abs(hi), np.abs(lo)))
    with np.errstate(invalid="ignore", divide="ignore"):
        R = np.where(flat, 0.0, (2.0 * danger - hi - lo) / np.where(flat, 1.0, hi - lo))
    r: FloatArray = (1.0 - R / 3.0) / (1.0 + R / 3.0)
    return r


def offer_expected_utilities(
    x: FloatArray, c: FloatArray, s: FloatArray, delta: FloatArray, opts: BdmOptions
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The round's risk exponents and, for every receiver a and other actor o, both EUs.

    ``e_ao[b, a, o]`` is a's expected utility of challenging o and ``e_oa[b, a, o]``
    is o's expected utility of challenging a, both as a perceives them (with r_a).
    These are the coordinates of Bueno de Mesquita's quadrant charts.
    """
    B, n = x.shape
    w = c * s
    if opts.q < 1:
        mu = weighted_median(x[:, :, None], w[:, :, None], np.ones((B, n, 1), bool))[:, 0]
    else:
        mu = np.zeros(B)
    r = risk_exponents(x, w, s, delta, opts, mu)
    P = win_probabilities(x, w, r, delta, opts.probability)
    # Distances are symmetric, so a's utilities for the pair (a, o) serve both EUs it perceives.
    r_rows = np.broadcast_to(r[:, :, None], (B, n, n))
    us, uf, usq = _challenge_utilities(x, r_rows, delta)
    s_o = s[:, None, :]
    s_a = s[:, :, None]
    P_ao = P
    P_oa = np.swapaxes(P, 1, 2)
    e_ao = s_o * (P_ao * us + (1.0 - P_ao) * uf) + (1.0 - s_o) * us - opts.q * usq
    e_oa = s_a * (P_oa * us + (1.0 - P_oa) * uf) + (1.0 - s_a) * us - opts.q * usq
    if opts.q < 1.0:
        e_ao = e_ao - _status_quo_term(x, r_rows, delta, opts.q, mu, challenger_axis=1)
        e_oa = e_oa - _status_quo_term(x, r_rows, delta, opts.q, mu, challenger_axis=2)
    return r, e_ao, e_oa


@dataclass(frozen=True)
class RoundResult:
    positions: FloatArray  # (B, n)
    risk: FloatArray  # (B, n)
    partner: IntArray  # (B, n) index of the actor whose offer was taken, -1 for none
    kind: NDArray[np.int8]  # (B, n) 0 none, 1 confrontation, 2 compromise, 3 capitulation


def _pick(candidates: BoolArray, key: FloatArray, proposer_eu: FloatArray, position: FloatArray) -> IntArray:
    """Per receiver, the candidate with the smallest key (-1 where there is none).

    Exact ties go to the more eager proposer, then to the lower resulting position,
    so the choice never depends on the order in which actors are listed.
    """
    inf = np.inf
    k = np.where(candidates, key, inf)
    best = k.min(axis=-1, keepdims=True)
    cand = candidates & (k == best)
    eager = np.where(cand, proposer_eu, -inf).max(axis=-1, keepdims=True)
    cand &= np.where(cand, proposer_eu, -inf) == eager
    choice = np.argmin(np.where(cand, position, inf), axis=-1)
    return np.where(candidates.any(axis=-1), choice, -1)


def bdm_round(x: FloatArray, c: FloatArray, s: FloatArray, delta: FloatArray, opts: BdmOptions) -> RoundResult:
    """One round for every game in the batch: risk, expected utilities, offers, moves."""
    B, n = x.shape
    r, e_ao, e_oa = offer_expected_utilities(x, c, s, delta, opts)
    apart = np.abs(x[:, :, None] - x[:, None, :]) > (opts.epsilon * delta)[:, None, None]
    idx = np.arange(n)
    apart[:, idx, idx] = False
    conf = apart & (e_oa > e_ao) & (e_ao > 0)
    comp = apart & (e_oa > 0) & (e_ao < 0) & (e_oa > np.abs(e_ao))
    if opts.capitulation:
        capit = apart & (e_oa > 0) & (e_ao < 0) & (e_oa < np.abs(e_ao))
    else:
        capit = np.zeros_like(apart)
    xa, xo = x[:, :, None], x[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        comp_pos = xa + (xo - xa) * np.abs(e_ao / e_oa)
        comp_key = (np.abs(e_ao) * xa + np.abs(e_oa) * xo) / (np.abs(e_ao) + np.abs(e_oa))
    new_pos = np.where(comp, comp_pos, np.broadcast_to(xo, (B, n, n)))
    move = np.abs(new_pos - xa)
    if opts.offer_rule == "least_move":
        offers = conf | comp | capit
        partner = _pick(offers, move, e_oa, new_pos)
    else:
        # offer types in priority order; scs ranks compromises by Scholz's weighted key
        compromise_key = comp_key if opts.offer_rule == "scs" else move
        partner = np.full((B, n), -1, dtype=np.int64)
        for mask, key in ((conf, move), (comp, compromise_key), (capit, move)):
            pick = _pick(mask, key, e_oa, new_pos)
            partner = np.where(partner >= 0, partner, pick)
    has = partner >= 0
    safe = np.where(has, partner, 0)
    take = np.take_along_axis
    kind = np.where(
        ~has, 0,
        np.where(take(conf, safe[:, :, None], 2)[:, :, 0], 1, np.where(take(comp, safe[:, :, None], 2)[:, :, 0], 2, 3)),
    ).astype(np.int8)
    new_x = np.where(has, take(new_pos, safe[:, :, None], 2)[:, :, 0], x)
    return RoundResult(positions=new_x, risk=r, partner=partner, kind=kind)


@dataclass(frozen=True)
class IssueRuns:
    """A batch of games on one issue: history (T+1, B, n) and how each game ended."""

    history: FloatArray
    risk: FloatArray
    partner: IntArray  # (T, B, n)
    kind: NDArray[np.int8]  # (T, B, n)
    stop_round: IntArray  # (B,) the round at which each game stopped (T if it never did)
    cycle_start: IntArray  # (B,) -1 when no repeated state was seen
    cycle_period: IntArray  # (B,) 0 when no repeated state was seen

    def final(self) -> FloatArray:
        return self.history[-1]


def run_issue_batch(
    x0: FloatArray, c: FloatArray, s: FloatArray, *, rounds: int | None, opts: BdmOptions
) -> IssueRuns:
    """Run B games on one issue from positions x0 (B, n), capability c and salience s (B, n).

    With ``rounds`` given every game runs exactly that many rounds (repeated states
    are still detected and reported); with None each game stops when no actor moves
    more than epsilon x range or a state repeats (it then keeps that state) and the
    batch stops when every game has stopped or at ``max_rounds``.
    """
    B, n = x0.shape
    delta = x0.max(axis=1) - x0.min(axis=1)
    degenerate = (delta <= 0) | (n < 2)
    safe_delta = np.where(degenerate, 1.0, delta)
    tol = opts.epsilon * safe_delta
    history = [x0.astype(float)]
    risks = [np.ones((B, n))]
    partners: list[IntArray] = []
    kinds: list[NDArray[np.int8]] = []
    stopped = degenerate.copy() if rounds is None else np.zeros(B, bool)
    stop_round = np.zeros(B, dtype=np.int64)
    cycle_start = np.full(B, -1, dtype=np.int64)
    cycle_period = np.zeros(B, dtype=np.int64)
    limit = rounds if rounds is not None else opts.max_rounds
    if rounds is None and stopped.all():
        limit = 0
    for t in range(1, limit + 1):
        x = history[-1]
        result = bdm_round(x, c, s, safe_delta, opts)
        new_x = np.where(degenerate[:, None], x, result.positions)
        frozen = stopped[:, None]
        new_x = np.where(frozen, x, new_x)
        partner = np.where(frozen | degenerate[:, None], -1, result.partner)
        kind = np.where(frozen | degenerate[:, None], 0, result.kind).astype(np.int8)
        history.append(new_x)
        risks.append(np.where(frozen, risks[-1], np.where(degenerate[:, None], 1.0, result.risk)))
        partners.append(partner)
        kinds.append(kind)
        # the most recent earlier state equal to this one, per game
        past = np.array(history[:-1])  # (t, B, n)
        same = np.max(np.abs(past - new_x[None]), axis=2) <= tol[None, :]  # (t, B)
        seen = same.any(axis=0) & (cycle_start < 0) & ~stopped
        last_same = t - 1 - np.argmax(same[::-1], axis=0)
        cycle_start = np.where(seen, last_same, cycle_start)
        cycle_period = np.where(seen, t - last_same, cycle_period)
        if rounds is None:
            newly = seen & ~stopped
            stop_round = np.where(newly, t, stop_round)
            stopped |= newly
            if stopped.all():
                break
    T = len(history) - 1
    stop_round = np.where(stopped & (stop_round > 0), stop_round, np.where(degenerate, 0, T))
    return IssueRuns(
        history=np.array(history),
        risk=np.array(risks),
        partner=np.array(partners, dtype=np.int64).reshape(T, B, n),
        kind=np.array(kinds, dtype=np.int8).reshape(T, B, n),
        stop_round=stop_round,
        cycle_start=cycle_start,
        cycle_period=cycle_period,
    )


_KINDS = {1: "confrontation", 2: "compromise", 3: "capitulation"}


def _stop_reason(runs: IssueRuns, b: int, degenerate: bool) -> tuple[str, tuple[int, int] | None]:
    period = int(runs.cycle_period[b])
    cycle = (int(runs.cycle_start[b]), period) if period > 1 else None
    if degenerate:
        return "all actors at one position", None
    if period == 1:
        return "converged", None
    if period > 1:
        return "cycle", cycle
    return "round limit", None


def run_bdm(
    X: FloatArray,
    S: FloatArray,
    C: FloatArray,
    Q: FloatArray,
    mask: BoolArray,
    *,
    rounds: int | None = None,
    probability: Probability = "global",
    offer_rule: OfferRule = "scs",
    capitulation: bool = False,
    q: float = 1.0,
    epsilon: float = 1e-12,
    max_rounds: int = 100,
    **_unused: Any,
) -> Trajectory:
    """Run the model issue by issue over the actors with a stance on each issue.

    Issues that stop early (converged, or a repeated state) keep their last state,
    so every issue's trajectory has the length of the longest one.
    """
    opts = BdmOptions(probability, offer_rule, capitulation, q, epsilon, max_rounds)
    n, m = X.shape
    runs: list[tuple[IntArray, IssueRuns]] = []
    for k in range(m):
        idx = np.flatnonzero(mask[:, k])
        x0 = X[idx, k][None, :]
        runs.append((idx, run_issue_batch(x0, C[idx][None, :], S[idx, k][None, :], rounds=rounds, opts=opts)))
    T = max(r.history.shape[0] for _, r in runs) - 1
    positions = np.repeat(X[None, :, :], T + 1, axis=0)
    risk = np.ones((T + 1, n, m))
    reasons: list[str] = []
    cycles: list[tuple[int, int] | None] = []
    moves: list[Move] = []
    for k, (idx, r) in enumerate(runs):
        hist, rk = r.history[:, 0, :], r.risk[:, 0, :]
        pad = T + 1 - hist.shape[0]
        if pad:
            hist = np.vstack([hist, np.repeat(hist[-1:], pad, axis=0)])
            rk = np.vstack([rk, np.repeat(rk[-1:], pad, axis=0)])
        positions[:, idx, k] = hist
        risk[:, idx, k] = rk
        x0 = X[idx, k]
        reason, cycle = _stop_reason(r, 0, bool(x0.max() - x0.min() <= 0 or len(idx) < 2))
        reasons.append(reason)
        cycles.append(cycle)
        for t in range(r.partner.shape[0]):
            for a in np.flatnonzero(r.partner[t, 0] >= 0):
                before, after = float(r.history[t, 0, a]), float(r.history[t + 1, 0, a])
                if before != after:
                    moves.append(Move(t + 1, k, int(idx[a]), int(idx[r.partner[t, 0, a]]),
                                      _KINDS[int(r.kind[t, 0, a])], before, after))
    W = np.where(mask, C[:, None] * S, 0.0)
    Wt = np.broadcast_to(W, positions.shape)
    maskt = np.broadcast_to(mask, positions.shape)
    median = weighted_median(positions, Wt, maskt)
    moves.sort(key=lambda mv: (mv.round, mv.issue, mv.actor))
    return Trajectory(
        positions=positions,
        forecast=median,
        mean=weighted_mean(positions, Wt, maskt),
        median=median,
        stop_reason=tuple(reasons),
        cycle=tuple(cycles),
        moves=tuple(moves),
        risk=risk,
    )


def bdm_final_batch(
    X: FloatArray,
    S: FloatArray,
    C: FloatArray,
    mask: BoolArray,
    *,
    rounds: int | None,
    opts: BdmOptions,
) -> FloatArray:
    """Final weighted-median forecasts (B, m) for a batch of draws X, S (B, n, m), C (B, n).

    The same computation as :func:`run_bdm` applied to each draw, in one vectorised
    pass per issue (used by ensembles).
    """
    B, _, m = X.shape
    out = np.empty((B, m))
    for k in range(m):
        idx = np.flatnonzero(mask[:, k])
        runs = run_issue_batch(X[:, idx, k], C[:, idx], S[:, idx, k], rounds=rounds, opts=opts)
        final = runs.final()
        w = C[:, idx] * S[:, idx, k]
        out[:, k] = weighted_median(final[:, :, None], w[:, :, None], np.ones((B, len(idx), 1), bool))[:, 0]
    return out
