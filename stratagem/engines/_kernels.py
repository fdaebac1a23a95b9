"""Compiled kernels for the bdm engine (numba), compiled or loaded from cache on first use.

Nothing here is a model. Each kernel performs exactly the floating-point operations of
a NumPy function in :mod:`stratagem.engines.bdm`, in the same order and without
fast-math, so results are the same bits whether or not numba is installed (tests check
this). Profiling showed why it exists: the pairwise vote sums were 60-90% of a bdm
round, and their sorted O(n^2) form is a loop with data-dependent bounds that NumPy
can only express with O(n^3) comparisons or one call per game.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np


def _pair_support_py(x: Any, y: Any, w: Any) -> Any:
    """Loop form of :func:`stratagem.engines.bdm.pair_support_sorted`, for numba to compile.

    Per game: voters sorted by position (stable, as NumPy's argsort), cumulative sums of
    w_k y[k, a] from the left (``pref``) and the right (``suf``), then for every pair the
    exact midpoint's place among the sorted positions (as ``_midpoint_counts``), found
    by two pointers that only move forward, and the difference of the cumulative sums.
    """
    B, n = x.shape
    out = np.zeros((B, n, n))
    pref = np.zeros((n + 1, n))
    suf = np.zeros((n + 1, n))
    xs = np.empty(n)
    for b in range(B):
        order = np.argsort(x[b], kind="mergesort")
        for t in range(n):
            xs[t] = x[b, order[t]]
        k = order[0]
        for a in range(n):
            pref[1, a] = w[b, k] * y[b, k, a]
        for t in range(1, n):
            k = order[t]
            for a in range(n):
                pref[t + 1, a] = pref[t, a] + w[b, k] * y[b, k, a]
        k = order[n - 1]
        for a in range(n):
            suf[n - 1, a] = w[b, k] * y[b, k, a]
        for t in range(n - 2, -1, -1):
            k = order[t]
            for a in range(n):
                suf[t, a] = suf[t + 1, a] + w[b, k] * y[b, k, a]
        for p in range(n):
            i = order[p]
            xi = xs[p]
            lt = 0  # voters with 2 x_t < s, s the rounded x_i + x_j (nondecreasing in q)
            le = 0  # voters with 2 x_t <= s
            for q in range(p + 1, n):
                j = order[q]
                xj = xs[q]
                if xi == xj:
                    continue
                total = xi + xj
                back = total - xi
                err = (xi - (total - back)) + (xj - back)  # TwoSum: x_i + x_j = total + err exactly
                while lt < n and xs[lt] + xs[lt] < total:
                    lt += 1
                if le < lt:
                    le = lt
                while le < n and xs[le] + xs[le] <= total:
                    le += 1
                below = le if err > 0 else lt  # voters strictly left of the midpoint: i's supporters
                upto = le if err >= 0 else lt  # voters left of or at it; the rest support j
                out[b, i, j] = pref[below, j] - pref[below, i]
                out[b, j, i] = suf[upto, i] - suf[upto, j]
    return out


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


def _offers_py(
    x: Any, e_ao: Any, e_oa: Any, tol: Any, tie_pos: Any, tie: float, sign_margin: float, rule: int, capitulation: bool
) -> Any:
    """Loop form of the offer step of :func:`stratagem.engines.bdm.bdm_round`.

    ``rule`` is 0 for scs, 1 for min_distance, 2 for least_move. Returns the new
    positions, the partner whose offer each receiver takes (-1 for none) and its kind
    (0 none, 1 confrontation, 2 compromise, 3 capitulation).
    """
    B, n = x.shape
    new_x = np.empty((B, n))
    partner = np.full((B, n), -1, dtype=np.int64)
    kind = np.zeros((B, n), dtype=np.int8)
    conf = np.zeros(n, dtype=np.bool_)
    comp = np.zeros(n, dtype=np.bool_)
    capit = np.zeros(n, dtype=np.bool_)
    anyof = np.zeros(n, dtype=np.bool_)
    new_pos = np.empty(n)
    move = np.empty(n)
    comp_key = np.empty(n)
    eu = np.empty(n)
    for b in range(B):
        for a in range(n):
            xa = x[b, a]
            for o in range(n):
                ea = e_ao[b, a, o]
                eo = e_oa[b, a, o]
                xo = x[b, o]
                eu[o] = eo
                apart = o != a and abs(xa - xo) > tol[b]
                margin = tie * max(abs(eo), abs(ea))
                conf[o] = apart and eo > ea + margin and ea > sign_margin
                comp[o] = apart and eo > sign_margin and ea < -sign_margin and eo > abs(ea) + margin
                capit[o] = (capitulation and apart and eo > sign_margin and ea < -sign_margin
                            and eo < abs(ea) - margin)
                anyof[o] = conf[o] or comp[o] or capit[o]
                if comp[o]:
                    new_pos[o] = xa + (xo - xa) * abs(ea / eo)
                    comp_key[o] = (abs(ea) * xa + abs(eo) * xo) / (abs(ea) + abs(eo))
                else:
                    new_pos[o] = xo
                move[o] = abs(new_pos[o] - xa)
            if rule == 2:
                choice = _pick(anyof, move, eu, new_pos, tie_pos[b], tie)
            else:
                choice = _pick(conf, move, eu, new_pos, tie_pos[b], tie)
                if choice < 0:
                    choice = _pick(comp, comp_key if rule == 0 else move, eu, new_pos, tie_pos[b], tie)
                if choice < 0:
                    choice = _pick(capit, move, eu, new_pos, tie_pos[b], tie)
            partner[b, a] = choice
            if choice < 0:
                new_x[b, a] = xa
            else:
                new_x[b, a] = new_pos[choice]
                kind[b, a] = 1 if conf[choice] else (2 if comp[choice] else 3)
    return new_x, partner, kind


@functools.cache
def pair_support_kernel() -> Any:
    """The compiled pair-support kernel, or None where numba is missing or cannot compile."""
    try:
        import numba
    except ImportError:
        return None
    try:
        kernel = numba.njit(cache=True, nogil=True)(_pair_support_py)
        kernel(np.zeros((1, 2)), np.zeros((1, 2, 2)), np.ones((1, 2)))  # compile (or load) now
    except Exception:  # no cache directory, unsupported platform: the NumPy path gives the same bits
        return None
    return kernel


_pick: Any = _pick_py  # rebound to the compiled function when offers_kernel compiles


@functools.cache
def offers_kernel() -> Any:
    """The compiled offer step, or None where numba is missing or cannot compile."""
    global _pick
    try:
        import numba
    except ImportError:
        return None
    try:
        _pick = numba.njit(cache=True, nogil=True)(_pick_py)
        kernel = numba.njit(cache=True, nogil=True)(_offers_py)
        kernel(np.zeros((1, 2)), np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), np.zeros(1), np.zeros(1), 0.0, 0.0, 0, False)
    except Exception:  # the NumPy offer step gives the same bits
        _pick = _pick_py
        return None
    return kernel
