"""Bueno de Mesquita's expected-utility model as replicated by Scholz, Calbert & Smith.

The default reproduces the jmckib replication of Scholz's code (reference
bdm-scholz.md section 1.12): risk-adjusted votes with the voters' own exponents,
a global vote denominator, Q = 1, confrontation-first offer selection with
Scholz's compromise key, and the capitulation branch that never fires. Switches
select the variants the paper prints.

Every function works on a batch of independent games (a leading draw axis B), so
an ensemble of thousands of draws is one vectorised loop over rounds; a single
run is a batch of one. The replication's own cost is O(n^6) per round; the vote
sums by definition cost O(n^3) per game (``method="reference"``, kept for tests);
by default they use the sorted form, O(n^2 log n) in NumPy and O(n^2) compiled
(:func:`pair_support_sorted`), which applies to every switch of the model, and the
offer step runs compiled when numba is installed. All methods give the same results
to rounding; with or without numba the default gives the same bits.
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
    cycle_summary,
    round_summaries,
    weighted_median,
)

Probability = Literal["global", "local", "net"]
OfferRule = Literal["scs", "min_distance", "least_move"]
Method = Literal["auto", "sorted", "reference"]
IntArray = NDArray[np.int64]

_CHUNK_ELEMENTS = 1_000_000  # bound on temporary (B, k, i, j) blocks, ~8 MB
_CACHE_ELEMENTS = 8_192  # games per group in ensembles: (group, n, n) float arrays of ~64 KB
_COMPARE_MAX_ACTORS = 32  # up to this size midpoint places are counted by comparison, else searched


@dataclass(frozen=True)
class BdmOptions:
    """The model's switches; defaults reproduce the published replication."""

    probability: Probability = "global"
    offer_rule: OfferRule = "scs"
    capitulation: bool = False
    q: float = 1.0
    epsilon: float = 1e-12
    max_rounds: int = 100
    # choosing among offers (SCS section 6) and T of eq. 25a count values closer than
    # this as equal: keys, resulting positions and gaps as a share of the issue's
    # range, proposers' EUs in utility units. Without it, a tie in exact arithmetic
    # (say two offers equidistant from the receiver) is decided by the last bit of
    # rounding, which differs between the sum orders of the methods below; 1e-9 is
    # far above that noise (~1e-15) and far below any difference the model means.
    tie: float = 1e-9
    # how the pairwise vote sums are computed, not a model switch: every method gives
    # the same results to rounding ("reference" is the O(n^3) definition, for tests,
    # in the previous release's operation order), and with ``tie`` the same offers
    method: Method = "auto"


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


