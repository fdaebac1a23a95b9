"""Documents you can correct (manifests, `document set`, re-ingest) and no hindsight (as_of), with real extraction."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stratagem.evidence.asof import documents_as_of, evidence_as_of
from stratagem.model.io import write_yaml
from stratagem.model.schema import Evidence, Scenario
from stratagem.report.evidence import resolve_evidence
from stratagem.store.workspace import Workspace
from stratagem.web.app import create_app
from tests.conftest import DATA
from tests.test_citations import HTML_DOC, TEXT_DOC, _scenario

DOCS = DATA / "citations"
# a scraped text with no dateline: its date is guessed from the latest date written in it
UNDATED = ("Talks resume on export terms\n\nNegotiators from Baghdad and Erbil met again to discuss the terms "
           "for the pipeline to Turkey.\nThe Kurdistan Regional Government said it had sent a new proposal on "
           "12 May 2024, and that officials in Baghdad were reviewing it.\n")


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(DOCS, folder)
    return folder


def _events(ws: Workspace, doc: str) -> dict[str, dt.date | None]:
    return {e.id: e.date for e in ws.evidence(document=doc, kind="event")}


def test_csv_manifest_sets_date_title_url_publisher_before_extraction(docs: Path, tmp_path: Path,
                                                                      run_cli: Any) -> None:
    manifest = docs / "manifest.csv"
    manifest.write_text("path,date,title,url,publisher\n"
                        f"{TEXT_DOC}.txt,2023-06-01,Pipeline restart stalls,https://example.org/p,Example Wire\n"
                        f"{HTML_DOC}.html,,,,Example Energy\n", encoding="utf-8")
    ws_path = tmp_path / "ws.db"
    result = run_cli("ingest", "--manifest", str(manifest), "--workspace", str(ws_path), "--workers", "1")
    assert result.code == 0, result.err
    assert result.out.count("stored:") == 2
    with Workspace(ws_path) as ws:
        text = ws.document(TEXT_DOC)
        page = ws.document(HTML_DOC)
        assert text is not None and page is not None
        assert (text.date, text.date_source, text.title, text.url, text.publisher) == (
            dt.date(2023, 6, 1), "manifest", "Pipeline restart stalls", "https://example.org/p", "Example Wire")
        assert page.date == dt.date(2024, 3, 4) and page.date_source == "html-meta"  # no date given: its own
        assert page.publisher == "Example Energy"
        # the yearless "20 March" takes the manifest date's year: the date was set before extraction
        assert dt.date(2023, 3, 20) in _events(ws, TEXT_DOC).values()
        cited = resolve_evidence(_scenario(ws.evidence(document=TEXT_DOC)[:1]), workspace=ws)
        assert next(iter(cited.values())).publisher == "Example Wire"


def test_yaml_manifest_and_one_line_errors_for_bad_manifests(docs: Path, tmp_path: Path, run_cli: Any) -> None:
    good = docs / "m.yaml"
    good.write_text(f"- path: {TEXT_DOC}.txt\n  date: 2024-04-05\n  title: Stalled\n", encoding="utf-8")
    ws = tmp_path / "ws.db"
    assert run_cli("ingest", "--manifest", str(good), "--workspace", str(ws), "--workers", "1").code == 0
    with Workspace(ws) as w:
        doc = w.document(TEXT_DOC)
        assert doc is not None and doc.date == dt.date(2024, 4, 5) and doc.title == "Stalled"
    bad = {
        "badline.csv": ("path,date\n" f"{TEXT_DOC}.txt,2024-04-05\n" f"{HTML_DOC}.html,04/03/2024\n",
                        "badline.csv:3: date: '04/03/2024' is not a date (YYYY-MM-DD)"),
        "missing.csv": ("path,date\nnot-there.txt,2024-01-01\n", "missing.csv:2: path: no such file 'not-there.txt'"),
        "column.csv": ("path,dated\nx.txt,2024-01-01\n", "column.csv:2: unknown column 'dated'"),
        "short.csv": ("path,date,title\n" f"{TEXT_DOC}.txt,2024-01-01\n", "short.csv:2: 2 fields where the header"),
        "nopath.csv": ("file,date\nx,2024-01-01\n", "nopath.csv:1: the header has no 'path' column"),
        "list.yaml": ("path: x.txt\n", "list.yaml: a YAML manifest is a list of entries"),
    }
    for name, (content, message) in bad.items():
        (docs / name).write_text(content, encoding="utf-8")
        result = run_cli("ingest", "--manifest", str(docs / name), "--workspace", str(tmp_path / "other.db"))
        assert result.code == 2, name
        assert result.err.count("\n") == 1 and message in result.err, (name, result.err)
        assert "Traceback" not in result.err
    if (tmp_path / "other.db").exists():
        with Workspace(tmp_path / "other.db") as other:
            assert not other.documents()  # a bad manifest stores nothing


def test_document_set_corrects_metadata_and_re_extracts(docs: Path, tmp_path: Path, run_cli: Any) -> None:
    ws_path = tmp_path / "ws.db"
    assert run_cli("ingest", str(docs), "--workspace", str(ws_path), "--workers", "1").code == 0
    with Workspace(ws_path) as ws:
        before = _events(ws, TEXT_DOC)
        assert dt.date(2024, 3, 20) in before.values()
        ws.link_scenario("oil-talks", [next(iter(before))])
    result = run_cli("document", "set", TEXT_DOC, "--date", "2023-06-01", "--publisher", "Example Wire",
                     "--workspace", str(ws_path))
    assert result.code == 0, result.err
    assert "date 2024-04-02 -> 2023-06-01" in result.out and "re-extracted" in result.out
    with Workspace(ws_path) as ws:
        doc = ws.document(TEXT_DOC)
        assert doc is not None and doc.date == dt.date(2023, 6, 1) and doc.date_source == "corrected"
        assert doc.publisher == "Example Wire"
        after = _events(ws, TEXT_DOC)
        assert dt.date(2023, 3, 20) in after.values() and dt.date(2024, 3, 20) not in after.values()
        assert next(iter(before)) in {e.id for e in ws.evidence(scenario="oil-talks")}  # links survive
    # a later correction keeps the earlier one's values it does not change
    assert run_cli("document", "set", TEXT_DOC, "--title", "Stalled", "--workspace", str(ws_path)).code == 0
    with Workspace(ws_path) as ws:
        doc = ws.document(TEXT_DOC)
        assert doc is not None and (doc.title, doc.date, doc.publisher) == ("Stalled", dt.date(2023, 6, 1),
                                                                           "Example Wire")
    # and so does re-ingesting the file without any metadata
    result = run_cli("ingest", str(docs), "--workspace", str(ws_path), "--workers", "1")
    assert "already stored, unchanged" in result.out
    with Workspace(ws_path) as ws:
        doc = ws.document(TEXT_DOC)
        assert doc is not None and doc.date == dt.date(2023, 6, 1)


def test_bad_document_set_input_is_one_line_exit_2(tmp_path: Path, docs: Path, run_cli: Any) -> None:
    ws_path = tmp_path / "ws.db"
    assert run_cli("ingest", str(docs / f"{HTML_DOC}.html"), "--workspace", str(ws_path)).code == 0
    for args, message in (
        (("document", "set", "no-such-doc", "--date", "2024-01-01", "--workspace", str(ws_path)),
         "no document 'no-such-doc' in the workspace"),
        (("document", "set", HTML_DOC, "--date", "01/02/2024", "--workspace", str(ws_path)), "is not a date"),
        (("document", "set", HTML_DOC, "--workspace", str(tmp_path / "none.db")), "no workspace here"),
    ):
        result = run_cli(*args)
        assert result.code == 2 and result.err.count("\n") == 1 and message in result.err, result.err


def test_re_ingest_with_changed_options_re_extracts(docs: Path, tmp_path: Path, run_cli: Any) -> None:
    ws_path = tmp_path / "ws.db"
    first = run_cli("ingest", str(docs), "--workspace", str(ws_path), "--workers", "1")
    counts = {line.split(" as ")[1].split(" ")[0]: line for line in first.out.splitlines()}
    assert len(counts) == 2
    again = run_cli("ingest", str(docs), "--workspace", str(ws_path), "--workers", "1")
    assert again.out.count("already stored, unchanged") == 2
    assert "(0 evidence records)" not in again.out
    with Workspace(ws_path) as ws:
        n_before = len(ws.evidence())
        assert not [e for e in ws.evidence() if e.issue]
    sc_path = tmp_path / "oil.yaml"
    with Workspace(ws_path) as ws:
        write_yaml(_scenario(ws.evidence()[:1]), sc_path)
    scenario_run = run_cli("ingest", str(docs), "--workspace", str(ws_path), "--workers", "1",
                           "--scenario", str(sc_path))
    assert scenario_run.out.count("re-extracted") == 2, scenario_run.out
    with Workspace(ws_path) as ws:
        linked = [e for e in ws.evidence() if e.issue == "exports"]
        assert linked and len(ws.evidence()) > n_before  # issue links of the scenario now stored
    same = run_cli("ingest", str(docs), "--workspace", str(ws_path), "--workers", "1", "--scenario", str(sc_path))
    assert same.out.count("already stored, unchanged") == 2
    forced = run_cli("ingest", str(docs / f"{HTML_DOC}.html"), "--workspace", str(ws_path), "--reextract",
                     "--scenario", str(sc_path))
    assert "re-extracted" in forced.out


def test_re_ingest_with_a_date_re_dates_an_undated_document(tmp_path: Path, run_cli: Any) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "undated.txt").write_text(UNDATED, encoding="utf-8")
    (folder / "copy.txt").write_text(UNDATED, encoding="utf-8")  # the same bytes twice in one batch
    ws_path = tmp_path / "ws.db"
    first = run_cli("ingest", str(folder), "--workspace", str(ws_path), "--workers", "1")
    assert first.out.count("stored:") == 1 and first.out.count("already stored, unchanged") == 1, first.out
    with Workspace(ws_path) as ws:
        (doc,) = ws.documents()
        assert doc.date_source == "text-latest" and doc.date == dt.date(2024, 5, 12)
    dated = run_cli("ingest", str(folder / "undated.txt"), "--workspace", str(ws_path), "--date", "2024-06-01")
    assert "re-extracted" in dated.out
    with Workspace(ws_path) as ws:
        (doc,) = ws.documents()
        assert doc.date_source == "supplied" and doc.date == dt.date(2024, 6, 1) and not doc.date_guessed


def test_a_guessed_date_says_so_in_listings_report_and_web(tmp_path: Path, run_cli: Any) -> None:
    doc = tmp_path / "undated.txt"
    doc.write_text(UNDATED, encoding="utf-8")
    ws_path = tmp_path / "ws.db"
    assert run_cli("ingest", str(doc), "--workspace", str(ws_path)).code == 0
    listing = run_cli("document", "list", "--workspace", str(ws_path))
    assert "2024-05-12 (guessed: latest date in the text)" in listing.out
    data = json.loads(run_cli("document", "list", "--workspace", str(ws_path), "--json").out)
    assert data[0]["date_guessed"] is True and data[0]["date_source"] == "text-latest"
    with Workspace(ws_path) as ws:
        records = ws.evidence()
        assert records
        cited = resolve_evidence(_scenario(records[:1]), workspace=ws)
        assert next(iter(cited.values())).date_guessed
    shown = run_cli("show", str(_write(_scenario(records[:1]), tmp_path)), "--workspace", str(ws_path))
    assert "(guessed from the latest date in the text)" in shown.out
    with TestClient(create_app(ws_path, allowed_hosts=["testserver"])) as client:
        assert "2024-05-12 (guessed: latest date in the text)" in client.get("/documents").text
        assert "2024-05-12 (guessed: latest date in the text)" in client.get("/documents/undated").text
        api = client.get("/api/documents").json()
        assert api[0]["date_guessed"] is True


def _write(sc: Scenario, folder: Path) -> Path:
    path = folder / f"{sc.id}.yaml"
    write_yaml(sc, path)
    return path


def test_a_draft_never_cites_a_document_dated_after_as_of(docs: Path, tmp_path: Path, run_cli: Any) -> None:
    """The HTML page is dated 2024-03-04, the scraped text 2024-04-02; as_of lies between them."""
    ws_path = tmp_path / "ws.db"
    sc = _scenario([], as_of="2024-03-20").model_copy(update={"stances": ()})
    sc_path = _write(sc, tmp_path)
    assert run_cli("ingest", str(docs), "--workspace", str(ws_path), "--scenario", str(sc_path),
                   "--workers", "1").code == 0
    with Workspace(ws_path) as ws:
        late = {d.id for d in ws.documents() if d.date and d.date > dt.date(2024, 3, 20)}
        assert late == {TEXT_DOC}
        hindsight = ws.draft_scenario(sc, save=False, include_after_as_of=True)
        assert any(c.document in late for d in hindsight for c in d.citations)  # the filter has work to do
        drafts = ws.draft_scenario(sc)
        assert drafts and all(c.document not in late for d in drafts for c in d.citations)
        assert ws.evidence_as_of(sc).message().startswith("left out 1 document and ")
    result = run_cli("draft", str(sc_path), "--workspace", str(ws_path), "--json")
    assert result.code == 0, result.err
    cited = {c["document"] for d in json.loads(result.out) for c in d["citations"]}
    assert cited and TEXT_DOC not in cited
    assert "left out 1 document" in result.err and "--include-after-as-of" in result.err
    listed = run_cli("evidence", "--workspace", str(ws_path), "--scenario", str(sc_path), "--json", "--limit", "500")
    assert {e["document"] for e in json.loads(listed.out)} == {HTML_DOC}
    assert "left out 1 document" in listed.err
    everything = run_cli("evidence", "--workspace", str(ws_path), "--scenario", str(sc_path), "--json",
                         "--limit", "500", "--include-after-as-of")
    assert {e["document"] for e in json.loads(everything.out)} == {HTML_DOC, TEXT_DOC}
    assert "included 1 document" in everything.err
    with Workspace(ws_path) as ws:
        ws.decide_draft(drafts[0].id, accepted=True)
        accepted = {c.evidence_id for c in drafts[0].citations}
    linked = run_cli("evidence", "--workspace", str(ws_path), "--scenario", str(sc_path), "--linked", "--json")
    assert linked.code == 0, linked.err
    assert {e["id"] for e in json.loads(linked.out)} == accepted
    assert run_cli("evidence", "--workspace", str(ws_path), "--linked").code == 2
    with TestClient(create_app(ws_path, allowed_hosts=["testserver"])) as client:
        with Workspace(ws_path) as ws:
            ws.save_scenario_version(sc, note="test")
        assert "left out 1 document" in client.get(f"/scenarios/{sc.id}/drafts").text


def test_the_as_of_filters_count_what_they_leave_out() -> None:
    class Doc:
        def __init__(self, id: str, date: dt.date | None) -> None:
            self.id, self.date = id, date

    docs = [Doc("a", dt.date(2024, 1, 1)), Doc("b", dt.date(2024, 3, 1)), Doc("c", None)]
    split = documents_as_of(docs, dt.date(2024, 2, 1))
    assert [d.id for d in split.kept] == ["a", "c"] and [d.id for d in split.left_out] == ["b"]
    assert [d.id for d in documents_as_of(docs, dt.date(2024, 2, 1), include_after=True).kept] == ["a", "b", "c"]
    assert [d.id for d in documents_as_of(docs, None).kept] == ["a", "b", "c"]
    records = [Evidence(id="early", document="a", start=0, end=5, date=dt.date(2024, 1, 5)),
               Evidence(id="late-event", document="a", start=5, end=9, date=dt.date(2024, 2, 9)),
               Evidence(id="late-doc", document="b", start=0, end=5)]
    dates = {d.id: d.date for d in docs}
    usable = evidence_as_of(records, dates, dt.date(2024, 2, 1))
    assert [e.id for e in usable.kept] == ["early"] and usable.n_left_out == 2
    assert usable.message() == ("left out 1 document and 1 event dated after as_of 2024-02-01 "
                                "(--include-after-as-of includes them)")
    assert len(evidence_as_of(records, dates, dt.date(2024, 2, 1), include_after=True).kept) == 3


def test_a_web_upload_of_a_stored_document_re_extracts_when_the_scenario_link_changes(tmp_path: Path) -> None:
    ws_path = tmp_path / "ws.db"
    sc = _scenario([])
    with Workspace(ws_path) as ws:
        ws.save_scenario_version(sc, note="test")
    raw = (DOCS / f"{TEXT_DOC}.txt").read_bytes()
    with TestClient(create_app(ws_path, allowed_hosts=["testserver"])) as client:
        client.get("/")
        headers = {"X-CSRF-Token": str(client.cookies.get("stratagem_csrf"))}

        def upload(**data: str) -> dict[str, Any]:
            response = client.post("/api/documents", files={"file": ("scrape.txt", raw, "text/plain")},
                                   data=data, headers=headers)
            assert response.status_code == 201, response.text
            out: dict[str, Any] = response.json()
            return out

        first = upload()
        assert first["created"] and first["n_evidence"] > 0
        again = upload()
        assert (again["created"], again["updated"], again["n_evidence"]) == (False, False, first["n_evidence"])
        linked = upload(scenario=sc.id)
        assert linked["updated"] and linked["id"] == first["id"] and linked["n_evidence"] > first["n_evidence"]
    with Workspace(ws_path) as ws:
        assert len(ws.documents()) == 1
        assert any(e.issue == "exports" for e in ws.evidence())
        assert all(e.document == first["id"] and e.id.startswith(first["id"]) for e in ws.evidence())
