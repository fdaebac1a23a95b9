"""The exchange engine against a plain reference search, and its size check (library, CLI and web)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from stratagem.engines.base import weights
from stratagem.engines.exchange import (
    GAIN_TOLERANCE,
    MAX_WORK,
    ExchangeModel,
    estimated_work,
    exchange_round,
)
from stratagem.model.errors import EngineError


def _reference(X: np.ndarray, S: np.ndarray, C: np.ndarray, mask: np.ndarray, rounds: int
               ) -> tuple[list[np.ndarray], list[tuple[int, int, int, int, float, float]]]:
    """The model as the module docstring states it, by looping over every (i, j, p, q) at every step."""
    W = weights(S, C, mask)
    active = mask & (W > 0)
    V = X.astype(float).copy()
    n, m = V.shape
    states, trades = [V.copy()], []
    for _ in range(rounds):
        used = np.zeros((n, m), dtype=bool)
        traded = False
        while True:
            total = W.sum(axis=0)
            safe = np.where(total > 0, total, 1.0)
            out = (W * V).sum(axis=0) / safe
            side = np.sign(V - out) * active
            share = W / safe
            best: tuple[Any, ...] | None = None
            for i in range(n):
                for j in range(n):
                    for p in range(m):
                        for q in range(m):
                            if i == j or p == q or used[i, p] or used[j, q]:
                                continue
                            if not (side[i, p] * side[j, p] < 0 and side[i, q] * side[j, q] < 0):
                                continue
                            if not (S[i, p] * S[j, q] < S[j, p] * S[i, q]) or share[i, p] <= 0 or share[j, q] <= 0:
                                continue
                            a_max = min(abs(V[i, p] - V[j, p]) * share[i, p], abs(out[p] - V[j, p]))
                            b_max = min(abs(V[j, q] - V[i, q]) * share[j, q], abs(out[q] - V[i, q]))
                            rate = (S[i, p] + S[j, p]) / (S[i, q] + S[j, q])
                            a = min(a_max, b_max / rate)
                            b = a * rate
                            gain = S[i, q] * b - S[i, p] * a
                            if best is None or gain > best[0]:  # strict: ties keep the lowest (i, j, p, q)
                                best = (gain, i, j, p, q, a / share[i, p], b / share[j, q])
            if best is None or best[0] <= GAIN_TOLERANCE:
                break
            _, i, j, p, q, move_i, move_j = best
            V[i, p] += np.sign(V[j, p] - V[i, p]) * move_i
            V[j, q] += np.sign(V[i, q] - V[j, q]) * move_j
            used[i, p] = used[j, q] = True
            traded = True
            trades.append((i, j, p, q, float(V[i, p]), float(V[j, q])))
        if not traded:
            break
        states.append(V.copy())
    return states, trades


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(2, 7), m=st.integers(1, 4), rounds=st.integers(1, 3),
       coarse=st.booleans())
def test_exchange_equals_the_plain_search(seed: int, n: int, m: int, rounds: int, coarse: bool) -> None:
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 100, (n, m))
    S = rng.uniform(0, 1, (n, m))
    if coarse:  # many ties between equally good exchanges
        X, S = X.round(-1), S.round(1)
    C = rng.uniform(0, 3, n)
    mask = rng.uniform(size=(n, m)) > 0.15
    states, moves = [X], []
    for r in range(1, rounds + 1):  # rounds trade again from the last one's positions
        V, made = exchange_round(states[-1], S, C, mask, r)
        if not made:
            break
        states.append(V)
        moves += made
    ref_states, trades = _reference(X, S, C, mask, rounds)
    assert len(states) == len(ref_states)
    for got, want in zip(states, ref_states, strict=True):
        assert np.array_equal(got, want)  # the same arithmetic in the same order: identical numbers
    assert [(a.actor, b.actor, a.issue, b.issue, a.after, b.after) for a, b in zip(moves[::2], moves[1::2],
                                                                                    strict=True)] == trades


def test_the_size_check_refuses_big_runs_and_lets_scenario_sizes_through() -> None:
    ExchangeModel().admit(50, 10, 1)  # the design's largest scenario
    ExchangeModel().admit(100, 20, 1)
    with pytest.raises(EngineError, match="too large for the exchange engine"):
        ExchangeModel().admit(500, 20, 1)
    assert estimated_work(500, 20, 1) > MAX_WORK > estimated_work(100, 20, 1)
    assert estimated_work(10_000, 1, 1) == 0  # one issue: nothing to trade


def _big_scenario(path: Path, n: int = 500, m: int = 20) -> Path:
    rng = np.random.default_rng(0)
    data = {
        "id": "big", "name": "Big",
        "actors": [{"id": f"a{i}", "name": f"A{i}", "capability": 1.0} for i in range(n)],
        "issues": [{"id": f"i{k}", "name": f"I{k}"} for k in range(m)],
        "stances": [{"actor": f"a{i}", "issue": f"i{k}", "position": float(rng.integers(0, 101)),
                     "salience": float(rng.integers(1, 101))} for i in range(n) for k in range(m)],
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_cli_refuses_an_oversized_exchange_run_in_one_line(tmp_path: Path) -> None:
    scenario = _big_scenario(tmp_path / "big.yaml")
    exe = Path(sys.executable).with_name("stratagem")
    done = subprocess.run([str(exe), "forecast", str(scenario), "--engine", "exchange"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "too large for the exchange engine" in lines[0]
    assert "Traceback" not in done.stderr


def test_the_web_api_refuses_an_oversized_exchange_run_with_the_same_message(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from stratagem.web.app import create_app

    scenario = _big_scenario(tmp_path / "big.yaml")
    with TestClient(create_app(tmp_path / "ws.db", allowed_hosts=["testserver"])) as c:
        c.get("/")
        headers = {"X-CSRF-Token": str(c.cookies.get("stratagem_csrf"))}
        up = c.post("/api/documents", files={"file": ("big.yaml", scenario.read_bytes(), "application/yaml")},
                    headers=headers)
        assert up.status_code == 201, up.text
        r = c.post("/api/scenarios/big/forecast", json={"engines": ["exchange"]}, headers=headers)
        assert r.status_code == 400 and "too large for the exchange engine" in r.json()["detail"]
