"""One executor for every many-task job: ensembles, backtests and corpus ingestion.

Tasks run in this process, in local worker processes (the default, one per
core), in threads of this process (tasks that release the GIL: bdm's compiled loop) or on a
Dask distributed cluster given its scheduler address. Results are
yielded as ``(index, result)`` in completion order; callers that need
determinism put them back in task order, and tasks carry their own seeds, so the
answer never depends on where or in which order tasks ran.

Local workers are forked where the platform allows it (Linux): a forked worker starts in
milliseconds with everything the parent has imported and compiled (numpy, the schema, numba
kernels already loaded), and it reads the tasks from the memory it inherited, so only a task's
index goes to it and only its result comes back. Elsewhere workers start fresh and receive
pickled tasks; the results are the same bits either way.

A caller may pass ``warm``: a small piece of the job (an ensemble runs one draw of its first
chunk) that the parent runs before the workers fork, so what the job loads on first use (bdm's
kernels: a millisecond when built ahead of time, else numba and its cache, about 0.5 s of CPU) is
loaded once and inherited, not once per worker. Its result is thrown away, so it changes no answer.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from stratagem.model.errors import StratagemError

if TYPE_CHECKING:  # the process pool is imported when a job first needs one (not for one worker or one task)
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

T = TypeVar("T")
R = TypeVar("R")
ProgressCallback = Callable[[int, int], None]  # a job's progress(done, total), called as its tasks finish

#: jobs whose tasks forked workers read from inherited memory: job id -> (function, tasks)
_INHERITED: dict[int, tuple[Callable[[Any], Any], Sequence[Any]]] = {}
_job_ids = itertools.count()


def default_workers() -> int:
    """Local worker processes when none are asked for: the cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _fork_context() -> BaseContext | None:
    """The fork start method on Linux (cheap, inherits the parent's state); None elsewhere (the default)."""
    import multiprocessing

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def _run_inherited(job: int, index: int) -> Any:
    """In a forked worker: task ``index`` of ``job``, read from the parent's memory, not unpickled."""
    fn, tasks = _INHERITED[job]
    return fn(tasks[index])


def run_local(fn: Callable[[T], R], tasks: Sequence[T], workers: int,
              warm: Callable[[], object] | None = None) -> Iterator[tuple[int, R]]:
    """Run tasks here (one worker or one task) or in a process pool; cancel the rest on error.

    ``warm`` runs here before forked workers start (see the module docstring); nowhere else.
    """
    if workers <= 1 or len(tasks) <= 1:
        for i, task in enumerate(tasks):
            yield i, fn(task)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = _fork_context()
    inherit = context is not None and context.get_start_method() == "fork"
    job = next(_job_ids)
    if inherit:
        if warm is not None:
            warm()
        _INHERITED[job] = (fn, tasks)  # before the first submit: that is when the workers fork
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
            futures: dict[Future[R], int] = {
                (pool.submit(_run_inherited, job, i) if inherit else pool.submit(fn, t)): i
                for i, t in enumerate(tasks)
            }
            try:
                for future in as_completed(futures):
                    yield futures[future], future.result()
            except KeyboardInterrupt:
                # Ctrl-C: stop now, not after the tasks already handed to the workers (minutes for big chunks)
                processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown forgets them
                pool.shutdown(wait=False, cancel_futures=True)
                for process in processes:
                    process.terminate()
                raise
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    finally:
        _INHERITED.pop(job, None)


def run_threads(fn: Callable[[T], R], tasks: Sequence[T], workers: int,
                warm: Callable[[], object] | None = None) -> Iterator[tuple[int, R]]:
    """Run tasks in ``workers`` threads of this process, for tasks that spend their time in compiled
    code that releases the GIL (bdm's loop): nothing forks or is pickled, and what the job loads on
    first use is loaded once (``warm``, here, before the threads start). On an error, Ctrl-C or an
    abandoned iterator the threads stop after the task they are in, and this returns only when they
    have, so that none is alive at a later fork (the web app's next job)."""
    import queue
    import threading

    if warm is not None:
        warm()
    done: queue.Queue[tuple[int, Any, BaseException | None]] = queue.Queue()
    todo, lock, stop = iter(range(len(tasks))), threading.Lock(), threading.Event()

    def work() -> None:
        while not stop.is_set():
            with lock:
                i = next(todo, None)
            if i is None:
                return
            try:
                done.put((i, fn(tasks[i]), None))
            except BaseException as exc:  # reaches the caller, which stops the others
                done.put((i, None, exc))
                return

    threads = [threading.Thread(target=work, daemon=True) for _ in range(max(1, min(workers, len(tasks))))]
    for thread in threads:
        thread.start()
    try:
        for _ in tasks:
            i, value, exc = done.get()
            if exc is not None:
                raise exc
            yield i, value
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def run_dask(fn: Callable[[T], R], tasks: Sequence[T], address: str) -> Iterator[tuple[int, R]]:
    """Run tasks on the Dask cluster whose scheduler listens at ``address`` (tcp://host:port)."""
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError:  # pragma: no cover - dask is a declared dependency
        raise StratagemError("--scheduler needs dask.distributed (pip install 'dask[distributed]')") from None
    try:
        client = Client(address, timeout=10)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise StratagemError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        futures = client.map(fn, list(tasks), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for future in dask_completed(futures):  # type: ignore[no-untyped-call]
            yield index[future.key], future.result()
    finally:
        client.close()  # type: ignore[no-untyped-call]


def run_tasks(
    fn: Callable[[T], R], tasks: Sequence[T], *, workers: int | None = None, scheduler: str | None = None,
    warm: Callable[[], object] | None = None, threads: bool = False,
) -> Iterator[tuple[int, R]]:
    """Run ``fn`` over ``tasks`` on Dask when ``scheduler`` is given, else in local processes, or in
    threads when ``threads`` says the tasks release the GIL (``warm``: what runs here first)."""
    if scheduler:
        return run_dask(fn, tasks, scheduler)
    count = workers if workers is not None else default_workers()
    return (run_threads if threads and count > 1 and len(tasks) > 1 else run_local)(fn, tasks, count, warm)
