"""Reading and extracting many documents at once, through the shared executor.

The expensive part of ingestion (decoding, boilerplate removal, sentences, actors,
quotes, events, issue links) is a pure function of a file's bytes, so it runs in
worker processes (the default for more than a few files) or on a Dask cluster
(``scheduler="tcp://host:port"``). Only the results travel back; the caller
writes them (the workspace stores each document in its own transaction, in path
order, so the database ends up exactly as a serial ingest leaves it).

Files are sent in small batches to keep the per-task overhead low; a file that
cannot be read comes back as its one-line error and stops nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from stratagem.analysis.executor import default_workers, run_tasks
from stratagem.evidence.errors import DocumentError
from stratagem.evidence.extract import document_evidence
from stratagem.evidence.gazetteer import Gazetteer, load_gazetteer
from stratagem.evidence.ingest import read_document
from stratagem.evidence.metadata import DocumentMeta, apply_metadata
from stratagem.evidence.records import IngestedDocument
from stratagem.model.schema import Evidence, Scenario

#: Below this many files a corpus is read in this process (starting workers costs more).
PARALLEL_MIN_FILES = 8
#: Files per task sent to a worker.
BATCH_SIZE = 8

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Prepared:
    """One file read and extracted, ready to store; or the error that refused it."""

    path: str
    document: IngestedDocument | None
    evidence: tuple[Evidence, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class _Task:
    paths: tuple[str, ...]
    gazetteer: Gazetteer | None
    scenario: Scenario | None
    supplied_date: dt.date | None
    metas: tuple[DocumentMeta | None, ...] = ()


def prepare_file(
    path: str | Path,
    *,
    gazetteer: Gazetteer | None = None,
    scenario: Scenario | None = None,
    supplied_date: dt.date | None = None,
    meta: DocumentMeta | None = None,
) -> Prepared:
    """Read, clean and extract one file (pure: nothing is written).

    ``meta`` (a manifest entry or a correction) is applied before extraction, so a
    date given there dates the document's events.
    """
    try:
        document = apply_metadata(read_document(path, supplied_date=supplied_date), meta)
    except DocumentError as exc:
        return Prepared(path=str(path), document=None, error=str(exc))
    gaz = gazetteer or load_gazetteer(scenario=scenario)
    return Prepared(path=str(path), document=document,
                    evidence=tuple(document_evidence(document, gazetteer=gaz, scenario=scenario)))


def _run(task: _Task) -> list[Prepared]:
    gaz = task.gazetteer or load_gazetteer(scenario=task.scenario)
    metas = task.metas or (None,) * len(task.paths)
    return [prepare_file(p, gazetteer=gaz, scenario=task.scenario, supplied_date=task.supplied_date, meta=m)
            for p, m in zip(task.paths, metas, strict=True)]


def prepare_files(
    paths: Sequence[str | Path],
    *,
    gazetteer: Gazetteer | None = None,
    scenario: Scenario | None = None,
    supplied_date: dt.date | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    metas: Sequence[DocumentMeta | None] | None = None,
) -> Iterator[Prepared]:
    """Each file prepared, yielded in the order of ``paths`` whatever order the workers finish in.

    ``workers`` defaults to the machine's cores (1 reads in this process);
    ``scheduler`` sends the batches to a Dask cluster instead. ``metas`` gives each
    path's metadata (a manifest entry), in the order of ``paths``.
    """
    names = [str(p) for p in paths]
    total = len(names)
    per_file = tuple(metas) if metas is not None else (None,) * total
    n_workers = workers if workers is not None else default_workers()
    local = scheduler is None and (n_workers <= 1 or total < PARALLEL_MIN_FILES)
    batch = 1 if local else max(1, min(BATCH_SIZE, total // (2 * max(1, n_workers)) or 1))
    tasks = [_Task(tuple(names[i : i + batch]), gazetteer, scenario, supplied_date, per_file[i : i + batch])
             for i in range(0, total, batch)]
    stream = ((i, _run(t)) for i, t in enumerate(tasks)) if local else run_tasks(
        _run, tasks, workers=n_workers, scheduler=scheduler)
    pending: dict[int, list[Prepared]] = {}
    next_index = 0
    done = 0
    for i, results in stream:
        pending[i] = results
        done += len(results)
        if progress is not None:
            progress(done, total)
        while next_index in pending:
            yield from pending.pop(next_index)
            next_index += 1
