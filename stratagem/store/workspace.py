"""The workspace: one SQLite file of documents, evidence and scenario links.

* ``documents``: raw bytes (BLOB, never interpreted), cleaned text, title, URL,
  publication date, media type, encoding, and a SHA-256 content hash that is
  unique, so the same bytes are stored once (de-duplication).
* ``removed_lines``: the boilerplate lines cut from each document, for inspection.
* ``evidence``: records with the fields of :class:`stratagem.model.schema.Evidence`;
  ``start``/``end`` are offsets into the document's cleaned text (``offsets: cleaned``;
  records in any other offset space are refused), ``text`` the cited words.
* ``scenario_evidence``: which scenario cites which evidence.
* ``document_dates``: how each document's publication date was found (see
  :mod:`stratagem.evidence.pubdate`).
* ``drafts``: stances drafted from evidence (:mod:`stratagem.evidence.draft`) with
  the analyst's decision: "proposed", "accepted" or "rejected".

Each document is written in one transaction with its removed lines and its
evidence: a failure part-way leaves nothing of it behind. The schema version is
kept in ``meta``; a workspace from a newer version is refused, not altered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stratagem.evidence.asof import EvidenceAsOf, evidence_as_of
from stratagem.evidence.batch import ProgressCallback, prepare_files
from stratagem.evidence.citations import DocumentText, resolve_citation
from stratagem.evidence.draft import DraftStance, draft_stances, with_decision
from stratagem.evidence.extract import document_evidence
from stratagem.evidence.gazetteer import Gazetteer, load_gazetteer
from stratagem.evidence.ingest import iter_document_paths, read_document
from stratagem.evidence.metadata import DocumentMeta, apply_metadata, extraction_options
from stratagem.evidence.records import IngestedDocument, RemovedLine
from stratagem.model.errors import StratagemError
from stratagem.model.files import check_workspace_path
from stratagem.model.schema import Evidence, Scenario
from stratagem.store import DEFAULT_WORKSPACE

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    published TEXT,
    media_type TEXT NOT NULL,
    encoding TEXT NOT NULL,
    raw BLOB NOT NULL,
    cleaned TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS removed_lines (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    line INTEGER NOT NULL,
    reason TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (document_id, seq)
);
CREATE TABLE IF NOT EXISTS evidence (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL CHECK (start >= 0),
    "end" INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('quote', 'event', 'claim')),
    actor TEXT,
    speaker TEXT,
    date TEXT,
    issue TEXT,
    direction TEXT,
    rationale TEXT NOT NULL DEFAULT '',
    text TEXT,
    CHECK ("end" > start)
);
CREATE INDEX IF NOT EXISTS evidence_actor ON evidence(actor);
CREATE INDEX IF NOT EXISTS evidence_issue ON evidence(issue);
CREATE INDEX IF NOT EXISTS evidence_document ON evidence(document_id);
CREATE TABLE IF NOT EXISTS scenario_evidence (
    scenario_id TEXT NOT NULL,
    evidence_id TEXT NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT 'cites',
    PRIMARY KEY (scenario_id, evidence_id)
);
CREATE TABLE IF NOT EXISTS document_dates (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS document_meta (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    publisher TEXT NOT NULL DEFAULT '',
    meta TEXT NOT NULL DEFAULT '{}',
    options TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS drafts (
    id TEXT PRIMARY KEY,
    scenario_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    issue TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'rejected')),
    updated_at TEXT NOT NULL,
    decided_at TEXT
);
CREATE INDEX IF NOT EXISTS drafts_scenario ON drafts(scenario_id);
CREATE TABLE IF NOT EXISTS scenario_versions (
    scenario_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    parent INTEGER,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (scenario_id, version)
);
"""


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C during an ingest: ``outcomes`` lists the files handled (and stored) before it."""

    def __init__(self, outcomes: list[IngestOutcome]) -> None:
        super().__init__(f"interrupted after {len(outcomes)} files")
        self.outcomes = outcomes


class WorkspaceError(StratagemError):
    """A workspace file that cannot be opened or written, with its path."""

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.reason = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


@dataclass(frozen=True)
class StoredDocument:
    id: str
    content_hash: str
    path: str
    url: str
    title: str
    date: dt.date | None
    media_type: str
    encoding: str
    cleaned: str
    n_evidence: int = 0
    date_source: str = ""  # how the date was found (see stratagem.evidence.pubdate); "text-latest" is a guess
    publisher: str = ""

    @property
    def date_guessed(self) -> bool:
        """The date is only the latest date written in the text (a lower bound of the publication date)."""
        return self.date is not None and self.date_source == "text-latest"

    @property
    def date_text(self) -> str:
        """The date as every listing shows it: a guess says it is one."""
        if self.date is None:
            return ""
        return self.date.isoformat() + (" (guessed: latest date in the text)" if self.date_guessed else "")


@dataclass(frozen=True)
class AddResult:
    document_id: str
    created: bool  # False when the same bytes were already stored (de-duplicated)
    n_evidence: int = 0
    updated: bool = False  # already stored, re-extracted because the ingest options changed


@dataclass(frozen=True)
class IngestOutcome:
    """One file's result of :meth:`Workspace.ingest_path`: stored, duplicate or error."""

    path: str
    document_id: str | None = None
    created: bool = False
    n_evidence: int = 0
    error: str | None = None  # a one-line message when the file was refused
    updated: bool = False  # already stored and re-extracted (options or metadata changed)


