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
from hypothesis import given, settings
from hypothesis import strategies as st

from stratagem.engines.ktab import (
    KtabOptions,
    coalitions,
    conditional_pce,
    markov_incentive_pce,
    markov_uniform_pce,
    pce,
    risk_from_probabilities,
    run_ktab,
    victory_probabilities,
    vote,
)
from stratagem.model.arrays import to_arrays
from stratagem.model.errors import EngineError
from stratagem.model.io import load_scenario
from stratagem.model.shared import shared_dir

DATA = Path(__file__).parent / "data" / "ktab"
SHARED = shared_dir() / "data" / "ktab"  # $STRATAGEM_SHARED, else ../shared beside the checkout
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


# -- PCE pieces against hand-computed cases --------------------------------------------
def test_votes_under_each_rule() -> None:
    du = np.array([-0.5, 0.0, 0.5])
    np.testing.assert_allclose(vote("Prop", 2.0, du), [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(vote("Binary", 2.0, du), [-2.0, 0.0, 2.0])
    np.testing.assert_allclose(vote("PropBin", 2.0, du), [2 * (0.8 * -0.5 - 0.2), 0.0, 2 * (0.8 * 0.5 + 0.2)])
    np.testing.assert_allclose(vote("Cubic", 2.0, du), [-0.25, 0.0, 0.25])
    np.testing.assert_allclose(vote("PropCbc", 2.0, du), [2 * (-0.25 - 0.0625), 0.0, 2 * (0.25 + 0.0625)])
    np.testing.assert_allclose(vote("ASymProsp", 3.0, du), [-1.5, 0.0, 1.0])  # gains count 2/3


def test_two_options_linear_victory_and_conditional_pce_by_hand() -> None:
    # actor 0 (weight 1) prefers option a by 1, actor 1 (weight 3) prefers b by 1
    U = np.array([[1.0, 0.0], [0.0, 1.0]])
    C = coalitions(U, np.array([1.0, 3.0]), "Prop")
    np.testing.assert_allclose(C, [[1e-8, 1 + 1e-8], [3 + 1e-8, 1e-8]])
    V = victory_probabilities(C, "Linear")
    np.testing.assert_allclose(V, [[0.5, 0.25], [0.75, 0.5]], atol=1e-8)
    np.testing.assert_allclose(conditional_pce(V), [0.25, 0.75], atol=1e-8)  # (0.5*0.25, 0.5*0.75) normalised
    Vsq = victory_probabilities(C, "Square")
    np.testing.assert_allclose(Vsq[0, 1], 1 / 10, atol=1e-8)  # 1 / (1 + 9)
    Vbin = victory_probabilities(C, "Binary")
    assert Vbin[1, 0] > 0.999 and Vbin[0, 1] < 1e-3  # a 3:1 majority is decisive


def _cycle_utilities() -> np.ndarray:
    # three equal voters with cyclic preferences a > b > c, b > c > a, c > a > b:
    # under majority (Binary) voting, a beats b, b beats c and c beats a, each 2 votes to 1
    return np.array([[1.0, 0.5, 0.0], [0.0, 1.0, 0.5], [0.5, 0.0, 1.0]])


@pytest.mark.parametrize("model", ["MarkovUniform", "MarkovIncentive", "Conditional"])
def test_condorcet_cycle_gives_uniform_probabilities(model: str) -> None:
    U = _cycle_utilities()
    opts = KtabOptions(pce_model=model, voting_rule="Binary")
    p = pce(U, np.ones(3), opts)
    np.testing.assert_allclose(p, [1 / 3, 1 / 3, 1 / 3], atol=1e-6)
    # the cycle is real: every option beats one and loses to another, 2:1
    V = victory_probabilities(coalitions(U, np.ones(3), "Binary"), "Linear")
    np.testing.assert_allclose([V[0, 1], V[1, 2], V[2, 0]], [2 / 3, 2 / 3, 2 / 3], atol=1e-8)


@pytest.mark.parametrize("model", ["MarkovUniform", "MarkovIncentive", "Conditional"])
def test_condorcet_winner_gets_most_mass(model: str) -> None:
    # voters at 0.1, 0.5, 0.9 on a line with linear loss: option 0.5 (the median) beats both others
    points = np.array([0.1, 0.5, 0.9])
    U = 1.0 - np.abs(points[:, None] - points[None, :])
    V = victory_probabilities(coalitions(U, np.ones(3), "Prop"), "Linear")
    assert V[1, 0] > 0.5 and V[1, 2] > 0.5
    p = pce(U, np.ones(3), KtabOptions(pce_model=model))
    assert p.argmax() == 1 and p[1] > max(p[0], p[2]) + 0.05
    assert abs(p.sum() - 1.0) < 1e-12


def test_markov_uniform_fixed_point_by_hand() -> None:
    # two options, V(a,b) = 0.8: p_a = (1/2)(0.5*2p_a + 0.8(p_a + p_b)) => p_a = 0.8
    V = np.array([[0.5, 0.8], [0.2, 0.5]])
    np.testing.assert_allclose(markov_uniform_pce(V), [0.8, 0.2], atol=1e-5)
    C = np.array([[1e-8, 4.0], [1.0, 1e-8]])
    # from a, b always challenges (incentive 1 x 0.2 vs ~0) and wins 20%; from b, a wins 80%
    p = markov_incentive_pce(C, victory_probabilities(C, "Linear"))
    np.testing.assert_allclose(p, [0.8, 0.2], atol=1e-6)


def test_risk_attitudes_from_probabilities_by_hand() -> None:
    p = np.array([0.2, 0.3, 0.5])
    np.testing.assert_allclose(risk_from_probabilities(p, "Mid"), [-0.5, 0.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(risk_from_probabilities(p, "Min"), [0.0, 1 / 3, 1.0], atol=1e-12)
    np.testing.assert_allclose(risk_from_probabilities(p, "Max"), [-1.0, -1 / 3, 1.0], atol=1e-12)


def test_equal_pce_probabilities_do_not_divide_by_zero() -> None:
    p = np.full(4, 0.25)
    np.testing.assert_array_equal(risk_from_probabilities(p, "Mid"), np.zeros(4))
    with pytest.raises(EngineError, match="divides by zero"):
        risk_from_probabilities(p, "Mid", compat=True)
    # a whole run where every actor holds the same position: corrected mode is risk neutral and still
    X = np.full((4, 2), 40.0)
    S = np.full((4, 2), 0.4)
    C = np.array([10.0, 20.0, 30.0, 40.0])
    mask = np.ones((4, 2), dtype=bool)
    traj = run_ktab(X, S, C, np.full(2, np.nan), mask)
    assert np.all(traj.positions == 40.0)
    assert traj.risk is not None and np.all(traj.risk == 0.0)
    assert traj.extras["outcomes"] == [((40.0, 40.0), 1.0)]
    with pytest.raises(EngineError):
        run_ktab(X, S, C, np.full(2, np.nan), mask, compat=True)


def test_markov_pce_iterations_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    import stratagem.engines.ktab as ktab

    V = np.array([[0.5, 0.9, 0.3], [0.1, 0.5, 0.6], [0.7, 0.4, 0.5]])
    full = markov_uniform_pce(V)
    monkeypatch.setattr(ktab, "_MARKOV_MAX_ITER", 2)
    capped = markov_uniform_pce(V)  # stops after 2 iterations, still a distribution
    assert abs(capped.sum() - 1.0) < 1e-12 and np.abs(capped - full).max() > 1e-4
    with pytest.raises(EngineError, match="did not converge"):
        markov_uniform_pce(V, compat=True)
    C = np.array([[1e-8, 3.0, 1.0], [1.0, 1e-8, 2.0], [2.0, 1.5, 1e-8]])
    capped = markov_incentive_pce(C, victory_probabilities(C, "Linear"))
    assert abs(capped.sum() - 1.0) < 1e-12


# -- corrected mode, options and explanations ---------------------------------------------
def _random_scenario(n: int, m: int, seed: int) -> tuple[np.ndarray, ...]:
    r = np.random.default_rng(seed)
    C = r.uniform(10, 200, n)
    v = r.uniform(0.1, 1.0, (n, m))
    S = v / v.sum(1, keepdims=True) * r.uniform(0.75, 0.99, n)[:, None]
    X = np.round(r.uniform(0, 100, (n, m)), 2)
    return X, S, C, np.full(m, np.nan), np.ones((n, m), dtype=bool)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_corrected_distribution_over_distinct_positions_sums_to_one(seed: int) -> None:
    traj = run_ktab(*_random_scenario(12, 3, seed))
    outcomes = traj.extras["outcomes"]
    assert abs(sum(p for _, p in outcomes) - 1.0) < 1e-9
    points = np.array([x for x, _ in outcomes]) / 100.0
    gaps = np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1)) + np.eye(len(points))
    assert gaps.min() >= 1e-3  # distinct
    for k, dist in enumerate(traj.extras["distribution"]):
        assert abs(sum(p for _, p in dist) - 1.0) < 1e-9
        assert abs(sum(x * p for x, p in dist) - traj.forecast[-1, k]) < 1e-6  # forecast = weighted mean


def test_compat_per_actor_probabilities_sum_to_more_than_one_as_ktab_prints() -> None:
    traj = _run("dummyData_3Dim", compat=True)
    assert traj.extras["actor_probability"][-1].sum() > 1.2  # KTAB's quirk (reference section 2.6)
    assert abs(sum(p for _, p in traj.extras["outcomes"]) - 1.0) < 1e-9


def test_seeded_stochastic_runs_are_reproducible() -> None:
    args = _random_scenario(15, 2, 5)
    runs = [
        run_ktab(*args, rounds=12, rng=np.random.default_rng(seed), state_transitions="Stochastic")
        for seed in (7, 7, 8)
    ]
    np.testing.assert_array_equal(runs[0].positions, runs[1].positions)
    assert not np.array_equal(runs[0].positions, runs[2].positions)


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("victory_prob_model", ["Square", "Quartic", "Octic", "Binary"]),
        ("pce_model", ["MarkovIncentive", "MarkovUniform"]),
        ("voting_rule", ["Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp"]),
        ("big_r_adjust", ["None", "Half", "TwoThirds", "Full"]),
        ("big_r_range", ["Min", "Max"]),
        ("third_party_commit", ["NoCommit", "FullCommit"]),
        ("inter_vec_brgn", ["S1P1", "S2PMax"]),
        ("bargn_model", ["InitRcvrInterp", "PWCompInterp"]),
    ],
)
def test_every_ktab_parameter_value_runs(name: str, values: list[str]) -> None:
    base = _run("SOE-Pol-Comp", rounds=4)
    for value in values:
        traj = _run("SOE-Pol-Comp", rounds=4, **{name: value})
        assert traj.rounds == 4 and np.all(np.isfinite(traj.positions))
        assert np.all((traj.positions >= 0) & (traj.positions <= 100))
        assert not np.array_equal(traj.positions, base.positions), f"{name}={value} changed nothing"


