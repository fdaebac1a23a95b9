"""Shocks during the run (stratagem.analysis.timeline): run r rounds, shock the state, go on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from stratagem.analysis.ensemble import run_ensemble
from stratagem.analysis.forecast import forecast
from stratagem.model.builtin import load_builtin
from stratagem.model.errors import ScenarioError
from stratagem.model.schema import Scenario, Shock
from stratagem.model.shocks import apply_shock

ITERATIVE = ("bdm", "ktab", "exchange")


def _shock(round_: int | None, *changes: dict[str, Any], id_: str = "s") -> Shock:
    return Shock.model_validate({"id": id_, "name": id_, "round": round_, "changes": list(changes)})


@pytest.fixture(scope="module")
def iraq() -> Scenario:
    return load_builtin("us-iraq-2020")


@pytest.mark.parametrize("engine", ITERATIVE)
def test_a_shock_that_changes_nothing_leaves_the_run_as_it_was(iraq: Scenario, engine: str) -> None:
    """Continuing a run from its state after round 3 reproduces it (bdm keeps its starting range).

    Bit for bit for bdm and exchange; ktab works on a 0-1 scale and the state comes
    back on 0-100, so its positions may differ in the last bit.
    """
    noop = _shock(3, {"action": "scale_capability", "actor": "us", "value": 1.0})
    base = forecast(iraq, engine, rounds=10)
    shocked = forecast(iraq, engine, shocks=[noop], rounds=10)
    if engine == "ktab":
        np.testing.assert_allclose(shocked.trajectory.positions, base.trajectory.positions, rtol=0, atol=1e-9)
        np.testing.assert_allclose(shocked.trajectory.forecast, base.trajectory.forecast, rtol=0, atol=1e-9)
        assert len(shocked.trajectory.moves) == len(base.trajectory.moves)
        return
    assert shocked.trajectory.positions.tobytes() == base.trajectory.positions.tobytes()
    assert shocked.trajectory.forecast.tobytes() == base.trajectory.forecast.tobytes()
    assert set(shocked.trajectory.moves) == set(base.trajectory.moves)


@pytest.mark.parametrize("engine", ["compromise", "median", "nash"])
def test_engines_without_rounds_take_a_timed_shock_as_an_input_change(iraq: Scenario, engine: str) -> None:
    change = {"action": "set_position", "actor": "us", "issue": "us-presence", "value": 10.0}
    timed = forecast(iraq, engine, shocks=[_shock(4, change)])
    before = forecast(apply_shock(iraq, _shock(None, change)), engine)
    assert timed.trajectory.final_forecast.tolist() == before.trajectory.final_forecast.tolist()


def test_round_zero_is_before_the_run(iraq: Scenario) -> None:
    change = {"action": "shift_salience", "actor": "iran", "issue": "pmf-control", "value": 30.0}
    at_zero = forecast(iraq, "bdm", shocks=[_shock(0, change)], rounds=10)
    before = forecast(apply_shock(iraq, _shock(None, change)), "bdm", rounds=10)
    assert at_zero.trajectory.positions.tobytes() == before.trajectory.positions.tobytes()


def test_the_shock_edits_the_state_reached_and_the_rounds_before_are_untouched(iraq: Scenario) -> None:
    """Rounds 0..r-1 are the baseline's; at round r the shocked actor stands where the shock put it."""
    r = 3
    base = forecast(iraq, "bdm", rounds=10)
    k = base.arrays.issue_ids.index("us-presence")
    a = base.arrays.actor_ids.index("us")
    shift = _shock(r, {"action": "shift_position", "actor": "us", "issue": "us-presence", "value": -15.0})
    shocked = forecast(iraq, "bdm", shocks=[shift], rounds=10)
    np.testing.assert_array_equal(shocked.trajectory.positions[:r], base.trajectory.positions[:r])
    reached = base.trajectory.positions[r, a, k]
    assert shocked.trajectory.positions[r, a, k] == pytest.approx(max(reached - 15.0, 0.0))


