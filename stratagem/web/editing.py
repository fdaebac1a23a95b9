"""Editing a scenario's structure in the web app: actors, issues (with anchors), capabilities and shocks.

Each change is one function of the current scenario that returns the new version's number:
it rebuilds the scenario with the change, validates the whole of it with the schema (so a
stance that an edit would push off its issue's scale is caught too), and stores it as the
next workspace version, whose parent is the version it changed (undo returns there). An
invalid change stores nothing and raises :class:`~stratagem.web.state.FieldErrors` with one
error, on the form field it is about. The HTML forms parse their text into the same input
models the JSON API takes, so both paths validate alike.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Annotated, Any, Literal, get_args

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stratagem.evidence.draft import DraftStance
from stratagem.model.schema import ActorKind, Scenario, ShockAction
from stratagem.store import scenarios as versions_store
from stratagem.store.workspace import Workspace
from stratagem.web import state
from stratagem.web.security import require_csrf

IdParam = Annotated[str, PathParam(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]

ACTOR_KINDS: tuple[str, ...] = get_args(ActorKind)
WEB_SHOCK_ACTIONS: tuple[str, ...] = tuple(a for a in get_args(ShockAction) if a != "add_actor")
_ISSUE_ACTIONS = {"set_position", "shift_position", "set_salience", "shift_salience"}
_BIG = 1e12


class ActorIn(BaseModel):
    """An actor's name, kind, aliases and capability (with an optional range)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: ActorKind = "other"
    aliases: list[str] = Field(default_factory=list, max_length=50)
    capability: float = Field(ge=0, le=_BIG, description="relative power; scale-free")
    capability_low: float | None = Field(default=None, ge=0, le=_BIG)
    capability_high: float | None = Field(default=None, ge=0, le=_BIG)
    capability_note: str = Field(default="", max_length=4000)


class AnchorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: float = Field(ge=-1e9, le=1e9)
    label: str = Field(min_length=1, max_length=500)


class IssueIn(BaseModel):
    """An issue's name, scale, status quo and labelled anchors (in increasing order of value)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=4000)
    scale_min: float = Field(default=0.0, ge=-1e9, le=1e9)
    scale_max: float = Field(default=100.0, ge=-1e9, le=1e9)
    status_quo: float | None = Field(default=None, ge=-1e9, le=1e9)
    anchors: list[AnchorIn] = Field(default_factory=list, max_length=50)


class CapabilityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    capability: float = Field(ge=0, le=_BIG)
    low: float | None = Field(default=None, ge=0, le=_BIG)
    high: float | None = Field(default=None, ge=0, le=_BIG)


class ShockChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["set_position", "shift_position", "set_salience", "shift_salience", "set_capability",
                    "scale_capability", "remove_actor"]
    actor: str = Field(min_length=1, max_length=80)
    issue: str | None = Field(default=None, max_length=80)
    value: float | None = Field(default=None, ge=-1e9, le=1e9)


class ShockIn(BaseModel):
    """A shock: what changes (one change per entry), and when (a date, a round of the run, or before it)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=4000)
    date: dt.date | None = None
    round: int | None = Field(default=None, ge=0, le=10_000)
    changes: list[ShockChangeIn] = Field(min_length=1, max_length=100)


# -- saving --------------------------------------------------------------------------
def _one_error(exc: ValidationError, field_of: Callable[[list[str], str], str]) -> state.FieldErrors:
    """The first schema error, on the form field it is about ("one clear field error")."""
    err = exc.errors()[0]
    msg = str(err["msg"]).removeprefix("Value error, ")
    loc = [str(p) for p in err["loc"]]
    field = field_of(loc, msg)
    change = re.match(r"^shocks\[\d+\]\.changes\[(\d+)\]:\s*(.*)$", msg)
    if change:
        msg = f"change {int(change.group(1)) + 1}: {change.group(2)}"
    msg = re.sub(r"^(actors|issues|shocks)\[\d+\][.:]?\s*", "", msg)
    return state.FieldErrors({field: msg})


def _save(ws: Workspace, scenario_id: str, change: Callable[[dict[str, Any]], str],
          field_of: Callable[[list[str], str], str]) -> int:
    """Apply ``change`` (it edits the scenario's data and returns the version note) and store the result."""
    sc, version = state.current(ws, scenario_id)
    data = sc.model_dump()
    note = change(data)
    try:
        new = Scenario.model_validate(data)
    except ValidationError as exc:
        raise _one_error(exc, field_of) from None
    if new == sc and version is not None:
        return version
    return ws.save_scenario_version(new, parent=versions_store.stored_version(ws, sc, version), note=note[:200])


def _scenario_field(loc: list[str], msg: str, own: Mapping[str, str], default: str) -> str:
    """Map a schema error to a form field: by the error's location, else by the word its message starts with."""
    for part in reversed(loc):
        if part in own:
            return own[part]
    head = re.match(r"^([a-z_]+)(?:[\[.:]|\s)", msg)
    if head and head.group(1) in own:
        return own[head.group(1)]
    return default


def _range_errors(low: float | None, high: float | None, low_name: str, high_name: str) -> None:
    if (low is None) != (high is None):
        raise state.FieldErrors({high_name if low is not None else low_name: "give both ends of the range, or neither"})
    if low is not None and high is not None and low > high:
        raise state.FieldErrors({low_name: "the low end is above the high end"})


_ACTOR_FIELDS = {"name": "name", "kind": "kind", "aliases": "aliases", "capability": "capability",
                 "capability_range": "capability_low", "low": "capability_low", "high": "capability_high",
                 "capability_note": "capability_note", "id": "id"}


