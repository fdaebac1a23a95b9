"""Round trip between the web app and files: YAML downloads, uploads that never lose an edit, structure edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from stratagem.model.builtin import load_builtin
from stratagem.model.io import load_scenario, parse_yaml
from stratagem.web.roundtrip import base_of
from tests.webclient import token

SID = "us-iraq-2020"
ORIGINAL_NAME = "name: U.S.-Iraq Strategic Dialogue, June 2020"


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


# -- structure edits ------------------------------------------------------------------
def current(c: TestClient, sid: str = SID) -> dict[str, Any]:
    return dict(c.get(f"/api/scenarios/{sid}").json())


def test_add_and_edit_an_actor_through_the_forms_with_undo(client: TestClient) -> None:
    page = client.get(f"/scenarios/{SID}")
    assert 'id="add-actor"' in page.text and f'/scenarios/{SID}/actors/us' in page.text
    form = client.get(f"/scenarios/{SID}/new-actor")
    assert form.status_code == 200 and 'name="aliases"' in form.text
    bad = form_post(client, f"/scenarios/{SID}/new-actor", {"name": "Turkey", "capability": "lots"})
    assert bad.status_code == 422 and 'id="error-capability"' in bad.text and "enter a number" in bad.text
    assert bad.text.count('class="error"') == 1  # one clear field error
    r = form_post(client, f"/scenarios/{SID}/new-actor",
                  {"name": "Republic of Turkey", "kind": "state", "aliases": "Turkey\nAnkara\n",
                   "capability": "30", "capability_low": "20", "capability_high": "40", "capability_note": "mine"})
    assert r.status_code == 303, r.text
    version = int(r.headers["location"].split("saved=")[1].split("#")[0])
    actor = next(a for a in current(client)["scenario"]["actors"] if a["id"] == "republic-of-turkey")
    assert actor["aliases"] == ["Turkey", "Ankara"] and actor["capability_range"] == {"low": 20.0, "high": 40.0}
    assert actor["kind"] == "state" and current(client)["version"] == version
    # edit: the capability outside its range is one error on the capability field
    url = f"/scenarios/{SID}/actors/republic-of-turkey"
    assert 'value="Republic of Turkey"' in client.get(url).text
    out = form_post(client, url, {"name": "Republic of Turkey", "kind": "state", "capability": "50",
                                  "capability_low": "20", "capability_high": "40"})
    assert out.status_code == 422 and "lies outside capability_range" in out.text
    assert 'id="error-capability"' in out.text and current(client)["version"] == version
    dup = form_post(client, url, {"name": "President Donald Trump", "kind": "state", "capability": "30"})
    assert dup.status_code == 422 and 'id="error-name"' in dup.text and "duplicate actor name" in dup.text
    ok = form_post(client, url, {"name": "Türkiye", "kind": "state", "capability": "35"})
    assert ok.status_code == 303
    assert next(a for a in current(client)["scenario"]["actors"] if a["id"] == "republic-of-turkey")["name"] == "Türkiye"
    undo = client.post(f"/api/scenarios/{SID}/undo", headers=headers(client)).json()["version"]
    back = client.get(f"/api/scenarios/{SID}?version={undo}").json()["scenario"]
    assert next(a for a in back["actors"] if a["id"] == "republic-of-turkey")["name"] == "Republic of Turkey"
    assert form_post(client, f"/scenarios/{SID}/new-actor", {"id": "us", "name": "X", "capability": "1"}
                     ).status_code == 422  # the id exists
    assert client.get(f"/scenarios/{SID}/actors/nobody").status_code == 404


def test_add_and_edit_an_issue_with_anchors(client: TestClient) -> None:
    r = form_post(client, f"/scenarios/{SID}/new-issue",
                  {"id": "oil", "name": "Oil exports through Turkey", "scale_min": "0", "scale_max": "100",
                   "status_quo": "10", "anchors": "100: pipeline open at full capacity\n0: pipeline closed\n\n"})
    assert r.status_code == 303, r.text
    issue = next(i for i in current(client)["scenario"]["issues"] if i["id"] == "oil")
    assert issue["anchors"] == [{"value": 0.0, "label": "pipeline closed"},
                                {"value": 100.0, "label": "pipeline open at full capacity"}]  # sorted by value
    assert issue["status_quo"] == 10
    url = f"/scenarios/{SID}/issues/oil"
    assert "0: pipeline closed" in client.get(url).text
    for data, field, words in (
            ({"name": "Oil", "anchors": "zero: closed"}, "anchors", "is not a number"),
            ({"name": "Oil", "anchors": "0 closed"}, "anchors", "VALUE: LABEL"),
            ({"name": "Oil", "anchors": "150: beyond"}, "anchors", "outside the issue scale"),
            ({"name": "Oil", "status_quo": "500"}, "status_quo", "outside the issue scale"),
            ({"name": "Oil", "scale_min": "100", "scale_max": "0"}, "scale_max", "must be above the scale"),
            ({"name": ""}, "name", "required")):
        out = form_post(client, url, data)
        assert out.status_code == 422, data
        assert f'id="error-{field}"' in out.text and words in out.text, (data, out.text[-2000:])
    # narrowing a scale under existing stances is refused on the scale field
    narrow = form_post(client, f"/scenarios/{SID}/issues/us-presence", {"name": "x", "scale_min": "0",
                                                                        "scale_max": "1"})
    assert narrow.status_code == 422 and 'id="error-scale_min"' in narrow.text and "lies outside" in narrow.text
    ok = form_post(client, url, {"name": "Oil exports", "anchors": "0: closed\n100: open", "status_quo": ""})
    assert ok.status_code == 303
    issue = next(i for i in current(client)["scenario"]["issues"] if i["id"] == "oil")
    assert issue["name"] == "Oil exports" and issue["status_quo"] is None


def test_capabilities_form_sets_every_actor_in_one_version(client: TestClient) -> None:
    form = client.get(f"/scenarios/{SID}/capabilities")
    assert form.status_code == 200 and 'name="cap-us"' in form.text
    sc = load_builtin(SID)
    values = {f"cap-{a.id}": f"{a.capability!r}" for a in sc.actors}
    for a in sc.actors:
        if a.capability_range is not None:
            values[f"low-{a.id}"], values[f"high-{a.id}"] = repr(a.capability_range.low), repr(a.capability_range.high)
    values["cap-us"] = "99"
    bad = form_post(client, f"/scenarios/{SID}/capabilities",
                    {**{k: v for k, v in values.items() if k != "high-us"}, "low-us": "10"})
    assert bad.status_code == 422 and 'id="error-high-us"' in bad.text
    r = form_post(client, f"/scenarios/{SID}/capabilities", {**values, "low-us": "90", "high-us": "100"})
    assert r.status_code == 303
    us = current(client)["scenario"]["actors"][0]
    assert us["capability"] == 99 and us["capability_range"] == {"low": 90.0, "high": 100.0}
    assert client.get(f"/api/scenarios/{SID}/versions").json()[-1]["note"] == "capabilities of us"


def test_add_edit_and_remove_a_shock(client: TestClient) -> None:
    r = form_post(client, f"/scenarios/{SID}/new-shock",
                  {"name": "Militia escalation", "round": "2",
                   "changes": "shift_position us us-presence -10\nscale_capability us 0.5"})
    assert r.status_code == 303, r.text
    shock = next(s for s in current(client)["scenario"]["shocks"] if s["id"] == "militia-escalation")
    assert shock["round"] == 2 and [c["action"] for c in shock["changes"]] == ["shift_position", "scale_capability"]
    url = f"/scenarios/{SID}/shocks/militia-escalation"
    assert "shift_position us us-presence -10" in client.get(url).text
    for changes, words in (("jump us 3", "is not one of"), ("shift_position us -10", "takes ACTION ACTOR ISSUE"),
                           ("shift_position nobody us-presence 1", "change 1: unknown actor"),
                           ("set_salience us us-presence lots", "is not a number"), ("", "at least one change")):
        out = form_post(client, url, {"name": "Militia escalation", "changes": changes})
        assert out.status_code == 422 and 'id="error-changes"' in out.text and words in out.text, changes
    assert 'id="error-date"' in form_post(client, url, {"name": "x", "date": "soon",
                                                        "changes": "remove_actor us"}).text
    n = len(current(client)["scenario"]["shocks"])
    gone = form_post(client, url + "/delete")
    assert gone.status_code == 303 and len(current(client)["scenario"]["shocks"]) == n - 1


def test_json_api_edits_validate_and_version(client: TestClient) -> None:
    h = headers(client)
    r = client.put(f"/api/scenarios/{SID}/actors/turkey", json={"name": "Turkey", "capability": 20, "kind": "state"},
                   headers=h)
    assert r.status_code == 200 and r.json()["scenario"] == SID
    v = r.json()["version"]
    edit = client.put(f"/api/scenarios/{SID}/actors/turkey", json={"name": "Turkey", "capability": 25}, headers=h)
    assert edit.json()["version"] == v + 1
    bad = client.put(f"/api/scenarios/{SID}/actors/turkey",
                     json={"name": "Turkey", "capability": 25, "capability_low": 1}, headers=h)
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["capability_high"]
    issue = client.put(f"/api/scenarios/{SID}/issues/oil", headers=h, json={
        "name": "Oil", "anchors": [{"value": 0, "label": "closed"}, {"value": 100, "label": "open"}]})
    assert issue.status_code == 200
    caps = client.put(f"/api/scenarios/{SID}/capabilities", json={"turkey": {"capability": 5}}, headers=h)
    assert caps.status_code == 200
    assert client.put(f"/api/scenarios/{SID}/capabilities", json={"nobody": {"capability": 5}},
                      headers=h).status_code == 422
    shock = client.put(f"/api/scenarios/{SID}/shocks/s1", headers=h, json={
        "name": "S1", "changes": [{"action": "set_capability", "actor": "turkey", "value": 50}]})
    assert shock.status_code == 200
    off = client.put(f"/api/scenarios/{SID}/shocks/s1", headers=h, json={
        "name": "S1", "changes": [{"action": "set_position", "actor": "turkey", "value": 50}]})
    assert off.status_code == 422 and off.json()["errors"] == {"changes": "change 1: set_position needs an issue"}
    assert client.delete(f"/api/scenarios/{SID}/shocks/s1", headers=h).status_code == 200
    assert client.delete(f"/api/scenarios/{SID}/shocks/s1", headers=h).status_code == 404
    assert client.put(f"/api/scenarios/{SID}/actors/turkey", json={"name": "T", "capability": 1}).status_code == 403
    assert client.put("/api/scenarios/nope/actors/x", json={"name": "T", "capability": 1}, headers=h
                      ).status_code == 404
    final = current(client)["scenario"]
    assert next(a for a in final["actors"] if a["id"] == "turkey")["capability"] == 5
    assert any(i["id"] == "oil" for i in final["issues"])


def test_accepting_a_draft_in_the_web_app_stores_the_stance_with_its_evidence_ids(client: TestClient) -> None:
    from tests.browser.test_roundtrip import ANCHORS, TALKS

    r = client.post("/api/documents", files={"file": ("talks.txt", TALKS.encode(), "text/plain")},
                    headers=headers(client))
    assert r.status_code == 201
    scenario = {"id": "oil", "name": "Oil", "actors": [
        {"id": "iraq", "name": "Iraq", "kind": "state", "capability": 3},
        {"id": "krg", "name": "Kurdistan Regional Government", "kind": "government", "capability": 1}],
        "issues": [{"id": "pipe", "name": "Reopening the pipeline", "anchors": [
            {"value": float(v), "label": label.strip()} for v, label in
            (line.split(":", 1) for line in ANCHORS.splitlines())]}]}
    assert upload(client, yaml.safe_dump(scenario)).status_code == 201
    assert form_post(client, "/scenarios/oil/drafts").status_code == 303
    drafts = {d["id"]: d for d in client.get("/api/scenarios/oil/drafts").json()}
    draft = drafts["oil.iraq.pipe"]
    before = current(client, "oil")["version"]
    decided = client.post("/api/scenarios/oil/drafts/oil.iraq.pipe/decision", json={"accepted": True},
                          headers=headers(client))
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    now = current(client, "oil")
    assert now["version"] == before + 1
    stance = next(s for s in now["scenario"]["stances"] if s["actor"] == "iraq")
    ids = [c["evidence_id"] for c in draft["citations"]]
    assert stance["evidence"] == ids and stance["position"] == draft["suggested_position"]
    records = {e["id"]: e for e in now["scenario"]["evidence"]}
    for c in draft["citations"]:
        record = records[c["evidence_id"]]
        cleaned = client.get(f"/api/documents/{record['document']}").json()["text"]
        assert record["document"] == c["document"]
        assert cleaned[record["start"]:record["end"]].split() == c["text"].split()
    page = client.get("/scenarios/oil").text
    assert 'id="stance-iraq-pipe"' in page
    undone = client.post("/api/scenarios/oil/undo", headers=headers(client)).json()["version"]
    assert client.get(f"/api/scenarios/oil?version={undone}").json()["scenario"]["stances"] == []


def test_add_a_stance_for_a_new_actor(client: TestClient) -> None:
    h = headers(client)
    assert client.put(f"/api/scenarios/{SID}/actors/turkey", json={"name": "Turkey", "capability": 20},
                      headers=h).status_code == 200
    form = client.get(f"/scenarios/{SID}/new-stance?actor=turkey&issue=us-presence")
    assert form.status_code == 200 and '<option value="turkey" selected>' in form.text
    off = form_post(client, f"/scenarios/{SID}/new-stance",
                    {"actor": "turkey", "issue": "us-presence", "position": "500", "salience": "40"})
    assert off.status_code == 422 and 'id="error-position"' in off.text and "lies outside the scale" in off.text
    half = form_post(client, f"/scenarios/{SID}/new-stance",
                     {"actor": "turkey", "issue": "us-presence", "position": "50", "salience": "40",
                      "position_low": "10"})
    assert half.status_code == 422 and 'id="error-position_high"' in half.text
    ok = form_post(client, f"/scenarios/{SID}/new-stance",
                   {"actor": "turkey", "issue": "us-presence", "position": "55", "salience": "40"})
    assert ok.status_code == 303 and ok.headers["location"].endswith("#stance-turkey-us-presence")
    stance = next(s for s in current(client)["scenario"]["stances"] if s["actor"] == "turkey")
    assert stance["position"] == 55 and stance["salience"] == 40
    again = form_post(client, f"/scenarios/{SID}/new-stance",
                      {"actor": "turkey", "issue": "us-presence", "position": "5", "salience": "4"})
    assert again.status_code == 422 and "already" in again.text
    api = client.post(f"/api/scenarios/{SID}/stances", headers=h,
                      json={"actor": "turkey", "issue": "dollar-leverage", "position": 30, "salience": 20})
    assert api.status_code == 200, api.text
    assert client.post(f"/api/scenarios/{SID}/stances", headers=h, json={
        "actor": "nobody", "issue": "dollar-leverage", "position": 30, "salience": 20}).json()["errors"] == {
        "actor": "no actor 'nobody'"}


def test_a_built_in_hidden_by_an_old_upload_can_be_restored(client: TestClient, tmp_path: Path) -> None:
    """A workspace whose first version of a built-in id is an upload (as before uploads kept it)."""
    from stratagem.store.workspace import Workspace

    sc = load_builtin(SID)
    renamed = sc.model_copy(update={"name": "Someone else's scenario"})
    with Workspace(tmp_path / "ws.db") as ws:
        ws.save_scenario_version(renamed, note="uploaded old.yaml")
    page = client.get(f"/scenarios/{SID}").text
    assert 'id="restore-builtin"' in page
    r = form_post(client, f"/scenarios/{SID}/restore-builtin")
    assert r.status_code == 303
    assert current(client)["scenario"] == sc.model_dump(mode="json") and current(client)["version"] == 2
    assert 'id="restore-builtin"' not in client.get(f"/scenarios/{SID}").text
    assert form_post(client, "/scenarios/nope/restore-builtin").status_code == 404


def test_a_built_in_download_is_stale_only_once_the_built_in_was_edited(client: TestClient) -> None:
    text = client.get(f"/api/scenarios/{SID}/yaml").text
    assert upload(client, text.replace(ORIGINAL_NAME, "name: A", 1)).status_code == 201  # v1 built-in, v2 mine
    restored = form_post(client, f"/scenarios/{SID}/restore-builtin")
    assert restored.status_code == 303  # the built-in is current again (v3): a built-in file continues it
    assert upload(client, text.replace(ORIGINAL_NAME, "name: B", 1)).status_code == 201
    edit_stance(client, 20)
    stale = upload(client, text.replace(ORIGINAL_NAME, "name: C", 1))
    assert stale.status_code == 409 and stale.json()["base"] == "built-in"
    assert "was downloaded from the built-in" in stale.json()["detail"]


def test_edit_the_title_and_date(client: TestClient) -> None:
    assert 'id="edit-details"' in client.get(f"/scenarios/{SID}").text
    assert "U.S.-Iraq Strategic Dialogue" in client.get(f"/scenarios/{SID}/details").text
    bad = form_post(client, f"/scenarios/{SID}/details", {"name": "Talks", "as_of": "June"})
    assert bad.status_code == 422 and 'id="error-as_of"' in bad.text
    assert 'id="error-name"' in form_post(client, f"/scenarios/{SID}/details", {"name": " "}).text
    ok = form_post(client, f"/scenarios/{SID}/details", {"name": "Talks", "as_of": "2020-06-01"})
    assert ok.status_code == 303
    sc = current(client)["scenario"]
    assert sc["name"] == "Talks" and sc["as_of"] == "2020-06-01" and sc["id"] == SID
    api = client.put(f"/api/scenarios/{SID}/details", json={"name": "Talks 2"}, headers=headers(client))
    assert api.status_code == 200 and current(client)["scenario"]["as_of"] is None
