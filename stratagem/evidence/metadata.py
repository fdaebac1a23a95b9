"""Per-document metadata an analyst supplies: manifests at ingest, corrections later.

A manifest is a CSV file (header ``path,date,title,url,publisher``; only ``path`` is
required) or a YAML list of mappings with the same keys. ``path`` is the document's
file, relative to the manifest's folder or absolute. A value given here is the
analyst's word and wins over what the document says: a manifest ``date`` replaces
the date found in the page's metadata or dateline (``date_source`` "manifest"), and
the date is set before extraction, so events are dated against it.

:func:`apply_metadata` applies such values to a read document;
``stratagem document set`` uses it with ``date_source`` "corrected".
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from stratagem.evidence.errors import EvidenceError
from stratagem.evidence.gazetteer import Gazetteer
from stratagem.evidence.records import IngestedDocument
from stratagem.model.files import read_bytes
from stratagem.model.schema import Scenario

MANIFEST_FIELDS = ("path", "date", "title", "url", "publisher")


class ManifestError(EvidenceError):
    """A manifest that cannot be used, naming the file and the line."""

    def __init__(self, message: str, *, path: str | Path, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(message, path=where)


@dataclass(frozen=True)
class DocumentMeta:
    """Values an analyst gives for one document; None leaves the document's own value."""

    date: dt.date | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    date_source: str = "manifest"  # recorded as the document's date_source when ``date`` is set

    def merged(self, newer: DocumentMeta | None) -> DocumentMeta:
        """These values, with those ``newer`` gives replacing them."""
        if newer is None:
            return self
        return DocumentMeta(
            date=newer.date if newer.date is not None else self.date,
            title=newer.title if newer.title is not None else self.title,
            url=newer.url if newer.url is not None else self.url,
            publisher=newer.publisher if newer.publisher is not None else self.publisher,
            date_source=newer.date_source if newer.date is not None else self.date_source,
        )

    def to_json(self) -> dict[str, str]:
        out = {k: v for k, v in (("title", self.title), ("url", self.url), ("publisher", self.publisher))
               if v is not None}
        if self.date is not None:
            out["date"] = self.date.isoformat()
            out["date_source"] = self.date_source
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DocumentMeta:
        date = data.get("date")
        return cls(date=dt.date.fromisoformat(str(date)) if date else None,
                   title=_opt(data.get("title")), url=_opt(data.get("url")), publisher=_opt(data.get("publisher")),
                   date_source=str(data.get("date_source") or "manifest"))

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.date, self.title, self.url, self.publisher))


def _opt(value: object) -> str | None:
    return None if value is None else " ".join(str(value).split())


def apply_metadata(document: IngestedDocument, meta: DocumentMeta | None) -> IngestedDocument:
    """The document with the analyst's values; a given date replaces the found one (``meta.date_source``)."""
    if not meta:
        return document
    changes: dict[str, Any] = {}
    if meta.date is not None:
        changes.update(date=meta.date, date_source=meta.date_source)
    if meta.title is not None:
        changes["title"] = meta.title
    if meta.url is not None:
        changes["url"] = meta.url
    return dataclasses.replace(document, **changes)


def parse_date(value: object, *, path: str | Path, line: int | None, field: str = "date") -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ManifestError(f"{field}: '{value}' is not a date (YYYY-MM-DD)", path=path, line=line) from None


def _entry(row: Mapping[str, Any], *, path: Path, line: int | None) -> tuple[Path, DocumentMeta]:
    unknown = sorted(str(k) for k in row if k not in MANIFEST_FIELDS)
    if unknown:
        raise ManifestError(f"unknown column '{unknown[0]}' (expected {', '.join(MANIFEST_FIELDS)})",
                            path=path, line=line)
    name = str(row.get("path") or "").strip()
    if not name:
        raise ManifestError("path: missing (each entry names a document file)", path=path, line=line)
    target = Path(name) if Path(name).is_absolute() else path.parent / name
    if not target.is_file():
        raise ManifestError(f"path: no such file '{name}'", path=path, line=line)
    meta = DocumentMeta(
        date=parse_date(row.get("date"), path=path, line=line),
        title=_opt(row.get("title")) or None, url=_opt(row.get("url")) or None,
        publisher=_opt(row.get("publisher")) or None,
    )
    return target.resolve(), meta


def read_manifest(path: str | Path) -> dict[Path, DocumentMeta]:
    """Metadata by resolved document path, from a CSV or YAML manifest (one-line ManifestError otherwise)."""
    p = Path(path)
    if not p.exists() and not p.is_symlink():
        raise ManifestError("no such manifest file", path=p)
    try:
        text = read_bytes(p, error=ManifestError).decode("utf-8-sig")  # regular files only, bounded
    except UnicodeDecodeError as exc:
        raise ManifestError(f"cannot read the manifest: {exc}", path=p) from None
    out: dict[Path, DocumentMeta] = {}

    def add(target: Path, meta: DocumentMeta, line: int | None) -> None:
        if target in out:
            raise ManifestError(f"path: '{target.name}' is listed twice", path=p, line=line)
        out[target] = meta

    if p.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ManifestError("not valid YAML", path=p, line=mark.line + 1 if mark else None) from None
        if not isinstance(data, list):
            raise ManifestError("a YAML manifest is a list of entries (path, date, title, url, publisher)", path=p)
        for n, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                raise ManifestError(f"entry {n} is not a mapping", path=p)
            target, meta = _entry(item, path=p, line=None)
            add(target, meta, None)
        return out
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ManifestError("empty manifest", path=p) from None
    if "path" not in header:
        raise ManifestError(f"the header has no 'path' column (expected {', '.join(MANIFEST_FIELDS)})",
                            path=p, line=1)
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ManifestError(f"{len(row)} fields where the header has {len(header)}", path=p, line=line)
        target, meta = _entry(dict(zip(header, row, strict=True)), path=p, line=line)
        add(target, meta, line)
    return out


def extraction_options(gazetteer: Gazetteer, scenario: Scenario | None, supplied_date: dt.date | None) -> str:
    """A fingerprint of what an extraction depends on besides the bytes: the effective gazetteer,
    the scenario's issues (for issue links) and the date supplied for undated documents.

    The workspace stores it with each document, so re-ingesting with other options re-extracts.
    """
    actors = sorted((a.id, a.name, a.kind, a.aliases, a.demonyms, a.local_aliases, a.context)
                    for a in gazetteer.actors.values())
    issues = [i.model_dump(mode="json") for i in scenario.issues] if scenario is not None else None
    payload = json.dumps({"actors": actors, "block": list(gazetteer.block), "issues": issues,
                          "date": supplied_date.isoformat() if supplied_date else None}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