def test_full_risk_adjustment_fails_only_in_compat_mode() -> None:
    with pytest.raises(EngineError, match="Full"):
        _run("dummyData_3Dim", compat=True, big_r_adjust="Full")
    assert _run("dummyData_3Dim", big_r_adjust="Full").rounds >= 2


def test_no_commit_and_full_commit_are_degenerate_as_in_ktab() -> None:
    a = _run("SOE-Pol-Comp", rounds=5, third_party_commit="NoCommit")
    b = _run("SOE-Pol-Comp", rounds=5, third_party_commit="FullCommit")
    np.testing.assert_array_equal(a.positions, b.positions)


def test_pwcomp_weight_quirk_only_in_compat_mode() -> None:
    a = _run("SOE-Pol-Comp", rounds=3, bargn_model="PWCompInterp", compat=True)
    b = _run("SOE-Pol-Comp", rounds=3, bargn_model="PWCompInterp")
    assert not np.allclose(a.positions, b.positions)


def test_fixed_rounds_and_zero_rounds() -> None:
    assert _run("SOE-Pol-Comp", rounds=40).rounds == 40  # past KTAB's own stop at 27
    zero = _run("SOE-Pol-Comp", rounds=0)
    assert zero.positions.shape == (1, 13, 2) and zero.forecast.shape == (1, 2)
    np.testing.assert_array_equal(zero.positions[0], _arrays("SOE-Pol-Comp").X)


