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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from stratagem.evidence.cues import AGAINST, REPORTING, cue_table
from stratagem.evidence.gazetteer import Gazetteer, default_gazetteer, load_gazetteer
from stratagem.evidence.issues import _stem, evidence_id, link_issues, terms
from stratagem.evidence.records import Mention
from stratagem.evidence.sentences import split_sentences
from stratagem.model.errors import ScenarioError
from stratagem.model.schema import Evidence, Issue, Range, Scenario, Stance

#: Weight of a citation by how the sentence was credited to the actor.
WEIGHTS = {"quote": 1.0, "event": 0.7, "claim": 0.4}
#: the direction of a draft (or citation) that the evidence does not support either way
NO_DIRECTION = "none"
DRAFT_STATUSES = ("proposed", "accepted", "rejected")


@dataclass(frozen=True)
class Citation:
    """One span behind a draft: an evidence record (existing, or a new claim) and its direction."""

    evidence_id: str
    document: str
    start: int  # offsets into the document's cleaned text
    end: int
    kind: str  # "quote", "event" or "claim" (how the sentence was credited)
    direction: str  # "toward_0", "toward_100" or "none" (cited, but leaning neither way)
    weight: float
    text: str
    new: bool = False  # True when the record is not in the evidence given (save_drafts adds it)

    def to_evidence(self, actor: str, issue: str) -> Evidence:
        """The evidence record this citation stands for (kind claim, with its issue and direction)."""
        return Evidence(id=self.evidence_id, document=self.document, start=self.start, end=self.end, kind="claim",
                        actor=actor, issue=issue, direction=None if self.direction == NO_DIRECTION else self.direction,
                        text=self.text,
                        rationale=f"drafted: sentence credited via {self.kind}")


@dataclass(frozen=True)
class DraftStance:
    """A proposed stance for one actor on one issue, with its citations and the analyst's decision."""

    id: str  # "<scenario>.<actor>.<issue>"
    scenario: str
    actor: str
    issue: str
    direction: str  # "toward_0", "toward_100" or "none" (no direction: read the citations)
    confidence: float  # 0-1 (0 with no direction)
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
        if position is None:
            raise ScenarioError(f"draft {self.id} gives no direction and the scenario has no stance for it: "
                                "read its citations and set the position by hand")
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