def test_moving_the_heaviest_actor_onto_a_low_position_pulls_the_forecast_down(iraq: Scenario) -> None:
    """Direction the math requires: every engine's forecast is monotone in a heavy actor's position.

    The U.S. government, the heaviest actor on us-presence, is moved after round 2
    to the position of the lowest actor there; under the compromise model the final
    forecast must fall by its weight share times the move, and bdm and ktab must not rise.
    """
    base = forecast(iraq, "compromise")
    a = base.arrays
    k = a.issue_ids.index("us-presence")
    lowest = float(a.X[a.mask[:, k], k].min())
    move = _shock(2, {"action": "set_position", "actor": "us", "issue": "us-presence", "value": lowest})
    for engine in ("compromise", "bdm", "ktab"):
        before = forecast(iraq, engine, rounds=10).trajectory.final_forecast[k]
        after = forecast(iraq, engine, shocks=[move], rounds=10).trajectory.final_forecast[k]
        assert after <= before + 1e-9, engine
    w = a.C * a.S[:, k] * a.mask[:, k]
    us = a.actor_ids.index("us")
    expected = base.trajectory.final_forecast[k] - w[us] / w.sum() * (a.X[us, k] - lowest)
    got = forecast(iraq, "compromise", shocks=[move]).trajectory.final_forecast[k]
    assert got == pytest.approx(expected, abs=1e-9)


def test_an_actor_added_mid_run_enters_at_its_round(iraq: Scenario) -> None:
    new = {"id": "un-envoy", "name": "UN envoy", "kind": "organisation", "capability": 30}
    stance = {"actor": "un-envoy", "issue": "us-presence", "position": 0.0, "salience": 90.0}
    add = _shock(4, {"action": "add_actor", "actor": "un-envoy", "new_actor": new, "new_stances": [stance]})
    base = forecast(iraq, "bdm", rounds=10)
    shocked = forecast(iraq, "bdm", shocks=[add], rounds=10)
    k = base.arrays.issue_ids.index("us-presence")
    # the actor's row exists from the start, out of the game until round 4
    np.testing.assert_array_equal(shocked.trajectory.positions[:4, :-1], base.trajectory.positions[:4])
    assert shocked.trajectory.final_forecast[k] < base.trajectory.final_forecast[k]
    removed = _shock(4, {"action": "remove_actor", "actor": "un-envoy"}, id_="gone")
    both = forecast(iraq, "bdm", shocks=[add, removed], rounds=10)
    assert both.trajectory.final_forecast[k] == pytest.approx(base.trajectory.final_forecast[k], abs=1e-9)


def test_a_shock_after_the_last_round_changes_nothing(iraq: Scenario) -> None:
    late = _shock(50, {"action": "set_position", "actor": "us", "issue": "us-presence", "value": 0.0})
    base = forecast(iraq, "bdm", rounds=10)
    assert forecast(iraq, "bdm", shocks=[late], rounds=10).trajectory.positions.tobytes() == (
        base.trajectory.positions.tobytes())


def test_a_timed_shock_on_a_missing_stance_names_the_shock(iraq: Scenario) -> None:
    bad = _shock(2, {"action": "shift_position", "actor": "us", "issue": "no-such-issue", "value": 1.0}, id_="oops")
    with pytest.raises(ScenarioError, match="shock 'oops' change 1: unknown issue"):
        forecast(iraq, "bdm", shocks=[bad], rounds=5)


