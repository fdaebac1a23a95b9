"""The web app's view of scenarios: built-ins plus versions stored in the workspace.

A scenario id from a request is looked up among the built-in ids and the workspace's
versioned ids only; it never becomes a file path. What the current scenario is, and how
edits, undo and restore append versions, is the store's (:mod:`stratagem.store.scenarios`);
this module turns its answers into the web's 404s and form errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stratagem.model.errors import StratagemError
from stratagem.model.schema import Scenario
from stratagem.store import scenarios as versions_store
from stratagem.store.workspace import ScenarioVersion, Workspace

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,79}$")


class NotFound(StratagemError):
    """A scenario, stance, document or job that does not exist (HTTP 404)."""


class FieldErrors(StratagemError):
    """Validation errors by form field name (HTTP 422, shown next to each field)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class ScenarioInfo:
    id: str
    name: str
    as_of: str | None
    n_actors: int
    n_issues: int
    builtin: bool
    version: int | None  # latest stored version, None when only the built-in exists

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "as_of": self.as_of, "actors": self.n_actors,
                "issues": self.n_issues, "builtin": self.builtin, "version": self.version}


def list_scenarios(ws: Workspace) -> list[ScenarioInfo]:
    builtins = versions_store.builtin_scenario_ids()
    out = []
    for sid in sorted(set(builtins) | set(ws.versioned_scenario_ids())):
        sc, version = current(ws, sid)
        out.append(ScenarioInfo(sid, sc.name, sc.as_of.isoformat() if sc.as_of else None, len(sc.actors),
                                len(sc.issues), sid in builtins, version))
    return out


def current(ws: Workspace, scenario_id: str) -> tuple[Scenario, int | None]:
    """The current scenario and its version number (None for an unedited built-in)."""
    found = versions_store.current(ws, scenario_id) if IDENTIFIER.match(scenario_id) else None
    if found is None:
        raise NotFound(f"no scenario '{scenario_id}'")
    return found


def versions(ws: Workspace, scenario_id: str) -> list[ScenarioVersion]:
    current(ws, scenario_id)  # 404 for unknown ids
    return ws.scenario_versions(scenario_id)


undo_target = versions_store.undo_target


class StanceUpdate(BaseModel):
    """A new position and salience for one stance, with optional ranges and a note."""

    model_config = ConfigDict(extra="forbid")

    position: float = Field(ge=-1e9, le=1e9, description="position on the issue's scale")
    salience: float = Field(ge=0, le=100, description="how much the issue matters to the actor, 0-100")
    position_low: float | None = Field(default=None, ge=-1e9, le=1e9)
    position_high: float | None = Field(default=None, ge=-1e9, le=1e9)
    salience_low: float | None = Field(default=None, ge=0, le=100)
    salience_high: float | None = Field(default=None, ge=0, le=100)
    note: str = Field(default="", max_length=4000)


_FIELD_OF = {
    "position": "position", "salience": "salience", "position_range": "position_low",
    "salience_range": "salience_low", "note": "note",
}


def parse_stance_form(form: dict[str, str]) -> StanceUpdate:
    """Validate form text into a StanceUpdate; empty range fields mean "no range"."""
    data: dict[str, Any] = {}
    for key in StanceUpdate.model_fields:
        value = form.get(key, "")
        value = value.strip() if isinstance(value, str) else value
        if key != "note" and value == "":
            if key in ("position", "salience"):
                data[key] = None  # reported as "required"
            continue
        data[key] = value
    try:
        return StanceUpdate.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "form"
            msg = str(err["msg"])
            if err["type"] in ("float_type", "float_parsing"):
                msg = "enter a number"
            elif err["type"] in ("none_required", "missing") or (data.get(name) is None and name in data):
                msg = "required"
            errors.setdefault(name, msg)
        raise FieldErrors(errors) from None


def edit_stance(ws: Workspace, scenario_id: str, actor: str, issue: str, update: StanceUpdate) -> int:
    """Apply a stance update as a new version of the scenario; returns the new version number."""
    sc, version = current(ws, scenario_id)
    index = next((n for n, s in enumerate(sc.stances) if s.actor == actor and s.issue == issue), None)
    if index is None:
        raise NotFound(f"'{scenario_id}' has no stance of '{actor}' on '{issue}'")
    errors: dict[str, str] = {}
    for low, high, name in ((update.position_low, update.position_high, "position"),
                            (update.salience_low, update.salience_high, "salience")):
        if (low is None) != (high is None):
            errors[f"{name}_{'high' if low is not None else 'low'}"] = "give both ends of the range, or neither"
        elif low is not None and high is not None and low > high:
            errors[f"{name}_low"] = "the low end is above the high end"
    if errors:
        raise FieldErrors(errors)
    stance = sc.stances[index]
    data = stance.model_dump()
    data.update(position=update.position, salience=update.salience, note=update.note,
                position_range=None if update.position_low is None else [update.position_low, update.position_high],
                salience_range=None if update.salience_low is None else [update.salience_low, update.salience_high])
    content = sc.model_dump()
    content["stances"] = [s.model_dump() for s in sc.stances]
    content["stances"][index] = data
    try:
        new = Scenario.model_validate(content)
    except ValidationError as exc:
        raise FieldErrors(_errors_to_fields(exc, index)) from None
    note = f"{actor} on {issue}: position {stance.position:g} → {update.position:g}, " \
           f"salience {stance.salience:g} → {update.salience:g}"
    return ws.save_scenario_version(new, parent=versions_store.stored_version(ws, sc, version), note=note)


def _errors_to_fields(exc: ValidationError, index: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        msg = str(err["msg"]).removeprefix("Value error, ")
        loc = [str(p) for p in err["loc"]]
        field = next((_FIELD_OF[p] for p in loc if p in _FIELD_OF), None)
        m = re.match(r"^stances\[(\d+)\]\.?([a-z_]*)[.:]?\s*(.*)$", msg)
        if m and int(m.group(1)) == index:
            field = _FIELD_OF.get(m.group(2), "position") if m.group(2) else field
            msg = m.group(3) or msg
        elif msg.startswith("position"):
            field = field or "position"
        elif msg.startswith("salience"):
            field = field or "salience"
        msg = msg.removeprefix(": ")
        errors.setdefault(field or "form", msg)
    return errors


def undo(ws: Workspace, scenario_id: str) -> int:
    """Restore the version the current one was derived from, as a new version; returns its number."""
    current(ws, scenario_id)
    version = versions_store.undo(ws, scenario_id)
    if version is None:
        raise FieldErrors({"form": "nothing to undo"})
    return version


def restore(ws: Workspace, scenario_id: str, version: int) -> int:
    """Append a copy of ``version`` as the next version (see :func:`stratagem.store.scenarios.restore`)."""
    current(ws, scenario_id)
    new = versions_store.restore(ws, scenario_id, version)
    if new is None:
        raise NotFound(f"'{scenario_id}' has no version {version}")
    return new
