"""Bargaining engines: pure functions of arrays that return a Trajectory."""

from stratagem.engines.base import EngineSpec, Move, Parameter, Trajectory
from stratagem.engines.registry import ENGINES, get_engine

__all__ = ["ENGINES", "EngineSpec", "Move", "Parameter", "Trajectory", "get_engine"]
