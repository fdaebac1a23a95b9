"""Scenario versions in a workspace: the current scenario, edits, undo, and ``ID@VERSION`` references.

Versions are append-only. The current scenario is the latest stored version, else the
built-in; the first edit of a built-in stores the original as version 1. An edit appends
a version whose parent is the version it changed; undo appends a copy of that parent
(whose own parent is the next undo step). The web app and the command line both call
these functions.

The model layer resolves built-in ids and files; this layer adds the workspace, so a
scenario edited in the web app can be forecast, shown or reported from the command line.
With a workspace, ``ID@VERSION`` is that stored version and ``ID`` the latest stored one
(falling back to a built-in or a file when the workspace has no version of ``ID``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from stratagem.model.builtin import builtin_ids, load_builtin
from stratagem.model.builtin import resolve_scenario as resolve_model_scenario
from stratagem.model.errors import ScenarioError

if TYPE_CHECKING:
    from stratagem.model.schema import Scenario
    from stratagem.store.workspace import Workspace

#: ``ID@VERSION`` (VERSION a positive integer, or ``latest``).
VERSION_REF = re.compile(r"^(?P<id>[A-Za-z0-9][A-Za-z0-9_.\-]{0,79})@(?P<version>[1-9][0-9]{0,8}|latest)$")


@dataclass(frozen=True)
class ResolvedScenario:
    """A scenario and where it came from (``version`` is None unless it is a stored version)."""

    scenario: Scenario
    source: str
    version: int | None = None


def parse_version_ref(reference: str) -> tuple[str, int | None] | None:
    """``("id", 3)`` for ``id@3``, ``("id", None)`` for ``id@latest``; None when it is no version reference."""
    m = VERSION_REF.match(reference)
    if m is None:
        return None
    version = m.group("version")
    return m.group("id"), None if version == "latest" else int(version)


def resolve_scenario_ref(reference: str | None, workspace: str | Path | None = None) -> ResolvedScenario:
    """Resolve a scenario reference given on the command line, with an optional workspace.

    Without a workspace, ``ID@VERSION`` is an error naming the missing option; everything else
    goes to the model resolver (built-in id or file). A workspace that does not exist is never
    created here: it is an error for ``ID@VERSION`` and ignored otherwise (``ingest`` makes it).
    """
    parsed = parse_version_ref(reference) if reference is not None else None
    if workspace is None:
        if parsed is not None and not Path(str(reference)).exists():
            raise ScenarioError(f"'{reference}' names a stored workspace version: add --workspace W")
        return ResolvedScenario(resolve_model_scenario(reference), str(reference) if reference else "built-in")
    path = Path(workspace)
    if not path.is_file():
        if parsed is not None:
            raise ScenarioError(f"{path}: no such workspace (for '{reference}')")
        return ResolvedScenario(resolve_model_scenario(reference), str(reference) if reference else "built-in")
    if reference is not None:
        from stratagem.store.workspace import Workspace  # the evidence layer, only for a real workspace

        sid, version = parsed if parsed is not None else (reference, None)
        with Workspace(path) as ws:
            versions = ws.scenario_versions(sid)
            if versions:
                wanted = versions[-1].version if version is None else version
                if wanted not in {v.version for v in versions}:
                    raise ScenarioError(f"{path}: scenario '{sid}' has no version {wanted} "
                                        f"(stored: 1-{versions[-1].version})")
                sc = ws.load_scenario_version(sid, wanted)
                assert sc is not None
                return ResolvedScenario(sc, f"{path}:{sid}@{wanted}", wanted)
        if parsed is not None:
            raise ScenarioError(f"{path}: no stored versions of scenario '{sid}'")
    return ResolvedScenario(resolve_model_scenario(reference), str(reference) if reference else "built-in")


@lru_cache(maxsize=1)
def builtin_scenario_ids() -> frozenset[str]:
    """The built-in scenario ids (read once per process)."""
    return frozenset(builtin_ids())


@lru_cache(maxsize=32)
def builtin(scenario_id: str) -> Scenario | None:
    """The built-in scenario ``scenario_id``, or None when there is none (each parsed once per process)."""
    return load_builtin(scenario_id) if scenario_id in builtin_scenario_ids() else None


def current(ws: Workspace, scenario_id: str) -> tuple[Scenario, int | None] | None:
    """The current scenario and its version (None for an unedited built-in), or None when there is neither."""
    versions = ws.scenario_versions(scenario_id)
    if versions:
        sc = ws.load_scenario_version(scenario_id, versions[-1].version)
        assert sc is not None
        return sc, versions[-1].version
    found = builtin(scenario_id)
    return None if found is None else (found, None)


def stored_version(ws: Workspace, sc: Scenario, version: int | None) -> int:
    """``version``, or for an unedited built-in (None) the version 1 it is stored as now: the parent of an
    edit of the current scenario ``sc``."""
    return ws.save_scenario_version(sc, note="built-in") if version is None else version


def undo_target(ws: Workspace, scenario_id: str) -> int | None:
    """The version that undo would restore, or None when there is nothing to undo."""
    versions = ws.scenario_versions(scenario_id)
    return versions[-1].parent if versions else None


def undo(ws: Workspace, scenario_id: str) -> int | None:
    """Restore the version the current one was derived from, as a new version (None: nothing to undo)."""
    target = undo_target(ws, scenario_id)
    return None if target is None else restore(ws, scenario_id, target, undoing=True)


def restore(ws: Workspace, scenario_id: str, version: int, *, undoing: bool = False) -> int | None:
    """Append a copy of ``version`` (None when there is no such version). After an undo, the next undo
    goes one step further back (the restored version's parent); after a plain restore, undo returns to
    the state before it."""
    listed = {v.version: v for v in ws.scenario_versions(scenario_id)}
    sc = ws.load_scenario_version(scenario_id, version) if version in listed else None
    if sc is None:
        return None
    if undoing:
        return ws.save_scenario_version(sc, parent=listed[version].parent,
                                        note=f"undo of version {max(listed)} (back to version {version})")
    return ws.save_scenario_version(sc, parent=max(listed), note=f"restored version {version}")
