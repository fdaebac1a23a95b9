"""One offset space, checked: citations render the record's words everywhere, and a wrong offset is a mismatch.

Real extraction (no mocks) on an HTML page and a scraped text with boilerplate, both written
for these tests (tests/data/citations/). Every evidence record the workspace holds is cited by
a scenario; ``show``, ``report``, the web stance table and the web document view must display
exactly the record's words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from stratagem.evidence.citations import FolderTexts, resolve_citation
from stratagem.model.builtin import load_builtin
from stratagem.model.io import write_yaml
from stratagem.model.schema import Evidence, Scenario
from stratagem.report.build import build_report
from stratagem.report.evidence import resolve_evidence
from stratagem.report.html import render_report
from stratagem.store.workspace import Workspace, WorkspaceError
from stratagem.web.app import create_app
from tests.conftest import DATA

DOCS = DATA / "citations"
HTML_DOC, TEXT_DOC = "oil_talks", "pipeline_scrape"


def _scenario(records: list[Evidence], *, as_of: str = "2024-06-01") -> Scenario:
    """Three actors and one issue; the first stance cites every record given."""
    ids = [e.id for e in records]
    return Scenario.model_validate({
        "id": "oil-talks", "name": "Baghdad-Erbil oil export talks", "as_of": as_of,
        "actors": [
            {"id": "krg", "name": "Kurdistan Regional Government", "kind": "government",
             "aliases": ["KRG", "regional government", "Erbil", "Kurdish officials", "Kurdish negotiator"],
             "capability": 30},
            {"id": "baghdad", "name": "Federal government of Iraq", "kind": "government",
             "aliases": ["Baghdad", "federal government", "Sudani", "Mohammed Shia al-Sudani",
                         "Federal Oil Minister", "oil ministry"], "capability": 50},
            {"id": "turkey", "name": "Turkey", "kind": "state", "aliases": ["Ankara"], "capability": 20},
        ],
        "issues": [{"id": "exports", "name": "Oil exports through the pipeline to Turkey",
                    "description": "Whether crude exports from the region resume through the northern pipeline.",
                    "anchors": [{"value": 0, "label": "the pipeline stays closed and salaries stay unpaid"},
                                {"value": 100, "label": "exports resume under a budget agreement that pays "
                                                        "salaries in full"}],
                    "status_quo": 10}],
        "stances": [{"actor": "krg", "issue": "exports", "position": 40, "salience": 90, "evidence": ids},
                    {"actor": "baghdad", "issue": "exports", "position": 70, "salience": 80},
                    {"actor": "turkey", "issue": "exports", "position": 30, "salience": 50}],
        "evidence": [e.model_dump(mode="json") for e in records],
    })


@dataclass
class Setup:
    ws_path: Path
    records: list[Evidence]
    cleaned: dict[str, str]
    raw: dict[str, str]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    ws_path = tmp_path_factory.mktemp("citations") / "ws.db"
    with Workspace(ws_path) as ws:
        outcomes = ws.ingest_paths([DOCS], workers=1)
        assert all(o.error is None for o in outcomes), outcomes
        records = ws.evidence()
        cleaned = {d.id: d.cleaned for d in ws.documents()}
        raw = {d.id: (ws.raw_bytes(d.id) or b"").decode("utf-8") for d in ws.documents()}
    assert {HTML_DOC, TEXT_DOC} <= {e.document for e in records}
    return Setup(ws_path, records, cleaned, raw)


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_the_test_documents_exercise_both_offset_spaces(setup: Setup) -> None:
    """Cleaned and source offsets differ for both documents, so slicing the wrong text would show."""
    for doc in (HTML_DOC, TEXT_DOC):
        recs = [e for e in setup.records if e.document == doc]
        assert recs, doc
        assert any(setup.raw[doc][e.start:e.end] != e.text for e in recs), doc
    assert "<p>" in setup.raw[HTML_DOC] and "Sign up for our daily briefing" in setup.raw[TEXT_DOC]
    assert "Sign up for our daily briefing" not in setup.cleaned[TEXT_DOC]


def test_every_record_carries_its_words_and_names_the_cleaned_text(setup: Setup) -> None:
    with Workspace(setup.ws_path) as ws:
        for e in setup.records:
            assert e.offsets == "cleaned" and e.text is not None
            assert _norm(setup.cleaned[e.document][e.start:e.end]) == _norm(e.text)
            citation = resolve_citation(e, [ws.document_text])
            assert citation.status == "ok" and citation.words == e.text
            assert ws.span_text(e) == e.text
            assert "<" not in e.text and ">" not in e.text  # HTML sources never give markup


def test_show_displays_exactly_each_records_words(setup: Setup, tmp_path: Path, run_cli: Any) -> None:
    path = tmp_path / "oil.yaml"
    write_yaml(_scenario(setup.records), path)
    result = run_cli("show", str(path), "--workspace", str(setup.ws_path))
    assert result.code == 0, result.err
    out = _norm(result.out)
    for e in setup.records:
        assert f"“{_norm(e.text or '')}”" in out, e.id
    assert "DOES NOT MATCH" not in result.out
    n = len(setup.records)
    assert f"{n}/{n} evidence records quoted, {n} checked against their documents" in result.out


def test_report_quotes_exactly_each_records_words(setup: Setup, tmp_path: Path, run_cli: Any) -> None:
    sc = _scenario(setup.records)
    with Workspace(setup.ws_path) as ws:
        data = build_report(sc, draws=20, workers=1, workspace=ws, shocks=[])
    assert data.evidence_found == len(setup.records) and not data.evidence_problems
    page = render_report(data)
    for e in setup.records:
        cited = data.evidence[e.id]
        assert cited.words == e.text and cited.status == "ok", e.id
        assert f"<blockquote>{escape(_norm(e.text or ''))}</blockquote>" in page, e.id
    assert "&lt;/h1&gt;" not in page and "&lt;p&gt;" not in page  # no markup from the HTML page
    path = tmp_path / "oil.yaml"
    write_yaml(sc, path)
    result = run_cli("report", str(path), "--workspace", str(setup.ws_path), "-o", str(tmp_path / "r.html"),
                     "--draws", "10", "--workers", "1", "--no-shocks", "-q")
    assert result.code == 0, result.err
    n = len(setup.records)
    assert f"{n}/{n} evidence records quoted, {n} checked" in result.out and "do not match" not in result.out


def test_records_without_words_are_checked_against_the_workspace_record(setup: Setup) -> None:
    """A hand-written scenario that cites workspace ids by offsets only is still checked."""
    bare = [e.model_copy(update={"text": None}) for e in setup.records]
    with Workspace(setup.ws_path) as ws:
        cited = resolve_evidence(_scenario(bare), workspace=ws)
    assert all(c.status == "ok" and c.words == e.text for e, c in
               zip(setup.records, (cited[e.id] for e in setup.records), strict=True))


def test_without_a_workspace_citations_resolve_from_the_documents_folder(setup: Setup) -> None:
    """`report --documents DIR` reads the cleaned text again from the files: the same words, checked."""
    cited = resolve_evidence(_scenario(setup.records), documents=[DOCS])
    assert all(cited[e.id].status == "ok" and cited[e.id].source == "record" for e in setup.records)
    bare = resolve_evidence(_scenario([e.model_copy(update={"text": None}) for e in setup.records]), documents=[DOCS])
    assert all(bare[e.id].words == setup.cleaned[e.document][e.start:e.end] and bare[e.id].source == "file"
               for e in setup.records)


@pytest.fixture
def web(setup: Setup) -> Iterator[TestClient]:
    with Workspace(setup.ws_path) as ws:
        ws.save_scenario_version(_scenario(setup.records), note="test")
    app = create_app(setup.ws_path, allowed_hosts=["testserver"])
    with TestClient(app) as client:
        yield client


def test_web_stance_table_and_document_views_show_exactly_each_records_words(setup: Setup, web: TestClient
                                                                             ) -> None:
    page = web.get("/scenarios/oil-talks").text
    for e in setup.records:
        assert f"<blockquote>{escape(_norm(e.text or ''))}</blockquote>" in page, e.id
        link = f"/documents/{e.document}?view=clean&amp;start={e.start}&amp;end={e.end}"
        assert link in page, e.id
        focused = web.get(f"/documents/{e.document}?view=clean&start={e.start}&end={e.end}").text
        mark = re.search(r'<mark id="ev-focus"[^>]*>(.*?)</mark>', focused, re.S)
        assert mark is not None and html.unescape(mark.group(1)) == setup.cleaned[e.document][e.start:e.end]
        assert _norm(html.unescape(mark.group(1))) == _norm(e.text or "")
    for doc in (HTML_DOC, TEXT_DOC):
        api = web.get(f"/api/documents/{doc}").json()
        words = {s["id"]: (s["text"], s["status"]) for s in api["evidence"]}
        for e in setup.records:
            if e.document == doc:
                assert words[e.id] == (e.text, "ok")
        view = web.get(f"/documents/{doc}").text
        marks = re.findall(r'<mark id="ev-([^"]+)"[^>]*>(.*?)</mark>', view, re.S)
        assert marks
        by_id = {e.id: e for e in setup.records}
        for eid, shown in marks:
            assert _norm(html.unescape(shown)) == _norm(by_id[eid].text or ""), eid
        assert "&lt;/h1&gt;" not in view and "&lt;p&gt;" not in view


def _shifted(e: Evidence, by: int = 3) -> Evidence:
    return e.model_copy(update={"start": e.start + by, "end": e.end + by})


def test_a_wrong_offset_is_reported_as_a_mismatch_not_counted_as_quoted(setup: Setup, tmp_path: Path,
                                                                        run_cli: Any) -> None:
    good = setup.records[0]
    wrong = _shifted(setup.records[1])
    bare_wrong = _shifted(setup.records[2]).model_copy(update={"text": None})
    sc = _scenario([good, wrong, bare_wrong])
    with Workspace(setup.ws_path) as ws:
        data = build_report(sc, draws=10, workers=1, workspace=ws, shocks=[])
    assert data.evidence_found == 1
    assert {e.id for e in data.evidence_problems} == {wrong.id, bare_wrong.id}
    assert data.evidence[wrong.id].status == "mismatch"
    assert data.evidence[wrong.id].found == setup.cleaned[wrong.document][wrong.start:wrong.end]
    page = render_report(data)
    assert "citation does not match its document" in page and "1 of 3 evidence records quoted" in page
    path = tmp_path / "wrong.yaml"
    write_yaml(sc, path)

    result = run_cli("validate", str(path), "--workspace", str(setup.ws_path))
    assert result.code == 1
    lines = [ln for ln in result.out.splitlines() if ln.startswith("citation does not match")]
    assert len(lines) == 2
    for line, e in zip(lines, (wrong, bare_wrong), strict=True):
        found = _norm(setup.cleaned[e.document][e.start:e.end])
        assert f"{e.document} {e.id} (cleaned {e.start}-{e.end}): expected “" in line
        assert _norm(setup.records[1 if e is wrong else 2].text or "")[:40] in line
        assert found[:40] in line

    result = run_cli("report", str(path), "--workspace", str(setup.ws_path), "-o", str(tmp_path / "r.html"),
                     "--draws", "10", "--workers", "1", "--no-shocks", "-q")
    assert result.code == 0, result.err
    assert "1/3 evidence records quoted" in result.out and "2 do not match their documents" in result.out
    assert result.err.count("citation does not match:") == 2

    result = run_cli("show", str(path), "--workspace", str(setup.ws_path))
    assert result.code == 0 and result.out.count("DOES NOT MATCH") == 2
    assert "2 citations do not match their documents" in result.out and "1/3 evidence records quoted" in result.out

    with Workspace(setup.ws_path) as ws:
        ws.save_scenario_version(sc, note="wrong offsets")
        assert ws.span_text(wrong) is None  # the Python API gives no words for a citation that does not match
    with TestClient(create_app(setup.ws_path, allowed_hosts=["testserver"])) as client:
        page = client.get(f"/scenarios/{sc.id}").text
    assert page.count("citation does not match its document") == 2
    assert f"<blockquote>{escape(_norm(good.text or ''))}</blockquote>" in page


def test_source_offsets_resolve_in_the_text_as_written_and_never_in_html_markup(setup: Setup, tmp_path: Path
                                                                                ) -> None:
    text = setup.raw[TEXT_DOC]
    sentence = "officials on both sides said"
    start = text.index(sentence)
    as_written = Evidence(id="by-source", document=TEXT_DOC, start=start, end=start + len(sentence),
                          offsets="source", text=sentence)
    markup = Evidence(id="in-markup", document=HTML_DOC, start=0, end=20, offsets="source")
    with Workspace(setup.ws_path) as ws:
        assert resolve_citation(as_written, [ws.document_text]).status == "ok"
        assert resolve_citation(markup, [ws.document_text]).status == "markup"
        with pytest.raises(WorkspaceError, match="indexes the cleaned text"):
            ws.add_evidence([as_written])
    undeclared = as_written.model_copy(update={"offsets": "cleaned"})  # written before offsets were named
    with Workspace(setup.ws_path) as ws:
        hinted = resolve_citation(undeclared, [ws.document_text])
    assert hinted.status == "mismatch" and "the offsets fit the source text: say offsets: source" in hinted.describe()
    folder = FolderTexts([DOCS])
    assert resolve_citation(as_written, [folder]).status == "ok"  # the documents folder, no workspace
    cleaned = next(e for e in setup.records if e.document == TEXT_DOC)
    assert resolve_citation(cleaned, [folder]).status == "ok"  # cleaned text recomputed from the file


def test_builtin_scenarios_declare_source_offsets_and_resolve_from_the_seeds() -> None:
    sc = load_builtin("us-iraq-2020")
    assert {e.offsets for e in sc.evidence} == {"source"}
    cited = resolve_evidence(sc)
    if all(c.status == "missing" for c in cited.values()):
        pytest.skip("seed documents not found (../shared/seeds or $STRATAGEM_DOCUMENTS)")
    assert all(c.quoted and c.status == "unchecked" for c in cited.values())


def test_versions_stored_before_offsets_were_named_keep_their_source_offsets(tmp_path: Path) -> None:
    """A web-edited built-in saved by an earlier release has no `offsets`: its spans indexed the source text."""
    sc = load_builtin("us-iraq-2020")
    with Workspace(tmp_path / "ws.db") as ws:
        version = ws.save_scenario_version(sc)
        with ws.transaction() as conn:
            content = conn.execute("SELECT content FROM scenario_versions").fetchone()[0]
            conn.execute("UPDATE scenario_versions SET content = ?",
                         (content.replace('"offsets":"source",', ""),))
        assert '"offsets"' not in ws.query("SELECT content FROM scenario_versions")[0][0]
        loaded = ws.load_scenario_version(sc.id, version)
    assert loaded is not None and loaded == sc
