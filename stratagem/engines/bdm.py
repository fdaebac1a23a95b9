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
(:func:`pair_support_sorted`), which applies to every switch of the model. By default
(``method="auto"``) the whole round runs as one compiled numba kernel over every
running game of the batch (:func:`stratagem.engines._kernels.round_kernel`; single runs
start in NumPy and switch once their own rounds amount to :data:`NUMPY_FIRST_MS`, so a short one does
not wait for numba to start), and a batch without timed shocks runs its whole loop compiled
(``BdmModel.play``): the
NumPy functions below are their specification and the path for ``method="sorted"``,
for non-finite inputs, and where numba cannot be imported (it is a dependency); both
give the same bits, tested. All methods give the same results to rounding.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from stratagem.engines.base import (
    BoolArray,
    FloatArray,
    Move,
    option,
    weighted_median,
    weights,
)
from stratagem.engines.rounds import RoundModel
from stratagem.model.limits import MAX_ROUNDS

Probability = Literal["global", "local", "net"]
OfferRule = Literal["scs", "min_distance", "least_move"]
Method = Literal["auto", "sorted", "reference"]
IntArray = NDArray[np.int64]

_CHUNK_ELEMENTS = 1_000_000  # bound on temporary (B, k, i, j) blocks, ~8 MB
_CACHE_ELEMENTS = 8_192  # games per group in ensembles: (group, n, n) float arrays of ~64 KB


@dataclass(frozen=True)
class BdmOptions:
    """The model's switches; defaults reproduce the published replication."""

    probability: Probability = option(
        "global", "win probability: global = Scholz's code (risk-adjusted votes, global denominator); "
        "local = as printed; net = Masad's clipped net support")
    offer_rule: OfferRule = option(
        "scs", "which offer an actor accepts: scs = confrontation, then compromise by Scholz's key, then "
        "capitulation; min_distance = same order, nearest offer of each type (as printed); "
        "least_move = the smallest move over all offer types")
    capitulation: bool = option(False, "let the capitulation branch fire (unreachable in Scholz's code)")
    q: float = option(1.0, "probability that the status quo persists without a challenge", minimum=0.0, maximum=1.0)
    epsilon: float = option(1e-12, "positions closer than epsilon x range count as equal; also the move tolerance",
                            minimum=0.0, maximum=0.01)
    max_rounds: int = option(100, "round limit of the stopping rule when --rounds is not given",
                             minimum=1, maximum=MAX_ROUNDS)
    # choosing among offers (SCS section 6) and T of eq. 25a count values closer than
    # this as equal: keys, resulting positions and gaps as a share of the issue's
    # range, proposers' EUs in utility units. Without it, a tie in exact arithmetic
    # (say two offers equidistant from the receiver) is decided by the last bit of
    # rounding, which differs between the sum orders of the methods below; 1e-9 is
    # far above that noise (~1e-15) and far below any difference the model means.
    tie: float = option(1e-9, "offers whose keys, positions (x range) or proposer EUs differ by less count as "
                        "tied, so exact ties never depend on rounding", minimum=0.0, maximum=1e-3)
    # how the pairwise vote sums are computed, not a model switch: every method gives
    # the same results to rounding ("reference" is the O(n^3) definition, for tests,
    # in the previous release's operation order), and with ``tie`` the same offers
    method: Method = option(
        "auto", "how the vote sums are computed, not a model switch: auto = sorted running sums, the whole round "
        "compiled (numba); sorted = the same in NumPy (same bits); reference = the O(n^3) definition")


_LIBM_POW = np.frompyfunc(math.pow, 2, 1)  # bases here are never negative: distances and shares in [0, 1]


def _power(base: FloatArray, exponent: FloatArray) -> FloatArray:
    """base ** exponent elementwise by the C library's pow, as the compiled kernels compute it: NumPy's
    own SIMD power (AVX-512 machines) differs from it in the last bit in a few percent of cases."""
    out: FloatArray = np.asarray(_LIBM_POW(base, exponent), dtype=float)
    return out


