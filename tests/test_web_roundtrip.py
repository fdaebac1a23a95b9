"""Round trip between the web app and files: YAML downloads, uploads that never lose an edit, structure edits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from stratagem.model.builtin import load_builtin
from stratagem.model.io import load_scenario, parse_yaml
from stratagem.web.app import create_app
from stratagem.web.roundtrip import base_of

SID = "us-iraq-2020"
ORIGINAL_NAME = "name: U.S.-Iraq Strategic Dialogue, June 2020"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(tmp_path / "ws.db", allowed_hosts=["testserver", "127.0.0.1"])
    with TestClient(app) as c:
        c.get("/")  # sets the CSRF cookie
        yield c


def token(c: TestClient) -> str:
    value = c.cookies.get("stratagem_csrf")
    assert value
    return str(value)


def headers(c: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": token(c)}


def form_post(c: TestClient, url: str, data: dict[str, str] | None = None, **kw: Any) -> Any:
    return c.post(url, data={**(data or {}), "csrf_token": token(c)}, follow_redirects=False, **kw)


def edit_stance(c: TestClient, position: float, sid: str = SID) -> int:
    r = c.put(f"/api/scenarios/{sid}/stances/us/us-presence", json={"position": position, "salience": 80},
              headers=headers(c))
    assert r.status_code == 200, r.text
    return int(r.json()["version"])


def upload(c: TestClient, text: str, name: str = "s.yaml", **fields: str) -> Any:
    return c.post("/api/documents", files={"file": (name, text.encode("utf-8"), "application/yaml")},
                  data=fields, headers=headers(c))


# -- downloads ------------------------------------------------------------------------
def test_download_any_version_as_yaml_that_loads(client: TestClient, tmp_path: Path) -> None:
    builtin = client.get(f"/api/scenarios/{SID}/yaml")
    assert builtin.status_code == 200 and builtin.headers["content-type"].startswith("application/yaml")
    assert builtin.headers["content-disposition"] == f'attachment; filename="{SID}.yaml"'
    assert parse_yaml(builtin.text) == load_builtin(SID)
    v2 = edit_stance(client, 12)
    edit_stance(client, 33)
    first = client.get(f"/api/scenarios/{SID}/yaml?version={v2}")
    again = client.get(f"/api/scenarios/{SID}/yaml?version={v2}")
    assert first.content == again.content  # the same version, the same bytes
    assert first.headers["content-disposition"] == f'attachment; filename="{SID}-v{v2}.yaml"'
    path = tmp_path / "down.yaml"
    path.write_bytes(first.content)
    loaded = load_scenario(path)  # the library's own loader
    stance = next(s for s in loaded.stances if s.actor == "us" and s.issue == "us-presence")
    assert stance.position == 12
    assert base_of(first.text) == (SID, v2)
    current = client.get(f"/api/scenarios/{SID}/yaml")
    assert current.headers["content-disposition"].endswith(f'-v{v2 + 1}.yaml"')
    assert client.get(f"/api/scenarios/{SID}/yaml?version=99").status_code == 404
    assert client.get("/api/scenarios/nope/yaml").status_code == 404
    page = client.get(f"/scenarios/{SID}").text
    assert f'href="/api/scenarios/{SID}/yaml?version={v2 + 1}"' in page and 'id="download-yaml"' in page


# -- uploads --------------------------------------------------------------------------
def test_upload_of_the_latest_download_is_the_next_version(client: TestClient) -> None:
    v = edit_stance(client, 20)
    text = client.get(f"/api/scenarios/{SID}/yaml?version={v}").text.replace(ORIGINAL_NAME, "name: Renamed dialogue", 1)
    r = upload(client, text)
    assert r.status_code == 201 and r.json()["version"] == v + 1 and r.json()["kept"] is None
    same = upload(client, text)
    assert same.json() == {**r.json(), "created": False}  # an identical upload stores nothing


def test_upload_over_an_edit_asks_and_keeps_both(client: TestClient) -> None:
    v = edit_stance(client, 20)
    stale = client.get(f"/api/scenarios/{SID}/yaml?version={v}").text
    edited = edit_stance(client, 70)  # edited in the web app after the download
    changed = stale.replace(ORIGINAL_NAME, "name: Renamed dialogue", 1)
    r = upload(client, changed)
    assert r.status_code == 409
    body = r.json()
    assert body["latest"] == edited and body["base"] == v and body["options"] == ["keep-both"]
    assert "Nothing was stored" in body["detail"]
    assert [x["version"] for x in client.get(f"/api/scenarios/{SID}/versions").json()][-1] == edited
    kept = upload(client, changed, on_conflict="keep-both")
    assert kept.status_code == 201 and kept.json()["kept"] == edited and kept.json()["version"] == edited + 1
    versions = client.get(f"/api/scenarios/{SID}/versions").json()
    assert versions[-1]["parent"] == edited and "beside version" in versions[-1]["note"]
    edit = client.get(f"/api/scenarios/{SID}?version={edited}").json()["scenario"]
    assert next(s for s in edit["stances"] if s["actor"] == "us" and s["issue"] == "us-presence")["position"] == 70
    undo = client.post(f"/api/scenarios/{SID}/undo", headers=headers(client)).json()
    now = client.get(f"/api/scenarios/{SID}?version={undo['version']}").json()["scenario"]
    assert next(s for s in now["stances"] if s["actor"] == "us" and s["issue"] == "us-presence")["position"] == 70


def test_a_file_without_a_header_over_an_edit_asks(client: TestClient) -> None:
    edit_stance(client, 20)
    body = yaml.safe_dump(load_builtin(SID).model_dump(mode="json", exclude_defaults=True), sort_keys=False)
    r = upload(client, body)
    assert r.status_code == 409 and r.json()["base"] is None


def test_the_html_upload_shows_the_conflict_and_keeps_both(client: TestClient) -> None:
    v = edit_stance(client, 20)
    stale = client.get(f"/api/scenarios/{SID}/yaml?version={v}").text.replace(ORIGINAL_NAME, "name: Renamed dialogue", 1)
    edited = edit_stance(client, 70)
    r = form_post(client, "/documents", files={"file": ("mine.yaml", stale.encode(), "application/yaml")})
    assert r.status_code == 409 and 'id="keep-both"' in r.text and f"version {edited}" in r.text
    assert "&lt;" not in stale and "name: Renamed dialogue" in r.text  # the file rides along, escaped, for the answer
    answer = form_post(client, "/scenarios/import", {"yaml": stale, "name": "mine.yaml", "on_conflict": "keep-both"})
    assert answer.status_code == 303 and answer.headers["location"] == f"/scenarios/{SID}?saved={edited + 1}"
    assert client.get(f"/api/scenarios/{SID}").json()["scenario"]["name"] == "Renamed dialogue"
    assert form_post(client, "/scenarios/import", {"yaml": stale, "on_conflict": "x"}).status_code == 400
    assert client.post("/scenarios/import", data={"yaml": stale}).status_code == 403  # CSRF


def test_uploading_over_a_built_in_keeps_the_built_in_as_version_1(client: TestClient) -> None:
    text = client.get(f"/api/scenarios/{SID}/yaml").text.replace(ORIGINAL_NAME, "name: Renamed dialogue", 1)
    r = upload(client, text)
    assert r.status_code == 201 and r.json()["version"] == 2
    versions = client.get(f"/api/scenarios/{SID}/versions").json()
    assert versions[0]["note"] == "built-in" and versions[1]["parent"] == 1
    restored = client.post(f"/api/scenarios/{SID}/undo", headers=headers(client)).json()["version"]
    assert client.get(f"/api/scenarios/{SID}?version={restored}").json()["scenario"] == \
        load_builtin(SID).model_dump(mode="json")
