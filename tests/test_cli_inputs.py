"""The CSV readers build their scenario without pydantic's validator (schema.checked): what they give
must be exactly what full validation gives, and what they refuse is refused in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratagem.model.errors import ScenarioError
from stratagem.model.io import load_scenario
from stratagem.model.schema import Scenario
from tests.conftest import DATA, one_line_error
from tests.test_startup import ROOT

_NAME = st.text(alphabet=st.sampled_from([*"Ab z9-_.", " ", "\u00a0", "é", "漢", "!"]), min_size=1, max_size=90)
_CAPABILITY = st.sampled_from(["0", "1", "0.5", "1e-3", "100", "1e12", " 3 "])
_POSITION = st.sampled_from(["0", "1", "0.5", "100", "42.25", "-7", "1e9", "-1e9", " 3 "])
_SALIENCE = st.sampled_from(["0", "1", "0.5", "0.25", "100", "42.25", " 3 "])


def _fully_validated(sc: Scenario) -> Scenario:
    return Scenario.model_validate(sc.model_dump())


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(_NAME, _CAPABILITY, _POSITION, _SALIENCE), min_size=1, max_size=6,
                              unique_by=lambda row: row[0].strip()),
       stem=st.sampled_from(["small", "two words ", "Ünïcode", "x" * 90, "a,b"]))
def test_a_single_issue_csv_is_the_scenario_full_validation_gives(tmp_path_factory: pytest.TempPathFactory,
                                                                   rows: list[tuple[str, str, str, str]],
                                                                   stem: str) -> None:
    path = tmp_path_factory.mktemp("csv") / f"{stem}.csv"
    path.write_text("name,capability,position,salience\n" + "".join(
        f'"{name}",{c},{p},{s}\n' for name, c, p, s in rows), encoding="utf-8")
    try:
        sc = load_scenario(path)
    except ScenarioError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return
    again = _fully_validated(sc)
    assert again == sc and again.model_dump() == sc.model_dump()
    assert len({a.id for a in sc.actors}) == len(sc.actors)


def test_ktab_csvs_are_the_scenarios_full_validation_gives() -> None:
    for name in ("SOE-Pol-Comp.csv", "dummyData_3Dim.csv"):
        sc = load_scenario(DATA / "ktab" / name)
        assert _fully_validated(sc) == sc, name


def test_names_that_slug_alike_past_80_characters_get_distinct_ids_within_80(tmp_path: Path) -> None:
    long = "a" * 85
    path = tmp_path / "long.csv"
    path.write_text(f"name,capability,position,salience\n{long},1,10,50\n{long}!,2,20,60\n{long}?,2,30,60\n",
                    encoding="utf-8")
    sc = load_scenario(path)
    ids = [a.id for a in sc.actors]
    assert ids == ["a" * 80, "a" * 78 + "-2", "a" * 78 + "-3"]
    assert _fully_validated(sc) == sc


def test_a_csv_without_salience_is_one_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "zero.csv"
    path.write_text("name,capability,position,salience\nA,1,10,0\nB,2,20,0\n", encoding="utf-8")
    line = one_line_error(run_cli("forecast", str(path)))
    assert line == (f"error: {path}: every stance on issue 'zero' has salience 0, so no actor cares about it and no "
                    "engine can forecast it; give at least one stance a salience above 0")


def test_a_csv_forecast_builds_no_pydantic_validator(tmp_path: Path) -> None:
    path = tmp_path / "three.csv"
    path.write_text("name,capability,position,salience\nA,100,10,80\nB,60,40,70\nC,50,90,60\n", encoding="utf-8")
    probe = ("import sys\nfrom stratagem.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "from stratagem.model import schema\n"
             "print('BUILT', [m.__name__ for m in (schema.Scenario, schema.Actor, schema.Stance, schema.Issue) "
             "if m.__pydantic_complete__])\n")
    proc = subprocess.run([sys.executable, "-c", probe, "forecast", str(path), "-e", "compromise"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert proc.returncode == 0, proc.stderr
    assert "BUILT []" in proc.stdout
