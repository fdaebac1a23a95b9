"""The scenario schema: actors, issues, stances, evidence, shocks and outcomes.

Every number an analyst enters can carry a low/high range and the ids of the
evidence it rests on, so forecasts can be traced back to words in documents.
Positions live on the issue's scale (0-100 for native scenarios); saliences on
0-100; capabilities are non-negative and scale-free.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Identifier = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]

ActorKind = Literal[
    "state", "government", "faction", "militia", "party", "organisation", "person", "other"
]
EvidenceKind = Literal["quote", "event", "claim"]
#: which text of a document evidence offsets index: the cleaned text extraction reads, or the source as written
OffsetSpace = Literal["cleaned", "source"]


#: largest capability accepted: capabilities are relative, and larger ones overflow the engines' products
MAX_CAPABILITY = 1e12
#: largest magnitude of an issue's scale ends (and so of positions, anchors and status quo)
MAX_SCALE = 1e9


class _Strict(BaseModel):
    # defer_build: each model's validator is built when it is first used, so a start-up builds only the
    # models its input needs (a CSV: actors, issues, stances, the scenario), not all twelve at import
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with ``update`` applied and validated again, so an edit can never give an invalid model.

        (pydantic's own ``model_copy`` skips validation: a position of 150 would pass.)
        Nested models already validated are reused as they are.
        """
        if not update:
            return super().model_copy(deep=deep)
        data = {name: getattr(self, name) for name in type(self).model_fields}
        unknown = set(update) - set(data)
        if unknown:
            raise ValueError(f"{type(self).__name__} has no field {', '.join(sorted(unknown))}")
        data.update(update)
        copy = type(self).model_validate(data)
        return copy.model_copy(deep=True) if deep else copy


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{what}: must be a finite number, got {value}")  # "field: ..." locates its line
    return value


class Range(_Strict):
    """A closed interval [low, high] of plausible values around a point estimate."""

    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        _finite(self.low, "low")
        _finite(self.high, "high")
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self



def _range_from_pair(value: object) -> object:
    """Accept ``[low, high]`` in YAML as shorthand for ``{low:, high:}``."""
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError("a range is a pair [low, high]")
        return {"low": value[0], "high": value[1]}
    return value


class Actor(_Strict):
    """A party to the negotiation."""

    id: Identifier
    name: str = Field(min_length=1)
    kind: ActorKind = "other"
    aliases: tuple[str, ...] = ()
    capability: float = Field(ge=0, allow_inf_nan=False)
    capability_range: Range | None = None
    capability_note: str = ""
    evidence: tuple[str, ...] = ()

    @field_validator("capability_range", mode="before")
    @classmethod
    def _pair(cls, value: object) -> object:
        return _range_from_pair(value)

    @model_validator(mode="after")
    def _check(self) -> Actor:
        _finite(self.capability, "capability")
        if self.capability > MAX_CAPABILITY:
            raise ValueError(f"capability: {self.capability:g} is above the largest accepted, {MAX_CAPABILITY:g} "
                             "(capabilities are relative: divide them all by the same number)")
        if self.capability_range is not None:
            if self.capability_range.low < 0:
                raise ValueError("capability_range.low must be >= 0")
            if self.capability_range.high > MAX_CAPABILITY:
                raise ValueError(f"capability_range.high: above the largest accepted capability, {MAX_CAPABILITY:g}")
            if not self.capability_range.low <= self.capability <= self.capability_range.high:
                raise ValueError("capability: lies outside capability_range")
        return self


class Anchor(_Strict):
    """A labelled point on an issue's scale that says in words what a number means."""

    value: float
    label: str = Field(min_length=1)


