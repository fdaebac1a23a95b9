"""Forecasts and ensembles for the web app, as JSON-ready dicts with the report's chart specs.

Background jobs run in the app's worker processes (:mod:`stratagem.web.workers`) and report
progress; jobs are kept in memory up to a limit (the oldest finished ones are dropped first),
so the app holds no unbounded state.
"""

from __future__ import annotations

import itertools
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stratagem.analysis.ensemble import run_ensemble
from stratagem.analysis.forecast import forecast_engines
from stratagem.engines.registry import ENGINES
from stratagem.model import limits
from stratagem.model.errors import StratagemError
from stratagem.model.schema import Scenario
from stratagem.report import build, charts
from stratagem.web.workers import Busy, JobCancelled, Lane, Task, WorkerPool

# the library's bounds (stratagem.model.limits), tighter where one request must not hold a shared server
MAX_DRAWS = min(20_000, limits.MAX_DRAWS)
MAX_SEED = limits.MAX_SEED
MAX_JOBS_KEPT = 200


def clean(value: Any) -> Any:
    """JSON-safe copy: non-finite floats become None, tuples become lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


class RunRequest(BaseModel):
    """What to run: every engine once (forecast) or a Monte Carlo ensemble, optionally under shocks."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["forecast", "ensemble"] = "forecast"
    engines: list[str] = Field(default_factory=list, max_length=12,
                               description="engines (default: every engine for a forecast; the recommended "
                                           "forecaster, engines.registry.RECOMMENDED, for an ensemble)")
    draws: int = Field(default=500, ge=1, le=MAX_DRAWS)
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    shocks: list[str] = Field(default_factory=list, max_length=12, description="shock ids of the scenario")


def check_request(scenario: Scenario, req: RunRequest) -> None:
    unknown = [e for e in req.engines if e not in ENGINES]
    if unknown:
        raise StratagemError(f"unknown engine '{unknown[0]}' (engines: {', '.join(ENGINES)})")
    known = {s.id for s in scenario.shocks}
    missing = [s for s in req.shocks if s not in known]
    if missing:
        raise StratagemError(f"'{scenario.id}' has no shock '{missing[0]}' (shocks: {', '.join(known) or 'none'})")


Progress = Callable[[float, str], None]


def run_forecast(scenario: Scenario, req: RunRequest) -> dict[str, Any]:
    """Every requested engine once on the (shocked) scenario; with shocks, the baseline too."""
    check_request(scenario, req)
    by_id = {s.id: s for s in scenario.shocks}
    # timed shocks happen at their round, as in the CLI and the API (not before the run)
    runs = forecast_engines(scenario, req.engines or None, seed=req.seed, shocks=[by_id[s] for s in req.shocks])
    target = next(iter(runs.values())).scenario
    figures = build.forecast_figures(target, runs)
    out: dict[str, Any] = {
        "kind": "forecast", "scenario": scenario.id, "shocks": req.shocks, "seed": req.seed,
        "engines": list(runs),
        "issues": [{"id": i.id, "name": i.name, "status_quo": i.status_quo} for i in target.issues],
        "forecasts": {name: r.to_dict() for name, r in runs.items()},
        "figures": figures,
    }
    if req.shocks:
        base = forecast_engines(scenario, req.engines or None, seed=req.seed)
        out["baseline"] = {name: r.to_dict() for name, r in base.items()}
    return clean(out)


