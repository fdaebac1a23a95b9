"""Corpus ingestion through the executor: worker processes and Dask give the serial result."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from stratagem.evidence.batch import PARALLEL_MIN_FILES, prepare_files
from stratagem.evidence.synthetic import synthetic_document, write_corpus
from stratagem.store.workspace import IngestInterrupted, Workspace

TABLES = {
    "documents": "SELECT id, content_hash, path, title, published, media_type, encoding, raw, cleaned FROM documents",
    "removed_lines": "SELECT * FROM removed_lines",
    "evidence": "SELECT * FROM evidence",
    "document_dates": "SELECT * FROM document_dates",
}


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(db)
    try:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in TABLES.items()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("corpus")
    write_corpus(src, 14, seed=7, paragraphs=3)
    (src / "zz-copy.txt").write_text(synthetic_document(2, seed=7, paragraphs=3), encoding="utf-8")  # duplicate
    (src / "zz-scan.txt").write_bytes(b"%PDF-1.4 not text")
    return src


def test_worker_processes_store_exactly_what_a_serial_ingest_stores(corpus: Path, tmp_path: Path) -> None:
    assert len(list(corpus.iterdir())) >= PARALLEL_MIN_FILES
    with Workspace(tmp_path / "serial.db") as ws:
        serial = ws.ingest_path(corpus, workers=1)
    seen: list[tuple[int, int]] = []
    with Workspace(tmp_path / "parallel.db") as ws:
        parallel = ws.ingest_path(corpus, workers=2, progress=lambda done, total: seen.append((done, total)))
    assert serial == parallel  # same outcomes, same order (path order), same ids
    assert sum(1 for o in serial if not o.created and not o.error) == 1 and sum(1 for o in serial if o.error) == 1
    assert _dump(tmp_path / "serial.db") == _dump(tmp_path / "parallel.db")
    assert seen and seen[-1] == (16, 16)


def test_dask_scheduler_gives_the_serial_result(corpus: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    files = sorted(p for p in corpus.iterdir())
    serial = list(prepare_files(files, workers=1))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        on_dask = list(prepare_files(files, scheduler=cluster.scheduler_address))
    assert on_dask == serial


def test_ctrl_c_keeps_the_documents_already_stored(corpus: Path, tmp_path: Path) -> None:
    def interrupt_after_five(done: int, total: int) -> None:
        if done >= 5:
            raise KeyboardInterrupt

    with Workspace(tmp_path / "w.db") as ws:
        with pytest.raises(IngestInterrupted) as info:
            ws.ingest_path(corpus, workers=1, progress=interrupt_after_five)
        stored = [o.document_id for o in info.value.outcomes if o.created]
        assert len(stored) == 4  # the fifth was prepared but not yet written when Ctrl-C came
        assert sorted(d.id for d in ws.documents()) == sorted(stored)
        for doc in ws.documents():  # each stored document is complete
            assert doc.n_evidence > 0 and ws.removed_lines(doc.id)
