"""Compiled kernels for the bdm engine (numba): built ahead of time at install (``tools/build_kernels.py``,
loaded without numba), else compiled or loaded from numba's cache on first use.

Nothing here is a model. Each kernel performs exactly the floating-point operations of
a NumPy function in :mod:`stratagem.engines.bdm`, in the same order and without
fast-math, so both give the same bits (tests check this). Profiling showed why they
exist: the pairwise vote sums were 60-90% of a bdm round, and their sorted O(n^2) form
is a loop with data-dependent bounds that NumPy can only express with O(n^3)
comparisons or one call per game; once compiled, the rest of a round was dozens of
small NumPy calls per issue, so :func:`round_kernel` runs the whole round, game by game,
in one call per round, and :func:`play_kernel` a batch's whole loop, so no Python runs
between rounds (what is left is mostly the n^2 powers of the votes and those of the offers that
can be made: :func:`_game_py` skips the pairs whose offer provably cannot fire).
"""

from __future__ import annotations

import functools
import importlib
import threading
from typing import Any

import numpy as np


def _midpoint_py(xs: Any, xi: float, xj: float, lt: int, le: int) -> tuple[int, int, int, int]:
    """The exact midpoint of x_i < x_j among the sorted positions xs (as ``_midpoint_counts``): two
    pointers that only move forward as x_j grows (lt: voters with 2 x_t < s, s the rounded x_i + x_j;
    le: with 2 x_t <= s), and the places of the voters strictly left of the midpoint (i's supporters)
    and left of or at it (the rest support j)."""
    n = xs.shape[0]
    total = xi + xj
    back = total - xi
    err = (xi - (total - back)) + (xj - back)  # TwoSum: x_i + x_j = total + err exactly
    while lt < n and xs[lt] + xs[lt] < total:
        lt += 1
    if le < lt:
        le = lt
    while le < n and xs[le] + xs[le] <= total:
        le += 1
    return lt, le, (le if err > 0 else lt), (le if err >= 0 else lt)


def _pick_py(cand: Any, key: Any, eu: Any, pos: Any, tie_pos: float, tie_eu: float) -> int:
    """Loop form of :func:`stratagem.engines.bdm._pick` for one receiver (-1 for none).

    Smallest key; ties (within the tolerances) to the larger proposer EU, then to the
    lower resulting position, then to the lower index.
    """
    n = cand.shape[0]
    best = np.inf
    found = False
    for o in range(n):
        if cand[o]:
            found = True
            if key[o] < best:
                best = key[o]
    if not found:
        return -1
    eager = -np.inf
    for o in range(n):
        if cand[o] and key[o] <= best + tie_pos and eu[o] > eager:
            eager = eu[o]
    lowest = np.inf
    for o in range(n):
        if cand[o] and key[o] <= best + tie_pos and eu[o] >= eager - tie_eu and pos[o] < lowest:
            lowest = pos[o]
    for o in range(n):
        if cand[o] and key[o] <= best + tie_pos and eu[o] >= eager - tie_eu and pos[o] <= lowest + tie_pos:
            return o
    return -1


# -- the whole round, fused ------------------------------------------------------------------------
# One call per round advances every running game (draw b, issue k) of a batch. Per game it does
# what bdm.offer_expected_utilities and bdm.offers do over a batch in NumPy, in the same
# floating-point operations and order, but in one pass over (n, n) scratch arrays that stay in
# cache, and it skips work whose result is never read: powers of zero distances, and the EUs of
# actors a receiver does not consider (positions within epsilon), which enter no offer.


def _median_py(v: Any, u: Any, order: Any) -> float:
    """:func:`stratagem.engines.base.weighted_median` of one game: values v, weights u (already the
    weights in use), order a scratch array. Stable order, weights accumulated in it, same thresholds."""
    n = v.shape[0]
    _stable_order(v, order)
    last = 0.0
    for t in range(n):
        last = u[order[t]] if t == 0 else last + u[order[t]]
    half = last / 2.0
    tol = 1e-12 * last
    lower = -1
    upper = -1
    cum = 0.0
    for t in range(n):
        cum = u[order[t]] if t == 0 else cum + u[order[t]]
        if lower < 0 and cum >= half - tol:
            lower = t
        if upper < 0 and cum > half + tol:
            upper = t
    lower = max(lower, 0)  # np.argmax of an all-False row is 0
    upper = max(upper, 0)
    return (v[order[lower]] + v[order[upper]]) / 2.0


