"""Issue links, stance suggestions and drafted stances (lexical, no models).

A sentence bears on an issue when it matches the issue's terms (its name,
description, anchor labels and optional extra keywords) with a BM25 score above
a threshold. Its suggested direction compares the sentence with the labels of
the anchors below the scale's midpoint and above it: more overlap with the
upper anchors suggests "toward_100", with the lower ones "toward_0". The actors
a link is credited to are the speaker of a quote in the sentence, else the
actors named in it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from stratagem.evidence.records import IssueLink, Mention, Quote, Sentence, StanceSuggestion
from stratagem.model.schema import Evidence, Issue, Scenario

_STOP_WORDS = (
    "a an the of to in on for and or but with by at from as is are was were be been being it its this that these "
    "those their there than then so such no not nor any all some more most less least very can could would should "
    "will may might must do does did has have had he she they them his her our we you your i what which who whom "
    "whose when where why how into over under about after before between against during without within across "
    "also only just even still per via us s"
)
_STOP = set(_STOP_WORDS.split())
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _stem(word: str) -> str:
    w = word.lower().replace("’", "'").split("'")[0]
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s", "al"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)] + ("y" if suffix in {"ies", "ied"} else "")
    return w


def terms(text: str) -> list[str]:
    """Lower-cased, crudely stemmed content words."""
    return [_stem(t) for t in _TOKEN.findall(text) if t.lower() not in _STOP and len(t) > 2]


def _issue_terms(issue: Issue, keywords: Sequence[str]) -> tuple[Counter[str], set[str], set[str]]:
    text = " ".join([issue.name, issue.description, *(a.label for a in issue.anchors), *keywords])
    mid = (issue.scale_min + issue.scale_max) / 2
    low = {t for a in issue.anchors if a.value < mid for t in terms(a.label)}
    high = {t for a in issue.anchors if a.value > mid for t in terms(a.label)}
    return Counter(terms(text)), low - high, high - low


def link_issues(
    sentences: Sequence[Sentence],
    issues: Iterable[Issue],
    *,
    mentions: Sequence[Mention] = (),
    quotes: Sequence[Quote] = (),
    keywords: Mapping[str, Sequence[str]] | None = None,
    threshold: float = 2.5,
    k1: float = 1.2,
    b: float = 0.75,
) -> list[IssueLink]:
    """Sentences bearing on each issue, with a suggested direction and confidence."""
    docs = [terms(s.text) for s in sentences]
    n = len(docs) or 1
    avg = sum(len(d) for d in docs) / n or 1.0
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    links: list[IssueLink] = []
    for issue in issues:
        query, low, high = _issue_terms(issue, (keywords or {}).get(issue.id, ()))
        for sentence, doc in zip(sentences, docs, strict=True):
            tf = Counter(doc)
            score = 0.0
            matched = []
            for term in query:
                if term not in tf:
                    continue
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                f = tf[term]
                score += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len(doc) / avg))
                matched.append(term)
            if score < threshold or len(matched) < 2:
                continue
            lo = sum(tf[t] for t in low)
            hi = sum(tf[t] for t in high)
            direction = "toward_100" if hi > lo else "toward_0" if lo > hi else None
            confidence = 0.0 if direction is None else round(abs(hi - lo) / (hi + lo) * min(1.0, score / 10), 3)
            speakers = tuple(
                dict.fromkeys(
                    q.speaker_actor for q in quotes if q.sentence == sentence.index and q.speaker_actor
                )
            )
            named = tuple(
                dict.fromkeys(m.actor for m in mentions if sentence.start <= m.start < sentence.end)
            )
            links.append(IssueLink(
                issue=issue.id, start=sentence.start, end=sentence.end, sentence=sentence.index,
                score=round(score, 3), direction=direction, confidence=confidence,
                actors=speakers or named, matched=tuple(sorted(set(matched))),
            ))
    links.sort(key=lambda link: (link.issue, -link.score, link.start))
    return links


def evidence_id(document_id: str, kind: str, start: int, end: int) -> str:
    """A stable evidence id for a span: ``<document>.<kind>.<start>-<end>`` (an Identifier)."""
    doc = re.sub(r"[^A-Za-z0-9_.\-]", "-", document_id)[:48].strip("-.") or "doc"
    return f"{doc}.{kind[0]}{start}-{end}"


def link_evidence(document_id: str, text: str, link: IssueLink, *, rationale: str = "") -> Evidence:
    """An Evidence record (kind "claim") for an issue link."""
    return Evidence(
        id=evidence_id(document_id, "claim", link.start, link.end), document=document_id, start=link.start,
        end=link.end, kind="claim", actor=link.actors[0] if link.actors else None, issue=link.issue,
        direction=link.direction, rationale=rationale or f"matched: {', '.join(link.matched)}",
        text=text[link.start : link.end],
    )


def draft_stances(
    scenario: Scenario,
    evidence: Iterable[Evidence],
    *,
    min_evidence: int = 1,
) -> list[StanceSuggestion]:
    """Stance suggestions for a scenario's actors from evidence carrying an issue and a direction.

    Position: each "toward_100" record pulls toward the upper quarter of the scale,
    each "toward_0" toward the lower quarter; the suggestion is their mean, its range
    the spread (at least a quarter of the scale wide). Salience grows with the amount
    of evidence (a proxy an analyst should check). Confidence is the share of records
    agreeing with the majority direction.
    """
    by_key: dict[tuple[str, str], list[Evidence]] = {}
    actors = {a.id for a in scenario.actors}
    issues = {i.id: i for i in scenario.issues}
    for record in evidence:
        actor = record.actor or record.speaker
        if actor not in actors or record.issue not in issues or record.direction not in {"toward_0", "toward_100"}:
            continue
        by_key.setdefault((actor, record.issue), []).append(record)
    out: list[StanceSuggestion] = []
    for (actor, issue_id), records in sorted(by_key.items()):
        if len(records) < min_evidence:
            continue
        issue = issues[issue_id]
        span = issue.scale_max - issue.scale_min
        points = [
            issue.scale_min + span * (0.75 if r.direction == "toward_100" else 0.25) for r in records
        ]
        position = sum(points) / len(points)
        up = sum(1 for r in records if r.direction == "toward_100")
        agree = max(up, len(records) - up) / len(records)
        half = max(span / 8, (max(points) - min(points)) / 2)
        low = max(issue.scale_min, position - half)
        high = min(issue.scale_max, position + half)
        salience = min(100.0, 40.0 + 15.0 * math.log2(1 + len(records)))
        out.append(StanceSuggestion(
            actor=actor, issue=issue_id, position=round(position, 1), position_low=round(low, 1),
            position_high=round(high, 1), salience=round(salience, 1), confidence=round(agree, 2),
            evidence=tuple(records),
            note=f"{len(records)} evidence record(s), {up} toward {issue.scale_max:g}",
        ))
    return out