#: words that turn the anchor term after them around ("will not allow a withdrawal", "rejected the
#: timetable", "an end to the waivers"); they reach over at most ``NEGATION_REACH`` words of the same clause
_NEGATORS = re.compile(
    r"(?:not|no|never|nor|without|against|n[’']t|won[’']t|cannot|can[’']t|unwilling|instead|rather|"
    r"reject\w*|oppos\w*|refus\w*|resist\w*|prevent\w*|halt\w*|block\w*|den(?:y|ied|ies|ying)|"
    r"end|ending|ended|ends|avoid\w*|delay\w*|postpon\w*|scrap\w*|abandon\w*|drop(?:s|ped)?|"
    r"undermin\w*|thwart\w*|obstruct\w*|den[yi]\w*|lift\w*|eas(?:e|ed|es|ing)|reduc\w*|limit\w*|curb\w*)$",
    re.I,
)
NEGATION_REACH = 5
#: words of change: more of something, or less of it (general English, not any issue's words)
_MORE = re.compile(
    r"(?:increas\w*|expan\w*|more|larger|greater|bigger|higher|stay\w*|remain\w*|keep\w*|kept|maintain\w*|"
    r"extend\w*|extension\w*|boost\w*|strengthen\w*|reinforc\w*|deploy\w*|rais\w*|continu\w*|tighten\w*|"
    r"escalat\w*|grow\w*|grew|intensif\w*|retain\w*|preserv\w*|enlarg\w*|restor\w*|resum\w*|safer|stronger)$",
    re.I,
)
_LESS = re.compile(
    r"(?:withdr[ae]w\w*|leav\w*|exit\w*|expel\w*|expuls\w*|remov\w*|reduc\w*|cut|cuts|cutting|end|ended|"
    r"ending|ends|drawdown|pullout|depart\w*|evacuat\w*|decreas\w*|lower\w*|shrink\w*|curb\w*|limit\w*|"
    r"halt\w*|stop\w*|bann?\w*|clos\w*|dissolv\w*|lift\w*|fewer|less|smaller|weaken\w*|terminat\w*|"
    r"abandon\w*|suspend\w*|wean\w*|phase-down|phase-out|wind-down)$",
    re.I,
)
#: words of movement, for an actor as the object: its presence grows or shrinks ("the Americans will leave")
_ARRIVE = re.compile(r"(?:stay\w*|remain\w*|deploy\w*|return\w*|station\w*|keep\w*|kept|sen[dt]\w*)$", re.I)
_DEPART = re.compile(
    r"(?:leav\w*|withdr[ae]w\w*|exit\w*|expel\w*|expuls\w*|depart\w*|evacuat\w*|pull\w*|ous?t\w*|"
    r"drawdown)$",
    re.I,
)
CHANGE_REACH = 5
_HIGHER = re.compile(r"\bHigher\s*(?:=|means|is)\s*(.+?)(?:\.\s+(?=[A-Z(])|\.?$|\()", re.S)
#: number, quantity and time words: in an anchor they qualify, in a sentence they rarely lean
_VAGUE = frozenset(terms(
    "one two three four five six seven eight nine ten hundred hundreds thousand thousands dozen first second "
    "third half most many much few several some now then time times year years month months week weeks day days"
))
_CLAUSE = re.compile(r"[,;:()—–]|\bbut\b|\bwhile\b|\bwhereas\b|\bhowever\b", re.I)
#: verbs that state what the subject wants, so that a sentence naming one actor tells its stance
_STANCE_VERB = re.compile(
    r"\b(?:demand\w*|call(?:s|ed|ing)? (?:for|on)|want\w*|seek\w*|sought|insist\w*|urg\w*|push\w*|press\w*|"
    r"support\w*|back(?:s|ed|ing)?|oppos\w*|reject\w*|refus\w*|favou?r\w*|propos\w*|warn\w*|threat\w*|vow\w*|"
    r"pledg\w*|promis\w*|plan(?:s|ned|ning)? to|aim\w* to|intend\w*|ask\w*|agree\w*|accept\w*|welcom\w*|"
    r"condemn\w*|denounc\w*|resist\w*|prefer\w*|hope\w*|wish\w*|advocat\w*|endors\w*|insist\w*|committ?\w*)\b",
    re.I,
)


@dataclass(frozen=True)
class DirectionRules:
    """When a citation and a draft are allowed a direction.

    * a text leans one way when its signed weight (:func:`lean`: anchor terms, and words of change
      next to what the scale measures, each turned around by a negator before it) reaches
      ``min_margin`` (an anchor term at a scale end or a change word weighs 1, one half-way 0.5) and
      the winning side holds ``min_share`` of the weight of all its leaning words;
    * a quote is read in the speaker's own words (the quoted or reported span), not in the sentence
      around it; an event or a sentence naming one actor leans only when the actor is the subject of
      a stance verb ("demanded", "rejected", "called for", "wants" ...; ``frame_needed``), since an
      action or a mere mention says little about what an actor wants; ``claims_lean`` and
      ``events_lean`` switch those two kinds off altogether;
    * a span leans, for its actor, on one issue only: the one it leans on most strongly, then the one
      it is linked to most strongly (``one_issue_per_span``);
    * a draft gives a direction when its leaning citations agree (``min_agreement`` of their weight on
      one side, at least ``min_weight`` of it and ``min_citations`` of them) and, with
      ``quote_needed``, at least one of them is the actor's own words; otherwise "no direction".

    The defaults are the rules a grid search chose on either built-in scenario alone (the same rules
    on both; docs/evidence.md reports the leave-one-scenario-out figures).
    """

    min_anchor: float = 0.0  # leave out anchors nearer the midpoint than this share of the half-scale
    min_margin: float = 0.5
    min_share: float = 0.6
    min_agreement: float = 0.75
    min_weight: float = 0.0
    min_citations: int = 1
    quote_needed: bool = True
    claims_lean: bool = True
    events_lean: bool = True
    frame_needed: bool = True
    one_issue_per_span: bool = True


