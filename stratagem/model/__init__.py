"""The scenario model: the schema (actors, issues, stances, evidence, shocks), its validation,
the loaders and writers (YAML, single-issue CSV, KTAB CSV), the built-in scenarios and the
arrays the engines read.

The names below are imported from their modules on first use, so importing one light module
(``stratagem.model.errors``) does not build the pydantic schema.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stratagem.model.arrays import ScenarioArrays, to_arrays
    from stratagem.model.errors import EngineError, ScenarioError, StratagemError
    from stratagem.model.io import load_scenario, parse_yaml, write_yaml
    from stratagem.model.schema import (
        Actor,
        Anchor,
        Evidence,
        Issue,
        Outcome,
        Range,
        Scenario,
        Shock,
        ShockChange,
        Stance,
    )

_HOME = {
    "ScenarioArrays": "arrays", "to_arrays": "arrays",
    "EngineError": "errors", "ScenarioError": "errors", "StratagemError": "errors",
    "load_scenario": "io", "parse_yaml": "io", "write_yaml": "io",
    **{name: "schema" for name in ("Actor", "Anchor", "Evidence", "Issue", "Outcome", "Range", "Scenario",
                                   "Shock", "ShockChange", "Stance")},
}

__all__ = [
    "Actor", "Anchor", "EngineError", "Evidence", "Issue", "Outcome", "Range", "Scenario",
    "ScenarioArrays", "ScenarioError", "Shock", "ShockChange", "Stance", "StratagemError",
    "load_scenario", "parse_yaml", "to_arrays", "write_yaml",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
