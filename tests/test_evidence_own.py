"""Generalisation: the extractor on texts written for stratagem in three styles, scored on hand labels.

The texts (tests/data/evidence_own/) are a scraped news report, a think-tank analysis and a wire
story, written and labelled (tests/data/evidence_own.yaml) before the extractor ran on them. They are
not the seeds the rules were tuned on, so these figures are the fairer estimate; they are reported
apart from the seed scores (docs/evidence.md). Run ``.venv/bin/python tests/test_evidence_own.py``
to print them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from stratagem.evidence.extract import extract
from stratagem.evidence.ingest import read_document

DATA = Path(__file__).parent / "data"


def _gold() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / "evidence_own.yaml").read_text(encoding="utf-8"))
    return data["documents"]


def _spans(text: str, surfaces: list[str]) -> list[tuple[int, int]]:
    """Each surface found in order, each after the previous one's start."""
    out: list[tuple[int, int]] = []
    at = 0
    for surface in surfaces:
        i = text.find(surface, at)
        assert i >= 0, f"gold surface {surface!r} not found in the cleaned text after offset {at}"
        out.append((i, i + len(surface)))
        at = i + 1
    return out


def _match(pred: list[tuple[Any, ...]], gold: list[tuple[Any, ...]]) -> int:
    used: set[int] = set()
    hits = 0
    for a, b, *labels in pred:
        for k, (ga, gb, *glabels) in enumerate(gold):
            if k not in used and a < gb and ga < b and all(
                str(x) in str(g).split("|") for x, g in zip(labels, glabels, strict=False)
            ):
                used.add(k)
                hits += 1
                break
    return hits


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


KEYS = ("mentions", "quotes", "events", "events+actor", "events+actor+action", "boilerplate", "dates")


def scores(style: str | None = None) -> dict[str, tuple[float, float, float]]:
    totals = {k: [0, 0, 0] for k in KEYS}
    for name, gold in _gold().items():
        if style is not None and name != style:
            continue
        doc = read_document(DATA / "evidence_own" / f"{name}.txt")
        ex = extract(doc)
        text = doc.cleaned
        gm = [(*s, g[1]) for s, g in zip(_spans(text, [g[0] for g in gold["mentions"]]), gold["mentions"],
                                         strict=True)]
        pm = [(m.start, m.end, m.actor) for m in ex.mentions]
        gq = [(*s, g[1]) for s, g in zip(_spans(text, [g[0] for g in gold["quotes"]]), gold["quotes"], strict=True)]
        # gold quotes are the words in quotation marks: direct quotes and mixed quotes' quoted parts
        pq = [(a, b, q.speaker_actor or "unresolved") for q in ex.quotes for a, b in q.quotation_spans()]
        ge = [(*s, *g[1:]) for s, g in zip(_spans(text, [g[0] for g in gold["events"]]), gold["events"], strict=True)]
        pe = [(e.date_start, e.date_end, e.date, e.actor_id or "unknown", e.action) for e in ex.events]
        rows = (("mentions", pm, gm), ("quotes", pq, gq), ("events", [r[:3] for r in pe], [r[:3] for r in ge]),
                ("events+actor", [r[:4] for r in pe], [r[:4] for r in ge]), ("events+actor+action", pe, ge))
        for key, pred, gl in rows:
            totals[key][0] += _match(pred, gl)
            totals[key][1] += len(pred)
            totals[key][2] += len(gl)
        removed = {r.text.strip() for r in doc.removed}
        want = {str(x) for x in gold["removed"]}
        totals["boilerplate"][0] += len(removed & want)
        totals["boilerplate"][1] += len(removed)
        totals["boilerplate"][2] += len(want)
        found = doc.date.isoformat() if doc.date else None
        totals["dates"][0] += int(found == gold["date"])
        totals["dates"][1] += int(found is not None)
        totals["dates"][2] += 1
    return {k: _prf(*v) for k, v in totals.items()}


@pytest.fixture(scope="module")
def figures() -> dict[str, tuple[float, float, float]]:
    return scores()


# Floors below guard the figures measured when the texts were first run (docs/evidence.md); the
# known failures are spelled out as strict xfail tests, so fixing one makes its test fail as a reminder.


def test_no_article_line_is_removed(figures: dict[str, tuple[float, float, float]]) -> None:
    assert figures["boilerplate"][0] == 1.0, f"boilerplate precision {figures['boilerplate'][0]:.2f}"


def test_publication_dates_are_found_in_all_three_styles(figures: dict[str, tuple[float, float, float]]) -> None:
    assert figures["dates"][:2] == (1.0, 1.0)


def test_actor_mentions(figures: dict[str, tuple[float, float, float]]) -> None:
    p, r, _ = figures["mentions"]
    assert p >= 0.90 and r >= 0.90, f"mentions precision {p:.3f} recall {r:.3f}"


def test_quotes_with_speakers(figures: dict[str, tuple[float, float, float]]) -> None:
    assert figures["quotes"][0] >= 0.75 and figures["quotes"][1] >= 0.40, figures["quotes"]


def test_dated_events(figures: dict[str, tuple[float, float, float]]) -> None:
    p, r, _ = figures["events"]
    assert p >= 0.80 and r >= 0.80, f"events precision {p:.3f} recall {r:.3f}"


def _doc(name: str) -> Any:
    return read_document(DATA / "evidence_own" / f"{name}.txt")


def test_statement_quote_in_straight_quotes_resolves_to_the_group() -> None:
    """'"...," the statement said' after 'The group vowed revenge in a statement' (once a known gap)."""
    quotes = [q for q in extract(_doc("news_report")).quotes if q.direct]
    assert any(q.text.startswith("The occupiers") and q.speaker_actor == "kataib_hezbollah" for q in quotes)


@pytest.mark.xfail(strict=True, reason="known gap: a quotation continuing the previous speaker without a verb")
def test_gap_quote_continuing_the_last_speaker() -> None:
    assert any(q.text.startswith("Our forces") for q in extract(_doc("news_report")).quotes)


@pytest.mark.xfail(strict=True, reason="known gap: wire credit lines and author bios are kept as article text")
def test_gap_credit_line_and_author_bio() -> None:
    removed = {r.text for r in _doc("wire_story").removed} | {r.text for r in _doc("analysis").removed}
    assert "(Reporting by Staff; Editing by Desk)" in removed
    assert any(t.startswith("The author is a fellow") for t in removed)


def test_same_day_weekday_is_the_document_day() -> None:
    """'on Tuesday' in a past-tense story dated Tuesday is that Tuesday (once a week early)."""
    events = extract(_doc("wire_story")).events
    assert "2024-02-20" in {e.date for e in events}
    assert "2024-02-13" not in {e.date for e in events}


def test_event_verbs_before_the_date_and_datelines() -> None:
    """'summoned ... on Tuesday after a strike' is the summons, 'threatened on Monday to resume attacks' the
    threat; the dateline's city is never the actor."""
    events = extract(_doc("wire_story")).events
    actions = {(e.date, e.action, e.actor_id) for e in events}
    assert ("2024-02-19", "THREATEN", "nujaba") in actions
    assert ("2024-02-20", "DISAPPROVE", "iraq") in actions
    assert all(e.actor is None or e.actor_id is not None for e in events)


if __name__ == "__main__":
    for style in (None, *_gold()):
        print(f"-- {style or 'all three'}")
        for key, (p, r, f) in scores(style).items():
            print(f"{key:20s} precision {p:.3f} recall {r:.3f} F1 {f:.3f}")
