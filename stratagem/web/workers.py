"""A small pool of worker processes for the web app's CPU-heavy work (engines, ensembles, uploads).

Why processes and not threads: a job that runs away (a huge upload, an engine on a scenario
far larger than it can handle) must not freeze the server, and it must be possible to stop it.
A thread cannot be stopped; a process can be killed, and the pool starts a fresh one.

* Each worker runs one task at a time with an address-space (data segment) limit set by
  :func:`resource.setrlimit`, so a task that would exhaust memory gets a MemoryError instead.
* Each task has a time limit; a task past it is killed and reported as failed.
* Tasks wait in two lanes: ``short`` (forecasts, uploads) and ``long`` (ensembles). Short tasks
  are always dispatched first, and long tasks never occupy the last free worker while the pool
  has more than one, so a forecast is not stuck behind ensembles.
* A queued task can be cancelled (it is dropped) and a running one too (its worker is killed).
* Workers start lazily from a fork server that has already imported the library, so a
  replacement after a kill is ready in a fraction of a second.

The pool knows nothing of HTTP: it runs ``fn(*args, progress=cb)`` for picklable module-level
functions and resolves a :class:`concurrent.futures.Future` with the result.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Literal

from stratagem.model.errors import StratagemError

Lane = Literal["short", "long"]
Progress = Callable[[float, str], None]

DEFAULT_MEMORY_BYTES = 2 * 1024**3
PRELOAD = ["stratagem.web.tasks"]


class JobFailed(StratagemError):
    """A task that failed in its worker: a user error (bad input, HTTP 400), a resource limit (503)
    or an internal error (500)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class JobCancelled(StratagemError):
    """A task cancelled before it finished."""


class Busy(StratagemError):
    """Too many tasks waiting: the server refuses more until some finish (HTTP 503)."""


@dataclass
class Task:
    id: int
    lane: Lane
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    time_limit: float
    on_progress: Progress | None
    future: Future[Any] = field(default_factory=Future)
    started: float | None = None
    cancel_requested: bool = False


def _limit_memory(limit: int | None) -> None:
    if not limit:
        return
    import resource

    with contextlib.suppress(ValueError, OSError):  # a lower hard limit already set: keep it
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _worker_main(conn: Connection, memory_limit: int | None) -> None:
    """Run tasks sent over ``conn`` until told to stop; errors are sent back as one-line messages."""
    _limit_memory(memory_limit)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task_id, fn, args = message

        def progress(fraction: float, text: str, _id: int = task_id) -> None:
            conn.send(("progress", _id, float(fraction), str(text)))

        try:
            result = fn(*args, progress=progress)
        except StratagemError as exc:
            conn.send(("error", task_id, str(exc), 400))
        except MemoryError:
            limit = f" ({memory_limit // 1024**2} MiB)" if memory_limit else ""
            conn.send(("error", task_id, f"the job needed more memory than a worker may use{limit}", 503))
        except RecursionError:
            conn.send(("error", task_id, "the input is nested too deeply to process", 400))
        except Exception as exc:  # the page shows why; the worker lives on
            conn.send(("error", task_id, f"internal error: {type(exc).__name__}: {exc}", 500))
        else:
            try:
                conn.send(("done", task_id, result))
            except MemoryError:
                conn.send(("error", task_id, "the result was too large to send back", 503))


