"""Every engine on issue scales other than 0-100 gives its 0-100 answer mapped linearly (ktab and anchor by
mapping each scale onto 0-100 and back, the others by being scale-free)."""

from __future__ import annotations

from typing import Any

import pytest

from stratagem.analysis.ensemble import run_ensemble
from stratagem.analysis.forecast import forecast
from stratagem.engines.registry import ENGINES
from stratagem.model.builtin import load_builtin
from stratagem.model.schema import Scenario

LO, HI = 100.0, 112.0


def _on(v: float) -> float:
    return LO + v / 100.0 * (HI - LO)


def _rescaled(sc: Scenario) -> Scenario:
    """The same negotiation with every issue on 100-112 instead of 0-100 (each number mapped linearly)."""
    d: dict[str, Any] = sc.model_dump()
    for issue in d["issues"]:
        assert (issue["scale_min"], issue["scale_max"]) == (0.0, 100.0)
        issue["scale_min"], issue["scale_max"] = LO, HI
        issue["status_quo"] = None if issue["status_quo"] is None else _on(issue["status_quo"])
        issue["anchors"] = [{**a, "value": _on(a["value"])} for a in issue["anchors"]]
    for st in d["stances"]:
        st["position"] = _on(st["position"])
        if st["position_range"] is not None:
            st["position_range"] = {**st["position_range"], "low": _on(st["position_range"]["low"]),
                                    "high": _on(st["position_range"]["high"])}
    d["shocks"] = []
    return Scenario.model_validate(d)


@pytest.fixture(scope="module")
def pair() -> tuple[Scenario, Scenario]:
    sc = load_builtin("us-iraq-2020").model_copy(update={"shocks": ()})
    return sc, _rescaled(sc)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_forecast_on_100_112_is_the_0_100_forecast_rescaled(pair: tuple[Scenario, Scenario], engine: str) -> None:
    base, shifted = pair
    rounds = 8 if ENGINES[engine].iterative else None
    a = forecast(base, engine, rounds=rounds)
    b = forecast(shifted, engine, rounds=rounds)
    for x, y in zip(a.issues, b.issues, strict=True):
        assert y.forecast == pytest.approx(_on(x.forecast), abs=1e-6), (engine, x.id)
    assert b.trajectory.positions.min() >= LO - 1e-9 and b.trajectory.positions.max() <= HI + 1e-9
    if engine == "ktab":
        for dx, dy in zip(a.trajectory.extras["distribution"], b.trajectory.extras["distribution"], strict=True):
            assert [p for _, p in dy] == pytest.approx([p for _, p in dx])
            assert [v for v, _ in dy] == pytest.approx([_on(v) for v, _ in dx])


def test_ktab_ensembles_on_another_scale(pair: tuple[Scenario, Scenario]) -> None:
    base, shifted = pair
    a = run_ensemble(base, draws=6, engines=("ktab",), rounds=4, workers=1)
    b = run_ensemble(shifted, draws=6, engines=("ktab",), rounds=4, workers=1)
    assert b.values["ktab"] == pytest.approx(LO + a.values["ktab"] / 100.0 * (HI - LO), abs=1e-6)