@dataclass
class Workspace:
    """An open workspace database. Use as a context manager or call :meth:`close`."""

    path: Path
    _conn: sqlite3.Connection = field(init=False, repr=False)

    def __init__(self, path: str | Path = DEFAULT_WORKSPACE) -> None:
        self.path = Path(path)
        if str(self.path) != ":memory:":
            check_workspace_path(self.path)  # a device, FIFO, directory or empty file is refused, never turned into one
        try:
            self._conn = sqlite3.connect(str(self.path), isolation_level=None)
            self._conn.execute("PRAGMA foreign_keys = ON")
            if str(self.path) != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")  # readers (the web app) never block a writer
            self._init_schema()
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"not a stratagem workspace ({exc})", path=self.path) from exc

    # -- lifecycle -----------------------------------------------------------
    def _init_schema(self) -> None:
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "meta" not in tables:
            raise WorkspaceError("an SQLite file that is not a stratagem workspace", path=self.path)
        if "meta" in tables:
            row = self._conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise WorkspaceError(
                    f"workspace schema version {version} is newer than this stratagem supports "
                    f"({SCHEMA_VERSION}); upgrade stratagem", path=self.path,
                )
            if version == SCHEMA_VERSION:
                self._conn.executescript(_SCHEMA)  # tables added within this version (all IF NOT EXISTS)
                return
        self._conn.executescript(
            "BEGIN IMMEDIATE;" + _SCHEMA
            + f"INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', '{SCHEMA_VERSION}');COMMIT;"
        )

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on error) for sibling store modules."""
        return self._transaction()

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query, for sibling store modules (runs)."""
        return [tuple(r) for r in self._conn.execute(sql, tuple(params)).fetchall()]

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        row = self._conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0])

    # -- documents -----------------------------------------------------------
    def document_id_for_hash(self, content_hash: str) -> str | None:
        row = self._conn.execute("SELECT id FROM documents WHERE content_hash = ?", (content_hash,)).fetchone()
        return str(row[0]) if row else None

    def add_document(self, document: IngestedDocument, evidence: Iterable[Evidence] = (), *,
                     options: str | None = None, meta: DocumentMeta | None = None) -> AddResult:
        """Store a document with its removed lines and evidence, atomically; de-duplicated by hash.

        ``options`` names how it was extracted (:func:`stratagem.store.documents.ingest_options`) and
        ``meta`` the analyst's metadata applied to it (merged over what is stored). When the same bytes are
        already stored with other options or metadata, the stored extraction is replaced (``updated``).
        """
        existing = self.document_id_for_hash(document.content_hash)
        if existing is not None:
            stored_meta, stored_options = self.document_meta(existing)
            merged = stored_meta.merged(meta)
            if options is None or (options == stored_options and merged == stored_meta):
                return AddResult(existing, created=False, n_evidence=self._count_evidence(existing))
            return self.replace_extraction(existing, document, evidence, options=options, meta=merged)
        doc_id = document.id
        if self._conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone():
            doc_id = f"{doc_id[:70]}-{document.content_hash[:8]}"  # same name, different bytes
        records = self._checked_records(doc_id, document, evidence)
        try:
            with self._transaction() as conn:
                conn.execute(
                    "INSERT INTO documents(id, content_hash, path, url, title, published, media_type, encoding,"
                    " raw, cleaned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (doc_id, document.content_hash, document.path, document.url, document.title,
                     document.date.isoformat() if document.date else None, document.media_type,
                     document.encoding, sqlite3.Binary(document.raw), document.cleaned),
                )
                conn.executemany(
                    "INSERT INTO removed_lines(document_id, seq, line, reason, text) VALUES (?, ?, ?, ?, ?)",
                    [(doc_id, i, r.line, r.reason, r.text) for i, r in enumerate(document.removed)],
                )
                if document.date_source:
                    conn.execute("INSERT INTO document_dates(document_id, source) VALUES (?, ?)",
                                 (doc_id, document.date_source))
                self._write_meta(conn, doc_id, meta, options)
                self._insert_evidence(conn, records)
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"cannot store document '{doc_id}': {exc}", path=self.path) from exc
        return AddResult(doc_id, created=True, n_evidence=len(records))

    def _checked_records(self, doc_id: str, document: IngestedDocument, evidence: Iterable[Evidence]
                         ) -> list[Evidence]:
        records = [
            e if e.document == doc_id else e.model_copy(update={"document": doc_id}) for e in evidence
        ]
        n = len(document.cleaned)
        for e in records:
            if e.offsets != "cleaned":
                raise WorkspaceError(f"evidence '{e.id}': workspace evidence indexes the cleaned text, not "
                                     f"'{e.offsets}'", path=self.path)
            if e.end > n:
                raise WorkspaceError(
                    f"evidence '{e.id}' ends at {e.end}, beyond the {n} characters of document '{doc_id}'",
                    path=self.path,
                )
        return records

    @staticmethod
    def _write_meta(conn: sqlite3.Connection, doc_id: str, meta: DocumentMeta | None, options: str | None) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO document_meta(document_id, publisher, meta, options) VALUES (?, ?, ?, ?)",
            (doc_id, (meta.publisher if meta else None) or "", json.dumps(meta.to_json() if meta else {},
                                                                          sort_keys=True), options or ""),
        )

    def _count_evidence(self, document_id: str) -> int:
        row = self._conn.execute("SELECT count(*) FROM evidence WHERE document_id = ?", (document_id,)).fetchone()
        return int(row[0])

    def document_meta(self, document_id: str) -> tuple[DocumentMeta, str]:
        """The analyst's metadata stored for a document (manifest, corrections) and its extraction options."""
        row = self._conn.execute("SELECT meta, options FROM document_meta WHERE document_id = ?",
                                 (document_id,)).fetchone()
        if row is None:
            return DocumentMeta(), ""
        return DocumentMeta.from_json(json.loads(str(row[0]) or "{}")), str(row[1])

    def replace_extraction(self, document_id: str, document: IngestedDocument, evidence: Iterable[Evidence], *,
                           options: str | None, meta: DocumentMeta | None) -> AddResult:
        """Replace a stored document's metadata, removed lines and evidence by a new extraction, atomically.

        Records the new extraction gives again keep their id (and the scenarios that cite them);
        old records it no longer gives are deleted unless a scenario cites them.
        """
        records = self._checked_records(document_id, document, evidence)
        new_ids = [e.id for e in records]
        try:
            with self._transaction() as conn:
                conn.execute(
                    "UPDATE documents SET path = ?, url = ?, title = ?, published = ?, cleaned = ? WHERE id = ?",
                    (document.path, document.url, document.title,
                     document.date.isoformat() if document.date else None, document.cleaned, document_id))
                conn.execute("DELETE FROM removed_lines WHERE document_id = ?", (document_id,))
                conn.executemany(
                    "INSERT INTO removed_lines(document_id, seq, line, reason, text) VALUES (?, ?, ?, ?, ?)",
                    [(document_id, i, r.line, r.reason, r.text) for i, r in enumerate(document.removed)],
                )
                conn.execute("DELETE FROM document_dates WHERE document_id = ?", (document_id,))
                if document.date_source:
                    conn.execute("INSERT INTO document_dates(document_id, source) VALUES (?, ?)",
                                 (document_id, document.date_source))
                self._write_meta(conn, document_id, meta, options)
                conn.execute("CREATE TEMP TABLE IF NOT EXISTS _keep(id TEXT PRIMARY KEY)")
                conn.execute("DELETE FROM _keep")
                conn.executemany("INSERT OR IGNORE INTO _keep(id) VALUES (?)", [(i,) for i in new_ids])
                conn.execute("DELETE FROM evidence WHERE document_id = ? AND id NOT IN (SELECT id FROM _keep)"
                             " AND id NOT IN (SELECT evidence_id FROM scenario_evidence)", (document_id,))
                conn.executemany(
                    'INSERT INTO evidence(id, document_id, start, "end", kind, actor, speaker, date, issue,'
                    " direction, rationale, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    ' ON CONFLICT(id) DO UPDATE SET document_id = excluded.document_id, start = excluded.start,'
                    ' "end" = excluded."end", kind = excluded.kind, actor = excluded.actor,'
                    " speaker = excluded.speaker, date = excluded.date, issue = excluded.issue,"
                    " direction = excluded.direction, rationale = excluded.rationale, text = excluded.text",
                    [(e.id, e.document, e.start, e.end, e.kind, e.actor, e.speaker,
                      e.date.isoformat() if e.date else None, e.issue, e.direction, e.rationale, e.text)
                     for e in records],
                )
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"cannot update document '{document_id}': {exc}", path=self.path) from exc
        return AddResult(document_id, created=False, n_evidence=self._count_evidence(document_id), updated=True)

    @staticmethod
    def _insert_evidence(conn: sqlite3.Connection, records: Sequence[Evidence]) -> None:
        conn.executemany(
            'INSERT OR REPLACE INTO evidence(id, document_id, start, "end", kind, actor, speaker, date, issue,'
            " direction, rationale, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(e.id, e.document, e.start, e.end, e.kind, e.actor, e.speaker,
              e.date.isoformat() if e.date else None, e.issue, e.direction, e.rationale, e.text)
             for e in records],
        )

    def add_evidence(self, records: Iterable[Evidence]) -> int:
        """Add (or replace, by id) evidence for stored documents, in one transaction."""
        items = list(records)
        lengths = dict(self._conn.execute("SELECT id, length(cleaned) FROM documents").fetchall())
        for e in items:
            if e.offsets != "cleaned":
                raise WorkspaceError(f"evidence '{e.id}': workspace evidence indexes the cleaned text, not "
                                     f"'{e.offsets}'", path=self.path)
            if e.document not in lengths:
                raise WorkspaceError(f"evidence '{e.id}' cites unknown document '{e.document}'", path=self.path)
            if e.end > lengths[e.document]:
                raise WorkspaceError(f"evidence '{e.id}' ends beyond its document", path=self.path)
        with self._transaction() as conn:
            self._insert_evidence(conn, items)
        return len(items)

    def ingest_file(
        self,
        path: str | Path,
        *,
        gazetteer: Gazetteer | None = None,
        scenario: Scenario | None = None,
        document_date: dt.date | None = None,
        meta: DocumentMeta | None = None,
    ) -> AddResult:
        """Read, clean, extract and store one file (raises DocumentError for a bad file).

        ``document_date`` is used only when the document's metadata or dateline gives no date;
        ``meta`` (a manifest entry) wins over the document. A file already stored is re-extracted
        only when the options or the metadata differ from those it was stored with.
        """
        document = read_document(path, supplied_date=document_date)
        gaz = gazetteer or load_gazetteer(scenario=scenario)
        options = extraction_options(gaz, scenario, document_date)
        existing = self.document_id_for_hash(document.content_hash)
        if existing is not None:
            stored_meta, stored_options = self.document_meta(existing)
            meta = stored_meta.merged(meta)
            if options == stored_options and meta == stored_meta:
                return AddResult(existing, created=False, n_evidence=self._count_evidence(existing))
        document = apply_metadata(document, meta)
        return self.add_document(document, document_evidence(document, gazetteer=gaz, scenario=scenario),
                                 options=options, meta=meta)

    def ingest_path(
        self,
        path: str | Path,
        *,
        gazetteer: Gazetteer | None = None,
        scenario: Scenario | None = None,
        document_date: dt.date | None = None,
        workers: int | None = None,
        scheduler: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[IngestOutcome]:
        """Ingest a file or every text/HTML file of a directory; a bad file is reported, not fatal."""
        return self.ingest_paths([path], gazetteer=gazetteer, scenario=scenario, document_date=document_date,
                                 workers=workers, scheduler=scheduler, progress=progress)

    def ingest_paths(
        self,
        paths: Sequence[str | Path],
        *,
        gazetteer: Gazetteer | None = None,
        scenario: Scenario | None = None,
        document_date: dt.date | None = None,
        workers: int | None = None,
        scheduler: str | None = None,
        progress: ProgressCallback | None = None,
        manifest: Mapping[Path, DocumentMeta] | None = None,
        reextract: bool = False,
    ) -> list[IngestOutcome]:
        """Ingest files and directories: extraction in worker processes (or on Dask), writes here.

        Extraction of a corpus of :data:`~stratagem.evidence.batch.PARALLEL_MIN_FILES` or more
        files runs in ``workers`` local processes (default: one per core) or on the Dask cluster at
        ``scheduler``; each document is then stored here in its own
        transaction, in path order, so the workspace is the same as after a serial ingest.
        On Ctrl-C the documents already stored stay stored and :class:`IngestInterrupted`
        (a KeyboardInterrupt) carries their outcomes.

        ``manifest`` gives metadata by resolved file path (its files are ingested too). A file
        already stored is skipped when it was stored with the same options and metadata, and
        re-extracted otherwise (or always, with ``reextract``).
        """
        entries = dict(manifest or {})
        files = [child for path in paths for child in iter_document_paths(path)]
        seen = {f.resolve() for f in files}
        files += [p for p in entries if p not in seen]
        gaz = gazetteer or load_gazetteer(scenario=scenario)
        options = extraction_options(gaz, scenario, document_date)
        outcomes: list[IngestOutcome | None] = []
        todo: list[tuple[int, Path, DocumentMeta | None]] = []
        for f in files:
            meta = entries.get(f.resolve())
            existing = self._stored_id_of_file(f)
            if existing is not None:
                stored_meta, stored_options = self.document_meta(existing)
                meta = stored_meta.merged(meta)
                if not reextract and options == stored_options and meta == stored_meta:
                    outcomes.append(IngestOutcome(path=str(f), document_id=existing,
                                                  n_evidence=self._count_evidence(existing)))
                    continue
            todo.append((len(outcomes), f, meta))
            outcomes.append(None)
        prepared = prepare_files([f for _, f, _ in todo], gazetteer=gaz, scenario=scenario,
                                 supplied_date=document_date, workers=workers, scheduler=scheduler,
                                 progress=progress, metas=[m for _, _, m in todo])
        try:
            for (slot, _, meta), item in zip(todo, prepared, strict=True):
                if item.document is None:
                    outcomes[slot] = IngestOutcome(path=item.path, error=item.error)
                    continue
                existing = self.document_id_for_hash(item.document.content_hash)
                if existing is not None and reextract:
                    result = self.replace_extraction(existing, item.document, item.evidence, options=options,
                                                     meta=self.document_meta(existing)[0].merged(meta))
                else:  # compares options and metadata with a stored copy (e.g. the same bytes twice in a batch)
                    result = self.add_document(item.document, item.evidence, options=options, meta=meta)
                outcomes[slot] = IngestOutcome(path=item.path, document_id=result.document_id,
                                               created=result.created, n_evidence=result.n_evidence,
                                               updated=result.updated)
        except KeyboardInterrupt:
            raise IngestInterrupted([o for o in outcomes if o is not None]) from None
        return [o for o in outcomes if o is not None]

    def _stored_id_of_file(self, path: Path) -> str | None:
        """The id under which a file's bytes are stored, or None (also when it cannot be read)."""
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None
        return self.document_id_for_hash(digest)

    def _row_to_document(self, row: sqlite3.Row | tuple[object, ...]) -> StoredDocument:
        (doc_id, content_hash, path, url, title, published, media_type, encoding, cleaned, n, source,
         publisher) = row
        return StoredDocument(
            id=str(doc_id), content_hash=str(content_hash), path=str(path), url=str(url), title=str(title),
            date=dt.date.fromisoformat(str(published)) if published else None, media_type=str(media_type),
            encoding=str(encoding), cleaned=str(cleaned), n_evidence=int(n) if isinstance(n, int) else 0,
            date_source=str(source or ""), publisher=str(publisher or ""),
        )

    _DOC_COLUMNS = (
        "d.id, d.content_hash, d.path, d.url, d.title, d.published, d.media_type, d.encoding, d.cleaned,"
        " (SELECT count(*) FROM evidence e WHERE e.document_id = d.id),"
        " (SELECT source FROM document_dates t WHERE t.document_id = d.id),"
        " (SELECT publisher FROM document_meta m WHERE m.document_id = d.id)"
    )

    def document(self, document_id: str) -> StoredDocument | None:
        row = self._conn.execute(
            f"SELECT {self._DOC_COLUMNS} FROM documents d WHERE d.id = ?", (document_id,)
        ).fetchone()
        return self._row_to_document(row) if row else None

    def documents(self) -> list[StoredDocument]:
        rows = self._conn.execute(f"SELECT {self._DOC_COLUMNS} FROM documents d ORDER BY d.id").fetchall()
        return [self._row_to_document(r) for r in rows]

    def raw_bytes(self, document_id: str) -> bytes | None:
        row = self._conn.execute("SELECT raw FROM documents WHERE id = ?", (document_id,)).fetchone()
        return bytes(row[0]) if row else None

    def removed_lines(self, document_id: str) -> list[RemovedLine]:
        rows = self._conn.execute(
            "SELECT line, text, reason FROM removed_lines WHERE document_id = ? ORDER BY seq", (document_id,)
        ).fetchall()
        return [RemovedLine(line=int(r[0]), text=str(r[1]), reason=str(r[2])) for r in rows]

    def delete_document(self, document_id: str) -> bool:
        with self._transaction() as conn:
            cur = conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
        return cur.rowcount > 0

    # -- evidence --------------------------------------------------------------
    def evidence(
        self,
        *,
        actor: str | None = None,
        issue: str | None = None,
        kind: str | None = None,
        document: str | None = None,
        scenario: str | None = None,
    ) -> list[Evidence]:
        """Evidence records matching every filter given, ordered by document and offset."""
        where: list[str] = []
        args: list[object] = []
        for column, value in (("e.actor", actor), ("e.issue", issue), ("e.kind", kind), ("e.document_id", document)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        join = ""
        if scenario is not None:
            join = " JOIN scenario_evidence s ON s.evidence_id = e.id"
            where.append("s.scenario_id = ?")
            args.append(scenario)
        sql = (
            'SELECT e.id, e.document_id, e.start, e."end", e.kind, e.actor, e.speaker, e.date, e.issue,'
            f" e.direction, e.rationale, e.text FROM evidence e{join}"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY e.document_id, e.start, e.id"
        )
        return [
            Evidence(id=r[0], document=r[1], start=r[2], end=r[3], kind=r[4], actor=r[5], speaker=r[6],
                     date=dt.date.fromisoformat(r[7]) if r[7] else None, issue=r[8], direction=r[9],
                     rationale=r[10] or "", text=r[11])
            for r in self._conn.execute(sql, args).fetchall()
        ]

    def span_text(self, evidence: Evidence) -> str | None:
        """The cited words in the stored document (None when it is missing or they do not match)."""
        citation = resolve_citation(evidence, [self.document_text])
        return citation.words if citation.quoted else None

    def document_text(self, document_id: str, offsets: str = "cleaned") -> DocumentText | None:
        """A stored document's cleaned text, or its source (the stored bytes decoded), for citations."""
        row = self._conn.execute("SELECT cleaned, raw, encoding, media_type FROM documents WHERE id = ?",
                                 (document_id,)).fetchone()
        if row is None:
            return None
        cleaned, raw, encoding, media_type = str(row[0]), bytes(row[1]), str(row[2] or "utf-8"), str(row[3])
        if offsets == "cleaned":
            return DocumentText(document_id, cleaned, "cleaned", "workspace", media_type)
        try:
            text = raw.decode("utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding)
        except (LookupError, UnicodeDecodeError):
            return None
        return DocumentText(document_id, text.replace("\r\n", "\n").replace("\r", "\n"), "source", "workspace",
                            media_type)

    # -- scenarios -------------------------------------------------------------
    def link_scenario(self, scenario_id: str, evidence_ids: Iterable[str], role: str = "cites") -> int:
        """Record that a scenario cites evidence (unknown ids raise WorkspaceError)."""
        ids = list(evidence_ids)
        known = {r[0] for r in self._conn.execute("SELECT id FROM evidence")}
        missing = [i for i in ids if i not in known]
        if missing:
            raise WorkspaceError(f"unknown evidence id '{missing[0]}'", path=self.path)
        with self._transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO scenario_evidence(scenario_id, evidence_id, role) VALUES (?, ?, ?)",
                [(scenario_id, i, role) for i in ids],
            )
        return len(ids)

    # -- publication dates and drafted stances (evidence layer) -----------------
    def date_source(self, document_id: str) -> str:
        """How a stored document's date was found: "html-meta", "dateline", "supplied", "text-latest" or ""."""
        row = self._conn.execute("SELECT source FROM document_dates WHERE document_id = ?", (document_id,)).fetchone()
        return str(row[0]) if row else ""

    def document_texts(self) -> dict[str, str]:
        """Cleaned text of every stored document, by document id."""
        return {str(r[0]): str(r[1]) for r in self._conn.execute("SELECT id, cleaned FROM documents ORDER BY id")}

    def draft_scenario(self, scenario: Scenario, *, save: bool = True, include_after_as_of: bool = False
                       ) -> list[DraftStance]:
        """Draft stances for ``scenario`` from the workspace's evidence; saved unless ``save=False``.

        No hindsight: documents and events dated after the scenario's ``as_of`` are left out
        (:meth:`evidence_as_of` says how many) unless ``include_after_as_of``. Returns the
        drafts as stored, so decisions already taken on them are kept.
        """
        usable = self.evidence_as_of(scenario, include_after=include_after_as_of)
        late = set() if include_after_as_of else set(usable.documents_after)
        texts = {d: t for d, t in self.document_texts().items() if d not in late}
        drafts = draft_stances(scenario, usable.kept, texts)
        if not save:
            return drafts
        self.save_drafts(scenario.id, drafts)
        return self.drafts(scenario.id)

    def evidence_as_of(self, scenario: Scenario, *, include_after: bool = False) -> EvidenceAsOf:
        """All evidence, without what is dated after the scenario's ``as_of`` (see :mod:`stratagem.evidence.asof`)."""
        dates = {d.id: d.date for d in self.documents()}
        return evidence_as_of(self.evidence(), dates, scenario.as_of, include_after=include_after)

    def save_drafts(self, scenario_id: str, drafts: Iterable[DraftStance]) -> int:
        """Store drafted stances in one transaction; returns how many were stored.

        A draft with the id of a stored one replaces its proposal but keeps the analyst's
        decision (status and time). Citations that are new claim records are added to the
        evidence table, so every cited id resolves.
        """
        items = list(drafts)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        known = {str(r[0]) for r in self._conn.execute("SELECT id FROM documents")}
        new_records: dict[str, Evidence] = {}
        for d in items:
            if d.scenario != scenario_id:
                raise WorkspaceError(f"draft '{d.id}' belongs to scenario '{d.scenario}', not '{scenario_id}'",
                                     path=self.path)
            for c in d.citations:
                if c.document not in known:
                    raise WorkspaceError(f"draft '{d.id}' cites unknown document '{c.document}'", path=self.path)
                if c.new:
                    new_records.setdefault(c.evidence_id, c.to_evidence(d.actor, d.issue))
        payloads = []
        for d in items:
            data = d.to_dict()
            data["citations"] = [{**c, "new": False} for c in data["citations"]]
            payloads.append((d.id, scenario_id, d.actor, d.issue, json.dumps(data, sort_keys=True), now))
        with self._transaction() as conn:
            conn.executemany(
                'INSERT OR IGNORE INTO evidence(id, document_id, start, "end", kind, actor, speaker, date, issue,'
                " direction, rationale, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(e.id, e.document, e.start, e.end, e.kind, e.actor, e.speaker, None, e.issue, e.direction,
                  e.rationale, e.text) for e in new_records.values()],
            )
            conn.executemany(
                "INSERT INTO drafts(id, scenario_id, actor, issue, payload, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at",
                payloads,
            )
        return len(items)

    def drafts(self, scenario_id: str, *, status: str | None = None) -> list[DraftStance]:
        """Stored drafts of a scenario (optionally only "proposed", "accepted" or "rejected"), in stored order."""
        sql = "SELECT payload, status, decided_at FROM drafts WHERE scenario_id = ?"
        args: list[object] = [scenario_id]
        if status is not None:
            sql += " AND status = ?"
            args.append(status)
        rows = self._conn.execute(sql + " ORDER BY rowid", args).fetchall()
        return [with_decision(DraftStance.from_dict(json.loads(r[0])), str(r[1]), r[2]) for r in rows]

    def decide_draft(self, draft_id: str, accepted: bool) -> DraftStance:
        """Record an analyst's decision on a draft and return the updated draft.

        Accepting links the draft's citations to its scenario (role "draft"), so
        ``evidence(scenario=...)`` lists them; rejecting removes those links.
        Raises WorkspaceError for an unknown draft id.
        """
        row = self._conn.execute("SELECT payload, scenario_id FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise WorkspaceError(f"no draft '{draft_id}'", path=self.path)
        draft = DraftStance.from_dict(json.loads(row[0]))
        status = "accepted" if accepted else "rejected"
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        ids = [c.evidence_id for c in draft.citations]
        with self._transaction() as conn:
            conn.execute("UPDATE drafts SET status = ?, decided_at = ? WHERE id = ?", (status, now, draft_id))
            if accepted:
                conn.executemany(
                    "INSERT OR IGNORE INTO scenario_evidence(scenario_id, evidence_id, role) VALUES (?, ?, 'draft')",
                    [(row[1], i) for i in ids if conn.execute("SELECT 1 FROM evidence WHERE id = ?", (i,)).fetchone()],
                )
            else:
                conn.executemany(
                    "DELETE FROM scenario_evidence WHERE scenario_id = ? AND evidence_id = ? AND role = 'draft'",
                    [(row[1], i) for i in ids],
                )
        return with_decision(draft, status, now)

    # -- scenario versions (edits in the web app, with undo) ------------------
    # Versions are append-only: an edit adds version n+1 whose parent is the version it
    # changed; undo adds a copy of the parent (whose own parent becomes the next undo step).
    # The table is created on first use too, so workspaces made before it existed work.
    def _ensure_versions(self) -> None:
        self._conn.execute(_SCHEMA[_SCHEMA.index("CREATE TABLE IF NOT EXISTS scenario_versions"):].rstrip().rstrip(";"))

    def save_scenario_version(self, scenario: Scenario, *, parent: int | None = None, note: str = "") -> int:
        """Store ``scenario`` as its next version and return the version number (1, 2, ...)."""
        self._ensure_versions()
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._transaction() as conn:
            row = conn.execute("SELECT max(version) FROM scenario_versions WHERE scenario_id = ?",
                               (scenario.id,)).fetchone()
            version = int(row[0] or 0) + 1
            conn.execute(
                "INSERT INTO scenario_versions(scenario_id, version, parent, note, created_at, content)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (scenario.id, version, parent, note, now, scenario.model_dump_json()),
            )
        return version

    def scenario_versions(self, scenario_id: str) -> list[ScenarioVersion]:
        """The stored versions of a scenario, oldest first (without their content)."""
        self._ensure_versions()
        rows = self._conn.execute(
            "SELECT scenario_id, version, parent, note, created_at FROM scenario_versions WHERE scenario_id = ?"
            " ORDER BY version", (scenario_id,)).fetchall()
        return [ScenarioVersion(str(r[0]), int(r[1]), None if r[2] is None else int(r[2]), str(r[3]), str(r[4]))
                for r in rows]

    def load_scenario_version(self, scenario_id: str, version: int | None = None) -> Scenario | None:
        """A stored version (default: the latest), or None when there is none."""
        self._ensure_versions()
        if version is None:
            row = self._conn.execute("SELECT content FROM scenario_versions WHERE scenario_id = ?"
                                     " ORDER BY version DESC LIMIT 1", (scenario_id,)).fetchone()
        else:
            row = self._conn.execute("SELECT content FROM scenario_versions WHERE scenario_id = ? AND version = ?",
                                     (scenario_id, version)).fetchone()
        if row is None:
            return None
        try:
            data = json.loads(str(row[0]))
            for record in data.get("evidence", ()) if isinstance(data, dict) else ():
                if isinstance(record, dict):  # saved before records named their offset space: they indexed the
                    record.setdefault("offsets", "source")  # source text (what show, report and the web sliced)
            return Scenario.model_validate(data)
        except ValueError as exc:
            raise WorkspaceError(f"stored scenario '{scenario_id}' version {version} is not valid: {exc}",
                                 path=self.path) from None

    def versioned_scenario_ids(self) -> list[str]:
        """Ids of the scenarios with stored versions, sorted."""
        self._ensure_versions()
        return [str(r[0]) for r in self._conn.execute(
            "SELECT DISTINCT scenario_id FROM scenario_versions ORDER BY scenario_id")]


@dataclass(frozen=True)
class ScenarioVersion:
    """One stored version of a scenario: its number, the version it was derived from, and a note."""

    scenario_id: str
    version: int
    parent: int | None
    note: str
    created_at: str
