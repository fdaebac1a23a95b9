"""The one place commands turn a SCENARIO argument into a scenario: built-in id, file, or workspace version.

Every command that takes a scenario calls :func:`load_scenario` with its ``--workspace``
value; the resolution itself lives in :mod:`stratagem.store.scenarios`. A workspace given
on the command line answers ``ID@VERSION`` and also a plain ``ID`` (its latest stored
version). A workspace that is only a command's default (ensemble's ``stratagem.db``) answers
``ID@VERSION`` only, so ``stratagem ensemble us-iraq-2020`` keeps meaning the built-in;
``draft`` and ``ingest`` pass ``default_answers_plain_ids`` because their default workspace is
the one they work in (drafts are made for the scenario as stored there).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click
from click.core import ParameterSource

if TYPE_CHECKING:  # imported when a command resolves a scenario, not when the CLI starts
    from stratagem.model.schema import Scenario
    from stratagem.store.scenarios import ResolvedScenario

F = TypeVar("F", bound=Callable[..., None])

WORKSPACE_HELP = "Workspace to open a stored version from: SCENARIO as ID@VERSION, or ID for its latest version."


def workspace_option(fn: F) -> F:
    """``--workspace W`` for commands that have no workspace option of their own."""
    return click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help=WORKSPACE_HELP)(fn)


def resolve(reference: str | None, workspace: Path | None, *, default_answers_plain_ids: bool = False
            ) -> ResolvedScenario:
    """Resolve SCENARIO with the command's ``--workspace`` (see the module docstring for defaults)."""
    from stratagem.store.scenarios import parse_version_ref, resolve_scenario_ref

    ctx = click.get_current_context(silent=True)
    if workspace is not None and ctx is not None and not default_answers_plain_ids:
        source = ctx.get_parameter_source("workspace")
        if source in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP) and (
                reference is None or parse_version_ref(reference) is None):
            workspace = None
    return resolve_scenario_ref(reference, workspace)


def load_scenario(reference: str | None, workspace: Path | None, *, default_answers_plain_ids: bool = False
                  ) -> Scenario:
    """The scenario SCENARIO names (a built-in id, a .yaml/.csv file, or ID[@VERSION] in the workspace)."""
    return resolve(reference, workspace, default_answers_plain_ids=default_answers_plain_ids).scenario