def _forecast_py(X: Any, W: Any, mask: Any) -> Any:
    """(B, m) weighted medians over actors of X with weights W (B, n, m), as ``weighted_median``
    with a mask (n, m) shared by the draws: no stance counts as +inf with weight 0."""
    B, n, m = X.shape
    out = np.empty((B, m))
    v = np.empty(n)
    u = np.empty(n)
    order = np.empty(n, dtype=np.int64)
    for b in range(B):
        for k in range(m):
            out[b, k] = _column_median(X[b, :, k], W[b, :, k], mask[:, k], v, u, order)
    return out


def _column_median_py(x: Any, w: Any, has: Any, v: Any, u: Any, order: Any) -> float:
    """The forecast of one game: x, w (n,) over all actors, ``has`` those with a stance (v, u, order
    scratch); without weight every stance counts alike."""
    n = x.shape[0]
    total = 0.0
    for i in range(n):
        total += w[i]
    for i in range(n):
        v[i] = x[i] if has[i] else np.inf
        if total > 0:
            u[i] = w[i]
        else:
            u[i] = 1.0 if has[i] else 0.0
    return _median(v, u, order)


def _stable_order_py(v: Any, order: Any) -> None:
    """order = np.argsort(v, kind="stable"): by insertion for small games (no allocation, fast on
    the nearly sorted positions of later rounds), else numba's merge sort."""
    n = v.shape[0]
    if n > 48:
        order[:] = np.argsort(v, kind="mergesort")
        return
    for t in range(n):
        key = v[t]
        u = t - 1
        while u >= 0 and v[order[u]] > key:
            order[u + 1] = order[u]
            u -= 1
        order[u + 1] = t


def _sorted_row_py(y: Any, k: int, order: Any, place: Any, row: Any) -> None:
    """row = np.sort(y[k]): y[k, a] grows with |x_k - x_a|, so the values left and right of k in
    position order are merged (O(n)); an insertion pass makes the row exactly sorted whatever the
    rounding of the powers, so the values are np.sort's."""
    n = y.shape[0]
    p = place[k]
    lo = p - 1
    hi = p + 1
    row[0] = y[k, order[p]]
    t = 1
    while lo >= 0 and hi < n:
        left = y[k, order[lo]]
        right = y[k, order[hi]]
        if left <= right:
            row[t] = left
            lo -= 1
        else:
            row[t] = right
            hi += 1
        t += 1
    while lo >= 0:
        row[t] = y[k, order[lo]]
        lo -= 1
        t += 1
    while hi < n:
        row[t] = y[k, order[hi]]
        hi += 1
        t += 1
    for t in range(1, n):
        value = row[t]
        u = t - 1
        while u >= 0 and row[u] > value:
            row[u + 1] = row[u]
            u -= 1
        row[u + 1] = value


def _places_py(x: Any, order: Any, place: Any, xs: Any, below: Any, upto: Any) -> None:
    """Voters sorted by position (stable), each voter's place in that order, and, per pair of
    sorted places p < q with different positions, the places of their exact midpoint (as in
    :func:`stratagem.engines.bdm.pair_support_sorted`)."""
    n = x.shape[0]
    _stable_order(x, order)
    for t in range(n):
        xs[t] = x[order[t]]
        place[order[t]] = t
    for p in range(n):
        xi = xs[p]
        lt = 0
        le = 0
        for q in range(p + 1, n):
            xj = xs[q]
            if xi == xj:
                continue
            lt, le, below[p, q], upto[p, q] = _midpoint(xs, xi, xj, lt, le)


