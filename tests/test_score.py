"""Scoring your own case: engines against a scenario's recorded outcomes, errors computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stratagem.analysis.backtest import score_scenarios
from stratagem.model.errors import StratagemError
from stratagem.model.io import parse_yaml

# Weights are capability x salience (salience on 0-100 read as a share):
#   issue x: a 2 x .5 = 1 at 20, b 1 x 1 = 1 at 80, c 1 x .5 = .5 at 50
#            compromise (20 + 80 + 25) / 2.5 = 50; weighted median 50 (cumulative 1, 1.5 of 2.5)
#   issue y: a 2 x 1 = 2 at 10, b 1 x .5 = .5 at 90, c 1 x 1 = 1 at 40
#            compromise (20 + 45 + 40) / 3.5 = 30; weighted median 10 (a alone holds 2 of 3.5)
# Outcomes 65 and 25: compromise errors 15 and 5, median errors 15 and 15.
CASE = """\
id: own-case
name: An invented two-issue case
actors:
  - {id: a, name: A, capability: 2}
  - {id: b, name: B, capability: 1}
  - {id: c, name: C, capability: 1}
issues:
  - {id: x, name: Issue x, status_quo: 0}
  - {id: y, name: Issue y, status_quo: 100}
stances:
  - {actor: a, issue: x, position: 20, salience: 50}
  - {actor: b, issue: x, position: 80, salience: 100}
  - {actor: c, issue: x, position: 50, salience: 50}
  - {actor: a, issue: y, position: 10, salience: 100}
  - {actor: b, issue: y, position: 90, salience: 50}
  - {actor: c, issue: y, position: 40, salience: 100}
outcomes:
  - {issue: x, value: 65}
  - {issue: y, value: 25}
"""


def test_scores_against_recorded_outcomes_match_the_hand_computation() -> None:
    result = score_scenarios([parse_yaml(CASE, path="own.yaml")], ["compromise", "median", "anchor"])
    comp, med = result.scores["compromise"], result.scores["median"]
    assert result.n == 2
    assert comp.mae == pytest.approx(10.0)
    assert comp.rmse == pytest.approx(125 ** 0.5)
    assert comp.hit10 == 0.5
    assert med.mae == pytest.approx(15.0) and med.hit10 == 0.0
    assert med.vs_compromise is not None and med.vs_compromise.mae_diff == pytest.approx(5.0)
    assert comp.coverage80 is None and comp.crps is None
    # anchor ships a distribution, so it is scored on coverage and CRPS as in the DEU backtest
    anchor = result.scores["anchor"]
    assert anchor.coverage80 is not None and anchor.crps is not None and anchor.crps > 0


def test_score_command_prints_outcomes_beside_forecasts(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "own.yaml"
    path.write_text(CASE, encoding="utf-8")
    res = run_cli("score", str(path), "-e", "compromise", "-e", "median", "--json")
    assert res.code == 0, res.err
    payload = json.loads(res.out)
    assert payload["mode"] == "scenario"
    assert payload["engines"]["compromise"]["mae"] == 10.0
    assert payload["engines"]["median"]["vs_compromise"]["mae_diff"] == 5.0
    assert payload["issues"] == [
        {"scenario": "own-case", "issue": "x", "outcome": 65.0, "forecasts": {"compromise": 50.0, "median": 50.0}},
        {"scenario": "own-case", "issue": "y", "outcome": 25.0, "forecasts": {"compromise": 30.0, "median": 10.0}},
    ]
    table = run_cli("score", str(path), "-e", "compromise")
    assert table.code == 0, table.err
    assert "outcome" in table.out and "65.0" in table.out and "50.0" in table.out


def test_a_scenario_without_outcomes_is_a_one_line_error(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "none.yaml"
    path.write_text(CASE.split("outcomes:")[0], encoding="utf-8")
    res = run_cli("score", str(path))
    assert res.code == 2
    assert "no recorded outcomes" in res.err and len(res.err.strip().splitlines()) == 1
    with pytest.raises(StratagemError, match="no recorded outcomes"):
        score_scenarios([parse_yaml(CASE.split("outcomes:")[0], path="none.yaml")])


def test_show_prints_the_recorded_outcomes_beside_forecasts(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "own.yaml"
    path.write_text(CASE, encoding="utf-8")
    res = run_cli("show", str(path))
    assert res.code == 0, res.err
    assert "recorded outcome 65" in res.out and "recorded outcome 25" in res.out
    assert "Recorded outcomes beside the forecasts" in res.out
    assert "50.0 (-15.0)" in res.out  # the compromise forecast of x and its error, computed above


def test_report_shows_the_recorded_outcome_column() -> None:
    import re

    from stratagem.report.build import build_report
    from stratagem.report.html import render_report

    html = render_report(build_report(parse_yaml(CASE, path="own.yaml"), draws=20, seed=1, workers=1))
    forecasts = html[html.index('<section id="forecasts">'):]
    forecasts = forecasts[:forecasts.index("</section>")]
    assert "recorded outcome" in forecasts
    cells = re.findall(r"<tr><td>Issue x</td>(.*?)</tr>", forecasts, flags=re.S)[0]
    assert re.findall(r'<td class="num">([^<]*)</td>', cells)[:2] == ["0.0", "65.0"]  # status quo, outcome
