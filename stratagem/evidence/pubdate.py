"""Finding a document's publication date without being told.

Rules, in order; the first that gives a date wins, and the document records which
rule it was (``IngestedDocument.date_source``). Everything before ``supplied`` is the
document's own statement of its date; ``text-latest`` is a guess.

1. ``html-meta``: for HTML, the date trafilatura reads from the page's metadata
   (``<meta property="article:published_time">``, ``<time datetime>``, JSON-LD and
   similar), without trafilatura's "extensive" free-text search.
2. ``published``: for plain text, an explicit publication line anywhere in the file:
   a short line opening with "Published", "First published", "Originally
   published" or "Posted" (then, failing those, "Updated"/"Last updated") and
   carrying a full date. A publication line beats a mere date line in the header
   (a page can show "Updated" above "Published": the publication date is the one
   relative dates were written against).
3. ``dateline``: for plain text, a date with a year on a short line in the header
   (the lines before the first body paragraph, at most the first 40 lines):
   "January 5, 2020", "Jan. 5, 2020", "05 Jan 2020", "5 January 2020", "2020-01-05",
   "2020/01/05", optionally after a weekday, or an author and a separator
   ("By Jane Doe | 5 January 2020"), optionally followed by a time ("10:32 AM ET").
   A line counts when at most 4 other words stand beside the date, or up to 16 with
   a byline mark (|, ·, "By ...", "Published", "Updated", a dash); photo captions
   never count. A wire dateline opening the first paragraph ("BAGHDAD, Jan. 5, 2020
   (Reuters) -") counts too.
4. ``url``: a full date in the document's address: its URL (HTML metadata, or a
   line holding only a URL among the first 5 lines of a text file: links inside the
   article point at other, older pages and never count) or its file name
   ("2024-03-05-talks.txt", ".../2024/03/05/talks"): /YYYY/MM/DD/, YYYY-MM-DD,
   YYYY_MM_DD or YYYYMMDD.
5. ``supplied``: a date the user gave (``--date``), used only when rules 1-4 found
   none; a found date is never overridden.
6. ``text-latest``: otherwise a guess from the article text (never the removed
   boilerplate, whose teasers and captions belong to other articles): the latest
   full date on a date-only line (an embedded post's signature, a "Correction:"
   note), else the latest full date in the prose. Dates in a future-tense clause
   ("the waiver will expire on 5 March 2026") are no evidence of when the text was
   written and never count. The guess is only a lower bound (news style writes the
   year of a date mainly when it is *not* the current year, so prose dates tend to
   be older than the article: on the 84 PolNeAR dev articles, 5 get this guess and
   2 of them the right year). It is therefore marked: dates without a year take its
   year with no look-back and are flagged ``approximate``/``date_estimated``,
   weekdays and "last week" are not resolved against it, and listings show it.

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
DATE_SOURCES = ("html-meta", "published", "dateline", "url", "supplied", "text-latest", "")
#: sources that are the document's own statement of its date (a supplied date never replaces them)
FOUND_SOURCES = frozenset({"html-meta", "published", "dateline", "url"})
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
_PUBLISHED = re.compile(r"^\W*(?:first |originally )?(?:published|posted)\b", re.I)
_UPDATED = re.compile(r"^\W*(?:last )?updated\b", re.I)
_CORRECTION = re.compile(r"^\W*correction\b", re.I)
_URL_LINE = re.compile(r"^\s*(?:(?:url|source|link)\s*:\s*)?<?(https?://\S+?)>?\s*$", re.I)
_URL_DATE = re.compile(
    r"(?<![\d])(?P<y>(?:19|20)\d\d)(?P<sep>[/_-])(?P<m>0?[1-9]|1[0-2])(?P=sep)(?P<d>0?[1-9]|[12]\d|3[01])(?![\d])"
    r"|(?<![\d])(?P<y2>20\d\d)(?P<m2>0[1-9]|1[0-2])(?P<d2>0[1-9]|[12]\d|3[01])(?![\d])"
)
_HEADER_LINES = 40
#: date sources set by other modules (stratagem.evidence.metadata: an analyst's manifest or correction)
_OTHER_KEPT = frozenset({"manifest", "corrected"})
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
    paragraphs = [p for p in cleaned.split("\n\n") if len(p.split()) >= 12]
    first_para = paragraphs[0] if paragraphs else ""
    for para in paragraphs[:3]:  # a headline of twelve words may come before the dateline's paragraph
        found = wire_dateline(para)
        if found is not None:
            return found
    body_at = source.find(first_para[:80]) if first_para else -1
    header = source[:body_at] if body_at > 0 else source
    for line in header.split("\n")[:_HEADER_LINES]:
        found = date_in_line(line)
        if found is not None:
            return found
    return None


def published_line_date(source: str) -> dt.date | None:
    """The date of an explicit "Published ..." line anywhere in a text file (else of an "Updated ..." line)."""
    lines = source.split("\n")
    for pattern in (_PUBLISHED, _UPDATED):
        for line in lines:
            if pattern.match(line):
                found = date_in_line(line)
                if found is not None:
                    return found
    return None


def address_date(url: str, path: str = "", source: str = "") -> dt.date | None:
    """A full date in the document's URL, in a URL-only line among the first 5 lines, or in its file name."""
    candidates = [url]
    for line in source.split("\n")[:5]:
        m = _URL_LINE.match(line)
        if m:
            candidates.append(m.group(1))
    candidates.append(re.split(r"[\\/]", path)[-1] if path else "")
    for address in candidates:
        for m in _URL_DATE.finditer(address):
            try:
                if m.group("y"):
                    return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
                return dt.date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
            except ValueError:
                continue
    return None


