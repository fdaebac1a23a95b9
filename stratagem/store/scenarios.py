"""Scenario references that may name a stored workspace version: ``ID@VERSION`` or ``ID``.

The model layer resolves built-in ids and files; this layer adds the workspace, so a
scenario edited in the web app can be forecast, shown or reported from the command line.
With a workspace, ``ID@VERSION`` is that stored version and ``ID`` the latest stored one
(falling back to a built-in or a file when the workspace has no version of ``ID``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from stratagem.model.builtin import resolve_scenario as resolve_model_scenario
from stratagem.model.errors import ScenarioError

if TYPE_CHECKING:
    from stratagem.model.schema import Scenario

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
