"""Benchmarks (not tests): time per bdm round and per closed-form forecast at several sizes.

Run with ``make bench``. Each figure is the median of several repeats on one core
(BLAS threads pinned to 1), printed as a Markdown table for the README. The bdm round
is timed with the default pairwise sums (sorted, compiled when numba is installed) and
with the O(n^3) reference sums, so the two are measured back to back.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
from functools import partial  # noqa: E402

import numpy as np  # noqa: E402
from _timing import median_seconds  # noqa: E402

from stratagem.engines.bdm import BdmOptions, bdm_round  # noqa: E402
from stratagem.engines.closed_form import compromise_forecast, median_forecast, nash_forecast  # noqa: E402


def bdm_case(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 100, n), rng.uniform(0.1, 1, n), rng.uniform(0.1, 1, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 50, 200, 500])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print("| actors | bdm: one round | bdm, reference sums | compromise, 10,000 draws x 5 issues "
          "| median, same | nash, same |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        x, c, s = bdm_case(n)
        delta = np.array([float(x.max() - x.min())])
        repeats = args.repeats if n <= 200 else max(3, args.repeats // 2)
        t_bdm = median_seconds(partial(bdm_round, x[None], c[None], s[None], delta, BdmOptions()), repeats)
        t_ref = median_seconds(
            partial(bdm_round, x[None], c[None], s[None], delta, BdmOptions(method="reference")), repeats
        )
        rng = np.random.default_rng(1)
        draws = 10_000 if n <= 50 else 1_000
        X = rng.uniform(0, 100, (draws, n, 5))
        S = rng.uniform(0, 1, (draws, n, 5))
        C = rng.uniform(0, 1, (draws, n))
        Q = np.full(5, 50.0)
        mask = np.ones_like(X, dtype=bool)
        scale = 10_000 / draws
        t_comp = median_seconds(partial(compromise_forecast, X, S, C, mask), 3) * scale
        t_med = median_seconds(partial(median_forecast, X, S, C, mask), 3) * scale
        t_nash = median_seconds(partial(nash_forecast, X, S, C, Q, mask), 3) * scale
        print(f"| {n} | {fmt(t_bdm)} | {fmt(t_ref)} | {fmt(t_comp)} | {fmt(t_med)} | {fmt(t_nash)} |", flush=True)


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
