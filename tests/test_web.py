"""The web app in-process (no browser): pages, the JSON API, versions and undo, jobs, and security."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stratagem.analysis.forecast import forecast
from stratagem.model.builtin import load_builtin
from stratagem.web.app import MAX_UPLOAD_BYTES, create_app, highlight_segments
from stratagem.web.server import allowed_hosts, is_loopback
from tests.webclient import token

SID = "us-iraq-2020"
HOSTILE_HTML = (
    b"<html><head><title>Talks <script>alert('title')</script></title></head><body><article>"
    b"<p>BAGHDAD, June 11, 2020. Iraqi Prime Minister Mustafa al-Kadhimi said on Thursday: "
    b"\"Iraq will not be a launching pad for attacks on any of its neighbours.\" "
    b"<img src=x onerror=\"alert('img')\"> <a href=\"javascript:alert('link')\">read more</a></p>"
    b"<script>alert('body')</script><p onmouseover=\"alert('p')\">The United States and Iraq discussed the "
    b"future of U.S. troops in Iraq at length during the Strategic Dialogue.</p></article></body></html>"
)
HOSTILE_TEXT = (
    "Markup in a plain-text file\n\n"
    "BAGHDAD, June 12, 2020. The memo that circulated among officials in Baghdad this week read "
    "<script>alert('txt')</script> and <a href=\"javascript:alert('txt-link')\">this link</a>, which "
    "analysts quoted verbatim in their reports on the Strategic Dialogue between the United States and Iraq.\n\n"
    "Officials said the talks would continue next month, and that the future of the U.S. troop presence "
    "in Iraq would be the main question on the table for both governments.\n"
)

# Dated before the scenario's as_of (2020-06-10), so drafting may use it; invented for this test.
STANCE_TEXT = (
    "Talks on the troop presence\n\n"
    "BAGHDAD, June 2, 2020. Iraqi Prime Minister Mustafa al-Kadhimi said on Tuesday that all U.S. troops "
    "must leave Iraq by the end of the year, and that Baghdad would reject any extension of the U.S. "
    "military presence in the country.\n"
)


def form_post(c: TestClient, url: str, data: dict[str, str] | None = None, **kw: Any) -> Any:
    return c.post(url, data={**(data or {}), "csrf_token": token(c)}, follow_redirects=False, **kw)


def wait_for(c: TestClient, job_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = c.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_pages_render_with_security_headers(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and SID in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    page = client.get(f"/scenarios/{SID}")
    assert page.status_code == 200
    assert 'id="chart-map-us-presence"' in page.text and f'/scenarios/{SID}/stances/us/us-presence' in page.text
    assert client.get("/static/plotly.min.js").text.startswith("/**")
    assert client.get("/scenarios/nope").status_code == 404


def test_state_changes_need_the_csrf_token(client: TestClient) -> None:
    url = f"/scenarios/{SID}/stances/us/us-presence"
    assert client.post(url, data={"position": "40", "salience": "50"}).status_code == 403
    assert client.post(url, data={"position": "40", "salience": "50", "csrf_token": "forged"}).status_code == 403
    api = f"/api/scenarios/{SID}/stances/us/us-presence"
    assert client.put(api, json={"position": 40, "salience": 50}).status_code == 403
    assert client.put(api, json={"position": 40, "salience": 50},
                      headers={"X-CSRF-Token": token(client), "Origin": "http://evil.example"}).status_code == 403
    assert client.get(f"/api/scenarios/{SID}/versions").json() == []  # nothing was stored


def test_edit_shows_errors_next_to_fields_then_saves_and_undoes(client: TestClient) -> None:
    url = f"/scenarios/{SID}/stances/us/us-presence"
    bad = form_post(client, url, {"position": "lots", "salience": "150"})
    assert bad.status_code == 422
    assert 'id="error-position">enter a number<' in bad.text
    assert 'id="error-salience"' in bad.text and 'aria-invalid="true"' in bad.text
    outside = form_post(client, url, {"position": "40", "salience": "80", "position_low": "45", "position_high": "60"})
    assert outside.status_code == 422 and 'id="error-position"' in outside.text
    half = form_post(client, url, {"position": "40", "salience": "80", "position_low": "30"})
    assert half.status_code == 422 and 'id="error-position_high"' in half.text
    scale = form_post(client, url, {"position": "140", "salience": "80"})
    assert scale.status_code == 422 and "outside the scale" in scale.text

    ok = form_post(client, url, {"position": "40", "salience": "80", "position_low": "30", "position_high": "50",
                                 "note": "<b>changed</b> in a test"})
    assert ok.status_code == 303 and ok.headers["location"].startswith(f"/scenarios/{SID}?saved=2")
    sc = client.get(f"/api/scenarios/{SID}").json()
    stance = next(s for s in sc["scenario"]["stances"] if s["actor"] == "us" and s["issue"] == "us-presence")
    assert (sc["version"], stance["position"], stance["position_range"]) == (2, 40.0, {"low": 30.0, "high": 50.0})
    page = client.get(f"/scenarios/{SID}").text
    assert "&lt;b&gt;changed&lt;/b&gt; in a test" in page and "<b>changed</b>" not in page

    # the API edits too, and undo walks back one step at a time
    r = client.put(f"/api/scenarios/{SID}/stances/us/us-presence", json={"position": 35, "salience": 80},
                   headers={"X-CSRF-Token": token(client)})
    assert r.json() == {"scenario": SID, "version": 3}
    assert client.post(f"/api/scenarios/{SID}/undo", headers={"X-CSRF-Token": token(client)}).json()["version"] == 4
    assert _us_presence(client) == 40.0
    assert form_post(client, f"/scenarios/{SID}/undo").status_code == 303
    original = next(s for s in load_builtin(SID).stances if s.actor == "us" and s.issue == "us-presence")
    assert _us_presence(client) == original.position
    assert client.post(f"/api/scenarios/{SID}/undo", headers={"X-CSRF-Token": token(client)}).status_code == 422
    versions = client.get(f"/api/scenarios/{SID}/versions").json()
    assert [v["parent"] for v in versions] == [None, 1, 2, 1, None]


def _us_presence(c: TestClient) -> float:
    sc = c.get(f"/api/scenarios/{SID}").json()["scenario"]
    return float(next(s["position"] for s in sc["stances"] if s["actor"] == "us" and s["issue"] == "us-presence"))


def test_forecast_matches_the_library_and_follows_edits(client: TestClient) -> None:
    h = {"X-CSRF-Token": token(client)}
    r = client.post(f"/api/scenarios/{SID}/forecast", json={"engines": ["compromise", "median"]}, headers=h)
    assert r.status_code == 200
    expected = forecast(load_builtin(SID), "compromise").issues[0].forecast
    assert r.json()["forecasts"]["compromise"]["issues"][0]["forecast"] == pytest.approx(expected)
    assert set(r.json()["figures"]) >= {"engines", "map-us-presence", "trajectory-us-presence"}
    client.put(f"/api/scenarios/{SID}/stances/us/us-presence", json={"position": 10, "salience": 100}, headers=h)
    after = client.post(f"/api/scenarios/{SID}/forecast", json={"engines": ["compromise"]}, headers=h).json()
    assert after["forecasts"]["compromise"]["issues"][0]["forecast"] < expected
    shocked = client.post(f"/api/scenarios/{SID}/forecast",
                          json={"engines": ["compromise"], "shocks": ["lethal-militia-attack"]}, headers=h).json()
    assert "baseline" in shocked
    bad = client.post(f"/api/scenarios/{SID}/forecast", json={"engines": ["nope"]}, headers=h)
    assert bad.status_code == 400 and "unknown engine" in bad.json()["detail"]
    assert client.post(f"/api/scenarios/{SID}/forecast", json={"shocks": ["nope"]}, headers=h).status_code == 400


def test_ensemble_job_reports_progress_and_results(client: TestClient) -> None:
    h = {"X-CSRF-Token": token(client)}
    r = client.post(f"/api/scenarios/{SID}/jobs", headers=h,
                    json={"kind": "ensemble", "draws": 60, "engines": ["compromise", "median"],
                          "shocks": ["lethal-militia-attack"], "seed": 5})
    assert r.status_code == 202 and r.json()["state"] in ("queued", "running", "done")
    job = wait_for(client, r.json()["id"])
    assert job["state"] == "done" and job["progress"] == 1.0
    result = job["result"]
    assert result["ensemble"]["draws"] == 60 and result["shocked"]["draws"] == 60
    assert {"intervals", "bands", "shocks", "histogram-us-presence"} <= set(result["figures"])
    one = client.post(f"/api/scenarios/{SID}/jobs", headers=h, json={"kind": "ensemble", "draws": 1,
                                                                     "engines": ["compromise"]})
    assert wait_for(client, one.json()["id"])["state"] == "done"  # NaN statistics become null, not a 500
    assert client.get("/api/jobs/1-abcdef").status_code == 404


def test_uploads_are_limited_in_size_and_type(client: TestClient) -> None:
    h = {"X-CSRF-Token": token(client)}
    big = client.post("/api/documents", files={"file": ("big.txt", b"a" * (MAX_UPLOAD_BYTES + 10), "text/plain")},
                      headers=h)
    assert big.status_code == 413
    exe = client.post("/api/documents", files={"file": ("tool.exe", b"MZ\x00\x00", "application/octet-stream")},
                      headers=h)
    assert exe.status_code == 415
    binary = client.post("/api/documents", files={"file": ("x.txt", b"\x00\x01\x02" * 100, "text/plain")},
                         headers=h)
    assert binary.status_code == 400
    assert client.get("/api/documents").json() == []


def test_hostile_documents_are_shown_as_text(client: TestClient) -> None:
    h = {"X-CSRF-Token": token(client)}
    up = client.post("/api/documents", files={"file": ("../../etc/talks.html", HOSTILE_HTML, "text/html")},
                     data={"scenario": SID}, headers=h)
    assert up.status_code == 201, up.text
    doc_id = up.json()["id"]
    assert "/" not in doc_id and ".." not in doc_id and up.json()["n_evidence"] >= 1
    for view in ("clean", "source"):
        page = client.get(f"/documents/{doc_id}?view={view}").text
        assert "alert(" not in page.replace("alert(&#39;", "")  # every alert is escaped text
        assert "<script>alert" not in page and "onerror=\"alert" not in page and 'href="javascript:' not in page
    source = client.get(f"/documents/{doc_id}?view=source").text
    assert "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in source
    clean = client.get(f"/documents/{doc_id}").text
    assert '<mark id="ev-' in clean and "launching pad" in clean
    txt = client.post("/api/documents", files={"file": ("memo.txt", HOSTILE_TEXT.encode(), "text/plain")}, headers=h)
    page = client.get(f"/documents/{txt.json()['id']}").text
    assert "&lt;script&gt;alert(&#39;txt&#39;)&lt;/script&gt;" in page and "<script>alert" not in page
    listing = client.get("/documents").text
    assert "<script>alert('title')" not in listing


def test_request_paths_never_reach_the_file_system(client: TestClient, tmp_path: Path) -> None:
    for url in ("/documents/..%2F..%2Fetc%2Fpasswd", "/documents/%2Fetc%2Fpasswd", "/api/documents/..",
                "/api/scenarios/..%2F..%2Fetc%2Fpasswd", "/scenarios/%2Fetc%2Fpasswd", "/static/..%2Fapp.py",
                "/static/../../pyproject.toml"):
        r = client.get(url)
        assert r.status_code in (404, 422), url
        assert "root:" not in r.text and "[project]" not in r.text
    # a scenario whose evidence names a path: the words are not read from that path
    sc = load_builtin("ec-emissions-1994").model_dump(mode="json")
    sc["id"] = "uploaded-test"
    sc["evidence"] = [{"id": "e1", "document": "../../../../etc/passwd", "start": 0, "end": 20}]
    sc["stances"][0]["evidence"] = ["e1"]
    import yaml

    up = client.post("/api/documents", files={"file": ("s.yaml", yaml.safe_dump(sc).encode(), "application/yaml")},
                     headers={"X-CSRF-Token": token(client)})
    assert up.status_code == 201 and up.json() == {"kind": "scenario", "id": "uploaded-test", "created": True,
                                                   "n_evidence": 0, "version": 1, "kept": None, "updated": False}
    page = client.get("/scenarios/uploaded-test").text
    assert "root:" not in page and "words not available" in page


def test_host_header_is_checked(tmp_path: Path) -> None:
    app = create_app(tmp_path / "ws.db", allowed_hosts=allowed_hosts("127.0.0.1"))
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/").status_code == 200
        assert c.get("/", headers={"Host": "attacker.example"}).status_code == 400
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and allowed_hosts("0.0.0.0") is None


def test_drafts_can_be_made_accepted_and_rejected(client: TestClient) -> None:
    h = {"X-CSRF-Token": token(client)}
    client.post("/api/documents", files={"file": ("stance.txt", STANCE_TEXT.encode(), "text/plain")},
                data={"scenario": SID}, headers=h)
    assert form_post(client, f"/scenarios/{SID}/drafts").status_code == 303
    drafts = client.get(f"/api/scenarios/{SID}/drafts").json()
    page = client.get(f"/scenarios/{SID}/drafts").text
    assert "Drafted stances" in page
    assert drafts, "a document dated before as_of with a stated stance gives at least one draft"
    first = drafts[0]["id"]
    r = client.post(f"/api/scenarios/{SID}/drafts/{first}/decision", json={"accepted": True}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert form_post(client, f"/scenarios/{SID}/drafts/{first}", {"decision": "reject"}).status_code == 303
    assert client.get(f"/api/scenarios/{SID}/drafts").json()[0]["status"] == "rejected"
    assert client.post(f"/api/scenarios/{SID}/drafts/nope/decision", json={"accepted": True},
                       headers=h).status_code == 404


def test_highlighting_prefers_earlier_spans_and_skips_overlaps() -> None:
    text = "0123456789"
    pieces = highlight_segments(text, [(2, 4, "q", ""), (0, 6, "e", ""), (7, 9, "x", ""), (8, 20, "bad", "")])
    assert "".join(p for p, _, _ in pieces) == text
    assert [(p, e) for p, e, _ in pieces if e] == [("23", "q"), ("78", "x")]
