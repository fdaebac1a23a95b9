"""The web app and a report in Debian's Chromium: edit, forecast, charts, documents, offline, hostile text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from stratagem.analysis.forecast import forecast
from stratagem.model.builtin import load_builtin
from stratagem.report.build import build_report
from stratagem.report.html import write_report
from stratagem.store.workspace import Workspace
from tests.browser.conftest import ARTIFACTS, QUOTE, LiveServer


def test_edit_a_stance_run_a_forecast_and_open_a_document(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="us-iraq-2020").click()
    page.wait_for_selector("#chart-map-us-presence .main-svg")  # the actor map is drawn
    row = page.locator("#stance-us-us-presence")
    before = row.locator('[data-field="position"]').inner_text().split()[0]
    row.get_by_role("link", name="edit").click()

    page.fill("#position", "banana")
    page.click("#save")
    assert page.locator("#error-position").inner_text() == "enter a number"  # shown next to the field
    page.fill("#position", "20")
    page.fill("#position_low", "10")
    page.fill("#position_high", "30")
    page.fill("#salience", "100")
    page.fill("#salience_low", "")
    page.fill("#salience_high", "")
    page.click("#save")
    page.wait_for_selector("#flash")
    assert "Saved as version" in page.locator("#flash").inner_text()
    assert page.locator('#stance-us-us-presence [data-field="position"]').inner_text().split()[0] == "20"
    assert before != "20"

    page.check('input[name="engines"][value="compromise"]')
    page.check('input[name="engines"][value="bdm"]')
    page.click("#run")
    page.wait_for_selector("#forecast-table")
    page.wait_for_selector("#result-engines .main-svg")
    page.wait_for_selector("#result-trajectory-us-presence .main-svg")
    with Workspace(live_server.workspace) as ws:
        edited = ws.load_scenario_version("us-iraq-2020")
    assert edited is not None
    expected = forecast(edited, "compromise").issues[0].forecast
    original = forecast(load_builtin("us-iraq-2020"), "compromise").issues[0].forecast
    assert f"{expected:.1f}" != f"{original:.1f}"
    first_row = page.locator("#forecast-table tbody tr").first.locator("td")
    assert first_row.nth(0).inner_text() == "U.S. military presence in Iraq"
    assert first_row.nth(2).inner_text() == f"{expected:.1f}"  # the new number, as the library computes it
    page.screenshot(path=str(ARTIFACTS / "web-forecast.png"), full_page=True)

    page.get_by_role("link", name="Documents").click()
    page.get_by_role("link", name=live_server.document).click()
    marks = page.locator("#doctext mark")
    assert marks.count() >= 1
    assert QUOTE in [m.strip() for m in marks.all_inner_texts()]
    mark = page.locator("#doctext mark", has_text=QUOTE).first
    background = mark.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")  # visibly highlighted
    mark.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "web-document.png"), full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]


def test_ensemble_job_shows_progress_and_charts(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/scenarios/ec-emissions-1994")
    page.check('input[name="kind"][value="ensemble"]')
    page.fill("#draws", "300")
    page.check('input[name="engines"][value="compromise"]')
    page.check('input[name="engines"][value="median"]')
    page.click("#run")
    page.wait_for_selector("#ensemble-table")
    page.wait_for_selector("#result-intervals .main-svg")
    assert page.locator("#job-status").inner_text() == "done"
    assert re.search(r"300 draws", page.locator("#results h2").first.inner_text())
    page.screenshot(path=str(ARTIFACTS / "web-ensemble.png"), full_page=True)


def test_a_running_ensemble_can_be_cancelled_from_the_page(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/scenarios/ec-emissions-1994")
    page.check('input[name="kind"][value="ensemble"]')
    page.fill("#draws", "20000")
    for engine in ("ktab", "bdm", "exchange"):
        page.check(f'input[name="engines"][value="{engine}"]')
    page.click("#run")
    page.wait_for_selector("#cancel-job:not([hidden])")
    page.wait_for_selector('#job-status:has-text("running")')
    page.click("#cancel-job")
    page.wait_for_selector('#job-status:text-is("cancelled")')
    assert page.locator("#cancel-job").is_hidden() and page.locator("#run").is_enabled()


def test_report_shows_its_charts_with_the_network_disabled(browser: Any, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    write_report(build_report(load_builtin("ec-emissions-1994"), draws=50, workers=1), target)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    attempted: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            attempted.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(target.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg")
    charts = page.locator(".chart").count()
    assert charts >= 7  # engines, map, trajectory, intervals, bands, histogram, pivotal
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}")
    assert page.locator(".js-plotly-plot").count() == charts  # every chart rendered, from inline Plotly.js
    scenario = load_builtin("ec-emissions-1994")
    bubbles = page.locator(f"#chart-map-{scenario.issues[0].id} .scatterlayer .point").count()
    assert bubbles == len(scenario.actors)  # one bubble per actor
    page.screenshot(path=str(ARTIFACTS / "report-offline.png"), full_page=True)
    assert attempted == [] and errors == []
    context.close()


def test_a_hostile_document_executes_nothing(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # the stored hostile HTML document, both views
    for view in ("clean", "source"):
        page.goto(f"{live_server.url}/documents/{live_server.hostile}?view={view}")
        page.locator("#doctext").hover()
        page.mouse.move(200, 300)
        assert page.locator("#doctext script, #doctext img, #doctext a, #doctext iframe, #doctext h1").count() == 0
    source = page.locator("#doctext").inner_text()
    assert "<script>alert('body')</script>" in source  # the raw markup, shown as text
    assert "<a href=\"javascript:alert('link')\">" in source and "onerror=\"alert('img')\"" in source
    page.screenshot(path=str(ARTIFACTS / "web-hostile-source.png"), full_page=True)
    # upload one through the form as a user would
    upload = tmp_path / "hostile-upload.html"
    upload.write_bytes(b"<html><body><article><p>BAGHDAD, June 12, 2020. <script>alert('upload')</script>"
                       b"<img src=x onerror=\"alert('upload-img')\"> The United States and Iraq held talks on "
                       b"Friday about the future of U.S. troops in Iraq, officials from both governments said.</p>"
                       b"<p>Analysts expected the question of the militias to dominate the next round.</p>"
                       b"</article></body></html>")
    page.goto(live_server.url + "/documents")
    page.set_input_files("#file", str(upload))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#doctext")
    page.get_by_role("link", name="source as stored").click()
    page.wait_for_selector("#doctext")
    assert "<script>alert('upload')</script>" in page.locator("#doctext").inner_text()
    page.goto(live_server.url + "/documents")  # titles with markup in the listing
    assert dialogs == []
    assert page.errors == []  # type: ignore[attr-defined]
