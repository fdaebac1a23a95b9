"""The scenario model: schema, validation, loaders, writers and engine arrays."""

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

__all__ = [
    "Actor", "Anchor", "EngineError", "Evidence", "Issue", "Outcome", "Range", "Scenario",
    "ScenarioArrays", "ScenarioError", "Shock", "ShockChange", "Stance", "StratagemError",
    "load_scenario", "parse_yaml", "to_arrays", "write_yaml",
]
