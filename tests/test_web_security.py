"""Host and Origin checks, the access token for binds beyond loopback, names shown as text in charts,
finite numbers in API answers, the offline API page and built-ins that uploads never shadow."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from stratagem.model.builtin import load_builtin
from stratagem.model.errors import StratagemError
from stratagem.report import charts
from stratagem.web.app import create_app
from stratagem.web.security import parse_host
from stratagem.web.server import allowed_hosts, check_bind
from tests.webclient import token

SID = "us-iraq-2020"
HOSTILE = "<a href=x>y</a>"


def _upload(c: TestClient, data: dict[str, Any], name: str = "s.yaml") -> Any:
    body = yaml.safe_dump(data, sort_keys=False).encode()
    return c.post("/api/documents", files={"file": (name, body, "application/yaml")},
                  headers={"X-CSRF-Token": token(c)})


# -- Host -----------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["127.0.0.1:8000@evil.com", "evil.com@127.0.0.1", "127.0.0.1:8000/x",
                                   "127.0.0.1 :8000", "127.0.0.1:99999", "", "a..b:", "[::1", "127.0.0.1:80:80"])
def test_malformed_host_values_are_not_parsed(value: str) -> None:
    assert parse_host(value) is None


def test_plain_host_values_are_parsed() -> None:
    assert parse_host("127.0.0.1:8000") == ("127.0.0.1", 8000)
    assert parse_host("LocalHost") == ("localhost", None)
    assert parse_host("[::1]:8000") == ("[::1]", 8000)


def test_the_host_header_must_name_this_server_exactly(tmp_path: Path) -> None:
    app = create_app(tmp_path / "ws.db", allowed_hosts=allowed_hosts("127.0.0.1"))
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/engines").status_code == 200
        for host in ("127.0.0.1:8000@evil.com", "evil.com", "127.0.0.1.evil.com", "[::2]:8000"):
            assert c.get("/api/engines", headers={"Host": host}).status_code == 400, host
        assert c.get("/api/engines", headers={"Host": "[::1]:8000"}).status_code == 200
    # without a list of hosts a malformed Host is refused all the same
    with TestClient(create_app(tmp_path / "ws2.db", allowed_hosts=None)) as c:
        assert c.get("/api/engines", headers={"Host": "127.0.0.1:8000@evil.com"}).status_code == 400


# -- Origin and Referer ---------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{"Origin": "null"}, {"Origin": "http://evil.example"},
                                     {"Origin": "http://testserver.evil.example"},
                                     {"Referer": "http://evil.example/page"}, {"Sec-Fetch-Site": "cross-site"}])
def test_state_changes_from_another_origin_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    r = client.post(f"/api/scenarios/{SID}/undo", headers={"X-CSRF-Token": token(client), **headers})
    assert r.status_code == 403 and "cross" in r.json()["detail"]


def test_same_origin_state_changes_pass_the_origin_check(client: TestClient) -> None:
    for headers in ({"Origin": "http://testserver"}, {"Referer": "http://testserver/scenarios/x"},
                    {"Sec-Fetch-Site": "same-origin"}):
        r = client.post(f"/api/scenarios/{SID}/undo", headers={"X-CSRF-Token": token(client), **headers})
        assert r.status_code == 422 and r.json()["errors"] == {"form": "nothing to undo"}  # past the checks


# -- binds beyond loopback ------------------------------------------------------------------
def test_a_bind_beyond_loopback_needs_the_opt_in_and_a_token() -> None:
    check_bind("127.0.0.1", allow_remote=False, token=None)
    with pytest.raises(StratagemError, match="--allow-remote"):
        check_bind("0.0.0.0", allow_remote=False, token=None)
    with pytest.raises(StratagemError, match="needs --token"):
        check_bind("192.0.2.7", allow_remote=True, token=None)
    with pytest.raises(StratagemError, match="--token: 16 to 256"):
        check_bind("192.0.2.7", allow_remote=True, token="short")
    check_bind("192.0.2.7", allow_remote=True, token="a" * 24)
    assert allowed_hosts("192.0.2.7") == ["192.0.2.7"]  # the Host check stays on
    assert allowed_hosts("0.0.0.0", ["stratagem.lan"]) == ["stratagem.lan"]


def test_the_cli_refuses_a_remote_bind_in_one_line() -> None:
    exe = Path(sys.executable).with_name("stratagem")
    done = subprocess.run([str(exe), "serve", "--host", "0.0.0.0", "--port", "1"], capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[1])})
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "--allow-remote" in done.stderr


def test_with_a_token_every_request_must_carry_it(tmp_path: Path) -> None:
    secret = "k" * 20 + "-token"
    app = create_app(tmp_path / "ws.db", allowed_hosts=["testserver"], access_token=secret)
    with TestClient(app, follow_redirects=False) as c:
        assert c.get("/api/engines").status_code == 401
        assert c.get("/api/engines", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/engines", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
        r = c.get(f"/scenarios/{SID}?token={secret}&saved=1")
        assert r.status_code == 303 and r.headers["location"] == f"/scenarios/{SID}?saved=1"
        assert "HttpOnly" in r.headers["set-cookie"]
        assert c.get("/api/engines").status_code == 200  # the cookie now carries it


# -- names in charts are text ---------------------------------------------------------------
def _hostile_scenario() -> dict[str, Any]:
    data = load_builtin("ec-emissions-1994").model_dump(mode="json", exclude_defaults=True)
    data["id"] = "hostile"
    data["actors"][0]["name"] = HOSTILE
    data["issues"][0]["name"] = "<b onmouseover=x>issue</b> & more"
    return data


def test_a_chart_of_an_actor_named_like_a_link_contains_no_live_markup() -> None:
    from stratagem.model.schema import Scenario

    sc = Scenario.model_validate(_hostile_scenario())
    text = charts.to_json(charts.actor_map(sc, sc.issues[0]))
    figure = json.loads(text)
    tags = re.findall(r"<[^>]*>", json.dumps(figure))
    assert set(tags) <= {"<br>", "<extra>", "</extra>"}, set(tags)  # no markup but the chart's own
    assert "&lt;a href=x&gt;y&lt;/a&gt;" in figure["data"][0]["y"]  # shown as the characters themselves
    assert "&amp; more" in figure["layout"]["title"]["text"]
    assert "<br>" in figure["data"][0]["text"][0]  # the chart's own line breaks stay


def test_web_forecast_charts_show_hostile_names_as_text(client: TestClient) -> None:
    assert _upload(client, _hostile_scenario()).status_code == 201
    r = client.post("/api/scenarios/hostile/forecast", json={}, headers={"X-CSRF-Token": token(client)})
    assert r.status_code == 200
    figures = json.dumps(r.json()["figures"])
    assert "<a href" not in figures and "&lt;a href=x&gt;" in figures


# -- finite numbers -------------------------------------------------------------------------
def test_api_answers_are_valid_json_even_when_numbers_overflow(client: TestClient) -> None:
    data = load_builtin("ec-emissions-1994").model_dump(mode="json", exclude_defaults=True)
    data["id"] = "huge"
    for actor in data["actors"]:
        actor["capability"] = 1.7e308
    up = _upload(client, data)
    if up.status_code != 201:  # the schema may refuse such capabilities: then a clear error, not invalid JSON
        assert up.status_code == 400 and up.json()["detail"]
        return
    r = client.post("/api/scenarios/huge/forecast", json={}, headers={"X-CSRF-Token": token(client)})

    def refuse(name: str) -> None:
        raise AssertionError(f"invalid JSON constant {name}")

    assert r.status_code in (200, 400)
    json.loads(r.text, parse_constant=refuse)


# -- API docs offline -----------------------------------------------------------------------
def test_api_docs_work_offline(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    html = r.text
    assert "/api/engines" in html and "DELETE /api/jobs/{job_id}" in html and "RunRequest" in html
    assert "cdn" not in html.lower() and "<script src=\"http" not in html
    assert client.get("/redoc").status_code == 404


# -- built-ins are never shadowed -----------------------------------------------------------
def test_an_upload_with_a_builtins_id_keeps_the_builtin_loadable_and_restorable(client: TestClient) -> None:
    builtin = load_builtin(SID)
    data = builtin.model_dump(mode="json", exclude_defaults=True)
    data["name"] = "My own scenario"
    up = _upload(client, data)
    assert up.status_code == 201 and up.json()["version"] == 2
    versions = client.get(f"/api/scenarios/{SID}/versions").json()
    assert versions[0]["version"] == 1 and versions[0]["note"] == "built-in"
    first = client.get(f"/api/scenarios/{SID}", params={"version": 1}).json()["scenario"]
    assert first == builtin.model_dump(mode="json")  # the built-in is still loadable ...
    assert client.get(f"/api/scenarios/{SID}").json()["scenario"]["name"] == "My own scenario"
    assert client.post(f"/scenarios/{SID}/restore-builtin", data={"csrf_token": token(client)},
                       follow_redirects=False).status_code == 303
    current = client.get(f"/api/scenarios/{SID}").json()  # ... and restorable
    assert current["version"] == 3 and current["scenario"] == builtin.model_dump(mode="json")
    assert any(s["id"] == SID and s["builtin"] for s in client.get("/api/scenarios").json())