def test_degenerate_inputs_compat_rejects_corrected_handles() -> None:
    X, S, C, Q, mask = _random_scenario(6, 2, 11)
    C0 = C.copy()
    C0[2] = 0.0
    S0 = S.copy()
    S0[3] = 0.0
    S_big = np.minimum(S * 1.5, 1.0)  # totals above 100, which native scenarios allow
    assert np.all(S_big.sum(1) > 1)
    for bad in ({"C": C0}, {"S": S0}, {"S": S_big}):
        args = {"X": X, "S": S, "C": C, "Q": Q, "mask": mask, **bad}
        with pytest.raises(EngineError, match="compat mode"):
            run_ktab(**args, compat=True)  # type: ignore[arg-type]
        traj = run_ktab(**args, rounds=5)  # type: ignore[arg-type]
        assert np.all(np.isfinite(traj.positions))
    # saliences above 100 in total are rescaled to total 100, leaving their proportions
    totals = S_big.sum(1, keepdims=True)
    scaled = np.where(totals > 1, S_big / totals, S_big)
    np.testing.assert_allclose(
        run_ktab(X, S_big, C, Q, mask, rounds=5).positions,
        run_ktab(X, scaled, C, Q, mask, rounds=5).positions,
        atol=1e-9,
    )
    with pytest.raises(EngineError, match="3 to 250"):
        run_ktab(X[:2], S[:2], C[:2], Q, mask[:2], compat=True)


