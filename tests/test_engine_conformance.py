"""The engine contract, checked for every registered engine (and failing for a broken one).

Each check is a plain function of an EngineSpec that raises AssertionError when the
engine breaks the contract; the tests run every check over the registry, so a newly
registered engine is checked without editing this file (docs/engines.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from stratagem.analysis.backtest import BASE_ENGINES
from stratagem.analysis.learned import LEARNERS
from stratagem.engines.base import EngineSpec, NoOptions
from stratagem.engines.registry import ENGINES
from stratagem.model.errors import EngineError

N, M = 7, 2


def _inputs(seed: int = 11, draws: int | None = None) -> tuple[np.ndarray, ...]:
    """Continuous random stances (no exact ties, so no tie-break by actor order), two issues."""
    rng = np.random.default_rng(seed)
    lead = () if draws is None else (draws,)
    X = rng.uniform(0, 100, (*lead, N, M))
    S = rng.uniform(0.1, 0.5, (*lead, N, M))
    C = rng.uniform(0.5, 3.0, (*lead, N))
    Q = np.array([35.0, np.nan])
    mask = np.ones((N, M), bool)
    return X, S, C, Q, mask


def _run(spec: EngineSpec, X: np.ndarray, S: np.ndarray, C: np.ndarray, Q: np.ndarray, mask: np.ndarray,
         **kw: Any) -> Any:
    kw.setdefault("rounds", 6 if spec.iterative else None)
    return spec.run(X, S, C, Q, mask, rng=np.random.default_rng(kw.pop("seed", 0)), **kw)


def check_reordering(spec: EngineSpec) -> None:
    """Listing the actors in another order changes no forecast."""
    X, S, C, Q, mask = _inputs()
    perm = np.random.default_rng(1).permutation(N)
    a = _run(spec, X, S, C, Q, mask).final_forecast
    b = _run(spec, X[perm], S[perm], C[perm], Q, mask[perm]).final_forecast
    np.testing.assert_allclose(b, a, rtol=0, atol=1e-7)


def check_relabelling(spec: EngineSpec) -> None:
    """Listing the issues in another order permutes the forecasts the same way."""
    X, S, C, Q, mask = _inputs()
    a = _run(spec, X, S, C, Q, mask).final_forecast
    b = _run(spec, X[:, ::-1], S[:, ::-1], C, Q[::-1], mask[:, ::-1]).final_forecast
    np.testing.assert_allclose(b[::-1], a, rtol=0, atol=1e-7)


def check_capability_scaling(spec: EngineSpec) -> None:
    """Capabilities are relative: multiplying all by 7 changes nothing."""
    X, S, C, Q, mask = _inputs()
    a = _run(spec, X, S, C, Q, mask).final_forecast
    b = _run(spec, X, S, 7.0 * C, Q, mask).final_forecast
    np.testing.assert_allclose(b, a, rtol=0, atol=1e-7)


def check_determinism(spec: EngineSpec) -> None:
    """The same inputs and seed give the same bytes."""
    X, S, C, Q, mask = _inputs()
    a = _run(spec, X, S, C, Q, mask, seed=5)
    b = _run(spec, X, S, C, Q, mask, seed=5)
    assert a.positions.tobytes() == b.positions.tobytes()
    assert a.final_forecast.tobytes() == b.final_forecast.tobytes()


def check_batch_equals_single_runs(spec: EngineSpec) -> None:
    """The batched form gives each draw's single-run forecast, under the stopping rule too."""
    X, S, C, Q, mask = _inputs(draws=4)
    for rounds in ((5, None) if spec.iterative else (None,)):
        batch = spec.batch(X, S, C, Q, mask, rounds=rounds, rng=np.random.default_rng(0))
        assert batch.shape == (4, M)
        for d in range(4):
            single = spec.run(X[d], S[d], C[d], Q, mask, rounds=rounds, rng=np.random.default_rng(0))
            np.testing.assert_allclose(batch[d], single.final_forecast, rtol=0, atol=1e-9)


def check_zero_rounds_return_the_inputs(spec: EngineSpec) -> None:
    X, S, C, Q, mask = _inputs()
    traj = _run(spec, X, S, C, Q, mask, rounds=0 if spec.iterative else None)
    assert traj.rounds == 0
    assert traj.positions[0].tobytes() == X.tobytes()


