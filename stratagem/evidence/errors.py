"""Errors of the evidence layer: one line, naming the file and the reason."""

from __future__ import annotations

from pathlib import Path

from stratagem.model.errors import StratagemError


class EvidenceError(StratagemError):
    """A document or gazetteer that cannot be used."""

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.reason = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class DocumentError(EvidenceError):
    """A document that cannot be read as text or HTML."""


class BinaryDocumentError(DocumentError):
    """A PDF, image, archive or other binary file."""


class EmptyDocumentError(DocumentError):
    """An empty file, or one with no article text left after cleaning."""


class DocumentTooLargeError(DocumentError):
    """A file above the documented size limit."""


class EncodingError(DocumentError):
    """Bytes that decode in no plausible text encoding."""


class GazetteerError(EvidenceError):
    """A gazetteer YAML file that is malformed."""
