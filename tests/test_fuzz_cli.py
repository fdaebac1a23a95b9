"""Fuzzing the command line: generated scenario files and option values never give an internal error.

Hypothesis writes scenario YAML (mostly well-formed, with hostile names, extreme numbers,
missing, misspelt and repeated keys, bad dates, deep nesting) and picks option values
(in and out of their bounds) for ``validate``, ``forecast`` and ``ensemble``, run
in-process. Every run must exit 0, or 2 with exactly one ``error:`` line on stderr; never
an internal error (exit 1), a traceback or a hang. The number of examples is bounded so
the file runs in well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from stratagem.cli import main

EXAMPLES = int(os.environ.get("STRATAGEM_FUZZ_EXAMPLES", "60"))  # more for a longer search
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(*args: str) -> tuple[int, str, str]:
    """``stratagem ARGS`` in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def check(code: int, out: str, err: str) -> None:
    """Exit 0, or 2 with one clean line: the contract the fuzzer enforces."""
    assert "Traceback" not in err and "internal error" not in err, err
    assert code in (0, 2), (code, err)
    event(f"exit {code}")  # pytest --hypothesis-show-statistics shows how often each outcome came up
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), err


# -- scenario files ------------------------------------------------------------------------------------
GOOD_IDS = st.sampled_from(["a", "b", "c", "us", "iraq", "x-1", "pmf.kh", "A_9"])
BAD_IDS = st.sampled_from(["bad id", "", "a" * 90, "-x", "ü"])
NAMES = st.one_of(
    st.sampled_from(["Alpha", "[/b]", "[bold]red", ":100:", "a\x1b[31mb", "Beta [note]", "ж", "\u202eevil"]),
    st.text(min_size=1, max_size=12),
)
IN_RANGE = st.one_of(st.integers(0, 100), st.floats(0, 100))
WILD = st.one_of(
    st.integers(-5, 110),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1e300, -1e300, 1e12, 1e13, 1e9, 1e-300, "ten", None, [1, 2], True]),
)
# mostly valid (one number in twenty is wild), so that many files get through to the engines
NUMBERS = st.integers(0, 19).flatmap(lambda k: WILD if k == 0 else IN_RANGE)
DATES = st.sampled_from(["2024-01-01", "2024-01-01", "2024-13-01", "2024-02-30", "0000-01-01", "yesterday", 20240101])


def _ids(draw: Any, low: int, high: int) -> list[str]:
    ids: list[str] = draw(st.lists(GOOD_IDS, min_size=low, max_size=high, unique=True))
    if ids and draw(st.integers(0, 19)) == 0:  # now and then a bad or repeated id
        ids[-1] = draw(st.one_of(BAD_IDS, st.sampled_from(ids)))
    return ids


@st.composite
def scenario_data(draw: Any) -> dict[str, Any]:
    # every name carries markup-like text, so each printed name tests that output is literal
    actors = [{"id": i, "name": f"{draw(NAMES)} [{n}]", "capability": draw(NUMBERS)}
              for n, i in enumerate(_ids(draw, 1 if draw(st.integers(0, 9)) else 0, 4))]
    issues = [{"id": i, "name": draw(NAMES)} for i in _ids(draw, 1 if draw(st.integers(0, 9)) else 0, 2)]
    for issue in issues:
        if draw(st.booleans()):
            issue["status_quo"] = draw(NUMBERS)
        if draw(st.integers(0, 9)) == 0:
            issue["scale_min"], issue["scale_max"] = draw(WILD), draw(WILD)
    stances = []
    for actor in actors:
        for issue in issues:
            if draw(st.integers(0, 3)):
                stance = {"actor": actor["id"], "issue": issue["id"], "position": draw(NUMBERS),
                          "salience": draw(NUMBERS)}
                if draw(st.integers(0, 3)) == 0:
                    stance["position_range"] = [draw(NUMBERS), draw(NUMBERS)]
                stances.append(stance)
    data: dict[str, Any] = {"id": draw(GOOD_IDS), "name": f"{draw(NAMES)} [/b]", "actors": actors, "issues": issues,
                            "stances": stances}
    if draw(st.integers(0, 3)) == 0:
        data["as_of"] = draw(DATES)
    return data


MUTATIONS = st.sampled_from(["none"] * 12 + ["unknown-key", "drop-key", "duplicate-key", "deep", "truncate",
                             "tab", "alias"])


