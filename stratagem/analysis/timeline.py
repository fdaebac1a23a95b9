"""Shocks during the bargaining: events at round r of the shared round loop.

A shock without a round (or with round 0) changes the inputs before the run, as
:func:`stratagem.model.shocks.apply_shock` does. A shock with ``round: r >= 1`` is an
event after round r of an iterative engine's run (bdm, ktab, exchange): the shared loop
(:mod:`stratagem.engines.rounds`) edits the state reached by then (positions, and
saliences, capabilities, actors) and goes on, for single runs and batches of draws
alike. Engines without rounds have no "middle": for them a timed shock is applied to
the inputs. A shock that changes nothing leaves the run exactly as it was.

>>> from stratagem.model.builtin import load_builtin
>>> from stratagem.model.schema import Shock
>>> sc = load_builtin("ec-emissions-1994")
>>> shock = Shock.model_validate({"id": "late", "name": "Germany digs in", "round": 3,
...     "changes": [{"action": "set_salience", "actor": "germany", "issue": sc.issues[0].id, "value": 100}]})
>>> from stratagem.analysis.forecast import forecast
>>> forecast(sc, "bdm", rounds=10, shocks=[shock]).rounds
10
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from stratagem.engines.base import BoolArray
from stratagem.engines.rounds import Event
from stratagem.model.arrays import ScenarioArrays, to_arrays
from stratagem.model.schema import Scenario, Shock
from stratagem.model.shocks import apply_shock, is_timed, shock_arrays, with_timed_actors


@dataclass(frozen=True)
class Timeline:
    """A scenario ready for shocks during its run (plain data: it travels to workers).

    ``scenario`` has the shocks before the run applied and a row for every actor a
    timed shock adds; ``mask`` is the stance mask at the start (added actors absent);
    ``steps`` are the timed shocks in the order they happen.
    """

    scenario: Scenario
    arrays: ScenarioArrays
    mask: BoolArray
    steps: tuple[Shock, ...]


def prepare_timeline(scenario: Scenario, shocks: Sequence[Shock]) -> Timeline:
    """Apply the shocks that come before the run; order the others by round (stable)."""
    before = [s for s in shocks if not is_timed(s)]
    timed = sorted((s for s in shocks if is_timed(s)), key=lambda s: int(s.round or 0))
    for shock in before:
        scenario = apply_shock(scenario, shock)
    union, added = with_timed_actors(scenario, timed)
    arrays = to_arrays(union)
    mask = arrays.mask.copy()
    for actor in added:
        mask[arrays.actor_ids.index(actor), :] = False
    return Timeline(union, arrays, mask, tuple(timed))


def events(timeline: Timeline) -> list[Event]:
    """The timeline's timed shocks as (round, change) events of the round loop."""
    return [(int(shock.round or 0), functools.partial(shock_arrays, timeline.arrays, shock))
            for shock in timeline.steps]
