"""Ensembles show each engine's distribution; the pooled mixture only on request, with its modes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratagem.analysis.disagreement import disagreement, modes, pooled, summary_dict
from stratagem.analysis.ensemble import run_ensemble
from stratagem.engines.registry import RECOMMENDED
from stratagem.model.builtin import load_builtin


def test_two_separate_clusters_are_two_modes_with_their_shares() -> None:
    rng = np.random.default_rng(3)
    draws = np.concatenate([rng.normal(30, 3, 600), rng.normal(80, 3, 400)])
    found = modes(draws)
    assert len(found) == 2
    assert found[0].value == pytest.approx(30, abs=2) and found[1].value == pytest.approx(80, abs=2)
    assert found[0].share == pytest.approx(0.6, abs=0.01) and found[1].share == pytest.approx(0.4, abs=0.01)


def test_one_cluster_is_one_mode() -> None:
    found = modes(np.random.default_rng(4).normal(50, 8, 2000))
    assert len(found) == 1 and found[0].value == pytest.approx(50, abs=3) and found[0].share == 1.0


def test_draws_on_one_value_are_one_mode_there() -> None:
    assert [(m.value, m.share) for m in modes(np.full(50, 42.0))] == [(pytest.approx(42.0, abs=0.25), 1.0)]


def test_modes_follow_the_issue_scale() -> None:
    """The same two clusters on a 1000-1200 scale: the same shares, the peaks mapped onto that scale."""
    rng = np.random.default_rng(3)
    draws = np.concatenate([rng.normal(30, 3, 600), rng.normal(80, 3, 400)])
    on_percent = modes(draws)
    on_scale = modes(1000.0 + draws * 2.0, low=1000.0, high=1200.0)
    assert [m.share for m in on_scale] == [m.share for m in on_percent]
    assert [m.value for m in on_scale] == pytest.approx([1000.0 + m.value * 2.0 for m in on_percent])


@pytest.fixture(scope="module")
def ensemble():  # type: ignore[no-untyped-def]
    return run_ensemble(load_builtin("us-iraq-2020"), draws=300, engines=["compromise", "bdm"], seed=1, workers=1)


def test_several_engines_are_summarised_side_by_side_without_a_pooled_distribution(ensemble) -> None:  # type: ignore[no-untyped-def]
    out = summary_dict(ensemble)
    assert "issues" not in out and "pooled" not in out
    assert set(out["by_engine"]) == {"compromise", "bdm"}
    for k, d in enumerate(disagreement(ensemble)):
        medians = [ensemble.by_engine[name][k].median for name in ("compromise", "bdm")]
        assert d.spread == pytest.approx(max(medians) - min(medians))
        assert out["disagreement"][d.issue]["spread"] == pytest.approx(d.spread, abs=1e-4)


def test_the_pooled_distribution_is_labelled_a_mixture_with_its_modes(ensemble) -> None:  # type: ignore[no-untyped-def]
    out = summary_dict(ensemble, with_pooled=True)["pooled"]
    assert out["label"].startswith("mixture of the draws of 2 engines")
    mix = pooled(ensemble)
    assert set(mix.modes) == {i.id for i in ensemble.scenario.issues}
    for k, issue in enumerate(ensemble.scenario.issues):
        both = np.concatenate([ensemble.values["compromise"][:, k], ensemble.values["bdm"][:, k]])
        assert mix.issues[k].median == pytest.approx(float(np.median(both)))
        assert sum(m.share for m in mix.modes[issue.id]) == pytest.approx(1.0)


def test_one_engine_keeps_its_summary(ensemble) -> None:  # type: ignore[no-untyped-def]
    single = run_ensemble(load_builtin("us-iraq-2020"), draws=50, engines=["compromise"], workers=1)
    assert summary_dict(single) == single.to_dict()


def test_the_recommended_forecaster_is_the_same_everywhere(run_cli) -> None:  # type: ignore[no-untyped-def]
    from stratagem.analysis.backtest import RECOMMENDED as BACKTEST_RECOMMENDED
    from stratagem.report.build import DEFAULT_ENSEMBLE_ENGINES

    assert BACKTEST_RECOMMENDED == RECOMMENDED and DEFAULT_ENSEMBLE_ENGINES == (RECOMMENDED,)
    listing = run_cli("engines")
    assert listing.out.count("(recommended") == 1
    before = listing.out[:listing.out.index("(recommended")]
    from stratagem.engines.registry import ENGINES

    starts = [line.split()[0] for line in before.splitlines() if line.split() and line.split()[0] in ENGINES]
    assert starts[-1] == RECOMMENDED  # the mark follows the recommended engine's (wrapped) summary
    ens = run_cli("ensemble", "-n", "20", "--workers", "1", "--json")
    assert json.loads(ens.out)["engines"] == [RECOMMENDED]
    report_help = " ".join(run_cli("report", "--help").out.split())
    assert f"(default: {RECOMMENDED}, the recommended forecaster)" in report_help
    import inspect

    import stratagem as sg

    assert inspect.signature(sg.forecast).parameters["engine"].default == RECOMMENDED
    assert tuple(inspect.signature(sg.ensemble).parameters["engines"].default) == (RECOMMENDED,)
    from stratagem.analysis.forecast import forecast

    assert inspect.signature(forecast).parameters["engine"].default == RECOMMENDED  # the library's own defaults
    assert tuple(inspect.signature(run_ensemble).parameters["engines"].default) == (RECOMMENDED,)
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"`{RECOMMENDED}` (recommended" in readme
    doc = (Path(__file__).parent.parent / "docs" / "backtest.md").read_text(encoding="utf-8")
    assert f"**The recommended forecaster is `{RECOMMENDED}`**" in doc


def test_pooled_flag_prints_the_mixture(run_cli) -> None:  # type: ignore[no-untyped-def]
    plain = run_cli("ensemble", "-n", "60", "-e", "compromise", "-e", "bdm", "--workers", "1")
    assert plain.code == 0, plain.err
    text = " ".join(plain.out.split())  # table titles wrap at the console width
    assert "each engine's distribution" in text and "Pooled" not in text
    mixed = run_cli("ensemble", "-n", "60", "-e", "compromise", "-e", "bdm", "--workers", "1", "--pooled")
    assert "Pooled: mixture of the draws of 2 engines" in " ".join(mixed.out.split())


def test_the_web_app_marks_the_recommended_forecaster_and_defaults_to_it(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from stratagem.web.app import create_app

    app = create_app(tmp_path / "ws.db", allowed_hosts=["testserver"])
    with TestClient(app) as client:
        page = client.get("/scenarios/us-iraq-2020").text
    assert f'value="{RECOMMENDED}"> {RECOMMENDED} (recommended)' in page
    assert page.count("(recommended)") == 1
    assert f"{RECOMMENDED} for an ensemble" in page


def test_the_report_shows_each_engine_and_labels_the_pooled_chart_a_mixture() -> None:
    from stratagem.report.build import build_report
    from stratagem.report.html import render_report

    html = render_report(build_report(load_builtin("ec-emissions-1994"), draws=40, seed=1, workers=1,
                                      ensemble_engines=("compromise", "median")))
    section = html[html.index('<section id="ensemble">'):]
    section = section[:section.index("</section>")]
    assert "<h3>compromise</h3>" in section and "<h3>median</h3>" in section
    assert "Pooled mixture of 2 engines" in section


def test_a_wide_bandwidth_keeps_the_peaks_where_the_draws_are() -> None:
    # two far-apart clusters: Silverman's bandwidth is above 12.5 points, the kernel longer than the histogram
    found = modes(np.concatenate([np.full(50, 10.0), np.full(50, 90.0)]))
    assert [round(m.value) for m in found] == [10, 90]
    assert [m.share for m in found] == [0.5, 0.5]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=2, max_size=60))
def test_every_mode_lies_between_the_lowest_and_highest_draw(values: list[float]) -> None:
    found = modes(np.array(values))
    assert found and sum(m.share for m in found) == pytest.approx(1.0)
    assert all(min(values) - 0.25 <= m.value <= max(values) + 0.25 for m in found)