class Issue(_Strict):
    """A question bargained over, on a numeric scale with labelled anchors."""

    id: Identifier
    name: str = Field(min_length=1)
    description: str = ""
    scale_min: float = 0.0
    scale_max: float = 100.0
    anchors: tuple[Anchor, ...] = ()
    status_quo: float | None = None
    status_quo_evidence: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Issue:
        _finite(self.scale_min, "scale_min")
        _finite(self.scale_max, "scale_max")
        for name, end in (("scale_min", self.scale_min), ("scale_max", self.scale_max)):
            if abs(end) > MAX_SCALE:
                raise ValueError(f"{name}: {end:g} is beyond the largest accepted scale, -{MAX_SCALE:g} to {MAX_SCALE:g}")
        if self.scale_min >= self.scale_max:
            raise ValueError("scale_min must be below scale_max")
        for anchor in self.anchors:
            if not self.scale_min <= anchor.value <= self.scale_max:
                raise ValueError(f"anchors: {anchor.value:g} lies outside the issue scale")
        values = [a.value for a in self.anchors]
        if values != sorted(values) or len(set(values)) != len(values):
            raise ValueError("anchors must be listed in increasing order of value, without repeats")
        if self.status_quo is not None:
            _finite(self.status_quo, "status_quo")
            if not self.scale_min <= self.status_quo <= self.scale_max:
                raise ValueError(
                    f"status_quo: {self.status_quo:g} lies outside the issue scale "
                    f"{self.scale_min:g}-{self.scale_max:g}"
                )
        return self

    def label_for(self, value: float) -> str:
        """The nearest anchor's label, so a reader sees what a number means."""
        if not self.anchors:
            return ""
        nearest = min(self.anchors, key=lambda a: (abs(a.value - value), a.value))
        return nearest.label

    def bands(self) -> list[tuple[float, float, str]]:
        """Half-open bands between consecutive anchors, labelled by their end points."""
        points = [a.value for a in self.anchors]
        if len(points) < 2:
            return [(self.scale_min, self.scale_max, "whole scale")]
        return [
            (lo, hi, f"{lo:g}-{hi:g}") for lo, hi in itertools.pairwise(points)
        ]


class Stance(_Strict):
    """One actor's position and salience on one issue, with ranges and evidence."""

    actor: Identifier
    issue: Identifier
    position: float
    salience: float = Field(ge=0, le=100, allow_inf_nan=False)
    position_range: Range | None = None
    salience_range: Range | None = None
    evidence: tuple[str, ...] = ()
    note: str = ""

    @field_validator("position_range", "salience_range", mode="before")
    @classmethod
    def _pair(cls, value: object) -> object:
        return _range_from_pair(value)

    @model_validator(mode="after")
    def _check(self) -> Stance:
        _finite(self.position, "position")
        _finite(self.salience, "salience")
        if self.position_range and not (
            self.position_range.low <= self.position <= self.position_range.high
        ):
            raise ValueError("position: lies outside position_range")
        if self.salience_range is not None:
            if self.salience_range.low < 0 or self.salience_range.high > 100:
                raise ValueError("salience_range must lie within 0-100")
            if not self.salience_range.low <= self.salience <= self.salience_range.high:
                raise ValueError("salience: lies outside salience_range")
        return self


class Evidence(_Strict):
    """A span of a source document that supports a number in the scenario.

    ``offsets`` names the text ``start``/``end`` index: "cleaned" (the default, the
    text extraction reads, as ``stratagem evidence --json`` prints) or "source" (the
    document as written, which hand-typed citations of plain-text files may use).
    ``text`` carries the cited words so a changed document or a wrong offset can be
    detected (:mod:`stratagem.evidence.citations`). Scenarios shipped with stratagem
    leave it out: their words are read from the document at run time, so no
    third-party prose is copied.
    """

    id: Identifier
    document: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    offsets: OffsetSpace = "cleaned"
    kind: EvidenceKind = "claim"
    actor: str | None = None
    speaker: str | None = None
    date: dt.date | None = None
    issue: str | None = None
    direction: str | None = None
    rationale: str = ""
    text: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Evidence:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