def _probabilities_py(y: Any, w: Any, rule: int, order: Any, place: Any, xs: Any, below: Any, upto: Any,
                      pref: Any, suf: Any, sup: Any, ranks: Any, row: Any, P: Any) -> None:
    """P[i, j] of :func:`stratagem.engines.bdm.win_probabilities` for one game; y[k, a] is voter k's
    (risk-adjusted) distance to a. rule: 0 global, 1 local, 2 net (local and net take plain distances)."""
    n = y.shape[0]
    k = order[0]
    for a in range(n):
        pref[1, a] = w[k] * y[k, a]
    for t in range(1, n):
        k = order[t]
        for a in range(n):
            pref[t + 1, a] = pref[t, a] + w[k] * y[k, a]
    k = order[n - 1]
    for a in range(n):
        suf[n - 1, a] = w[k] * y[k, a]
    for t in range(n - 2, -1, -1):
        k = order[t]
        for a in range(n):
            suf[t, a] = suf[t + 1, a] + w[k] * y[k, a]
    for p in range(n):
        i = order[p]
        sup[i, i] = 0.0
        for q in range(p + 1, n):
            j = order[q]
            if xs[p] == xs[q]:
                sup[i, j] = 0.0
                sup[j, i] = 0.0
                continue
            lo = below[p, q]
            hi = upto[p, q]
            sup[i, j] = pref[lo, j] - pref[lo, i]
            sup[j, i] = suf[hi, i] - suf[hi, j]
    if rule == 0:
        # sum over ordered pairs of |y_a - y_b| per voter from its sorted values, weighted by w_k
        den = 0.0
        for k in range(n):
            _sorted_row(y, k, order, place, row)
            acc = 0.0
            for a in range(n):
                acc = acc + row[a] * ranks[a]
            den = den + w[k] * acc
        den = 2.0 * den
        for i in range(n):
            for j in range(n):
                P[i, j] = sup[i, j] / den if den > 0 else 0.0
    else:
        for i in range(n):
            for j in range(n):
                total = sup[i, j] + sup[j, i]
                if rule == 1:
                    support = sup[i, j]
                else:
                    net = sup[i, j] - sup[j, i]
                    support = net if net > 0.0 else 0.0
                P[i, j] = support / total if total > 0 else 0.5
    for i in range(n):
        P[i, i] = 0.0


def _status_quo_py(gap_c: Any, gap: float, d: float, delta: float, margin: float, q: float, r: float) -> float:
    """(1 - Q)(T U_b + (1 - T) U_w) of SCS eq. 25a for one pair (bdm._status_quo_term)."""
    d_mu = gap_c / delta
    ub = 2.0 - 4.0 * (0.5 - 0.25 * (d_mu + d)) ** r
    uw = 2.0 - 4.0 * (0.5 + 0.25 * (d_mu + d)) ** r
    t = 1.0 if gap_c < gap - margin else 0.0
    return (1.0 - q) * (t * ub + (1.0 - t) * uw)


