"""Bargaining engines: pure functions of arrays (positions, saliences, capabilities, status quo)
that return a Trajectory, and the registry that lists them with their parameters.

The names below are imported on first use, so a light import of ``stratagem.engines.base``
does not load every engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stratagem.engines.base import EngineSpec, Move, Parameter, Trajectory
    from stratagem.engines.registry import ENGINES, get_engine

_HOME = {"EngineSpec": "base", "Move": "base", "Parameter": "base", "Trajectory": "base",
         "ENGINES": "registry", "get_engine": "registry"}

__all__ = ["ENGINES", "EngineSpec", "Move", "Parameter", "Trajectory", "get_engine"]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
