"""Citations resolved to their words, and checked against the document they cite.

Every evidence record names the text its offsets index (``Evidence.offsets``):
"cleaned", the boilerplate-free text extraction reads (what the workspace stores
and ``stratagem evidence --json`` prints), or "source", the document as written.
:func:`resolve_citation` is the one place that turns a record into words: it
finds the named text of the document (through lookups: the workspace's stored
copy, a documents folder such as ``../shared/seeds``), slices it, and compares
what the offsets select with the words the record carries (or the words the
caller expects, e.g. those of the workspace record with the same id). ``show``,
``validate``, ``report``, the web app and :meth:`Workspace.span_text` all call it,
so a citation renders the same words everywhere and a mismatch is said, not
counted as quoted.

Words are compared with runs of whitespace folded to one space (scenario YAML
folds and strips text); anything else is a mismatch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from stratagem.evidence.errors import DocumentError
from stratagem.evidence.ingest import read_document
from stratagem.evidence.sources import find_document
from stratagem.model.schema import Evidence

CitationStatus = Literal["ok", "unchecked", "mismatch", "out-of-range", "markup", "missing"]

#: statuses that mean the citation is wrong as it stands (reported, never counted as quoted)
PROBLEMS: frozenset[str] = frozenset({"mismatch", "out-of-range", "markup"})

# document ids that may be looked up as file names: no separators, no "..", nothing hidden
_PLAIN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*$")


def plain_document_id(document_id: str) -> bool:
    """True for ids that are safe to look up as a file name (scenarios can come from untrusted uploads)."""
    return len(document_id) <= 200 and _PLAIN_ID.match(document_id) is not None


@dataclass(frozen=True)
class DocumentText:
    """One named text of a document, and where it was found."""

    document: str
    text: str
    offsets: str  # "cleaned" or "source"
    origin: str  # "workspace" or "file"
    media_type: str = "text/plain"


#: finds the named text ("cleaned" or "source") of a document id, or None
TextLookup = Callable[[str, str], DocumentText | None]


@dataclass(frozen=True)
class Citation:
    """An evidence record resolved against its document."""

    evidence: str
    document: str
    start: int
    end: int
    offsets: str
    status: CitationStatus
    words: str | None  # what to show: the record's words if it carries them, else what the offsets select
    found: str | None  # what the offsets select in the document now (None when it was not read)
    expected: str | None  # the words the record (or the caller) says the offsets select
    origin: str  # where the document text came from: "workspace", "file", or "" when not found
    hint: str = ""  # e.g. the words fit the other offset space

    @property
    def checked(self) -> bool:
        """True when the citation was compared with its document (words, or at least their place)."""
        return self.status in ("ok", "mismatch") or (self.status in PROBLEMS and self.expected is not None)

    @property
    def problem(self) -> bool:
        return self.status in PROBLEMS

    @property
    def quoted(self) -> bool:
        """Words can be shown and nothing says they are wrong."""
        return self.words is not None and not self.problem

    def describe(self) -> str:
        """One line naming the document, the record, and what was expected and found."""
        where = f"{self.document} {self.evidence} ({self.offsets} {self.start}-{self.end})"
        hint = f" ({self.hint})" if self.hint else ""
        if self.status == "mismatch":
            return f"{where}: expected “{_short(self.expected)}”, found “{_short(self.found)}”{hint}"
        if self.status == "out-of-range":
            return f"{where}: the offsets lie beyond the end of the document" + (
                f"; expected “{_short(self.expected)}”" if self.expected is not None else "") + hint
        if self.status == "markup":
            return f"{where}: source offsets into an HTML page select markup; cite its cleaned text"
        if self.status == "missing":
            return f"{where}: document not found"
        return f"{where}: “{_short(self.words)}”"


def _short(text: str | None, limit: int = 80) -> str:
    words = " ".join((text or "").split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def same_words(a: str, b: str) -> bool:
    """Equal once runs of whitespace are folded (YAML folds and strips the words it carries)."""
    return a.split() == b.split()


def resolve_citation(evidence: Evidence, lookups: Sequence[TextLookup], *,
                     expected: str | None = None) -> Citation:
    """The words ``evidence`` cites, read from the first lookup that has its document, and checked.

    ``expected`` is used when the record carries no words of its own (e.g. the words of the
    workspace record with the same id).
    """
    want = evidence.text if evidence.text is not None else expected
    doc: DocumentText | None = None
    for lookup in lookups:
        doc = lookup(evidence.document, evidence.offsets)
        if doc is not None:
            break

    def cite(status: CitationStatus, words: str | None, found: str | None = None, origin: str = "") -> Citation:
        hint = _other_space_hint(evidence, lookups, want) if status in ("mismatch", "out-of-range") else ""
        return Citation(evidence=evidence.id, document=evidence.document, start=evidence.start, end=evidence.end,
                        offsets=evidence.offsets, status=status, words=words, found=found, expected=want,
                        origin=origin, hint=hint)

    if doc is None:
        return cite("missing", want)
    if doc.offsets == "source" and doc.media_type == "text/html":
        return cite("markup", want, origin=doc.origin)
    if evidence.end > len(doc.text):
        return cite("out-of-range", want, origin=doc.origin)
    found = doc.text[evidence.start : evidence.end]
    if want is None:
        return cite("unchecked", found, found, doc.origin)
    if same_words(want, found):
        return cite("ok", want, found, doc.origin)
    return cite("mismatch", want, found, doc.origin)


def _other_space_hint(evidence: Evidence, lookups: Sequence[TextLookup], want: str | None) -> str:
    """Say so when the words sit at these offsets of the document's other text (a missing ``offsets:``)."""
    if want is None:
        return ""
    other = "source" if evidence.offsets == "cleaned" else "cleaned"
    for lookup in lookups:
        doc = lookup(evidence.document, other)
        if doc is not None:
            if doc.media_type == "text/html" and other == "source":
                return ""
            if evidence.end <= len(doc.text) and same_words(want, doc.text[evidence.start : evidence.end]):
                return f"the offsets fit the {other} text: say offsets: {other}"
            return ""
    return ""


