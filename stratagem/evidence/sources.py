"""Finding the source documents that scenarios cite, and the words of a cited span.

Built-in scenarios cite documents by id and character offsets only; the words
are read from the documents at run time, so no third-party text is stored in
stratagem. Documents are looked up, in order, in the directories given by the
caller, in ``$STRATAGEM_DOCUMENTS`` (separated by ``os.pathsep``), and in
``../shared/seeds`` next to the working directory or the source checkout.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from stratagem.model.schema import Evidence

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]
_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")


def document_dirs(extra: Sequence[str | Path] = ()) -> list[Path]:
    """Existing directories that may hold cited documents, most specific first."""
    candidates = [Path(p) for p in extra]
    env = os.environ.get("STRATAGEM_DOCUMENTS", "")
    candidates += [Path(p) for p in env.split(os.pathsep) if p]
    candidates += [Path.cwd() / ".." / "shared" / "seeds", _PACKAGE_ROOT / ".." / "shared" / "seeds"]
    seen: set[Path] = set()
    found: list[Path] = []
    for c in candidates:
        resolved = c.resolve()
        if resolved.is_dir() and resolved not in seen:
            seen.add(resolved)
            found.append(resolved)
    return found


def find_document(document_id: str, extra: Sequence[str | Path] = ()) -> Path | None:
    """The file of a document id (the file name, or it without ``.txt``, ``.html``...), or None."""
    if not document_id or Path(document_id).name != document_id or document_id in (".", ".."):
        return None  # an id is a file name, never a path: cited ids cannot reach outside the folders
    for directory in document_dirs(extra):
        for name in (document_id, *(f"{document_id}{suffix}" for suffix in _SUFFIXES)):
            path = directory / name
            if path.is_file():
                return path
    return None


@lru_cache(maxsize=64)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def document_text(document_id: str, extra: Sequence[str | Path] = ()) -> str | None:
    """The full text of a document, decoded as UTF-8, or None when it is not available."""
    path = find_document(document_id, extra)
    return _read(path) if path is not None else None


def span_text(evidence: Evidence, extra: Sequence[str | Path] = ()) -> str | None:
    """The cited words: stored text if the record carries it, else read from the document.

    Resolved by :func:`stratagem.evidence.citations.resolve_citation` in the record's offset
    space; None when the document is not found or the citation does not match it.
    """
    from stratagem.evidence.citations import FolderTexts, resolve_citation  # imports this module

    citation = resolve_citation(evidence, [FolderTexts(extra)])
    return citation.words if citation.quoted else None
