"""The catalogue of engines, so the CLI, the API and ensembles share one list."""

from __future__ import annotations

from typing import Any

import numpy as np

from stratagem.engines.base import BoolArray, EngineSpec, FloatArray, Parameter
from stratagem.engines.bdm import BdmOptions, bdm_final_batch, run_bdm
from stratagem.engines.closed_form import (
    compromise_forecast,
    median_forecast,
    nash_forecast,
    run_compromise,
    run_median,
    run_nash,
)
from stratagem.model.errors import EngineError

ENGINES: dict[str, EngineSpec] = {}


def _compromise_batch(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
                      **_: Any) -> FloatArray:
    return compromise_forecast(X, S, C, np.broadcast_to(mask, X.shape))


def _median_batch(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
                  **_: Any) -> FloatArray:
    return median_forecast(X, S, C, np.broadcast_to(mask, X.shape))


def _nash_batch(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray, *,
                breakdown_cost: float = 0.25, **_: Any) -> FloatArray:
    return nash_forecast(X, S, C, Q, np.broadcast_to(mask, X.shape), breakdown_cost=breakdown_cost)


def _bdm_batch(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray, *,
               rounds: int | None = None, **params: Any) -> FloatArray:
    opts = BdmOptions(**{k: v for k, v in params.items() if k in BdmOptions.__dataclass_fields__})
    return bdm_final_batch(X, S, C, mask, rounds=rounds, opts=opts)


def register(spec: EngineSpec) -> EngineSpec:
    """Add an engine to the catalogue (used by the engine modules below)."""
    ENGINES[spec.name] = spec
    return spec


register(
    EngineSpec(
        name="compromise",
        summary="capability x salience weighted mean of positions (Thomson et al.'s compromise model)",
        parameters=(),
        run=run_compromise,
        batch=_compromise_batch,
    )
)
register(
    EngineSpec(
        name="median",
        summary="capability x salience weighted median: the median voter, Condorcet winner on a line",
        parameters=(),
        run=run_median,
        batch=_median_batch,
    )
)
register(
    EngineSpec(
        name="nash",
        summary="weighted Nash bargaining solution with the status quo as disagreement point",
        parameters=(
            Parameter(
                "breakdown_cost",
                0.25,
                "cost to every actor of no agreement, in squared position spreads (0 = pure status quo veto)",
                minimum=0.0,
            ),
        ),
        run=run_nash,
        batch=_nash_batch,
    )
)
register(
    EngineSpec(
        name="bdm",
        summary="Bueno de Mesquita's expected-utility challenge model (Scholz et al. 2011 replication)",
        parameters=(
            Parameter(
                "probability",
                "global",
                "win probability: global = Scholz's code (risk-adjusted votes, global denominator); "
                "local = as printed; net = Masad's clipped net support",
                choices=("global", "local", "net"),
            ),
            Parameter(
                "offer_rule",
                "scs",
                "which offer an actor accepts: scs = confrontation, then compromise by Scholz's key, then "
                "capitulation; min_distance = same order, nearest offer of each type (as printed); "
                "least_move = the smallest move over all offer types",
                choices=("scs", "min_distance", "least_move"),
            ),
            Parameter("capitulation", False, "let the capitulation branch fire (unreachable in Scholz's code)"),
            Parameter("q", 1.0, "probability that the status quo persists without a challenge", minimum=0.0, maximum=1.0),
            Parameter("epsilon", 1e-12, "positions closer than epsilon x range count as equal; also the move tolerance", minimum=0.0, maximum=0.01),
            Parameter("max_rounds", 100, "round limit of the stopping rule when --rounds is not given", minimum=1, maximum=100000),
            Parameter("tie", 1e-9, "offers whose keys, positions (x range) or proposer EUs differ by less count as tied, "
                      "so exact ties never depend on rounding", minimum=0.0, maximum=1e-3),
            Parameter(
                "method",
                "auto",
                "how the vote sums are computed, not a model switch: auto = sorted running sums, compiled when "
                "numba is installed; sorted = the same in NumPy (same bits); reference = the O(n^3) definition",
                choices=("auto", "sorted", "reference"),
            ),
        ),
        run=run_bdm,
        iterative=True,
        batch=_bdm_batch,
    )
)

