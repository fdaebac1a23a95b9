"""Ensembles, shocks and explanations: the properties the math requires."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stratagem.analysis.ensemble import run_ensemble
from stratagem.analysis.explain import local_sensitivities, variance_indices, whom_to_persuade
from stratagem.analysis.forecast import forecast
from stratagem.model.builtin import load_builtin
from stratagem.model.errors import ScenarioError
from stratagem.model.io import parse_yaml
from stratagem.model.schema import Shock
from stratagem.model.shocks import apply_shock

SCENARIO = """\
id: three
name: Three actors
actors:
  - {id: a, name: A, capability: 3, capability_range: [2, 4]}
  - {id: b, name: B, capability: 2, capability_range: [1, 3]}
  - {id: c, name: C, capability: 1, capability_range: [0.5, 1.5]}
  - {id: d, name: D, capability: 1}
issues:
  - id: i
    name: Issue
    status_quo: 30
    anchors: [{value: 0, label: none}, {value: 50, label: half}, {value: 100, label: all}]
stances:
  - {actor: a, issue: i, position: 20, salience: 60, position_range: [10, 30], salience_range: [40, 80]}
  - {actor: b, issue: i, position: 70, salience: 80, position_range: [60, 85], salience_range: [60, 90]}
  - {actor: c, issue: i, position: 90, salience: 50, position_range: [80, 100]}
  - {actor: d, issue: i, position: 45, salience: 40}
"""


def _scenario(text: str = SCENARIO):  # type: ignore[no-untyped-def]
    return parse_yaml(text, path="three.yaml")


def _without_ranges(text: str) -> str:
    import re

    text = re.sub(r", (capability|position|salience)_range: \[[^\]]*\]", "", text)
    return text


@pytest.mark.parametrize("engine", ["compromise", "median", "nash", "bdm"])
def test_zero_ranges_give_the_single_run(engine: str) -> None:
    sc = _scenario(_without_ranges(SCENARIO))
    single = forecast(sc, engine).issues[0].forecast
    ens = run_ensemble(sc, draws=50, engines=[engine], seed=3, workers=1)
    values = ens.values[engine][:, 0]
    assert np.all(values == single)
    assert ens.issues[0].median == single and ens.issues[0].quantiles["p05"] == single


def test_zero_ranges_give_the_single_run_on_the_flagship() -> None:
    sc = load_builtin("us-iraq-2020")
    flat = sc.model_validate({
        **sc.model_dump(),
        "actors": [{**a.model_dump(), "capability_range": None} for a in sc.actors],
        "stances": [{**s.model_dump(), "position_range": None, "salience_range": None} for s in sc.stances],
    })
    single = [i.forecast for i in forecast(flat, "bdm").issues]
    ens = run_ensemble(flat, draws=4, engines=["bdm"], workers=1)
    np.testing.assert_array_equal(ens.values["bdm"], np.tile(single, (4, 1)))


def test_intervals_widen_with_the_ranges() -> None:
    narrow = _scenario()
    wide_text = SCENARIO.replace("[10, 30]", "[0, 45]").replace("[60, 85]", "[40, 100]").replace("[80, 100]", "[50, 100]")
    wide = _scenario(wide_text)
    a = run_ensemble(narrow, draws=2000, engines=["compromise"], workers=1).issues[0]
    b = run_ensemble(wide, draws=2000, engines=["compromise"], workers=1).issues[0]
    assert b.quantiles["p95"] - b.quantiles["p05"] > a.quantiles["p95"] - a.quantiles["p05"]
    assert b.quantiles["p75"] - b.quantiles["p25"] > a.quantiles["p75"] - a.quantiles["p25"]


def test_summary_is_consistent() -> None:
    s = run_ensemble(_scenario(), draws=3000, engines=["compromise", "median"], workers=1).issues[0]
    q = s.quantiles
    assert q["p05"] <= q["p10"] <= q["p25"] <= s.median <= q["p75"] <= q["p90"] <= q["p95"]
    assert sum(s.bands.values()) == pytest.approx(1.0)
    assert 0 < s.mcse_mean < 1 and 0 < s.mcse_median < 1


def test_same_seed_same_json_whatever_the_chunking_and_workers() -> None:
    sc = _scenario()
    runs = [
        run_ensemble(sc, draws=1200, engines=["bdm", "compromise"], seed=7, workers=1),
        run_ensemble(sc, draws=1200, engines=["bdm", "compromise"], seed=7, workers=2),
    ]
    dumps = [json.dumps(r.to_dict(), sort_keys=True) for r in runs]
    assert dumps[0] == dumps[1]
    other = run_ensemble(sc, draws=1200, engines=["bdm", "compromise"], seed=8, workers=1)
    assert json.dumps(other.to_dict(), sort_keys=True) != dumps[0]


def test_dask_cluster_gives_the_local_result() -> None:
    distributed = pytest.importorskip("dask.distributed")
    sc = _scenario()
    local = run_ensemble(sc, draws=1100, engines=["bdm", "nash"], seed=5, workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        remote = run_ensemble(sc, draws=1100, engines=["bdm", "nash"], seed=5, scheduler=cluster.scheduler_address)
    assert json.dumps(local.to_dict(), sort_keys=True) == json.dumps(remote.to_dict(), sort_keys=True)


def test_progress_is_reported() -> None:
    seen: list[tuple[int, int]] = []
    run_ensemble(_scenario(), draws=1200, engines=["compromise"], workers=1, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (1200, 1200) and len(seen) == 3


def test_moving_an_actor_to_another_position_moves_the_forecast_that_way() -> None:
    """Moving A (weight 1.8) from 20 to B's 70 must raise the compromise and the median."""
    sc = _scenario(_without_ranges(SCENARIO))
    shock = Shock.model_validate({"id": "a-joins-b", "name": "A joins B",
                                  "changes": [{"action": "set_position", "actor": "a", "issue": "i", "value": 70}]})
    after = apply_shock(sc, shock)
    for engine in ("compromise", "median", "bdm"):
        before_f = forecast(sc, engine).issues[0].forecast
        after_f = forecast(after, engine).issues[0].forecast
        assert after_f > before_f, engine
    # compromise: exactly the weighted mean with A at 70
    w = np.array([3 * 0.6, 2 * 0.8, 1 * 0.5, 1 * 0.4])
    x = np.array([70, 70, 90, 45])
    assert forecast(after, "compromise").issues[0].forecast == pytest.approx(float(w @ x / w.sum()))


