"""From two documents to a cited scenario and back to a file, in Debian's Chromium (issue 13's round trip).

Ingest two documents written for this test (scraped-style text and an HTML page with boilerplate)
through the upload form; `stratagem new` writes the skeleton from the workspace; the web app takes
the skeleton, names its issue and anchors, sets capabilities, drafts, accepts two drafts and
forecasts; the YAML download is then opened with `stratagem show` and `stratagem forecast`. The
accepted stances must carry their evidence ids, and every citation must render the words of the
cleaned text it indexes: in the web page, in the document view and on the command line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from stratagem.model.io import load_scenario
from stratagem.store.workspace import Workspace
from tests.browser.conftest import ARTIFACTS, _start

# Text written for this test (a made-up account; no third-party prose).
TALKS = (
    "Pipeline talks resume in Baghdad\n\n"
    "BAGHDAD, March 4, 2024. Iraq said it wanted the pipeline to reopen and exports to resume this spring, "
    "with every barrel sold by the federal marketing company.\n\n"
    "The Kurdistan Regional Government said it wanted the pipeline to stay closed until the contracts of the "
    "companies working in the region are protected.\n\n"
    "Talks between the two sides are expected to continue next week.\n"
)
ANKARA = (
    "<html><head><title>Ankara waits for Baghdad and Erbil</title></head><body>\n"
    "<nav>Home | World | Energy</nav>\n"
    "<article><h1>Ankara waits for Baghdad and Erbil</h1>\n"
    "<p>ANKARA, April 10, 2024. Turkey said it wanted to reopen the pipeline and resume exports once the "
    "two sides <b>agree</b>.</p>\n"
    "<p>Engineers have inspected the line, and the terminal at Ceyhan can take crude again within days.</p>\n"
    "</article><footer>Copyright notice</footer></body></html>\n"
)
SID = "oil-talks"
ISSUE = "issue-1"  # the skeleton's placeholder id, kept
ANCHORS = "0: the pipeline stays closed\n100: the pipeline reopens and exports resume"


def fold(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    from stratagem.web.app import create_app
    from stratagem.web.server import allowed_hosts

    ws_path = tmp_path / "case.db"
    server, thread, url = _start(create_app(ws_path, allowed_hosts=allowed_hosts("127.0.0.1")))
    try:
        yield url, ws_path
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def test_documents_to_a_cited_scenario_and_back_to_a_file(page: Any, fresh_server: tuple[str, Path],
                                                          tmp_path: Path, run_cli: Any) -> None:
    url, ws_path = fresh_server
    talks, ankara = tmp_path / "pipeline-talks.txt", tmp_path / "ankara-statement.html"
    talks.write_text(TALKS, encoding="utf-8")
    ankara.write_text(ANKARA, encoding="utf-8")

    # 1. ingest both documents through the upload form
    for path in (talks, ankara):
        page.goto(url + "/documents")
        page.set_input_files("#file", str(path))
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("#doctext")
    with Workspace(ws_path) as ws:
        assert len(ws.documents()) == 2

    # 2. the skeleton from the workspace, by the CLI
    skeleton = tmp_path / "skeleton.yaml"
    made = run_cli("new", SID, "--workspace", str(ws_path), "--as-of", "2024-06-01", "-o", str(skeleton))
    assert made.code == 0, made.err
    assert {a.id for a in load_scenario(skeleton).actors} >= {"iraq", "krg", "turkey"}

    # 3. into the web app: upload it, name the issue and its anchors, set capabilities
    page.goto(url + "/")
    page.set_input_files("#scenario-file", str(skeleton))
    page.locator("form:has(#scenario-file) button[type=submit]").click()
    page.wait_for_selector("#flash")
    page.click("#edit-details")
    page.fill("#name", "Reopening the Kirkuk-Ceyhan pipeline, 2024")
    page.click("#save")
    page.wait_for_selector("#flash")
    page.locator(f"#issue-{ISSUE} a.edit").click()
    page.fill("#name", "Reopening the pipeline")
    page.fill("#anchors", "0 the pipeline stays closed")  # a mistake: one clear error, nothing stored
    page.click("#save")
    assert "VALUE: LABEL" in page.locator("#error-anchors").inner_text()
    assert page.locator(".error").count() == 1
    page.fill("#anchors", ANCHORS)
    page.click("#save")
    page.wait_for_selector("#flash")
    page.click("#edit-capabilities")
    page.fill("#cap-iraq", "3")
    page.fill("#cap-turkey", "2")
    page.click("#save")
    page.wait_for_selector("#flash")

    # 4. draft, and accept the drafts of Iraq (text document) and Turkey (HTML document)
    page.get_by_role("link", name=re.compile("drafted stances")).click()
    page.click("#make-drafts")
    page.wait_for_selector("#drafts")
    accepted = [f"{SID}.iraq.{ISSUE}", f"{SID}.turkey.{ISSUE}"]
    for draft_id in accepted:
        row = page.locator(f'[id="draft-{draft_id}"]')
        assert row.count() == 1, f"no draft {draft_id}: {page.locator('#drafts').inner_text()}"
        row.get_by_role("button", name="accept").click()
        page.wait_for_selector(f'[id="draft-{draft_id}"] .status:text("accepted")')
    with Workspace(ws_path) as ws:
        citations = {d.id: [c.evidence_id for c in d.citations] for d in ws.drafts(SID)}
        cleaned = {d.id: d.cleaned for d in ws.documents()}

    # 5. forecast in the page
    page.goto(f"{url}/scenarios/{SID}")
    page.click("#run")
    page.wait_for_selector("#forecast-table")
    assert page.locator("#forecast-table tbody tr").first.locator("td").nth(0).inner_text() == \
        "Reopening the pipeline"

    # the web page renders each accepted stance's citations with the words of the cleaned text
    sc_web = load_scenario_from(url)
    records = {e.id: e for e in sc_web.evidence}
    for actor in ("iraq", "turkey"):
        stance = next(s for s in sc_web.stances if s.actor == actor)
        assert list(stance.evidence) == citations[f"{SID}.{actor}.{ISSUE}"] and stance.evidence
        row = page.locator(f"#stance-{actor}-{ISSUE}").inner_text()
        for eid in stance.evidence:
            ev = records[eid]
            words = cleaned[ev.document][ev.start:ev.end]
            assert fold(words) in fold(row), (eid, words, row)
            assert "<" not in row and ">" not in row  # no markup from the HTML page
    page.screenshot(path=str(ARTIFACTS / "web-roundtrip.png"), full_page=True)

    # the document view highlights the cited span itself
    first = records[next(s for s in sc_web.stances if s.actor == "turkey").evidence[0]]
    page.locator(f"#stance-turkey-{ISSUE} .cite a").first.click()
    page.wait_for_selector("#doctext")
    focus = page.locator("#doctext mark.focus")
    assert focus.count() == 1
    assert fold(focus.inner_text()) == fold(cleaned[first.document][first.start:first.end])

    # 6. download the YAML (the link the page shows) and open it with the CLI
    page.goto(f"{url}/scenarios/{SID}")
    with page.expect_download() as info:
        page.click("#download-yaml")
    download = tmp_path / "downloaded.yaml"
    info.value.save_as(str(download))
    again = httpx.get(f"{url}{page.locator('#download-yaml').get_attribute('href')}")
    assert again.content == download.read_bytes()  # the same version, the same bytes
    sc = load_scenario(download)
    assert sc == sc_web
    for actor in ("iraq", "turkey"):
        stance = next(s for s in sc.stances if s.actor == actor)
        assert list(stance.evidence) == citations[f"{SID}.{actor}.{ISSUE}"]
    shown = run_cli("show", str(download), "--workspace", str(ws_path))
    assert shown.code == 0, shown.err
    out = fold(shown.out)
    for s in sc.stances:
        for eid in s.evidence:
            ev = records[eid]
            assert eid in out
            assert fold(f"“{cleaned[ev.document][ev.start:ev.end]}”") in out, (eid, shown.out)
    assert "does not match" not in shown.out + shown.err
    assert "Reopening the Kirkuk-Ceyhan pipeline, 2024" in out
    forecast = run_cli("forecast", str(download), "-e", "compromise")
    assert forecast.code == 0 and "Reopening the pipeline" in fold(forecast.out), forecast.err
    valid = run_cli("validate", str(download), "--workspace", str(ws_path))
    assert valid.code == 0 and "valid scenario" in valid.out and "do not match:" not in valid.out, valid.out
    assert page.errors == []  # type: ignore[attr-defined]


def load_scenario_from(url: str) -> Any:
    from stratagem.model.io import parse_yaml

    return parse_yaml(httpx.get(f"{url}/api/scenarios/{SID}/yaml").text)


def test_uploading_a_stale_file_over_an_edit_asks_and_keeps_both(page: Any, fresh_server: tuple[str, Path],
                                                                 tmp_path: Path) -> None:
    url, ws_path = fresh_server
    sid = "ec-emissions-1994"
    page.goto(f"{url}/scenarios/{sid}")
    with page.expect_download() as info:
        page.click("#download-yaml")
    stale = tmp_path / "stale.yaml"
    info.value.save_as(str(stale))
    assert stale.read_text(encoding="utf-8").startswith(f"# stratagem scenario {sid}, built-in")
    # an edit in the web app after the download
    page.locator(f"#stance-germany-{load_scenario(stale).issues[0].id} a.edit").click()
    page.fill("#position", "11")
    page.click("#save")
    page.wait_for_selector("#flash")
    # the file downloaded before the edit, changed elsewhere, uploaded over the edit
    changed = tmp_path / "mine.yaml"
    changed.write_text(stale.read_text(encoding="utf-8").replace("name: EC car-emission", "name: My EC car-emission",
                                                                 1), encoding="utf-8")
    page.goto(url + "/")
    page.set_input_files("#scenario-file", str(changed))
    page.locator("form:has(#scenario-file) button[type=submit]").click()
    page.wait_for_selector("#conflict-message")
    assert "Nothing was stored" in page.locator("#conflict-message").inner_text()
    with Workspace(ws_path) as ws:
        before = ws.scenario_versions(sid)
    page.screenshot(path=str(ARTIFACTS / "web-upload-conflict.png"), full_page=True)
    page.click("#keep-both")
    page.wait_for_selector("#flash")
    assert page.locator("h1").first.inner_text().startswith("My EC car-emission")
    with Workspace(ws_path) as ws:
        after = ws.scenario_versions(sid)
        edit = ws.load_scenario_version(sid, before[-1].version)
    assert len(after) == len(before) + 1 and after[-1].parent == before[-1].version
    assert edit is not None and next(s for s in edit.stances if s.actor == "germany").position == 11  # kept
    page.click("#undo")
    page.wait_for_selector("#flash")
    assert not page.locator("h1").first.inner_text().startswith("My")
    assert page.errors == []  # type: ignore[attr-defined]
