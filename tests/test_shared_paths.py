"""Data paths do not depend on where a command starts: $STRATAGEM_SHARED or the folder beside the checkout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stratagem.model.shared import shared_dir, shared_file

ROOT = Path(__file__).resolve().parent.parent


def test_shared_folder_is_the_env_var_or_beside_the_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("STRATAGEM_SHARED", raising=False)
    assert shared_dir() == ROOT.parent / "shared"
    monkeypatch.setenv("STRATAGEM_SHARED", str(tmp_path))
    assert shared_dir() == tmp_path


def test_backtest_without_its_data_says_how_to_point_at_it(run_cli, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    monkeypatch.setenv("STRATAGEM_SHARED", str(tmp_path / "nowhere"))
    monkeypatch.chdir(tmp_path)
    res = run_cli("backtest", "deu", "-e", "compromise", "--workers", "1")
    assert res.code == 2
    assert res.err.startswith("error: ") and "--data" in res.err and "STRATAGEM_SHARED" in res.err
    assert len(res.err.strip().splitlines()) == 1


def test_a_found_shared_file_is_returned(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text("a\n", encoding="utf-8")
    monkeypatch.setenv("STRATAGEM_SHARED", str(tmp_path))
    assert shared_file("data", "x.csv", option="--data") == tmp_path / "data" / "x.csv"


def test_no_absolute_machine_paths_in_code_or_tests() -> None:
    pattern = re.compile(r"""["'](/work/|/tmp/wt/|/home/)""")
    hits = [f"{p.relative_to(ROOT)}:{n}" for folder in ("stratagem", "tests", "benchmarks")
            for p in sorted((ROOT / folder).rglob("*.py"))
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert hits == []