def _utility(share: FloatArray, r: FloatArray) -> FloatArray:
    """2 - 4 * share**r: the risk-adjusted utility family of SCS eqs. 15-24."""
    out: FloatArray = 2.0 - 4.0 * _power(share, r)
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
    ``auto`` and ``sorted`` take the sorted path (the compiled round computes the same bits
    itself); non-finite inputs go to the reference path.
    """
    if method == "reference" or not (np.isfinite(x).all() and np.isfinite(y).all()):
        return pair_support_reference(y, w)
    return pair_support_sorted(y, w, x)


def _vote_total(y: FloatArray, w: FloatArray) -> FloatArray:
    """sum_k w_k sum_{a, b} |y[k, a] - y[k, b]| per game, from each voter's sorted values.

    O(n log n) per voter. Summed one term at a time in a fixed order (not by a matrix
    product, whose order depends on the BLAS), so the compiled round
    (:func:`stratagem.engines._kernels.round_kernel`) reproduces it bit for bit.
    """
    B, n = w.shape
    ranks = 2.0 * np.arange(n) - n + 1.0
    ordered = np.sort(y, axis=2)
    per_voter = np.zeros((B, n))
    for a in range(n):
        per_voter = per_voter + ordered[:, :, a] * ranks[a]
    total = np.zeros(B)
    for k in range(n):
        total = total + w[:, k] * per_voter[:, k]
    out: FloatArray = 2.0 * total
    return out


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
        y = dist if np.all(r == 1.0) else _power(dist, r[:, :, None])
        numerator = pair_support(y, w, x, method)
        denominator = _vote_total(y, w)
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
_PROBABILITY_CODES = {"global": 0, "local": 1, "net": 2}


def _params(opts: BdmOptions) -> tuple[int, float, float, float, float, int, bool, float]:
    """The options as the compiled round takes them (and 0.5, see ``_kernels._game_py``)."""
    return (_PROBABILITY_CODES[opts.probability], float(opts.q), float(opts.tie), float(opts.epsilon), _SIGN_MARGIN,
            _RULE_CODES[opts.offer_rule], bool(opts.capitulation), 0.5)


def _compiles(opts: BdmOptions, *inputs: FloatArray) -> bool:
    """Do the compiled kernels apply (``method="auto"``, finite inputs)? Each caller then loads only
    the kernel it runs (a kernel's first call loads it from numba's cache or compiles it)."""
    return opts.method == "auto" and all(bool(np.isfinite(a).all()) for a in inputs)


#: NumPy work a single run does before it loads the compiled round, in estimated milliseconds of
#: NumPy rounds (:func:`_numpy_ms`): importing and starting numba costs about 0.7 s, more than a short
#: run takes in NumPy (the same bits either way, tested), so `stratagem forecast` need not pay it.
#: Counted from the run's own rounds, not a clock, so the path a run takes depends on its inputs only;
#: batches without timed shocks run the compiled loop (``BdmModel.play``) from the start, and once a
#: kernel is loaded in the process every run is compiled.
NUMPY_FIRST_MS = 500.0


def _numpy_ms(games: int, n: int) -> float:
    """Estimated milliseconds of ``games`` NumPy issue-rounds of n actors: about 2 ms of calls per
    issue-round plus 1 us per actor pair (measured at n = 5-120, docs/benchmarks.md)."""
    return games * (2.0 + n * n / 1000.0)


def _load_compiled(state: BdmState) -> bool:
    """Is the compiled round worth using now (a kernel is loaded, or this run has done enough NumPy work)?"""
    from stratagem.engines import _kernels

    return _kernels.loaded() or state.numpy_ms >= NUMPY_FIRST_MS


def _compiled_round(opts: BdmOptions, *inputs: FloatArray) -> Any:
    """The compiled round when it applies (see :func:`_compiles`) and numba is importable, else None."""
    if not _compiles(opts, *inputs):
        return None
    from stratagem.engines import _kernels

    return _kernels.round_kernel()


def bdm_round(x: FloatArray, c: FloatArray, s: FloatArray, delta: FloatArray, opts: BdmOptions) -> RoundResult:
    """One round for every game in the batch: risk, expected utilities, offers, moves.

    With ``method="auto"`` (and numba, a dependency) the whole round runs compiled,
    game by game (:func:`stratagem.engines._kernels.round_kernel`: the operations of
    :func:`offer_expected_utilities` and :func:`offers` in the same order, so the same
    bits as ``method="sorted"``); otherwise in NumPy over the batch.
    """
    kernel = _compiled_round(opts, x, c, s, delta)
    if kernel is not None:
        B, n = x.shape
        X = np.ascontiguousarray(x, dtype=float)[:, :, None]
        new_X, risk = X.copy(), np.ones((B, n, 1))
        partner, kind = np.full((B, n, 1), -1, dtype=np.int64), np.zeros((B, n, 1), dtype=np.int8)
        kernel(X, np.ascontiguousarray(s, dtype=float)[:, :, None], np.ascontiguousarray(c, dtype=float),
               np.ones((n, 1), dtype=bool), np.ascontiguousarray(delta, dtype=float)[:, None],
               np.ones((B, 1), dtype=bool), *_params(opts), new_X, risk, partner, kind)
        return RoundResult(positions=new_X[:, :, 0], risk=risk[:, :, 0], partner=partner[:, :, 0], kind=kind[:, :, 0])
    r, e_ao, e_oa = offer_expected_utilities(x, c, s, delta, opts)
    new_x, partner_, kind_ = offers(x, e_ao, e_oa, opts.epsilon * delta, opts.tie * delta, opts)
    return RoundResult(positions=new_x, risk=r, partner=partner_, kind=kind_)


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


_KINDS = {1: "confrontation", 2: "compromise", 3: "capitulation"}


@dataclass
class BdmState:
    """B draws of every issue: positions (B, n, m), the inputs, and each issue's range."""

    X: FloatArray
    S: FloatArray
    C: FloatArray
    mask: BoolArray
    delta: FloatArray  # (B, m) the position range distances are scaled by (kept from the start)
    frozen: BoolArray  # (B, m) all actors at one position, or fewer than two actors
    risk: FloatArray  # (B, n, m)
    opts: BdmOptions
    moves: list[Move]
    numpy_ms: float = 0.0  # estimated NumPy work of this run so far (see NUMPY_FIRST_MS)


