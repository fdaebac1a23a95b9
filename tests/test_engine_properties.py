"""Property tests (Hypothesis) for the invariants every engine must respect."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratagem.engines.registry import ENGINES, get_engine

ONE_SHOT = ["compromise", "median", "nash"]


@st.composite
def single_issue(draw: st.DrawFn, min_actors: int = 2, max_actors: int = 9) -> tuple[np.ndarray, ...]:
    n = draw(st.integers(min_actors, max_actors))
    grid = st.integers(0, 20).map(lambda v: v * 5.0)  # coarse grid: ties happen, as in real data
    x = np.array(draw(st.lists(grid, min_size=n, max_size=n)))
    c = np.array(draw(st.lists(st.floats(0.05, 10), min_size=n, max_size=n)))
    s = np.array(draw(st.lists(st.floats(0.05, 1), min_size=n, max_size=n)))
    q = draw(st.one_of(st.just(np.nan), grid))
    return x[:, None], s[:, None], c, np.array([q])


def _run(name: str, X: np.ndarray, S: np.ndarray, C: np.ndarray, Q: np.ndarray, rounds: int | None = 3):
    mask = np.ones_like(X, dtype=bool)
    spec = get_engine(name)
    return spec.run(X, S, C, Q, mask, rounds=rounds if spec.iterative else None,
                    rng=np.random.default_rng(0), **spec.defaults())


@pytest.mark.parametrize("name", ["compromise", "median", "nash", "bdm"])
@given(data=single_issue())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_forecast_within_range_of_positions(name: str, data: tuple[np.ndarray, ...]) -> None:
    X, S, C, Q = data
    f = _run(name, X, S, C, Q).final_forecast[0]
    lo, hi = X.min(), X.max()
    if name == "nash" and not np.isnan(Q[0]):
        lo, hi = min(lo, Q[0]), max(hi, Q[0])
    assert lo - 1e-9 <= f <= hi + 1e-9


@pytest.mark.parametrize("name", ["compromise", "median", "nash", "bdm"])
@given(data=single_issue(), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_reordering_actors_changes_nothing(name: str, data: tuple[np.ndarray, ...], seed: int) -> None:
    X, S, C, Q = data
    perm = np.random.default_rng(seed).permutation(len(C))
    a = _run(name, X, S, C, Q)
    b = _run(name, X[perm], S[perm], C[perm], Q)
    np.testing.assert_allclose(a.final_forecast, b.final_forecast, atol=1e-9)
    np.testing.assert_allclose(a.positions[:, perm], b.positions, atol=1e-9)


@pytest.mark.parametrize("name", ["compromise", "median", "nash", "bdm"])
@given(data=single_issue(), factor=st.floats(0.01, 1000))
@settings(max_examples=40, deadline=None)
def test_scaling_all_capabilities_changes_nothing(name: str, data: tuple[np.ndarray, ...], factor: float) -> None:
    X, S, C, Q = data
    a = _run(name, X, S, C, Q)
    b = _run(name, X, S, C * factor, Q)
    np.testing.assert_allclose(a.positions, b.positions, atol=1e-7)
    np.testing.assert_allclose(a.final_forecast, b.final_forecast, atol=1e-7)


@given(data=single_issue(), position=st.floats(0, 100))
@settings(max_examples=60, deadline=None)
def test_zero_salience_actor_does_not_move_the_compromise(data: tuple[np.ndarray, ...], position: float) -> None:
    X, S, C, Q = data
    base = _run("compromise", X, S, C, Q).final_forecast
    X2 = np.vstack([X, [[position]]])
    S2 = np.vstack([S, [[0.0]]])
    C2 = np.append(C, 5.0)
    np.testing.assert_allclose(_run("compromise", X2, S2, C2, Q).final_forecast, base, atol=1e-9)


@pytest.mark.parametrize("name", sorted(ENGINES))
@given(data=single_issue())
@settings(max_examples=20, deadline=None)
def test_same_inputs_same_output(name: str, data: tuple[np.ndarray, ...]) -> None:
    X, S, C, Q = data
    a, b = _run(name, X, S, C, Q), _run(name, X, S, C, Q)
    assert a.positions.tobytes() == b.positions.tobytes()
    assert a.forecast.tobytes() == b.forecast.tobytes()


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_all_actors_at_one_position_give_that_position(name: str) -> None:
    X = np.full((4, 1), 37.0)
    S = np.full((4, 1), 0.5)
    out = _run(name, X, S, np.ones(4), np.array([80.0]))
    assert out.final_forecast[0] == pytest.approx(37.0)


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_one_actor_gets_its_position(name: str) -> None:
    out = _run(name, np.array([[12.0]]), np.array([[0.7]]), np.array([3.0]), np.array([50.0]))
    assert out.final_forecast[0] == pytest.approx(12.0)


def test_median_is_the_condorcet_winner() -> None:
    """Weights 3, 1, 1 at 10, 50, 90: 3/5 of the weight at 10 beats every alternative."""
    X = np.array([[10.0], [50.0], [90.0]])
    S = np.ones((3, 1))
    out = _run("median", X, S, np.array([3.0, 1.0, 1.0]), np.array([np.nan]))
    assert out.final_forecast[0] == 10.0
    out = _run("median", X, S, np.array([1.0, 1.0, 1.0]), np.array([np.nan]))
    assert out.final_forecast[0] == 50.0


def test_nash_breakdown_cost_moves_from_status_quo_to_compromise() -> None:
    X = np.array([[0.0], [100.0]])
    S = np.ones((2, 1))
    C = np.array([1.0, 3.0])
    Q = np.array([20.0])
    veto = _run_nash(X, S, C, Q, 0.0)
    assert veto == pytest.approx(20.0)  # the status quo is Pareto-efficient: nobody can gain
    compromise = 75.0
    mild = _run_nash(X, S, C, Q, 0.25)
    costly = _run_nash(X, S, C, Q, 100.0)
    assert 20.0 < mild < compromise
    assert costly == pytest.approx(compromise, abs=0.5)


def _run_nash(X: np.ndarray, S: np.ndarray, C: np.ndarray, Q: np.ndarray, cost: float) -> float:
    spec = get_engine("nash")
    out = spec.run(X, S, C, Q, np.ones_like(X, bool), breakdown_cost=cost)
    return float(out.final_forecast[0])


def test_closed_form_engines_accept_a_draw_axis() -> None:
    """Batched ensembles: a leading draw axis gives the same numbers as one call per draw."""
    from stratagem.engines.closed_form import compromise_forecast, median_forecast, nash_forecast

    rng = np.random.default_rng(1)
    X = rng.uniform(0, 100, (5, 6, 2))
    S = rng.uniform(0, 1, (5, 6, 2))
    C = rng.uniform(0, 1, (5, 6))
    Q = np.array([30.0, np.nan])
    mask = np.ones((5, 6, 2), bool)
    for fn in (compromise_forecast, median_forecast):
        batch = fn(X, S, C, mask)
        for d in range(5):
            np.testing.assert_allclose(batch[d], fn(X[d], S[d], C[d], mask[d]))
    batch = nash_forecast(X, S, C, Q, mask)
    for d in range(5):
        np.testing.assert_allclose(batch[d], nash_forecast(X[d], S[d], C[d], Q, mask[d]), atol=1e-9)
