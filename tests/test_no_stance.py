"""An actor without a stance on an issue takes no part in it, for every registered engine (docs/schema.md)."""

from __future__ import annotations

import pytest

from stratagem.analysis.forecast import forecast
from stratagem.engines.registry import ENGINES
from stratagem.model.io import parse_yaml

_ACTORS = """\
id: no-stance
name: An actor without a stance on one issue
actors:
  - {id: a, name: Alpha, capability: 3}
  - {id: b, name: Beta, capability: 2}
  - {id: d, name: Delta, capability: 2.5}
"""
_STANCES = """\
issues:
  - {id: i, name: One, status_quo: 25}
  - {id: j, name: Two, status_quo: 50}
stances:
  - {actor: a, issue: i, position: 10, salience: 60}
  - {actor: b, issue: i, position: 90, salience: 70}
  - {actor: a, issue: j, position: 20, salience: 60}
  - {actor: b, issue: j, position: 80, salience: 70}
  - {actor: d, issue: j, position: 65, salience: 40}
"""
WITH_C = _ACTORS + "  - {id: c, name: Gamma, capability: 5}\n" + _STANCES + \
    "  - {actor: c, issue: j, position: 100, salience: 90}\n"
WITHOUT_C = _ACTORS + _STANCES


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_an_actor_without_a_stance_neither_moves_nor_counts(engine: str) -> None:
    """Gamma has a stance on j only: issue i must forecast as if Gamma did not exist, and Gamma stays out of i."""
    with_c = forecast(parse_yaml(WITH_C), engine, rounds=6 if ENGINES[engine].iterative else None)
    without_c = forecast(parse_yaml(WITHOUT_C), engine, rounds=6 if ENGINES[engine].iterative else None)
    assert with_c.issues[0].id == "i"
    # ktab bargains over whole position vectors, so Gamma's vector (held at the status quo on i) is one of the
    # outcomes voted on (docs/schema.md); exchange trades across issues. Every other engine ignores Gamma on i.
    if engine not in ("ktab", "exchange"):
        assert with_c.issues[0].forecast == pytest.approx(without_c.issues[0].forecast, abs=1e-9)
    for result in (with_c, without_c):
        ids = [a.id for a in result.scenario.actors]
        for who in [w for w in ("c", "d") if w in ids]:
            path = result.trajectory.positions[:, ids.index(who), 0]
            assert (path == path[0]).all(), f"{engine} moved {who} on an issue it has no stance on: {path}"
