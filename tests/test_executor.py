"""The executor: every task's result once, with its index, however the workers start.

Forked workers read their tasks from inherited memory; elsewhere tasks are pickled. Both paths
(and one worker, in this process) must give the same results, and an error in a task must reach
the caller. The ensemble's byte-identical JSON across worker counts and Dask is in test_ensemble.py.
"""

from __future__ import annotations

import json
import multiprocessing
import time

import pytest

from stratagem.analysis import executor
from stratagem.analysis.ensemble import run_ensemble
from stratagem.model.builtin import load_builtin


def _square(x: int) -> int:
    return x * x


def _fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("task three fails")
    return x


def _fail_on_zero_while_others_sleep(x: int) -> int:
    """The other threads are inside a task when the error reaches the caller."""
    if x == 0:
        raise ValueError("task zero fails")
    time.sleep(0.3)
    return x


def _collect(workers: int) -> dict[int, int]:
    return dict(executor.run_local(_square, list(range(23)), workers))


def test_every_task_once_with_its_index_forked_pickled_or_here(monkeypatch: pytest.MonkeyPatch) -> None:
    here = _collect(1)
    assert here == {i: i * i for i in range(23)}
    assert _collect(2) == here
    assert _collect(5) == here
    monkeypatch.setattr(executor, "_fork_context", lambda: None)  # the pickled path
    assert _collect(2) == here
    assert executor._INHERITED == {}  # nothing left behind once a job ends


def _call(thunk: object) -> object:
    return thunk()  # type: ignore[operator]


@pytest.mark.skipif(executor._fork_context() is None, reason="workers fork only on Linux")
def test_forked_workers_read_tasks_they_could_not_unpickle() -> None:
    """Only the index goes to a forked worker: tasks that cannot be pickled (lambdas) still run."""
    thunks = [lambda: "first", lambda: "second", lambda: "third"]
    assert dict(executor.run_local(_call, thunks, 2)) == {0: "first", 1: "second", 2: "third"}


_WARMED: list[str] = []


def _warm() -> None:
    _WARMED.append("warm")


def _warmed_in_worker(x: int) -> tuple[int, int]:
    """What a worker sees of the warm-up: the list it inherited, and its own process id."""
    import os

    return len(_WARMED), os.getpid()


@pytest.mark.skipif(executor._fork_context() is None, reason="workers fork only on Linux")
def test_forked_workers_inherit_what_the_parent_warmed() -> None:
    """``warm`` runs once, here, before the fork: the workers (other processes) see its effect."""
    import os

    _WARMED.clear()
    seen = dict(executor.run_local(_warmed_in_worker, list(range(6)), 2, warm=_warm))
    assert _WARMED == ["warm"]
    assert {n for n, _ in seen.values()} == {1}
    assert os.getpid() not in {pid for _, pid in seen.values()}


def test_warm_runs_only_where_workers_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    _WARMED.clear()
    assert dict(executor.run_local(_square, [1, 2, 3], 1, warm=_warm)) == {0: 1, 1: 4, 2: 9}
    monkeypatch.setattr(executor, "_fork_context", lambda: None)  # pickled tasks: nothing to inherit
    assert dict(executor.run_local(_square, [1, 2, 3], 2, warm=_warm)) == {0: 1, 1: 4, 2: 9}
    assert _WARMED == []


def test_spawned_workers_get_pickled_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "_fork_context", lambda: multiprocessing.get_context("spawn"))
    assert dict(executor.run_local(_square, [1, 2, 3], 2)) == {0: 1, 1: 4, 2: 9}


def test_an_error_in_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="task three fails"):
        list(executor.run_local(_fail_on_three, list(range(8)), 2))
    assert executor._INHERITED == {}


def test_default_workers_counts_usable_cores() -> None:
    assert 1 <= executor.default_workers() <= (multiprocessing.cpu_count() or 1)


def test_ensemble_json_identical_for_one_two_and_three_workers_and_pickled_tasks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sc = load_builtin("us-iraq-2020")
    kwargs = dict(draws=1300, engines=("bdm", "compromise"), seed=11, rounds=5, chunk_size=200)

    def dump(workers: int) -> str:
        return json.dumps(run_ensemble(sc, workers=workers, **kwargs).to_dict(), sort_keys=True)  # type: ignore[arg-type]

    one = dump(1)
    assert dump(2) == one
    assert dump(3) == one
    monkeypatch.setattr(executor, "_fork_context", lambda: None)
    assert dump(2) == one


def test_threads_run_every_task_once_and_pass_errors_on() -> None:
    import threading

    expected = [(i, i * i) for i in range(23)]
    before = threading.active_count()
    for workers in (2, 5):
        assert sorted(executor.run_threads(_square, list(range(23)), workers)) == expected  # each once
        assert threading.active_count() == before  # the threads end with the job (a later fork copies none)
    with pytest.raises(ValueError, match="task zero fails"):
        list(executor.run_threads(_fail_on_zero_while_others_sleep, list(range(8)), 3))
    assert threading.active_count() == before  # an error, too, leaves no thread running


def test_bdm_ensembles_run_in_threads_with_the_json_of_one_worker_and_of_processes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """bdm's compiled loop releases the GIL, so its local workers are threads; the answer is the
    same bytes as one worker's and as forked processes'."""
    from stratagem.analysis import ensemble

    sc = load_builtin("us-iraq-2020")
    kwargs = dict(draws=700, engines=("bdm",), seed=3, chunk_size=100)
    used: list[str] = []
    for name in ("run_threads", "run_local"):
        real = getattr(executor, name)
        monkeypatch.setattr(executor, name, lambda *a, _real=real, _name=name, **k: (used.append(_name), _real(*a, **k))[1])

    def dump(workers: int) -> str:
        return json.dumps(run_ensemble(sc, workers=workers, **kwargs).to_dict(), sort_keys=True)  # type: ignore[arg-type]

    threads = dump(2)
    assert used == ["run_threads"]
    assert dump(1) == threads
    monkeypatch.setattr(ensemble, "_releases_gil", lambda task: False)
    used.clear()
    assert dump(2) == threads
    assert used == ["run_local"]