DEFAULT_RULES = DirectionRules()


@dataclass(frozen=True)
class Cues:
    """Anchor terms of an issue's low and high ends (with weights), and those the label itself negates."""

    low: Mapping[str, float]
    high: Mapping[str, float]
    negated: frozenset[str] = frozenset()  # "no end date": the term stands under a negator in its label
    #: what the scale measures (terms of the issue's name and its "Higher = ..." phrase), and whether more of it is the high end (+1) or the low end (-1)
    objects: frozenset[str] = frozenset()
    high_sign: int = 0  # 0: the description does not say which end is which
    #: names of the actors the "Higher = ..." phrase names ("more U.S. pressure": the United States, its
    #: forces, "Americans"): they are what the scale measures too ("the Americans will leave")
    object_names: re.Pattern[str] | None = None


def _words(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in re.finditer(r"[A-Za-z][A-Za-z’'-]*", text)]


def _negated(text: str, words: Sequence[tuple[int, str]], k: int, skip: Iterable[str] = ()) -> bool:
    """Whether word ``k`` stands under an odd number of negators among the ``NEGATION_REACH`` words
    before it in the same clause (stems in ``skip`` are never negators)."""
    skipped = set(skip)
    flip = False
    at = words[k][0]
    for j in range(k - 1, max(-1, k - 1 - NEGATION_REACH), -1):
        prev_at, prev = words[j]
        if _CLAUSE.search(text, prev_at + len(prev), at):
            break
        if _stem(prev) not in skipped and _NEGATORS.match(prev):
            flip = not flip
    return flip


def direction_terms(issue: Issue, scenario: Scenario, min_anchor: float = 0.0) -> Cues:
    """Terms that tell an issue's low end from its high end, with weights.

    Terms of the anchors below the midpoint (weighted by their distance from it) against
    those above it, leaving out words both sides share, the issue's own name and
    description (they say what the issue is about, not which way), words of other issues'
    anchors, number and time words, and actor names; anchors closer to the midpoint than
    ``min_anchor`` (a share of the half-scale) are left out.
    """
    mid = (issue.scale_min + issue.scale_max) / 2
    half = (issue.scale_max - issue.scale_min) / 2 or 1.0
    topic = set(terms(f"{issue.name} {issue.description}"))
    names = {t for a in scenario.actors for n in (a.name, *a.aliases) for t in terms(n)}
    names |= {t for a in default_gazetteer().actors.values() for n in (a.name, *a.demonyms) for t in terms(n)}
    # words in the anchors of other issues too say which issue, not which end ("sanctions", "two years")
    for other in scenario.issues:
        if other.id != issue.id:
            names |= {t for a in other.anchors for t in terms(a.label)}
    names |= _VAGUE
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    negated: set[str] = set()
    for anchor in issue.anchors:
        side = low if anchor.value < mid else high if anchor.value > mid else None
        if side is None:
            continue
        weight = abs(anchor.value - mid) / half
        if weight < min_anchor:
            continue  # anchors near the middle describe compromises: their words lean little
        keep = set(terms(anchor.label)) - topic - names
        words = _words(anchor.label)
        for k, (_, word) in enumerate(words):
            t = _stem(word)
            if t in keep:
                side[t] = max(side.get(t, 0.0), weight)
                if _negated(anchor.label, words, k, keep):
                    negated.add(t)
    shared = set(low) & set(high)
    objects, high_sign, phrase = _scale_object(issue, names)
    return Cues({t: w for t, w in low.items() if t not in shared}, {t: w for t, w in high.items() if t not in shared},
                frozenset(negated - shared), objects, high_sign, _object_names(phrase, scenario))


