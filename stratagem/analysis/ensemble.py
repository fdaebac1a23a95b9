"""Ensembles: forecast distributions from many draws over the inputs' ranges and engines.

Each stance's position and salience and each actor's capability is drawn from a
beta-PERT (default) or triangular distribution on [low, high] with its point value
as the mode. Draws are split across the requested engines and cut into chunks of
fixed size; chunk j of engine e draws its inputs from its own random stream
(seed, e, j), so the result is the same whether chunks run here, in local
processes or on a Dask cluster. Each chunk is one call of the engine's batched form
(:meth:`~stratagem.engines.base.EngineSpec.batch`): one vectorised call for the
closed forms and bdm, the shared round loop draw by draw for the others.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from stratagem.analysis.executor import ProgressCallback, run_tasks
from stratagem.analysis.timeline import Timeline, events, prepare_timeline
from stratagem.engines.base import BoolArray, FloatArray
from stratagem.engines.registry import RECOMMENDED, get_engine
from stratagem.model.arrays import ScenarioArrays
from stratagem.model.errors import StratagemError
from stratagem.model.limits import check_ensemble, check_scheduler, check_seed
from stratagem.model.schema import Issue, Scenario, Shock

Distribution = Literal["pert", "triangular"]
CHUNK_SIZE = 500
QUANTILES = {"p05": 0.05, "p10": 0.10, "p25": 0.25, "p75": 0.75, "p90": 0.90, "p95": 0.95}


# -- drawing inputs ------------------------------------------------------------
def _draw(rng: np.random.Generator, low: FloatArray, mode: FloatArray, high: FloatArray, size: int,
          kind: Distribution) -> FloatArray:
    """``size`` values on [low, high] with the given mode, beta-PERT or triangular."""
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    if kind == "pert":
        alpha = 1.0 + 4.0 * (mode - low) / safe
        beta = 1.0 + 4.0 * (high - mode) / safe
        value = low + rng.beta(alpha, beta, size=(size, *alpha.shape)) * width
    else:
        u = rng.random((size, *mode.shape))
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1.0 - u) * width * (high - mode))
        value = np.where(u < (mode - low) / safe, left, right)
    return np.where(width > 0, value, mode)


def sample_inputs(
    arrays: ScenarioArrays, size: int, rng: np.random.Generator, kind: Distribution = "pert"
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Draw X, S (size, n, m) and C (size, n) from the scenario's ranges."""
    X, S, C = (_draw(rng, low, mode, high, size, kind) for low, mode, high in (
        (arrays.X_low, arrays.X, arrays.X_high), (arrays.S_low, arrays.S, arrays.S_high),
        (arrays.C_low, arrays.C, arrays.C_high)))
    return X, np.clip(S, 0.0, 1.0), np.maximum(C, 0.0)


# -- one chunk -----------------------------------------------------------------
@dataclass(frozen=True)
class ChunkTask:
    """Everything a worker needs to compute one chunk: plain data, picklable."""

    timeline: Timeline  # the arrays, the stance mask at the start and the shocks during the run (maybe none)
    engine: str
    params: Mapping[str, Any]
    rounds: int | None
    seed: int
    engine_index: int
    chunk_index: int
    size: int
    distribution: Distribution


def run_chunk(task: ChunkTask) -> FloatArray:
    """Forecasts (size, n_issues) for one chunk of draws, in the engine's batched form."""
    seq = np.random.SeedSequence(task.seed, spawn_key=(task.engine_index, task.chunk_index))
    input_rng, engine_rng = (np.random.default_rng(s) for s in seq.spawn(2))
    tl = task.timeline
    X, S, C = sample_inputs(tl.arrays, task.size, input_rng, task.distribution)
    return get_engine(task.engine).batch(X, S, C, tl.arrays.Q, tl.mask, rounds=task.rounds, rng=engine_rng,
                                         events=events(tl), scale=tl.arrays.scale, **task.params)


