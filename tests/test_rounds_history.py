"""The round loop's repeat search (rounds._History) finds exactly what comparing every earlier state does.

It compares actor by actor only the rounds whose sums of positions allow equality, so this checks
that the shortcut never misses a repeat: states that equal earlier ones within the tolerance, or
miss by a little, at large and small magnitudes, with missing stances, origins and joint games.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stratagem.engines.rounds import _History


def _every_state(states: np.ndarray, t: int, mask: np.ndarray, tol: np.ndarray, origin: np.ndarray,
                 looking: np.ndarray, joint: bool) -> np.ndarray:
    """The definition: for a game looking (any game of the draw, when joint), the latest s in
    [origin, t) whose positions all lie within tol of round t's."""
    B, _, m = states.shape[1:]
    found = np.full((B, m), -1)
    for b in range(B):
        same = np.zeros((t, m), dtype=bool)
        for s in range(t):
            gap = np.where(mask, np.abs(states[s, b] - states[t, b]), 0.0).max(axis=0, initial=0.0)
            same[s] = gap <= tol[b]
        if joint:
            same[:] = same.all(axis=1, keepdims=True)
        for k in range(m):
            if not (looking[b].any() if joint else looking[b, k]):
                continue
            hits = [s for s in range(origin[b, k], t) if same[s, k]]
            found[b, k] = hits[-1] if hits else -1
    return found


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), scale=st.sampled_from([1e-3, 1.0, 100.0, 1e6]), joint=st.booleans())
def test_the_fingerprint_search_equals_comparing_every_state(seed: int, scale: float, joint: bool) -> None:
    rng = np.random.default_rng(seed)
    B, n, m, T = 4, int(rng.integers(1, 7)), int(rng.integers(1, 4)), int(rng.integers(2, 12))
    mask = rng.uniform(size=(n, m)) < 0.8
    tol = np.full((B, m), 1e-12 * scale)
    states = [rng.uniform(0, scale, (B, n, m))]
    for _ in range(T):
        back = states[int(rng.integers(len(states)))]
        nudge = rng.choice([0.0, 0.5, 0.999, 1.001, 2.0, 1e6], size=(B, n, m)) * tol[:, None, :]
        fresh = rng.uniform(0, scale, (B, n, m))
        states.append(np.where(rng.uniform(size=(B, 1, 1)) < 0.7, back + rng.choice([-1, 1]) * nudge, fresh))
    stack = np.array(states)
    history = _History(stack[0], mask, limit=T)
    for t in range(1, T + 1):
        history.append(t, stack[t], mask)
    origin = rng.integers(0, T // 2 + 1, (B, m))
    looking = rng.uniform(size=(B, m)) < 0.8
    got = history.repeat(T, mask, tol, origin, looking, joint)
    np.testing.assert_array_equal(got, _every_state(stack, T, mask, tol, origin, looking, joint))
