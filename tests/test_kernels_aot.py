"""bdm's kernels built ahead of time (tools/build_kernels.py) against numba's JIT of the same source.

The install step builds them (``python tools/build_kernels.py``); the tests that need the build
skip where it failed (no C compiler), and the JIT then runs everywhere.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from stratagem.engines import _kernels
from stratagem.engines.bdm import BdmModel, BdmOptions, bdm_round
from stratagem.engines.rounds import run_rounds

needs_build = pytest.mark.skipif(_kernels._built() is None, reason="kernels not built ahead of time (see Makefile)")


def _jit(name: str) -> Any:
    fn, example = _kernels.kernels()[name]
    kernel = _kernels._compile(fn, *example)
    if kernel is None:
        pytest.skip("numba cannot compile here")
    return kernel


def _outputs() -> Iterator[bytes]:
    """Every kernel's outputs on batches with missing stances, a frozen issue, ties and cycles, under
    the model's switches: the compiled loop (stopping rule and fixed rounds), the round, the forecast."""
    rng = np.random.default_rng(17)
    B, n, m = 40, 8, 4
    X = np.round(rng.uniform(0, 100, (B, n, m)) / 10) * 10
    X[:, :, 3] = 40.0
    S, C = rng.uniform(0.05, 1, (B, n, m)), rng.uniform(0.1, 5, (B, n))
    mask = rng.uniform(size=(n, m)) < 0.8
    mask[:2] = True
    Q = np.full(m, np.nan)
    for opts in (BdmOptions(), BdmOptions("local", "least_move", True, 0.5), BdmOptions("net", "min_distance")):
        for rounds in (None, 7):
            run = run_rounds(BdmModel(), opts, X, S, C, Q, mask, rounds=rounds, rng=None)
            yield run.forecasts.tobytes() + run.cycle_start.tobytes() + run.cycle_period.tobytes()
        res = bdm_round(X[:, :, 0], C, S[:, :, 0], np.full(B, 100.0), opts)
        yield res.positions.tobytes() + res.risk.tobytes() + res.partner.tobytes() + res.kind.tobytes()
        model = BdmModel()
        yield model.forecast(model.start(X, S, C, Q, mask, opts, None)).tobytes()


@needs_build
def test_the_built_kernels_give_the_bits_of_numbas(monkeypatch: pytest.MonkeyPatch) -> None:
    used = []
    real = _kernels._typed_like
    monkeypatch.setattr(_kernels, "_typed_like", lambda args, example: used.append(real(args, example)) or used[-1])
    built = list(_outputs())
    assert used and all(used)  # every call went to the built module
    for name in ("play", "round", "forecast"):
        jit = _jit(name)
        monkeypatch.setattr(_kernels, f"{name}_kernel", lambda k=jit: k)
    assert list(_outputs()) == built


@needs_build
def test_arguments_of_other_types_go_to_numba_with_the_same_bits() -> None:
    """The built wrapper checks neither dtypes nor strides: a strided array goes to numba's kernel."""
    example = _kernels.kernels()["forecast"][1]
    rng = np.random.default_rng(2)
    X, W = rng.uniform(0, 100, (6, 5, 6)), rng.uniform(0, 1, (6, 5, 6))
    mask = np.ones((5, 3), dtype=bool)
    strided = X[:, :, ::2]
    assert not _kernels._typed_like((strided, W[:, :, ::2].copy(), mask), example)
    assert _kernels._typed_like((strided.copy(), W[:, :, ::2].copy(), mask), example)
    kernel = _kernels.forecast_kernel()
    assert kernel(strided, W[:, :, ::2].copy(), mask).tobytes() == kernel(
        strided.copy(), W[:, :, ::2].copy(), mask).tobytes()
    assert not _kernels._typed_like((strided.copy(), W[:, :, ::2].copy(), mask.astype(np.int8)), example)
    assert not _kernels._typed_like((strided.copy(), W[:, :, ::2].copy()), example)


def test_the_build_is_named_by_its_sources() -> None:
    """An edit of the kernels changes the name, so a stale build is never imported."""
    digest = hashlib.sha256(Path(_kernels.__file__).read_bytes()).hexdigest()
    assert _kernels.built_name() == f"_aot_{digest[:16]}"


def test_without_a_build_the_kernels_are_numbas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_kernels, "built_name", lambda: "_aot_0000000000000000")  # as after an edit
    _kernels._built.cache_clear()
    try:
        assert _kernels._built() is None
        kernel = _kernels._kernel("forecast")
        assert kernel is None or hasattr(kernel, "py_func")  # numba's dispatcher (None: no numba)
    finally:
        _kernels._built.cache_clear()


@needs_build
def test_the_built_loop_releases_the_gil() -> None:
    """Ensembles run the loop in threads: while one runs it, this thread keeps running Python."""
    rng = np.random.default_rng(1)
    B, n = 3000, 12
    X, S, C = rng.uniform(0, 100, (B, n, 1)), rng.uniform(0.1, 1, (B, n, 1)), rng.uniform(0.1, 5, (B, n))
    model = BdmModel()
    state = model.start(X, S, C, np.full(1, np.nan), np.ones((n, 1), dtype=bool), BdmOptions(), None)
    started = threading.Event()

    def play() -> None:
        started.set()
        model.play(state, 10, 0)

    worker = threading.Thread(target=play)
    worker.start()
    started.wait()
    steps = 0
    while worker.is_alive():
        steps += 1
    worker.join()
    assert steps > 10_000  # with the GIL held this thread would wait for the whole loop
