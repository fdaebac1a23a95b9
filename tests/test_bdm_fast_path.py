"""The fast bdm paths against the definition.

``method="reference"`` sums every third actor's vote term by term (O(n^3) per game);
``"sorted"`` uses the midpoint/prefix-sum form in NumPy; ``"auto"`` runs the whole
round compiled with numba, game by game (one fused kernel). Sorted and auto must agree
bit for bit (same operations, same order); both must agree with the reference to
rounding, for every switch of the model, with ties in positions.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratagem.engines import _kernels
from stratagem.engines.base import weighted_median, weights
from stratagem.engines.bdm import (
    BdmModel,
    BdmOptions,
    bdm_round,
    offer_expected_utilities,
    pair_support,
    pair_support_reference,
    pair_support_sorted,
    win_probabilities,
)
from stratagem.engines.registry import ENGINES
from stratagem.engines.rounds import run_rounds

SWITCHES = st.builds(
    BdmOptions,
    probability=st.sampled_from(["global", "local", "net"]),
    offer_rule=st.sampled_from(["scs", "min_distance", "least_move"]),
    capitulation=st.booleans(),
    q=st.sampled_from([1.0, 0.5, 0.0]),
)


@st.composite
def games(draw: st.DrawFn, max_batch: int = 4, max_actors: int = 12) -> tuple[np.ndarray, ...]:
    """A batch of one-issue games; on a coarse grid half the time, so positions tie."""
    B = draw(st.integers(1, max_batch))
    n = draw(st.integers(2, max_actors))
    if draw(st.booleans()):
        x = np.array(draw(st.lists(st.integers(0, 20), min_size=B * n, max_size=B * n)), float) * 5.0
    else:
        x = np.array(draw(st.lists(st.floats(0, 100), min_size=B * n, max_size=B * n)))
    c = np.array(draw(st.lists(st.floats(0.05, 10), min_size=B * n, max_size=B * n)))
    s = np.array(draw(st.lists(st.floats(0.05, 1), min_size=B * n, max_size=B * n)))
    return x.reshape(B, n), c.reshape(B, n), s.reshape(B, n)


@dataclasses.dataclass
class _Runs:
    history: np.ndarray  # (T + 1, B, n)
    partner: np.ndarray  # (T, B, n)
    kind: np.ndarray


def run_issue_batch(x: np.ndarray, c: np.ndarray, s: np.ndarray, *, rounds: int, opts: BdmOptions) -> _Runs:
    """``rounds`` rounds of the round kernel (what the shared loop calls), all games kept running;
    a game with all actors at one position keeps its state, as the engine does."""
    x, c, s = (np.ascontiguousarray(a, dtype=float) for a in (x, c, s))
    spread = x.max(axis=1) - x.min(axis=1)
    delta = np.where(spread > 0, spread, 1.0)
    history, partners, kinds = [x], [], []
    for _ in range(rounds):
        res = bdm_round(history[-1], c, s, delta, opts)
        still = (spread <= 0)[:, None]
        history.append(np.where(still, history[-1], res.positions))
        partners.append(np.where(still, -1, res.partner))
        kinds.append(np.where(still, 0, res.kind))
    return _Runs(np.array(history), np.array(partners), np.array(kinds))


def _state(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    delta = x.max(axis=1) - x.min(axis=1)
    return np.where(delta > 0, delta, 1.0), np.abs(x[:, :, None] - x[:, None, :])


@given(data=games(max_actors=40), r_low=st.floats(0.5, 2.0))
@settings(max_examples=150, deadline=None, derandomize=False)
def test_sorted_pair_support_equals_the_definition(data: tuple[np.ndarray, ...], r_low: float) -> None:
    x, c, s = data
    delta, gaps = _state(x)
    w = c * s
    r = np.random.default_rng(0).uniform(r_low, 2.0, x.shape)
    for y in (gaps / delta[:, None, None], np.power(gaps / delta[:, None, None], r[:, :, None])):
        reference = pair_support_reference(y, w)
        sorted_ = pair_support_sorted(y, w, x)
        scale = w.sum(axis=1)[:, None, None]
        np.testing.assert_allclose(sorted_ / scale, reference / scale, rtol=0, atol=1e-13)
        assert pair_support(y, w, x).tobytes() == sorted_.tobytes()
        # coincident actors get exactly the same support, and none against each other
        same = x[:, :, None] == x[:, None, :]
        assert np.all(sorted_[same] == 0.0)


@given(data=games(), switches=SWITCHES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False)
def test_one_round_quantities_match_the_reference(data: tuple[np.ndarray, ...], switches: BdmOptions) -> None:
    """Win probabilities and both EUs of every pair, from the same state, to 1e-12.

    P of two nearly coincident actors is ill-conditioned (its local denominator
    vanishes with their gap, and either path's rounding decides it); what enters the
    EUs is P (U_s - U_f), proportional to the gap, so P is compared times the gap.
    """
    x, c, s = data
    delta, gaps = _state(x)
    w = c * s
    r = np.random.default_rng(1).uniform(0.5, 2.0, x.shape)
    for rr in (np.ones_like(r), r):
        p_ref = win_probabilities(x, w, rr, delta, switches.probability, "reference")
        p_fast = win_probabilities(x, w, rr, delta, switches.probability, "auto")
        assert np.all((p_fast >= 0) & (p_fast <= 1))
        gap = np.minimum(gaps / delta[:, None, None], 1.0)
        np.testing.assert_allclose(p_fast * gap, p_ref * gap, rtol=0, atol=1e-12)
    ref = offer_expected_utilities(x, c, s, delta, _with(switches, "reference"))
    fast = offer_expected_utilities(x, c, s, delta, switches)
    for a, b in zip(fast, ref, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


@given(data=games(), switches=SWITCHES, rounds=st.integers(1, 4))
# derandomize: random search finds rare near-ties where the fast sums flip an offer choice
# (known, reported in the issue notes); a fixed example set keeps CI reproducible.
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False)
def test_trajectories_match_the_reference_for_every_switch(
    data: tuple[np.ndarray, ...], switches: BdmOptions, rounds: int
) -> None:
    x, c, s = data
    fast = run_issue_batch(x, c, s, rounds=rounds, opts=switches)
    numpy_only = run_issue_batch(x, c, s, rounds=rounds, opts=_with(switches, "sorted"))
    reference = run_issue_batch(x, c, s, rounds=rounds, opts=_with(switches, "reference"))
    # the compiled kernels perform the NumPy path's operations: identical bits
    assert fast.history.tobytes() == numpy_only.history.tobytes()
    assert fast.partner.tobytes() == numpy_only.partner.tobytes()
    assert fast.kind.tobytes() == numpy_only.kind.tobytes()
    # the same offers, always; positions to 1e-9 of the range (0-100 here): a compromise
    # move x_a + (x_o - x_a)|E_ao / E_oa| can amplify rounding ~1e5-fold in one round
    np.testing.assert_array_equal(fast.partner, reference.partner)
    np.testing.assert_array_equal(fast.kind, reference.kind)
    np.testing.assert_allclose(fast.history, reference.history, rtol=0, atol=1e-7)


@given(data=games(max_batch=6, max_actors=8), switches=SWITCHES, rounds=st.sampled_from([None, 3]))
# derandomize: see test_trajectories_match_the_reference_for_every_switch.
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False)
def test_batched_finals_equal_single_runs(
    data: tuple[np.ndarray, ...], switches: BdmOptions, rounds: int | None
) -> None:
    """Grouping draws (cache-sized groups, stopped games left out) agrees with single runs.

    Agreement is to 1e-9 on the position scale, not to the bit: Hypothesis found a
    game whose batched and single forecasts differ in the last bits of a value near 0.
    Run-to-run results stay byte-identical because chunks and groups are fixed by the seed.
    """
    x, c, s = data
    B, n = x.shape
    X, S, mask = x[:, :, None], s[:, :, None], np.ones((n, 1), bool)
    spec = ENGINES["bdm"]
    options = {"probability": switches.probability, "offer_rule": switches.offer_rule,
               "capitulation": switches.capitulation, "q": switches.q}
    batch = spec.batch(X, S, c, np.array([np.nan]), mask, rounds=rounds, **options)
    for b in range(B):
        single = spec.run(X[b], S[b], c[b], np.array([np.nan]), mask, rounds=rounds, **options)
        assert batch[b].tobytes() == single.final_forecast.tobytes()


def test_a_games_bits_do_not_depend_on_memory_layout() -> None:
    rng = np.random.default_rng(3)
    x = np.round(rng.uniform(0, 100, (5, 9)) / 5) * 5
    c, s = rng.uniform(0.05, 2, (5, 9)), rng.uniform(0.05, 1, (5, 9))
    X, S, mask, Q = x[:, :, None], s[:, :, None], np.ones((9, 1), bool), np.array([np.nan])
    a = ENGINES["bdm"].batch(X, S, c, Q, mask, rounds=6, q=0.5)
    b = ENGINES["bdm"].batch(np.asfortranarray(X), np.asfortranarray(S), np.asfortranarray(c), Q, mask,
                             rounds=6, q=0.5)
    assert a.tobytes() == b.tobytes()


# Exact ties in exact arithmetic that rounding used to decide differently per method
# (found by random search; each failed before BdmOptions.tie existed).
TIE_CASES = [
    # receiver at 5 gets compromise offers from 10 and 0, equidistant: keys tie exactly
    ([60.0, 10.0, 5.0, 0.0, 0.0], [2.0, 0.05, 2.0, 0.05, 2.0], [1.0, 1.0, 0.05, 1.0, 1.0],
     BdmOptions("net", "least_move", True, 0.5), 1),
    # two identical actors end on the median: T of eq. 25a compared a gap with itself
    ([75.0, 55.0, 20.0, 10.0, 25.0, 75.0, 60.0], [1.0, 2.0, 0.05, 1.0, 1.0, 2.0, 2.0],
     [0.05, 0.25, 0.05, 0.25, 1.0, 0.05, 0.25], BdmOptions("local", "least_move", False, 0.5), 5),
]


@pytest.mark.parametrize(("x", "c", "s", "opts", "rounds"), TIE_CASES)
def test_exact_ties_are_decided_the_same_by_every_method(
    x: list[float], c: list[float], s: list[float], opts: BdmOptions, rounds: int
) -> None:
    args = (np.array([x]), np.array([c]), np.array([s]))
    fast = run_issue_batch(*args, rounds=rounds, opts=opts)
    reference = run_issue_batch(*args, rounds=rounds, opts=_with(opts, "reference"))
    np.testing.assert_array_equal(fast.partner, reference.partner)
    np.testing.assert_allclose(fast.history, reference.history, rtol=0, atol=1e-9)


def test_without_a_tie_margin_rounding_decides_the_equidistant_offer() -> None:
    """The first case above with tie=0: the methods disagree, so the margin is what fixes it."""
    x, c, s, opts, rounds = TIE_CASES[0]
    args = (np.array([x]), np.array([c]), np.array([s]))
    bare = dataclasses.replace(opts, tie=0.0)
    fast = run_issue_batch(*args, rounds=rounds, opts=bare)
    reference = run_issue_batch(*args, rounds=rounds, opts=_with(bare, "reference"))
    assert not np.array_equal(fast.partner, reference.partner)


def test_the_numpy_round_takes_its_powers_from_the_c_library_as_the_compiled_one_does() -> None:
    """Found by Hypothesis: on a machine with AVX-512, NumPy's own SIMD power differed from C's pow in
    the last bit, and the compromise this game makes in round 1 came out 5.6e-14 apart."""
    x = np.array([[0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 94.0, 0.0]])
    s = np.array([[1.0, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.25]])
    c, delta = np.ones_like(x), np.array([94.0])
    compiled, numpy_only = (bdm_round(x, c, s, delta, BdmOptions(method=m)) for m in ("auto", "sorted"))
    assert compiled.positions.tobytes() == numpy_only.positions.tobytes()
    assert compiled.partner[0, 11] == 1 and compiled.kind[0, 11] == 2  # the compromise


def test_non_finite_input_takes_the_reference_path() -> None:
    x = np.array([[0.0, np.nan, 50.0]])
    y = np.abs(x[:, :, None] - x[:, None, :])
    w = np.ones((1, 3))
    np.testing.assert_array_equal(pair_support(y, w, x), pair_support_reference(y, w))


@given(d=st.floats(1e-12, 1.0, exclude_max=True), r=st.floats(0.1, 10.0))
def test_the_bound_that_lets_the_compiled_round_skip_offers_holds(d: float, r: float) -> None:
    """rho(d, r) = (1 - u^r) / (v^r - u^r), u, v = 1 -+ d, is at most max(1/2, 2^-r) on (0, 1]: the kernel
    skips o's utilities for receiver a when s_a (1 - P_oa) exceeds it (then o's EU is negative), or exceeds
    s_o (1 - P_ao) by more than 1e-13 / d (then o's EU is below a's by more than rounding). Computed
    with log1p/expm1, accurate to ~1e-15 even where 1 - u^r cancels."""
    lu, lv = math.log1p(-d), math.log1p(d)
    spread = math.exp(r * lu) * math.expm1(r * (lv - lu))  # v^r - u^r
    rho = -math.expm1(r * lu) / spread
    assert rho <= max(0.5, 0.5**r) + 1e-12
    if 0.5 <= r <= 2.0:  # the risk exponents' range: U_s - U_f = 4 (h^r)(v^r - u^r) is at least d (in fact 2d)
        assert 4.0 * 0.5**r * spread >= 2.0 * d * (1 - 1e-12)


@pytest.mark.skipif(_kernels.round_kernel() is None, reason="numba not installed")
def test_compiled_kernels_are_used_when_numba_is_installed() -> None:
    assert _kernels.play_kernel() is not None
    assert _kernels.forecast_kernel() is not None


def test_the_compiled_forecast_is_the_weighted_median() -> None:
    """The model's forecast (compiled) against base.weighted_median, with ties, missing stances and
    an issue where every weight is 0; the bits must agree."""
    rng = np.random.default_rng(11)
    B, n, m = 40, 9, 4
    X = np.round(rng.uniform(0, 100, (B, n, m)) / 10) * 10  # ties
    S, C = rng.uniform(0.05, 1, (B, n, m)), rng.uniform(0.1, 5, (B, n))
    S[:, :, 3] = 0.0
    mask = rng.uniform(size=(n, m)) < 0.7
    mask[:2] = True
    model = ENGINES["bdm"].model
    state = model.start(X, S, C, np.full(m, np.nan), mask, BdmOptions(), None)
    expected = weighted_median(state.X, weights(state.S, state.C, mask), np.broadcast_to(mask, X.shape))
    assert model.forecast(state).tobytes() == expected.tobytes()


def _with(opts: BdmOptions, method: str) -> BdmOptions:
    return dataclasses.replace(opts, method=method)  # type: ignore[arg-type]


def test_without_numba_the_default_gives_the_same_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine (or Dask worker) without numba runs the NumPy sorted path: same output bytes."""
    rng = np.random.default_rng(7)
    x = np.round(rng.uniform(0, 100, (30, 12)) / 5) * 5  # ties
    c, s = rng.uniform(0.1, 10, (30, 12)), rng.uniform(0.1, 1, (30, 12))
    for opts in (BdmOptions(), BdmOptions("local", "least_move", True, 0.5), BdmOptions("net", "min_distance")):
        compiled = run_issue_batch(x, c, s, rounds=5, opts=opts)
        monkeypatch.setattr(_kernels, "round_kernel", lambda: None)
        plain = run_issue_batch(x, c, s, rounds=5, opts=opts)
        monkeypatch.undo()
        assert compiled.history.tobytes() == plain.history.tobytes()
        assert compiled.partner.tobytes() == plain.partner.tobytes()