def run_ensemble_job(scenario: Scenario, req: RunRequest, progress: Progress | None = None) -> dict[str, Any]:
    """An ensemble on the scenario (in this thread: the server's cores serve requests too);
    with shocks, the shocked ensemble is compared with the baseline on the same draws and seed."""
    check_request(scenario, req)
    engines = req.engines or list(build.DEFAULT_ENSEMBLE_ENGINES)
    phases = 2 if req.shocks else 1

    def tick(phase: int) -> Callable[[int, int], None]:
        def cb(done: int, total: int) -> None:
            if progress is not None:
                progress((phase + done / total) / phases, f"{done} of {total} draws")
        return cb

    base = run_ensemble(scenario, draws=req.draws, engines=engines, seed=req.seed, workers=1, progress=tick(0))
    figures = build.ensemble_figures(base)
    out: dict[str, Any] = {"kind": "ensemble", "scenario": scenario.id, "shocks": req.shocks,
                           "ensemble": base.to_dict()}
    if req.shocks:
        by_id = {s.id: s for s in scenario.shocks}
        shocked = run_ensemble(scenario, draws=req.draws, engines=engines, seed=req.seed, workers=1,
                               progress=tick(1), shocks=[by_id[s] for s in req.shocks])
        out["shocked"] = shocked.to_dict()
        label = " + ".join(by_id[s].name for s in req.shocks)
        figures["shocks"] = charts.shock_comparison(scenario, base.issues, {"+".join(req.shocks): shocked.issues},
                                                          {"+".join(req.shocks): label})
    out["figures"] = figures
    return clean(out)


JobState = Literal["queued", "running", "done", "failed", "cancelled"]


@dataclass
class Job:
    id: str
    kind: str
    scenario: str
    state: JobState = "queued"
    progress: float = 0.0
    message: str = ""
    result: dict[str, Any] | None = None
    error: str | None = None
    created: float = field(default_factory=time.monotonic)
    finished: float | None = None
    task: Task | None = None

    def current_state(self) -> JobState:
        if self.state == "queued" and self.task is not None and self.task.started is not None:
            return "running"
        return self.state

    def to_dict(self, with_result: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "scenario": self.scenario,
                               "state": self.current_state(), "progress": round(self.progress, 4),
                               "message": self.message, "error": self.error}
        if with_result:
            out["result"] = self.result
        return out


class JobManager:
    """Background jobs in the worker pool, looked up by unguessable ids, at most ``max_kept`` at a time
    (the oldest finished ones are dropped to make room; when every kept job is unfinished, new ones
    are refused with :class:`Busy`)."""

    def __init__(self, pool: WorkerPool, *, max_kept: int = MAX_JOBS_KEPT) -> None:
        self.pool = pool
        self.max_kept = max_kept
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._counter = itertools.count(1)

    def submit(self, kind: str, scenario: Scenario, fn: Callable[..., Any], *args: Any, lane: Lane,
               time_limit: float) -> Job:
        job = Job(id=f"{next(self._counter)}-{secrets.token_hex(6)}", kind=kind, scenario=scenario.id)
        with self._lock:
            self._trim(room=1)
            self._jobs[job.id] = job

        def progress(fraction: float, message: str) -> None:
            job.progress = max(job.progress, min(1.0, fraction))
            job.message = message

        def finished(future: Future[Any]) -> None:
            job.finished = time.monotonic()
            if job.state == "cancelled":
                return
            exc = future.exception()
            if exc is None:
                job.result, job.progress, job.state = future.result(), 1.0, "done"
            elif isinstance(exc, JobCancelled):
                job.state, job.error = "cancelled", str(exc)
            else:
                job.state, job.error = "failed", str(exc)

        try:
            job.task = self.pool.submit(fn, *args, lane=lane, time_limit=time_limit, on_progress=progress)
        except Busy:
            with self._lock:
                self._jobs.pop(job.id, None)
            raise
        job.task.future.add_done_callback(finished)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a queued or running job (its worker is freed); a finished job is dropped from the store."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            if job.state in ("done", "failed", "cancelled"):
                del self._jobs[job_id]
                return job
            job.state, job.error, job.finished = "cancelled", "cancelled", time.monotonic()
        if job.task is not None:
            self.pool.cancel(job.task)
        return job

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)

    def _trim(self, room: int = 0) -> None:
        while len(self._jobs) + room > self.max_kept:
            oldest = next((k for k, j in self._jobs.items() if j.state in ("done", "failed", "cancelled")), None)
            if oldest is None:
                raise Busy(f"the server already holds {len(self._jobs)} unfinished jobs: wait for some to finish "
                           "or cancel them")
            del self._jobs[oldest]

    def shutdown(self) -> None:
        self.pool.shutdown()