def _object_names(phrase: str, scenario: Scenario) -> re.Pattern[str] | None:
    """A pattern for the names of the first actor ``phrase`` names, of the actors named after it ("U.S." ->
    "U.S. forces") and their demonyms ("Americans")."""
    if not phrase:
        return None
    gaz = load_gazetteer(scenario=scenario)
    found = gaz.find_mentions(phrase)
    if not found:
        return None
    named = {found[0].actor}  # the first actor named: whose presence, pressure or freedom it is
    heads = [n for a in named if a in gaz.actors for n in (gaz.actors[a].name, *gaz.actors[a].aliases) if len(n) > 1]
    surfaces: set[str] = set(heads)
    for actor in gaz.actors.values():
        if actor.id in named:
            surfaces.update(f"{d}s" for d in actor.demonyms)
            surfaces.update(actor.demonyms)
        elif any(n.startswith(h + " ") for n in (actor.name, *actor.aliases) for h in heads):
            surfaces.update(n for n in (actor.name, *actor.aliases) if len(n) > 1)
    alternatives = "|".join(re.escape(x) for x in sorted(surfaces, key=lambda x: (-len(x), x)))
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w])")


def _change_sign(word: str) -> int:
    return 1 if _MORE.match(word) else -1 if _LESS.match(word) else 0


def _scale_object(issue: Issue, names: set[str]) -> tuple[frozenset[str], int, str]:
    """What an issue's scale measures and which way it runs, read from its description's "Higher = ..." phrase.

    "Higher = more state control" gives +1 (more control is the high end), "Higher = faster reduction
    of the imports" -1 (less import is the high end); the objects are the content words of the
    issue's name and of that phrase.
    """
    m = _HIGHER.search(issue.description)
    if m is None:
        return frozenset(), 0, ""
    phrase = m.group(1)
    sign = 1
    for w in _words(phrase):
        sign *= _change_sign(w[1]) or 1
    objects = {
        _stem(w) for text in (issue.name, phrase) for _, w in _words(text)
        if not _change_sign(w) and _stem(w) in set(terms(w))
    }
    return frozenset(objects - names - _VAGUE), sign, phrase


def lean(text: str, cues: Cues) -> tuple[float, float]:
    """Signed anchor-term weight of a text (positive: toward the high end) and the total weight of its terms.

    A term counts for its side when it is negated in the text exactly as in its anchor label ("will not
    allow a withdrawal" counts against the end that reads "withdrawal"; "no end date" for the one that
    reads "no end date"), and for the other side otherwise. Negators are the words of ``_NEGATORS``
    among the ``NEGATION_REACH`` words before the term in the same clause, unless they are anchor
    terms of the issue themselves.
    """
    terms_ = set(cues.low) | set(cues.high)
    signed = 0.0
    total = 0.0
    words = _words(text)
    for k, (_, word) in enumerate(words):
        t = _stem(word)
        w = cues.high.get(t, 0.0) - cues.low.get(t, 0.0)
        if w == 0.0:
            continue
        same = _negated(text, words, k, terms_) == (t in cues.negated)
        signed += w if same else -w
        total += abs(w)
    if cues.high_sign:
        named: set[int] = set()
        if cues.object_names is not None:
            spans = [(m.start(), m.end()) for m in cues.object_names.finditer(text)]
            named = {j for j, (at, _) in enumerate(words) if any(a <= at < b for a, b in spans)}
        for k, (at, word) in enumerate(words):
            change = _change_sign(word) or (1 if _ARRIVE.match(word) else -1 if _DEPART.match(word) else 0)
            if not change or _stem(word) in terms_ or k in named:
                continue
            movement = 1 if _ARRIVE.match(word) else -1 if _DEPART.match(word) else 0
            near = [j for j in range(max(0, k - CHANGE_REACH), min(len(words), k + CHANGE_REACH + 1))
                    if j != k and (_stem(words[j][1]) in cues.objects or (movement and j in named))
                    and not _CLAUSE.search(text, min(at, words[j][0]), max(at, words[j][0]))]
            if not near:
                continue
            if not any(_stem(words[j][1]) in cues.objects for j in near):
                change = movement  # only an actor nearby: its arrival or departure
            if _negated(text, words, k, terms_):
                change = -change
            signed += change * cues.high_sign
            total += 1.0
    return signed, total