def check_a_no_op_event_changes_nothing(spec: EngineSpec) -> None:
    """An event at round 2 that leaves every input as it is leaves the run as it was."""
    X, S, C, Q, mask = _inputs()

    def same(X: np.ndarray, S: np.ndarray, C: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, ...]:
        return X, S, C, mask

    for rounds in ((6, None) if spec.iterative else (None,)):
        a = _run(spec, X, S, C, Q, mask, rounds=rounds)
        b = _run(spec, X, S, C, Q, mask, rounds=rounds, events=[(2, same)])
        assert a.positions.tobytes() == b.positions.tobytes()
        assert a.final_forecast.tobytes() == b.final_forecast.tobytes()
        assert a.stop_reason == b.stop_reason


def check_unknown_options_raise(spec: EngineSpec) -> None:
    X, S, C, Q, mask = _inputs()
    with pytest.raises(EngineError, match="no option 'offer_rulle'"):
        spec.run(X, S, C, Q, mask, offer_rulle="min_distance")
    with pytest.raises(EngineError, match="no option 'offer_rulle'"):
        spec.batch(X[None], S[None], C[None], Q, mask, offer_rulle="min_distance")


def check_bad_arrays_raise(spec: EngineSpec) -> None:
    """Arrays no scenario can give are a clear EngineError in run and batch, never a silent forecast."""
    X, S, C, Q, mask = _inputs()
    bad = {"a NaN position": (np.where(X > 50, np.nan, X), S, C), "saliences on 0-100": (X, 100 * S, C),
           "a negative capability": (X, S, -C), "capabilities of the wrong shape": (X, S, C[:-1]),
           "no actors": (X[:0], S[:0], C[:0])}
    if spec.percent_scale:
        bad["positions above 100"] = (2.5 * X, S, C)
    for why, (x, s, c) in bad.items():
        with pytest.raises(EngineError):
            spec.run(x, s, c, Q, mask[: len(x)])
            pytest.fail(f"{spec.name} accepted {why}")
        with pytest.raises(EngineError):
            spec.batch(x[None], s[None], c[None], Q, mask[: len(x)])
            pytest.fail(f"{spec.name} accepted {why} in a batch")


def check_parameters_are_declared(spec: EngineSpec) -> None:
    """Every parameter has help, and its default passes its own check."""
    for p in spec.parameters:
        assert p.help, p.name
        p.check(p.default)
    assert spec.resolve({}) == spec.defaults()


CHECKS: list[Callable[[EngineSpec], None]] = [
    check_reordering, check_relabelling, check_capability_scaling, check_determinism,
    check_batch_equals_single_runs, check_zero_rounds_return_the_inputs, check_a_no_op_event_changes_nothing,
    check_unknown_options_raise, check_parameters_are_declared, check_bad_arrays_raise,
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name", list(ENGINES))
def test_every_engine_keeps_the_contract(name: str, check: Callable[[EngineSpec], None]) -> None:
    check(ENGINES[name])


def test_the_backtest_scores_every_registered_engine() -> None:
    assert set(ENGINES) <= set(BASE_ENGINES) | set(LEARNERS)
    assert set(BASE_ENGINES) == {name for name, spec in ENGINES.items() if not spec.learned}
    assert {name for name, spec in ENGINES.items() if spec.learned} <= set(LEARNERS)


def _first_actor(X: np.ndarray, S: np.ndarray, C: np.ndarray, Q: np.ndarray, mask: np.ndarray, opts: Any
                 ) -> np.ndarray:
    """A broken engine: the forecast is the first-listed actor's position."""
    out: np.ndarray = X[..., 0, :].copy()
    return out


_noise = np.random.default_rng()


def _noisy(X: np.ndarray, S: np.ndarray, C: np.ndarray, Q: np.ndarray, mask: np.ndarray, opts: Any) -> np.ndarray:
    """Another broken engine: unseeded noise on the capability-weighted mean."""
    w = C[..., :, None] * S
    out: np.ndarray = (w * X).sum(axis=-2) / w.sum(axis=-2) + _noise.normal(size=X.shape[-1])
    return out


def test_the_suite_fails_for_broken_engines() -> None:
    order = EngineSpec("first-actor", "broken on purpose", NoOptions, forecast=_first_actor)
    noisy = EngineSpec("noisy", "broken on purpose", NoOptions, forecast=_noisy)
    failed = set()
    for spec in (order, noisy):
        for check in CHECKS:
            try:
                check(spec)
            except AssertionError:
                failed.add((spec.name, check.__name__))
    assert ("first-actor", "check_reordering") in failed
    assert ("first-actor", "check_relabelling") not in failed  # it is broken in one way, not every way
    assert ("noisy", "check_determinism") in failed
    assert ("noisy", "check_batch_equals_single_runs") in failed
