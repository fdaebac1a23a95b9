"""Applying shocks: events that change stances, saliences or capabilities, or add/remove actors.

A shock is applied to a scenario's inputs and gives a new, validated scenario, so
every engine and ensemble can compare the baseline with the shocked world.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import ValidationError

from stratagem.model.errors import ScenarioError
from stratagem.model.io import read_text
from stratagem.model.schema import Actor, Scenario, Shock, Stance


def _clip(value: float, lo: float, hi: float) -> float:
    return min(max(value, lo), hi)


def apply_shock(scenario: Scenario, shock: Shock) -> Scenario:
    """The scenario after every change of ``shock``; positions and saliences are kept on their scales."""
    actors: list[Actor] = list(scenario.actors)
    stances: list[Stance] = list(scenario.stances)
    issues = {i.id: i for i in scenario.issues}
    for n, change in enumerate(shock.changes):
        where = f"shock '{shock.id}' change {n + 1}"
        if change.action == "add_actor":
            assert change.new_actor is not None
            if any(a.id == change.new_actor.id for a in actors):
                raise ScenarioError(f"{where}: actor '{change.new_actor.id}' already exists")
            actors.append(change.new_actor)
            stances.extend(change.new_stances)
            continue
        if not any(a.id == change.actor for a in actors):
            raise ScenarioError(f"{where}: unknown actor '{change.actor}'")
        if change.action == "remove_actor":
            actors = [a for a in actors if a.id != change.actor]
            stances = [s for s in stances if s.actor != change.actor]
            continue
        value = float(change.value if change.value is not None else 0.0)
        if change.action in {"set_capability", "scale_capability"}:
            actors = [
                _with_capability(a, value if change.action == "set_capability" else a.capability * value)
                if a.id == change.actor else a
                for a in actors
            ]
            continue
        issue = issues[str(change.issue)]
        found = False
        for k, st in enumerate(stances):
            if st.actor == change.actor and st.issue == change.issue:
                stances[k] = _changed_stance(st, change.action, value, issue.scale_min, issue.scale_max)
                found = True
        if not found:
            if change.action not in {"set_position", "set_salience"}:
                raise ScenarioError(f"{where}: '{change.actor}' has no stance on '{change.issue}' to shift")
            raise ScenarioError(
                f"{where}: '{change.actor}' has no stance on '{change.issue}'; add one to the scenario first"
            )
    try:
        return Scenario.model_validate(
            {**scenario.model_dump(), "actors": [a.model_dump() for a in actors],
             "stances": [s.model_dump() for s in stances]}
        )
    except ValidationError as exc:
        raise ScenarioError(f"shock '{shock.id}' leaves an invalid scenario: {exc.errors()[0]['msg']}") from None


def _with_capability(actor: Actor, value: float) -> Actor:
    value = max(value, 0.0)
    rng = actor.capability_range
    if rng is not None:
        rng = rng.model_copy(update={"low": min(rng.low, value), "high": max(rng.high, value)})
    return actor.model_copy(update={"capability": value, "capability_range": rng})


def _changed_stance(st: Stance, action: str, value: float, lo: float, hi: float) -> Stance:
    if action in {"set_position", "shift_position"}:
        new = _clip(value if action == "set_position" else st.position + value, lo, hi)
        shift = new - st.position
        rng = st.position_range
        if rng is not None:
            rng = rng.model_copy(update={"low": _clip(rng.low + shift, lo, hi), "high": _clip(rng.high + shift, lo, hi)})
        return st.model_copy(update={"position": new, "position_range": rng})
    new = _clip(value if action == "set_salience" else st.salience + value, 0.0, 100.0)
    shift = new - st.salience
    srng = st.salience_range
    if srng is not None:
        srng = srng.model_copy(update={"low": _clip(srng.low + shift, 0, 100), "high": _clip(srng.high + shift, 0, 100)})
    return st.model_copy(update={"salience": new, "salience_range": srng})


def resolve_shocks(scenario: Scenario, references: Sequence[str]) -> list[Shock]:
    """Shocks by id from the scenario, or read from YAML files (one shock or a list)."""
    known = {s.id: s for s in scenario.shocks}
    shocks: list[Shock] = []
    for ref in references:
        if ref in known:
            shocks.append(known[ref])
            continue
        path = Path(ref)
        if not path.exists():
            names = ", ".join(known) or "none"
            raise ScenarioError(f"'{ref}' is neither a shock of '{scenario.id}' ({names}) nor a file")
        try:
            data = yaml.safe_load(read_text(path))
        except yaml.YAMLError as exc:
            raise ScenarioError(f"malformed YAML: {exc}", path=path) from None
        items = data if isinstance(data, list) else [data]
        for n, item in enumerate(items):
            try:
                shocks.append(Shock.model_validate(item))
            except ValidationError as exc:
                err = exc.errors()[0]
                field = ".".join(str(p) for p in err["loc"])
                raise ScenarioError(str(err["msg"]), path=path, field=f"[{n}].{field}" if field else None) from None
    return shocks