def _game_py(x: Any, c: Any, s: Any, delta: float, rule: int, q: float, tie: float, eps: float,
             sign_margin: float, offer_rule: int, capitulation: bool, half: float, sc: Any, iw: Any,
             new_x: Any, r: Any, partner: Any, kind: Any) -> None:
    """One round of one game (SCS): risk exponents, win probabilities, both EUs, offers, moves.

    ``sc`` (float) and ``iw`` (int) hold the scratch arrays, so a batch allocates them once.
    ``half`` is 0.5, given at run time: with the constant written in, LLVM turns 0.5 ** r into
    exp2(-r), whose last bit differs from pow's (NumPy's).
    """
    n = x.shape[0]
    w, xs, ranks, row, danger, mu_gap = sc[0][0], sc[0][1], sc[0][2], sc[0][3], sc[0][4], sc[0][5]
    eu_row, new_pos, move, comp_key = sc[0][6], sc[0][7], sc[0][8], sc[0][9]
    dist, y, sup, P, eu = sc[1][0], sc[1][1], sc[1][2], sc[1][3], sc[1][4]
    pref, suf = sc[2][0], sc[2][1]
    order, place, below, upto = iw[0], iw[7], iw[1], iw[2]
    conf, comp, capit, anyof = iw[3], iw[4], iw[5], iw[6]
    for t in range(n):
        w[t] = c[t] * s[t]
    mu = 0.0
    if q < 1.0:
        total = 0.0
        for t in range(n):
            total += w[t]
        for t in range(n):
            row[t] = w[t] if total > 0 else 1.0
        mu = _median(x, row, order)
        for t in range(n):
            mu_gap[t] = abs(x[t] - mu)
    for i in range(n):
        for j in range(n):
            dist[i, j] = abs(x[i] - x[j]) / delta
    _places(x, order, place, xs, below, upto)
    for a in range(n):
        ranks[a] = 2.0 * a - n + 1.0
    margin = tie * delta
    # risk-neutral pass (SCS eqs. 32-33): how threatened each actor is
    _probabilities(dist, w, rule, order, place, xs, below, upto, pref, suf, sup, ranks, row, P)
    for i in range(n):
        for j in range(n):
            if i == j:
                eu[i, j] = 0.0
                continue
            d = dist[i, j]
            us = 2.0 - 4.0 * (0.5 - 0.5 * d)
            uf = 2.0 - 4.0 * (0.5 + 0.5 * d)
            p = P[i, j]
            e = s[j] * (p * us + (1.0 - p) * uf) + (1.0 - s[j]) * us
            if q < 1.0:
                e = e - _status_quo(mu_gap[i], abs(x[i] - x[j]), d, delta, margin, q, 1.0)
            eu[i, j] = e
    for i in range(n):
        acc = eu[0, i]
        for k in range(1, n):
            acc = acc + eu[k, i]
        danger[i] = acc
    hi = danger[0]
    lo = danger[0]
    for i in range(1, n):
        hi = max(hi, danger[i])
        lo = min(lo, danger[i])
    flat = (hi - lo) <= 1e-15 * max(1.0, max(abs(hi), abs(lo)))
    for i in range(n):
        R = 0.0 if flat else (2.0 * danger[i] - hi - lo) / (hi - lo)
        r[i] = (1.0 - R / 3.0) / (1.0 + R / 3.0)
    # win probabilities with the voters' own exponents (the global rule only; local and net are linear)
    if rule == 0:
        for k in range(n):
            rk = r[k]
            for a in range(n):
                d = dist[k, a]
                y[k, a] = d if (d == 0.0 or rk == 1.0) else d ** rk
        _probabilities(y, w, rule, order, place, xs, below, upto, pref, suf, sup, ranks, row, P)
    # offers (SCS section 6): a's EUs of the pair (a, o) as a perceives them, with r_a
    tol = eps * delta
    tie_pos = tie * delta
    for a in range(n):
        xa = x[a]
        ra = r[a]
        half_r = half ** ra
        usq = 2.0 - 4.0 * half_r
        # with Q = 1, o's EU of challenging a is 4 (h^r_a)(v^r - u^r)(rho - sigma) (u, v = 1 -+ d, h = 0.5): it
        # needs sigma = s_a (1 - P_oa) < rho = (1 - u^r) / (v^r - u^r), which is at most max(1/2, 2^-r) for
        # d in (0, 1] (r >= 1: Jensen; r < 1: concavity). Beyond that bound, with a margin far above rounding,
        # o makes no offer (every kind needs its EU > _SIGN_MARGIN), so its utilities are not computed.
        # Nor where sigma exceeds a's sigma' = s_o (1 - P_ao) by more than rounding: E_oa - E_ao is the same
        # factor (at least d for r in [0.5, 2]) times sigma' - sigma, and every kind needs E_oa > E_ao.
        beyond = max(0.5, half_r) + 1e-12
        for o in range(n):
            xo = x[o]
            gap = abs(xa - xo)
            sigma = s[a] * (1.0 - P[o, a])
            if o == a or not gap > tol or (q == 1.0 and dist[a, o] <= 1.0 and (
                    sigma > beyond or (sigma - s[o] * (1.0 - P[a, o])) * dist[a, o] > 1e-13)):
                conf[o] = comp[o] = capit[o] = anyof[o] = False
                eu_row[o] = 0.0
                new_pos[o] = xo
                move[o] = abs(xo - xa)
                continue
            d = dist[a, o]
            us = 2.0 - 4.0 * (0.5 - 0.5 * d) ** ra
            uf = 2.0 - 4.0 * (0.5 + 0.5 * d) ** ra
            p_ao = P[a, o]
            p_oa = P[o, a]
            ea = s[o] * (p_ao * us + (1.0 - p_ao) * uf) + (1.0 - s[o]) * us - q * usq
            eo = s[a] * (p_oa * us + (1.0 - p_oa) * uf) + (1.0 - s[a]) * us - q * usq
            if q < 1.0:
                ea = ea - _status_quo(mu_gap[a], gap, d, delta, margin, q, ra)
                eo = eo - _status_quo(mu_gap[o], gap, d, delta, margin, q, ra)
            eu_row[o] = eo
            mg = tie * max(abs(eo), abs(ea))
            conf[o] = eo > ea + mg and ea > sign_margin
            comp[o] = eo > sign_margin and ea < -sign_margin and eo > abs(ea) + mg
            capit[o] = capitulation and eo > sign_margin and ea < -sign_margin and eo < abs(ea) - mg
            anyof[o] = conf[o] or comp[o] or capit[o]
            if comp[o]:
                new_pos[o] = xa + (xo - xa) * abs(ea / eo)
                comp_key[o] = (abs(ea) * xa + abs(eo) * xo) / (abs(ea) + abs(eo))
            else:
                new_pos[o] = xo
            move[o] = abs(new_pos[o] - xa)
        if offer_rule == 2:
            choice = _pick(anyof, move, eu_row, new_pos, tie_pos, tie)
        else:
            choice = _pick(conf, move, eu_row, new_pos, tie_pos, tie)
            if choice < 0:
                choice = _pick(comp, comp_key if offer_rule == 0 else move, eu_row, new_pos, tie_pos, tie)
            if choice < 0:
                choice = _pick(capit, move, eu_row, new_pos, tie_pos, tie)
        partner[a] = choice
        if choice < 0:
            new_x[a] = xa
            kind[a] = 0
        else:
            new_x[a] = new_pos[choice]
            kind[a] = 1 if conf[choice] else (2 if comp[choice] else 3)