# -- ktab: KTAB's Spatial Model of Politics (reference/ktab-smp.md) --
from stratagem.engines.ktab import run_ktab  # noqa: E402

register(
    EngineSpec(
        name="ktab",
        summary="KTAB's Spatial Model of Politics with probabilistic Condorcet elections; "
        "MULTI-DIMENSIONAL: all issues are bargained jointly (compat=true reproduces KTAB 1.4)",
        parameters=(
            Parameter("victory_prob_model", "Linear", "KTAB VictoryProbModel: P[a beats b] from coalition strengths",
                      choices=("Linear", "Square", "Quartic", "Octic", "Binary")),
            Parameter("pce_model", "Conditional", "KTAB PCEModel: probabilistic Condorcet election",
                      choices=("Conditional", "MarkovIncentive", "MarkovUniform")),
            Parameter("state_transitions", "Deterministic",
                      "KTAB StateTransitions: take the likeliest bargain, or draw one with the run's seed",
                      choices=("Deterministic", "Stochastic")),
            Parameter("voting_rule", "Prop", "KTAB VotingRule: vote as a function of the utility difference",
                      choices=("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")),
            Parameter("big_r_adjust", "OneThird", "KTAB BigRAdjust: how far observers credit others' risk attitudes "
                      "(Full fails in compat mode, as in KTAB)",
                      choices=("None", "OneThird", "Half", "TwoThirds", "Full")),
            Parameter("big_r_range", "Mid", "KTAB BigRRange: range of inferred risk attitudes",
                      choices=("Min", "Mid", "Max")),
            Parameter("third_party_commit", "SemiCommit", "KTAB ThirdPartyCommit (NoCommit and FullCommit mean "
                      "third parties never vote, as in KTAB)",
                      choices=("NoCommit", "SemiCommit", "FullCommit")),
            Parameter("inter_vec_brgn", "S2P2", "KTAB InterVecBrgn: how a bargain interpolates the two positions",
                      choices=("S1P1", "S2P2", "S2PMax")),
            Parameter("bargn_model", "InitOnlyInterp", "KTAB BargnModel: whose view of the bargain enters the queues",
                      choices=("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")),
            Parameter("compat", False, "reproduce KTAB 1.4 exactly, quirks and failures included "
                      "(default: corrected mode, which fixes the defects of reference section 8)"),
        ),
        run=run_ktab,
        iterative=True,
        stochastic=True,
    )
)

# -- exchange: Stokman & van Oosten's position exchange (reference/bdm-scholz.md section 4.2) --
from stratagem.engines.exchange import run_exchange  # noqa: E402

register(
    EngineSpec(
        name="exchange",
        summary="Stokman-van Oosten position exchange (equal gain): actors trade voting positions across "
        "issues, outcome = weighted mean; MULTI-ISSUE (one issue = compromise)",
        parameters=(
            Parameter("max_rounds", 1, "rounds of exchanges when --rounds is not given; 1 is Stokman and "
                      "van Oosten's model, more rounds trade again from the new positions (stops early "
                      "when a round makes no exchange)", minimum=1, maximum=1000),
        ),
        run=run_exchange,
        iterative=True,
    )
)

# -- blend: learned combination of compromise, median and status quo (docs/backtest.md) --
from stratagem.engines.blend import DEFAULT_WEIGHTS, blend_forecast, run_blend  # noqa: E402


def _blend_batch(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
                 **params: Any) -> FloatArray:
    return blend_forecast(X, S, C, Q, mask, **{k: v for k, v in params.items() if k in DEFAULT_WEIGHTS})


