"""The learned forecasters' fitting, checked where the answer is known: synthetic data with known
parameters, and scores computed by hand.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from stratagem.analysis.backtest import SELECTED, issue_rows, run_frozen
from stratagem.analysis.learned import (
    ANCHOR_RIDGES,
    CALIBRATION_FOLDS,
    LEARNERS,
    IssueRow,
    _anchor_design,
    _fit_anchor_coefficients,
    calibrated_level,
    conformal_interval,
    fit_anchor,
    fit_conditional_logit,
    fold_of,
)
from stratagem.analysis.metrics import coverage, crps_discrete, hit_rate, mae, paired_bootstrap, rmse
from stratagem.engines import anchor
from stratagem.engines.focal import distribution_quantile
from stratagem.model.deu import load_deu
from stratagem.model.errors import StratagemError

DEU = Path(__file__).parent / "data" / "deu" / "deu_dev.csv"


# -- maximum likelihood recovers known parameters --------------------------------------------
def test_conditional_logit_recovers_known_coefficients() -> None:
    rng = np.random.default_rng(7)
    true = np.array([1.0, -0.5, 0.3])
    cases, options = 4000, 4
    features = rng.normal(size=(cases, options, 3))
    utility = features @ true
    prob = np.exp(utility) / np.exp(utility).sum(axis=1, keepdims=True)
    picks = np.array([rng.choice(options, p=p) for p in prob])
    evidence = np.zeros((cases, options))
    evidence[np.arange(cases), picks] = 1.0
    theta, _ = fit_conditional_logit(features, evidence, np.ones((cases, options), dtype=bool))
    np.testing.assert_allclose(theta, true, atol=0.1)


def test_log_evidence_matches_numerical_integration_of_the_posterior() -> None:
    # two coefficients: integrate likelihood x prior N(0, I / (2 ridge)) on a fine grid and compare with the
    # Laplace approximation fit_conditional_logit returns
    rng = np.random.default_rng(5)
    cases, options, ridge = 300, 3, 2.0  # log(2 ridge) != 0: every term of the formula counts
    features = rng.normal(size=(cases, options, 2))
    utility = features @ np.array([0.8, -0.4])
    prob = np.exp(utility) / np.exp(utility).sum(axis=1, keepdims=True)
    evidence = np.zeros((cases, options))
    evidence[np.arange(cases), [rng.choice(options, p=p) for p in prob]] = 1.0
    theta, log_evidence = fit_conditional_logit(features, evidence, np.ones((cases, options), dtype=bool),
                                                ridge=ridge)
    step = 0.01
    axis = np.arange(-0.8, 0.8 + step / 2, step)
    grid = np.stack(np.meshgrid(theta[0] + axis, theta[1] + axis, indexing="ij"), axis=-1).reshape(-1, 2)
    u = np.einsum("rkd,gd->grk", features, grid)
    log_like = (np.log((np.exp(u) * evidence).sum(axis=2)) - np.log(np.exp(u).sum(axis=2))).sum(axis=1)
    log_prior = -ridge * (grid**2).sum(axis=1) + np.log(ridge / np.pi)
    top = float((log_like + log_prior).max())
    numerical = top + np.log(np.exp(log_like + log_prior - top).sum() * step**2)
    density = np.exp(log_like + log_prior - top).reshape(axis.size, -1)
    assert max(density[[0, -1], :].max(), density[:, [0, -1]].max()) < 1e-8  # the grid holds the posterior
    assert log_evidence == pytest.approx(numerical, abs=0.02)  # measured: 0.003 apart
    _, stronger = fit_conditional_logit(features, evidence, np.ones((cases, options), dtype=bool), ridge=1e3)
    assert stronger < log_evidence - 10  # a prior that forbids the effect is much less probable


def _synthetic_issue(rng: np.random.Generator, params: dict[str, float], k: int) -> IssueRow:
    n = int(rng.integers(3, 8))
    positions = rng.choice(np.arange(0.0, 101.0, 10.0), size=n)
    w = rng.uniform(0.5, 3.0, n)
    sq = float(rng.choice(np.arange(0.0, 101.0, 10.0))) if rng.random() < 0.7 else float("nan")
    comp = float(w @ positions / w.sum())
    values, prob = anchor.anchor_distribution(positions, w, sq, comp, params)
    outcome = float(rng.choice(values, p=prob / prob.sum()))
    return IssueRow(proposal=f"p{k}", issue="1", outcome=outcome, status_quo=sq, binary=False,
                    forecasts={"compromise": comp}, positions=tuple(positions), weights=tuple(w))


def test_anchor_likelihood_recovers_known_choice_probabilities_with_the_elsewhere_spread() -> None:
    true = {"w_distance": -3.0, "w_share": 1.5, "w_held": 1.0, "w_status_quo": 0.8, "w_endpoint": -0.5,
            "w_midpoint": 0.4, "w_median_distance": -1.0, "w_largest": 0.5, "w_count": 0.7, "w_between": 0.6,
            "w_status_quo_distance": -0.8, "w_distance_squared": 1.0, "w_distance_polarisation": -0.5,
            "w_share_concentration": 1.0, "elsewhere": 1.0, "bias": 0.0, "spread": 20.0}
    rng = np.random.default_rng(11)
    rows = [_synthetic_issue(rng, true, k) for k in range(3000)]
    features, evidence, valid = _anchor_design(rows, true["bias"], true["spread"])
    theta, _ = fit_conditional_logit(features, evidence, valid)
    expected = np.array([true[f"w_{f}"] for f in anchor.FEATURES] + [true["elsewhere"]])

    def probabilities(coef: np.ndarray) -> np.ndarray:
        u = np.where(valid, features @ coef, -np.inf)
        p = np.exp(u - u.max(axis=1, keepdims=True))
        return p / p.sum(axis=1, keepdims=True)

    # Some features are nearly collinear (distance and its square, share and count), so single coefficients
    # are loosely identified; the choice probabilities they imply are what the likelihood pins down.
    gap = np.abs(probabilities(theta) - probabilities(expected))[valid]
    assert gap.mean() < 0.01 and gap.max() < 0.1
    assert np.abs(probabilities(np.zeros_like(theta)) - probabilities(expected))[valid].mean() > 0.05  # not trivial


# -- the anchor distribution by hand ---------------------------------------------------------
def test_anchor_distribution_with_equal_utilities_is_uniform_over_options() -> None:
    params = {**{f"w_{f}": 0.0 for f in anchor.FEATURES}, "elsewhere": 0.0, "bias": 0.0, "spread": 1e-6}
    values, prob = anchor.anchor_distribution(np.array([20.0, 80.0]), np.array([1.0, 1.0]), float("nan"),
                                              50.0, params)
    mass = {float(v): 0.0 for v in values}
    for v, p in zip(values, prob, strict=True):
        mass[float(v)] += float(p)
    # five anchors (0, 20, 50, 80, 100) and elsewhere, each 1/6; elsewhere is a point at the compromise, 50
    assert {v: round(p, 9) for v, p in mass.items() if p > 1e-12} == pytest.approx(
        {0.0: 1 / 6, 20.0: 1 / 6, 50.0: 2 / 6, 80.0: 1 / 6, 100.0: 1 / 6})
    assert distribution_quantile(values, prob, 0.5) == 50.0


def test_anchor_features_by_hand() -> None:
    values, feats = anchor.anchor_points(np.array([20.0, 20.0, 70.0]), np.array([1.0, 2.0, 1.0]), 70.0, 40.0)
    assert list(values) == [0.0, 20.0, 50.0, 70.0, 100.0]
    by_value = dict(zip(values, feats, strict=True))
    # weight shares 1/4, 1/2, 1/4: weighted median 20, held by the largest (the second actor); compromise 40,
    # status quo 70; polarisation sqrt(3/4 x 20^2 + 1/4 x 30^2) / 10 = sqrt(525) / 10; concentration 3/8
    pol, conc = np.sqrt(525.0) / 10.0, 0.375
    assert anchor.FEATURES[6:] == ("median_distance", "largest", "count", "between", "status_quo_distance",
                                   "distance_squared", "distance_polarisation", "share_concentration")
    np.testing.assert_allclose(by_value[20.0], [0.2, 0.75, 1, 0, 0, 0, 0.0, 1, 2 / 3, 0, 0.5, 0.04, 0.2 * pol,
                                                0.75 * conc])
    np.testing.assert_allclose(by_value[70.0], [0.3, 0.25, 1, 1, 0, 0, 0.5, 0, 1 / 3, 1, 0.0, 0.09, 0.3 * pol,
                                                0.25 * conc])
    np.testing.assert_allclose(by_value[100.0], [0.6, 0.0, 0, 0, 1, 0, 0.8, 0, 0, 0, 0.3, 0.36, 0.6 * pol, 0])
    np.testing.assert_allclose(by_value[50.0], [0.1, 0.0, 0, 0, 0, 1, 0.3, 0, 0, 1, 0.2, 0.01, 0.1 * pol, 0])


def test_anchor_features_without_a_status_quo_are_zero_where_they_need_one() -> None:
    values, feats = anchor.anchor_points(np.array([30.0, 60.0, 60.0]), np.array([1.0, 1.0, 1.0]), float("nan"), 50.0)
    assert list(values) == [0.0, 30.0, 50.0, 60.0, 100.0]
    cols = [anchor.FEATURES.index(name) for name in ("status_quo", "between", "status_quo_distance")]
    assert not feats[:, cols].any()
    # equal weights: every holder of 60 is among the largest, and so is the holder of 30
    np.testing.assert_array_equal(feats[:, anchor.FEATURES.index("largest")], [0, 1, 0, 1, 0])


def test_anchor_likelihood_terms_by_hand() -> None:
    # all utilities 0: five anchors (0, 20, 50, 80, 100) and elsewhere, each 1/6; outcome 20 is an anchor, and
    # the elsewhere spread (sd 1e-6 around the compromise, 50) puts nothing there: likelihood 1/6
    row = IssueRow(proposal="p", issue="1", outcome=20.0, status_quo=float("nan"), binary=False,
                   forecasts={"compromise": 50.0}, positions=(20.0, 80.0), weights=(1.0, 1.0))
    at_compromise = IssueRow(**{**row.__dict__, "outcome": 50.0})  # anchor 50 and the elsewhere point: 2/6
    _, evidence, valid = _anchor_design([row, at_compromise], 0.0, 1e-6)
    likelihood = (evidence * valid).sum(axis=1) / valid.sum(axis=1)  # equal utilities: p = 1/6 on each option
    np.testing.assert_allclose(likelihood, [1 / 6, 2 / 6])


def test_fit_anchor_chooses_the_ridge_with_the_highest_evidence_and_calibrates_out_of_fold() -> None:
    rng = np.random.default_rng(3)
    true = {**{f"w_{f}": 0.0 for f in anchor.FEATURES}, "w_distance": -3.0, "w_held": 1.0, "elsewhere": 0.5,
            "bias": 0.0, "spread": 20.0}
    rows = [_synthetic_issue(rng, true, k) for k in range(120)]
    params = fit_anchor(rows)
    # brute force, one ridge at a time: a separate fit of all the rows per ridge, its evidence from the fit
    y = np.array([r.outcome for r in rows])
    resid = y - np.array([r.forecasts["compromise"] for r in rows])
    design = _anchor_design(rows, float(resid.mean()), max(float(resid.std()), 1.0))
    evidences = [fit_conditional_logit(*design, ridge=ridge)[1] for ridge in ANCHOR_RIDGES]
    best = int(np.argmax(evidences))
    assert len(set(np.round(evidences, 6))) == len(ANCHOR_RIDGES)  # the choice is not a tie
    assert 0 < best < len(ANCHOR_RIDGES) - 1  # nor at an end of the grid
    assert params["ridge"] == ANCHOR_RIDGES[best]
    theta, _ = fit_conditional_logit(*design, ridge=ANCHOR_RIDGES[best])
    np.testing.assert_allclose(anchor.coefficients(params), theta[:-1])
    assert params["elsewhere"] == pytest.approx(theta[-1])
    # the level: calibrated on out-of-fold distributions at that ridge, three folds by proposal of these rows
    fold = fold_of([r.proposal for r in rows], CALIBRATION_FOLDS, seed=0)
    dists, ys = [], []
    for f in range(CALIBRATION_FOLDS):
        train = [r for r in rows if fold[r.proposal] != f]
        test = [r for r in rows if fold[r.proposal] == f]
        inner = _fit_anchor_coefficients(train, (params["ridge"],))[0][0]
        dists += [anchor.anchor_distribution(np.array(r.positions), np.array(r.weights), r.status_quo,
                                             r.forecasts["compromise"], inner) for r in test]
        ys += [r.outcome for r in test]
    assert params["level"] == calibrated_level(dists, np.array(ys))
    assert fit_anchor(list(rows)) == params  # deterministic


def test_fit_anchor_never_chooses_a_ridge_whose_evidence_is_nan(monkeypatch: pytest.MonkeyPatch) -> None:
    from stratagem.analysis import learned

    def nan_for_the_smallest(*design: object, ridge: float) -> tuple[np.ndarray, float]:
        theta, evidence = fit_conditional_logit(*design, ridge=ridge)  # type: ignore[arg-type]
        return theta, float("nan") if ridge == ANCHOR_RIDGES[0] else evidence

    monkeypatch.setattr(learned, "fit_conditional_logit", nan_for_the_smallest)
    rng = np.random.default_rng(4)
    true = {**{f"w_{f}": 0.0 for f in anchor.FEATURES}, "w_distance": -3.0, "w_held": 1.0, "elsewhere": 0.5,
            "bias": 0.0, "spread": 20.0}
    assert fit_anchor([_synthetic_issue(rng, true, k) for k in range(40)])["ridge"] != ANCHOR_RIDGES[0]


def test_fit_anchor_takes_the_largest_ridge_when_no_evidence_is_finite(monkeypatch: pytest.MonkeyPatch) -> None:
    from stratagem.analysis import learned

    def no_evidence(*design: object, ridge: float) -> tuple[np.ndarray, float]:
        theta, _ = fit_conditional_logit(*design, ridge=ridge)  # type: ignore[arg-type]
        return theta, -np.inf  # e.g. a Hessian that is nowhere positive definite

    monkeypatch.setattr(learned, "fit_conditional_logit", no_evidence)
    rng = np.random.default_rng(4)
    true = {**{f"w_{f}": 0.0 for f in anchor.FEATURES}, "w_distance": -3.0, "w_held": 1.0, "elsewhere": 0.5,
            "bias": 0.0, "spread": 20.0}
    assert fit_anchor([_synthetic_issue(rng, true, k) for k in range(40)])["ridge"] == ANCHOR_RIDGES[-1]


# -- the scores by hand ------------------------------------------------------------------------
def test_point_scores_by_hand() -> None:
    errors = np.array([3.0, -4.0, 0.0])
    assert mae(errors) == pytest.approx(7 / 3)
    assert rmse(errors) == pytest.approx(np.sqrt(25 / 3))
    assert hit_rate(np.array([5.0, 10.0, 10.5, -12.0])) == 0.5
    assert coverage(np.array([1.0, 5.0, 9.0]), np.array([0.0, 6.0, 9.0]), np.array([2.0, 8.0, 10.0])) == pytest.approx(2 / 3)


def test_crps_of_two_equal_masses_by_hand() -> None:
    # F = 1/2 on [0, 100): integral of (F - 1{x >= 50})^2 = 50 * 1/4 + 50 * 1/4 = 25
    assert crps_discrete(np.array([0.0, 100.0]), np.array([0.5, 0.5]), 50.0) == pytest.approx(25.0)
    # outcome 120, beyond the support: E|X - 120| = (120 + 20) / 2 = 70 and E|X - X'| / 2 = 25, so 45
    # (as an integral: 100 x 1/4 + 20 x 1 = 45)
    assert crps_discrete(np.array([0.0, 100.0]), np.array([0.5, 0.5]), 120.0) == pytest.approx(45.0)


def test_paired_bootstrap_by_hand() -> None:
    diff, low, high = paired_bootstrap(np.array([1.0, 3.0, 10.0]), np.zeros(3), ["a", "a", "b"])
    assert diff == pytest.approx(14 / 3)
    # a resample of only "a" gives 2, of only "b" 10: every resample lies between
    assert 2.0 <= low < 14 / 3 < high <= 10.0
    same = paired_bootstrap(np.full(4, 5.0), np.full(4, 3.0), ["a", "b", "c", "d"])
    assert same == pytest.approx((2.0, 2.0, 2.0))


def test_split_conformal_ranks_by_hand() -> None:
    assert conformal_interval(np.arange(9.0, 0.0, -1.0)) == (1.0, 9.0)  # ranks floor(10 x .1) = 1, ceil(9) = 9
    assert conformal_interval(np.array([1.0, 2.0, 3.0, 4.0])) == (-np.inf, np.inf)  # too few for 80%


def test_calibrated_level_finds_the_level_that_covers_the_target() -> None:
    # four issues with the same three-point distribution; outcomes at 50, 50, 50 and 0
    dist = (np.array([0.0, 50.0, 100.0]), np.array([0.2, 0.6, 0.2]))
    y = np.array([50.0, 50.0, 50.0, 0.0])
    # below a 60% level the interval is {50}: 3/4 covered; 0 enters once the lower tail (1 - L)/2 <= 0.2
    assert calibrated_level([dist] * 4, y, target=0.75) == 0.40
    assert calibrated_level([dist] * 4, y, target=1.0) == 0.60


# -- frozen parameters on a held-out file ----------------------------------------------------------
@pytest.fixture(scope="module")
def split():  # type: ignore[no-untyped-def]
    if not DEU.exists():
        pytest.skip(f"{DEU} is absent (the shared DEU data)")
    proposals = load_deu(DEU)
    return proposals[:50], proposals[50:]


def test_frozen_mode_scores_with_the_development_parameters(split) -> None:  # type: ignore[no-untyped-def]
    dev, held = split
    result = run_frozen(dev, held, ["compromise", "anchor", SELECTED], workers=1)
    dev_rows = [r for p in dev for r in issue_rows(p.scenario, ["compromise"], seed=0, scored=p.scored, group=p.id)]
    params = LEARNERS["anchor"].fit(dev_rows)
    assert result.fitted["anchor"] == params
    expected = LEARNERS["anchor"].predict(list(result.rows), params)
    np.testing.assert_array_equal(result.predictions["anchor"].point, expected.point)
    assert {r.proposal for r in result.rows} == {p.id for p in held if p.scored}
    assert result.mode == "frozen" and len(result.chosen) == 1
    assert result.scores["anchor"].vs_compromise is not None


def test_every_learner_predicts_sorted_distributions(split) -> None:  # type: ignore[no-untyped-def]
    """Distributions are (sorted values, probabilities): their quantiles (intervals, calibration) read
    the values in order."""
    dev, _ = split
    rows = [r for p in dev[:12] for r in issue_rows(p.scenario, ["compromise", "median"], seed=0, scored=p.scored,
                                                    group=p.id)]
    for name, learner in LEARNERS.items():
        dists = learner.predict(rows, learner.fit(rows)).distributions
        assert dists is not None, name
        for values, prob in dists:
            assert np.all(np.diff(values) >= 0), name
            assert abs(float(prob.sum()) - 1.0) < 1e-9, name


def test_frozen_mode_refuses_a_held_out_file_that_repeats_development_proposals(split) -> None:  # type: ignore[no-untyped-def]
    dev, _ = split
    with pytest.raises(StratagemError, match="repeats"):
        run_frozen(dev, dev[:3], ["compromise"], workers=1)


def test_backtest_fit_on_score_command(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if not DEU.exists():
        pytest.skip(f"{DEU} is absent (the shared DEU data)")
    with DEU.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        fields = reader.fieldnames or []
    ids = sorted({r["prnr"] for r in rows})
    files = {}
    for name, keep in (("dev", set(ids[:50])), ("held", set(ids[50:]))):
        files[name] = tmp_path / f"{name}.csv"
        with files[name].open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
            writer.writerows(r for r in rows if r["prnr"] in keep)
    res = run_cli("backtest", "deu", "--fit-on", str(files["dev"]), "--score", str(files["held"]), "-e", "compromise",
                  "-e", "anchor", "--json", "--workers", "1")
    assert res.code == 0, res.err
    payload = json.loads(res.out)
    assert payload["mode"] == "frozen" and "fold_seeds" not in payload
    assert payload["engines"]["anchor"]["vs_compromise"]["mae_diff_ci95"][0] <= payload["engines"]["anchor"][
        "vs_compromise"]["mae_diff_ci95"][1]
    alone = run_cli("backtest", "deu", "--fit-on", str(files["dev"]), "-e", "compromise")
    assert alone.code == 2 and "--fit-on and --score go together" in alone.err