class _SharedLoopBdm(BdmModel):
    """bdm without its compiled loop: run_rounds steps it round by round."""

    def play(self, state: Any, limit: int, stop_period: int) -> None:
        return None


class _CountedBdm(BdmModel):
    """bdm that counts the batches its compiled loop played (so the test knows it ran)."""

    def __init__(self) -> None:
        super().__init__()
        self.played = 0

    def play(self, state: Any, limit: int, stop_period: int) -> Any:
        out = super().play(state, limit, stop_period)
        self.played += out is not None
        return out


@pytest.mark.skipif(_kernels.play_kernel() is None, reason="numba not installed")
@pytest.mark.parametrize("rounds", [None, 1, 12])
def test_the_compiled_loop_is_the_shared_loop(rounds: int | None) -> None:
    """bdm's compiled loop against run_rounds stepping the same batch: every output, to the bit, on
    issues with missing stances, a frozen issue (all actors at one position), a one-actor issue,
    ties, cycles and the stopping rule."""
    rng = np.random.default_rng(5)
    B, n, m = 60, 9, 5
    X = np.round(rng.uniform(0, 100, (B, n, m)) / 10) * 10
    X[:, :, 3] = 40.0
    X[:7, :, 2] = 20.0  # frozen in some draws only
    S, C = rng.uniform(0.05, 1, (B, n, m)), rng.uniform(0.1, 5, (B, n))
    mask = rng.uniform(size=(n, m)) < 0.8
    mask[:, 4] = False
    mask[0, 4] = True
    Q = np.full(m, np.nan)
    for opts in (BdmOptions(), BdmOptions("local", "least_move", True, 0.5)):
        compiled = _CountedBdm()
        fast = run_rounds(compiled, opts, X, S, C, Q, mask, rounds=rounds, rng=None)
        assert compiled.played == 1  # the compiled loop, not the shared one, gave `fast`
        slow = run_rounds(_SharedLoopBdm(), opts, X, S, C, Q, mask, rounds=rounds, rng=None)
        assert fast.forecasts.tobytes() == slow.forecasts.tobytes()
        assert fast.cycle_start.tobytes() == slow.cycle_start.tobytes()
        assert fast.cycle_period.tobytes() == slow.cycle_period.tobytes()
        assert fast.reasons == slow.reasons
        assert fast.final().tobytes() == slow.final().tobytes()
        assert (fast.cycle_period > 1).any() or rounds == 1  # the case has cycles to summarise


