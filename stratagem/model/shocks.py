"""Applying shocks: events that change stances, saliences or capabilities, or add/remove actors.

A shock is applied to a scenario's inputs and gives a new, validated scenario, so
every engine and ensemble can compare the baseline with the shocked world. A shock
timed at round r >= 1 is applied instead to the state after round r, in array form
(:func:`shock_arrays`), by stratagem.analysis.timeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from stratagem.model.arrays import BoolArray, FloatArray, ScenarioArrays
from stratagem.model.errors import ScenarioError
from stratagem.model.io import line_of, read_text
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
        if str(change.issue) not in issues:
            raise ScenarioError(f"{where}: unknown issue '{change.issue}'")
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
    return _rebuilt(scenario, actors, stances, f"shock '{shock.id}'")


def _rebuilt(scenario: Scenario, actors: Sequence[Actor], stances: Sequence[Stance], what: str) -> Scenario:
    """The scenario with new actors and stances, validated again; ``what`` names the cause in errors."""
    try:
        return Scenario.model_validate(
            {**scenario.model_dump(), "actors": [a.model_dump() for a in actors],
             "stances": [s.model_dump() for s in stances]}
        )
    except ValidationError as exc:
        raise ScenarioError(f"{what} leaves an invalid scenario: {exc.errors()[0]['msg']}") from None


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
        import yaml  # a shock file is YAML; shocks named by id need no parser

        from stratagem.model.strict_yaml import load_yaml_strict

        data, root = load_yaml_strict(read_text(path), path=path)
        items = data if isinstance(data, list) else [data]
        for n, item in enumerate(items):
            try:
                shocks.append(Shock.model_validate(item))
            except ValidationError as exc:
                err = exc.errors()[0]
                loc = list(err["loc"])
                field = ".".join(str(p) for p in loc)
                node = root.value[n] if isinstance(data, list) and isinstance(root, yaml.SequenceNode) else root
                message = str(err["msg"]).removeprefix("Value error, ")
                raise ScenarioError(message, path=path, line=line_of(node, loc),
                                    field=(f"[{n}].{field}" if isinstance(data, list) else field) or None) from None
    return shocks


# -- shocks during a run ---------------------------------------------------------
# A shock with ``round: r >= 1`` happens after round r of an iterative engine: the
# actors' positions at that point are the ones it edits. Array form, so a whole
# batch of ensemble draws (a leading draw axis) is edited at once.
def is_timed(shock: Shock) -> bool:
    """True when the shock happens during the bargaining rather than before it."""
    return shock.round is not None and shock.round >= 1


def with_timed_actors(scenario: Scenario, shocks: Sequence[Shock]) -> tuple[Scenario, tuple[str, ...]]:
    """The scenario plus every actor a timed shock adds (with its stances), and those actors' ids.

    The arrays then have a row for each actor from the start; the caller masks the
    rows out until the shock adds them.
    """
    actors = list(scenario.actors)
    stances = list(scenario.stances)
    added: list[str] = []
    for shock in shocks:
        if not is_timed(shock):
            continue
        for change in shock.changes:
            if change.action == "add_actor" and change.new_actor is not None:
                if any(a.id == change.new_actor.id for a in actors):
                    raise ScenarioError(f"shock '{shock.id}': actor '{change.new_actor.id}' already exists")
                actors.append(change.new_actor)
                stances.extend(change.new_stances)
                added.append(change.new_actor.id)
    if not added:
        return scenario, ()
    return _rebuilt(scenario, actors, stances, "the actors added by timed shocks"), tuple(added)


def shock_arrays(
    arrays: ScenarioArrays,
    shock: Shock,
    X: FloatArray,
    S: FloatArray,
    C: FloatArray,
    mask: BoolArray,
) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
    """The inputs after ``shock``: X, S (..., n, m), C (..., n) and the shared mask (n, m).

    The same rules as :func:`apply_shock` (positions and saliences kept on their
    scales), applied to the state reached so far. Added actors must already have a
    row (see :func:`with_timed_actors`); a removed actor's row is masked out.
    """
    X, S, C, mask = X.copy(), S.copy(), C.copy(), mask.copy()
    actor = {a: k for k, a in enumerate(arrays.actor_ids)}
    issue = {i: k for k, i in enumerate(arrays.issue_ids)}
    for n, change in enumerate(shock.changes):
        where = f"shock '{shock.id}' change {n + 1}"
        if change.action == "add_actor":
            assert change.new_actor is not None
            a = actor.get(change.new_actor.id)
            if a is None:
                raise ScenarioError(f"{where}: actor '{change.new_actor.id}' has no row; prepare with with_timed_actors")
            for st in change.new_stances:
                mask[a, issue[st.issue]] = True
            continue
        if change.actor not in actor:
            raise ScenarioError(f"{where}: unknown actor '{change.actor}'")
        a = actor[change.actor]
        if change.action == "remove_actor":
            mask[a, :] = False
            continue
        value = float(change.value if change.value is not None else 0.0)
        if change.action == "set_capability":
            C[..., a] = max(value, 0.0)
            continue
        if change.action == "scale_capability":
            C[..., a] = np.maximum(C[..., a] * value, 0.0)
            continue
        if str(change.issue) not in issue:
            raise ScenarioError(f"{where}: unknown issue '{change.issue}'")
        k = issue[str(change.issue)]
        if not mask[a, k]:
            raise ScenarioError(f"{where}: '{change.actor}' has no stance on '{change.issue}' at this point")
        lo, hi = arrays.scale[k]
        if change.action == "set_position":
            X[..., a, k] = np.clip(value, lo, hi)
        elif change.action == "shift_position":
            X[..., a, k] = np.clip(X[..., a, k] + value, lo, hi)
        elif change.action == "set_salience":
            S[..., a, k] = np.clip(value / 100.0, 0.0, 1.0)
        else:  # shift_salience
            S[..., a, k] = np.clip(S[..., a, k] + value / 100.0, 0.0, 1.0)
    return X, S, C, mask
