"""Benchmark (not a test): ensemble throughput in draws per second on this machine.

Cases: the built-in us-iraq-2020 scenario with bdm and with compromise, and a
synthetic 15-actor one-issue problem with bdm for 10 rounds at several sizes.
Each figure is the median of three runs in this process (no start-up; the kernels are
compiled or loaded before timing), using ``--workers`` local processes (default: every
core); the runs of 200 actors and more use one run of ``--large-draws`` draws (default:
a tenth of ``--draws``, at least 1,000). Beside the wall-clock rate it prints the CPU
seconds of this process and its workers (median): the machine may be shared, and CPU
time moves less with the load. ``--skip-flagship`` and ``--sizes`` select cases.
"""

from __future__ import annotations

import argparse
import os

from stratagem.analysis.ensemble import run_ensemble
from stratagem.model.builtin import load_builtin
from stratagem.model.schema import Scenario


def synthetic(n: int, seed: int = 0) -> Scenario:
    import numpy as np

    rng = np.random.default_rng(seed)
    actors = [{"id": f"a{i}", "name": f"A{i}", "capability": float(rng.uniform(1, 10)),
               "capability_range": None} for i in range(n)]
    for a in actors:
        c = a["capability"]
        a["capability_range"] = [c * 0.8, c * 1.2]
    stances = []
    for i in range(n):
        x, s = float(rng.uniform(5, 95)), float(rng.uniform(20, 90))
        stances.append({"actor": f"a{i}", "issue": "x", "position": x, "salience": s,
                        "position_range": [max(0, x - 10), min(100, x + 10)],
                        "salience_range": [max(0, s - 10), min(100, s + 10)]})
    return Scenario.model_validate({"id": f"synthetic-{n}", "name": f"{n} actors", "actors": actors,
                                    "issues": [{"id": "x", "name": "x"}], "stances": stances})


def rate(scenario: Scenario, engine: str, draws: int, rounds: int | None, repeats: int,
         workers: int | None) -> tuple[float, float]:
    """Draws per wall second (median of whole ensembles, pool start-up included) and median CPU seconds
    (this process and its workers)."""
    import resource
    import statistics
    import time

    run_ensemble(scenario, draws=min(draws, 200), engines=[engine], rounds=rounds, seed=0, workers=1)  # compile
    walls, cpus = [], []
    for _ in range(repeats):
        before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        start = time.perf_counter()
        run_ensemble(scenario, draws=draws, engines=[engine], rounds=rounds, seed=0, workers=workers)
        walls.append(time.perf_counter() - start)
        after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        cpus.append(sum(a.ru_utime - b.ru_utime + a.ru_stime - b.ru_stime for a, b in zip(after, before, strict=True)))
    return draws / statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="*", default=[15, 50, 200])
    parser.add_argument("--large-draws", type=int, default=None, help="draws for more than 50 actors")
    parser.add_argument("--skip-flagship", action="store_true", help="only the synthetic sizes")
    parser.add_argument("--workers", type=int, default=None, help="local processes (default: every core)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("| case | draws | draws/s (wall) | CPU s | draws per CPU s |")
    print("|---|---:|---:|---:|---:|")

    def row(label: str, scenario: Scenario, engine: str, draws: int, rounds: int | None, repeats: int) -> None:
        per_s, cpu = rate(scenario, engine, draws, rounds, repeats, args.workers)
        print(f"| {label} | {draws} | {per_s:,.0f} | {cpu:.2f} | {draws / cpu:,.0f} |", flush=True)

    flagship = load_builtin("us-iraq-2020")
    for engine, rounds in (() if args.skip_flagship else (("compromise", None), ("bdm", 10), ("bdm", None))):
        label = f"us-iraq-2020, {engine}" + (f", {rounds} rounds" if rounds else (", stopping rule" if engine == "bdm" else ""))
        row(label, flagship, engine, args.draws, rounds, args.repeats)
    large = args.large_draws or max(1000, args.draws // 10)
    for n in args.sizes:
        draws = args.draws if n <= 50 else large
        row(f"{n} actors, 1 issue, bdm, 10 rounds", synthetic(n), "bdm", draws, 10, args.repeats if n <= 50 else 1)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