def _scratch_py(n: int) -> Any:
    """What one game of n actors works in: its inputs and outputs (x, c, s, new x, risk, partner, kind)
    and the scratch arrays ``_game`` takes, allocated once per issue of a batch."""
    iw0 = np.zeros((3, n, n), dtype=np.int64)
    iw = (iw0[0, 0], iw0[1], iw0[2], np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_),
          np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_), iw0[0, 1])
    sc = (np.zeros((10, n)), np.zeros((5, n, n)), np.zeros((2, n + 1, n)))
    return (np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n, dtype=np.int64),
            np.empty(n, dtype=np.int8), sc, iw)


def _step_py(X: Any, S: Any, C: Any, mask: Any, delta: Any, run: Any, rule: int, q: float, tie: float,
             eps: float, sign_margin: float, offer_rule: int, capitulation: bool, half: float,
             new_X: Any, risk: Any, partner: Any, kind: Any) -> None:
    """One round of every running game of a batch: X, S (B, n, m), C (B, n), mask (n, m), delta and
    run (B, m). Writes the games' new positions and risk exponents into new_X and risk (copies of
    the state's), and partner (actor index, -1 for none) and kind of each accepted offer."""
    B, _, m = X.shape
    for k in range(m):
        idx = np.flatnonzero(mask[:, k])
        n = idx.size
        if n < 2:
            continue
        x, c, s, nx, r, pt, kd, sc, iw = _scratch(n)
        for b in range(B):
            if not run[b, k]:
                continue
            for t in range(n):
                x[t] = X[b, idx[t], k]
                c[t] = C[b, idx[t]]
                s[t] = S[b, idx[t], k]
            _game(x, c, s, delta[b, k], rule, q, tie, eps, sign_margin, offer_rule, capitulation, half,
                  sc, iw, nx, r, pt, kd)
            for t in range(n):
                new_X[b, idx[t], k] = nx[t]
                risk[b, idx[t], k] = r[t]
                partner[b, idx[t], k] = idx[pt[t]] if pt[t] >= 0 else -1
                kind[b, idx[t], k] = kd[t]


