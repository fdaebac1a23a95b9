"""Scoring actor extraction against gold entity annotations (tests/data/actors_gold/).

The gold gives, per document, entities (canonical name, kind ``person``/``organisation``) with
their mention spans; a system gives the same shape. Two levels are scored:

* **entities**: a system entity matches a gold entity when one of its mentions overlaps one of
  the gold entity's mentions. Pairs are matched one-to-one, greedily: the pair with the most
  overlapping mention pairs first (then the most overlapping characters, then the earliest
  mention), so one system entity that merges two people matches only one of them.
* **mentions**: a system mention matches a gold mention when the spans overlap, one-to-one,
  greedily by overlap length; entity linking is not looked at.

Both are also given for entities *outside the gazetteer*: an entity (gold or system) is "in the
gazetteer" when any of its mentions overlaps a span the gazetteer matches by alias; the spans are
passed in (:func:`gazetteer_alias_spans`), so the scoring itself reads nothing. Recall of the
outside part counts gold entities outside, precision counts system entities outside.

Everything here is pure: parsing takes the lines, scoring takes the spans.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from stratagem.evidence.errors import EvidenceError
from stratagem.evidence.gazetteer import Gazetteer

Span = tuple[int, int]
KINDS = ("person", "organisation")


@dataclass(frozen=True)
class ActorEntity:
    """One document-level actor: a canonical name, a kind and its mention spans in text order."""

    name: str
    kind: str
    mentions: tuple[Span, ...]
    id: str = ""


@dataclass(frozen=True)
class GoldDocument:
    document: str
    sha256: str
    entities: tuple[ActorEntity, ...]


@dataclass
class Counts:
    """Matched and total items on each side; precision, recall and F1 derive from them."""

    matched_system: int = 0
    system: int = 0
    matched_gold: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.matched_system / self.system if self.system else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.matched_system += other.matched_system
        self.system += other.system
        self.matched_gold += other.matched_gold
        self.gold += other.gold

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "matched_system": self.matched_system, "system": self.system,
                "matched_gold": self.matched_gold, "gold": self.gold}


@dataclass
class ActorScore:
    """Entity- and mention-level counts, overall and for entities outside the gazetteer."""

    entities: Counts = field(default_factory=Counts)
    mentions: Counts = field(default_factory=Counts)
    entities_outside: Counts = field(default_factory=Counts)
    mentions_outside: Counts = field(default_factory=Counts)
    kind_agree: int = 0  # matched entity pairs whose kinds agree
    documents: int = 0

    def add(self, other: ActorScore) -> None:
        self.entities.add(other.entities)
        self.mentions.add(other.mentions)
        self.entities_outside.add(other.entities_outside)
        self.mentions_outside.add(other.mentions_outside)
        self.kind_agree += other.kind_agree
        self.documents += other.documents

    def as_dict(self) -> dict[str, object]:
        return {"documents": self.documents, "entities": self.entities.as_dict(),
                "mentions": self.mentions.as_dict(), "entities_outside_gazetteer": self.entities_outside.as_dict(),
                "mentions_outside_gazetteer": self.mentions_outside.as_dict(),
                "kind_agreement": round(self.kind_agree / self.entities.matched_gold, 4)
                if self.entities.matched_gold else 0.0}


# -- parsing -------------------------------------------------------------------

def parse_gold(lines: Iterable[str], where: str = "gold") -> list[GoldDocument]:
    """Gold documents from JSON lines; a malformed line raises EvidenceError naming it."""
    docs: list[GoldDocument] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        at = f"{where}:{number}"
        try:
            raw = json.loads(line)
            entities = tuple(
                ActorEntity(id=str(e["id"]), name=str(e["name"]), kind=str(e["kind"]),
                            mentions=tuple((int(a), int(b)) for a, b in e["mentions"]))
                for e in raw["entities"]
            )
            doc = GoldDocument(document=str(raw["document"]), sha256=str(raw["sha256"]), entities=entities)
        except (ValueError, KeyError, TypeError) as exc:
            raise EvidenceError(f"not a gold actor record ({exc.__class__.__name__}: {exc})", path=at) from None
        for e in doc.entities:
            if e.kind not in KINDS:
                raise EvidenceError(f"entity {e.id} has kind {e.kind!r}, expected person or organisation", path=at)
            if not e.mentions or any(a >= b or a < 0 for a, b in e.mentions):
                raise EvidenceError(f"entity {e.id} has no mentions or an empty span", path=at)
        docs.append(doc)
    return docs


def system_entities(raw: Iterable[Any]) -> list[ActorEntity]:
    """Entities from a system's output: ``(name, kind, [(start, end), ...])`` triples, or objects
    with ``name``, ``kind`` and ``mentions`` attributes (such as stratagem.evidence.actors')."""
    out: list[ActorEntity] = []
    for item in raw:
        if isinstance(item, tuple):
            name, kind, spans = item
        else:
            name, kind, spans = item.name, item.kind, item.mentions
        out.append(ActorEntity(name=str(name), kind=str(kind),
                               mentions=tuple(sorted((int(a), int(b)) for a, b in spans))))
    return out


def gazetteer_alias_spans(text: str, gazetteer: Gazetteer) -> list[Span]:
    """Spans of ``text`` the gazetteer matches by alias (demonyms such as "Iranian" excluded)."""
    return [(m.start, m.end) for m in gazetteer.find_mentions(text) if m.via == "alias"]


# -- matching ------------------------------------------------------------------

def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _touches(spans: Sequence[Span], others: Sequence[Span]) -> bool:
    return any(_overlap(s, o) > 0 for s in spans for o in others)


def match_entities(gold: Sequence[ActorEntity], system: Sequence[ActorEntity]) -> list[tuple[int, int]]:
    """One-to-one (gold index, system index) pairs whose mentions overlap, greedy by overlap."""
    candidates: list[tuple[int, int, int, int, int]] = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            pairs = chars = 0
            first = -1
            for gm in g.mentions:
                for sm in s.mentions:
                    o = _overlap(gm, sm)
                    if o:
                        pairs += 1
                        chars += o
                        first = gm[0] if first < 0 else min(first, gm[0])
            if pairs:
                candidates.append((-pairs, -chars, first, gi, si))
    return _one_to_one(sorted(candidates))


def _one_to_one(candidates: Sequence[tuple[Any, ...]]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs from candidates sorted best first, each ending in (gold index, system index)."""
    used_g: set[int] = set()
    used_s: set[int] = set()
    out: list[tuple[int, int]] = []
    for *_, gi, si in candidates:
        if gi not in used_g and si not in used_s:
            used_g.add(gi)
            used_s.add(si)
            out.append((gi, si))
    return sorted(out)


def match_mentions(gold: Sequence[Span], system: Sequence[Span]) -> list[tuple[int, int]]:
    """One-to-one (gold index, system index) pairs of overlapping spans, greedy by overlap."""
    candidates = sorted(
        (-_overlap(g, s), g[0], s[0], gi, si)
        for gi, g in enumerate(gold) for si, s in enumerate(system) if _overlap(g, s)
    )
    return _one_to_one(candidates)


def _kind_of(kind: str) -> str:
    return "person" if kind == "person" else "organisation"


def score_document(
    gold: Sequence[ActorEntity], system: Sequence[ActorEntity], gazetteer_spans: Sequence[Span] = ()
) -> ActorScore:
    """Counts for one document (see the module docstring for the rules)."""
    score = ActorScore(documents=1)
    gold_in = [_touches(e.mentions, gazetteer_spans) for e in gold]
    sys_in = [_touches(e.mentions, gazetteer_spans) for e in system]

    pairs = match_entities(gold, system)
    matched_g = {g for g, _ in pairs}
    matched_s = {s for _, s in pairs}
    score.entities = Counts(len(matched_s), len(system), len(matched_g), len(gold))
    score.entities_outside = Counts(
        sum(1 for s in matched_s if not sys_in[s]), sum(1 for x in sys_in if not x),
        sum(1 for g in matched_g if not gold_in[g]), sum(1 for x in gold_in if not x),
    )
    score.kind_agree = sum(1 for g, s in pairs if gold[g].kind == _kind_of(system[s].kind))

    gold_m = [(span, gi) for gi, e in enumerate(gold) for span in e.mentions]
    sys_m = [(span, si) for si, e in enumerate(system) for span in e.mentions]
    mpairs = match_mentions([m for m, _ in gold_m], [m for m, _ in sys_m])
    mg = {g for g, _ in mpairs}
    ms = {s for _, s in mpairs}
    score.mentions = Counts(len(ms), len(sys_m), len(mg), len(gold_m))
    score.mentions_outside = Counts(
        sum(1 for s in ms if not sys_in[sys_m[s][1]]), sum(1 for _, si in sys_m if not sys_in[si]),
        sum(1 for g in mg if not gold_in[gold_m[g][1]]), sum(1 for _, gi in gold_m if not gold_in[gi]),
    )
    return score
