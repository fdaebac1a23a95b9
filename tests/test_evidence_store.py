"""The workspace: atomic ingest, de-duplication, queries, schema versioning."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from stratagem.evidence import ingest
from stratagem.evidence.extract import evidence_records, extract
from stratagem.store import workspace as ws_module
from stratagem.store.workspace import SCHEMA_VERSION, Workspace, WorkspaceError

TEXT = (
    "Iraq talks resume after strikes\n\n"
    "On 7 February 2024, U.S. forces struck a Kata'ib Hezbollah commander in Baghdad, officials said. "
    "Prime Minister Mohammed Shia al-Sudani said: \u201cIraq will not serve as a battleground for quarrels between other countries.\u201d "
    "Iraqi officials said the talks on the future of the coalition would resume on 11 February 2024.\n"
)
HTML = (
    "<html><head><title>x</title><script>alert('x')</script></head><body onload='evil()'><article><p>"
    + TEXT.replace("\n\n", "</p><p>") + "</p></article></body></html>"
)


def _doc(tmp_path: Path, name: str = "a.txt", text: str = TEXT) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ingest_stores_document_evidence_and_removed_lines(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.db") as ws:
        result = ws.ingest_file(_doc(tmp_path))
        assert result.created and result.n_evidence > 0
        stored = ws.document(result.document_id)
        assert stored is not None and stored.n_evidence == result.n_evidence
        assert ws.raw_bytes(result.document_id) == TEXT.encode()
        quotes = ws.evidence(kind="quote")
        assert [q.actor for q in quotes if q.text.startswith("Iraq will not serve")] == ["sudani"]
        assert ws.evidence(actor="sudani", kind="quote") == [q for q in quotes if q.actor == "sudani"]
        for record in ws.evidence():
            assert ws.span_text(record) == record.text  # citations resolve in the stored cleaned text
        events = ws.evidence(kind="event")
        assert {str(e.date) for e in events} >= {"2024-02-07"}


def test_same_bytes_are_stored_once(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.db") as ws:
        first = ws.ingest_file(_doc(tmp_path, "a.txt"))
        again = ws.ingest_file(_doc(tmp_path, "copy-of-a.txt"))
        assert not again.created and again.document_id == first.document_id
        assert len(ws.documents()) == 1


def test_same_name_different_bytes_gets_a_distinct_id(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    with Workspace(tmp_path / "w.db") as ws:
        a = ws.ingest_file(_doc(tmp_path, "a.txt"))
        b = ws.ingest_file(_doc(tmp_path / "x", "a.txt", TEXT + "\nA further sentence about the talks in Baghdad.\n"))
        assert a.document_id != b.document_id and len(ws.documents()) == 2


def test_a_failure_mid_ingest_leaves_no_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "w.db"
    with Workspace(db) as ws:
        original = Workspace._insert_evidence

        def explode(conn: sqlite3.Connection, records: object) -> None:
            raise sqlite3.OperationalError("disk I/O error (simulated)")

        monkeypatch.setattr(Workspace, "_insert_evidence", staticmethod(explode))
        with pytest.raises(WorkspaceError, match="simulated"):
            ws.ingest_file(_doc(tmp_path))
        monkeypatch.setattr(Workspace, "_insert_evidence", staticmethod(original))
        assert ws.documents() == []
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM removed_lines").fetchone() == (0,)
    con.close()


def test_evidence_beyond_the_document_is_refused_before_writing(tmp_path: Path) -> None:
    doc = ingest.read_document(_doc(tmp_path))
    records = evidence_records(extract(doc), doc.cleaned)
    bad = records[0].model_copy(update={"start": len(doc.cleaned) + 5, "end": len(doc.cleaned) + 10})
    with Workspace(tmp_path / "w.db") as ws:
        with pytest.raises(WorkspaceError, match="beyond"):
            ws.add_document(doc, [*records, bad])
        assert ws.documents() == []


def test_directory_ingest_reports_bad_files_and_stores_the_rest(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    _doc(src, "good.txt")
    (src / "page.html").write_text(HTML, encoding="utf-8")
    (src / "scan.txt").write_bytes(b"%PDF-1.5 ...")
    with Workspace(tmp_path / "w.db") as ws:
        outcomes = ws.ingest_path(src)
        errors = [o for o in outcomes if o.error]
        assert len(errors) == 1 and "PDF" in (errors[0].error or "")
        assert len(ws.documents()) == 2
        html_doc = ws.document("page")
        assert html_doc is not None and html_doc.media_type == "text/html"
        assert "alert" not in html_doc.cleaned and "evil" not in html_doc.cleaned


def test_scenario_links(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.db") as ws:
        ws.ingest_file(_doc(tmp_path))
        ids = [e.id for e in ws.evidence(kind="quote")]
        assert ws.link_scenario("iraq-2024", ids) == len(ids)
        assert [e.id for e in ws.evidence(scenario="iraq-2024")] == ids
        with pytest.raises(WorkspaceError, match="unknown evidence id"):
            ws.link_scenario("iraq-2024", ["nope"])


def test_schema_version_is_recorded_and_newer_workspaces_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with Workspace(db) as ws:
        assert ws.schema_version == SCHEMA_VERSION
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    con.commit()
    con.close()
    with pytest.raises(WorkspaceError, match="newer"):
        Workspace(db)


def test_files_that_are_not_workspaces_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(WorkspaceError, match="not a stratagem workspace"):
        Workspace(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(WorkspaceError, match="not a stratagem workspace"):
        Workspace(junk)
    assert ws_module.DEFAULT_WORKSPACE == "stratagem.db"