def _play_py(X: Any, S: Any, C: Any, mask: Any, delta: Any, frozen: Any, tol: Any, limit: int, stop_period: int,
             rule: int, q: float, tie: float, eps: float, sign_margin: float, offer_rule: int,
             capitulation: bool, half: float, F: Any, cycle_start: Any, cycle_period: Any, ends: Any) -> None:
    """Every game of a batch played to its end, game by game: the loop of
    :func:`stratagem.engines.rounds.run_rounds` for a batch without events, compiled (tests check
    they agree to the bit). A game stops at its first repeat of any earlier state (positions within
    ``tol``; every state of the game is kept, ``limit`` + 1 of n positions) when ``stop_period`` is 1
    (the stopping rule), else runs ``limit`` rounds and only the first repeat is kept; a repeat to the bit
    is not played on (a round is a function of the state: the rest of F repeats the cycle). Writes F
    (limit + 1, B, m), the forecast after each round (held after a game stops, as the loop's is),
    cycle_start and cycle_period (B, m) (-1 and 0: no repeat) and ends (B, m), the round each game
    stopped at (0 for frozen games)."""
    B, N, m = X.shape
    xf = np.empty(N)
    wf = np.empty(N)
    v = np.empty(N)
    u = np.empty(N)
    mo = np.empty(N, dtype=np.int64)
    for k in range(m):
        idx = np.flatnonzero(mask[:, k])
        n = idx.size
        x, c, s, nx, r, pt, kd, sc, iw = _scratch(max(n, 1))
        past = np.empty((limit + 1, max(n, 1)))
        for b in range(B):
            for i in range(N):
                xf[i] = X[b, i, k]
                wf[i] = C[b, i] * S[b, i, k] if mask[i, k] else 0.0
            F[0, b, k] = _column_median(xf, wf, mask[:, k], v, u, mo)
            cycle_start[b, k] = -1
            cycle_period[b, k] = 0
            t = 0
            if not frozen[b, k]:
                for i in range(n):
                    x[i] = X[b, idx[i], k]
                    c[i] = C[b, idx[i]]
                    s[i] = S[b, idx[i], k]
                    past[0, i] = x[i]
                while t < limit:
                    t += 1
                    _game(x, c, s, delta[b, k], rule, q, tie, eps, sign_margin, offer_rule, capitulation, half,
                          sc, iw, nx, r, pt, kd)
                    for i in range(n):
                        x[i] = nx[i]
                        xf[idx[i]] = nx[i]
                    F[t, b, k] = _column_median(xf, wf, mask[:, k], v, u, mo)
                    found = -1
                    for earlier in range(t - 1, -1 if cycle_start[b, k] < 0 else t - 1, -1):  # latest first
                        same = True
                        for i in range(n):
                            if abs(x[i] - past[earlier, i]) > tol[b, k]:
                                same = False
                                break
                        if same:
                            found = earlier
                            break
                    for i in range(n):
                        past[t, i] = x[i]
                    if found >= 0 and cycle_start[b, k] < 0:
                        cycle_start[b, k] = found
                        cycle_period[b, k] = t - found
                        if stop_period > 0 and t - found >= stop_period:
                            break
                        exact = True
                        for i in range(n):
                            exact = exact and x[i] == past[found, i]
                        if exact:  # the same state to the bit: every later round repeats an earlier one
                            for later in range(t + 1, limit + 1):
                                F[later, b, k] = F[later - (t - found), b, k]
                            t = limit
                            break
            ends[b, k] = t
            for later in range(t + 1, limit + 1):
                F[later, b, k] = F[t, b, k]


# module globals the compiled functions call: the Python functions until _compile binds them
_pick: Any = _pick_py
_stable_order: Any = _stable_order_py
_sorted_row: Any = _sorted_row_py
_median: Any = _median_py
_column_median: Any = _column_median_py
_midpoint: Any = _midpoint_py
_places: Any = _places_py
_probabilities: Any = _probabilities_py
_status_quo: Any = _status_quo_py
_game: Any = _game_py
_scratch: Any = _scratch_py
_HELPERS = ("_pick", "_stable_order", "_sorted_row", "_median", "_column_median", "_midpoint", "_places",
            "_probabilities", "_status_quo", "_game", "_scratch")


def _compile(fn: Any, *example: Any) -> Any:
    """``fn`` compiled (numba, cached on disk, releasing the GIL) with every helper above bound to its
    compiled form, and called once on ``example`` so it compiles (or loads from the cache) now; None
    where numba is missing or cannot compile (the NumPy paths give the same bits)."""
    try:
        import numba
    except ImportError:
        return None
    names = globals()
    with _COMPILING:  # the helpers are module globals: one thread binds them at a time
        try:
            jit = numba.njit(cache=True, nogil=True)
            for name in _HELPERS:
                if not hasattr(names[name], "py_func"):  # not compiled yet
                    names[name] = jit(names[name + "_py"])
            kernel = jit(fn)
            kernel(*example)
        except Exception:  # no cache directory, unsupported platform
            for name in _HELPERS:
                names[name] = names[name + "_py"]
            return None
    return kernel


