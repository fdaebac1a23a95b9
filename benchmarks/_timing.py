"""Timing helper shared by the benchmark scripts (run as ``python benchmarks/<script>.py``)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], repeats: int, *, warm_up: bool = True) -> float:
    """Median wall time of ``repeats`` calls of ``fn``, after one untimed warm-up call.

    Medians, not means: the machine is shared, and one interrupted run should not
    move the figure.
    """
    if warm_up:
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
