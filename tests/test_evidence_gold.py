"""Scores of the evidence layer against hand-made gold annotations of the five seed analyses.

The gold (tests/data/evidence_gold.yaml) holds offsets into the seed files and labels only; the
seeds are read at run time from the directories of stratagem.evidence.sources.document_dirs()
and the tests skip when they are absent. These are the documents the rules were tuned on, so the
figures are optimistic; test_evidence_extract.py checks the same rules on text written for it.

Run ``.venv/bin/python tests/test_evidence_gold.py`` to print the figures.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from stratagem.evidence.extract import extract
from stratagem.evidence.ingest import read_document
from stratagem.evidence.records import IngestedDocument
from stratagem.evidence.sources import document_dirs

GOLD_PATH = Path(__file__).parent / "data" / "evidence_gold.yaml"


def _gold() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(GOLD_PATH.read_text(encoding="utf-8"))
    return data


def _seed(name: str) -> Path | None:
    for directory in document_dirs():
        path = directory / name
        if path.is_file():
            return path
    return None


def _documents() -> list[tuple[str, dict[str, Any], IngestedDocument]]:
    out = []
    for doc_id, entry in _gold()["documents"].items():
        path = _seed(entry["file"])
        if path is None:
            pytest.skip(f"seed documents not found (looked in {document_dirs()} for {entry['file']}); "
                        "set STRATAGEM_DOCUMENTS to the seeds directory")
        out.append((doc_id, entry, read_document(path)))
    return out


def _raw(doc: IngestedDocument, start: int, end: int) -> tuple[int, int]:
    a, b = doc.source_offset(start), doc.source_offset(end, end=True)
    assert a is not None and b is not None
    return a, b


def _match(pred: list[tuple[Any, ...]], gold: list[tuple[Any, ...]]) -> int:
    """One-to-one matches: overlapping spans with equal labels ('a|b' in gold accepts either).

    Tuples are (start, end, label, ...); every label field must match.
    """
    used: set[int] = set()
    hits = 0
    for a, b, *labels in pred:
        for k, (ga, gb, *glabels) in enumerate(gold):
            if k in used or not (a < gb and ga < b):
                continue
            if all(str(lab) in str(glab).split("|") for lab, glab in zip(labels, glabels, strict=False)):
                used.add(k)
                hits += 1
                break
    return hits


def _cut(rows: list[tuple[Any, ...]], n: int) -> list[tuple[Any, ...]]:
    return [r[:n] for r in rows]


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def scores(*, with_document_dates: bool = True) -> dict[str, tuple[float, float, float]]:
    totals = {k: [0, 0, 0] for k in ("mentions", "quotes", "events", "events+actor", "events+actor+action",
                                      "boilerplate")}
    lost_article_lines = 0
    for _doc_id, entry, doc in _documents():
        date = None
        if with_document_dates and entry.get("document_date") and doc.date is None:
            date = dt.date.fromisoformat(entry["document_date"])
        ex = extract(doc, document_date=date)
        pm = [(*_raw(doc, m.start, m.end), m.actor) for m in ex.mentions]
        gm = [tuple(x) for x in entry["mentions"]]
        # the seeds' gold quotes are the words in quotation marks: direct quotes and mixed quotes' quoted parts
        pq = [(*_raw(doc, a, b), q.speaker_actor or "unresolved") for q in ex.quotes for a, b in q.quotation_spans()]
        gq = [tuple(x) for x in entry["quotes"]]
        pe = [(*_raw(doc, e.date_start, e.date_end), e.date, e.actor_id or "unknown", e.action) for e in ex.events]
        ge = [tuple(x) for x in entry["events"]]
        for key, pred, gold in (("mentions", pm, gm), ("quotes", pq, gq), ("events", _cut(pe, 3), _cut(ge, 3)),
                                ("events+actor", _cut(pe, 4), _cut(ge, 4)), ("events+actor+action", pe, ge)):
            totals[key][0] += _match(pred, gold)  # type: ignore[arg-type]
            totals[key][1] += len(pred)
            totals[key][2] += len(gold)
        # boilerplate: removed lines vs. non-blank lines outside the article ranges
        lines = doc.text.split("\n")
        article = {n for a, b in entry["article_lines"] for n in range(a, b + 1) if lines[n - 1].strip()}
        boiler = {n for n in range(1, len(lines) + 1) if lines[n - 1].strip() and n not in article}
        removed = {r.line for r in doc.removed}
        totals["boilerplate"][0] += len(removed & boiler)
        totals["boilerplate"][1] += len(removed)
        totals["boilerplate"][2] += len(boiler)
        lost_article_lines += len(removed & article)
    out = {k: _prf(*v) for k, v in totals.items()}
    out["lost_article_lines"] = (float(lost_article_lines), 0.0, 0.0)
    return out


@pytest.fixture(scope="module")
def figures() -> dict[str, tuple[float, float, float]]:
    return scores()


def test_actor_mentions_precision_and_recall(figures: dict[str, tuple[float, float, float]]) -> None:
    p, r, _ = figures["mentions"]
    assert p >= 0.95, f"actor mention precision {p:.3f}"
    assert r >= 0.90, f"actor mention recall {r:.3f}"


def test_quote_speaker_and_span_f1(figures: dict[str, tuple[float, float, float]]) -> None:
    _, _, f = figures["quotes"]
    assert f >= 0.85, f"quote speaker+span F1 {f:.3f}"


def test_dated_events_precision_and_recall(figures: dict[str, tuple[float, float, float]]) -> None:
    p, r, _ = figures["events"]
    assert p >= 0.80, f"dated event precision {p:.3f}"
    assert r >= 0.80, f"dated event recall {r:.3f}"


def test_boilerplate_removed_without_losing_article_lines(figures: dict[str, tuple[float, float, float]]) -> None:
    assert figures["lost_article_lines"][0] == 0, "an article line was removed as boilerplate"
    p, r, _ = figures["boilerplate"]
    assert p == 1.0 and r >= 0.95, f"boilerplate precision {p:.3f} recall {r:.3f}"


def test_events_without_supplied_dates_only_lose_recall() -> None:
    """Without annotator-supplied dates (dates found by stratagem.evidence.pubdate only), undated
    seeds give fewer events, not wrong ones. Three of the five seeds carry no publication date and no
    full date anywhere in their article text, so their day-month dates cannot be given a year."""
    p, r, _ = scores(with_document_dates=False)["events"]
    assert p >= 0.80, f"dated event precision without document dates {p:.3f}"
    assert r < scores()["events"][1]


def test_event_actors_and_actions(figures: dict[str, tuple[float, float, float]]) -> None:
    """Events scored on (date, actor) and on (date, actor, PLOVER action), not the date alone.

    The issue sets no target for these; the floors guard against regressions (measured: 0.74/0.78
    with actors, 0.55/0.58 with actors and actions; see docs/evidence.md).
    """
    p, r, _ = figures["events+actor"]
    assert p >= 0.65 and r >= 0.65, f"events with actor: precision {p:.3f} recall {r:.3f}"
    p, r, _ = figures["events+actor+action"]
    assert p >= 0.45 and r >= 0.45, f"events with actor and action: precision {p:.3f} recall {r:.3f}"


if __name__ == "__main__":
    for label, kw in (("with annotator document dates", True), ("text only", False)):
        print(f"-- {label}")
        for key, (p, r, f) in scores(with_document_dates=kw).items():
            if key == "lost_article_lines":
                print(f"{key:12s} {int(p)}")
            else:
                print(f"{key:12s} precision {p:.3f} recall {r:.3f} F1 {f:.3f}")
