"""Date expressions and their resolution against the document date and context.

Recognised: "February 7, 2024", "7 April 2020", "Feb. 7", "February 7" (year from
context), "early/mid/late January (2020)", "in January", "on Tuesday" (needs the
document date), ISO dates. Years alone ("in 2011") are found but flagged, since a
bare year rarely dates a specific action.

Resolution of a date without a year, in order: the document date (a month after
the document's month is taken to be in the previous year: news reports look
back); a full date earlier in the same paragraph; otherwise it stays unresolved
(``DateContext.use_document_context`` also tries the last full date anywhere
earlier, which on the seed analyses was wrong more often than right). Weekdays resolve to the latest such day before the document
date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_DATE_RE = re.compile(
    rf"(?P<iso>\b\d{{4}}-\d{{2}}-\d{{2}}\b)"
    rf"|(?P<qual1>\b(?:early|mid|late)[- ])?\b(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>\d{{4}})\b)?"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH})(?:,?\s+(?P<y2>\d{{4}})\b)?"
    rf"|(?P<qual3>\b(?:early|mid|late)[- ])?\b(?P<m3>{_MONTH})(?:,?\s+(?P<y3>\d{{4}})\b)"
    rf"|(?P<prep4>\b(?i:in|since|until|by|during|from|of|last|this|next)\s+(?:(?:early|mid|late)[- ])?)(?P<m4>{_MONTH})\b(?!,?\s+\d{{1,4}}\b)"
    rf"|(?P<qual5>\b(?:early|mid|late)[- ])(?P<m5>{_MONTH})\b(?!,?\s+\d{{1,4}}\b)"
    rf"|\b(?P<wprep>(?i:on|last|this|since))\s+(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    rf"|\b(?P<yprep>(?i:in|since|by|until|during|from))\s+(?:(?:early|mid|late)[- ])?(?P<y6>(?:19|20)\d{{2}})\b(?![-–]\d)"
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    weekday: int | None = None
    year_only: bool = False

    @property
    def explicit_year(self) -> bool:
        return self.year is not None


def find_dates(text: str, offset: int = 0) -> list[DateMention]:
    """Date expressions in ``text`` (offsets shifted by ``offset``), unresolved."""
    out: list[DateMention] = []
    for m in _DATE_RE.finditer(text):
        g = m.groupdict()
        start, end = m.start() + offset, m.end() + offset
        if g["iso"]:
            try:
                iso = dt.date.fromisoformat(g["iso"])
            except ValueError:
                continue
            out.append(DateMention(start, end, iso.year, iso.month, iso.day))
            continue
        month_s = g["m1"] or g["m2"] or g["m3"] or g["m4"] or g["m5"]
        if month_s:
            month = MONTHS[month_s.rstrip(".").lower()]
            day_s = g["d1"] or g["d2"]
            year_s = g["y1"] or g["y2"] or g["y3"]
            day = int(day_s) if day_s else None
            if day is not None and not 1 <= day <= 31:
                continue
            if g["prep4"]:
                start = m.start("prep4") + offset
                start += len(g["prep4"]) - len(g["prep4"].lstrip()) if g["prep4"][0] == " " else 0
            out.append(DateMention(start, end, int(year_s) if year_s else None, month, day))
            continue
        if g["wd"]:
            out.append(DateMention(start, end, None, None, None, weekday=WEEKDAYS[g["wd"].lower()]))
            continue
        if g["y6"]:
            out.append(DateMention(m.start("y6") + offset, end, int(g["y6"]), None, None, year_only=True))
    # a month without a year followed by a range partner with a year ("November and early December 2019")
    fixed: list[DateMention] = []
    for i, d in enumerate(out):
        if d.year is None and d.month is not None and i + 1 < len(out):
            nxt = out[i + 1]
            between = text[d.end - offset : nxt.start - offset]
            if nxt.year is not None and nxt.month is not None and re.fullmatch(r"\s*(?:and|to|through|-|–)\s*", between):
                year = nxt.year if d.month <= nxt.month else nxt.year - 1
                d = DateMention(d.start, d.end, year, d.month, d.day)
        fixed.append(d)
    return fixed


@dataclass
class DateContext:
    """What a date without a year is resolved against while reading a document in order."""

    document_date: dt.date | None = None
    last_full: DateMention | None = None  # the last date with an explicit year, anywhere before
    paragraph_full: DateMention | None = None  # the same, within the current paragraph
    paragraph: int = -1
    use_document_context: bool = False  # measured on the seeds: years from other paragraphs mislead
    #: the document date is an estimate (the latest date in the text, a lower bound of the publication
    #: date): dates without a year take its year, with no look-back rule, and weekdays stay unresolved
    estimated: bool = False

    def enter_paragraph(self, paragraph: int) -> None:
        if paragraph != self.paragraph:
            self.paragraph = paragraph
            self.paragraph_full = None

    def observe(self, d: DateMention) -> None:
        if d.year is not None and d.month is not None:
            self.last_full = d
            self.paragraph_full = d

    def resolve(self, d: DateMention) -> str | None:
        """"YYYY-MM-DD", "YYYY-MM" or "YYYY", or None when the year cannot be known."""
        if d.weekday is not None:
            if self.document_date is None or self.estimated:
                return None
            back = (self.document_date.weekday() - d.weekday) % 7 or 7
            return (self.document_date - dt.timedelta(days=back)).isoformat()
        year = d.year
        if year is None and d.month is not None:
            if self.document_date is not None and self.estimated:
                year = self.document_date.year
            elif self.document_date is not None:
                year = self.document_date.year - (1 if d.month > self.document_date.month else 0)
            elif self.paragraph_full is not None and self.paragraph_full.year is not None:
                year = self.paragraph_full.year
            elif self.use_document_context and self.last_full is not None and self.last_full.year is not None:
                year = self.last_full.year
        if year is None:
            return None
        if d.month is None:
            return f"{year:04d}"
        if d.day is None:
            return f"{year:04d}-{d.month:02d}"
        try:
            return dt.date(year, d.month, d.day).isoformat()
        except ValueError:
            return f"{year:04d}-{d.month:02d}"
