"""The ktab engine: KTAB's Spatial Model of Politics with probabilistic Condorcet elections.

Golden tests compare compatibility mode with KTAB 1.4's own runs (tests/data/ktab, see
PROVENANCE.md) and, where the 1.6 MB reference logs are present in the shared data
directory, with the intermediate values KTAB printed. Unit tests check the PCE pieces
against small cases computed by hand.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest

from stratagem.engines.ktab import (
    run_ktab,
)
from stratagem.model.arrays import to_arrays
from stratagem.model.io import load_scenario

DATA = Path(__file__).parent / "data" / "ktab"
SHARED = Path("/work/shared/data/ktab")
INPUTS = ["dummyData_3Dim", "SOE-Pol-Comp"]
KTAB_TURNS = {"dummyData_3Dim": 10, "SOE-Pol-Comp": 27}  # from the reference logs


def _arrays(name: str):  # type: ignore[no-untyped-def]
    return to_arrays(load_scenario(DATA / f"{name}.csv"))


def _reference_positions(name: str) -> np.ndarray:
    with open(DATA / f"{name}.positions.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    actors = list(dict.fromkeys(r["actor"] for r in rows))
    turns = max(int(r["turn"]) for r in rows)
    dims = max(int(r["dim"]) for r in rows) + 1
    ref = np.full((turns + 1, len(actors), dims), np.nan)
    for r in rows:
        ref[int(r["turn"]), actors.index(r["actor"]), int(r["dim"])] = float(r["position"])
    assert not np.isnan(ref).any()
    return ref


def _run(name: str, **params: object):  # type: ignore[no-untyped-def]
    a = _arrays(name)
    return run_ktab(a.X, a.S, a.C, a.Q, a.mask, **params)  # type: ignore[arg-type]


# -- golden data ---------------------------------------------------------------------
@pytest.mark.parametrize("name", INPUTS)
def test_compat_reproduces_ktab_positions_at_every_turn(name: str) -> None:
    ref = _reference_positions(name)
    traj = _run(name, compat=True)
    assert traj.rounds == ref.shape[0] - 1 == KTAB_TURNS[name]
    assert traj.positions.shape == ref.shape
    deviation = np.abs(traj.positions - ref)
    assert deviation.max() <= 0.01, f"max deviation {deviation.max():.4g} at {np.unravel_index(deviation.argmax(), ref.shape)}"
    assert traj.stop_reason[0].startswith("converged")


@pytest.mark.parametrize("name", INPUTS)
def test_default_corrected_mode_follows_the_same_path_on_ktab_samples(name: str) -> None:
    # No ties or degenerate cases occur in these samples, so the corrections change nothing.
    ref = _reference_positions(name)
    traj = _run(name)
    assert traj.rounds == ref.shape[0] - 1
    assert np.abs(traj.positions - ref).max() <= 0.01


def test_probability_weighted_forecasts_match_the_reference_notes() -> None:
    # reference/ktab-smp.md section 5.2: (78.1, 35.6, 72.2) and (39.7, 32.8)
    np.testing.assert_allclose(_run("dummyData_3Dim", compat=True).forecast[-1], [78.1, 35.6, 72.2], atol=0.05)
    np.testing.assert_allclose(_run("SOE-Pol-Comp", compat=True).forecast[-1], [39.7, 32.8], atol=0.05)


def _log(name: str) -> str:
    path = SHARED / f"20170530_ref-{name}.txt"
    if not path.exists():
        pytest.skip(f"KTAB reference log {path} is not present (it is not copied into tests/data)")
    return path.read_text()


@pytest.mark.parametrize("name", INPUTS)
def test_compat_per_actor_probabilities_match_ktab_log(name: str) -> None:
    text = _log(name)
    block = text.split("History of actors' winning probabilities:")[1]
    rows = re.findall(r"^\S+, prob :((?: [0-9.]+)+)", block, flags=re.M)
    ref = np.array([[float(x) for x in r.split()] for r in rows])
    traj = _run(name, compat=True)
    got = traj.extras["actor_probability"].T
    assert got.shape == ref.shape
    assert np.abs(got - ref).max() <= 5.1e-5  # the log prints 4 decimals


@pytest.mark.parametrize("name", INPUTS)
def test_compat_risk_attitudes_match_ktab_log_every_state(name: str) -> None:
    text = _log(name)
    n = _arrays(name).X.shape[0]
    blocks = re.findall(r"Inferred risk attitudes: \n((?: *[-+][0-9.]+ *\n)+)", text)
    ref = np.array([[float(x) for x in b.split()] for b in blocks])
    traj = _run(name, compat=True)
    assert traj.risk is not None
    assert ref.shape == (traj.rounds + 1, n)
    assert np.abs(traj.risk - ref).max() <= 5.1e-4  # printed with 3 decimals


@pytest.mark.parametrize("name", INPUTS)
def test_compat_targets_and_gains_match_ktab_log_first_turn(name: str) -> None:
    text = _log(name)
    found = re.findall(r"In turn 0 actor (\d+) has most advantageous target (\d+) worth ([-0-9.]+)", text)
    traj = _run(name, compat=True, rounds=1)
    turn = traj.extras["turns"][0]
    assert len(found) == sum(t >= 0 for t in turn["target"])
    for i, j, worth in found:
        assert turn["target"][int(i)] == int(j)
        assert abs(turn["gain"][int(i)] - float(worth)) <= 5.1e-4
