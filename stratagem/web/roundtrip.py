"""Scenarios between the web app and files: YAML downloads of any version, and uploads that never lose an edit.

A download is :func:`stratagem.model.io.dump_yaml` of the stored version behind a one-line
comment naming the scenario and version, so the same version always gives the same bytes
and an upload of that file knows which version it was derived from.

An upload is stored as the next version of its scenario. It replaces nothing: versions are
append-only, and the version it lands on top of stays in the history (restore or undo
returns to it). What needs the analyst's word is an upload that would silently bury an
edit: when the scenario has a stored version the file was not derived from (the file has no
header, or its header names an older version), the upload is refused with
:class:`UploadConflict` unless ``on_conflict="keep-both"``. A built-in uploaded over for the
first time keeps the built-in as version 1, so its id is never hidden for good.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, cast

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from stratagem.model.errors import StratagemError
from stratagem.model.io import dump_yaml, parse_yaml
from stratagem.model.schema import Scenario
from stratagem.store import scenarios as versions_store
from stratagem.store.workspace import Workspace
from stratagem.web import state
from stratagem.web.security import require_csrf

IdParam = Annotated[str, PathParam(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]

OnConflict = Literal["ask", "keep-both"]
ON_CONFLICT_CHOICES: tuple[str, ...] = ("ask", "keep-both")

_HEADER = re.compile(r"\A(?:\ufeff)?# stratagem scenario (?P<id>[A-Za-z0-9][A-Za-z0-9_.\-]{0,79}), "
                     r"(?:workspace version (?P<version>[0-9]{1,9})|built-in)\b")


class UploadConflict(StratagemError):
    """An uploaded scenario would land on a version it was not derived from (HTTP 409; the UI asks)."""

    def __init__(self, *, scenario: str, latest: int, latest_note: str, base: int | None, text: str,
                 name: str, from_builtin: bool = False) -> None:
        self.scenario = scenario
        self.latest = latest
        self.latest_note = latest_note
        self.base = base
        self.text = text
        self.name = name
        self.from_builtin = from_builtin
        if base is not None:
            origin = f"was downloaded from version {base}"
        elif from_builtin:
            origin = "was downloaded from the built-in"
        else:
            origin = "does not say which version it was derived from"
        super().__init__(f"'{scenario}' has changed: its latest version is {latest} ({latest_note}), and {name} "
                         f"{origin}. Nothing was stored: upload again with on_conflict=keep-both to store it as "
                         f"version {latest + 1} and keep version {latest} in the history.")

    def to_dict(self) -> dict[str, object]:
        return {"detail": str(self), "scenario": self.scenario, "latest": self.latest,
                "latest_note": self.latest_note, "base": "built-in" if self.from_builtin else self.base,
                "options": ["keep-both"]}


@dataclass(frozen=True)
class ImportOutcome:
    scenario: str
    version: int
    created: bool  # False when the upload equals the latest version (nothing stored)
    kept: int | None  # the edited version the upload was stored beside, when there was a conflict


def header(scenario_id: str, version: int | None) -> str:
    where = f"workspace version {version}" if version is not None else "built-in"
    return (f"# stratagem scenario {scenario_id}, {where}. Load it with stratagem (validate, show, forecast) "
            "or upload it to the web app.\n")


def base_of(text: str) -> tuple[str, int | None] | None:
    """The (scenario id, version) a downloaded file names in its first line (version None: the built-in)."""
    m = _HEADER.match(text)
    if m is None:
        return None
    return m.group("id"), int(m.group("version")) if m.group("version") else None


def scenario_yaml(ws: Workspace, scenario_id: str, version: int | None = None) -> tuple[str, str, int | None]:
    """(YAML text, file name, version) of a stored version, of the current scenario by default."""
    if version is None:
        sc, version = state.current(ws, scenario_id)
    else:
        state.current(ws, scenario_id)  # 404 for unknown ids
        loaded = ws.load_scenario_version(scenario_id, version)
        if loaded is None:
            raise state.NotFound(f"'{scenario_id}' has no version {version}")
        sc = loaded
    name = f"{scenario_id}-v{version}.yaml" if version is not None else f"{scenario_id}.yaml"
    return header(scenario_id, version) + dump_yaml(sc), name, version


def builtin_differs(scenario_id: str, current: Scenario) -> bool:
    """True when ``scenario_id`` is a built-in and the current version is not it (the page offers it back)."""
    original = versions_store.builtin(scenario_id)
    return original is not None and current != original


def restore_builtin(ws: Workspace, scenario_id: str) -> int:
    """Store the built-in scenario as the next version (the versions before it stay), whatever was uploaded."""
    original = versions_store.builtin(scenario_id)
    if original is None:
        raise state.NotFound(f"'{scenario_id}' is not a built-in scenario")
    versions = ws.scenario_versions(scenario_id)
    return ws.save_scenario_version(original, parent=versions[-1].version if versions else None,
                                    note="the built-in, restored")


def parse_upload(raw: bytes, name: str) -> tuple[Scenario, str]:
    """The scenario in an uploaded YAML file and its text; one-line errors naming the file."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StratagemError(f"{name}: not UTF-8 text") from None
    return parse_yaml(text, path=name or "upload.yaml"), text