def latest_full_date(cleaned: str) -> dt.date | None:
    """The latest date with day, month and year in a (cleaned) text, dates in a future-tense clause left out;
    a date-only line (a post's signature, a correction note) beats the prose."""
    best_line: dt.date | None = None
    for line in cleaned.split("\n"):
        found = date_in_line(line) if (len(line.split()) <= 12 or _CORRECTION.match(line)) else None
        if found is not None and (best_line is None or found > best_line):
            best_line = found
    if best_line is not None:
        return best_line
    best: dt.date | None = None
    for d in find_dates(cleaned):
        if d.year is None or d.month is None or d.day is None or d.future:
            continue
        try:
            value = dt.date(d.year, d.month, d.day)
        except ValueError:
            continue
        best = value if best is None or value > best else best
    return best


def with_publication_date(document: IngestedDocument, supplied: dt.date | None = None) -> IngestedDocument:
    """The document with its date set by the rules above (a found date is kept as it is)."""
    plain = document.media_type == "text/plain"
    if plain and document.date_source not in {"html-meta", "published"} | _OTHER_KEPT:
        published = published_line_date(document.text)
        if published is not None:
            return dataclasses.replace(document, date=published, date_source="published")
    if document.date is not None and document.date_source:
        return document
    if document.date is not None:  # set by the reader without a source: metadata or header
        source = "html-meta" if document.media_type == "text/html" else "dateline"
        return dataclasses.replace(document, date_source=source)
    found = header_date(document.text, document.cleaned) if plain else None
    if found is not None:
        return dataclasses.replace(document, date=found, date_source="dateline")
    found = address_date(document.url, document.path, document.text if plain else "")
    if found is not None:
        return dataclasses.replace(document, date=found, date_source="url")
    if supplied is not None:
        return dataclasses.replace(document, date=supplied, date_source="supplied")
    latest = latest_full_date(document.cleaned)
    if latest is not None:
        return dataclasses.replace(document, date=latest, date_source="text-latest")
    return document


def supply_date(document: IngestedDocument, supplied: dt.date | None) -> IngestedDocument:
    """Use a user-supplied date unless the document's own metadata or dateline gave one."""
    if supplied is None or document.date_source in FOUND_SOURCES | {"supplied"} | _OTHER_KEPT:
        return document
    return dataclasses.replace(document, date=supplied, date_source="supplied")
