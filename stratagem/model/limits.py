"""Documented bounds on run options, and memory estimates checked before anything is allocated.

The CLI (option parsing), the web API and the library functions (:func:`forecast`,
:func:`run_ensemble`, :func:`variance_indices`) all check with these, so an absurd
``--rounds``, ``--draws`` or ``--workers`` is refused in one line naming the bound
before any work starts, and a run that would not fit in memory says how much it
would need instead of dying half-way. docs/cli.md lists the bounds.
"""

from __future__ import annotations

import os
import re

from stratagem.model.errors import LimitError

#: most rounds of an iterative engine (``--rounds``): bdm stops by itself within 100 by default, and 1,000
#: rounds of bdm on a 20-actor scenario already take about ten seconds
MAX_ROUNDS = 1_000
#: most ensemble or explain draws (``--draws``)
MAX_DRAWS = 10_000_000
#: most local worker processes (``--workers``)
MAX_WORKERS = 256
#: largest seed (``--seed``): numpy seeds are non-negative; this keeps them to 64 bits
MAX_SEED = 2**64 - 1

#: memory one worker process needs before any chunk (Python, numpy, the engines), estimated
_WORKER_BYTES = 150 * 1024**2
#: float64 (draw, actor, actor) arrays a batched engine keeps at once (bdm works one issue at a time:
#: a 500-draw chunk of 50 actors x 10 issues peaks at about 140 MB, this estimate says 130 MB)
_PAIR_ARRAYS = 12
#: float64 arrays of the inputs' size made while drawing (betas, bounds, draws)
_INPUT_ARRAYS = 8

_SCHEDULER = re.compile(r"^(tcp|tls|inproc|ucx)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))(?::(\d{1,5}))?$")


def check_rounds(rounds: int | None, option: str = "--rounds") -> None:
    """Refuse rounds outside 0..MAX_ROUNDS, naming the option and the bound."""
    if rounds is not None and not 0 <= rounds <= MAX_ROUNDS:
        raise LimitError(f"{option} must be between 0 and {MAX_ROUNDS:,}, got {rounds:,}")


def check_draws(draws: int, option: str = "--draws", *, minimum: int = 1) -> None:
    """Refuse draws outside minimum..MAX_DRAWS, naming the option and the bound."""
    if not minimum <= draws <= MAX_DRAWS:
        raise LimitError(f"{option} must be between {minimum} and {MAX_DRAWS:,}, got {draws:,}")


def check_workers(workers: int | None, option: str = "--workers") -> None:
    """Refuse workers outside 1..MAX_WORKERS, naming the option and the bound."""
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise LimitError(f"{option} must be between 1 and {MAX_WORKERS}, got {workers:,}")


def check_seed(seed: int, option: str = "--seed") -> None:
    """Refuse a negative seed or one above 64 bits (numpy refuses them later, with a traceback)."""
    if not 0 <= seed <= MAX_SEED:
        raise LimitError(f"{option} must be between 0 and 2**64-1, got {seed}")


def check_scheduler(address: str | None, option: str = "--scheduler") -> str | None:
    """A Dask scheduler address as ``tcp://HOST:PORT`` (or tls://, inproc://, ucx://), else a clear error."""
    if address is None:
        return None
    text = address.strip()
    match = _SCHEDULER.match(text)
    if match is None:
        raise LimitError(f"{option} '{address}' is not a scheduler address; expected tcp://HOST:PORT "
                         "(for example tcp://127.0.0.1:8786)")
    if match.group(3) is not None and not 1 <= int(match.group(3)) <= 65535:
        raise LimitError(f"{option} '{address}': port {match.group(3)} is not between 1 and 65535")
    return text


def memory_budget() -> int:
    """Bytes a run may plan to use: half the machine's physical memory (4 GiB when unknown).

    ``STRATAGEM_MEMORY_GB`` sets it explicitly (for a shared machine, or a larger one).
    """
    explicit = os.environ.get("STRATAGEM_MEMORY_GB")
    if explicit:
        try:
            return int(float(explicit) * 1024**3)
        except ValueError:
            raise LimitError(f"STRATAGEM_MEMORY_GB='{explicit}' is not a number of gigabytes") from None
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2)
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        return 4 * 1024**3


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / 1024**3:,.1f} GB"


def check_memory(needed: float, what: str, hint: str) -> None:
    """Refuse a run whose estimate ``needed`` is above :func:`memory_budget`, saying how much it would need."""
    budget = memory_budget()
    if needed > budget:
        raise LimitError(f"{what} would need about {_gb(needed)} of memory, more than the {_gb(budget)} "
                         f"allowed ({hint}; STRATAGEM_MEMORY_GB raises the limit)")


def batch_bytes(batch: int, n_actors: int, n_issues: int) -> float:
    """Estimated peak bytes of one batched engine call over ``batch`` draws (pairwise arrays dominate)."""
    inputs = _INPUT_ARRAYS * batch * n_actors * max(n_issues, 1) * 8.0
    pairs = _PAIR_ARRAYS * batch * n_actors * n_actors * 8.0
    return inputs + pairs


def ensemble_bytes(draws: int, n_actors: int, n_issues: int, *, chunk_size: int, processes: int,
                   round_limit: int = 0) -> float:
    """Estimated peak bytes of an ensemble: the workers, a chunk in each, and every draw's forecasts;
    with ``round_limit`` (the most rounds an iterative engine may play), the states the shared round
    loop keeps to find cycles, twice over (its buffer doubles by copying)."""
    results = 3 * draws * max(n_issues, 1) * 8.0  # per chunk, per engine, pooled
    chunk = min(chunk_size, draws)
    history = 2.0 * (round_limit + 1) * chunk * n_actors * max(n_issues, 1) * 8.0 if round_limit else 0.0
    per_process = _WORKER_BYTES + batch_bytes(chunk, n_actors, n_issues) + history
    return results + max(processes, 1) * per_process


def check_ensemble(draws: int, n_actors: int, n_issues: int, *, chunk_size: int, workers: int | None,
                   rounds: int | None, round_limit: int = 0) -> None:
    """Bounds and memory of an ensemble, checked before its first chunk; ``round_limit`` as
    :func:`ensemble_bytes` takes it."""
    check_draws(draws)
    check_rounds(rounds)
    check_workers(workers)
    chunks = -(-draws // max(chunk_size, 1))
    processes = 1 if workers is None or workers <= 1 else min(workers, chunks)
    if workers is None:
        processes = min(os.cpu_count() or 1, chunks)
    needed = ensemble_bytes(draws, n_actors, n_issues, chunk_size=chunk_size, processes=processes,
                            round_limit=round_limit)
    check_memory(needed, f"an ensemble of {draws:,} draws on {n_actors} actors x {n_issues} issues "
                         f"in {processes} process{'es' if processes != 1 else ''}",
                 "use fewer --draws or --workers")


def check_batch(draws: int, n_actors: int, n_issues: int, *, what: str, option: str = "--draws") -> None:
    """Bounds and memory of one batched evaluation of ``draws`` input draws (explain's variance indices)."""
    check_draws(draws, option, minimum=0)
    check_memory(batch_bytes(draws, n_actors, n_issues), f"{what} with {option} {draws:,}",
                 f"use a smaller {option}")