def _releases_gil(task: ChunkTask) -> bool:
    """Does the chunk run in compiled code that releases the GIL (then local workers are threads)?"""
    spec = get_engine(task.engine)
    return not task.timeline.steps and spec.model is not None and spec.model.nogil(spec.options(**task.params))


# -- summaries -----------------------------------------------------------------
@dataclass(frozen=True)
class IssueSummary:
    id: str
    name: str
    median: float
    mean: float
    quantiles: Mapping[str, float]
    bands: Mapping[str, float]
    mcse_mean: float
    mcse_median: float
    status_quo: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "median": self.median,
            "mean": self.mean,
            **dict(self.quantiles),
            "bands": dict(self.bands),
            "mcse_mean": self.mcse_mean,
            "mcse_median": self.mcse_median,
            "status_quo": self.status_quo,
        }


def in_bands(issue: Issue, v: FloatArray) -> list[tuple[str, BoolArray]]:
    """Each band between the issue's anchors and which of the values ``v`` lie in it (half-open, the last closed)."""
    ranges = issue.bands()
    return [(label, (v >= lo) & ((v <= hi) if b == len(ranges) - 1 else (v < hi)))
            for b, (lo, hi, label) in enumerate(ranges)]


def summarise(scenario: Scenario, values: FloatArray) -> tuple[IssueSummary, ...]:
    """Per-issue statistics of forecasts ``values`` (draws, n_issues)."""
    n = values.shape[0]
    out = []
    for k, issue in enumerate(scenario.issues):
        v = np.sort(values[:, k])
        qs = {name: float(np.quantile(v, p)) for name, p in QUANTILES.items()}
        bands = {label: float(inside.mean()) for label, inside in in_bands(issue, v)}
        half = 1.96 * math.sqrt(n) / 2.0
        lo_rank = max(0, math.floor(n / 2 - half))
        hi_rank = min(n - 1, math.ceil(n / 2 + half))
        out.append(
            IssueSummary(
                id=issue.id,
                name=issue.name,
                median=float(np.median(v)),
                mean=float(v.mean()),
                quantiles=qs,
                bands=bands,
                mcse_mean=float(v.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan"),
                mcse_median=float((v[hi_rank] - v[lo_rank]) / 3.92) if n > 1 else float("nan"),
                status_quo=issue.status_quo,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class EnsembleResult:
    """Forecast draws per engine and their pooled per-issue summary."""

    scenario: Scenario
    draws: int
    seed: int
    engines: tuple[str, ...]
    distribution: Distribution
    values: Mapping[str, FloatArray]  # engine -> (draws, n_issues), in draw order
    issues: tuple[IssueSummary, ...]
    interrupted: bool = False
    by_engine: Mapping[str, tuple[IssueSummary, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scenario": self.scenario.id,
            "draws": self.draws,
            "seed": self.seed,
            "engines": list(self.engines),
            "distribution": self.distribution,
            "interrupted": self.interrupted,
            "issues": [i.to_dict() for i in self.issues],
        }
        if len(self.engines) > 1:
            out["by_engine"] = {e: [i.to_dict() for i in s] for e, s in self.by_engine.items()}
        return out

    def to_frame(self, draws: bool = False) -> Any:
        """The per-issue summary as a DataFrame (median, mean, quantiles, mcse, status quo), or with
        ``draws=True`` every draw: one row per engine and draw, one column per issue."""
        from stratagem.analysis.frames import data_frame

        if draws:
            ids = [i.id for i in self.issues]
            return data_frame([{"engine": engine, "draw": d, **dict(zip(ids, map(float, row), strict=True))}
                               for engine, values in self.values.items() for d, row in enumerate(values)])
        return data_frame([{"issue": s.id, "name": s.name, "median": s.median, "mean": s.mean, **dict(s.quantiles),
                            "mcse_median": s.mcse_median, "status_quo": s.status_quo} for s in self.issues],
                          index="issue")


# -- running -------------------------------------------------------------------
def plan_chunks(
    scenario: Scenario,
    *,
    draws: int,
    engines: Sequence[str],
    seed: int,
    rounds: int | None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    distribution: Distribution | None = None,
    chunk_size: int = CHUNK_SIZE,
    shocks: Sequence[Shock] = (),
) -> list[ChunkTask]:
    """The chunks of an ensemble, in a fixed order that does not depend on the executor (``draws`` as
    :func:`run_ensemble` has checked them).

    ``shocks`` apply before the run, or after their round (stratagem.analysis.timeline).
    """
    if not engines:
        raise StratagemError("an ensemble needs at least one engine")
    if chunk_size < 1:
        raise StratagemError("chunk size must be at least 1")
    timeline = prepare_timeline(scenario, shocks)
    kind: Distribution = distribution or scenario.uncertainty
    tasks = []
    per_engine = [draws // len(engines) + (1 if e < draws % len(engines) else 0) for e in range(len(engines))]
    for e, name in enumerate(engines):
        params = get_engine(name).resolve((options or {}).get(name, {}))
        for j, start in enumerate(range(0, per_engine[e], chunk_size)):
            size = min(chunk_size, per_engine[e] - start)
            tasks.append(ChunkTask(timeline, name, params, rounds, seed, e, j, size, kind))
    return tasks


def _round_limit(engines: Sequence[str], rounds: int | None, options: Mapping[str, Mapping[str, Any]]) -> int:
    """The most rounds any iterative engine of the ensemble may play (``--rounds``, else its round
    limit as the shared loop takes it), for the memory estimate; 0 when none is iterative."""
    specs = [spec for spec in map(get_engine, engines) if spec.iterative]
    limits = [spec.model.limit(spec.options(**spec.resolve(options.get(spec.name, {})))) for spec in specs]
    return (rounds if specs else 0) if rounds is not None else max(limits, default=0)


def run_ensemble(
    scenario: Scenario,
    *,
    draws: int = 1000,
    engines: Sequence[str] = (RECOMMENDED,),
    seed: int = 0,
    rounds: int | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    distribution: Distribution | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    chunk_size: int = CHUNK_SIZE,
    shocks: Sequence[Shock] = (),
) -> EnsembleResult:
    """Run an ensemble; on Ctrl-C the summary covers the chunks finished so far.

    ``workers`` defaults to the machine's cores; ``scheduler`` (``tcp://host:port``)
    sends the chunks to a Dask cluster instead. Results are identical either way.
    """
    check_seed(seed, "seed")
    scheduler = check_scheduler(scheduler, "scheduler")
    check_ensemble(draws, len(scenario.actors), len(scenario.issues), chunk_size=chunk_size,
                   workers=None if scheduler else workers, rounds=rounds,
                   round_limit=_round_limit(engines, rounds, options or {}))  # before anything is allocated
    tasks = plan_chunks(scenario, draws=draws, engines=engines, seed=seed, rounds=rounds, options=options,
                        distribution=distribution, chunk_size=chunk_size, shocks=shocks)
    results: dict[int, FloatArray] = {}
    done = 0
    interrupted = False
    stream = run_tasks(run_chunk, tasks, workers=workers, scheduler=scheduler,
                       warm=functools.partial(run_chunk, dataclasses.replace(tasks[0], size=1)),
                       threads=all(_releases_gil(t) for t in tasks))
    try:
        for i, values in stream:
            results[i] = values
            done += tasks[i].size
            if progress is not None:
                progress(done, draws)
    except KeyboardInterrupt:
        interrupted = True
        if not results:
            raise
    names = tuple(dict.fromkeys(t.engine for t in tasks))
    per_engine: dict[str, FloatArray] = {}
    for name in names:
        parts = [results[i] for i, t in enumerate(tasks) if t.engine == name and i in results]
        if parts:
            per_engine[name] = np.concatenate(parts)
    pooled = np.concatenate(list(per_engine.values()))
    return EnsembleResult(
        scenario=scenario,
        draws=int(pooled.shape[0]),
        seed=seed,
        engines=names,
        distribution=tasks[0].distribution,
        values=per_engine,
        issues=summarise(scenario, pooled),
        interrupted=interrupted,
        by_engine={name: summarise(scenario, v) for name, v in per_engine.items()},
    )