def test_shock_actions() -> None:
    sc = _scenario()
    def shock(*changes: dict[str, object]) -> Shock:
        return Shock.model_validate({"id": "s", "name": "s", "changes": list(changes)})
    removed = apply_shock(sc, shock({"action": "remove_actor", "actor": "c"}))
    assert [a.id for a in removed.actors] == ["a", "b", "d"] and len(removed.stances) == 3
    shifted = apply_shock(sc, shock({"action": "shift_position", "actor": "a", "issue": "i", "value": -50}))
    assert shifted.stances[0].position == 0  # clipped to the scale
    scaled = apply_shock(sc, shock({"action": "scale_capability", "actor": "b", "value": 2}))
    assert scaled.actor("b").capability == 4 and scaled.actor("b").capability_range.high >= 4  # type: ignore[union-attr]
    added = apply_shock(sc, shock({"action": "add_actor", "actor": "e",
                                   "new_actor": {"id": "e", "name": "E", "capability": 2},
                                   "new_stances": [{"actor": "e", "issue": "i", "position": 5, "salience": 90}]}))
    assert forecast(added, "compromise").issues[0].forecast < forecast(sc, "compromise").issues[0].forecast
    with pytest.raises(ScenarioError, match="unknown actor"):
        apply_shock(sc, shock({"action": "set_capability", "actor": "zz", "value": 1}))


