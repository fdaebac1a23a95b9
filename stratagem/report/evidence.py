"""The words behind each number: a scenario's evidence records resolved to cited text.

Words come, in order, from the record itself (workspace evidence carries its text),
from the workspace's stored copy of the cited document, or from the document files
that :func:`stratagem.evidence.sources.span_text` finds (``$STRATAGEM_DOCUMENTS``,
``../shared/seeds``). Scenario offsets point into the document as written, so the
workspace copy used is the stored source text, not the boilerplate-free one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from stratagem.evidence.sources import span_text
from stratagem.model.schema import Evidence, Scenario
from stratagem.store.workspace import Workspace

# document ids that may be looked up as file names: no separators, no "..", nothing hidden
_PLAIN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*$")


def plain_document_id(document_id: str) -> bool:
    """True for ids that are safe to look up as a file name (scenarios can come from untrusted uploads)."""
    return len(document_id) <= 200 and _PLAIN_ID.match(document_id) is not None


@dataclass(frozen=True)
class CitedEvidence:
    """One evidence record with its words (None when the document is not available)."""

    id: str
    kind: str
    document: str
    document_title: str
    publisher: str
    date: dt.date | None
    speaker: str
    start: int
    end: int
    rationale: str
    words: str | None
    source: str  # "record", "workspace", "file" or "" when not found

    @property
    def quote(self) -> str:
        return " ".join((self.words or "").split())


def _source_text(workspace: Workspace, document_id: str, cache: dict[str, str | None]) -> str | None:
    if document_id not in cache:
        raw = workspace.raw_bytes(document_id)
        text: str | None = None
        if raw is not None:
            try:
                text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
            except UnicodeDecodeError:
                doc = workspace.document(document_id)
                text = doc.cleaned if doc is not None else None
        cache[document_id] = text
    return cache[document_id]


def resolve_evidence(
    scenario: Scenario,
    *,
    workspace: Workspace | None = None,
    documents: Sequence[str | Path] = (),
) -> dict[str, CitedEvidence]:
    """Every evidence record of ``scenario`` by id, with its cited words where they can be found."""
    meta = {d.id: d for d in scenario.documents}
    cache: dict[str, str | None] = {}
    out: dict[str, CitedEvidence] = {}
    for ev in scenario.evidence:
        words, source = _words(ev, workspace, documents, cache)
        doc = meta.get(ev.document)
        stored = workspace.document(ev.document) if workspace is not None else None
        title = " ".join((doc.title if doc and doc.title else (stored.title if stored else "")).split())
        date = ev.date or (doc.date if doc else None) or (stored.date if stored else None)
        out[ev.id] = CitedEvidence(
            id=ev.id, kind=ev.kind, document=ev.document, document_title=title,
            publisher=doc.publisher if doc else "", date=date, speaker=ev.speaker or ev.actor or "",
            start=ev.start, end=ev.end, rationale=ev.rationale, words=words, source=source,
        )
    return out


def _words(ev: Evidence, workspace: Workspace | None, documents: Sequence[str | Path],
           cache: dict[str, str | None]) -> tuple[str | None, str]:
    if ev.text is not None:
        return ev.text, "record"
    if workspace is not None:
        text = _source_text(workspace, ev.document, cache)
        if text is not None and ev.end <= len(text):
            return text[ev.start:ev.end], "workspace"
    if not plain_document_id(ev.document):
        return None, ""
    words = span_text(ev, documents)
    return (words, "file") if words is not None else (None, "")
