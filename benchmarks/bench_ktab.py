"""Benchmark (not a test) of the ktab engine: one turn at several sizes, and whole runs
against KTAB's own measured times.

Run ``.venv/bin/python benchmarks/bench_ktab.py``. Figures are medians of several
repeats on one core (BLAS threads pinned to 1), printed as Markdown tables.

* "one turn": ``run_ktab(..., rounds=1)`` minus ``run_ktab(..., rounds=0)``, i.e. the
  challenges, bargains, queue resolution, and the next state's utilities, risk
  attitudes and forecast (3 issues).
* whole runs with KTAB's stopping rule, on the inputs KTAB's times were measured on
  (reference/ktab-smp.md and issue 4: optimised build, minimal logging, 2 cores):
  SOE-Pol-Comp (0.51 s) and synthetic inputs drawn as KTAB's ``SMPActor::randomize``
  does (capability U(10, 200), total salience U(0.75, 0.99) split by U(0.1, 1) weights,
  positions U(0, 100)): 40 actors x 1 dimension (12.2 s), 50 x 10 (25 s), 100 x 1 (5-11 min).
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from _timing import median_seconds  # noqa: E402

from stratagem.engines.ktab import run_ktab  # noqa: E402
from stratagem.model.arrays import to_arrays  # noqa: E402
from stratagem.model.io import load_scenario  # noqa: E402

SOE = Path(__file__).resolve().parent.parent / "tests" / "data" / "ktab" / "SOE-Pol-Comp.csv"


def synthetic(n: int, m: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    """Arrays like KTAB's random actors: X on 0-100, S in [0, 1], C, Q, mask."""
    rng = np.random.default_rng(seed)
    C = rng.uniform(10.0, 200.0, n)
    total = rng.uniform(0.75, 0.99, n)
    share = rng.uniform(0.1, 1.0, (n, m))
    S = share / share.sum(axis=1, keepdims=True) * total[:, None]
    X = rng.uniform(0.0, 100.0, (n, m))
    return X, S, C, np.full(m, np.nan), np.ones((n, m), dtype=bool)


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 50, 100, 250])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--compat", action="store_true", help="time compatibility mode instead")
    args = parser.parse_args()
    params: dict[str, Any] = {"compat": args.compat}

    print("| actors (3 issues) | ktab: one turn |")
    print("|---:|---:|")
    for n in args.sizes:
        arrays = synthetic(n, 3)
        repeats = args.repeats if n <= 100 else max(3, args.repeats // 2)
        t1 = median_seconds(lambda a=arrays: run_ktab(*a, rounds=1, **params), repeats)
        t0 = median_seconds(lambda a=arrays: run_ktab(*a, rounds=0, **params), repeats)
        print(f"| {n} | {fmt(max(t1 - t0, 0.0))} |", flush=True)

    print()
    print("| input | turns | ktab (stratagem) | KTAB smpc | speed-up |")
    print("|---|---:|---:|---:|---:|")
    soe = to_arrays(load_scenario(SOE))
    cases: list[tuple[str, tuple[Any, ...], float, str]] = [
        ("SOE-Pol-Comp, 13 x 2", (soe.X, soe.S, soe.C, soe.Q, soe.mask), 0.51, "0.51 s"),
        ("synthetic 40 x 1", synthetic(40, 1, 1), 12.2, "12.2 s"),
        ("synthetic 50 x 10", synthetic(50, 10, 2), 25.0, "25 s"),
        ("synthetic 100 x 1", synthetic(100, 1, 3), 300.0, "5-11 min"),
    ]
    for label, arrays, ktab_seconds, ktab_label in cases:
        turns = run_ktab(*arrays, **params).rounds
        t = median_seconds(lambda a=arrays: run_ktab(*a, **params), 3)
        print(f"| {label} | {turns} | {fmt(t)} | {ktab_label} | {ktab_seconds / t:.0f}x |", flush=True)


if __name__ == "__main__":
    main()