@pytest.mark.skipif(_kernels.round_kernel() is None, reason="numba not installed")
def test_a_single_run_that_switches_to_the_compiled_round_midway_gives_the_same_bits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Single runs start in NumPy and load the compiled round once NumPy has run a while
    (bdm.NUMPY_FIRST_MS); the switch is forced here after 3 calls (no timing), and the trajectory,
    moves and risk must be those of the run compiled throughout."""
    from stratagem.engines import bdm

    rng = np.random.default_rng(3)
    B, n, m = 1, 11, 3
    X = np.round(rng.uniform(0, 100, (B, n, m)) / 5) * 5
    S, C = rng.uniform(0.05, 1, (B, n, m)), rng.uniform(0.1, 5, (B, n))
    mask = np.ones((n, m), dtype=bool)
    Q = np.full(m, np.nan)
    runs = []
    for switch_after in (0, 3, None):  # compiled throughout, switched after 3 rounds, NumPy throughout
        calls = iter(range(10_000))
        monkeypatch.setattr(bdm, "_load_compiled",
                            lambda state, s=switch_after, c=calls: s is not None and next(c) >= s)
        runs.append(run_rounds(BdmModel(), BdmOptions(), X, S, C, Q, mask, rounds=12, rng=None, record=True))
    compiled, switched, plain = (r.trajectory for r in runs)
    assert compiled is not None and switched is not None and plain is not None
    for other in (switched, plain):
        assert other.positions.tobytes() == compiled.positions.tobytes()
        assert other.forecast.tobytes() == compiled.forecast.tobytes()
        assert other.moves == compiled.moves
        assert other.risk is not None and compiled.risk is not None
        assert other.risk.tobytes() == compiled.risk.tobytes()


@pytest.mark.skipif(_kernels.round_kernel() is None, reason="numba not installed")
def test_a_single_run_switches_after_its_own_estimated_numpy_work_not_a_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no kernel loaded, the run does NumPy rounds until their estimated cost (games x (2 ms + n^2 us))
    reaches NUMPY_FIRST_MS, then the compiled round: here one issue of 4 actors counts 2.016 ms a round,
    so a 5 ms budget gives exactly 3 NumPy rounds, whatever the machine's speed."""
    from stratagem.engines import bdm

    monkeypatch.setattr(_kernels, "loaded", lambda: False)
    monkeypatch.setattr(bdm, "NUMPY_FIRST_MS", 5.0)
    numpy_rounds = []
    real_step = BdmModel._step_numpy
    monkeypatch.setattr(BdmModel, "_step_numpy",
                        lambda self, *a: numpy_rounds.append(1) or real_step(self, *a))
    X = np.array([[[0.0], [30.0], [70.0], [100.0]]])
    S, C = np.full((1, 4, 1), 0.8), np.array([[1.0, 2.0, 3.0, 4.0]])
    run_rounds(BdmModel(), BdmOptions(), X, S, C, np.full(1, np.nan), np.ones((4, 1), dtype=bool), rounds=8,
               rng=None, record=True)  # recorded, as a single run: the shared loop, step by step
    assert len(numpy_rounds) == 3
