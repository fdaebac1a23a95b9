"""Drafting stances from evidence: proposals with citations for an analyst to accept or reject.

:func:`draft_stances` is a pure function of a scenario, evidence records and the
cleaned texts of their documents. For every actor x issue of the scenario that the
evidence bears on it proposes a :class:`DraftStance`: a direction (toward the
issue's 0 end or its 100 end), a confidence, the citations behind it and, when
the scenario has no stance for the pair, a suggested position with a range.

How (lexical, no models; the same rules as :mod:`stratagem.evidence.issues`):

1. Each document is split into sentences and each sentence is linked to the
   scenario's issues by BM25 over the issue's name, description and anchor labels.
   A link gets a direction when the sentence shares more words with the anchors
   above the midpoint (``toward_100``) than below it (``toward_0``), or the reverse.
2. A linked sentence is credited to actors, most reliable first: the speakers of
   quotes in it (weight 1.0), else the actors of dated events in it (0.7), else the
   one scenario actor it names, when it names exactly one (0.4). Sentences naming
   several actors and quoting none are not credited: their words could be anyone's.
3. Per actor x issue the weighted directions are summed: ``direction`` is the sign,
   ``agreement`` the share of weight on that side, and
   ``confidence = agreement x link strength x (1 - 0.5 ** citations)`` so one
   sentence never gives more than half confidence.
4. The suggested position is the weighted mean of 25 (for each ``toward_0``
   citation) and 75 (``toward_100``) on the issue's scale, its range at least an
   eighth of the scale each side. When the scenario has a stance its position is
   reported instead, with whether the drafted direction agrees with it (the stance
   lies on that side of the status quo, or of the midpoint when there is none).

Evidence actors are gazetteer ids; they are mapped to the scenario's actor ids
through the scenario's names and aliases, so a workspace ingested without
``--scenario`` drafts as well as one ingested with it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from stratagem.evidence.gazetteer import Gazetteer, default_gazetteer, load_gazetteer
from stratagem.evidence.issues import _TOKEN, _stem, evidence_id, link_issues, terms
from stratagem.evidence.sentences import split_sentences
from stratagem.model.schema import Evidence, Issue, Range, Scenario, Stance

#: Weight of a citation by how the sentence was credited to the actor.
WEIGHTS = {"quote": 1.0, "event": 0.7, "claim": 0.4}
DRAFT_STATUSES = ("proposed", "accepted", "rejected")


@dataclass(frozen=True)
class Citation:
    """One span behind a draft: an evidence record (existing, or a new claim) and its direction."""

    evidence_id: str
    document: str
    start: int  # offsets into the document's cleaned text
    end: int
    kind: str  # "quote", "event" or "claim" (how the sentence was credited)
    direction: str  # "toward_0" or "toward_100"
    weight: float
    text: str
    new: bool = False  # True when the record is not in the evidence given (save_drafts adds it)

    def to_evidence(self, actor: str, issue: str) -> Evidence:
        """The evidence record this citation stands for (kind claim, with its issue and direction)."""
        return Evidence(id=self.evidence_id, document=self.document, start=self.start, end=self.end, kind="claim",
                        actor=actor, issue=issue, direction=self.direction, text=self.text,
                        rationale=f"drafted: sentence credited via {self.kind}")


@dataclass(frozen=True)
class DraftStance:
    """A proposed stance for one actor on one issue, with its citations and the analyst's decision."""

    id: str  # "<scenario>.<actor>.<issue>"
    scenario: str
    actor: str
    issue: str
    direction: str  # "toward_0" or "toward_100"
    confidence: float  # 0-1
    agreement: float  # share of citation weight on the drafted side
    suggested_position: float | None  # only when the scenario has no stance for the pair
    suggested_range: tuple[float, float] | None
    current_position: float | None  # the scenario's position, when it has a stance
    agrees_with_current: bool | None
    citations: tuple[Citation, ...] = ()
    status: str = "proposed"  # "proposed", "accepted" or "rejected"
    decided_at: str | None = None  # ISO timestamp of the decision

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``stratagem draft --json`` prints and the web API returns)."""
        data = asdict(self)
        data["suggested_range"] = list(self.suggested_range) if self.suggested_range else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DraftStance:
        values = dict(data)
        values["citations"] = tuple(Citation(**c) for c in values.get("citations", ()))
        rng = values.get("suggested_range")
        values["suggested_range"] = (float(rng[0]), float(rng[1])) if rng else None
        return cls(**values)

    def to_stance(self, *, salience: float = 50.0) -> Stance:
        """A schema stance from this draft (the suggested position, or the current one), citing its evidence."""
        position = self.suggested_position if self.suggested_position is not None else self.current_position
        if position is None:  # pragma: no cover - every draft has one or the other
            raise ValueError(f"draft {self.id} has no position")
        rng = Range(low=self.suggested_range[0], high=self.suggested_range[1]) if self.suggested_range else None
        return Stance(actor=self.actor, issue=self.issue, position=position, salience=salience,
                      position_range=rng, evidence=tuple(c.evidence_id for c in self.citations),
                      note=f"drafted from evidence ({self.direction}, confidence {self.confidence:.2f})")


def actor_id_map(scenario: Scenario, gazetteer: Gazetteer | None = None) -> dict[str, str]:
    """Gazetteer actor id -> scenario actor id, for every built-in actor the scenario's names cover."""
    base = gazetteer or default_gazetteer()
    extended = load_gazetteer(scenario=scenario)
    scenario_ids = {a.id for a in scenario.actors}
    out = {a: a for a in scenario_ids}
    for actor in base.actors.values():
        if actor.id in out:
            continue
        found = [m.actor for m in extended.find_mentions(actor.name) if m.start == 0 and m.end == len(actor.name)]
        if found and found[0] in scenario_ids:
            out[actor.id] = found[0]
    return out


