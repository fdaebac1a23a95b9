"""Every bad input of issues 18 and 15.5 gets one line naming the file and line (or the option), exit 2.

Each case goes through the command line in-process and checks the whole contract:
exit status 2, exactly one line on stderr that starts with ``error:`` and names where
the problem is, no traceback, and no file left behind in the working directory.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from stratagem.model.builtin import load_builtin
from stratagem.model.files import MAX_SCENARIO_BYTES
from stratagem.model.limits import MAX_DRAWS, MAX_ROUNDS, MAX_WORKERS
from stratagem.model.strict_yaml import MAX_YAML_DEPTH

from .conftest import TINY_SCENARIO, one_line_error

COMMANDS = [("validate",), ("forecast",), ("ensemble", "-n", "20", "--workers", "1"), ("explain", "--draws", "20")]
COMMAND_IDS = ["validate", "forecast", "ensemble", "explain"]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory to run in; afterwards it must hold only what the test wrote (nothing half-written)."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def _files(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


def _scenario(directory: Path, name: str, text: str) -> str:
    (directory / name).write_text(text, encoding="utf-8")
    return name


# -- scenario files: each error names the file, the line and the field -------------------------------
BAD_YAML = [
    ("impossible-date", TINY_SCENARIO.replace("as_of: 2024-01-01", "as_of: 2024-13-01"), ":3: as_of: '2024-13-01' is not a valid date"),
    ("duplicate-key", TINY_SCENARIO.replace("    salience: 50\n", "    salience: 50\n    issue: j\n"),
     ":19: stances[0].issue: duplicate key 'issue' (first at line 16)"),
    ("duplicate-actor", TINY_SCENARIO.replace("{id: b, name: B", "{id: a, name: B"),
     ":6: actors[1].id: duplicate actor id 'a' (first at line 5)"),
    ("misspelt-key", TINY_SCENARIO.replace("    position: 10", "    postion: 10"),
     ":17: stances[0].postion: unknown key 'postion' (did you mean 'position'?)"),
    ("all-zero-salience", TINY_SCENARIO.replace("salience: 50", "salience: 0").replace("salience: 70", "salience: 0"),
     ":8: issues[0]: every stance on issue 'i' has salience 0"),
    ("huge-capability", TINY_SCENARIO.replace("capability: 2}", "capability: 1e300}"),
     ":6: actors[1].capability: 1e+300 is above the largest accepted, 1e+12"),
    ("position-150", TINY_SCENARIO.replace("position: 10", "position: 150"), ":17: stances[0].position: 150 lies outside the scale"),
    ("deep-flow", "id: x\nname: " + "[" * 5000 + "]" * 5000 + "\n", ":2: "),
    ("deep-block", "id: x\nname: y\nnotes:\n" + "".join("  " * (k + 1) + "k:\n" for k in range(60)),
     f"YAML nested more than {MAX_YAML_DEPTH} levels deep"),
    ("alias-bomb", "a: &a [1,2,3,4,5,6,7,8,9]\n" + "".join(
        f"{chr(98 + k)}: &{chr(98 + k)} [{','.join(['*' + chr(97 + k)] * 9)}]\n" for k in range(9)),
     "values (aliases?)"),
    ("python-tag", TINY_SCENARIO.replace("name: Tiny", "name: !!python/object/apply:os.system [echo]"), ":2: name: "),
    ("merge-key", TINY_SCENARIO.replace("  - {actor: b, issue: i,", "  - {<<: {actor: b}, issue: i,"),
     "merge keys (<<) are not supported"),
    ("huge-integer", TINY_SCENARIO.replace("position: 10", "position: 1" + "0" * 5000), ":17: "),
    ("two-documents", TINY_SCENARIO + "---\nid: second\n", "malformed YAML"),
]


@pytest.mark.parametrize(("name", "text", "expect"), BAD_YAML, ids=[case[0] for case in BAD_YAML])
def test_bad_scenario_yaml_is_one_line_with_its_line(run_cli, workdir: Path, name: str, text: str,  # type: ignore[no-untyped-def]
                                                     expect: str) -> None:
    path = _scenario(workdir, f"{name}.yaml", text)
    one_line_error(run_cli("validate", path), f"{path}", expect)
    assert _files(workdir) == {path}


@pytest.mark.parametrize("args", COMMANDS, ids=COMMAND_IDS)
def test_every_command_reports_the_same_line(run_cli, workdir: Path, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    path = _scenario(workdir, "dup.yaml", TINY_SCENARIO.replace("    salience: 50\n", "    salience: 50\n    issue: j\n"))
    one_line_error(run_cli(*args, path), "dup.yaml:19:", "duplicate key 'issue'")


BAD_CSV = [
    ("ktab-inf-power", "k.csv", "Case,d,2,1\nActor,Description,Power,D Position,D Salience\nA,a,inf,50,50\nB,b,1,40,50\n",
     "k.csv:3: Power: inf is not a finite number"),
    ("ktab-inf-count", "k.csv", "Case,d,inf,1\nActor,Description,Power,D Position,D Salience\n",
     "k.csv:1: number of actors and of dimensions must be integers"),
    ("ktab-nan-salience", "k.csv", "Case,d,1,1\nActor,Description,Power,D Position,D Salience\nA,a,1,50,nan\n",
     "k.csv:3: D Salience: nan is not a finite number"),
    ("ktab-zero-salience", "k.csv", "Case,d,2,1\nActor,Description,Power,D Position,D Salience\nA,a,1,50,0\nB,b,1,40,0\n",
     "has salience 0"),
    ("single-inf", "s.csv", "name,capability,position,salience\nA,1,inf,0.5\nB,1,3,0.5\n",
     "s.csv:2: position: inf is not a finite number"),
    ("single-overflow", "s.csv", "name,capability,position,salience\nA,1,1e308,0.5\nB,1,1e308,0.5\n",
     "s.csv:2: position: 1e+308 is beyond the largest accepted scale"),
    ("single-overflow-range", "s.csv", "name,capability,position,salience\nA,1,-1e308,0.5\nB,1,1e308,0.5\n",
     "s.csv:2: position: -1e+308 is beyond"),
    ("single-huge-capability", "s.csv", "name,capability,position,salience\nA,1e300,1,0.5\nB,1,3,0.5\n",
     "s.csv:2: capability: 1e+300 is above the largest accepted"),
    ("csv-long-field", "s.csv", "name,capability,position,salience\n\"" + "x" * 200_000 + "\",1,2,0.5\n",
     "s.csv:2: malformed CSV"),
]


@pytest.mark.parametrize(("name", "filename", "text", "expect"), BAD_CSV, ids=[case[0] for case in BAD_CSV])
def test_bad_csv_is_one_line_with_its_line(run_cli, workdir: Path, name: str, filename: str, text: str,  # type: ignore[no-untyped-def]
                                           expect: str) -> None:
    _scenario(workdir, filename, text)
    one_line_error(run_cli("forecast", "-e", "compromise", filename), expect)
    assert _files(workdir) == {filename}


def test_positions_at_the_scale_bound_forecast_without_warnings(run_cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    """Huge but accepted numbers give a finite answer and no numpy warning on the terminal."""
    path = _scenario(workdir, "edge.csv", "name,capability,position,salience\nA,1e12,-1e9,0.5\nB,1,1e9,0.5\nC,1e-300,3,1\n")
    for engine in ("compromise", "median", "nash", "bdm", "exchange"):
        result = run_cli("forecast", "-e", engine, "--json", path)
        assert result.code == 0 and result.err == "", (engine, result.err)
        assert "NaN" not in result.out and "Infinity" not in result.out


def test_file_above_the_size_limit(run_cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    path = workdir / "big.yaml"
    with path.open("wb") as handle:  # sparse: no time spent writing it
        handle.truncate(MAX_SCENARIO_BYTES + 1)
    one_line_error(run_cli("validate", "big.yaml"), "big.yaml: file is", f"above the {MAX_SCENARIO_BYTES // 2**20} MB limit")


def test_bad_shock_file_names_its_line(run_cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    scenario = _scenario(workdir, "s.yaml", TINY_SCENARIO)
    shock = _scenario(workdir, "shock.yaml", "id: s\nname: S\nchanges:\n  - {action: set_position, actor: a, issue: i, "
                                             "value: 5}\ndate: 2024-02-30\n")
    one_line_error(run_cli("forecast", "-e", "compromise", scenario, "--shock", shock),
                   "shock.yaml:5: date: '2024-02-30' is not a valid date")


# -- special files: refused from stat, never opened for reading (a FIFO would block) --------------------
@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail instead of hanging: these inputs used to block or read without end."""
    def _timeout(signum: int, frame: object) -> None:
        raise TimeoutError("the command did not return within 20 s")

    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _special(workdir: Path, kind: str) -> tuple[str, str]:
    if kind == "fifo":
        os.mkfifo(workdir / "pipe.yaml")
        return "pipe.yaml", "is a named pipe (FIFO), not a regular file"
    if kind == "directory":
        (workdir / "folder.yaml").mkdir()
        return "folder.yaml", "is a directory, not a regular file"
    device = {"dev-zero": "/dev/zero", "dev-urandom": "/dev/urandom"}[kind]
    if not Path(device).exists():
        pytest.skip(f"{device} is absent on this system")
    link = workdir / f"{kind}.yaml"
    link.symlink_to(device)  # a .yaml name, so the loader cannot refuse it by its suffix alone
    return link.name, "is a character device, not a regular file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX special files")