def test_ensembles_with_timed_shocks_are_reproducible_and_zero_range_equals_the_single_run() -> None:
    sc = load_builtin("ec-emissions-1994")
    issue = sc.issues[0].id
    actor = sc.stances[0].actor
    shock = _shock(3, {"action": "set_salience", "actor": actor, "issue": issue, "value": 100.0})
    flat = sc.model_copy(update={"stances": tuple(s.model_copy(update={"position_range": None, "salience_range": None})
                                                  for s in sc.stances),
                                 "actors": tuple(a.model_copy(update={"capability_range": None}) for a in sc.actors)})
    single = forecast(flat, "bdm", shocks=[shock], rounds=10).trajectory.final_forecast[0]
    ens = run_ensemble(flat, draws=20, engines=("bdm",), rounds=10, shocks=[shock], workers=1)
    assert ens.issues[0].median == pytest.approx(single, abs=1e-12)
    a = run_ensemble(sc, draws=600, engines=("bdm", "compromise"), rounds=10, shocks=[shock], workers=1,
                     chunk_size=100)
    b = run_ensemble(sc, draws=600, engines=("bdm", "compromise"), rounds=10, shocks=[shock], workers=2,
                     chunk_size=100)
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())


def test_whatif_cli_reports_a_shock_during_the_run(run_cli: Any, tmp_path: Path) -> None:
    shock = tmp_path / "late.yaml"
    shock.write_text("id: late\nname: late attack\nround: 2\nchanges:\n"
                     "  - {action: shift_position, actor: kh, issue: us-presence, value: -20}\n")
    result = run_cli("whatif", "us-iraq-2020", "--shock", str(shock), "--draws", "40", "-e", "compromise",
                     "-e", "bdm", "--rounds", "10", "--workers", "1")
    assert result.code == 0, result.err
    assert "during the run: late after round 2" in result.out


def test_forecast_cli_takes_shocks_and_writes_the_shocked_trajectory(run_cli: Any, tmp_path: Path) -> None:
    shock = tmp_path / "late.yaml"
    shock.write_text("id: late\nname: late\nround: 2\nchanges:\n"
                     "  - {action: set_position, actor: us, issue: us-presence, value: 0}\n")
    out = tmp_path / "t.csv"
    result = run_cli("forecast", "us-iraq-2020", "-e", "bdm", "--rounds", "5", "--shock", str(shock),
                     "--trajectory", str(out), "--json")
    assert result.code == 0, result.err
    rows = [line.split(",") for line in out.read_text().splitlines()[1:]]
    us_presence = {int(r[0]): float(r[3]) for r in rows if r[1] == "us-presence" and r[2] == "us"}
    assert us_presence[2] == 0.0 and us_presence[0] != 0.0
    assert run_cli("forecast", "--shock", "no-such-shock").code == 2


def test_a_timed_shock_gives_the_same_forecast_in_the_api_the_cli_and_the_web(run_cli: Any, client: Any) -> None:
    """The built-in lethal-militia-attack (after round 2) through each door: one shared loop, one answer.

    The web used to apply timed shocks before the run (ktab us-presence 54.6 against 60.4).
    """
    from tests.webclient import token

    sc = load_builtin("us-iraq-2020")
    shock = next(s for s in sc.shocks if s.id == "lethal-militia-attack")
    assert shock.round and shock.round >= 1
    for engine in ("ktab", "bdm"):
        api = [i.forecast for i in forecast(sc, engine, shocks=[shock]).issues]
        cli = run_cli("forecast", "us-iraq-2020", "-e", engine, "--shock", "lethal-militia-attack", "--json")
        assert cli.code == 0, cli.err
        assert [i["forecast"] for i in json.loads(cli.out)["issues"]] == api
        web = client.post("/api/scenarios/us-iraq-2020/forecast",
                          json={"engines": [engine], "shocks": ["lethal-militia-attack"]},
                          headers={"X-CSRF-Token": token(client)})
        assert web.status_code == 200, web.text
        assert [i["forecast"] for i in web.json()["forecasts"][engine]["issues"]] == api
    before = forecast(apply_shock(sc, _shock(None, *[c.model_dump() for c in shock.changes])), "ktab")
    assert before.issues[0].forecast != forecast(sc, "ktab", shocks=[shock]).issues[0].forecast