def test_moves_and_turn_explanations_are_consistent() -> None:
    traj = _run("dummyData_3Dim", compat=True)
    n = traj.positions.shape[1]
    for t, turn in enumerate(traj.extras["turns"], start=1):
        assert len(turn["target"]) == n and len(turn["chosen"]) == n
        for i, j in enumerate(turn["target"]):
            assert j != i
            if j >= 0:
                assert turn["gain"][i] > 1e-5 and 0 < turn["win_probability"][i] < 1
        moved = np.any(traj.positions[t] != traj.positions[t - 1], axis=1)
        np.testing.assert_array_equal(moved, turn["moved"])
    for mv in traj.moves:
        assert traj.positions[mv.round - 1, mv.actor, mv.issue] == pytest.approx(mv.before)
        assert traj.positions[mv.round, mv.actor, mv.issue] == pytest.approx(mv.after)
        assert mv.kind in {"proposed", "accepted"} and mv.other != mv.actor
    # the reference log: in turn 0, actor 0 targets 6 and actor 4's proposal to 0 is accepted
    first = traj.extras["turns"][0]
    assert first["target"][0] == 6
    chosen = first["bargains"][first["chosen"][0]]
    assert (chosen["initiator"], chosen["receiver"]) == (4, 0)


def test_mean_and_median_come_from_the_base_helpers() -> None:
    from stratagem.engines.base import weighted_mean, weighted_median, weights

    a = _arrays("SOE-Pol-Comp")
    traj = _run("SOE-Pol-Comp")
    W = weights(a.S, a.C, a.mask)
    np.testing.assert_allclose(traj.mean[-1], weighted_mean(traj.positions[-1], W, a.mask))
    np.testing.assert_allclose(traj.median[-1], weighted_median(traj.positions[-1], W, a.mask))


# -- properties ------------------------------------------------------------------------
@st.composite
def _scenarios(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n = draw(st.integers(3, 8))
    m = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    return _random_scenario(n, m, seed)


@settings(max_examples=30, deadline=None)
@given(_scenarios(), st.randoms(use_true_random=False))
def test_permuting_actors_permutes_the_outcome(scenario: tuple[np.ndarray, ...], rnd) -> None:  # type: ignore[no-untyped-def]
    X, S, C, Q, mask = scenario
    n = X.shape[0]
    perm = np.array(rnd.sample(range(n), n))
    a = run_ktab(X, S, C, Q, mask, rounds=4)
    b = run_ktab(X[perm], S[perm], C[perm], Q, mask[perm], rounds=4)
    np.testing.assert_allclose(b.positions, a.positions[:, perm], atol=1e-6)
    np.testing.assert_allclose(b.forecast, a.forecast, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(_scenarios())
def test_outcomes_are_distributions_inside_the_initial_range(scenario: tuple[np.ndarray, ...]) -> None:
    X, S, C, Q, mask = scenario
    traj = run_ktab(X, S, C, Q, mask)
    assert 1 <= traj.rounds <= 100
    lo, hi = X.min(axis=0) - 0.01, X.max(axis=0) + 0.01  # bargains interpolate; 4-decimal rounding
    assert np.all((traj.positions >= lo) & (traj.positions <= hi))
    assert np.all((traj.forecast >= lo) & (traj.forecast <= hi))
    probs = [p for _, p in traj.extras["outcomes"]]
    assert min(probs) >= 0 and abs(sum(probs) - 1.0) < 1e-9