def import_scenario(ws: Workspace, sc: Scenario, text: str, name: str, on_conflict: OnConflict = "ask"
                    ) -> ImportOutcome:
    """Store an uploaded scenario as its next version, or raise UploadConflict (see the module docstring)."""
    note = f"uploaded {name}"[:200]
    versions = ws.scenario_versions(sc.id)
    if not versions:
        builtin = versions_store.builtin(sc.id)
        if builtin is not None:
            first = versions_store.stored_version(ws, builtin, None)
            if sc == builtin:
                return ImportOutcome(sc.id, first, created=False, kept=None)
            return ImportOutcome(sc.id, ws.save_scenario_version(sc, parent=first, note=note), True, None)
        return ImportOutcome(sc.id, ws.save_scenario_version(sc, note=note), True, None)
    latest = versions[-1]
    current = ws.load_scenario_version(sc.id, latest.version)
    if current == sc:
        return ImportOutcome(sc.id, latest.version, created=False, kept=None)
    named = base_of(text)
    base = named[1] if named is not None and named[0] == sc.id else None
    from_builtin = named is not None and named[0] == sc.id and named[1] is None
    unedited_builtin = from_builtin and current == versions_store.builtin(sc.id)
    if base == latest.version or unedited_builtin:  # derived from what is current: an ordinary next version
        return ImportOutcome(sc.id, ws.save_scenario_version(sc, parent=latest.version, note=note), True, None)
    if on_conflict != "keep-both":
        raise UploadConflict(scenario=sc.id, latest=latest.version, latest_note=latest.note, base=base, text=text,
                             name=name or "the file", from_builtin=from_builtin)
    kept_note = f"{note} beside version {latest.version}" + (f" (file from version {base})" if base else "")
    version = ws.save_scenario_version(sc, parent=latest.version, note=kept_note[:200])
    return ImportOutcome(sc.id, version, True, latest.version)


# -- routes (installed by create_app) ---------------------------------------------------
def install(app: FastAPI, *, open_ws: Callable[[], AbstractContextManager[Workspace]],
            page: Callable[..., HTMLResponse], wants_html: Callable[[Request], bool], max_bytes: int) -> None:
    """The download route, the conflict answer (JSON 409, or a page that asks) and the page's "keep both" form."""

    @app.exception_handler(UploadConflict)
    async def _conflict(request: Request, exc: UploadConflict) -> Response:
        if wants_html(request):
            return page(request, "conflict.html", 409, conflict=exc)
        return JSONResponse(exc.to_dict(), status_code=409)

    @app.get("/api/scenarios/{sid}/yaml", tags=["scenarios"], response_class=Response, responses={
        200: {"content": {"application/yaml": {}}, "description": "the version as a scenario file"},
        404: {"description": "no such scenario or version"}})
    def api_scenario_yaml(sid: IdParam, version: Annotated[int | None, Query(ge=1, le=10**9)] = None) -> Response:
        """A version (default: the current one) as YAML that `stratagem validate/show/forecast` load."""
        with open_ws() as ws:
            text, filename, _ = scenario_yaml(ws, sid, version)
        return Response(text.encode("utf-8"), media_type="application/yaml; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{filename}"'})

    @app.post("/scenarios/{sid}/restore-builtin", include_in_schema=False, dependencies=[Depends(require_csrf)])
    def restore_builtin_submit(sid: IdParam) -> Response:
        with open_ws() as ws:
            version = restore_builtin(ws, sid)
        return RedirectResponse(f"/scenarios/{sid}?saved={version}", status_code=303)

    @app.post("/scenarios/import", include_in_schema=False, dependencies=[Depends(require_csrf)])
    async def import_submit(request: Request) -> Response:
        """The conflict page's answer: store the upload it carried as the next version, keeping the edit."""
        form = await request.form(max_fields=8, max_files=0, max_part_size=max_bytes)
        text, name = str(form.get("yaml", "")), Path(str(form.get("name", "")) or "upload.yaml").name[:120]
        choice = str(form.get("on_conflict", "ask"))
        if choice not in ON_CONFLICT_CHOICES:
            raise StratagemError(f"on_conflict: one of {', '.join(ON_CONFLICT_CHOICES)}")
        sc = parse_yaml(text, path=name)
        with open_ws() as ws:
            outcome = import_scenario(ws, sc, text, name, cast(OnConflict, choice))
        return RedirectResponse(f"/scenarios/{outcome.scenario}?saved={outcome.version}", status_code=303)
