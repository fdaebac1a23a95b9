"""The web app's worker pool: cancellation frees the worker, forecasts are not stuck behind ensembles,
time limits stop jobs, the job store keeps its limit, and a large upload leaves the server responsive."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from stratagem.web.app import Limits, create_app
from stratagem.web.workers import JobFailed, WorkerPool
from tests.webclient import token

SCENARIO = "us-iraq-2020"
LONG = {"kind": "ensemble", "draws": 20000, "engines": ["ktab", "bdm", "exchange"]}  # minutes on this machine


def _client(tmp_path: Path, **kw: Any) -> Iterator[TestClient]:
    app = create_app(tmp_path / "ws.db", allowed_hosts=["testserver"], **kw)
    with TestClient(app) as c:
        c.get("/")
        c.headers["X-CSRF-Token"] = token(c)
        yield c


@pytest.fixture
def one_worker(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client(tmp_path, job_workers=1)


def _submit(c: TestClient, body: dict[str, Any]) -> str:
    r = c.post(f"/api/scenarios/{SCENARIO}/jobs", json=body)
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def _wait(c: TestClient, job_id: str, states: tuple[str, ...], timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = c.get(f"/api/jobs/{job_id}").json()
        if job["state"] in states:
            return dict(job)
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached {states}: {job}")


def test_a_running_job_can_be_cancelled_and_frees_its_worker(one_worker: TestClient) -> None:
    c = one_worker
    pool = c.app.state.pool  # type: ignore[attr-defined]
    long_id = _submit(c, LONG)
    _wait(c, long_id, ("running",))
    worker = pool._workers[0].process
    r = c.delete(f"/api/jobs/{long_id}")
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    worker.join(timeout=30)
    assert not worker.is_alive()  # the runaway job's process was stopped
    # the only worker slot is free again: a forecast now runs to the end
    done = _wait(c, _submit(c, {"kind": "forecast"}), ("done", "failed"))
    assert done["state"] == "done" and done["result"]["kind"] == "forecast"
    assert c.get(f"/api/jobs/{long_id}").json()["state"] == "cancelled"
    assert pool.busy_workers() == 0


def test_a_queued_job_can_be_cancelled(one_worker: TestClient) -> None:
    c = one_worker
    first = _submit(c, LONG)
    second = _submit(c, LONG)
    _wait(c, first, ("running",))
    assert c.get(f"/api/jobs/{second}").json()["state"] == "queued"
    assert c.delete(f"/api/jobs/{second}").json()["state"] == "cancelled"
    assert c.app.state.pool.waiting() == 0  # type: ignore[attr-defined]
    c.delete(f"/api/jobs/{first}")
    assert c.delete("/api/jobs/1-abcdef").status_code == 404


def test_cancelling_needs_the_csrf_token(one_worker: TestClient) -> None:
    c = one_worker
    job_id = _submit(c, {"kind": "forecast"})
    r = c.delete(f"/api/jobs/{job_id}", headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403


def test_a_forecast_is_not_stuck_behind_ensembles(tmp_path: Path) -> None:
    for c in _client(tmp_path, job_workers=2):
        ensembles = [_submit(c, LONG) for _ in range(3)]
        forecast = _wait(c, _submit(c, {"kind": "forecast"}), ("done", "failed"))
        assert forecast["state"] == "done"
        states = [c.get(f"/api/jobs/{e}").json()["state"] for e in ensembles]
        assert "done" not in states  # the forecast overtook every ensemble
        assert states.count("running") == 1  # ensembles leave one of the two workers to short jobs
        for e in ensembles:
            c.delete(f"/api/jobs/{e}")


def test_a_job_past_its_time_limit_is_stopped(tmp_path: Path) -> None:
    for c in _client(tmp_path, job_workers=1, time_limits=Limits(ensemble=1.0)):
        job = _wait(c, _submit(c, LONG), ("done", "failed"))
        assert job["state"] == "failed" and "time limit" in job["error"]
        assert _wait(c, _submit(c, {"kind": "forecast"}), ("done", "failed"))["state"] == "done"


def _hog(size: int, *, progress: Any) -> int:
    return len(bytearray(size))


def test_a_task_over_the_memory_limit_fails_cleanly_and_the_worker_lives_on() -> None:
    pool = WorkerPool(1, memory_limit=768 * 1024**2)
    try:
        task = pool.submit(_hog, 2 * 1024**3)
        with pytest.raises(JobFailed, match="more memory than a worker may use"):
            task.future.result(timeout=120)
        assert pool.submit(_hog, 1024).future.result(timeout=120) == 1024
    finally:
        pool.shutdown()


def test_the_job_store_stays_within_its_limit(tmp_path: Path) -> None:
    for c in _client(tmp_path, job_workers=1):
        jobs = c.app.state.jobs  # type: ignore[attr-defined]
        jobs.max_kept = 3
        first = [_submit(c, {"kind": "forecast"}) for _ in range(3)]
        for j in first:
            _wait(c, j, ("done",))
        later = [_submit(c, {"kind": "forecast"}) for _ in range(2)]
        assert len(jobs) == 3
        assert c.get(f"/api/jobs/{first[0]}").status_code == 404  # the oldest finished results went first
        assert c.get(f"/api/jobs/{first[1]}").status_code == 404
        long_id = _submit(c, LONG)  # the store is now full of unfinished or newer jobs ...
        _wait(c, long_id, ("running",))
        for j in later:
            _wait(c, j, ("done",))
        extra = [_submit(c, LONG), _submit(c, LONG)]
        r = c.post(f"/api/scenarios/{SCENARIO}/jobs", json=LONG)
        assert r.status_code == 503 and "unfinished" in r.json()["detail"]  # ... so a new one is refused
        assert len(jobs) == 3
        for j in [long_id, *extra]:
            c.delete(f"/api/jobs/{j}")


# -- a real server: a large upload must not delay other requests ------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    app = create_app(tmp_path / "ws.db", allowed_hosts=["127.0.0.1"])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=30)


def _one_paragraph(size: int) -> bytes:
    words = ["the", "minister", "said", "that", "the", "parties", "would", "meet", "again", "on", "Monday", "to",
             "discuss", "the", "agreement", "and", "its", "timetable", "while", "others", "urged", "caution"]
    out, n, k = [], 0, 0
    while n < size:
        sentence = " ".join(words[(k + i) % len(words)] for i in range(7 + k % 13))
        sentence = sentence[0].upper() + sentence[1:] + ". "
        out.append(sentence)
        n += len(sentence)
        k += 1
    return "".join(out).encode()[:size]


def test_a_large_upload_does_not_delay_other_requests(server: str) -> None:
    """Other requests are answered while a large upload is parsed (counted, not timed)."""
    with httpx.Client(base_url=server, timeout=600) as c:
        c.get("/")
        c.headers["X-CSRF-Token"] = c.cookies["stratagem_csrf"]
        c.get("/api/engines").raise_for_status()  # warm
        raw = _one_paragraph(2 * 1024 * 1024 - 1024)
        outcome: dict[str, Any] = {}

        def upload() -> None:
            with httpx.Client(base_url=server, timeout=600, cookies=c.cookies, headers=c.headers) as u:
                outcome["response"] = u.post("/api/documents", files={"file": ("long.txt", raw, "text/plain")})

        thread = threading.Thread(target=upload)
        thread.start()
        during = 0
        time.sleep(0.5)  # the upload has reached the server and its parsing has started
        while thread.is_alive() and during < 40:
            c.get("/api/engines").raise_for_status()
            during += 1
            time.sleep(0.1)
        thread.join(timeout=600)
        assert outcome["response"].status_code == 201, outcome["response"].text
        # A blocked event loop answers nothing until the upload ends, so at most one answer would come
        # back while it runs: counting answers, not timing them, keeps this a behaviour test.
        assert during >= 5, f"only {during} answer(s) came back while the upload was being parsed"