ShockAction = Literal[
    "set_position",
    "shift_position",
    "set_salience",
    "shift_salience",
    "set_capability",
    "scale_capability",
    "add_actor",
    "remove_actor",
]


class ShockChange(_Strict):
    """One change a shock makes to the inputs."""

    action: ShockAction
    actor: Identifier
    issue: Identifier | None = None
    value: float | None = None
    new_actor: Actor | None = None
    new_stances: tuple[Stance, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> ShockChange:
        needs_issue = {"set_position", "shift_position", "set_salience", "shift_salience"}
        if self.action in needs_issue and self.issue is None:
            raise ValueError(f"{self.action} needs an issue")
        if self.action not in {"add_actor", "remove_actor"} and self.value is None:
            raise ValueError(f"{self.action} needs a value")
        if self.value is not None:
            _finite(self.value, "value")
        if self.action == "add_actor" and self.new_actor is None:
            raise ValueError("add_actor needs new_actor")
        return self


class Shock(_Strict):
    """An event that changes the inputs, at a date or a round of the bargaining."""

    id: Identifier
    name: str = Field(min_length=1)
    description: str = ""
    date: dt.date | None = None
    round: int | None = Field(default=None, ge=0)
    changes: tuple[ShockChange, ...] = Field(min_length=1)
    evidence: tuple[str, ...] = ()


class Outcome(_Strict):
    """The recorded result of an issue, for historical scenarios and backtests."""

    issue: Identifier
    value: float
    date: dt.date | None = None
    source: str = ""


class Document(_Strict):
    """A source document a scenario cites, by id; its text lives outside the scenario."""

    id: str = Field(min_length=1)
    title: str = ""
    url: str = ""
    date: dt.date | None = None
    publisher: str = ""


class Scenario(_Strict):
    """One negotiation at one point in time."""

    id: Identifier
    name: str = Field(min_length=1)
    description: str = ""
    as_of: dt.date | None = None
    actors: tuple[Actor, ...] = Field(min_length=1)
    issues: tuple[Issue, ...] = Field(min_length=1)
    stances: tuple[Stance, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    documents: tuple[Document, ...] = ()
    shocks: tuple[Shock, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    notes: str = ""
    # how ensembles draw each number from its range: beta-PERT (default) or triangular,
    # both with the point value as the mode
    uncertainty: Literal["pert", "triangular"] = "pert"

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        _unique([a.id for a in self.actors], "actors", "id", "actor id")
        _unique([a.name for a in self.actors], "actors", "name", "actor name")
        _unique([i.id for i in self.issues], "issues", "id", "issue id")
        _unique([e.id for e in self.evidence], "evidence", "id", "evidence id")
        _unique([s.id for s in self.shocks], "shocks", "id", "shock id")
        actors = {a.id for a in self.actors}
        issues = {i.id: i for i in self.issues}
        evidence = {e.id for e in self.evidence}
        if sum(a.capability for a in self.actors) <= 0:
            raise ValueError("every actor has zero capability; at least one must be positive")
        seen: dict[tuple[str, str], int] = {}
        for n, stance in enumerate(self.stances):
            where = f"stances[{n}]"
            if stance.actor not in actors:
                raise ValueError(f"{where}: unknown actor '{stance.actor}'")
            if stance.issue not in issues:
                raise ValueError(f"{where}: unknown issue '{stance.issue}'")
            if (stance.actor, stance.issue) in seen:
                raise ValueError(f"{where}: a second stance of '{stance.actor}' on '{stance.issue}' "
                                 f"(first: stances[{seen[(stance.actor, stance.issue)]}])")
            seen[(stance.actor, stance.issue)] = n
            issue = issues[stance.issue]
            for label, value in (("position", stance.position),) + (
                (("position_range.low", stance.position_range.low),
                 ("position_range.high", stance.position_range.high))
                if stance.position_range else ()
            ):
                if not issue.scale_min <= value <= issue.scale_max:
                    raise ValueError(
                        f"{where}.{label}: {value:g} lies outside the scale "
                        f"{issue.scale_min:g}-{issue.scale_max:g} of issue '{issue.id}'"
                    )
            _known(stance.evidence, evidence, where)
        cared = {s.issue for s in self.stances if s.salience > 0}
        for k, issue in enumerate(self.issues):
            if any(s.issue == issue.id for s in self.stances) and issue.id not in cared:
                raise ValueError(
                    f"issues[{k}]: every stance on issue '{issue.id}' has salience 0, so no actor cares about it "
                    "and no engine can forecast it; give at least one stance a salience above 0"
                )
        for n, actor in enumerate(self.actors):
            _known(actor.evidence, evidence, f"actors[{n}]")
        for n, issue in enumerate(self.issues):
            _known(issue.status_quo_evidence, evidence, f"issues[{n}]")
        for n, shock in enumerate(self.shocks):
            _known(shock.evidence, evidence, f"shocks[{n}]")
            for m, change in enumerate(shock.changes):
                where = f"shocks[{n}].changes[{m}]"
                if change.action != "add_actor" and change.actor not in actors:
                    raise ValueError(f"{where}: unknown actor '{change.actor}'")
                if change.issue is not None and change.issue not in issues:
                    raise ValueError(f"{where}: unknown issue '{change.issue}'")
        for n, outcome in enumerate(self.outcomes):
            if outcome.issue not in issues:
                raise ValueError(f"outcomes[{n}]: unknown issue '{outcome.issue}'")
        # An issue without stances is a work in progress (a skeleton from `stratagem new`, drafts not yet
        # accepted): it loads, validates and drafts; forecasting refuses it (see issues_without_stances).
        return self

    def issues_without_stances(self) -> list[str]:
        """Ids of issues no actor has a stance on yet, in the scenario's order (forecasting needs none)."""
        covered = {s.issue for s in self.stances}
        return [i.id for i in self.issues if i.id not in covered]

    # -- convenience lookups -------------------------------------------------
    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(actor_id)

    def issue(self, issue_id: str) -> Issue:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise KeyError(issue_id)

    def evidence_by_id(self) -> dict[str, Evidence]:
        return {e.id: e for e in self.evidence}


M = TypeVar("M", bound=_Strict)


def checked(model: type[M], **fields: Any) -> M:
    """``model`` of ``fields`` that a reader has already parsed into the fields' types and bounds, with
    the model's own checks (its after-validators) run but without pydantic's validator.

    Building the schema's validators costs more than a small forecast itself (about 20 ms); the CSV
    readers call this with what they have checked cell by cell (finite floats in range, stripped
    non-empty names, ids made by :func:`stratagem.model.io.slug`), so a CSV forecast never builds them.
    tests/test_cli_inputs.py checks that full validation gives the same scenario. Errors are ValueErrors.
    """
    obj = cast(M, model.model_construct(**fields))
    for decorator in model.__pydantic_decorators__.model_validators.values():
        if decorator.info.mode != "after":  # the schema has none; one would need the raw input
            raise TypeError(f"{model.__name__} has a {decorator.info.mode} validator: validate it instead")
        decorator.func(obj)
    return obj


def _unique(values: list[str], where: str, field: str, what: str) -> None:
    """Refuse a repeated value, pointing at the repeat (``actors[3].id``) and at the first one."""
    seen: dict[str, int] = {}
    for n, value in enumerate(values):
        if value in seen:
            raise ValueError(f"{where}[{n}].{field}: duplicate {what} '{value}' (first: {where}[{seen[value]}])")
        seen[value] = n


def _known(ids: tuple[str, ...], known: set[str], where: str) -> None:
    for evidence_id in ids:
        if evidence_id not in known:
            raise ValueError(f"{where}: unknown evidence id '{evidence_id}'")
