"""Reading documents: files or directories of HTML and scraped plain text.

* Binary files (PDF, images, archives, anything with NUL bytes) are refused with
  a one-line :class:`BinaryDocumentError`; files above :data:`MAX_DOCUMENT_BYTES`
  with :class:`DocumentTooLargeError`; empty files with :class:`EmptyDocumentError`.
* Bytes are decoded as UTF-8 when they are valid UTF-8, else with the encoding
  charset-normalizer finds; bytes that decode in no plausible encoding raise
  :class:`EncodingError`, and so do files with valid UTF-8 sequences next to
  invalid bytes (corrupted UTF-8: any other decoding would garble the text).
* HTML goes through trafilatura (a maintained article extractor). The HTML is
  parsed as data only: scripts, styles and event handlers are dropped, nothing
  is executed or fetched, and the cleaned text is plain text (anything that
  looks like markup in it is literal text and must be escaped when rendered).
* Plain text goes through :mod:`stratagem.evidence.boilerplate`, which keeps the
  removed lines and an offset map back to the source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from stratagem.evidence.boilerplate import clean_plain_text
from stratagem.evidence.errors import (
    BinaryDocumentError,
    DocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncodingError,
)
from stratagem.evidence.pubdate import with_publication_date
from stratagem.evidence.records import IngestedDocument, RemovedLine
from stratagem.model.files import MAX_DOCUMENT_BYTES as MAX_DOCUMENT_BYTES  # the one limit, re-exported
from stratagem.model.files import read_bytes, require_regular_file

#: Largest document accepted, in bytes (20 MB). Larger files are refused, not truncated.

#: File name endings read when ingesting a directory.
TEXT_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml")

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BM", ""),  # checked with NULs below; BMP headers always contain NUL bytes
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x7fELF", "an executable"),
    (b"MZ", ""),
    (b"SQLite format 3", "a SQLite database"),
)
_HTML_SNIFF = re.compile(rb"<\s*(!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|article[\s>]|p[\s>]|div[\s>])", re.I)


def document_id_for(path: str | Path | None, content_hash: str) -> str:
    """The id a document gets: its file name without suffix (as scenarios cite it), else the hash."""
    if path is not None:
        stem = Path(path).name
        for suffix in TEXT_SUFFIXES:
            if stem.lower().endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        stem = re.sub(r"[^A-Za-z0-9_.\-]+", "-", stem).strip("-.")[:80]
        if stem:
            return stem
    return f"doc-{content_hash[:16]}"


def _check_binary(raw: bytes, where: str | Path) -> None:
    head = raw[:16]
    for magic, what in _MAGIC:
        if head.startswith(magic) and what:
            raise BinaryDocumentError(f"not a text or HTML document: it looks like {what}", path=where)
    sample = raw[:8192]
    if b"\x00" in sample and not (sample.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise BinaryDocumentError("not a text or HTML document: it contains NUL bytes (binary data)", path=where)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode_bytes(raw: bytes, where: str | Path = "<bytes>") -> tuple[str, str]:
    """Text and encoding name of document bytes; raises EncodingError when nothing fits."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _UTF8_MULTIBYTE.search(raw):
        # real UTF-8 sequences next to invalid bytes: corrupted UTF-8, not a legacy encoding;
        # decoding it any other way would silently garble every non-ASCII character
        raise EncodingError(
            f"invalid UTF-8 at byte {utf8_error.start} in a file that is otherwise UTF-8 (corrupted or mixed "
            "encodings); re-save it as UTF-8",
            path=where,
        )
    try:
        import charset_normalizer
    except ImportError:  # pragma: no cover - charset-normalizer comes with trafilatura
        charset_normalizer = None  # type: ignore[assignment]
    if charset_normalizer is not None:
        best = charset_normalizer.from_bytes(raw).best()
        if best is not None and best.encoding and best.chaos < 0.3:
            return str(best), str(best.encoding)
    # nearly-UTF-8 text with a few stray bytes: refuse rather than guess
    raise EncodingError(
        f"cannot decode the text: invalid UTF-8 at byte {utf8_error.start} and no other encoding fits",
        path=where,
    )


def looks_like_html(raw: bytes, path: str | Path | None = None) -> bool:
    if path is not None and Path(path).suffix.lower() in {".html", ".htm", ".xhtml"}:
        return True
    return _HTML_SNIFF.search(raw[:4096]) is not None


def _html_removed_lines(html: str, kept: str) -> list[RemovedLine]:
    """Text blocks of the page that the extractor left out, for inspection (never markup)."""
    try:
        import lxml.html
    except ImportError:  # pragma: no cover
        return []
    try:
        tree = lxml.html.document_fromstring(html)
    except Exception:  # lxml raises several parser errors; none of them matter here
        return []
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    normal_kept = " ".join(kept.split())
    removed: list[RemovedLine] = []
    seen: set[str] = set()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        chunk = " ".join((element.text or "").split())
        if len(chunk) < 2 or chunk in seen:
            continue
        seen.add(chunk)
        if chunk not in normal_kept:
            removed.append(RemovedLine(line=0, text=chunk, reason=f"html:{element.tag}"))
    return removed