def put_actor(ws: Workspace, scenario_id: str, actor_id: str, update: ActorIn, *, create: bool = False) -> int:
    """Add (``create``) or edit an actor; its evidence and stances are kept."""
    _check_id(actor_id)
    _range_errors(update.capability_low, update.capability_high, "capability_low", "capability_high")
    aliases = [a.strip() for a in update.aliases if a.strip()]

    def change(data: dict[str, Any]) -> str:
        index = next((n for n, a in enumerate(data["actors"]) if a["id"] == actor_id), None)
        if create and index is not None:
            raise state.FieldErrors({"id": f"an actor '{actor_id}' exists already"})
        if not create and index is None:
            raise state.NotFound(f"'{scenario_id}' has no actor '{actor_id}'")
        old = data["actors"][index] if index is not None else {"id": actor_id, "evidence": ()}
        new = {**old, "name": update.name.strip(), "kind": update.kind, "aliases": tuple(aliases),
               "capability": update.capability, "capability_note": update.capability_note.strip(),
               "capability_range": None if update.capability_low is None
               else (update.capability_low, update.capability_high)}
        if index is None:
            data["actors"] = [*data["actors"], new]
            return f"added actor {actor_id}"
        data["actors"] = [*data["actors"][:index], new, *data["actors"][index + 1:]]
        return f"edited actor {actor_id}"

    return _save(ws, scenario_id, change, lambda loc, msg: _scenario_field(loc, msg, _ACTOR_FIELDS, "name"))


_ISSUE_FIELDS = {"name": "name", "description": "description", "scale_min": "scale_min", "scale_max": "scale_max",
                 "status_quo": "status_quo", "anchors": "anchors", "value": "anchors", "label": "anchors",
                 "stances": "scale_min", "id": "id"}


def put_issue(ws: Workspace, scenario_id: str, issue_id: str, update: IssueIn, *, create: bool = False) -> int:
    """Add (``create``) or edit an issue; its stances and status-quo evidence are kept (and re-validated)."""
    _check_id(issue_id)
    if update.scale_min >= update.scale_max:
        raise state.FieldErrors({"scale_max": "must be above the scale's low end"})
    anchors = sorted(update.anchors, key=lambda a: a.value)

    def change(data: dict[str, Any]) -> str:
        index = next((n for n, i in enumerate(data["issues"]) if i["id"] == issue_id), None)
        if create and index is not None:
            raise state.FieldErrors({"id": f"an issue '{issue_id}' exists already"})
        if not create and index is None:
            raise state.NotFound(f"'{scenario_id}' has no issue '{issue_id}'")
        old = data["issues"][index] if index is not None else {"id": issue_id, "status_quo_evidence": ()}
        new = {**old, "name": update.name.strip(), "description": update.description.strip(),
               "scale_min": update.scale_min, "scale_max": update.scale_max, "status_quo": update.status_quo,
               "anchors": tuple({"value": a.value, "label": a.label.strip()} for a in anchors)}
        if index is None:
            data["issues"] = [*data["issues"], new]
            return f"added issue {issue_id}"
        data["issues"] = [*data["issues"][:index], new, *data["issues"][index + 1:]]
        return f"edited issue {issue_id}"

    def field_of(loc: list[str], msg: str) -> str:
        if msg.startswith("stances["):  # an existing stance now off the scale
            return "scale_min"
        return _scenario_field(loc, msg, _ISSUE_FIELDS, "name")

    return _save(ws, scenario_id, change, field_of)


