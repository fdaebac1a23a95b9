"""Bueno de Mesquita's expected-utility model as replicated by Scholz, Calbert & Smith.

The default reproduces the jmckib replication of Scholz's code (reference
bdm-scholz.md section 1.12): risk-adjusted votes with the voters' own exponents,
a global vote denominator, Q = 1, confrontation-first offer selection with
Scholz's compromise key, and the capitulation branch that never fires. Switches
select the variants the paper prints. Everything is vectorised: one round costs
O(n^3) arithmetic in NumPy (the replication's own cost is O(n^6)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

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

_CHUNK_ELEMENTS = 2_000_000  # bound on temporary (k, i, j) blocks, ~16 MB


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


def win_probabilities(
    x: FloatArray, w: FloatArray, r: FloatArray, delta: float, rule: Probability
) -> FloatArray:
    """P[i, j]: the probability that i prevails when i challenges j.

    ``global`` (Scholz's code): votes (|x_k - x_j|/delta)^r_k - (|x_k - x_i|/delta)^r_k
    weighted by c_k s_k; positive votes summed over the sum of all |votes| over all
    ordered pairs. ``local`` (as printed): linear votes, denominator over the pair.
    ``net`` (Masad's replication): clipped net support over the pair's total.
    """
    n = x.shape[0]
    dist = np.abs(x[:, None] - x[None, :]) / delta  # dist[k, a]
    if rule == "global":
        y = np.power(dist, r[:, None])  # y[k, a]: voter k's risk-adjusted distance to x_a
        numerator = np.zeros((n, n))
        block = max(1, _CHUNK_ELEMENTS // max(n * n, 1))
        for start in range(0, n, block):
            yk = y[start : start + block]
            diff = yk[:, None, :] - yk[:, :, None]  # [k, i, j] = y[k, j] - y[k, i]
            np.maximum(diff, 0.0, out=diff)
            numerator += np.einsum("k,kij->ij", w[start : start + block], diff)
        ys = np.sort(y, axis=1)
        ranks = 2.0 * np.arange(n) - n + 1.0
        denominator = float(2.0 * np.sum(w * (ys @ ranks)))
        P = numerator / denominator if denominator > 0 else np.zeros((n, n))
    else:
        positive = np.zeros((n, n))
        total = np.zeros((n, n))
        net = np.zeros((n, n))
        block = max(1, _CHUNK_ELEMENTS // max(n * n, 1))
        for start in range(0, n, block):
            dk = dist[start : start + block]
            a = dk[:, None, :] - dk[:, :, None]  # [k, i, j] = |x_k - x_j| - |x_k - x_i|
            wk = w[start : start + block]
            total += np.einsum("k,kij->ij", wk, np.abs(a))
            if rule == "local":
                positive += np.einsum("k,kij->ij", wk, np.maximum(a, 0.0))
            else:
                net += np.einsum("k,kij->ij", wk, a)
        support = positive if rule == "local" else np.maximum(net, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            P = np.where(total > 0, support / total, 0.5)
    np.fill_diagonal(P, 0.0)
    return P


def expected_utilities(
    x: FloatArray,
    s: FloatArray,
    P: FloatArray,
    r_eval: FloatArray,
    delta: float,
    q: float,
    mu: float,
) -> FloatArray:
    """EU[e, i, j]-free form: E[i, j] of i challenging j, perceived with exponent r_eval[i, j].

    ``r_eval`` is broadcast against (n, n); it holds the perceiving actor's exponent.
    """
    d = np.abs(x[:, None] - x[None, :]) / delta
    us = _utility(0.5 - 0.5 * d, r_eval)
    uf = _utility(0.5 + 0.5 * d, r_eval)
    usq = _utility(np.full_like(d, 0.5), r_eval)
    target_s = s[None, :]
    eu = target_s * (P * us + (1.0 - P) * uf) + (1.0 - target_s) * us - q * usq
    if q < 1.0:
        d_mu = (np.abs(x - mu) / delta)[:, None]
        ub = _utility(0.5 - 0.25 * (d_mu + d), r_eval)
        uw = _utility(0.5 + 0.25 * (d_mu + d), r_eval)
        t = (np.abs(x - mu)[:, None] < np.abs(x[:, None] - x[None, :])).astype(float)
        eu = eu - (1.0 - q) * (t * ub + (1.0 - t) * uw)
    out: FloatArray = eu
    return out


def risk_exponents(
    x: FloatArray, w: FloatArray, s: FloatArray, delta: float, opts: BdmOptions, mu: float
) -> FloatArray:
    """SCS eqs. 32-33: each actor's exponent from how threatened its position is.

    When every actor is equally threatened (for example all at one position) the
    published formula divides by zero; every exponent is then 1 (risk neutral).
    """
    n = x.shape[0]
    ones = np.ones(n)
    P1 = win_probabilities(x, w, ones, delta, opts.probability)
    eu = expected_utilities(x, s, P1, np.ones((n, n)), delta, opts.q, mu)
    np.fill_diagonal(eu, 0.0)
    danger = eu.sum(axis=0)
    hi, lo = float(danger.max()), float(danger.min())
    if hi - lo <= 1e-15 * max(1.0, abs(hi), abs(lo)):
        return ones
    R = (2.0 * danger - hi - lo) / (hi - lo)
    r: FloatArray = (1.0 - R / 3.0) / (1.0 + R / 3.0)
    return r


@dataclass(frozen=True)
class RoundResult:
    positions: FloatArray
    risk: FloatArray
    partner: np.ndarray  # index of the actor whose offer was taken, -1 for none
    kind: np.ndarray  # 0 none, 1 confrontation, 2 compromise, 3 capitulation


def offer_expected_utilities(
    x: FloatArray, c: FloatArray, s: FloatArray, delta: float, opts: BdmOptions
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The round's risk exponents and, for every receiver a and other actor o, both EUs.

    ``e_ao[a, o]`` is a's expected utility of challenging o and ``e_oa[a, o]`` is o's
    expected utility of challenging a, both as a perceives them (with r_a). These
    are the coordinates of Bueno de Mesquita's quadrant charts.
    """
    n = x.shape[0]
    w = c * s
    mu = float(weighted_median(x[:, None], w[:, None], np.ones((n, 1), bool))[0]) if opts.q < 1 else 0.0
    r = risk_exponents(x, w, s, delta, opts, mu)
    P = win_probabilities(x, w, r, delta, opts.probability)
    e_ao = expected_utilities(x, s, P, np.broadcast_to(r[:, None], (n, n)), delta, opts.q, mu)
    # o challenging a, perceived by a: the (o, a) entry computed with r_a, transposed.
    e_oa = expected_utilities(x, s, P, np.broadcast_to(r[None, :], (n, n)), delta, opts.q, mu).T
    return r, e_ao, e_oa


def bdm_round(
    x: FloatArray, c: FloatArray, s: FloatArray, delta: float, opts: BdmOptions
) -> RoundResult:
    """One round: risk exponents, expected utilities, offers, simultaneous moves."""
    n = x.shape[0]
    r, e_ao, e_oa = offer_expected_utilities(x, c, s, delta, opts)
    apart = np.abs(x[:, None] - x[None, :]) > opts.epsilon * delta
    np.fill_diagonal(apart, False)
    conf = apart & (e_oa > e_ao) & (e_ao > 0)
    comp = apart & (e_oa > 0) & (e_ao < 0) & (e_oa > np.abs(e_ao))
    capit = apart & (e_oa > 0) & (e_ao < 0) & (e_oa < np.abs(e_ao)) if opts.capitulation else np.zeros_like(apart)
    with np.errstate(divide="ignore", invalid="ignore"):
        comp_pos = x[:, None] + (x[None, :] - x[:, None]) * np.abs(e_ao / e_oa)
        comp_key = (np.abs(e_ao) * x[:, None] + np.abs(e_oa) * x[None, :]) / (np.abs(e_ao) + np.abs(e_oa))
    target = np.broadcast_to(x[None, :], (n, n))
    new_pos = np.where(comp, comp_pos, target)
    move = np.abs(new_pos - x[:, None])
    kind = np.zeros(n, dtype=np.int8)
    partner = np.full(n, -1, dtype=np.int64)
    new_x = x.copy()
    for a in range(n):
        if opts.offer_rule in ("scs", "min_distance"):
            # offer types in priority order; scs ranks compromises by Scholz's weighted key
            compromise_key = comp_key[a] if opts.offer_rule == "scs" else move[a]
            for k, mask, key in ((1, conf[a], move[a]), (2, comp[a], compromise_key), (3, capit[a], move[a])):
                if mask.any():
                    kind[a], partner[a] = k, _pick(mask, key, e_oa[a], new_pos[a])
                    break
        else:
            any_offer = conf[a] | comp[a] | capit[a]
            if any_offer.any():
                o = _pick(any_offer, move[a], e_oa[a], new_pos[a])
                partner[a] = o
                kind[a] = 1 if conf[a, o] else 2 if comp[a, o] else 3
        if partner[a] >= 0:
            new_x[a] = new_pos[a, partner[a]]
    return RoundResult(positions=new_x, risk=r, partner=partner, kind=kind)


def _pick(candidates: BoolArray, key: FloatArray, proposer_eu: FloatArray, position: FloatArray) -> int:
    """The candidate with the smallest key; exact ties go to the more eager proposer, then the
    lower resulting position, so the choice never depends on the order actors are listed in."""
    idx = np.flatnonzero(candidates)
    order = np.lexsort((position[idx], -proposer_eu[idx], key[idx]))
    return int(idx[order[0]])


_KINDS = {1: "confrontation", 2: "compromise", 3: "capitulation"}


def run_bdm_issue(
    x0: FloatArray,
    c: FloatArray,
    s: FloatArray,
    *,
    rounds: int | None,
    opts: BdmOptions,
    issue: int = 0,
) -> tuple[FloatArray, FloatArray, str, tuple[int, int] | None, list[Move]]:
    """Run one issue; returns positions (T+1, n), exponents (T+1, n), stop reason, cycle, moves.

    With ``rounds`` given the model runs exactly that many rounds (cycles are still
    detected and reported); with None it stops when no actor moves more than
    epsilon, when a state repeats, or at ``max_rounds``.
    """
    n = x0.shape[0]
    delta = float(x0.max() - x0.min())
    history = [x0.astype(float)]
    risks = [np.ones(n)]
    moves: list[Move] = []
    cycle: tuple[int, int] | None = None
    reason = "round limit"
    limit = rounds if rounds is not None else opts.max_rounds
    if delta <= 0 or n < 2:
        reason = "all actors at one position"
        for _ in range(limit if rounds is not None else 0):
            history.append(history[-1].copy())
            risks.append(np.ones(n))
        return np.array(history), np.array(risks), reason, None, moves
    tol = opts.epsilon * delta
    for t in range(1, limit + 1):
        result = bdm_round(history[-1], c, s, delta, opts)
        for a in np.flatnonzero(result.partner >= 0):
            before, after = float(history[-1][a]), float(result.positions[a])
            if abs(after - before) > tol:
                moves.append(Move(t, issue, int(a), int(result.partner[a]), _KINDS[int(result.kind[a])], before, after))
        history.append(result.positions)
        risks.append(result.risk)
        if cycle is None:
            for earlier in range(t - 1, -1, -1):
                if np.max(np.abs(history[earlier] - result.positions)) <= tol:
                    cycle = (earlier, t - earlier)
                    break
        if cycle is not None and rounds is None:
            reason = "converged" if cycle[1] == 1 else "cycle"
            break
    if rounds is not None and cycle is not None:
        reason = "converged" if cycle[1] == 1 else "cycle"
    if cycle is not None and cycle[1] == 1:
        cycle = None
    return np.array(history), np.array(risks), reason, cycle, moves


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
    """Run the model issue by issue over the actors with a stance on each issue."""
    opts = BdmOptions(probability, offer_rule, capitulation, q, epsilon, max_rounds)
    n, m = X.shape
    per_issue = []
    for k in range(m):
        idx = np.flatnonzero(mask[:, k])
        per_issue.append((idx, run_bdm_issue(X[idx, k], C[idx], S[idx, k], rounds=rounds, opts=opts, issue=k)))
    T = max(hist.shape[0] for _, (hist, *_rest) in per_issue) - 1
    positions = np.repeat(X[None, :, :], T + 1, axis=0)
    risk = np.ones((T + 1, n, m))
    reasons: list[str] = []
    cycles: list[tuple[int, int] | None] = []
    moves: list[Move] = []
    for k, (idx, (hist, risks, reason, cyc, mv)) in enumerate(per_issue):
        if hist.shape[0] < T + 1 and cyc is not None:
            # a cycling issue that stopped early is re-run to the common length
            rerun = run_bdm_issue(X[idx, k], C[idx], S[idx, k], rounds=T, opts=opts, issue=k)
            hist, risks, mv = rerun[0], rerun[1], rerun[4]
        pad = T + 1 - hist.shape[0]
        if pad:
            hist = np.vstack([hist, np.repeat(hist[-1:], pad, axis=0)])
            risks = np.vstack([risks, np.repeat(risks[-1:], pad, axis=0)])
        positions[:, idx, k] = hist
        risk[:, idx, k] = risks
        reasons.append(reason)
        cycles.append(cyc)
        moves.extend(Move(mv_.round, k, int(idx[mv_.actor]), int(idx[mv_.other]), mv_.kind, mv_.before, mv_.after) for mv_ in mv)
    W = np.where(mask, C[:, None] * S, 0.0)
    Wt = np.broadcast_to(W, positions.shape)
    maskt = np.broadcast_to(mask, positions.shape)
    median = weighted_median(positions, Wt, maskt)
    mean = weighted_mean(positions, Wt, maskt)
    moves.sort(key=lambda mv_: (mv_.round, mv_.issue, mv_.actor))
    return Trajectory(
        positions=positions,
        forecast=median,
        mean=mean,
        median=median,
        stop_reason=tuple(reasons),
        cycle=tuple(cycles),
        moves=tuple(moves),
        risk=risk,
    )
