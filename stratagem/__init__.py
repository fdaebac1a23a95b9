"""stratagem: forecast multi-party political negotiations, with evidence for every number.

The top level is small and imported lazily (``import stratagem`` loads nothing heavy; each name
loads its module on first use):

* :func:`load` a scenario (built-in id, ``.yaml``/``.csv`` file, or ``ID@VERSION`` in a workspace);
* :func:`forecast` one engine's run, :func:`ensemble` the distribution over the inputs' ranges,
  :func:`explain` why; each result has ``to_dict()`` and ``to_frame()`` (pandas, optional);
* :data:`ENGINES`, the registered engines by name.

>>> import stratagem as sg
>>> "bdm" in sg.ENGINES and "compromise" in sg.ENGINES
True
>>> frame = sg.forecast("ec-emissions-1994", "compromise").to_frame()
>>> list(frame.index), round(float(frame.loc["emissions", "forecast"]), 2)
(['emissions'], 7.39)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from stratagem.api import Explanation, ensemble, explain, forecast, load
    from stratagem.engines.registry import ENGINES

_HOME = {"load": "stratagem.api", "forecast": "stratagem.api", "ensemble": "stratagem.api",
         "explain": "stratagem.api", "Explanation": "stratagem.api", "ENGINES": "stratagem.engines.registry"}

__all__ = ["ENGINES", "Explanation", "__version__", "ensemble", "explain", "forecast", "load"]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