def mutate(text: str, how: str, data: dict[str, Any]) -> str:
    if how == "unknown-key":
        return text.replace("position:", "postion:", 1) if "position:" in text else text + "salence: 3\n"
    if how == "drop-key":
        return "\n".join(line for line in text.splitlines() if not line.lstrip("- ").startswith("name:")) + "\n"
    if how == "duplicate-key":
        return text + "id: again\n"
    if how == "deep":
        return text + "notes: " + "[" * 200 + "]" * 200 + "\n"
    if how == "truncate":
        return text[: len(text) // 2]
    if how == "tab":
        return text.replace("  ", "\t", 1)
    if how == "alias":
        return "description: &x words\n" + text + "notes: *x\n"
    return text


def _write(directory: Path, data: dict[str, Any], how: str) -> str:
    text = mutate(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), how, data)
    path = directory / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@FUZZ
@given(data=scenario_data(), how=MUTATIONS)
def test_validate_and_forecast_generated_scenarios(data: dict[str, Any], how: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), data, how)
        validated = run("validate", path)
        check(*validated)
        forecast = run("forecast", path)  # every engine
        check(*forecast)
        assert (validated[0] == 2) <= (forecast[0] == 2)  # what validate refuses, forecast refuses too
        if forecast[0] == 0:
            check(*run("ensemble", path, "-n", "30", "--workers", "1", "-e", "compromise", "-e", "bdm"))
            check(*run("explain", path, "--draws", "20"))


@FUZZ
@given(text=st.one_of(st.text(max_size=200),
                      st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
                      st.sampled_from(["", "---", "- 1\n- 2", "id: [", "{a: 1, a: 2}", "!!binary aGk=", "? [a]\n: 1"])))
def test_arbitrary_text_as_a_scenario(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "any.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        check(*run("validate", str(path)))
        csv_path = Path(tmp) / "any.csv"
        csv_path.write_text(text, encoding="utf-8", errors="surrogateescape")
        check(*run("validate", str(csv_path)))


# -- option values ---------------------------------------------------------------------------------------
GOOD = """\
id: fuzz
name: "Fuzz [/b] :100:"
actors:
  - {id: a, name: "A [x]", capability: 1, capability_range: [0.5, 2]}
  - {id: b, name: B, capability: 2}
issues:
  - {id: i, name: Issue, status_quo: 40}
stances:
  - {actor: a, issue: i, position: 10, salience: 50, position_range: [0, 30]}
  - {actor: b, issue: i, position: 90, salience: 70}
"""
ROUNDS = st.one_of(st.integers(-2, 30), st.sampled_from([10_001, 10**9]), st.sampled_from(["x", "1.5", ""]))
DRAWS = st.one_of(st.integers(-1, 40), st.sampled_from([10**7 + 1, 10**12]), st.sampled_from(["many", "3e2"]))
SEEDS = st.one_of(st.integers(-3, 2**70), st.sampled_from(["-0", "seed"]))
SCHEDULERS = st.sampled_from(["garbage", "http://x", "tcp://", "tcp://host:0", "tcp://h:99999", "", " ", "tcp://[::1"])


@st.composite
def option_sets(draw: Any) -> list[str]:
    command = draw(st.sampled_from(["forecast", "ensemble"]))
    args = [command]
    if draw(st.booleans()):
        args += ["--rounds", str(draw(ROUNDS))]
    if draw(st.booleans()):
        args += ["--seed", str(draw(SEEDS))]
    if command == "forecast":
        args += ["-e", draw(st.sampled_from(["compromise", "bdm", "median", "nash", "nope"]))]
    else:
        args += ["--draws", str(draw(DRAWS)), "-e", draw(st.sampled_from(["compromise", "bdm"]))]
        args += ["--workers", draw(st.sampled_from(["1", "1", "0", "257", "many"]))]
        if draw(st.integers(0, 4)) == 0:
            args += ["--scheduler", draw(SCHEDULERS)]
    if draw(st.integers(0, 3)) == 0:
        args += ["--option", draw(st.sampled_from(["max_rounds=0", "max_rounds=-1", "x=1", "max_rounds=1e9", "=",
                                                   "q=nan"]))]
    return args


@FUZZ
@given(args=option_sets())
def test_option_values(args: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_text(GOOD, encoding="utf-8")
        check(*run(*args[:1], str(path), *args[1:]))
