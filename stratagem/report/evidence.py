"""The words behind each number: a scenario's evidence records resolved to cited text.

Every record is resolved by :func:`stratagem.evidence.citations.resolve_citation` in the
offset space it names (``offsets: cleaned`` or ``source``): first against the workspace's
stored copy of the cited document, then against the document files found in the
``documents`` folders, ``$STRATAGEM_DOCUMENTS`` and ``../shared/seeds``. The words a
record carries (or, for a record without words, those of the workspace record with the
same id) are checked against what its offsets select; a mismatch is kept on the record
(``status``) so the report, the web app and the CLI say so instead of quoting it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from stratagem.evidence.citations import (
    Citation,
    FolderTexts,
    TextLookup,
    plain_document_id,
    resolve_citation,
)
from stratagem.model.schema import Scenario

if TYPE_CHECKING:  # a workspace is passed in by those that opened one (importing it loads the extractor)
    from stratagem.store.workspace import Workspace

__all__ = ["CitedEvidence", "plain_document_id", "resolve_evidence"]


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
    offsets: str = "cleaned"
    status: str = "unchecked"  # see stratagem.evidence.citations.CitationStatus
    found: str | None = None  # what the offsets select now, when it differs from ``words``
    problem: str = ""  # one line saying what is wrong, for a citation that does not match
    date_guessed: bool = False  # the date is the document's "text-latest" estimate

    @property
    def quote(self) -> str:
        return " ".join((self.words or "").split())

    @property
    def quoted(self) -> bool:
        return self.words is not None and not self.problem

    @property
    def checked(self) -> bool:
        """The carried words were compared with the document (or the offsets lie outside it)."""
        return self.status in ("ok", "mismatch") or bool(self.problem)

    @property
    def found_quote(self) -> str:
        return " ".join((self.found or "").split())


def lookups_for(workspace: Workspace | None, documents: Sequence[str | Path] = ()) -> list[TextLookup]:
    """Where citations are resolved, in order: the workspace, then document folders."""
    found: list[TextLookup] = [workspace.document_text] if workspace is not None else []
    return [*found, FolderTexts(documents)]


def resolve_evidence(
    scenario: Scenario,
    *,
    workspace: Workspace | None = None,
    documents: Sequence[str | Path] = (),
) -> dict[str, CitedEvidence]:
    """Every evidence record of ``scenario`` by id, with its cited words where they can be found."""
    meta = {d.id: d for d in scenario.documents}
    lookups = lookups_for(workspace, documents)
    stored_words: dict[str, dict[str, str | None]] = {}
    out: dict[str, CitedEvidence] = {}
    for ev in scenario.evidence:
        expected = None
        if workspace is not None and ev.text is None and ev.offsets == "cleaned":
            if ev.document not in stored_words:
                stored_words[ev.document] = {r.id: r.text for r in workspace.evidence(document=ev.document)}
            expected = stored_words[ev.document].get(ev.id)
        citation = resolve_citation(ev, lookups, expected=expected)
        doc = meta.get(ev.document)
        stored = workspace.document(ev.document) if workspace is not None else None
        title = " ".join((doc.title if doc and doc.title else (stored.title if stored else "")).split())
        date = ev.date or (doc.date if doc else None) or (stored.date if stored else None)
        guessed = ev.date is None and not (doc and doc.date) and stored is not None and stored.date_guessed
        out[ev.id] = CitedEvidence(
            id=ev.id, kind=ev.kind, document=ev.document, document_title=title,
            publisher=(doc.publisher if doc and doc.publisher else (stored.publisher if stored else "")), date=date, speaker=ev.speaker or ev.actor or "",
            start=ev.start, end=ev.end, rationale=ev.rationale, words=citation.words,
            source=_source(citation, ev.text is not None), offsets=ev.offsets, status=citation.status,
            found=citation.found if citation.status == "mismatch" else None,
            problem=citation.describe() if citation.problem else "", date_guessed=guessed,
        )
    return out


def _source(citation: Citation, carries_words: bool) -> str:
    if carries_words:
        return "record"
    return citation.origin if citation.words is not None else ""
