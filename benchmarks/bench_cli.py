"""Benchmark (not a test): what a user waits for, measured as whole ``stratagem`` processes.

Every figure is the median of ``--repeats`` runs of the installed command line in a fresh
process (start-up, imports, numba's cached kernels and the pool's start included), with the
processes' CPU seconds beside the wall time: on a shared machine the CPU time moves less.
The processes run with Python's bytecode cache on, as an installed package has it (a
``PYTHONDONTWRITEBYTECODE`` in the environment would recompile every stratagem module in every
run). It prints, in one run, each figure beside the target issue 17 set:

* start-up: ``stratagem --help`` and ``--version``, and a compromise forecast of a 10-actor CSV;
* the fixed cost of a bdm ensemble: one draw (start-up, planning, numba's kernels loaded from
  the cache), which every ensemble pays before its draws and which two workers cannot share;
* the default commands (``forecast``, ``ensemble``, ``report``) on the built-in scenarios and on
  generated 10-, 50- and 200-actor one-issue games (``--sizes``);
* the default bdm ensemble (``-e bdm``; the command's default engine is the recommended
  forecaster) of us-iraq-2020 at ``--draws`` draws, with the stopping rule and with 10 fixed
  rounds, and a 15-actor one-issue game, in draws/s including start-up (the figure the targets
  are judged on) and, labelled apart, the steady-state throughput (N2 - N1) / (t2 - t1) from
  runs of N1 = ``--draws`` / 5 and N2 = ``--draws`` draws, which leaves the start-up out;
* the 2-worker / 1-worker ratio of the default and the 10-round bdm ensemble of us-iraq-2020 (the
  runs of one and two workers alternate);
* peers, side by side, where they are installed; nothing is fetched or built, and each peer
  that is missing is named as skipped.

Peers are given as command templates in environment variables, ``{file}`` standing for the
input: ``STRATAGEM_PEER_BDM`` (a bdm replication, run on the 10-actor game as a single-issue
CSV) and ``STRATAGEM_PEER_KTAB`` (KTAB's ``smpc``, e.g. ``smpc --csv {file} --logmin``); an
``smpc`` on the PATH is used when the variable is not set.
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

_SCRIPT = Path(sys.executable).parent / "stratagem"
#: the command as users run it: the installed entry point next to this Python, else the same via -c
STRATAGEM = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-c", "from stratagem.cli import main; main()"]
BUILTINS = ("ec-emissions-1994", "us-iraq-2020", "us-iraq-2024")
#: the environment of every timed process: bytecode cached, as in an installed package
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def whole_process(args: Sequence[str], repeats: int, cwd: Path) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (user + system) of ``repeats`` runs of ``args``."""
    walls, cpus = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(list(args), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env=ENV)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            raise SystemExit(f"{shlex.join(args)} failed ({proc.returncode}): {proc.stderr.strip()[-400:]}")
    return statistics.median(walls), statistics.median(cpus)


def generated_game(n: int, folder: Path, seed: int = 0) -> tuple[Path, Path]:
    """An n-actor one-issue game with input ranges, as YAML (for ensembles) and single-issue CSV (for peers)."""
    import numpy as np

    from stratagem.model.io import write_yaml
    from stratagem.model.schema import Scenario

    rng = np.random.default_rng(seed)
    actors, stances, rows = [], [], ["name,capability,position,salience"]
    for i in range(n):
        c, x, s = float(rng.uniform(1, 10)), float(rng.uniform(5, 95)), float(rng.uniform(20, 90))
        actors.append({"id": f"a{i}", "name": f"A{i}", "capability": round(c, 3),
                       "capability_range": [round(c * 0.8, 3), round(c * 1.2, 3)]})
        stances.append({"actor": f"a{i}", "issue": "x", "position": round(x, 2), "salience": round(s, 2),
                        "position_range": [round(max(0.0, x - 10), 2), round(min(100.0, x + 10), 2)],
                        "salience_range": [round(max(0.0, s - 10), 2), round(min(100.0, s + 10), 2)]})
        rows.append(f"A{i},{c:.3f},{x:.2f},{s:.2f}")
    sc = Scenario.model_validate({"id": f"generated-{n}", "name": f"{n} actors, one issue", "actors": actors,
                                  "issues": [{"id": "x", "name": "x"}], "stances": stances})
    yaml_path, csv_path = folder / f"generated-{n}.yaml", folder / f"generated-{n}.csv"
    write_yaml(sc, yaml_path)
    csv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return yaml_path, csv_path


