"""One call from a cleaned document to actors, quotes, events and issue links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from stratagem.evidence.actors import entity_at, extract_actors
from stratagem.evidence.events import extract_events
from stratagem.evidence.gazetteer import Gazetteer, default_gazetteer, load_gazetteer
from stratagem.evidence.ingest import read_document
from stratagem.evidence.issues import evidence_id, link_evidence, link_issues
from stratagem.evidence.pubdate import ESTIMATED_SOURCES
from stratagem.evidence.quotes import extract_quotes
from stratagem.evidence.records import Extraction, IngestedDocument, IssueLink
from stratagem.evidence.sentences import split_sentences
from stratagem.model.schema import Evidence, Issue, Scenario


def extract(
    document: IngestedDocument | str,
    *,
    gazetteer: Gazetteer | None = None,
    document_id: str | None = None,
    document_date: dt.date | None = None,
) -> Extraction:
    """Sentences, actor mentions, quotes and dated events of a document (or of a cleaned text).

    ``document_date`` overrides the document's own date; a date the document only
    estimated (``date_source == "text-latest"``) resolves yearless dates more cautiously.
    """
    gaz = gazetteer or default_gazetteer()
    estimated = False
    if isinstance(document, IngestedDocument):
        text = document.cleaned
        doc_id = document_id or document.id
        date = document_date or document.date
        estimated = document_date is None and document.date_source in ESTIMATED_SOURCES
    else:
        text, doc_id, date = document, document_id or "", document_date
    sentences = split_sentences(text)
    entities, mentions = extract_actors(text, sentences, gaz)

    def entity_actor(start: int, end: int) -> tuple[str, str | None] | None:
        entity = entity_at(entities, start, end)
        if entity is None:
            return None
        if entity.gazetteer_id is not None:
            return gaz.name_of(entity.gazetteer_id), entity.gazetteer_id
        return entity.name, None

    quotes = extract_quotes(text, sentences, mentions, gaz, entities=entities)
    events = extract_events(text, sentences, mentions, gaz, document_date=date, date_estimated=estimated,
                            entity_actor=entity_actor)
    # gazetteer names and the names of entities the gazetteer does not know, in order of first mention
    named = [(m.start, m.name) for m in mentions]
    named += [(e.mentions[0][0], e.name) for e in entities if e.gazetteer_id is None]
    actors = tuple(dict.fromkeys(name for _, name in sorted(named)))
    return Extraction(document=doc_id, sentences=tuple(sentences), mentions=tuple(mentions),
                      quotes=tuple(quotes), events=tuple(events), actors=actors,
                      entities=tuple(entities))


def extract_file(
    path: str | Path,
    *,
    gazetteer_files: Sequence[str | Path] = (),
    scenario: Scenario | None = None,
    document_date: dt.date | None = None,
) -> tuple[IngestedDocument, Extraction]:
    """Read, clean and extract one file (what ``stratagem extract FILE --json`` needs).

    ``document_date`` is used only when the document's metadata or dateline gives no date.
    """
    document = read_document(path, supplied_date=document_date)
    gaz = load_gazetteer(gazetteer_files, scenario) if (gazetteer_files or scenario) else default_gazetteer()
    return document, extract(document, gazetteer=gaz)


def issue_links(
    extraction: Extraction,
    issues: Iterable[Issue],
    *,
    keywords: Mapping[str, Sequence[str]] | None = None,
) -> list[IssueLink]:
    """Issue links for an extraction's sentences."""
    return link_issues(extraction.sentences, list(issues), mentions=extraction.mentions,
                       quotes=extraction.quotes, keywords=keywords)


def document_evidence(
    document: IngestedDocument, *, gazetteer: Gazetteer, scenario: Scenario | None = None
) -> list[Evidence]:
    """The one ingestion pipeline after reading: extract, link to the scenario's issues, make records.

    The batch reader, the workspace and the web upload all call this, so a document gives the same
    evidence however it arrived.
    """
    extraction = extract(document, gazetteer=gazetteer)
    links = issue_links(extraction, scenario.issues) if scenario is not None else []
    return evidence_records(extraction, document.cleaned, links)


def evidence_records(
    extraction: Extraction, text: str, links: Iterable[IssueLink] = ()
) -> list[Evidence]:
    """Evidence records (the scenario schema's type) for quotes, events and issue links."""
    out: dict[str, Evidence] = {}
    doc = extraction.document or "doc"
    for q in extraction.quotes:
        eid = evidence_id(doc, "quote", q.start, q.end)
        guessed = f"; speaker not attributed, nearest person: {q.speaker}" if q.speaker_basis else ""
        out[eid] = Evidence(id=eid, document=doc, start=q.start, end=q.end, kind="quote",
                            actor=q.speaker_actor, speaker=None if guessed else q.speaker, text=text[q.start:q.end],
                            rationale=q.kind + (f" ({q.cue})" if q.cue else "") + guessed)
    for e in extraction.events:
        eid = evidence_id(doc, "event", e.start, e.end)
        if eid in out:
            continue
        date = dt.date.fromisoformat(e.date) if len(e.date) == 10 else None
        out[eid] = Evidence(id=eid, document=doc, start=e.start, end=e.end, kind="event", actor=e.actor_id,
                            date=date, text=text[e.start:e.end],
                            rationale=f"{e.action} ({e.verb}) on {e.date}" + (f" against {e.target}" if e.target else ""))
    for link in links:
        record = link_evidence(doc, text, link)
        record = record.model_copy(update={"id": f"{record.id}.{link.issue}"[:80]})
        out[record.id] = record
    return list(out.values())