class DetailsIn(BaseModel):
    """The scenario's title, description, date and notes."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=20000)
    as_of: dt.date | None = None
    notes: str = Field(default="", max_length=20000)


def put_details(ws: Workspace, scenario_id: str, update: DetailsIn) -> int:
    """Rename or re-date the scenario (its id stays: versions and drafts are filed under it)."""

    def change(data: dict[str, Any]) -> str:
        data.update(name=update.name.strip(), description=update.description.strip(), as_of=update.as_of,
                    notes=update.notes.strip())
        return "edited the title, description, date or notes"

    return _save(ws, scenario_id, change, lambda loc, msg: _scenario_field(
        loc, msg, {"name": "name", "description": "description", "as_of": "as_of", "notes": "notes"}, "name"))


def parse_details_form(form: Mapping[str, str]) -> DetailsIn:
    data: dict[str, Any] = {"name": form.get("name", "").strip(), "description": form.get("description", ""),
                            "notes": form.get("notes", "")}
    if _blank_none(form, "as_of") is not None:
        data["as_of"] = _blank_none(form, "as_of")
    try:
        return DetailsIn.model_validate(data)
    except ValidationError as exc:
        if exc.errors()[0]["loc"][:1] == ("as_of",):
            raise state.FieldErrors({"as_of": "enter a date as YYYY-MM-DD"}) from None
        result: DetailsIn = _validated(DetailsIn, data, {})
        return result


_STANCE_FIELDS = {"actor": "actor", "issue": "issue", "position": "position", "salience": "salience",
                  "position_range": "position_low", "salience_range": "salience_low", "note": "note"}


def add_stance(ws: Workspace, scenario_id: str, actor_id: str, issue_id: str, update: state.StanceUpdate) -> int:
    """Give an actor a stance on an issue it has none on (a new actor, a new issue); edits go through the
    stance form (:func:`stratagem.web.state.edit_stance`)."""
    _range_errors(update.position_low, update.position_high, "position_low", "position_high")
    _range_errors(update.salience_low, update.salience_high, "salience_low", "salience_high")

    def change(data: dict[str, Any]) -> str:
        if not any(a["id"] == actor_id for a in data["actors"]):
            raise state.FieldErrors({"actor": f"no actor '{actor_id}'"})
        if not any(i["id"] == issue_id for i in data["issues"]):
            raise state.FieldErrors({"issue": f"no issue '{issue_id}'"})
        if any(st["actor"] == actor_id and st["issue"] == issue_id for st in data["stances"]):
            raise state.FieldErrors({"actor": f"'{actor_id}' has a stance on '{issue_id}' already: edit it"})
        data["stances"] = [*data["stances"], {
            "actor": actor_id, "issue": issue_id, "position": update.position, "salience": update.salience,
            "note": update.note.strip(), "evidence": (),
            "position_range": None if update.position_low is None else (update.position_low, update.position_high),
            "salience_range": None if update.salience_low is None else (update.salience_low, update.salience_high)}]
        return f"added stance of {actor_id} on {issue_id}: position {update.position:g}, salience {update.salience:g}"

    def field_of(loc: list[str], msg: str) -> str:
        m = re.match(r"^stances\[\d+\]\.([a-z_]+)", msg)
        if m and m.group(1).split(".")[0] in _STANCE_FIELDS:
            return _STANCE_FIELDS[m.group(1).split(".")[0]]
        return _scenario_field(loc, msg, _STANCE_FIELDS, "position")

    return _save(ws, scenario_id, change, field_of)


def put_capabilities(ws: Workspace, scenario_id: str, updates: Mapping[str, CapabilityIn]) -> int:
    """Set several actors' capabilities (and ranges) in one version; actors not named keep theirs."""
    for actor_id, cap in updates.items():
        _range_errors(cap.low, cap.high, f"low-{actor_id}", f"high-{actor_id}")

    def change(data: dict[str, Any]) -> str:
        known = {a["id"] for a in data["actors"]}
        unknown = sorted(set(updates) - known)
        if unknown:
            raise state.FieldErrors({"form": f"unknown actor '{unknown[0]}'"})
        changed = []
        actors = []
        for a in data["actors"]:
            cap = updates.get(a["id"])
            if cap is not None:
                rng = None if cap.low is None else (cap.low, cap.high)
                if a["capability"] != cap.capability or a["capability_range"] != (
                        None if rng is None else {"low": rng[0], "high": rng[1]}):
                    changed.append(a["id"])
                a = {**a, "capability": cap.capability, "capability_range": rng}
            actors.append(a)
        data["actors"] = actors
        return "capabilities of " + (", ".join(changed) if changed else "no actor")

    def field_of(loc: list[str], msg: str) -> str:
        if len(loc) >= 2 and loc[0] == "actors" and loc[1].isdigit():
            sc, _ = state.current(ws, scenario_id)
            n = int(loc[1])
            if n < len(sc.actors):
                return f"{'low' if 'range' in msg or 'low' in msg else 'cap'}-{sc.actors[n].id}"
        return "form"

    return _save(ws, scenario_id, change, field_of)


_SHOCK_FIELDS = {"name": "name", "description": "description", "date": "date", "round": "round",
                 "changes": "changes", "id": "id"}


def put_shock(ws: Workspace, scenario_id: str, shock_id: str, update: ShockIn, *, create: bool = False) -> int:
    """Add (``create``) or replace a shock; its evidence is kept."""
    _check_id(shock_id, field="id")
    for n, c in enumerate(update.changes, start=1):
        if c.action in _ISSUE_ACTIONS and not c.issue:
            raise state.FieldErrors({"changes": f"change {n}: {c.action} needs an issue"})
        if c.action != "remove_actor" and c.value is None:
            raise state.FieldErrors({"changes": f"change {n}: {c.action} needs a value"})

    def change(data: dict[str, Any]) -> str:
        index = next((n for n, s in enumerate(data["shocks"]) if s["id"] == shock_id), None)
        if create and index is not None:
            raise state.FieldErrors({"id": f"a shock '{shock_id}' exists already"})
        if not create and index is None:
            raise state.NotFound(f"'{scenario_id}' has no shock '{shock_id}'")
        old: dict[str, Any] = data["shocks"][index] if index is not None else {"id": shock_id, "evidence": ()}
        if any(ch["action"] == "add_actor" for ch in old.get("changes", ())):
            raise state.FieldErrors({"changes": "this shock adds an actor: edit it in the YAML file (download, "
                                                "edit, upload)"})
        new = {**old, "name": update.name.strip(), "description": update.description.strip(),
               "date": update.date, "round": update.round,
               "changes": tuple({"action": c.action, "actor": c.actor, "issue": c.issue or None, "value": c.value}
                                for c in update.changes)}
        if index is None:
            data["shocks"] = [*data["shocks"], new]
            return f"added shock {shock_id}"
        data["shocks"] = [*data["shocks"][:index], new, *data["shocks"][index + 1:]]
        return f"edited shock {shock_id}"

    def field_of(loc: list[str], msg: str) -> str:
        if "changes" in loc or msg.startswith("shocks[") or "change" in msg:
            return "changes"
        return _scenario_field(loc, msg, _SHOCK_FIELDS, "name")

    return _save(ws, scenario_id, change, field_of)