def sentence_direction(
    sentence: str, cues: Cues, rules: DirectionRules = DEFAULT_RULES
) -> tuple[str | None, float]:
    """"toward_0"/"toward_100" (or None) and a strength in (0, 1] for one sentence or quoted span.

    The signed weight of its anchor terms (see :func:`lean`) must reach ``rules.min_margin`` and the
    winning side hold ``rules.min_share`` of the terms' weight; otherwise the text does not lean.
    """
    signed, total = lean(sentence, cues)
    if total == 0.0 or signed == 0.0 or abs(signed) < rules.min_margin or (abs(signed) + total) / (2 * total) < rules.min_share:
        return None, 0.0
    strength = min(1.0, abs(signed) / 2) * abs(signed) / total
    return ("toward_100" if signed > 0 else "toward_0"), round(max(strength, 0.05), 3)


def _states_stance(text: str, start: int, end: int, actor_spans: Sequence[tuple[int, int]]) -> bool:
    """Whether an actor named at one of ``actor_spans`` is the subject of a stance verb in text[start:end]:
    the verb follows the name in the same clause, with at most 6 words between."""
    for m in _STANCE_VERB.finditer(text, start, end):
        for _a, b in actor_spans:
            gap = text[b : m.start()]
            if b <= m.start() and len(gap.split()) <= 6 and not _CLAUSE.search(gap.replace("’s", "").replace("'s", "")):
                return True
    return False


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
    rules: DirectionRules = DEFAULT_RULES,
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
    cues = {issue.id: direction_terms(issue, scenario, rules.min_anchor) for issue in scenario.issues}
    for doc_id in sorted(texts):
        text = texts[doc_id]
        sentences = split_sentences(text)
        mentions = gaz.find_mentions(text)
        doc_records = by_doc.get(doc_id, [])
        for link in link_issues(sentences, scenario.issues, mentions=mentions):
            sentence = text[link.start : link.end]
            if lean(sentence, cues[link.issue])[1] == 0.0:
                continue  # no anchor term at all: the sentence is about the issue, not about a side of it
            inside = [r for r in doc_records if r.start < link.end and link.start < r.end]
            credited: list[tuple[str, str, Evidence | None]] = []  # (actor, kind, record)
            for kind in ("quote", "event"):
                for r in inside:
                    actor = _record_actor(r, id_map, gaz)
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
                direction, cue_strength = _citation_direction(
                    text, link.start, link.end, kind, record, actor, mentions, id_map, cues[link.issue], rules)
                pile = piles.setdefault((actor, link.issue), _Pile())
                pile.citations.append(Citation(
                    evidence_id=eid, document=doc_id, start=start, end=end, kind=kind,
                    direction=direction or NO_DIRECTION, weight=round(WEIGHTS[kind] * max(cue_strength, 0.05), 4),
                    text=text[start:end], new=new,
                ))
                pile.strength.append(min(1.0, link.score / 10))
    if rules.one_issue_per_span:
        _lean_on_one_issue(piles)
    stances = {(s.actor, s.issue): s for s in scenario.stances}
    issues = {i.id: i for i in scenario.issues}
    order_a = {a.id: k for k, a in enumerate(scenario.actors)}
    order_i = {i.id: k for k, i in enumerate(scenario.issues)}
    drafts: list[DraftStance] = []
    for (actor, issue_id), pile in sorted(piles.items(), key=lambda kv: (order_a[kv[0][0]], order_i[kv[0][1]])):
        up = sum(c.weight for c in pile.citations if c.direction == "toward_100")
        down = sum(c.weight for c in pile.citations if c.direction == "toward_0")
        direction = pile_direction(pile.citations, rules)
        agreement = max(up, down) / (up + down) if up + down else 0.0
        strength = sum(pile.strength) / len(pile.strength)
        leaning = sum(1 for c in pile.citations if c.direction != NO_DIRECTION)
        confidence = round(agreement * strength * (1 - 0.5 ** leaning), 3) if direction != NO_DIRECTION else 0.0
        if confidence < min_confidence:
            continue
        issue = issues[issue_id]
        span = issue.scale_max - issue.scale_min
        stance = stances.get((actor, issue_id))
        suggested: float | None = None
        rng: tuple[float, float] | None = None
        agrees: bool | None = None
        if stance is None and direction != NO_DIRECTION:
            mean = (0.75 * up + 0.25 * down) / (up + down)
            suggested = round(issue.scale_min + span * mean, 1)
            half = span / 8 + span * 0.25 * (1 - agreement)
            rng = (round(max(issue.scale_min, suggested - half), 1), round(min(issue.scale_max, suggested + half), 1))
        elif stance is not None and direction != NO_DIRECTION:
            ref = issue.status_quo if issue.status_quo is not None else issue.scale_min + span / 2
            if not math.isclose(stance.position, ref):
                agrees = (stance.position > ref) == (direction == "toward_100")
        chosen = sorted(pile.citations, key=lambda c: (c.direction == NO_DIRECTION, -c.weight, c.document, c.start))
        drafts.append(DraftStance(
            id=f"{scenario.id}.{actor}.{issue_id}", scenario=scenario.id, actor=actor, issue=issue_id,
            direction=direction, confidence=confidence, agreement=round(agreement, 3), suggested_position=suggested,
            suggested_range=rng, current_position=stance.position if stance else None, agrees_with_current=agrees,
            citations=tuple(sorted(chosen[:max_citations], key=lambda c: (c.document, c.start))),
        ))
    return drafts