def _parse_date(value: object) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def ingest_bytes(
    raw: bytes,
    *,
    path: str | Path | None = None,
    document_id: str | None = None,
    media_type: str | None = None,
    url: str = "",
    supplied_date: dt.date | None = None,
) -> IngestedDocument:
    """Decode and clean one document given as bytes (``path`` is only used in names and errors).

    The publication date follows :mod:`stratagem.evidence.pubdate`; ``supplied_date``
    is used only when the document's metadata or dateline gives none.
    """
    where = path if path is not None else "<bytes>"
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise DocumentTooLargeError(
            f"file is {len(raw) / 1e6:.1f} MB, above the {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB limit",
            path=where,
        )
    if not raw.strip():
        raise EmptyDocumentError("empty file", path=where)
    _check_binary(raw, where)
    text, encoding = decode_bytes(raw, where)
    content_hash = hashlib.sha256(raw).hexdigest()
    doc_id = document_id or document_id_for(path, content_hash)
    is_html = media_type == "text/html" if media_type else looks_like_html(raw, path)
    if is_html:
        return with_publication_date(_ingest_html(raw, text, encoding, content_hash, doc_id, where, url),
                                     supplied_date)
    result = clean_plain_text(text)
    if not result.cleaned.strip():
        raise EmptyDocumentError("no article text found after removing boilerplate", path=where)
    document = IngestedDocument(
        id=doc_id,
        path=str(where),
        raw=raw,
        text=text,
        cleaned=result.cleaned,
        removed=result.removed,
        title=result.title,
        url=url,
        date=result.date,
        content_hash=content_hash,
        media_type="text/plain",
        encoding=encoding,
        segments=result.segments,
        date_source="dateline" if result.date else "",
    )
    return with_publication_date(document, supplied_date)


def _ingest_html(
    raw: bytes, text: str, encoding: str, content_hash: str, doc_id: str, where: str | Path, url: str
) -> IngestedDocument:
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise DocumentError("reading HTML needs trafilatura (pip install trafilatura)", path=where) from exc
    try:
        extracted = trafilatura.bare_extraction(
            text, url=url or None, with_metadata=True, include_comments=False, include_tables=True,
            include_images=False, include_links=False, favor_recall=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # trafilatura/lxml raise many kinds of parser errors
        raise DocumentError(f"cannot parse the HTML: {type(exc).__name__}", path=where) from exc
    body = getattr(extracted, "text", None) if extracted is not None else None
    if not body or not body.strip():
        raise EmptyDocumentError("no article text found in the HTML", path=where)
    paragraphs = [" ".join(p.split()) for p in body.split("\n")]
    cleaned = "\n\n".join(p for p in paragraphs if p)
    title = " ".join(str(getattr(extracted, "title", "") or "").split())
    return IngestedDocument(
        id=doc_id,
        path=str(where),
        raw=raw,
        text=text,
        cleaned=cleaned,
        removed=tuple(_html_removed_lines(text, cleaned)),
        title=title,
        url=url or str(getattr(extracted, "url", "") or ""),
        date=_parse_date(getattr(extracted, "date", None)),
        content_hash=content_hash,
        media_type="text/html",
        encoding=encoding,
        date_source="html-meta" if getattr(extracted, "date", None) else "",
    )


def read_document(
    path: str | Path, *, document_id: str | None = None, url: str = "", supplied_date: dt.date | None = None
) -> IngestedDocument:
    """Read and clean one file. Raises a :class:`DocumentError` subclass with a one-line message."""
    p = Path(path)
    size = require_regular_file(p, error=DocumentError).st_size  # a FIFO or device is never opened
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentTooLargeError(
            f"file is {size / 1e6:.1f} MB, above the {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB limit", path=p
        )
    raw = read_bytes(p, limit=MAX_DOCUMENT_BYTES, error=DocumentError)
    return ingest_bytes(raw, path=p, document_id=document_id, url=url, supplied_date=supplied_date)


def iter_document_paths(path: str | Path) -> Iterator[Path]:
    """The file itself, or the text/HTML files of a directory (recursively, sorted)."""
    p = Path(path)
    if p.is_dir():
        for child in sorted(p.rglob("*")):
            if child.is_file() and child.suffix.lower() in TEXT_SUFFIXES and not child.name.startswith("."):
                yield child
    elif p.exists():
        yield p
    else:
        raise DocumentError("no such file or directory", path=p)


def read_documents(path: str | Path) -> Iterator[IngestedDocument | DocumentError]:
    """Each document under ``path``, or the error that stopped it (so one bad file stops nothing else)."""
    for child in iter_document_paths(path):
        try:
            yield read_document(child)
        except DocumentError as exc:
            yield exc