@pytest.mark.parametrize("kind", ["fifo", "directory", "dev-zero", "dev-urandom"])
@pytest.mark.parametrize("args", COMMANDS, ids=COMMAND_IDS)
def test_special_files_are_refused_at_once(run_cli, workdir: Path, deadline: None, kind: str,  # type: ignore[no-untyped-def]
                                           args: tuple[str, ...]) -> None:
    name, expect = _special(workdir, kind)
    one_line_error(run_cli(*args, name), f"{name}: {expect}")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_as_shock_file(run_cli, workdir: Path, deadline: None) -> None:  # type: ignore[no-untyped-def]
    scenario = _scenario(workdir, "s.yaml", TINY_SCENARIO)
    one_line_error(run_cli("forecast", scenario, "--shock", "/dev/zero"), "/dev/zero: is a character device")


# -- options: bounds checked by the parser, before any work -----------------------------------------
@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (("forecast", "--rounds", str(10**9)), f"'--rounds': 1000000000 is not in the range 0<=x<={MAX_ROUNDS}"),
        (("ensemble", "--draws", str(10**12)), f"1000000000000 is not in the range 1<=x<={MAX_DRAWS}"),
        (("ensemble", "--rounds", str(10**6)), f"'--rounds': 1000000 is not in the range 0<=x<={MAX_ROUNDS}"),
        (("ensemble", "--workers", "1000", "--draws", "600000"), f"'--workers': 1000 is not in the range 1<=x<={MAX_WORKERS}"),
        (("explain", "--draws", str(10**9)), f"'--draws': 1000000000 is not in the range 0<=x<={MAX_DRAWS}"),
        (("forecast", "--seed", "-1"), "'--seed': -1 is not in the range 0<="),
        (("ensemble", "--seed", "-1"), "'--seed': -1 is not in the range 0<="),
        (("ensemble", "--scheduler", "garbage"), "'--scheduler': 'garbage' is not a scheduler address"),
        (("ensemble", "--scheduler", "http://x"), "'--scheduler': 'http://x' is not a scheduler address"),
        (("ensemble", "--scheduler", "tcp://127.0.0.1:99999"), "port 99999 is not between 1 and 65535"),
        (("forecast", "-e", "bdm", "--option", f"max_rounds={MAX_ROUNDS + 1}"), f"must be at most {MAX_ROUNDS}"),
    ],
)
def test_option_bounds(run_cli, workdir: Path, deadline: None, args: tuple[str, ...], expect: str) -> None:  # type: ignore[no-untyped-def]
    scenario = _scenario(workdir, "s.yaml", TINY_SCENARIO)
    one_line_error(run_cli(*args, scenario), expect)


