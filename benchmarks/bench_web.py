"""Latency of the web app under 50 concurrent forecast requests (a benchmark, not a test).

Starts `stratagem serve` in a subprocess on a free port with a fresh workspace, then sends
rounds of N simultaneous POST /api/scenarios/SCENARIO/forecast requests (every engine, or
--engine) and prints the median and 95th percentile of the request latency, and errors.
The forecasts run in the server's worker processes; meanwhile GET /api/engines is sent every
0.1 s, and its latency shows whether the server itself stays responsive.

    python benchmarks/bench_web.py [--concurrency 50] [--rounds 3] [--scenario us-iraq-2020] [--engine E ...]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scenario", default="us-iraq-2020")
    parser.add_argument("--engine", action="append", default=[])
    args = parser.parse_args()

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        exe = Path(sys.executable).with_name("stratagem")
        server = subprocess.Popen([str(exe), "serve", "--port", str(port), "--workspace", f"{tmp}/ws.db"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with httpx.Client(base_url=url, timeout=300) as client:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        client.get("/")
                        break
                    except httpx.TransportError:
                        if time.monotonic() > deadline:
                            raise SystemExit("the server did not start") from None
                        time.sleep(0.2)
                client.headers["X-CSRF-Token"] = client.cookies["stratagem_csrf"]
                body = {"engines": args.engine}
                path = f"/api/scenarios/{args.scenario}/forecast"
                single = []
                for _ in range(3):
                    start = time.perf_counter()
                    client.post(path, json=body).raise_for_status()
                    single.append(time.perf_counter() - start)

                def one(_: int) -> tuple[int, float]:
                    start = time.perf_counter()
                    status = client.post(path, json=body).status_code
                    return status, time.perf_counter() - start

                latencies: list[float] = []
                errors = 0
                wall = []
                probes: list[float] = []
                busy = threading.Event()

                def probe() -> None:
                    with httpx.Client(base_url=url, timeout=300) as side:
                        while busy.is_set():
                            start = time.perf_counter()
                            side.get("/api/engines").raise_for_status()
                            probes.append(time.perf_counter() - start)
                            time.sleep(0.1)

                with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
                    busy.set()
                    prober = threading.Thread(target=probe)
                    prober.start()
                    for _ in range(args.rounds):
                        start = time.perf_counter()
                        results = list(pool.map(one, range(args.concurrency)))
                        wall.append(time.perf_counter() - start)
                        errors += sum(1 for status, _ in results if status != 200)
                        latencies += [t for _, t in results]
                    busy.clear()
                    prober.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    latencies.sort()
    probes.sort()
    p95 = percentile(latencies, 0.95)
    engines = ", ".join(args.engine) or "every engine"
    print(f"{args.scenario}, {engines}: one request alone {statistics.median(single) * 1000:.0f} ms (median of 3)")
    print(f"{args.concurrency} concurrent requests x {args.rounds} rounds: {len(latencies)} requests, {errors} errors; "
          f"latency median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {latencies[-1] * 1000:.0f} ms; a round of {args.concurrency} took "
          f"{statistics.median(wall):.2f} s (median)")
    if probes:
        print(f"GET /api/engines meanwhile: {len(probes)} requests, median {statistics.median(probes) * 1000:.0f} ms, "
              f"p95 {percentile(probes, 0.95) * 1000:.0f} ms, max {probes[-1] * 1000:.0f} ms")


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-quantile of sorted values (nearest rank)."""
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


if __name__ == "__main__":
    main()
