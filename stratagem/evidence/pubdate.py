"""Finding a document's publication date without being told.

Rules, in order; the first that gives a date wins, and the document records which
rule it was (``IngestedDocument.date_source``):

1. ``html-meta``: for HTML, the date trafilatura reads from the page's metadata
   (``<meta property="article:published_time">``, ``<time datetime>``, JSON-LD and
   similar), without trafilatura's "extensive" free-text search.
2. ``dateline``: for plain text, a date with a year on a short line in the header
   (the lines before the first body paragraph, at most the first 40 lines):
   "January 5, 2020", "Jan. 5, 2020", "05 Jan 2020", "5 January 2020", "2020-01-05",
   "2020/01/05", optionally after "Published"/"Updated"/"Posted", a weekday, or an
   author and a separator ("By Jane Doe | 5 January 2020"), optionally followed by a
   time ("10:32 AM ET"). A line counts when at most 4 other words stand beside the
   date, or up to 16 with a byline mark (|, ·, "By ...", "Published", "Updated", a
   dash); photo captions never count. A wire dateline opening the first paragraph ("BAGHDAD, Jan. 5, 2020
   (Reuters) -") counts too.
3. ``supplied``: a date the user gave (``--date``), used only when rules 1-2 found
   none; a found date is never overridden.
4. ``text-latest``: otherwise the latest full date (day, month and year) written in
   the article text (never in the removed boilerplate, whose teasers and captions
   belong to other articles). It is a lower bound of the publication date, so it is
   marked as an estimate: dates without a year take its year and weekdays ("on
   Tuesday") are not resolved against it.

A document with none of these stays undated; its day-month dates then resolve only
from a full date earlier in the same paragraph (see :mod:`stratagem.evidence.dates`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from stratagem.evidence.dates import MONTHS, find_dates
from stratagem.evidence.records import IngestedDocument

#: Where a document's date came from; "" when it has none.
DATE_SOURCES = ("html-meta", "dateline", "supplied", "text-latest", "")
ESTIMATED_SOURCES = frozenset({"text-latest"})

_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_FULL_DATE_PATTERN = (
    rf"(?<![\w/.-])(?:(?P<m1>{_MON})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MON})\.?,?\s+(?P<y2>(?:19|20)\d\d)"
    rf"|(?P<y3>(?:19|20)\d\d)[-/](?P<mo3>\d{{1,2}})[-/](?P<d3>\d{{1,2}}))(?![\w/-])"
)
_FULL_DATE = re.compile(_FULL_DATE_PATTERN, re.I)
_CAPTION = re.compile(r"\b(?:photo|photograph|image|credit|file|pool|via (?:AP|Reuters|AFP|Getty))\b", re.I)
_WIRE_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}(?:,\s*[A-Z][a-z]+(?: [A-Z][a-z]+)?)?,?\s+"
    + "(?i:" + _FULL_DATE_PATTERN + r")\s*(?:\([A-Z][A-Za-z&.\s]{1,30}\))?\s*[-–—]"
)
_BYLINE_MARK = re.compile(r"[|·•]|\bby\s+[A-Z]|\b(?:published|updated|posted|first published)\b|\s[-–—]\s", re.I)
_HEADER_LINES = 40
_HEADER_WORDS = 16


def _to_date(m: re.Match[str]) -> dt.date | None:
    try:
        if m.group("y3"):
            return dt.date(int(m.group("y3")), int(m.group("mo3")), int(m.group("d3")))
        name = (m.group("m1") or m.group("m2")).lower()
        month = MONTHS.get(name) or MONTHS[name[:3]]
        return dt.date(int(m.group("y1") or m.group("y2")), month, int(m.group("d1") or m.group("d2")))
    except (ValueError, KeyError):
        return None


def date_in_line(line: str) -> dt.date | None:
    """The full date on a header-like line (short, not a caption), or None."""
    s = line.strip()
    if not s or _CAPTION.search(s):
        return None
    m = _FULL_DATE.search(s)
    if m is None:
        return None
    rest = (s[: m.start()] + " " + s[m.end() :]).split()
    if len(rest) > _HEADER_WORDS or (len(rest) > 4 and not _BYLINE_MARK.search(s)):
        return None  # a title or sentence that mentions a date, not a dateline
    return _to_date(m)


def wire_dateline(paragraph: str) -> dt.date | None:
    """The date of a wire dateline opening a paragraph ("BAGHDAD, Jan. 5, 2020 (Reuters) -")."""
    m = _WIRE_DATELINE.match(paragraph)
    if m is None:
        return None
    return _to_date(m)


def header_date(source: str, cleaned: str) -> dt.date | None:
    """A dateline/byline date in the header of a plain-text document, or in a wire dateline."""
    first_para = next((p for p in cleaned.split("\n\n") if len(p.split()) >= 12), "")
    found = wire_dateline(first_para)
    if found is not None:
        return found
    body_at = source.find(first_para[:80]) if first_para else -1
    header = source[:body_at] if body_at > 0 else source
    for line in header.split("\n")[:_HEADER_LINES]:
        found = date_in_line(line)
        if found is not None:
            return found
    return None


def latest_full_date(cleaned: str) -> dt.date | None:
    """The latest date with day, month and year written in a (cleaned) text."""
    best: dt.date | None = None
    for d in find_dates(cleaned):
        if d.year is None or d.month is None or d.day is None:
            continue
        try:
            value = dt.date(d.year, d.month, d.day)
        except ValueError:
            continue
        best = value if best is None or value > best else best
    return best


def with_publication_date(document: IngestedDocument, supplied: dt.date | None = None) -> IngestedDocument:
    """The document with its date set by the rules above (a found date is kept as it is)."""
    if document.date is not None and document.date_source:
        return document
    if document.date is not None:  # set by the reader without a source: metadata or header
        source = "html-meta" if document.media_type == "text/html" else "dateline"
        return dataclasses.replace(document, date_source=source)
    found = header_date(document.text, document.cleaned) if document.media_type == "text/plain" else None
    if found is not None:
        return dataclasses.replace(document, date=found, date_source="dateline")
    if supplied is not None:
        return dataclasses.replace(document, date=supplied, date_source="supplied")
    latest = latest_full_date(document.cleaned)
    if latest is not None:
        return dataclasses.replace(document, date=latest, date_source="text-latest")
    return document


def supply_date(document: IngestedDocument, supplied: dt.date | None) -> IngestedDocument:
    """Use a user-supplied date unless the document's own metadata or dateline gave one."""
    if supplied is None or document.date_source in {"html-meta", "dateline", "supplied"}:
        return document
    return dataclasses.replace(document, date=supplied, date_source="supplied")
