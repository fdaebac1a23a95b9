"""The catalogue of engines, so the CLI, the API, ensembles and the backtest share one list.

An engine is one module (its options dataclass and a forecast function or a
RoundModel) and one :func:`declare` call here; docs/engines.md says how. The catalogue
holds light declarations (names, summaries, flags and where the code is) and imports an
engine's module the first time that engine is looked up, so a compromise forecast loads
neither bdm's kernels nor ktab; listing the names and summaries imports no engine at all.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stratagem.model.errors import EngineError

if TYPE_CHECKING:
    from stratagem.engines.base import EngineSpec

# The one recommended forecaster, chosen from the backtest evidence (docs/backtest.md): `stratagem engines`,
# the CLI's defaults, the report and the web app all read it from here.
RECOMMENDED = "anchor"
# The engine `explain` describes by default: it needs rounds and moves, which the one-shot recommended
# forecaster does not have; bdm is the iterative engine the explanations were written for.
EXPLAINED = "bdm"


@dataclass(frozen=True)
class Declaration:
    """An engine before its module is imported: what listings need, and where its code is.

    ``options``, ``forecast`` and ``model`` name attributes of ``module`` (the options
    dataclass; a one-shot forecast function, or a RoundModel class built without arguments);
    no ``options`` means the engine has none.
    """

    name: str
    summary: str
    module: str
    options: str | None = None
    forecast: str | None = None
    model: str | None = None
    stochastic: bool = False
    learned: bool = False
    percent_scale: bool = False

    def load(self) -> EngineSpec:
        """Import the engine's module and build its :class:`EngineSpec`."""
        from stratagem.engines.base import EngineSpec, NoOptions

        code = importlib.import_module(self.module)
        return EngineSpec(
            self.name, self.summary, getattr(code, self.options) if self.options else NoOptions,
            forecast=getattr(code, self.forecast) if self.forecast else None,
            model=getattr(code, self.model)() if self.model else None,
            stochastic=self.stochastic, learned=self.learned, percent_scale=self.percent_scale)


class Catalogue(Mapping[str, "EngineSpec"]):
    """Engines by name, in declaration order; an engine's module is imported when it is first looked up.

    Iterating, ``len``, ``in`` and :meth:`summary` read the declarations only; ``ENGINES[name]``,
    ``values()`` and ``items()`` give the built specs (importing what they need once).
    """

    def __init__(self) -> None:
        self._entries: dict[str, Declaration] = {}
        self._specs: dict[str, EngineSpec] = {}
        self._building = threading.Lock()  # the web app's threads: each spec is built once

    def add(self, entry: Declaration) -> None:
        self._entries[entry.name] = entry
        self._specs.pop(entry.name, None)

    def __getitem__(self, name: str) -> EngineSpec:
        spec = self._specs.get(name)
        if spec is None:
            with self._building:
                spec = self._specs.get(name)
                if spec is None:
                    spec = self._entries[name].load()
                    self._specs[name] = spec
        return spec

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        """The engines' names, as a notebook shows the catalogue (nothing is imported)."""
        return f"<engines: {', '.join(self._entries)}>"

    def summary(self, name: str) -> str:
        """The engine's one-line summary, without importing it."""
        return self._entries[name].summary

    def module(self, name: str) -> str:
        """The module that holds the engine's code, without importing it."""
        return self._entries[name].module



ENGINES = Catalogue()


def declare(name: str, summary: str, module: str, *, options: str | None = None, forecast: str | None = None,
            model: str | None = None, stochastic: bool = False, learned: bool = False,
            percent_scale: bool = False) -> Declaration:
    """Add an engine of ``stratagem.engines.MODULE`` by declaration (after the ones already there); the
    module is imported when the engine is first looked up. The flags are :class:`EngineSpec`'s."""
    declaration = Declaration(name, summary, f"stratagem.engines.{module}", options, forecast, model,
                              stochastic, learned, percent_scale)
    ENGINES.add(declaration)
    return declaration


declare("compromise", "capability x salience weighted mean of positions (Thomson et al.'s compromise model)",
        "closed_form", forecast="compromise")
declare("median", "capability x salience weighted median: the median voter, Condorcet winner on a line",
        "closed_form", forecast="median")
declare("nash", "weighted Nash bargaining solution with the status quo as disagreement point",
        "closed_form", options="NashOptions", forecast="nash_forecast")
declare("bdm", "Bueno de Mesquita's expected-utility challenge model (Scholz et al. 2011 replication)",
        "bdm", options="BdmOptions", model="BdmModel")
declare("ktab", "KTAB's Spatial Model of Politics with probabilistic Condorcet elections; "
        "MULTI-DIMENSIONAL: all issues are bargained jointly (compat=true reproduces KTAB 1.4)",
        "ktab", options="KtabOptions", model="KtabModel", stochastic=True, percent_scale=True)
declare("exchange", "Stokman-van Oosten position exchange (equal gain): actors trade voting positions across "
        "issues, outcome = weighted mean; MULTI-ISSUE (one issue = compromise)",
        "exchange", options="ExchangeOptions", model="ExchangeModel")
declare("blend", "learned mix of compromise, median and status quo, weighted apart on binary and graded issues "
        "(fitted on the DEU development file, see docs/backtest.md)",
        "blend", options="BlendOptions", forecast="blend_forecast", learned=True)
declare("focal", "median of a distribution over the positions actors hold, centred on the compromise; matches "
        "the compromise model's error on EU legislation with a higher hit rate (see docs/backtest.md)",
        "focal", options="FocalOptions", forecast="focal_forecast", learned=True,
        percent_scale=True)  # tau is in 0-100 units
declare("anchor", "median of a conditional-logit distribution over anchor points (held positions, status quo, "
        "0, 50, 100) and an elsewhere option around the compromise; penalised maximum likelihood (docs/backtest.md)",
        "anchor", options="AnchorOptions", forecast="anchor_forecast", learned=True,
        percent_scale=True)  # its anchors are 0, 50, 100


def get_engine(name: str) -> EngineSpec:
    """The engine called ``name``, or an EngineError listing the known ones."""
    if name not in ENGINES:
        raise EngineError(f"unknown engine '{name}' (engines: {', '.join(ENGINES)})")
    return ENGINES[name]