_OPPOSE = re.compile(
    r"\b(?:reject\w*|oppos\w*|refus\w*|resist\w*|against|denounc\w*|condemn\w*|prevent\w*|halt\w*|"
    r"stop\w*|block\w*|den(?:y|ied|ies)|no longer|never|won[’']t|will not|would not|cannot|end(?:ed|ing|s)? to|"
    r"instead of|rather than)\b",
    re.I,
)


def direction_terms(issue: Issue, scenario: Scenario) -> tuple[dict[str, float], dict[str, float]]:
    """Terms that tell an issue's low end from its high end, with weights.

    Terms of the anchors below the midpoint (weighted by their distance from it) against
    those above it, leaving out words both sides share, the issue's own name and
    description (they say what the issue is about, not which way) and actor names.
    """
    mid = (issue.scale_min + issue.scale_max) / 2
    half = (issue.scale_max - issue.scale_min) / 2 or 1.0
    topic = set(terms(f"{issue.name} {issue.description}"))
    names = {t for a in scenario.actors for n in (a.name, *a.aliases) for t in terms(n)}
    names |= {t for a in default_gazetteer().actors.values() for n in (a.name, *a.demonyms) for t in terms(n)}
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    for anchor in issue.anchors:
        side = low if anchor.value < mid else high if anchor.value > mid else None
        if side is None:
            continue
        weight = abs(anchor.value - mid) / half
        for t in set(terms(anchor.label)) - topic - names:
            side[t] = max(side.get(t, 0.0), weight)
    shared = set(low) & set(high)
    return ({t: w for t, w in low.items() if t not in shared}, {t: w for t, w in high.items() if t not in shared})


def sentence_direction(sentence: str, cues: tuple[dict[str, float], dict[str, float]]) -> tuple[str | None, float]:
    """"toward_0"/"toward_100" (or None) and a strength in (0, 1] for one sentence.

    The side whose anchor terms the sentence uses more wins; an opposition cue
    ("rejected", "opposes", "will not", "an end to", ...) before the first such term
    flips it, since opposing the low end's words is leaning to the high end.
    """
    low, high = cues
    found = [(m.start(), _stem(m.group(0))) for m in _TOKEN.finditer(sentence)]
    lo = sum(low.get(t, 0.0) for _, t in found)
    hi = sum(high.get(t, 0.0) for _, t in found)
    if lo == hi:
        return None, 0.0
    first = min(at for at, t in found if t in low or t in high)
    flip = _OPPOSE.search(sentence, 0, first) is not None
    toward_high = (hi > lo) != flip
    strength = abs(hi - lo) / (hi + lo) * min(1.0, (hi + lo) / 2)
    return ("toward_100" if toward_high else "toward_0"), round(max(strength, 0.05), 3)


@dataclass
class _Pile:
    citations: list[Citation] = field(default_factory=list)
    strength: list[float] = field(default_factory=list)