def row(label: str, wall: float, cpu: float, extra: str = "", target: str = "") -> None:
    print(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {extra} | {target} |", flush=True)


def against(value: float, target: float, *, at_most: bool = False, unit: str = "") -> str:
    """The target and whether ``value`` meets it (wall time on this machine, as measured now)."""
    met = value <= target if at_most else value >= target
    return f"{'<=' if at_most else '>='} {target:,g}{unit}: {'met' if met else 'NOT met'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (medians); start-up uses 3x")
    parser.add_argument("--draws", type=int, default=10_000, help="draws of the throughput ensembles")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 50, 200], help="generated games' actors")
    parser.add_argument("--skip-defaults", action="store_true", help="only start-up, throughput and peers")
    parser.add_argument("--skip-throughput", action="store_true", help="only start-up, defaults and peers")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        games = {n: generated_game(n, folder) for n in sorted(set(args.sizes) | {10, 15})}
        print("\n| command (whole process) | wall (median) | CPU | | target (wall) |")
        print("|---|---:|---:|---|---|")
        for flag in ("--help", "--version"):
            wall, cpu = whole_process([*STRATAGEM, flag], 3 * args.repeats, folder)
            row(f"stratagem {flag}", wall, cpu, "", against(wall, 0.15, at_most=True, unit=" s") if flag == "--help" else "")
        small = games[10][1]
        for ref in ("us-iraq-2020", str(games[15][0])):  # untimed: numba compiles once and caches the kernels
            whole_process([*STRATAGEM, "ensemble", ref, "-e", "bdm", "-n", "20", "--json"], 1, folder)
            whole_process([*STRATAGEM, "forecast", ref, "--json"], 1, folder)
        wall, cpu = whole_process([*STRATAGEM, "forecast", str(small), "-e", "compromise"], 3 * args.repeats, folder)
        row("stratagem forecast 10-actor.csv -e compromise", wall, cpu, "", against(wall, 0.3, at_most=True, unit=" s"))
        fixed, cpu = whole_process([*STRATAGEM, "ensemble", "us-iraq-2020", "-e", "bdm", "--rounds", "10", "-n", "1",
                                    "--json"], 3 * args.repeats, folder)
        row("fixed cost of a bdm ensemble: us-iraq-2020, 1 draw (start-up, plan, kernels from the cache)", fixed, cpu)
        if not args.skip_defaults:
            cases = [(sid, sid) for sid in BUILTINS] + [(f"{n} actors", str(games[n][0])) for n in args.sizes]
            for label, ref in cases:
                for command in ("forecast", "ensemble", "report"):
                    extra = ["-o", str(folder / "report.html"), "-q"] if command == "report" else []
                    if command == "ensemble":
                        extra = ["--json"]
                    row(f"stratagem {command} {label}",
                        *whole_process([*STRATAGEM, command, ref, *extra], args.repeats, folder))
        if not args.skip_throughput:
            n, n1 = args.draws, max(1, args.draws // 5)
            print(f"\n| ensemble, {n:,} draws (whole process) | wall | CPU | draws/s incl. start-up "
                  f"| target (judged on draws/s incl. start-up) | steady state: draws/s from {n1:,} and {n:,} draws "
                  "(not judged) |")
            print("|---|---:|---:|---:|---|---:|")
            cases2: list[tuple[str, list[str], float | None]] = [
                ("us-iraq-2020, bdm, default (stopping rule)", ["us-iraq-2020"], 1_000),
                ("us-iraq-2020, bdm, --rounds 10", ["us-iraq-2020", "--rounds", "10"], 5_000),
                ("15 actors, one issue, bdm, default", [str(games[15][0])], None),
                ("15 actors, one issue, bdm, --rounds 10", [str(games[15][0]), "--rounds", "10"], 10_000),
            ]
            for label, rest, target in cases2:
                wall, cpu = whole_process([*STRATAGEM, "ensemble", *rest, "-e", "bdm", "-n", str(n), "--json"],
                                          args.repeats, folder)
                wall1, _ = whole_process([*STRATAGEM, "ensemble", *rest, "-e", "bdm", "-n", str(n1), "--json"],
                                         args.repeats, folder)
                # what each further draw costs once the process has started: the start-up cancels out
                steady = f"{(n - n1) / (wall - wall1):,.0f}" if wall > wall1 else "n/a (noise)"
                print(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {n / wall:,.0f} | "
                      f"{against(n / wall, target) if target else ''} | {steady} |", flush=True)
            print("The targets are judged on the whole-process figure (the first one says 'including start-up'); the "
                  "steady-state column, (N2 - N1) / (t2 - t1), is\nwhat the draws themselves cost and is never "
                  "called a met target.")
            print(f"\n| ensemble, {n:,} draws, one or two workers (whole process) | wall | CPU | draws/s incl. start-up "
                  "| |")
            print("|---|---:|---:|---:|---|")
            # the runs of one and two workers alternate, so a change of the machine's load hits both alike
            ratios = []
            for label, rest in (("default", []), ("--rounds 10", ["--rounds", "10"])):
                commands = {w: [*STRATAGEM, "ensemble", "us-iraq-2020", *rest, "-e", "bdm", "-n", str(n), "--json",
                                "--workers", str(w)] for w in (1, 2)}
                runs: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
                for _ in range(args.repeats):
                    for w, command in commands.items():
                        runs[w].append(whole_process(command, 1, folder))
                walls = {w: statistics.median(r[0] for r in runs[w]) for w in runs}
                for w in runs:
                    row(f"us-iraq-2020, bdm, {label}, --workers {w}", walls[w],
                        statistics.median(r[1] for r in runs[w]), f"{n / walls[w]:,.0f}")
                ratio = walls[1] / walls[2]
                # Amdahl: the fixed cost runs once either way, the draws could split in two
                ideal = walls[1] / (fixed + max(walls[1] - fixed, 0.0) / 2)
                ratios.append(f"2 workers / 1 worker, {label}: {ratio:.2f}x faster ({against(ratio, 1.7, unit='x')}; "
                              f"with the {fixed:.2f} s fixed cost above, a perfect split of the draws would give "
                              f"{ideal:.2f}x; load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
            print("", *ratios, sep="\n")
        print("\npeers (nothing is fetched or built):")
        peers = {"STRATAGEM_PEER_BDM": os.environ.get("STRATAGEM_PEER_BDM"),
                 "STRATAGEM_PEER_KTAB": os.environ.get("STRATAGEM_PEER_KTAB")
                 or (f"{shutil.which('smpc')} --csv {{file}} --logmin" if shutil.which("smpc") else None)}
        for name, template in peers.items():
            if not template:
                print(f"  skipped {name}: not set, and no such program installed")
                continue
            peer = shlex.split(template.replace("{file}", str(small)))
            ours = [*STRATAGEM, "forecast", str(small), "-e", "bdm" if name.endswith("BDM") else "ktab"]
            p_wall, p_cpu = whole_process(peer, args.repeats, folder)
            o_wall, o_cpu = whole_process(ours, args.repeats, folder)
            print(f"  10-actor game: peer {p_wall:.2f} s (CPU {p_cpu:.2f}), stratagem {o_wall:.2f} s "
                  f"(CPU {o_cpu:.2f}): {p_wall / o_wall:.2f}x  [{shlex.join(peer)}]")


if __name__ == "__main__":
    main()
