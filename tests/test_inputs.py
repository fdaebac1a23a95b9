"""Bad input gets one clear line naming where the problem is, exit status 2, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stratagem.model.builtin import load_builtin
from stratagem.model.errors import ScenarioError
from stratagem.model.io import (
    load_scenario,
    parse_ktab_csv,
    write_ktab_csv,
    write_single_issue_csv,
    write_yaml,
)

from .conftest import DATA, TINY_SCENARIO


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_good_yaml_loads(tmp_path: Path) -> None:
    sc = load_scenario(_write(tmp_path, "s.yaml", TINY_SCENARIO))
    assert [a.id for a in sc.actors] == ["a", "b"]
    assert sc.stances[1].position_range is not None and sc.stances[1].position_range.high == 95


@pytest.mark.parametrize(
    ("old", "new", "line", "expect"),
    [
        ("    position: 10\n", "    position: 120\n", 17, "outside the scale"),
        ("position: 90, salience: 70", "position: 70, salience: 70", 19, "outside position_range"),
        ("    salience: 50\n", "    salience: 150\n", 18, "salience"),
        ("{id: b, name: B, capability: 2}", "{id: b, name: B, capability: -2}", 6, "capability"),
        ("{id: b, name: B, capability: 2}", "{id: b, name: A, capability: 2}", None, "duplicate actor name"),
        ("  - actor: a\n", "  - actor: z\n", 15, "unknown actor 'z'"),
        ("    position: 10\n", "    position: .nan\n", 17, "finite"),
        ("    salience: 50\n", "    salience: .nan\n", 18, "finite"),
        ("{id: b, name: B, capability: 2}", "{id: b, name: B, capability: .inf}", 6, "finite"),
        ("    position: 10\n", "    position: ten\n", 17, "position"),
        ("status_quo: 40", "status_quo: 140", 10, "status_quo"),
        ("position_range: [80, 95]", "position_range: [95, 80]", 19, "low"),
    ],
)
def test_schema_errors_name_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int | None, expect: str
) -> None:
    assert old in TINY_SCENARIO
    path = _write(tmp_path, "s.yaml", TINY_SCENARIO.replace(old, new))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert expect in message
    if line is not None:
        assert info.value.line == line, message


def test_all_zero_capability_is_an_error(tmp_path: Path) -> None:
    text = TINY_SCENARIO.replace("capability: 1", "capability: 0").replace("capability: 2", "capability: 0")
    with pytest.raises(ScenarioError, match="zero capability"):
        load_scenario(_write(tmp_path, "s.yaml", text))


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.yaml", TINY_SCENARIO.replace("  - {id: b, name: B, capability: 2}", "  - {id: b, name: B"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "malformed YAML" in str(info.value) and info.value.line is not None


def test_empty_scenario(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="empty file"):
        load_scenario(_write(tmp_path, "s.yaml", "\n"))
    with pytest.raises(ScenarioError, match="actors"):
        load_scenario(_write(tmp_path, "t.yaml", "id: x\nname: X\nactors: []\nissues: []\n"))


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("name,capability,position\nA,1,2\n", "header"),
        ("name,capability,position,salience\nA,1,x,0.5\n", "s.csv:2: position: 'x' is not a number"),
        ("name,capability,position,salience\nA,-1,3,0.5\n", "negative capability"),
        ("name,capability,position,salience\nA,1,3,0.5\nA,1,4,0.5\n", "duplicate actor name 'A'"),
        ("name,capability,position,salience\nA,1,nan,0.5\n", "not a finite number"),
        ("name,capability,position,salience\nA,1,3,150\n", "salience"),
        ("name,capability,position,salience\n", "no actors"),
        ("name,capability,position,salience\nA,0,3,0.5\nB,0,4,0.5\n", "zero capability"),
        ("name,capability,position,salience\nA,1,3\n", "expected 4 columns"),
    ],
)
def test_single_issue_csv_errors(tmp_path: Path, text: str, expect: str) -> None:
    with pytest.raises(ScenarioError, match=None) as info:
        load_scenario(_write(tmp_path, "s.csv", text))
    assert expect in str(info.value)
    assert "\n" not in str(info.value)


def test_salience_scale_is_read_from_the_file(tmp_path: Path) -> None:
    probability = load_scenario(_write(tmp_path, "p.csv", "name,capability,position,salience\nA,1,3,0.5\nB,1,4,1\n"))
    percent = load_scenario(_write(tmp_path, "q.csv", "name,capability,position,salience\nA,1,3,50\nB,1,4,100\n"))
    assert [s.salience for s in probability.stances] == [50, 100]
    assert [s.salience for s in percent.stances] == [50, 100]


def test_ktab_csv_reads_both_samples() -> None:
    sc = load_scenario(DATA / "ktab" / "SOE-Pol-Comp.csv") if (DATA / "ktab" / "SOE-Pol-Comp.csv").exists() else None
    text = (
        "Demo,Two dims,3,2,\nActor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,\n"
        "A, one,10,20,30,40,50,\nB, two,20,60,10,30,20,\nC, three,5,90,45,10,45,\n"
    )
    parsed = parse_ktab_csv(text, path="demo.csv")
    assert [i.id for i in parsed.issues] == ["pstn1", "pstn2"]
    assert len(parsed.stances) == 6 and parsed.actor("b").capability == 20
    if sc is not None:
        assert len(sc.actors) == 13


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Demo,x,3,2\nActor,Description,Power,P1,S1\n", "header has 5 columns"),
        ("Demo,x,2,1\nActor,Description,Power,P1,S1\nA,a,1,20,30\n", "announces 2 actors but 1 follow"),
        ("Demo,x,1,1\nActor,Description,Power,P1,S1\nA,a,1,120,30\n", "position 120 outside 0-100"),
        ("Demo,x,1,2\nActor,Description,Power,P1,S1,P2,S2\nA,a,1,20,60,30,60\n", "more than 100"),
    ],
)
def test_ktab_csv_errors(tmp_path: Path, text: str, expect: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, "k.csv", text))
    assert expect in str(info.value)


def test_paths_that_are_not_scenarios(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "missing.yaml")
    (tmp_path / "d.yaml").mkdir()
    with pytest.raises(ScenarioError, match="directory"):
        load_scenario(tmp_path / "d.yaml")
    with pytest.raises(ScenarioError, match="binary"):
        load_scenario(_write(tmp_path, "b.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00"))


def test_writers_round_trip(tmp_path: Path) -> None:
    sc = load_scenario(_write(tmp_path, "s.yaml", TINY_SCENARIO))
    write_yaml(sc, tmp_path / "out.yaml")
    assert load_scenario(tmp_path / "out.yaml") == sc
    write_single_issue_csv(sc, tmp_path / "out.csv")
    back = load_scenario(tmp_path / "out.csv")
    assert [s.position for s in back.stances] == [10, 90]
    assert [s.salience for s in back.stances] == [50, 70]
    write_ktab_csv(sc, tmp_path / "k.csv")
    ktab = load_scenario(tmp_path / "k.csv")
    assert [a.capability for a in ktab.actors] == [1, 2]
    assert [s.position for s in ktab.stances] == [10, 90]


def test_builtin_yaml_round_trips_through_the_writer(tmp_path: Path) -> None:
    sc = load_builtin("ec-emissions-1994")
    write_yaml(sc, tmp_path / "ec.yaml")
    assert load_scenario(tmp_path / "ec.yaml") == sc
    assert yaml.safe_load((tmp_path / "ec.yaml").read_text())["id"] == "ec-emissions-1994"


# -- the command line ------------------------------------------------------------
def test_cli_errors_are_one_line_with_status_2(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = _write(tmp_path, "s.yaml", TINY_SCENARIO.replace("    position: 10\n", "    position: 300\n"))
    for args in (
        ("forecast", str(bad)),
        ("forecast", str(tmp_path / "missing.csv")),
        ("forecast", "no-such-builtin"),
        ("forecast", "--engine", "nope"),
        ("forecast", "--engine", "bdm", "--option", "probability=sometimes"),
        ("forecast", "--engine", "bdm", "--option", "nokey"),
        ("forecast", "--engine", "bdm", "--option", "q=2"),
        ("forecast", "--rounds", "x"),
        ("validate", str(tmp_path)),
        ("nosuchcommand",),
    ):
        result = run_cli(*args)
        assert result.code == 2, (args, result)
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, result.err)
        assert "Traceback" not in result.err


def test_debug_shows_the_traceback(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScenarioError):
        run_cli("--debug", "forecast", str(tmp_path / "missing.yaml"))


def test_nothing_half_written_on_failure(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = _write(tmp_path, "s.yaml", TINY_SCENARIO)
    target = tmp_path / "t.csv"
    result = run_cli("forecast", str(good), "--engine", "bdm", "--option", "q=9", "--trajectory", str(target))
    assert result.code == 2 and not target.exists()
    result = run_cli("forecast", str(good), "--engine", "bdm", "--trajectory", str(tmp_path / "no" / "t.csv"))
    assert result.code == 2 and "directory does not exist" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_validate_summarises(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("validate", str(_write(tmp_path, "s.yaml", TINY_SCENARIO)))
    assert result.code == 0 and "valid scenario 'tiny': 2 actors, 1 issues" in result.out
