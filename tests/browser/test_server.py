"""The live server under load and under fuzzing: no errors, no 500s."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.browser.conftest import LiveServer, _start


@contextmanager
def _session(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=120) as client:
        client.get("/")  # the CSRF cookie
        client.headers["X-CSRF-Token"] = client.cookies["stratagem_csrf"]
        yield client


def test_twenty_concurrent_forecasts_are_served(live_server: LiveServer) -> None:
    """Correctness under concurrency (the latency is measured by benchmarks/bench_web.py, not asserted)."""
    with _session(live_server.url) as client:
        def one(n: int) -> tuple[int, float, float]:
            start = time.perf_counter()
            r = client.post("/api/scenarios/ec-emissions-1994/forecast", json={"seed": n})
            value = r.json()["forecasts"]["compromise"]["issues"][0]["forecast"] if r.status_code == 200 else -1.0
            return r.status_code, time.perf_counter() - start, value

        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(one, range(20)))
    assert [code for code, _, _ in results] == [200] * 20
    assert len({value for _, _, value in results}) == 1  # the compromise forecast does not depend on the seed
    times = sorted(t for _, t, _ in results)
    print(f"20 concurrent forecasts: median {statistics.median(times):.2f}s, max {times[-1]:.2f}s")


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from stratagem.web.app import create_app
    from stratagem.web.server import allowed_hosts

    app = create_app(Path(tmp_path_factory.mktemp("fuzz")) / "ws.db", allowed_hosts=allowed_hosts("127.0.0.1"),
                     max_draws=50)
    server, thread, url = _start(app)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def api_schema(fuzz_server: str) -> Any:
    return schemathesis.openapi.from_url(f"{fuzz_server}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_fuzzing_finds_no_server_errors(case: Any, fuzz_server: str) -> None:
    token = "fuzz-token"  # any value works when the cookie and the header agree
    headers = {**(case.headers or {}), "X-CSRF-Token": token}
    start = time.perf_counter()
    response = case.call(headers=headers, cookies={"stratagem_csrf": token}, timeout=120)
    TIMES.setdefault(case.operation.label, []).append(time.perf_counter() - start)
    case.validate_response(response, checks=[not_a_server_error])


TIMES: dict[str, list[float]] = {}


def teardown_module() -> None:
    for label, times in sorted(TIMES.items()):
        print(f"{label}: {len(times)} calls, {sum(times):.1f}s")