def delete_shock(ws: Workspace, scenario_id: str, shock_id: str) -> int:
    def change(data: dict[str, Any]) -> str:
        if not any(s["id"] == shock_id for s in data["shocks"]):
            raise state.NotFound(f"'{scenario_id}' has no shock '{shock_id}'")
        data["shocks"] = [s for s in data["shocks"] if s["id"] != shock_id]
        return f"removed shock {shock_id}"

    return _save(ws, scenario_id, change, lambda loc, msg: "form")


def accept_draft(ws: Workspace, scenario_id: str, draft_id: str) -> DraftStance:
    """Accept a drafted stance into the next version: the stance (or more citations on the existing one)
    and its evidence records under their workspace ids, as ``stratagem draft --accept --write`` does."""
    from stratagem.store.drafting import accept_into_version

    sc, version = state.current(ws, scenario_id)
    result = accept_into_version(ws, scenario_id, [draft_id], version=versions_store.stored_version(ws, sc, version))
    return result.drafts[0]


def _check_id(value: str, field: str = "id") -> None:
    if not state.IDENTIFIER.match(value):
        raise state.FieldErrors({field: "letters, digits, '.', '_' and '-' only, starting with a letter or digit "
                                        "(at most 80)"})


# -- HTML form text -> input models ------------------------------------------------------
def _validated(model: type[BaseModel], data: dict[str, Any], names: Mapping[str, str]) -> Any:
    """Validate form data; the first error becomes one field error (numbers: "enter a number")."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else "form"
        msg = str(err["msg"])
        if err["type"] in ("missing", "string_too_short") or (key in data and data[key] is None):
            msg = "required"
        elif err["type"] in ("float_type", "float_parsing", "int_parsing", "int_type"):
            msg = "enter a number" if err["type"].startswith("float") else "enter a whole number"
        elif err["type"] == "greater_than_equal":
            msg = f"must be at least {err.get('ctx', {}).get('ge', 0):g}"
        elif err["type"] == "less_than_equal":
            msg = f"must be at most {err.get('ctx', {}).get('le', 0):g}"
        raise state.FieldErrors({names.get(key, key): msg}) from None


def _blank_none(form: Mapping[str, str], key: str) -> str | None:
    value = form.get(key, "").strip()
    return value or None


def parse_actor_form(form: Mapping[str, str]) -> ActorIn:
    aliases = [line.strip() for line in form.get("aliases", "").splitlines() if line.strip()]
    data: dict[str, Any] = {"name": form.get("name", "").strip(), "kind": form.get("kind", "other") or "other",
                            "aliases": aliases, "capability": _blank_none(form, "capability"),
                            "capability_note": form.get("capability_note", "")}
    for key in ("capability_low", "capability_high"):
        if _blank_none(form, key) is not None:
            data[key] = _blank_none(form, key)
    result: ActorIn = _validated(ActorIn, data, {})
    return result


def parse_anchor_lines(text: str) -> list[dict[str, Any]]:
    """``VALUE: LABEL`` per line (blank lines skipped) -> anchor dicts; errors name the line."""
    anchors = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        value, sep, label = line.partition(":")
        if not sep or not label.strip():
            raise state.FieldErrors({"anchors": f"line {n}: write VALUE: LABEL, e.g. 0: no change"})
        try:
            number = float(value.strip())
        except ValueError:
            raise state.FieldErrors({"anchors": f"line {n}: '{value.strip()[:40]}' is not a number"}) from None
        anchors.append({"value": number, "label": label.strip()})
    return anchors


def parse_issue_form(form: Mapping[str, str]) -> IssueIn:
    data: dict[str, Any] = {"name": form.get("name", "").strip(), "description": form.get("description", ""),
                            "anchors": parse_anchor_lines(form.get("anchors", ""))}
    for key in ("scale_min", "scale_max", "status_quo"):
        if _blank_none(form, key) is not None:
            data[key] = _blank_none(form, key)
    try:
        result: IssueIn = IssueIn.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        if err["loc"] and err["loc"][0] == "anchors":
            raise state.FieldErrors({"anchors": str(err["msg"])}) from None
        return _validated(IssueIn, data, {})
    return result


def parse_change_lines(text: str) -> list[dict[str, Any]]:
    """``ACTION ACTOR [ISSUE] [VALUE]`` per line, e.g. ``shift_position us us-presence -10``."""
    changes = []
    for n, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        action = words[0]
        if action not in WEB_SHOCK_ACTIONS:
            raise state.FieldErrors({"changes": f"line {n}: '{action[:40]}' is not one of "
                                                f"{', '.join(WEB_SHOCK_ACTIONS)}"})
        wanted = 2 + (action in _ISSUE_ACTIONS) + (action != "remove_actor")
        if len(words) != wanted:
            form = "ACTION ACTOR" + (" ISSUE" if action in _ISSUE_ACTIONS else "") + \
                (" VALUE" if action != "remove_actor" else "")
            raise state.FieldErrors({"changes": f"line {n}: {action} takes {form}"})
        change: dict[str, Any] = {"action": action, "actor": words[1]}
        if action in _ISSUE_ACTIONS:
            change["issue"] = words[2]
        if action != "remove_actor":
            try:
                change["value"] = float(words[-1])
            except ValueError:
                raise state.FieldErrors({"changes": f"line {n}: '{words[-1][:40]}' is not a number"}) from None
        changes.append(change)
    if not changes:
        raise state.FieldErrors({"changes": "give at least one change"})
    return changes


def change_lines(changes: Any) -> str:
    """The inverse of :func:`parse_change_lines`, for filling the form."""
    lines = []
    for c in changes:
        parts = [c.action, c.actor] + ([c.issue] if c.issue else []) + ([f"{c.value:g}"] if c.value is not None
                                                                         else [])
        lines.append(" ".join(parts))
    return "\n".join(lines)


def parse_shock_form(form: Mapping[str, str]) -> ShockIn:
    data: dict[str, Any] = {"name": form.get("name", "").strip(), "description": form.get("description", ""),
                            "changes": parse_change_lines(form.get("changes", ""))}
    for key in ("date", "round"):
        if _blank_none(form, key) is not None:
            data[key] = _blank_none(form, key)
    try:
        result: ShockIn = ShockIn.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else "form"
        if key == "date":
            raise state.FieldErrors({"date": "enter a date as YYYY-MM-DD"}) from None
        if key == "changes":
            raise state.FieldErrors({"changes": str(err["msg"])}) from None
        return _validated(ShockIn, data, {})
    return result


def parse_capabilities_form(form: Mapping[str, str], actor_ids: list[str]) -> dict[str, CapabilityIn]:
    out = {}
    for actor_id in actor_ids:
        data: dict[str, Any] = {"capability": _blank_none(form, f"cap-{actor_id}")}
        for end in ("low", "high"):
            if _blank_none(form, f"{end}-{actor_id}") is not None:
                data[end] = _blank_none(form, f"{end}-{actor_id}")
        names = {"capability": f"cap-{actor_id}", "low": f"low-{actor_id}", "high": f"high-{actor_id}"}
        out[actor_id] = _validated(CapabilityIn, data, names)
    return out



# -- routes (installed by create_app) ---------------------------------------------------
def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _actor_fields(new: bool) -> list[dict[str, Any]]:
    return ([{"name": "id", "label": "Id", "help": "short id used by stances and shocks (letters, digits, . _ -); "
              "left empty, it is made from the name"}] if new else []) + [
        {"name": "name", "label": "Name"},
        {"name": "kind", "label": "Kind", "type": "select", "options": ACTOR_KINDS},
        {"name": "aliases", "label": "Aliases", "type": "textarea", "rows": 3,
         "help": "one per line: other names the documents use (drafting matches them)"},
        {"name": "capability", "label": "Capability", "numeric": True,
         "help": "relative power to shape the outcome (scale-free; only ratios between actors matter)"},
        {"name": "capability_low", "label": "Capability range: low", "numeric": True, "help": "optional; both or neither"},
        {"name": "capability_high", "label": "Capability range: high", "numeric": True},
        {"name": "capability_note", "label": "Why this capability", "type": "textarea", "rows": 2}]


def _issue_fields(new: bool) -> list[dict[str, Any]]:
    return ([{"name": "id", "label": "Id", "help": "short id (letters, digits, . _ -); left empty, it is made from "
              "the name"}] if new else []) + [
        {"name": "name", "label": "Name", "help": "the question, e.g. 'Timing of the withdrawal'"},
        {"name": "description", "label": "Description", "type": "textarea", "rows": 2},
        {"name": "scale_min", "label": "Scale: low end", "numeric": True, "help": "default 0"},
        {"name": "scale_max", "label": "Scale: high end", "numeric": True, "help": "default 100"},
        {"name": "status_quo", "label": "Status quo", "numeric": True, "help": "optional: where things stand now"},
        {"name": "anchors", "label": "Anchors", "type": "textarea", "rows": 5,
         "help": "one per line, VALUE: LABEL, saying in words what a number on the scale means"}]


def _shock_fields(new: bool) -> list[dict[str, Any]]:
    return ([{"name": "id", "label": "Id", "help": "short id (letters, digits, . _ -); left empty, it is made from "
              "the name"}] if new else []) + [
        {"name": "name", "label": "Name"},
        {"name": "description", "label": "Description", "type": "textarea", "rows": 2},
        {"name": "date", "label": "Date", "help": "optional, YYYY-MM-DD"},
        {"name": "round", "label": "Round", "numeric": True,
         "help": "optional: the shock happens after this round of the run (empty: before it)"},
        {"name": "changes", "label": "Changes", "type": "textarea", "rows": 5,
         "help": "one per line: ACTION ACTOR [ISSUE] [VALUE], e.g. 'shift_position us us-presence -10' or "
                 "'scale_capability kh 0.5'; actions: " + ", ".join(WEB_SHOCK_ACTIONS)}]


def _new_id(form: Mapping[str, str]) -> str:
    from stratagem.model.io import slug

    given = form.get("id", "").strip()
    return given or slug(form.get("name", "").strip())[:80]


def install(app: FastAPI, *, open_ws: Callable[[], AbstractContextManager[Workspace]],
            page: Callable[..., HTMLResponse]) -> None:
    """The edit forms (HTML) and their JSON API twins."""
    csrf = [Depends(require_csrf)]

    async def form_of(request: Request) -> dict[str, str]:
        form = await request.form(max_files=0, max_fields=500)
        return {k: str(v)[:20000] for k, v in form.items() if k != "csrf_token"}

    def show(request: Request, ws_sid: str, title: str, intro: str, fields: list[dict[str, Any]],
             values: Mapping[str, str], errors: Mapping[str, str] | None = None, status: int = 200, *,
             delete_url: str | None = None, delete_label: str = "") -> HTMLResponse:
        with open_ws() as ws:
            sc, _ = state.current(ws, ws_sid)
        return page(request, "edit.html", status, sc=sc, title=title, intro=intro, fields=fields, values=values,
                    errors=dict(errors or {}), delete_url=delete_url, delete_label=delete_label)

    def saved(sid: str, version: int, anchor: str) -> RedirectResponse:
        return RedirectResponse(f"/scenarios/{sid}?saved={version}#{anchor}", status_code=303)

    # actors
    def actor_values(sc: Scenario, actor_id: str) -> dict[str, str]:
        try:
            a = sc.actor(actor_id)
        except KeyError:
            raise state.NotFound(f"'{sc.id}' has no actor '{actor_id}'") from None
        return {"name": a.name, "kind": a.kind, "aliases": "\n".join(a.aliases), "capability": _fmt(a.capability),
                "capability_low": _fmt(a.capability_range.low if a.capability_range else None),
                "capability_high": _fmt(a.capability_range.high if a.capability_range else None),
                "capability_note": a.capability_note}

    actor_intro = "Who takes part, how strong they are, and the names the documents call them by."

    # issues
    def issue_values(sc: Scenario, issue_id: str) -> dict[str, str]:
        try:
            i = sc.issue(issue_id)
        except KeyError:
            raise state.NotFound(f"'{sc.id}' has no issue '{issue_id}'") from None
        return {"name": i.name, "description": i.description, "scale_min": _fmt(i.scale_min),
                "scale_max": _fmt(i.scale_max), "status_quo": _fmt(i.status_quo),
                "anchors": "\n".join(f"{a.value:g}: {a.label}" for a in i.anchors)}

    issue_intro = "A question bargained over, on a numeric scale whose anchors say in words what the numbers mean."

    def item_forms(noun: str, plural: str, intro: str, fields: Callable[[bool], list[dict[str, Any]]],
                   values_of: Callable[[Scenario, str], dict[str, str]], parse: Callable[[Mapping[str, str]], Any],
                   put: Callable[..., int], new_values: Mapping[str, str]) -> None:
        """The add and edit forms of one kind of scenario item (actors, issues): the same four routes."""

        @app.get(f"/scenarios/{{sid}}/new-{noun}", response_class=HTMLResponse, include_in_schema=False)
        def new_form(request: Request, sid: IdParam) -> HTMLResponse:
            return show(request, sid, f"Add an {noun}", intro, fields(True), new_values)

        @app.post(f"/scenarios/{{sid}}/new-{noun}", include_in_schema=False, dependencies=csrf)
        async def new_submit(request: Request, sid: IdParam) -> Response:
            values = await form_of(request)
            try:
                item_id = _new_id(values)
                with open_ws() as ws:
                    version = put(ws, sid, item_id, parse(values), create=True)
            except state.FieldErrors as exc:
                return show(request, sid, f"Add an {noun}", intro, fields(True), values, exc.errors, 422)
            return saved(sid, version, f"{noun}-{item_id}")

        @app.get(f"/scenarios/{{sid}}/{plural}/{{item}}", response_class=HTMLResponse, include_in_schema=False)
        def edit_form(request: Request, sid: IdParam, item: IdParam) -> HTMLResponse:
            with open_ws() as ws:
                sc, _ = state.current(ws, sid)
            return show(request, sid, f"Edit {noun} {item}", intro, fields(False), values_of(sc, item))

        @app.post(f"/scenarios/{{sid}}/{plural}/{{item}}", include_in_schema=False, dependencies=csrf)
        async def edit_submit(request: Request, sid: IdParam, item: IdParam) -> Response:
            values = await form_of(request)
            try:
                with open_ws() as ws:
                    version = put(ws, sid, item, parse(values))
            except state.FieldErrors as exc:
                return show(request, sid, f"Edit {noun} {item}", intro, fields(False), values, exc.errors, 422)
            return saved(sid, version, f"{noun}-{item}")

    item_forms("actor", "actors", actor_intro, _actor_fields, actor_values, parse_actor_form, put_actor,
               {"kind": "other"})
    item_forms("issue", "issues", issue_intro, _issue_fields, issue_values, parse_issue_form, put_issue,
               {"scale_min": "0", "scale_max": "100", "anchors": "0: \n50: \n100: "})

    # capabilities
    def capability_fields(sc: Scenario) -> list[dict[str, Any]]:
        fields: list[dict[str, Any]] = []
        for a in sc.actors:
            fields += [{"name": f"cap-{a.id}", "label": "Capability", "numeric": True, "heading": a.name},
                       {"name": f"low-{a.id}", "label": "Range: low", "numeric": True, "help": "optional"},
                       {"name": f"high-{a.id}", "label": "Range: high", "numeric": True}]
        return fields

    cap_intro = "Every actor's capability (relative power; only ratios matter) and its plausible range, in one version."

    @app.get("/scenarios/{sid}/capabilities", response_class=HTMLResponse, include_in_schema=False)
    def capabilities_form(request: Request, sid: IdParam) -> HTMLResponse:
        with open_ws() as ws:
            sc, _ = state.current(ws, sid)
        values = {}
        for a in sc.actors:
            values[f"cap-{a.id}"] = _fmt(a.capability)
            values[f"low-{a.id}"] = _fmt(a.capability_range.low if a.capability_range else None)
            values[f"high-{a.id}"] = _fmt(a.capability_range.high if a.capability_range else None)
        return show(request, sid, "Capabilities", cap_intro, capability_fields(sc), values)

    @app.post("/scenarios/{sid}/capabilities", include_in_schema=False, dependencies=csrf)
    async def capabilities_submit(request: Request, sid: IdParam) -> Response:
        values = await form_of(request)
        with open_ws() as ws:
            sc, _ = state.current(ws, sid)
            try:
                version = put_capabilities(ws, sid, parse_capabilities_form(values, [a.id for a in sc.actors]))
            except state.FieldErrors as exc:
                return show(request, sid, "Capabilities", cap_intro, capability_fields(sc), values, exc.errors, 422)
        return saved(sid, version, "actors")

    # the scenario's own fields
    details_fields: list[dict[str, Any]] = [
        {"name": "name", "label": "Title"},
        {"name": "description", "label": "Description", "type": "textarea", "rows": 3,
         "help": "what is negotiated, by whom"},
        {"name": "as_of", "label": "As of", "help": "YYYY-MM-DD: the date the scenario describes (drafting leaves "
                                                   "out documents dated after it)"},
        {"name": "notes", "label": "Notes", "type": "textarea", "rows": 3}]
    details_intro = "The scenario's title, description and date (its id stays)."

    @app.get("/scenarios/{sid}/details", response_class=HTMLResponse, include_in_schema=False)
    def details_form(request: Request, sid: IdParam) -> HTMLResponse:
        with open_ws() as ws:
            sc, _ = state.current(ws, sid)
        return show(request, sid, "Title, description and date", details_intro, details_fields, {
            "name": sc.name, "description": sc.description, "as_of": sc.as_of.isoformat() if sc.as_of else "",
            "notes": sc.notes})

    @app.post("/scenarios/{sid}/details", include_in_schema=False, dependencies=csrf)
    async def details_submit(request: Request, sid: IdParam) -> Response:
        values = await form_of(request)
        try:
            with open_ws() as ws:
                version = put_details(ws, sid, parse_details_form(values))
        except state.FieldErrors as exc:
            return show(request, sid, "Title, description and date", details_intro, details_fields, values,
                        exc.errors, 422)
        return saved(sid, version, "top")

    # a stance for a pair that has none
    def stance_fields(sc: Scenario) -> list[dict[str, Any]]:
        return [{"name": "actor", "label": "Actor", "type": "select", "options": [a.id for a in sc.actors]},
                {"name": "issue", "label": "Issue", "type": "select", "options": [i.id for i in sc.issues]},
                {"name": "position", "label": "Position", "numeric": True, "help": "on the issue's scale"},
                {"name": "position_low", "label": "Position range: low", "numeric": True,
                 "help": "optional; both ends or neither"},
                {"name": "position_high", "label": "Position range: high", "numeric": True},
                {"name": "salience", "label": "Salience (0-100)", "numeric": True,
                 "help": "how much the issue matters to the actor"},
                {"name": "salience_low", "label": "Salience range: low", "numeric": True, "help": "optional"},
                {"name": "salience_high", "label": "Salience range: high", "numeric": True},
                {"name": "note", "label": "Note", "type": "textarea", "rows": 2}]

    stance_intro = "Where an actor stands on an issue it has no stance on yet (drafting can propose one too)."

    @app.get("/scenarios/{sid}/new-stance", response_class=HTMLResponse, include_in_schema=False)
    def new_stance_form(request: Request, sid: IdParam, actor: Annotated[str, Query(max_length=80)] = "",
                        issue: Annotated[str, Query(max_length=80)] = "") -> HTMLResponse:
        with open_ws() as ws:
            sc, _ = state.current(ws, sid)
        return show(request, sid, "Add a stance", stance_intro, stance_fields(sc), {"actor": actor, "issue": issue})

    @app.post("/scenarios/{sid}/new-stance", include_in_schema=False, dependencies=csrf)
    async def new_stance_submit(request: Request, sid: IdParam) -> Response:
        values = await form_of(request)
        with open_ws() as ws:
            sc, _ = state.current(ws, sid)
            try:
                version = add_stance(ws, sid, values.get("actor", ""), values.get("issue", ""),
                                     state.parse_stance_form(values))
            except state.FieldErrors as exc:
                errors = dict(list(exc.errors.items())[:1])
                return show(request, sid, "Add a stance", stance_intro, stance_fields(sc), values, errors, 422)
        return saved(sid, version, f"stance-{values.get('actor', '')}-{values.get('issue', '')}")

    # shocks
    def shock_values(sc: Scenario, shock_id: str) -> dict[str, str]:
        shock = next((s for s in sc.shocks if s.id == shock_id), None)
        if shock is None:
            raise state.NotFound(f"'{sc.id}' has no shock '{shock_id}'")
        return {"name": shock.name, "description": shock.description,
                "date": shock.date.isoformat() if shock.date else "",
                "round": "" if shock.round is None else str(shock.round), "changes": change_lines(shock.changes)}

    shock_intro = "An event that changes the inputs: before the run, or after a given round of it."

    def shock_extra(sid: str, shock: str) -> dict[str, Any]:
        return {"delete_url": f"/scenarios/{sid}/shocks/{shock}/delete", "delete_label": f"Remove shock {shock}"}

    @app.get("/scenarios/{sid}/new-shock", response_class=HTMLResponse, include_in_schema=False)
    def new_shock_form(request: Request, sid: IdParam) -> HTMLResponse:
        return show(request, sid, "Add a shock", shock_intro, _shock_fields(True), {})

    @app.post("/scenarios/{sid}/new-shock", include_in_schema=False, dependencies=csrf)
    async def new_shock_submit(request: Request, sid: IdParam) -> Response:
        values = await form_of(request)
        try:
            shock_id = _new_id(values)
            with open_ws() as ws:
                version = put_shock(ws, sid, shock_id, parse_shock_form(values), create=True)
        except state.FieldErrors as exc:
            return show(request, sid, "Add a shock", shock_intro, _shock_fields(True), values, exc.errors, 422)
        return saved(sid, version, f"shock-{shock_id}")

    @app.get("/scenarios/{sid}/shocks/{shock}", response_class=HTMLResponse, include_in_schema=False)
    def shock_form(request: Request, sid: IdParam, shock: IdParam) -> HTMLResponse:
        with open_ws() as ws:
            sc, _ = state.current(ws, sid)
        return show(request, sid, f"Edit shock {shock}", shock_intro, _shock_fields(False), shock_values(sc, shock),
                    **shock_extra(sid, shock))

    @app.post("/scenarios/{sid}/shocks/{shock}", include_in_schema=False, dependencies=csrf)
    async def shock_submit(request: Request, sid: IdParam, shock: IdParam) -> Response:
        values = await form_of(request)
        try:
            with open_ws() as ws:
                version = put_shock(ws, sid, shock, parse_shock_form(values))
        except state.FieldErrors as exc:
            return show(request, sid, f"Edit shock {shock}", shock_intro, _shock_fields(False), values, exc.errors,
                        422, **shock_extra(sid, shock))
        return saved(sid, version, f"shock-{shock}")

    @app.post("/scenarios/{sid}/shocks/{shock}/delete", include_in_schema=False, dependencies=csrf)
    def shock_delete(sid: IdParam, shock: IdParam) -> Response:
        with open_ws() as ws:
            version = delete_shock(ws, sid, shock)
        return saved(sid, version, "shocks")

    # JSON API: PUT creates or replaces; every answer is the new version
    def exists(ws: Workspace, sid: str, what: str, item: str) -> bool:
        sc, _ = state.current(ws, sid)
        return any(x.id == item for x in getattr(sc, what))

    @app.put("/api/scenarios/{sid}/actors/{actor}", tags=["scenarios"], responses=_ERRORS, dependencies=csrf)
    def api_put_actor(sid: IdParam, actor: IdParam, body: ActorIn) -> EditedOut:
        """Add or edit an actor (name, kind, aliases, capability and its range); stored as a new version."""
        with open_ws() as ws:
            return EditedOut(scenario=sid, version=put_actor(ws, sid, actor, body,
                                                             create=not exists(ws, sid, "actors", actor)))

    @app.put("/api/scenarios/{sid}/issues/{issue}", tags=["scenarios"], responses=_ERRORS, dependencies=csrf)
    def api_put_issue(sid: IdParam, issue: IdParam, body: IssueIn) -> EditedOut:
        """Add or edit an issue (name, scale, status quo, anchors); stored as a new version."""
        with open_ws() as ws:
            return EditedOut(scenario=sid, version=put_issue(ws, sid, issue, body,
                                                             create=not exists(ws, sid, "issues", issue)))

    @app.put("/api/scenarios/{sid}/details", tags=["scenarios"], responses=_ERRORS, dependencies=csrf)
    def api_put_details(sid: IdParam, body: DetailsIn) -> EditedOut:
        """Set the scenario's title, description, as-of date and notes; stored as a new version."""
        with open_ws() as ws:
            return EditedOut(scenario=sid, version=put_details(ws, sid, body))

    @app.post("/api/scenarios/{sid}/stances", tags=["scenarios"], responses=_ERRORS, dependencies=csrf)
    def api_add_stance(sid: IdParam, body: NewStanceIn) -> EditedOut:
        """Give an actor a stance on an issue it has none on; stored as a new version."""
        update = state.StanceUpdate.model_validate(body.model_dump(exclude={"actor", "issue"}))
        with open_ws() as ws:
            return EditedOut(scenario=sid, version=add_stance(ws, sid, body.actor, body.issue, update))

    @app.put("/api/scenarios/{sid}/capabilities", tags=["scenarios"], responses=_ERRORS, dependencies=csrf)
    def api_put_capabilities(sid: IdParam, body: dict[str, CapabilityIn]) -> EditedOut:
        """Set the capabilities (and ranges) of the actors named, in one new version."""
        if len(body) > 1000:
            raise state.FieldErrors({"form": "at most 1000 actors"})
        with open_ws() as ws:
            return EditedOut(scenario=sid, version=put_capabilities(ws, sid, body))

    @app.put("/api/scenarios/{sid}/shocks/{shock}", tags=["scenarios"], responses=_ERRORS, dependencies=csrf)
    def api_put_shock(sid: IdParam, shock: IdParam, body: ShockIn) -> EditedOut:
        """Add or replace a shock; stored as a new version."""
        with open_ws() as ws:
            return EditedOut(scenario=sid, version=put_shock(ws, sid, shock, body,
                                                             create=not exists(ws, sid, "shocks", shock)))

    @app.delete("/api/scenarios/{sid}/shocks/{shock}", tags=["scenarios"], responses=_ERRORS, dependencies=csrf)
    def api_delete_shock(sid: IdParam, shock: IdParam) -> EditedOut:
        with open_ws() as ws:
            return EditedOut(scenario=sid, version=delete_shock(ws, sid, shock))


class NewStanceIn(state.StanceUpdate):
    """A new stance: the actor and issue, then the stance form's numbers."""

    actor: str = Field(min_length=1, max_length=80)
    issue: str = Field(min_length=1, max_length=80)


class EditedOut(BaseModel):
    scenario: str
    version: int


_ERRORS: dict[int | str, dict[str, Any]] = {404: {"description": "no such scenario, actor, issue or shock"},
                                            403: {"description": "missing or wrong CSRF token"},
                                            422: {"description": "invalid input (one error, by field)"}}