def pair_support_reference(y: FloatArray, w: FloatArray) -> FloatArray:
    """S[b, i, j] = sum_k w[b, k] max(0, y[b, k, j] - y[b, k, i]), term by term.

    The definition, at O(n^3) per game in (B, k, n, n) blocks: the reference the
    sorted path is tested against, and the path for inputs it does not cover.
    """
    B, n = w.shape
    out = np.zeros((B, n, n))
    block = max(1, _CHUNK_ELEMENTS // max(B * n * n, 1))
    for start in range(0, n, block):
        yk = y[:, start : start + block]
        diff = yk[:, :, None, :] - yk[:, :, :, None]  # [b, k, i, j] = y[b,k,j] - y[b,k,i]
        np.maximum(diff, 0.0, out=diff)
        out += _weighted_sum(w[:, start : start + block], diff)
    return out


def _local_sums_reference(dist: FloatArray, w: FloatArray, rule: Probability) -> tuple[FloatArray, FloatArray]:
    """Support and total of the local and net rules, term by term as the definition reads.

    Kept in the previous release's operation order, so ``method="reference"``
    reproduces its numbers bit for bit under every switch.
    """
    B, n = w.shape
    support = np.zeros((B, n, n))
    total = np.zeros((B, n, n))
    block = max(1, _CHUNK_ELEMENTS // max(B * n * n, 1))
    for start in range(0, n, block):
        dk = dist[:, start : start + block]
        a = dk[:, :, None, :] - dk[:, :, :, None]  # [b, k, i, j] = |x_k - x_j| - |x_k - x_i|
        wk = w[:, start : start + block]
        total += _weighted_sum(wk, np.abs(a))
        support += _weighted_sum(wk, np.maximum(a, 0.0) if rule == "local" else a)
    if rule == "net":
        support = np.maximum(support, 0.0)
    return support, total


def _midpoint_counts(x: FloatArray) -> tuple[IntArray, IntArray]:
    """Per pair (i, j), how many voters lie strictly left of, and left of or at, the midpoint.

    Exact, with no rounding: 2 x_k (exact) is compared with the exact sum x_i + x_j,
    held as its rounded value s plus the sign of the rounding error (TwoSum). A
    voter with 2 x_k == s lies left of the true midpoint when the error is positive,
    at it when the error is zero. (Halving s instead would lose tiny gaps.)
    """
    B, n = x.shape
    xi, xj = x[:, :, None], x[:, None, :]
    total = xi + xj
    back = total - xi
    err = (xi - (total - back)) + (xj - back)
    twice = x + x
    lt = np.empty((B, n, n), dtype=np.int64)
    eq = np.empty((B, n, n), dtype=np.int64)
    if n <= _COMPARE_MAX_ACTORS:
        block = max(1, _CHUNK_ELEMENTS // max(n**3, 1))
        for start in range(0, B, block):
            tb = twice[start : start + block, None, None, :]
            sb = total[start : start + block, :, :, None]
            lt[start : start + block] = np.count_nonzero(tb < sb, axis=3)
            eq[start : start + block] = np.count_nonzero(tb == sb, axis=3)
    else:
        ts = np.sort(twice, axis=1)
        for g in range(B):
            lt[g] = np.searchsorted(ts[g], total[g], side="left")
            eq[g] = np.searchsorted(ts[g], total[g], side="right") - lt[g]
    below = lt + np.where(err > 0, eq, 0)
    upto = lt + np.where(err >= 0, eq, 0)
    return below, upto


def _prefix_tables(y: FloatArray, w: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Cumulative w_k y[k, a] over voters sorted by position, from the left and from the right.

    ``pref[b, t, a]`` sums the t leftmost voters, ``suf[b, t, a]`` the voters from
    sorted place t on; both are accumulated one voter at a time, in sorted order.
    """
    B, n = x.shape
    order = np.argsort(x, axis=1, kind="stable")
    wy = np.take_along_axis(w[:, :, None] * y, order[:, :, None], axis=1)
    pref = np.zeros((B, n + 1, n))
    np.cumsum(wy, axis=1, out=pref[:, 1:])
    suf = np.zeros((B, n + 1, n))
    suf[:, :n] = np.cumsum(wy[:, ::-1], axis=1)[:, ::-1]
    return pref, suf


def pair_support_sorted(y: FloatArray, w: FloatArray, x: FloatArray) -> FloatArray:
    """The same S as :func:`pair_support_reference` in O(n^2 log n) per game.

    Why it works: y[k, a] increases with |x_k - x_a| (a distance to a positive
    power), so k prefers i to j exactly when it lies on i's side of their midpoint.
    With voters sorted by position, i's supporters against j are a prefix (i left of
    j) or a suffix (i right of j), and S[i, j] is a difference of two cumulative sums
    at the midpoint's place (found exactly, :func:`_midpoint_counts`). Voters exactly at
    the midpoint vote 0 and are left out. The compiled kernel
    (stratagem.engines._kernels) does the same operations in the same order, so both
    give the same bits.
    """
    pref, suf = _prefix_tables(y, w, x)
    below, upto = _midpoint_counts(x)
    take = np.take_along_axis
    left = take(pref, below, axis=1) - np.swapaxes(take(pref, np.swapaxes(below, 1, 2), axis=1), 1, 2)
    right = take(suf, upto, axis=1) - np.swapaxes(take(suf, np.swapaxes(upto, 1, 2), axis=1), 1, 2)
    xi, xj = x[:, :, None], x[:, None, :]
    out: FloatArray = np.where(xi < xj, left, np.where(xi > xj, right, 0.0))
    return out


def pair_support(y: FloatArray, w: FloatArray, x: FloatArray, method: Method = "auto") -> FloatArray:
    """S[b, i, j] = sum_k w[b, k] max(0, y[b, k, j] - y[b, k, i]): k's votes for i over j.

    ``y`` must be increasing in the distance |x_k - x_a| for every voter k (true for
    every switch of the model: linear distances, or distances to the power r_k, which
    lies in [0.5, 2]; :func:`win_probabilities` sends any r_k <= 0 to the reference).
    ``auto`` takes the compiled sorted kernel when numba is installed, else the NumPy
    sorted path (identical bits); non-finite inputs go to the reference path.
    """
    if method == "reference" or not (np.isfinite(x).all() and np.isfinite(y).all()):
        return pair_support_reference(y, w)
    if method == "auto":
        from stratagem.engines import _kernels

        kernel = _kernels.pair_support_kernel()
        if kernel is not None:
            out: FloatArray = kernel(np.ascontiguousarray(x), np.ascontiguousarray(y), np.ascontiguousarray(w))
            return out
    return pair_support_sorted(y, w, x)


def win_probabilities(
    x: FloatArray,
    w: FloatArray,
    r: FloatArray,
    delta: FloatArray,
    rule: Probability,
    method: Method = "auto",
    *,
    dist: FloatArray | None = None,
) -> FloatArray:
    """P[b, i, j]: the probability that i prevails when i challenges j, per game b.

    ``global`` (Scholz's code): votes (|x_k - x_j|/delta)^r_k - (|x_k - x_i|/delta)^r_k
    weighted by c_k s_k; positive votes summed over the sum of all |votes| over all
    ordered pairs. ``local`` (as printed): linear votes, denominator over the pair.
    ``net`` (Masad's replication): clipped net support over the pair's total.
    Every rule is a function of the one-sided support S (:func:`pair_support`):
    the pair's total is S_ij + S_ji and the net support S_ij - S_ji. ``dist`` is
    :func:`_distances` of x when the caller already has it.
    """
    n = x.shape[1]
    if dist is None:
        dist = _distances(x, delta)  # dist[b, k, a]
    if not np.all(r > 0):
        method = "reference"  # votes would not grow with distance: the sorted form does not apply
    if rule == "global":
        # voter k's risk-adjusted distance to x_a (plain distance in the risk-neutral pass)
        y = dist if np.all(r == 1.0) else np.power(dist, r[:, :, None])
        numerator = pair_support(y, w, x, method)
        # sum over ordered pairs of |y_a - y_b| from the sorted values: O(n log n) per voter
        ranks = 2.0 * np.arange(n) - n + 1.0
        denominator = 2.0 * np.einsum("bk,bk->b", w, np.sort(y, axis=2) @ ranks)
        with np.errstate(invalid="ignore", divide="ignore"):
            P = np.where(denominator[:, None, None] > 0, numerator / denominator[:, None, None], 0.0)
    else:
        if method == "reference":
            support, total = _local_sums_reference(dist, w, rule)
        else:
            one_sided = pair_support(dist, w, x, method)
            other_side = np.swapaxes(one_sided, 1, 2)
            total = one_sided + other_side
            support = one_sided if rule == "local" else np.maximum(one_sided - other_side, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            P = np.where(total > 0, support / total, 0.5)
    idx = np.arange(n)
    P[:, idx, idx] = 0.0
    return P


def _challenge_utilities(
    x: FloatArray, r_eval: FloatArray | float, delta: FloatArray, dist: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """U_s, U_f and U_sq for every pair, perceived with exponent r_eval (scalar 1 or (B, n, n))."""
    d = _distances(x, delta) if dist is None else dist
    if isinstance(r_eval, float):
        # risk-neutral pass: the same operations as the replication with r = 1, minus the power
        return 2.0 - 4.0 * (0.5 - 0.5 * d), 2.0 - 4.0 * (0.5 + 0.5 * d), np.zeros_like(d)
    return _utility(0.5 - 0.5 * d, r_eval), _utility(0.5 + 0.5 * d, r_eval), _utility(np.full_like(d, 0.5), r_eval)


def _status_quo_term(
    x: FloatArray,
    r_eval: FloatArray | float,
    delta: FloatArray,
    q: float,
    mu: FloatArray,
    challenger_axis: int,
    dist: FloatArray | None = None,
    tie: float = 0.0,
) -> FloatArray | float:
    """(1 - Q)(T U_b + (1 - T) U_w) of SCS eq. 25a; zero when Q = 1 (Scholz's code).

    T says the challenger is closer to the median than to the target; it must be
    closer by more than ``tie`` x range, else a target that coincides with the
    median in exact arithmetic would switch T on the last bit of rounding.
    """
    if q >= 1.0:
        return 0.0
    d = _distances(x, delta) if dist is None else dist
    gap = np.abs(x - mu[:, None])
    challenger_gap = gap[:, :, None] if challenger_axis == 1 else gap[:, None, :]
    d_mu = challenger_gap / delta[:, None, None]
    r = np.asarray(r_eval, dtype=float)
    ub = _utility(0.5 - 0.25 * (d_mu + d), r)
    uw = _utility(0.5 + 0.25 * (d_mu + d), r)
    margin = tie * delta[:, None, None]
    t = (challenger_gap < np.abs(x[:, :, None] - x[:, None, :]) - margin).astype(float)
    return (1.0 - q) * (t * ub + (1.0 - t) * uw)


def expected_utilities(
    x: FloatArray,
    s: FloatArray,
    P: FloatArray,
    r_eval: FloatArray | float,
    delta: FloatArray,
    q: float,
    mu: FloatArray,
    dist: FloatArray | None = None,
    tie: float = 0.0,
) -> FloatArray:
    """E[b, i, j]: i's expected utility of challenging j, perceived with exponent r_eval[b, i, j].

    SCS eq. 25a; the target's salience s_j is the probability that it resists.
    ``r_eval`` may be the float 1.0 for the risk-neutral pass.
    """
    us, uf, usq = _challenge_utilities(x, r_eval, delta, dist)
    target_s = s[:, None, :]
    eu = target_s * (P * us + (1.0 - P) * uf) + (1.0 - target_s) * us - q * usq
    out: FloatArray = eu - _status_quo_term(x, r_eval, delta, q, mu, challenger_axis=1, dist=dist, tie=tie)
    return out


def risk_exponents(
    x: FloatArray,
    w: FloatArray,
    s: FloatArray,
    delta: FloatArray,
    opts: BdmOptions,
    mu: FloatArray,
    dist: FloatArray | None = None,
) -> FloatArray:
    """SCS eqs. 32-33: each actor's exponent from how threatened its position is.

    When every actor is equally threatened (for example all at one position) the
    published formula divides by zero; every exponent is then 1 (risk neutral).
    """
    B, n = x.shape
    if dist is None:
        dist = _distances(x, delta)
    ones = np.ones((B, n))
    P1 = win_probabilities(x, w, ones, delta, opts.probability, opts.method, dist=dist)
    eu = expected_utilities(x, s, P1, 1.0, delta, opts.q, mu, dist, opts.tie)
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
    dist = _distances(x, delta)  # computed once per round, shared by both passes
    r = risk_exponents(x, w, s, delta, opts, mu, dist)
    P = win_probabilities(x, w, r, delta, opts.probability, opts.method, dist=dist)
    # Distances are symmetric, so a's utilities for the pair (a, o) serve both EUs it perceives;
    # U_sq depends on r_a alone, so it is one column broadcast over o (the same values).
    r_rows = np.broadcast_to(r[:, :, None], (B, n, n))
    r_col = r[:, :, None]
    us, uf = _utility(0.5 - 0.5 * dist, r_col), _utility(0.5 + 0.5 * dist, r_col)
    usq = _utility(np.full((B, n, 1), 0.5), r_col)
    s_o = s[:, None, :]
    s_a = s[:, :, None]
    P_ao = P
    P_oa = np.swapaxes(P, 1, 2)
    e_ao = s_o * (P_ao * us + (1.0 - P_ao) * uf) + (1.0 - s_o) * us - opts.q * usq
    e_oa = s_a * (P_oa * us + (1.0 - P_oa) * uf) + (1.0 - s_a) * us - opts.q * usq
    if opts.q < 1.0:
        e_ao = e_ao - _status_quo_term(x, r_rows, delta, opts.q, mu, challenger_axis=1, dist=dist, tie=opts.tie)
        e_oa = e_oa - _status_quo_term(x, r_rows, delta, opts.q, mu, challenger_axis=2, dist=dist, tie=opts.tie)
    return r, e_ao, e_oa


@dataclass(frozen=True)
class RoundResult:
    positions: FloatArray  # (B, n)
    risk: FloatArray  # (B, n)
    partner: IntArray  # (B, n) index of the actor whose offer was taken, -1 for none
    kind: NDArray[np.int8]  # (B, n) 0 none, 1 confrontation, 2 compromise, 3 capitulation


def _pick(
    candidates: BoolArray,
    key: FloatArray,
    proposer_eu: FloatArray,
    position: FloatArray,
    tie_pos: FloatArray,
    tie_eu: float,
) -> IntArray:
    """Per receiver, the candidate with the smallest key (-1 where there is none).

    Ties (within ``tie_pos`` of the smallest key) go to the more eager proposer
    (within ``tie_eu``), then to the lower resulting position (within ``tie_pos``),
    then to the lower index. The tolerances make a tie in exact arithmetic a tie
    whatever the rounding (see ``BdmOptions.tie``).
    """
    inf = np.inf
    tp = tie_pos[:, None, None]
    k = np.where(candidates, key, inf)
    cand = candidates & (k <= k.min(axis=-1, keepdims=True) + tp)
    eu = np.where(cand, proposer_eu, -inf)
    cand &= eu >= eu.max(axis=-1, keepdims=True) - tie_eu
    pos = np.where(cand, position, inf)
    cand &= pos <= pos.min(axis=-1, keepdims=True) + tp
    choice = np.argmax(cand, axis=-1)
    return np.where(candidates.any(axis=-1), choice, -1)


_SIGN_MARGIN = 1e-13  # utility units: rounding noise in an EU is ~1e-15

_RULE_CODES = {"scs": 0, "min_distance": 1, "least_move": 2}


def bdm_round(x: FloatArray, c: FloatArray, s: FloatArray, delta: FloatArray, opts: BdmOptions) -> RoundResult:
    """One round for every game in the batch: risk, expected utilities, offers, moves.

    With ``method="auto"`` and numba installed the offer step runs compiled
    (:func:`stratagem.engines._kernels.offers_kernel`, the same operations and tie
    rules as :func:`offers`, so the same bits); otherwise it runs in NumPy.
    """
    r, e_ao, e_oa = offer_expected_utilities(x, c, s, delta, opts)
    tol = opts.epsilon * delta
    tie_pos = opts.tie * delta
    kernel = None
    if opts.method == "auto":
        from stratagem.engines import _kernels

        kernel = _kernels.offers_kernel()
    if kernel is not None:
        new_x, partner, kind = kernel(np.ascontiguousarray(x, dtype=float), np.ascontiguousarray(e_ao),
                                      np.ascontiguousarray(e_oa), np.ascontiguousarray(tol, dtype=float),
                                      np.ascontiguousarray(tie_pos, dtype=float), float(opts.tie), _SIGN_MARGIN,
                                      _RULE_CODES[opts.offer_rule], bool(opts.capitulation))
    else:
        new_x, partner, kind = offers(x, e_ao, e_oa, tol, tie_pos, opts)
    return RoundResult(positions=new_x, risk=r, partner=partner, kind=kind)


def offers(
    x: FloatArray, e_ao: FloatArray, e_oa: FloatArray, tol: FloatArray, tie_pos: FloatArray, opts: BdmOptions
) -> tuple[FloatArray, IntArray, NDArray[np.int8]]:
    """Each receiver's accepted offer (SCS section 6): new positions, partner (-1 for none), kind.

    Receivers only consider actors more than ``tol`` (epsilon x range) away. The
    kinds of offer compare EUs exactly, as the replication does (its trajectories
    include genuine offers with EUs near 1e-10); ties among the offers of a kind are
    judged within ``tie_pos`` (position units) and ``opts.tie`` (utility units),
    see :func:`_pick`.
    """
    B, n = x.shape
    e = opts.tie
    apart = np.abs(x[:, :, None] - x[:, None, :]) > tol[:, None, None]
    idx = np.arange(n)
    apart[:, idx, idx] = False
    # EUs of the two sides are compared with a margin relative to their size; signs
    # with an absolute margin far below the EUs the replication acts on (~1e-10)
    margin = e * np.maximum(np.abs(e_oa), np.abs(e_ao))
    z = _SIGN_MARGIN
    conf = apart & (e_oa > e_ao + margin) & (e_ao > z)
    comp = apart & (e_oa > z) & (e_ao < -z) & (e_oa > np.abs(e_ao) + margin)
    if opts.capitulation:
        capit = apart & (e_oa > z) & (e_ao < -z) & (e_oa < np.abs(e_ao) - margin)
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
        partner = _pick(offers, move, e_oa, new_pos, tie_pos, e)
    else:
        # offer types in priority order; scs ranks compromises by Scholz's weighted key
        compromise_key = comp_key if opts.offer_rule == "scs" else move
        partner = np.full((B, n), -1, dtype=np.int64)
        for mask, key in ((conf, move), (comp, compromise_key), (capit, move)):
            pick = _pick(mask, key, e_oa, new_pos, tie_pos, e)
            partner = np.where(partner >= 0, partner, pick)
    has = partner >= 0
    safe = np.where(has, partner, 0)
    take = np.take_along_axis
    kind = np.where(
        ~has, 0,
        np.where(take(conf, safe[:, :, None], 2)[:, :, 0], 1, np.where(take(comp, safe[:, :, None], 2)[:, :, 0], 2, 3)),
    ).astype(np.int8)
    new_x = np.where(has, take(new_pos, safe[:, :, None], 2)[:, :, 0], x)
    return new_x, partner, kind


def _round_of_active(
    x: FloatArray, c: FloatArray, s: FloatArray, delta: FloatArray, opts: BdmOptions, active: BoolArray
) -> RoundResult:
    """:func:`bdm_round` for the games still running; the others keep their state.

    Games are independent, so leaving out stopped or degenerate ones (whose results
    the caller discards) changes no number and saves their work under the stopping rule.
    """
    if active.all():
        return bdm_round(x, c, s, delta, opts)
    B, n = x.shape
    positions, risk = x.copy(), np.ones((B, n))
    partner, kind = np.full((B, n), -1, dtype=np.int64), np.zeros((B, n), dtype=np.int8)
    if active.any():
        part = bdm_round(x[active], c[active], s[active], delta[active], opts)
        positions[active], risk[active], partner[active], kind[active] = (
            part.positions, part.risk, part.partner, part.kind)
    return RoundResult(positions=positions, risk=risk, partner=partner, kind=kind)


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
    x0: FloatArray, c: FloatArray, s: FloatArray, *, rounds: int | None, opts: BdmOptions,
    delta: FloatArray | None = None,
) -> IssueRuns:
    """Run B games on one issue from positions x0 (B, n), capability c and salience s (B, n).

    With ``rounds`` given every game runs exactly that many rounds (repeated states
    are still detected and reported); with None each game stops when no actor moves
    more than epsilon x range or a state repeats (it then keeps that state) and the
    batch stops when every game has stopped or at ``max_rounds``. ``delta`` (B,) is
    the position range that scales distances, by default that of x0; a run continued
    after a shock passes the range it started with, so it goes on as it would have.
    """
    # NumPy's reductions round differently for other memory layouts (a slice of an
    # ensemble's draws may be Fortran-ordered); one layout makes a game's numbers
    # independent of the batch it runs in
    x0, c, s = (np.ascontiguousarray(a, dtype=float) for a in (x0, c, s))
    B, n = x0.shape
    spread = x0.max(axis=1) - x0.min(axis=1)
    delta = spread if delta is None else np.maximum(np.asarray(delta, dtype=float), spread)
    degenerate = (spread <= 0) | (n < 2)
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
        result = _round_of_active(x, c, s, safe_delta, opts, ~(stopped | degenerate))
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
    tie: float = 1e-9,
    method: Method = "auto",
    ranges: FloatArray | None = None,
    **_unused: Any,
) -> Trajectory:
    """Run the model issue by issue over the actors with a stance on each issue.

    Issues that stop early (converged, or a repeated state) keep their last state,
    so every issue's trajectory has the length of the longest one. ``ranges`` (m,)
    are the position ranges of the run's start when it continues one (after a shock).
    """
    opts = BdmOptions(probability, offer_rule, capitulation, q, epsilon, max_rounds, tie, method)
    n, m = X.shape
    runs: list[tuple[IntArray, IssueRuns]] = []
    for k in range(m):
        idx = np.flatnonzero(mask[:, k])
        x0 = X[idx, k][None, :]
        delta = None if ranges is None else np.array([float(ranges[k])])
        runs.append((idx, run_issue_batch(x0, C[idx][None, :], S[idx, k][None, :], rounds=rounds, opts=opts,
                                          delta=delta)))
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
    mean, median = round_summaries(positions, S, C, mask)
    moves.sort(key=lambda mv: (mv.round, mv.issue, mv.actor))
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
        # games are independent: run them in groups whose (group, n, n) arrays stay in cache
        step = max(1, _CACHE_ELEMENTS // max(len(idx) ** 2, 1))
        for lo in range(0, B, step):
            hi = min(B, lo + step)
            runs = run_issue_batch(X[lo:hi, idx, k], C[lo:hi, idx], S[lo:hi, idx, k], rounds=rounds, opts=opts)
            w = C[lo:hi, idx] * S[lo:hi, idx, k]
            out[lo:hi, k] = _median_of(runs.final(), w)
            for b in np.flatnonzero(runs.cycle_period > 1):
                # the cycle summary of Trajectory.final_forecast, game by game
                start, period = int(runs.cycle_start[b]), int(runs.cycle_period[b])
                phases = _median_of(runs.history[start : start + period, b], np.broadcast_to(w[b], (period, len(idx))))
                out[lo + b, k] = cycle_summary(phases[:, None], [(0, period)])[0][0]
    return out


def _median_of(x: FloatArray, w: FloatArray) -> FloatArray:
    """Weighted median of each row of x (B, n) with weights w (B, n): the forecast of a state."""
    return weighted_median(x[:, :, None], w[:, :, None], np.ones((*x.shape, 1), bool))[:, 0]