def _spread(X: FloatArray, mask: BoolArray) -> FloatArray:
    hi = np.where(mask, X, -np.inf).max(axis=1)
    lo = np.where(mask, X, np.inf).min(axis=1)
    out: FloatArray = np.where(np.isfinite(hi) & np.isfinite(lo), hi - lo, 0.0)
    return out


class BdmModel(RoundModel):
    """The challenge model as a state and one round: every issue is its own game, and the
    draws of a batch are advanced together, in cache-sized groups, leaving out stopped games."""

    vectorised = True
    frozen_reason = "all actors at one position"

    def start(self, X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
              opts: BdmOptions, rng: np.random.Generator | None) -> BdmState:
        # one memory layout: NumPy's reductions round differently for others (a slice of an
        # ensemble's draws may be Fortran-ordered), so a game's bits do not depend on its batch
        X, S, C = (np.ascontiguousarray(a, dtype=float) for a in (X, S, C))
        spread = _spread(X, mask)
        return BdmState(X, S, C, mask, spread, self._degenerate(spread, mask, X.shape[0]),
                        np.ones(X.shape), opts, [])

    @staticmethod
    def _degenerate(spread: FloatArray, mask: BoolArray, B: int) -> BoolArray:
        return (spread <= 0) | (mask.sum(axis=0) < 2)[None, :].repeat(B, axis=0)

    def step(self, state: BdmState, active: BoolArray, t: int, record: bool) -> BdmState:
        run = np.ascontiguousarray(active & ~state.frozen)
        compiles = _compiles(state.opts, state.X, state.S, state.C)
        kernel = _compiled_round(state.opts, state.X, state.S, state.C) if compiles and _load_compiled(state) else None
        if kernel is None:
            # finite inputs of method "auto" not compiled yet: the sorted NumPy form (the same bits)
            opts = dataclasses.replace(state.opts, method="sorted") if compiles else state.opts
            out = self._step_numpy(dataclasses.replace(state, opts=opts), run, t, record)
            return dataclasses.replace(out, opts=state.opts,
                                       numpy_ms=state.numpy_ms + _numpy_ms(int(run.sum()), state.X.shape[1]))
        # one compiled call advances every running game of every issue
        X, risk = state.X.copy(), state.risk.copy()
        partner, kind = np.full(X.shape, -1, dtype=np.int64), np.zeros(X.shape, dtype=np.int8)
        kernel(state.X, state.S, state.C, np.ascontiguousarray(state.mask), np.ascontiguousarray(state.delta),
               run, *_params(state.opts), X, risk, partner, kind)
        moves: list[Move] = []
        if record:
            for k in np.flatnonzero(run[0]):
                for a in np.flatnonzero(partner[0, :, k] >= 0):
                    before, after = float(state.X[0, a, k]), float(X[0, a, k])
                    if before != after:
                        moves.append(Move(t, int(k), int(a), int(partner[0, a, k]), _KINDS[int(kind[0, a, k])],
                                          before, after))
        return dataclasses.replace(state, X=X, risk=risk, moves=moves)

    def play(self, state: BdmState, limit: int, stop_period: int) -> tuple[FloatArray, Any, Any] | None:
        """The loop of a batch in one compiled call (:func:`stratagem.engines._kernels.play_kernel`), game
        by game, each to its own end; where the round is not compiled, None (the shared loop runs)."""
        if not _compiles(state.opts, state.X, state.S, state.C):
            return None
        from stratagem.engines import _kernels

        kernel = _kernels.play_kernel()
        if kernel is None:
            return None
        B, _, m = state.X.shape
        F = np.empty((limit + 1, B, m))
        start, period, ends = (np.empty((B, m), dtype=np.int64) for _ in range(3))
        kernel(state.X, state.S, state.C, np.ascontiguousarray(state.mask), np.ascontiguousarray(state.delta),
               np.ascontiguousarray(state.frozen), np.ascontiguousarray(self.tolerance(state)), limit, stop_period,
               *_params(state.opts), F, start, period, ends)
        T = limit if stop_period == 0 else int(ends.max(initial=0))
        # as the shared loop: in round 1 a frozen game of a draw with a running game repeats round 0
        if T >= 1:
            echo = state.frozen & ~state.frozen.all(axis=1, keepdims=True)
            start[echo], period[echo] = 0, 1
        return F[: T + 1], start, period

    def nogil(self, opts: BdmOptions) -> bool:
        return opts.method == "auto"  # the compiled loop (the kernels are nogil)

    def _step_numpy(self, state: BdmState, run: BoolArray, t: int, record: bool) -> BdmState:
        """The step in NumPy (``method`` "sorted" or "reference", or inputs that are not finite)."""
        X, risk = state.X.copy(), state.risk.copy()
        moves: list[Move] = []
        for k in range(X.shape[2]):
            todo = np.flatnonzero(run[:, k])
            idx = np.flatnonzero(state.mask[:, k])
            # games are independent: in groups whose (group, n, n) arrays stay in cache
            group = max(1, _CACHE_ELEMENTS // max(len(idx) ** 2, 1))
            for lo in range(0, todo.size, group):
                g = todo[lo : lo + group]
                x = np.ascontiguousarray(state.X[g][:, idx, k])
                res = bdm_round(x, np.ascontiguousarray(state.C[g][:, idx]),
                                np.ascontiguousarray(state.S[g][:, idx, k]), state.delta[g, k], state.opts)
                X[g[:, None], idx[None, :], k] = res.positions
                risk[g[:, None], idx[None, :], k] = res.risk
                if record:
                    for a in np.flatnonzero(res.partner[0] >= 0):
                        before, after = float(x[0, a]), float(res.positions[0, a])
                        if before != after:
                            moves.append(Move(t, k, int(idx[a]), int(idx[res.partner[0, a]]),
                                              _KINDS[int(res.kind[0, a])], before, after))
        return dataclasses.replace(state, X=X, risk=risk, moves=moves)

    def positions(self, state: BdmState) -> FloatArray:
        return state.X

    def forecast(self, state: BdmState) -> FloatArray:
        """The weighted median of the positions (the replication's forecast): compiled where the
        round is (the same bits as :func:`weighted_median`, which runs otherwise)."""
        W = weights(state.S, state.C, state.mask)
        if _compiles(state.opts, state.X, W) and _load_compiled(state):
            from stratagem.engines import _kernels

            kernel = _kernels.forecast_kernel()
            if kernel is not None:
                out: FloatArray = kernel(state.X, np.ascontiguousarray(W), np.ascontiguousarray(state.mask))
                return out
        return weighted_median(state.X, W, np.broadcast_to(state.mask, state.X.shape))

    def tolerance(self, state: BdmState) -> FloatArray:
        out: FloatArray = state.opts.epsilon * np.where(state.frozen, 1.0, state.delta)
        return out

    def frozen(self, state: BdmState) -> BoolArray:
        return state.frozen

    def shocked(self, state: BdmState, X: FloatArray, S: FloatArray, C: FloatArray, mask: BoolArray) -> BdmState:
        """Distances stay scaled by the range the run started with (wider if the event widened it),
        so an event that changes nothing leaves the run as it was."""
        X, S, C = (np.ascontiguousarray(a, dtype=float) for a in (X, S, C))
        spread = _spread(X, mask)
        return dataclasses.replace(state, X=X, S=S, C=C, mask=mask, delta=np.maximum(state.delta, spread),
                                   frozen=self._degenerate(spread, mask, X.shape[0]))

    def risk(self, state: BdmState) -> FloatArray:
        return state.risk

    def moves(self, state: BdmState) -> list[Move]:
        return state.moves