def test_memory_estimate_refuses_before_allocating(run_cli, workdir: Path, deadline: None,  # type: ignore[no-untyped-def]
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = _scenario(workdir, "s.yaml", TINY_SCENARIO)
    monkeypatch.setenv("STRATAGEM_MEMORY_GB", "0.5")
    line = one_line_error(run_cli("ensemble", "--workers", "8", "--draws", str(MAX_DRAWS), scenario),
                          "would need about", "GB of memory, more than the 0.5 GB allowed")
    assert "--draws" in line
    one_line_error(run_cli("explain", "--draws", str(MAX_DRAWS), scenario), "with --draws 10,000,000 would need")


# -- the Python API: edits are validated ------------------------------------------------------------
def test_model_copy_validates_edits() -> None:
    sc = load_builtin("ec-emissions-1994")
    stance = sc.stances[0].model_copy(update={"position": 150, "position_range": None})  # fine alone: no scale yet
    with pytest.raises(ValidationError, match="150 lies outside the scale"):
        sc.model_copy(update={"stances": (stance, *sc.stances[1:])})
    with pytest.raises(ValidationError, match="salience"):
        sc.stances[0].model_copy(update={"salience": 150})
    with pytest.raises(ValueError, match="no field postion"):
        sc.stances[0].model_copy(update={"postion": 5})
    assert sc.model_copy(update={"name": "Renamed"}).name == "Renamed"


# -- the other input files: DEU CSV, documents, manifests, gazetteers -------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX special files")
@pytest.mark.parametrize(
    "args",
    [("backtest", "deu", "--data", "pipe"), ("extract", "pipe"), ("ingest", "--manifest", "pipe", "--workspace", "w.db")],
    ids=["backtest-data", "extract", "ingest-manifest"],
)
def test_a_fifo_is_never_read_by_the_other_loaders(run_cli, workdir: Path, deadline: None,  # type: ignore[no-untyped-def]
                                                  args: tuple[str, ...]) -> None:
    os.mkfifo(workdir / "pipe")
    one_line_error(run_cli(*args), "pipe", "named pipe (FIFO)")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX special files")
def test_ingest_skips_a_fifo_in_one_line(run_cli, workdir: Path, deadline: None) -> None:  # type: ignore[no-untyped-def]
    os.mkfifo(workdir / "pipe.txt")
    result = run_cli("ingest", "pipe.txt", "--workspace", "w.db")
    assert result.code == 2 and "Traceback" not in result.err
    assert [line for line in result.err.splitlines() if line.strip()] == [
        "skipped: pipe.txt: is a named pipe (FIFO), not a regular file"]


def test_the_document_limit_is_the_one_in_model_files() -> None:
    from stratagem.evidence import ingest
    from stratagem.model import files

    assert ingest.MAX_DOCUMENT_BYTES is files.MAX_DOCUMENT_BYTES


def test_the_memory_estimate_counts_the_states_the_round_loop_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared round loop keeps every round's state to find cycles: a 1,000-round ensemble of 200 actors x
    10 issues in chunks of 500 keeps about 8 GB, doubled while its buffer grows, so it is refused under 4 GB,
    while the same ensemble with no iterative engine (round limit 0) is not."""
    from stratagem.analysis.ensemble import _round_limit
    from stratagem.model.limits import LimitError, check_ensemble

    monkeypatch.setenv("STRATAGEM_MEMORY_GB", "4")
    shape = {"draws": 500, "n_actors": 200, "n_issues": 10}
    check_ensemble(**shape, chunk_size=500, workers=1, rounds=1000, round_limit=0)
    with pytest.raises(LimitError, match="would need about"):
        check_ensemble(**shape, chunk_size=500, workers=1, rounds=1000, round_limit=1000)
    assert _round_limit(["bdm", "compromise"], None, {"bdm": {"max_rounds": 400}}) == 400
    assert _round_limit(["bdm"], 7, {}) == 7
    assert _round_limit(["compromise", "nash"], None, {}) == 0