@contextlib.contextmanager
def _without_main_script() -> Iterator[None]:
    """Start processes without the main script: a script that builds the app at top level (no
    ``if __name__ == "__main__"`` guard) would otherwise run again inside every worker. Tasks are
    functions of the library, pickled by reference, so workers never need ``__main__``."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None:
        yield
        return
    with _MAIN_LOCK:
        del main.__file__
        try:
            yield
        finally:
            main.__file__ = path


_MAIN_LOCK = threading.Lock()


def _start_fork_server(ctx: Any) -> None:
    from multiprocessing import forkserver

    ctx.set_forkserver_preload(PRELOAD)
    with _without_main_script():
        forkserver.ensure_running()


class _Worker:
    def __init__(self, ctx: Any, memory_limit: int | None) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker_main, args=(child, memory_limit), daemon=True,
                                   name="stratagem-worker")
        with _without_main_script():
            self.process.start()
        child.close()
        self.task: Task | None = None

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """Bounded worker processes, two lanes, time and memory limits, cancellation (see the module docstring)."""

    def __init__(self, workers: int = 2, *, memory_limit: int | None = DEFAULT_MEMORY_BYTES,
                 max_waiting: int = 1000) -> None:
        self.size = max(1, workers)
        self.memory_limit = memory_limit
        self.max_waiting = max_waiting
        self._ctx = multiprocessing.get_context("forkserver")
        self._queues: dict[Lane, deque[Task]] = {"short": deque(), "long": deque()}
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._wake_r, self._wake_w = multiprocessing.Pipe(duplex=False)
        self._thread: threading.Thread | None = None
        self._closed = False

    # -- the API threads call ------------------------------------------------------------
    def submit(self, fn: Callable[..., Any], *args: Any, lane: Lane = "short", time_limit: float = 300.0,
               on_progress: Progress | None = None) -> Task:
        """Queue ``fn(*args, progress=...)``; its future resolves with the result or a StratagemError."""
        with self._lock:
            if self._closed:
                raise Busy("the server is shutting down")
            if sum(len(q) for q in self._queues.values()) >= self.max_waiting:
                raise Busy(f"the server is busy ({self.max_waiting} jobs waiting): try again shortly")
            task = Task(next(self._ids), lane, fn, args, time_limit, on_progress)
            self._queues[lane].append(task)
            if self._thread is None:
                _start_fork_server(self._ctx)
                self._thread = threading.Thread(target=self._run, name="stratagem-pool", daemon=True)
                self._thread.start()
        self._wake()
        return task

    def cancel(self, task: Task) -> bool:
        """Drop a queued task or kill the worker of a running one; False when it had already finished."""
        with self._lock:
            if task.future.done():
                return False
            queue = self._queues[task.lane]
            if task in queue:
                queue.remove(task)
                task.future.set_exception(JobCancelled("cancelled"))
                return True
            task.cancel_requested = True
        self._wake()
        return True

    def busy_workers(self) -> int:
        with self._lock:
            return sum(1 for w in self._workers if w.task is not None)

    def waiting(self) -> int:
        with self._lock:
            return sum(len(q) for q in self._queues.values())

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            pending = [t for q in self._queues.values() for t in q]
            for q in self._queues.values():
                q.clear()
        for t in pending:
            if not t.future.done():
                t.future.set_exception(JobCancelled("the server stopped"))
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for w in list(self._workers):
            if w.task is not None and not w.task.future.done():
                w.task.future.set_exception(JobCancelled("the server stopped"))
            w.kill()
        self._workers.clear()

    # -- the pool's own thread ------------------------------------------------------------
    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_w.fileno(), b"x")

    def _next_task(self, idle: int, running_long: int) -> Task | None:
        if self._queues["short"]:
            return self._queues["short"].popleft()
        # long tasks leave one worker free for short ones (unless the pool has a single worker)
        if self._queues["long"] and (self.size == 1 or running_long < self.size - 1):
            return self._queues["long"].popleft()
        return None

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                grow = (not any(w.task is None for w in self._workers) and len(self._workers) < self.size
                        and any(self._queues.values()) and not self._closed)
            if grow:  # outside the lock: the first start waits for the fork server's imports
                worker = _Worker(self._ctx, self.memory_limit)
                with self._lock:
                    self._workers.append(worker)
            with self._lock:
                idle = [w for w in self._workers if w.task is None]
                if not idle:
                    return
                running_long = sum(1 for w in self._workers if w.task is not None and w.task.lane == "long")
                task = self._next_task(len(idle), running_long)
                if task is None:
                    return
                worker = idle[0]
                task.started = time.monotonic()
                worker.task = task
            try:
                worker.conn.send((task.id, task.fn, task.args))
            except Exception as exc:  # unpicklable arguments, a dead pipe
                self._finish(worker, JobFailed(f"internal error: cannot start the job: {exc}", 500),
                             kill=isinstance(exc, OSError))

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker (its task is already resolved or about to be) and forget it; a new one starts lazily."""
        worker.kill()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)

    def _finish(self, worker: _Worker, error: StratagemError | None, result: Any = None, *, kill: bool = False) -> None:
        task = worker.task
        worker.task = None
        if kill:
            self._replace(worker)
        if task is not None and not task.future.done():
            if error is None:
                task.future.set_result(result)
            else:
                task.future.set_exception(error)

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
            self._dispatch()
            with self._lock:
                busy = [w for w in self._workers if w.task is not None]
            watch: list[Any] = [self._wake_r]
            for w in busy:
                watch += [w.conn, w.process.sentinel]
            timeout = 0.5
            now = time.monotonic()
            for w in busy:
                assert w.task is not None and w.task.started is not None
                timeout = max(0.0, min(timeout, w.task.started + w.task.time_limit - now))
            ready = wait(watch, timeout=timeout)
            if self._wake_r in ready:
                with contextlib.suppress(OSError):
                    os.read(self._wake_r.fileno(), 4096)
            for w in busy:
                self._service(w, ready)

    def _service(self, w: _Worker, ready: list[Any]) -> None:
        task = w.task
        if task is None:
            return
        if w.conn in ready:
            try:
                while w.conn.poll():
                    kind, task_id, *rest = w.conn.recv()
                    if task_id != task.id:
                        continue
                    if kind == "progress":
                        if task.on_progress is not None:
                            task.on_progress(rest[0], rest[1])
                    elif kind == "done":
                        self._finish(w, None, rest[0])
                        return
                    else:
                        self._finish(w, JobFailed(rest[0], rest[1]))
                        return
            except (EOFError, OSError):
                pass
        if task.cancel_requested:
            self._finish(w, JobCancelled("cancelled"), kill=True)
        elif not w.process.is_alive():
            code = w.process.exitcode
            why = "ran out of memory or was killed" if code is not None and code < 0 else f"exited ({code})"
            self._finish(w, JobFailed(f"the worker running the job {why}", 503), kill=True)
        elif task.started is not None and time.monotonic() - task.started > task.time_limit:
            self._finish(w, JobFailed(f"the job took longer than its time limit ({task.time_limit:g} s) and "
                                      "was stopped", 503), kill=True)
