"""Built-in scenarios shipped as package data (stratagem/scenarios/*.yaml).

The schema and the loaders (pydantic) are imported when a scenario is loaded, so listing the
built-in scenarios needs neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stratagem.model.errors import ScenarioError

if TYPE_CHECKING:
    from stratagem.model.schema import Scenario

DEFAULT_SCENARIO = "us-iraq-2020"
_FALLBACK_DEFAULT = "ec-emissions-1994"
#: the shipped scenarios, read as the package's files (importlib.resources would import zipfile for every
#: command that names a scenario, and the package is never imported from a zip)
_SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def builtin_ids() -> list[str]:
    """Ids of the scenarios shipped with stratagem, sorted."""
    return sorted(p.name[: -len(".yaml")] for p in _SCENARIOS.iterdir() if p.name.endswith(".yaml"))


def default_scenario_id() -> str:
    """The scenario ``stratagem forecast`` runs when given none."""
    ids = builtin_ids()
    return DEFAULT_SCENARIO if DEFAULT_SCENARIO in ids else _FALLBACK_DEFAULT


def builtin_summary(scenario_id: str) -> tuple[str, str, int, int]:
    """Name, as-of date ("" if none), number of actors and of issues of a built-in scenario, read by
    the strict YAML reader but not validated against the schema (what ``stratagem scenarios`` lists;
    the shipped files are validated by the tests and by every command that loads one)."""
    from stratagem.model.strict_yaml import load_yaml_strict

    data, _ = load_yaml_strict((_SCENARIOS / f"{scenario_id}.yaml")
                               .read_text(encoding="utf-8"), path=f"<built-in {scenario_id}>")
    as_of = data.get("as_of")
    return (str(data["name"]).strip(), "" if as_of is None else str(as_of), len(data.get("actors") or ()),
            len(data.get("issues") or ()))


def load_builtin(scenario_id: str) -> Scenario:
    from stratagem.model.io import parse_yaml

    resource = _SCENARIOS / f"{scenario_id}.yaml"
    if not resource.is_file():
        raise ScenarioError(
            f"unknown built-in scenario '{scenario_id}' (built-in: {', '.join(builtin_ids())})"
        )
    return parse_yaml(resource.read_text(encoding="utf-8"), path=f"<built-in {scenario_id}>")


def resolve_scenario(reference: str | None) -> Scenario:
    """A built-in id or a path; None gives the default scenario."""
    from stratagem.model.io import load_scenario

    if reference is None:
        return load_builtin(default_scenario_id())
    if reference in builtin_ids():
        return load_builtin(reference)
    path = Path(reference)
    if path.suffix.lower() in {".yaml", ".yml", ".csv"} or path.exists():
        return load_scenario(path)
    raise ScenarioError(
        f"'{reference}' is neither a file nor a built-in scenario (built-in: {', '.join(builtin_ids())})"
    )
