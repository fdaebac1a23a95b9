"""The public top level: `import stratagem as sg` is cheap, its names work, its doctests run.

The doctests of stratagem/__init__.py and stratagem/api.py are collected here, so the examples in
the docstrings are tests. Results turn into DataFrames with pandas, and without it say so in one
line.
"""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
from pathlib import Path

import pytest

import stratagem
import stratagem.api
from stratagem.model.errors import StratagemError

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("module", [stratagem, stratagem.api], ids=lambda m: m.__name__)
def test_doctests(module: object) -> None:
    if "to_frame()" in (getattr(module, "__doc__", "") or ""):
        pytest.importorskip("pandas")  # the frames example needs the optional extra
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0


def test_import_stratagem_loads_nothing_heavy() -> None:
    code = "import sys, stratagem; print(sorted(m for m in sys.modules if m.split('.')[0] in " \
           "('numpy', 'pydantic', 'numba', 'pandas', 'rich', 'click') or m.startswith('stratagem.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_the_documented_names_are_there() -> None:
    for name in ("load", "forecast", "ensemble", "explain", "ENGINES", "__version__"):
        assert name in dir(stratagem) and getattr(stratagem, name) is not None
    with pytest.raises(AttributeError):
        stratagem.no_such_name  # noqa: B018


def test_forecast_accepts_an_id_a_path_or_a_scenario(tmp_path: Path) -> None:
    csv = tmp_path / "three.csv"
    csv.write_text("name,capability,position,salience\nA,100,10,80\nB,60,40,70\nC,50,90,60\n", encoding="utf-8")
    by_path = stratagem.forecast(csv, "compromise")
    by_object = stratagem.forecast(stratagem.load(str(csv)), "compromise")
    assert by_path.to_dict() == by_object.to_dict()
    # capability x salience weighted mean, by hand: (100*80*10 + 60*70*40 + 50*60*90) / (8000+4200+3000)
    assert by_path.issues[0].forecast == pytest.approx((80_000 + 168_000 + 270_000) / 15_200)


def test_named_shocks_resolve_like_the_cli(run_cli) -> None:  # type: ignore[no-untyped-def]
    sc = stratagem.load("us-iraq-2020")
    assert sc.shocks, "the built-in scenario declares shocks"
    shock = sc.shocks[0]
    by_name = stratagem.forecast(sc, "bdm", shocks=[shock.id])
    by_object = stratagem.forecast(sc, "bdm", shocks=[shock])
    assert by_name.to_dict() == by_object.to_dict()
    assert by_name.to_dict() != stratagem.forecast(sc, "bdm").to_dict()  # the shock did something
    cli = run_cli("forecast", "us-iraq-2020", "-e", "bdm", "--shock", shock.id, "--json")
    assert cli.code == 0, cli.err
    assert json.loads(cli.out) == json.loads(json.dumps(by_name.to_dict()))


def test_explain_is_what_the_cli_prints(run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("explain", "ec-emissions-1994", "-e", "compromise", "--draws", "40", "--seed", "3", "--json")
    assert res.code == 0, res.err
    api = stratagem.explain("ec-emissions-1994", "compromise", draws=40, seed=3).to_dict()
    assert json.loads(res.out) == json.loads(json.dumps(api))


def test_frames_have_one_row_per_issue_or_draw() -> None:
    pytest.importorskip("pandas")
    sc = stratagem.load("us-iraq-2020")
    ids = [i.id for i in sc.issues]
    assert list(stratagem.forecast(sc, "median").to_frame().index) == ids
    ens = stratagem.ensemble(sc, draws=30, engines=["compromise", "median"], workers=1)
    summary = ens.to_frame()
    assert list(summary.index) == ids and summary.loc[ids[0], "median"] == ens.issues[0].median
    draws = ens.to_frame(draws=True)
    assert len(draws) == 30 and list(draws.columns) == ["engine", "draw", *ids]
    assert set(stratagem.explain(sc, "compromise", draws=0).to_frame().columns) >= {"actor", "issue", "position"}


def test_without_pandas_to_frame_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(StratagemError, match="needs pandas"):
        stratagem.forecast("ec-emissions-1994", "compromise").to_frame()


def test_the_engine_catalogue_shows_its_names_without_importing_an_engine() -> None:
    code = "import sys, stratagem as sg; print(repr(sg.ENGINES)); " \
           "print(sorted(m for m in sys.modules if m.startswith('stratagem.engines.') and " \
           "m not in ('stratagem.engines.registry',)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    shown, imported = out.stdout.strip().splitlines()
    assert shown.startswith("<engines: ") and all(name in shown for name in ("anchor", "bdm", "ktab", "compromise"))
    assert imported == "[]"


def test_explain_has_one_default_engine_in_the_api_the_cli_and_the_report() -> None:
    import inspect

    from stratagem.cli.run_cmds import explain_cmd as explain_command
    from stratagem.engines.registry import EXPLAINED
    from stratagem.report.build import build_report

    assert inspect.signature(stratagem.api.explain).parameters["engine"].default == EXPLAINED
    assert inspect.signature(build_report).parameters["explain_engine"].default == EXPLAINED
    engine_option = next(p for p in explain_command.params if p.name == "engine")
    assert engine_option.default == EXPLAINED
