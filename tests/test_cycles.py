"""Runs that end in a cycle: the forecast is the documented cycle summary, not a phase.

The summary (stratagem.engines.base.cycle_summary): where an issue's states repeat
with period p from round s, the forecast is the mean over rounds s .. s+p-1 of the
engine's per-round forecast, with their minimum and maximum as the range. The test
recomputes it from the written trajectory with its own weighted median.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from stratagem.analysis.ensemble import run_ensemble
from stratagem.analysis.explain import local_sensitivities
from stratagem.analysis.forecast import forecast
from stratagem.model.io import load_scenario

# An invented five-party vote whose bdm run flips between two states from round 1 on.
ACTORS = [("ash", 23, 68, 30), ("birch", 89, 79, 80), ("cedar", 77, 19, 70), ("dogwood", 52, 80, 70),
          ("elm", 82, 19, 60)]


@pytest.fixture
def cycling_csv(tmp_path: Path) -> Path:
    path = tmp_path / "flip.csv"
    lines = ["name,capability,position,salience"] + [f"{n},{c},{x},{s}" for n, c, x, s in ACTORS]
    path.write_text("\n".join(lines) + "\n")
    return path


def _weighted_median(x: list[float], w: list[float]) -> float:
    """Lowest position where the cumulative weight passes half (midpoint on an exact tie)."""
    order = sorted(range(len(x)), key=lambda i: x[i])
    total, cum = sum(w), 0.0
    for pos, i in enumerate(order):
        cum += w[i]
        if abs(cum - total / 2) <= 1e-12 * total:
            return (x[i] + x[order[pos + 1]]) / 2
        if cum > total / 2:
            return x[i]
    raise AssertionError("unreachable")


def _forecast_json(run_cli: Any, path: Path, rounds: int, trajectory: Path | None = None) -> dict[str, Any]:
    args = ["forecast", str(path), "-e", "bdm", "--rounds", str(rounds), "--json"]
    if trajectory is not None:
        args += ["--trajectory", str(trajectory)]
    result = run_cli(*args)
    assert result.code == 0, result.err
    out: dict[str, Any] = json.loads(result.out)
    return out


@pytest.mark.parametrize("k", [5, 12])
def test_a_cycling_forecast_is_the_cycle_mean_and_ignores_the_round_limit(
    run_cli: Any, cycling_csv: Path, tmp_path: Path, k: int
) -> None:
    traj_csv = tmp_path / "t.csv"
    even = _forecast_json(run_cli, cycling_csv, 2 * k, traj_csv)
    odd = _forecast_json(run_cli, cycling_csv, 2 * k + 1)
    issue_even, issue_odd = even["issues"][0], odd["issues"][0]
    assert issue_even["stop_reason"] == "cycle"
    cycle = issue_even["cycle"]
    assert (cycle["start"], cycle["period"]) == (1, 2)
    assert issue_even["forecast"] == issue_odd["forecast"]
    assert issue_even["cycle"] == issue_odd["cycle"]
    # the independent summary: weighted medians of the cycle's states, from the trajectory file
    names = [a[0] for a in ACTORS]
    weights = [c * s for _, c, _, s in ACTORS]
    with open(traj_csv, newline="") as handle:
        rows = list(csv.DictReader(handle))
    state = {(int(r["round"]), r["actor"]): float(r["position"]) for r in rows}
    phases = [_weighted_median([state[(t, n)] for n in names], weights)
              for t in range(cycle["start"], cycle["start"] + cycle["period"])]
    assert max(phases) - min(phases) > 40  # the two phases really differ: a phase is no forecast
    assert issue_even["forecast"] == pytest.approx(sum(phases) / len(phases), abs=1e-9)
    assert (cycle["low"], cycle["high"]) == pytest.approx((min(phases), max(phases)), abs=1e-9)
    # the last round's phase differs between the two runs, so the old answer did depend on it
    last_even = _weighted_median([state[(2 * k, n)] for n in names], weights)
    assert last_even != pytest.approx(issue_even["forecast"])


def test_the_stopping_rule_and_the_batch_give_the_same_cycle_summary(cycling_csv: Path) -> None:
    sc = load_scenario(cycling_csv)
    fixed = forecast(sc, "bdm", rounds=10).issues[0]
    stopped = forecast(sc, "bdm").issues[0]
    assert stopped.cycle == fixed.cycle == (1, 2)
    assert stopped.forecast == fixed.forecast
    assert stopped.cycle_range == fixed.cycle_range
    flat = sc.model_copy(update={
        "stances": tuple(s.model_copy(update={"position_range": None, "salience_range": None}) for s in sc.stances),
        "actors": tuple(a.model_copy(update={"capability_range": None}) for a in sc.actors)})
    ens = run_ensemble(flat, draws=3, engines=("bdm",), workers=1)
    assert ens.values["bdm"][:, 0].tolist() == [stopped.forecast] * 3


def test_the_cli_table_marks_the_cycle_and_prints_its_range(run_cli: Any, cycling_csv: Path) -> None:
    result = run_cli("forecast", str(cycling_csv), "-e", "bdm", "--rounds", "9")
    assert result.code == 0, result.err
    text = " ".join(result.out.split())  # the console wraps long lines
    assert "49.0*" in text and "mean of the per-round forecasts over one period" in text
    assert "cycles with period 2 from round 1; forecast over the cycle 19.0-79.0" in text


def test_sensitivities_across_the_cycle_switch_are_flagged(cycling_csv: Path) -> None:
    sc = load_scenario(cycling_csv)
    sens = local_sensitivities(sc, "bdm")
    assert any(s.discontinuous for s in sens)
    smooth = local_sensitivities(sc, "compromise")
    assert not any(s.discontinuous for s in smooth)
    big = max(sens, key=lambda s: abs(s.position))
    assert big.discontinuous or big.position == 0


def test_the_summary_is_the_last_forecast_where_nothing_cycles() -> None:
    from stratagem.engines.base import cycle_summary

    hist = np.array([[1.0, 5.0], [2.0, 6.0], [3.0, 7.0]])
    value, lo, hi = cycle_summary(hist, [None, (0, 2)])
    assert value.tolist() == [3.0, 5.5] and lo.tolist() == [3.0, 5.0] and hi.tolist() == [3.0, 6.0]


def test_the_report_and_the_web_show_the_cycle(run_cli: Any, cycling_csv: Path, tmp_path: Path, client: Any) -> None:
    out = tmp_path / "r.html"
    result = run_cli("report", str(cycling_csv), "-o", str(out), "-n", "20", "-e", "compromise", "--no-shocks")
    assert result.code == 0, result.err
    html = " ".join(out.read_text().split())
    assert "flip cycles with period 2 from round 1: forecast* = mean of the per-round forecasts over the cycle, " \
           "range 19.0-79.0" in html
    import yaml

    from tests.webclient import token

    sc = load_scenario(cycling_csv).model_dump(mode="json")
    up = client.post("/api/documents", files={"file": ("flip.yaml", yaml.safe_dump(sc).encode(), "application/yaml")},
                     headers={"X-CSRF-Token": token(client)})
    assert up.status_code == 201, up.text
    sid = up.json()["id"]
    web = client.post(f"/api/scenarios/{sid}/forecast", json={"engines": ["bdm"]},
                      headers={"X-CSRF-Token": token(client)})
    assert web.status_code == 200, web.text
    issue = web.json()["forecasts"]["bdm"]["issues"][0]
    assert issue["cycle"]["period"] == 2 and (issue["cycle"]["low"], issue["cycle"]["high"]) == (19.0, 79.0)
    assert issue["forecast"] == 49.0


# An invented six-party game whose bdm run enters a cycle of 29 rounds at round 2: longer than any
# fixed repeat window of 16 rounds, so only remembering every state finds it.
LONG_CYCLE = [("alder", 40, 56, 0.8), ("beech", 42, 43, 0.4), ("cherry", 35, 16, 0.6), ("damson", 2, 21, 0.8),
              ("elder", 3, 31, 0.7), ("fir", 98, 71, 0.4)]


@pytest.mark.parametrize("k", [16, 35])
def test_a_cycle_longer_than_sixteen_rounds_gets_the_cycle_summary(run_cli: Any, tmp_path: Path, k: int) -> None:
    path = tmp_path / "long.csv"
    path.write_text("name,capability,position,salience\n" + "".join(f"{n},{c},{x},{s}\n" for n, c, x, s in LONG_CYCLE))
    traj_csv = tmp_path / "t.csv"
    even = _forecast_json(run_cli, path, 2 * k, traj_csv)["issues"][0]
    odd = _forecast_json(run_cli, path, 2 * k + 1)["issues"][0]
    default = run_cli("forecast", str(path), "-e", "bdm", "--json")
    assert default.code == 0, default.err
    stopped = json.loads(default.out)["issues"][0]
    assert even["stop_reason"] == odd["stop_reason"] == stopped["stop_reason"] == "cycle"
    start, period = even["cycle"]["start"], even["cycle"]["period"]
    assert (start, period) == (2, 29)
    assert even["forecast"] == odd["forecast"] == stopped["forecast"]
    # from the written trajectory: round start + period repeats round start, no shorter repeat exists
    names = [a[0] for a in LONG_CYCLE]
    with open(traj_csv, newline="") as handle:
        rows = list(csv.DictReader(handle))
    state = {(int(r["round"]), r["actor"]): float(r["position"]) for r in rows}
    at = [np.array([state[(t, n)] for n in names]) for t in range(2 * k + 1)]
    assert np.abs(at[start + period] - at[start]).max() <= 1e-9
    assert all(np.abs(at[t] - at[s]).max() > 1e-9 for t in range(start + period) for s in range(t))
    weights = [c * s for _, c, _, s in LONG_CYCLE]
    phases = [_weighted_median(list(at[t]), weights) for t in range(start, start + period)]
    assert max(phases) - min(phases) > 20  # the phases differ: the round limit would pick one
    assert even["forecast"] == pytest.approx(sum(phases) / len(phases), abs=1e-9)
    assert (even["cycle"]["low"], even["cycle"]["high"]) == pytest.approx((min(phases), max(phases)), abs=1e-9)


def test_a_cycle_whose_forecast_stays_put_is_not_printed_as_a_range() -> None:
    from stratagem.cli.run_cmds import _cycle_text

    assert _cycle_text((9, 2), (25.0, 25.04)) == "positions cycle with period 2 from round 9; the forecast stays at 25.0"
    assert _cycle_text((1, 2), (19.0, 79.0)) == "cycles with period 2 from round 1; forecast over the cycle 19.0-79.0"
    assert _cycle_text((1, 3), None) == "cycles with period 3 from round 1"


def test_the_default_forecast_prints_no_range_of_one_value(run_cli: Any) -> None:
    import re

    result = run_cli("forecast", "us-iraq-2020", "-e", "bdm")
    assert result.code == 0, result.err
    text = " ".join(result.out.split())
    assert "cycle" in text
    assert not re.search(r"over the cycle (\S+)-\1\b", text)


def test_a_batch_of_cycles_is_summarised_as_each_game_alone() -> None:
    """cycle_means (a batch at once) gives, to the bit, the mean of each game's own cycle slice, periods of
    2 to 40 rounds included (NumPy sums 8 or more values pairwise), and the last forecast elsewhere."""
    from stratagem.engines.base import cycle_means

    rng = np.random.default_rng(7)
    T, B, m = 60, 40, 3
    forecasts = rng.normal(50.0, 20.0, size=(T + 1, B, m))
    period = rng.choice([0, 1, 2, 3, 7, 8, 9, 17, 40], size=(B, m))
    start = np.where(period > 0, rng.integers(0, T - 40, size=(B, m)), -1)
    got = cycle_means(forecasts, start, period)
    for b in range(B):
        for k in range(m):
            s, p = int(start[b, k]), int(period[b, k])
            want = float(np.mean(forecasts[s : s + p, b, k])) if p > 1 else float(forecasts[-1, b, k])
            assert got[b, k].tobytes() == np.float64(want).tobytes(), (b, k, p)