def draft_stances(
    scenario: Scenario,
    records: Iterable[Evidence],
    texts: Mapping[str, str],
    *,
    max_citations: int = 8,
    min_confidence: float = 0.0,
) -> list[DraftStance]:
    """Draft stances for ``scenario`` from evidence ``records`` and the cleaned ``texts`` by document id.

    Returns drafts sorted by actor, then issue (the scenario's order). Pure: reads
    nothing and writes nothing.
    """
    id_map = actor_id_map(scenario)
    gaz = load_gazetteer(scenario=scenario)
    scenario_ids = {a.id for a in scenario.actors}
    by_doc: dict[str, list[Evidence]] = {}
    known_ids: set[str] = set()
    for r in records:
        by_doc.setdefault(r.document, []).append(r)
        known_ids.add(r.id)
    piles: dict[tuple[str, str], _Pile] = {}
    cues = {issue.id: direction_terms(issue, scenario) for issue in scenario.issues}
    for doc_id in sorted(texts):
        text = texts[doc_id]
        sentences = split_sentences(text)
        mentions = gaz.find_mentions(text)
        doc_records = by_doc.get(doc_id, [])
        for link in link_issues(sentences, scenario.issues, mentions=mentions):
            direction, cue_strength = sentence_direction(text[link.start : link.end], cues[link.issue])
            if direction is None:
                continue
            link = replace(link, direction=direction, confidence=cue_strength)
            inside = [r for r in doc_records if r.start < link.end and link.start < r.end and r.actor]
            credited: list[tuple[str, str, Evidence | None]] = []  # (actor, kind, record)
            for kind in ("quote", "event"):
                for r in inside:
                    actor = id_map.get(r.actor or "", r.actor or "")
                    if r.kind == kind and actor in scenario_ids and all(a != actor for a, _, _ in credited):
                        credited.append((actor, kind, r))
                if credited:
                    break
            if not credited:
                named = {m.actor for m in mentions if link.start <= m.start < link.end} & scenario_ids
                if len(named) == 1:
                    credited.append((named.pop(), "claim", None))
            for actor, kind, record in credited:
                if record is not None:
                    eid, start, end, new = record.id, record.start, record.end, False
                else:
                    eid = f"{evidence_id(doc_id, 'claim', link.start, link.end)}.{link.issue}"[:80]
                    start, end, new = link.start, link.end, eid not in known_ids
                pile = piles.setdefault((actor, link.issue), _Pile())
                pile.citations.append(Citation(
                    evidence_id=eid, document=doc_id, start=start, end=end, kind=kind, direction=direction,
                    weight=WEIGHTS[kind] * max(link.confidence, 0.05), text=text[start:end], new=new,
                ))
                pile.strength.append(min(1.0, link.score / 10))
    stances = {(s.actor, s.issue): s for s in scenario.stances}
    issues = {i.id: i for i in scenario.issues}
    order_a = {a.id: k for k, a in enumerate(scenario.actors)}
    order_i = {i.id: k for k, i in enumerate(scenario.issues)}
    drafts: list[DraftStance] = []
    for (actor, issue_id), pile in sorted(piles.items(), key=lambda kv: (order_a[kv[0][0]], order_i[kv[0][1]])):
        up = sum(c.weight for c in pile.citations if c.direction == "toward_100")
        down = sum(c.weight for c in pile.citations if c.direction == "toward_0")
        if up == down:
            continue
        direction = "toward_100" if up > down else "toward_0"
        agreement = max(up, down) / (up + down)
        strength = sum(pile.strength) / len(pile.strength)
        confidence = round(agreement * strength * (1 - 0.5 ** len(pile.citations)), 3)
        if confidence < min_confidence:
            continue
        issue = issues[issue_id]
        span = issue.scale_max - issue.scale_min
        stance = stances.get((actor, issue_id))
        suggested: float | None = None
        rng: tuple[float, float] | None = None
        agrees: bool | None = None
        if stance is None:
            mean = (0.75 * up + 0.25 * down) / (up + down)
            suggested = round(issue.scale_min + span * mean, 1)
            half = span / 8 + span * 0.25 * (1 - agreement)
            rng = (round(max(issue.scale_min, suggested - half), 1), round(min(issue.scale_max, suggested + half), 1))
        else:
            ref = issue.status_quo if issue.status_quo is not None else issue.scale_min + span / 2
            if not math.isclose(stance.position, ref):
                agrees = (stance.position > ref) == (direction == "toward_100")
        chosen = sorted(pile.citations, key=lambda c: (-c.weight, c.document, c.start))[:max_citations]
        drafts.append(DraftStance(
            id=f"{scenario.id}.{actor}.{issue_id}", scenario=scenario.id, actor=actor, issue=issue_id,
            direction=direction, confidence=confidence, agreement=round(agreement, 3), suggested_position=suggested,
            suggested_range=rng, current_position=stance.position if stance else None, agrees_with_current=agrees,
            citations=tuple(sorted(chosen, key=lambda c: (c.document, c.start))),
        ))
    return drafts


def with_decision(draft: DraftStance, status: str, decided_at: str | None) -> DraftStance:
    """The draft with an analyst's decision recorded."""
    if status not in DRAFT_STATUSES:
        raise ValueError(f"unknown draft status '{status}'")
    return replace(draft, status=status, decided_at=decided_at)