def _lean_on_one_issue(piles: Mapping[tuple[str, str], _Pile]) -> None:
    """A span leans, for its actor, only on the issue it leans on most strongly, then the one its sentence is
    linked to most strongly (the first in the scenario's order on a tie): words that lean on several
    issues at once are about none in particular."""
    best: dict[tuple[str, str, int, int], tuple[float, float, str]] = {}
    for (actor, issue), pile in piles.items():
        for c, strength in zip(pile.citations, pile.strength, strict=True):
            key = (actor, c.document, c.start, c.end)
            if c.direction != NO_DIRECTION and (key not in best or (c.weight, strength) > best[key][:2]):
                best[key] = (c.weight, strength, issue)
    for (actor, issue), pile in piles.items():
        pile.citations = [
            c if c.direction == NO_DIRECTION or best[(actor, c.document, c.start, c.end)][2] == issue
            else replace(c, direction=NO_DIRECTION, weight=round(WEIGHTS[c.kind] * 0.05, 4))
            for c in pile.citations
        ]


def _record_actor(record: Evidence, id_map: Mapping[str, str], gaz: Gazetteer) -> str:
    """The scenario actor of an evidence record: its actor, else the one actor its speaker phrase names
    ("Iran's Foreign Ministry spokesman" speaks for the ministry); "" when neither."""
    if record.actor:
        return id_map.get(record.actor, record.actor)
    if record.kind != "quote" or not record.speaker:
        return ""
    named = {id_map.get(m.actor, m.actor) for m in gaz.find_mentions(record.speaker)}
    return named.pop() if len(named) == 1 else ""


def _citation_direction(
    text: str,
    start: int,
    end: int,
    kind: str,
    record: Evidence | None,
    actor: str,
    mentions: Sequence[Mention],
    id_map: Mapping[str, str],
    cues: Cues,
    rules: DirectionRules,
) -> tuple[str | None, float]:
    """Which way one credited sentence leans for its actor (see :class:`DirectionRules`), and how strongly."""
    if kind == "quote" and record is not None:
        content = text[record.start : record.end]
        lemma = _cue_lemma(record)
        if lemma in REPORTING and _noun_phrase(content):
            return None, 0.0  # "announced a 90-day pause": an action reported, not a position
        if _hypothetical(text, record.start):
            return None, 0.0  # "... if Washington decides to withdraw": a supposition, not a position
        direction, strength = sentence_direction(content, cues, rules)
        if direction is not None and (lemma in AGAINST) != _opens_with_nor(text, record.start):
            # "criticized the strikes", "Nor do the generals want to [leave]": the speaker is against it
            direction = "toward_0" if direction == "toward_100" else "toward_100"
        return direction, strength
    if (kind == "event" and not rules.events_lean) or (kind == "claim" and not rules.claims_lean):
        return None, 0.0
    spans = [(m.start, m.end) for m in mentions
             if start <= m.start < end and (m.actor == actor or id_map.get(m.actor) == actor)]
    if rules.frame_needed and not _states_stance(text, start, end, spans):
        return None, 0.0
    return sentence_direction(text[start:end], cues, rules)