def resolve_citations(records: Iterable[Evidence], lookups: Sequence[TextLookup], *,
                      expected: Mapping[str, str] | None = None) -> dict[str, Citation]:
    """:func:`resolve_citation` for many records, by evidence id (``expected`` by id)."""
    known = expected or {}
    return {ev.id: resolve_citation(ev, lookups, expected=known.get(ev.id)) for ev in records}


class FolderTexts:
    """A :data:`TextLookup` over documents folders (and ``$STRATAGEM_DOCUMENTS``, ``../shared/seeds``).

    The source text is the file decoded as UTF-8; the cleaned text is the file read
    through :func:`stratagem.evidence.ingest.read_document`, as ingesting it would
    store it. Both are cached per file (by size and modification time).
    """

    def __init__(self, dirs: Sequence[str | Path] = ()) -> None:
        self.dirs = list(dirs)
        self._cache: dict[tuple[str, str, int, int], DocumentText | None] = {}

    def __call__(self, document_id: str, offsets: str) -> DocumentText | None:
        if not plain_document_id(document_id):
            return None  # a path-like id is never opened as a file
        path = find_document(document_id, self.dirs)
        if path is None:
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (str(path), offsets, stat.st_size, stat.st_mtime_ns)
        if key not in self._cache:
            self._cache[key] = self._read(document_id, path, offsets)
        return self._cache[key]

    @staticmethod
    def _read(document_id: str, path: Path, offsets: str) -> DocumentText | None:
        html = path.suffix.lower() in (".html", ".htm", ".xhtml")
        if offsets == "source":
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
            return DocumentText(document_id, text, "source", "file", "text/html" if html else "text/plain")
        try:
            doc = read_document(path, document_id=document_id)
        except DocumentError:
            return None
        return DocumentText(document_id, doc.cleaned, "cleaned", "file", doc.media_type)
