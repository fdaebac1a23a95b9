"""The catalogue of engines, so the CLI, the API, ensembles and the backtest share one list.

An engine is one module (its options dataclass and a forecast function or a
RoundModel) and one :func:`register` call; docs/engines.md says how.
"""

from __future__ import annotations

from stratagem.engines.anchor import AnchorOptions, anchor_forecast
from stratagem.engines.base import EngineSpec, NoOptions
from stratagem.engines.bdm import BdmModel, BdmOptions
from stratagem.engines.blend import BlendOptions, blend_forecast
from stratagem.engines.closed_form import NashOptions, compromise, median, nash
from stratagem.engines.exchange import ExchangeModel, ExchangeOptions
from stratagem.engines.focal import FocalOptions, focal_forecast
from stratagem.engines.ktab import KtabModel, KtabOptions
from stratagem.model.errors import EngineError

ENGINES: dict[str, EngineSpec] = {}
# The one recommended forecaster, chosen from the backtest evidence (docs/backtest.md): `stratagem engines`,
# the CLI's defaults, the report and the web app all read it from here.
RECOMMENDED = "anchor"


def register(spec: EngineSpec) -> EngineSpec:
    """Add an engine to the catalogue (after the ones already there)."""
    ENGINES[spec.name] = spec
    return spec


register(EngineSpec(
    "compromise", "capability x salience weighted mean of positions (Thomson et al.'s compromise model)",
    NoOptions, forecast=compromise))
register(EngineSpec(
    "median", "capability x salience weighted median: the median voter, Condorcet winner on a line",
    NoOptions, forecast=median))
register(EngineSpec(
    "nash", "weighted Nash bargaining solution with the status quo as disagreement point",
    NashOptions, forecast=nash))
register(EngineSpec(
    "bdm", "Bueno de Mesquita's expected-utility challenge model (Scholz et al. 2011 replication)",
    BdmOptions, model=BdmModel()))
register(EngineSpec(
    "ktab", "KTAB's Spatial Model of Politics with probabilistic Condorcet elections; "
    "MULTI-DIMENSIONAL: all issues are bargained jointly (compat=true reproduces KTAB 1.4)",
    KtabOptions, model=KtabModel(), stochastic=True, percent_scale=True))
register(EngineSpec(
    "exchange", "Stokman-van Oosten position exchange (equal gain): actors trade voting positions across "
    "issues, outcome = weighted mean; MULTI-ISSUE (one issue = compromise)",
    ExchangeOptions, model=ExchangeModel()))
register(EngineSpec(
    "blend", "learned mix of compromise, median and status quo, weighted apart on binary and graded issues "
    "(fitted on the DEU development file, see docs/backtest.md)",
    BlendOptions, forecast=blend_forecast, learned=True))
register(EngineSpec(
    "focal", "median of a distribution over the positions actors hold, centred on the compromise; matches "
    "the compromise model's error on EU legislation with a higher hit rate (see docs/backtest.md)",
    FocalOptions, forecast=focal_forecast, learned=True, percent_scale=True))  # tau is in 0-100 units


register(EngineSpec(
    "anchor", "median of a conditional-logit distribution over anchor points (held positions, status quo, "
    "0, 50, 100) and an elsewhere option around the compromise; maximum likelihood (docs/backtest.md)",
    AnchorOptions, forecast=anchor_forecast, learned=True, percent_scale=True))  # its anchors are 0, 50, 100


def get_engine(name: str) -> EngineSpec:
    """The engine called ``name``, or an EngineError listing the known ones."""
    try:
        return ENGINES[name]
    except KeyError:
        raise EngineError(f"unknown engine '{name}' (engines: {', '.join(ENGINES)})") from None