#: a sentence or clause end: not the stop of "U.S." (a lower-case letter or a digit before it)
_SENTENCE_END = re.compile(r"(?<=[a-z0-9”\"’)])[.!?]\s+(?=[A-Z“\"])|\n|;\s")
_CUE_IN_RATIONALE = re.compile(r"\(([^()]+)\)\s*$")
_FINITE = frozenset(["is", "are", "was", "were", "be", "been", "will", "would", "can", "could", "should", "must", "may", "might", "has", "have", "had", "do", "does", "did", "shall", "that"])
_NP_START = frozenset(["a", "an", "the", "its", "their", "his", "her", "our", "new", "this", "these", "another", "additional", "further"])


def _cue_lemma(record: Evidence) -> str | None:
    """The lemma of a quote record's cue (extraction writes it in the rationale: "indirect (criticized)")."""
    m = _CUE_IN_RATIONALE.search(record.rationale)
    if m is None:
        return None
    entry = cue_table().get(m.group(1).split()[0].lower())
    return entry[0] if entry else None


def _opens_with_nor(text: str, start: int) -> bool:
    """Whether the sentence of a reported content opens with "Nor"/"Neither": a negation of the attribution
    itself ("Nor do the generals want ..."), which lies outside the content's own words."""
    before = text[max(0, start - 300) : start]
    cut = max((m.end() for m in _SENTENCE_END.finditer(before)), default=0)
    return re.match(r"\s*(?:nor|neither)\b", before[cut:], re.I) is not None


def _hypothetical(text: str, start: int) -> bool:
    """Whether the attribution of a content stands in a condition ("if X decides to ...", "unless X agrees
    ..."): "if" or "unless" in the same clause before the content, with no comma between."""
    before = text[max(0, start - 300) : start]
    cut = max((m.end() for m in _SENTENCE_END.finditer(before)), default=0)
    return re.search(r"\b(?:if|unless)\b[^,;:]*$", before[cut:], re.I) is not None


def _noun_phrase(content: str) -> bool:
    """Whether a reported content is a noun phrase (starts with a determiner, has no finite verb)."""
    words = [w.lower() for _, w in _words(content)]
    return bool(words) and (words[0] in _NP_START or content.lstrip()[:1].isdigit()) \
        and not any(w in _FINITE for w in words)


def pile_direction(citations: Sequence[Citation], rules: DirectionRules = DEFAULT_RULES) -> str:
    """A draft's direction from its citations, or ``NO_DIRECTION`` when they do not support one."""
    up = sum(c.weight for c in citations if c.direction == "toward_100")
    down = sum(c.weight for c in citations if c.direction == "toward_0")
    if up + down == 0.0:
        return NO_DIRECTION
    side = "toward_100" if up > down else "toward_0"
    if max(up, down) / (up + down) < rules.min_agreement or max(up, down) < rules.min_weight:
        return NO_DIRECTION
    if rules.quote_needed and not any(c.kind == "quote" and c.direction == side for c in citations):
        return NO_DIRECTION
    if sum(1 for c in citations if c.direction == side) < rules.min_citations:
        return NO_DIRECTION
    return side


def with_decision(draft: DraftStance, status: str, decided_at: str | None) -> DraftStance:
    """The draft with an analyst's decision recorded."""
    if status not in DRAFT_STATUSES:
        raise ValueError(f"unknown draft status '{status}'")
    return replace(draft, status=status, decided_at=decided_at)
