"""Conversion of a scenario into the arrays the engines work on.

Engines never see pydantic objects: they get positions ``X[n_actors, n_issues]``,
salience ``S`` (as a probability in [0, 1]), capability ``C[n_actors]``, status
quo ``Q[n_issues]`` (NaN where none) and a mask of which stances exist, plus the
low/high bounds that ensembles draw from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from stratagem.model.errors import ScenarioError
from stratagem.model.schema import Scenario

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class ScenarioArrays:
    """A scenario's numbers in engine order (actors and issues as listed)."""

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    X: FloatArray  # positions on the issue scale, shape (n, m)
    S: FloatArray  # salience in [0, 1], shape (n, m); 0 where no stance
    C: FloatArray  # capability, shape (n,)
    Q: FloatArray  # status quo per issue, NaN where none, shape (m,)
    mask: BoolArray  # True where the actor has a stance on the issue, shape (n, m)
    X_low: FloatArray
    X_high: FloatArray
    S_low: FloatArray
    S_high: FloatArray
    C_low: FloatArray
    C_high: FloatArray
    scale: FloatArray  # (m, 2): each issue's scale_min and scale_max

    @property
    def n_actors(self) -> int:
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        return len(self.issue_ids)


def require_stances(scenario: Scenario) -> None:
    """Refuse, in one line, a scenario with an issue nobody has a stance on (it loads and drafts, not runs)."""
    missing = scenario.issues_without_stances()
    if not missing:
        return
    which = (f"issue '{missing[0]}' has" if len(missing) == 1
             else "issues " + ", ".join(f"'{m}'" for m in missing) + " have")
    raise ScenarioError(
        f"scenario '{scenario.id}' cannot be forecast yet: {which} no stances (draft them with "
        "`stratagem draft SCENARIO --workspace W`, accept some with --accept ID --write, or add stances by hand)"
    )


def to_arrays(scenario: Scenario) -> ScenarioArrays:
    """Arrays of a scenario; actors without a stance on an issue get salience 0.

    Their position there is filled with the issue's status quo (or the mid-scale)
    so that multi-dimensional engines get a finite number they give no weight to.
    Every forecast goes through here, so a work-in-progress scenario is refused here.
    """
    require_stances(scenario)
    actors = [a.id for a in scenario.actors]
    issues = [i.id for i in scenario.issues]
    a_index = {a: k for k, a in enumerate(actors)}
    i_index = {i: k for k, i in enumerate(issues)}
    n, m = len(actors), len(issues)
    scale = np.array([[i.scale_min, i.scale_max] for i in scenario.issues], dtype=float)
    Q = np.array([np.nan if i.status_quo is None else i.status_quo for i in scenario.issues])
    fill = np.where(np.isnan(Q), scale.mean(axis=1), Q)
    X = np.tile(fill, (n, 1))
    S = np.zeros((n, m))
    mask = np.zeros((n, m), dtype=bool)
    X_low, X_high = X.copy(), X.copy()
    S_low, S_high = S.copy(), S.copy()
    for st in scenario.stances:
        a, i = a_index[st.actor], i_index[st.issue]
        X[a, i] = st.position
        S[a, i] = st.salience / 100.0
        mask[a, i] = True
        pr, sr = st.position_range, st.salience_range
        X_low[a, i], X_high[a, i] = (pr.low, pr.high) if pr else (st.position, st.position)
        S_low[a, i], S_high[a, i] = (sr.low / 100, sr.high / 100) if sr else (S[a, i], S[a, i])
    C = np.array([a.capability for a in scenario.actors], dtype=float)
    C_low = np.array(
        [a.capability_range.low if a.capability_range else a.capability for a in scenario.actors]
    )
    C_high = np.array(
        [a.capability_range.high if a.capability_range else a.capability for a in scenario.actors]
    )
    return ScenarioArrays(
        actor_ids=tuple(actors),
        issue_ids=tuple(issues),
        X=X,
        S=S,
        C=C,
        Q=Q,
        mask=mask,
        X_low=X_low,
        X_high=X_high,
        S_low=S_low,
        S_high=S_high,
        C_low=C_low,
        C_high=C_high,
        scale=scale,
    )