def test_builtin_shocks_apply_every_change_they_declare() -> None:
    """Each change of each built-in shock is visible after it, checked against the state before it."""
    checked = 0
    for sid in ("us-iraq-2020", "us-iraq-2024"):
        sc = load_builtin(sid)
        for sh in sc.shocks:
            before = sc
            for k, ch in enumerate(sh.changes):
                after = apply_shock(sc, sh.model_copy(update={"changes": sh.changes[: k + 1]}))
                actors = {a.id: a for a in after.actors}
                if ch.action == "remove_actor":
                    assert ch.actor not in actors and all(st.actor != ch.actor for st in after.stances)
                elif ch.action == "add_actor":
                    assert ch.new_actor is not None and ch.new_actor.id in actors
                elif ch.action in ("set_capability", "scale_capability"):
                    assert ch.value is not None
                    old = next(a for a in before.actors if a.id == ch.actor).capability
                    want = ch.value if ch.action == "set_capability" else old * ch.value
                    assert actors[ch.actor].capability == pytest.approx(max(want, 0.0))
                else:
                    assert ch.value is not None
                    issue = next(i for i in sc.issues if i.id == ch.issue)
                    old_st = next(st for st in before.stances if st.actor == ch.actor and st.issue == ch.issue)
                    new_st = next(st for st in after.stances if st.actor == ch.actor and st.issue == ch.issue)
                    if ch.action in ("set_position", "shift_position"):
                        raw = ch.value if ch.action == "set_position" else old_st.position + ch.value
                        assert new_st.position == pytest.approx(min(max(raw, issue.scale_min), issue.scale_max))
                    else:
                        raw = ch.value if ch.action == "set_salience" else old_st.salience + ch.value
                        assert new_st.salience == pytest.approx(min(max(raw, 0.0), 100.0))
                before = after
                checked += 1
    assert checked >= 4, "the built-in scenarios declare shocks with changes to check"


def test_explanations() -> None:
    sc = _scenario(_without_ranges(SCENARIO))
    sens = {s.actor: s for s in local_sensitivities(sc, "compromise")}
    # compromise: d forecast / d x_a = w_a / sum w
    w = np.array([1.8, 1.6, 0.5, 0.4])
    assert sens["a"].position == pytest.approx(w[0] / w.sum(), rel=1e-6)
    assert sens["c"].salience > 0 and sens["a"].salience < 0  # C is above the forecast, A below
    persuade = whom_to_persuade(sc, "compromise")
    assert persuade and all(p.band_after != p.band_before for p in persuade)
    best = persuade[0]
    assert abs(best.to_position - best.from_position) == min(abs(p.to_position - p.from_position) for p in persuade)
    indices = variance_indices(_scenario(), "compromise", draws=3000)
    assert indices and indices[0].input.startswith(("a.", "b.", "c."))
    assert all(0 <= v.first_order <= 1 for v in indices)


def test_cli_ensemble_and_whatif(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("ensemble", "ec-emissions-1994", "--draws", "300", "--engine", "compromise", "--json", "--workers", "1")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["draws"] == 300 and data["issues"][0]["id"] == "emissions"
    for key in ("median", "mean", "p05", "p10", "p25", "p75", "p90", "p95", "bands"):
        assert key in data["issues"][0]
    result = run_cli("whatif", "us-iraq-2020", "--shock", "no-such-shock", "--draws", "10")
    assert result.code == 2 and "neither a shock" in result.err
    sc = load_builtin("us-iraq-2020")
    result = run_cli("whatif", "us-iraq-2020", "--shock", sc.shocks[-1].id, "--draws", "200", "-e", "compromise",
                     "--workers", "1", "--json")
    assert result.code == 0, result.err
    assert set(json.loads(result.out)) == {"scenario", "shocks", "baseline", "shocked"}
    result = run_cli("explain", "ec-emissions-1994", "--draws", "200", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["moves"]
    result = run_cli("ensemble", "ec-emissions-1994", "--option", "nokey=1")
    assert result.code == 2


def test_variance_indices_report_progress_and_do_not_depend_on_chunking(monkeypatch: pytest.MonkeyPatch) -> None:
    """explain's draws run in chunks with progress after each; a deterministic engine's answer is the one batch's."""
    import stratagem.analysis.explain as explain_module

    sc = load_builtin("ec-emissions-1994")
    seen: list[tuple[int, int]] = []
    chunked = variance_indices(sc, "bdm", draws=2500, seed=4, rounds=6, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]
    monkeypatch.setattr(explain_module, "EXPLAIN_CHUNK", 10_000)
    assert variance_indices(sc, "bdm", draws=2500, seed=4, rounds=6) == chunked