_COMPILING = threading.Lock()


_PARAMS = (0, 1.0, 1e-9, 1e-12, 1e-13, 0, False, 0.5)  # example options (see bdm._params)


def kernels() -> dict[str, tuple[Any, tuple[Any, ...]]]:
    """Each kernel's function and example arguments, of the types its callers pass (C-contiguous
    arrays): what numba compiles it for on first use, and what ``tools/build_kernels.py``
    builds ahead of time."""
    X = np.array([[[0.0], [1.0]]])
    one, B1, I1 = np.ones((1, 1)), np.zeros((1, 1), dtype=np.bool_), np.zeros((1, 1), dtype=np.int64)
    mask, S, C = np.ones((2, 1), dtype=np.bool_), np.ones((1, 2, 1)), np.ones((1, 2))
    return {
        "round": (_step_py, (X, S, C, mask, one, ~B1, *_PARAMS, X.copy(), S.copy(),
                             np.full((1, 2, 1), -1, dtype=np.int64), np.zeros((1, 2, 1), dtype=np.int8))),
        "play": (_play_py, (X, S, C, mask, one, B1, one * 1e-12, 1, 1, *_PARAMS, np.zeros((2, 1, 1)), I1, I1.copy(),
                            I1.copy())),
        "forecast": (_forecast_py, (np.zeros((1, 2, 1)), S, mask)),
    }


def built_name() -> str | None:
    """The name of the module these kernels are built into ahead of time (``tools/build_kernels.py``):
    it carries a hash of this file, so after an edit a stale build is never loaded (the kernels then compile
    with numba on first use; the install step builds again); None where the source cannot be read."""
    import hashlib
    from pathlib import Path

    try:
        sources = Path(__file__).read_bytes()
    except OSError:
        return None
    return f"_aot_{hashlib.sha256(sources).hexdigest()[:16]}"


@functools.cache
def _built() -> Any:
    """The kernels built ahead of time for this very source, or None (not built, stale, or not loadable)."""
    name = built_name()
    if name is None:
        return None
    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ImportError:
        return None


#: the Python types numba gives the same type as an example's (bool before int: a bool is an int)
_SCALARS: dict[type, tuple[type, ...]] = {bool: (bool, np.bool_), int: (int, np.int64), float: (float, np.float64)}


def _typed_like(args: tuple[Any, ...], example: tuple[Any, ...]) -> bool:
    """Are ``args`` of the very types the built kernel was compiled for (its wrapper checks neither
    dtypes nor layout: a strided or read-only array must go to numba, which compiles for it)?"""
    if len(args) != len(example):
        return False
    for a, e in zip(args, example, strict=True):
        if isinstance(e, np.ndarray):
            if not (type(a) is np.ndarray and a.dtype == e.dtype and a.ndim == e.ndim and a.flags.c_contiguous
                    and a.flags.aligned and a.flags.writeable):
                return False
        elif type(a) not in _SCALARS[type(e)]:
            return False
    return True


def _kernel(name: str) -> Any:
    """Kernel ``name``: built ahead of time where that exists (no numba in the process; arguments of
    other types go to numba's), else numba's, else None."""
    fn, example = kernels()[name]
    built = getattr(_built(), name, None)
    if built is None:
        return _compile(fn, *example)
    jit = functools.cache(lambda: _compile(fn, *example) or fn)  # fn: the Python loop, the same bits

    def kernel(*args: Any) -> Any:
        return (built if _typed_like(args, example) else jit())(*args)

    return kernel


@functools.cache
def round_kernel() -> Any:
    """The compiled round (:func:`_step_py`), or None where numba is missing or cannot compile."""
    return _kernel("round")


@functools.cache
def play_kernel() -> Any:
    """The compiled loop of a batch (:func:`_play_py`), or None where numba is missing or cannot compile."""
    return _kernel("play")


def loaded() -> bool:
    """Is a compiled kernel at hand for little cost: built ahead of time, or one loaded in this process
    already (numba is imported and started: another costs little)?"""
    return _built() is not None or any(k.cache_info().currsize for k in (round_kernel, play_kernel, forecast_kernel))


@functools.cache
def forecast_kernel() -> Any:
    """The compiled weighted median of every game (:func:`_forecast_py`), or None without numba."""
    return _kernel("forecast")