register(
    EngineSpec(
        name="blend",
        summary="learned mix of compromise, median and status quo, weighted apart on binary and graded issues "
        "(fitted on the DEU development file; the recommended forecaster, see docs/backtest.md)",
        parameters=tuple(
            Parameter(key, value, f"weight of the {key.split('_')[1]} forecast on {key.split('_')[0]} issues "
                      "(the status quo gets 1 - compromise - median)", minimum=0.0, maximum=1.0)
            for key, value in DEFAULT_WEIGHTS.items()
        ),
        run=run_blend,
        batch=_blend_batch,
    )
)

# -- focal: distribution over held positions around the compromise (docs/backtest.md) --
from stratagem.engines.focal import DEFAULTS as FOCAL_DEFAULTS  # noqa: E402
from stratagem.engines.focal import focal_forecast, run_focal  # noqa: E402


def _focal_batch(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
                 **params: Any) -> FloatArray:
    return focal_forecast(X, S, C, Q, mask, **{k: v for k, v in params.items() if k in FOCAL_DEFAULTS})


register(
    EngineSpec(
        name="focal",
        summary="median of a distribution over the positions actors hold, centred on the compromise; matches "
        "the compromise model's error on EU legislation with a higher hit rate (see docs/backtest.md)",
        parameters=(
            Parameter("alpha", FOCAL_DEFAULTS["alpha"], "how much a position's capability x salience share "
                      "raises its probability (0 = not at all)", minimum=0.0, maximum=10.0),
            Parameter("tau", FOCAL_DEFAULTS["tau"], "distance from the compromise (0-100 scale) over which a "
                      "position's probability falls by a factor e", minimum=1e-6),
            Parameter("beta", FOCAL_DEFAULTS["beta"], "weight of the compromise forecast itself as a candidate",
                      minimum=0.0),
        ),
        run=run_focal,
        batch=_focal_batch,
    )
)


# -- anchor: conditional-logit distribution over anchor points (docs/backtest.md) --
from stratagem.engines.anchor import DEFAULTS as ANCHOR_DEFAULTS  # noqa: E402
from stratagem.engines.anchor import FEATURES as ANCHOR_FEATURES  # noqa: E402
from stratagem.engines.anchor import anchor_forecast, run_anchor  # noqa: E402

_ANCHOR_HELP = {
    "distance": "distance from the compromise (0-100 scale, divided by 100)",
    "share": "share of capability x salience holding the point",
    "held": "1 when some actor holds the point",
    "status_quo": "1 when the point is the status quo",
    "endpoint": "1 when the point is 0 or 100",
    "midpoint": "1 when the point is 50",
}


def _anchor_batch(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
                  **params: Any) -> FloatArray:
    return anchor_forecast(X, S, C, Q, mask, **{k: v for k, v in params.items() if k in ANCHOR_DEFAULTS})


register(
    EngineSpec(
        name="anchor",
        summary="median of a conditional-logit distribution over anchor points (held positions, status quo, "
        "0, 50, 100) and an elsewhere option around the compromise; maximum likelihood (docs/backtest.md)",
        parameters=(
            *(Parameter(f"w_{f}", ANCHOR_DEFAULTS[f"w_{f}"], f"utility weight of: {_ANCHOR_HELP[f]}")
              for f in ANCHOR_FEATURES),
            Parameter("elsewhere", ANCHOR_DEFAULTS["elsewhere"], "utility of the elsewhere option"),
            Parameter("bias", ANCHOR_DEFAULTS["bias"], "mean of the elsewhere spread relative to the compromise"),
            Parameter("spread", ANCHOR_DEFAULTS["spread"], "standard deviation of the elsewhere spread",
                      minimum=1e-6),
        ),
        run=run_anchor,
        batch=_anchor_batch,
    )
)


def get_engine(name: str) -> EngineSpec:
    """The engine called ``name``, or an EngineError listing the known ones."""
    try:
        return ENGINES[name]
    except KeyError:
        raise EngineError(f"unknown engine '{name}' (engines: {', '.join(ENGINES)})") from None
