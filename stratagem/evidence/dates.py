"""Date expressions and their resolution against the document date and context.

Recognised: "February 7, 2024", "7 April 2020", "Feb. 7", "February 7" (year from
context), "early/mid/late January (2020)", "in January", "January last year", ISO
dates, weekdays ("on Tuesday", "Tuesday", "last Tuesday", "next Tuesday"), and
expressions relative to the document date ("yesterday", "today", "last week",
"earlier this month", "two days ago", ...). Years alone ("in 2011", "last year")
are found but flagged, since a bare year rarely dates a specific action.

Relative expressions need the document date D (a date the document states:
metadata, dateline or supplied; see :mod:`stratagem.evidence.pubdate`). News
convention, as in wire style guides: a weekday alone means the current week, so in
a past-tense report it is the most recent such day on or before D (D itself when
D is that weekday: "said on Thursday" in a Thursday story is that day), and in the
future tense ("will meet on Thursday", "is due to ... Thursday") the next one on or
after D. The tense is read from the words just before the date in the same clause
("will", "shall", "won't", "'ll", "going to", "plans to", "is/are due/scheduled/
set/expected/slated to|for", "upcoming"); "would" and "was scheduled" are not
future (reported speech in the past).

======================================  =============================================
expression (document date D, year Y)    resolves to
======================================  =============================================
"Thursday", "on/this/since Thursday"    past: latest Thursday <= D; future: first >= D
"last Thursday"                         latest Thursday < D (a week back if D is one)
"next Thursday"                         first Thursday > D
"today", "tonight", "this afternoon"    D
"yesterday", "last night"               D - 1 day
"tomorrow"                              D + 1 day
"N days ago", "a week ago"              D - N days, D - 7 days (day precision)
"last week" / "this week" / "next"      the Monday-Sunday week before / of / after D,
                                        as the day range "YYYY-MM-DD/YYYY-MM-DD"
"earlier this week" / "later ..."       the days of D's week before / after D, same
                                        (one day alone when only one is left)
"last month" / "this month" / "next"    the month before / of / after D ("earlier
                                        this month", "later this month": D's month)
"last year" / "this year" / "next"      Y-1 / Y / Y+1 (year only: flagged)
"February 7", "in February" (no year)   past: Y, or Y-1 when February lies after D's
                                        month; future: Y, or Y+1 when it lies before
                                        D (D's own month counts as "not before")
"February 7 last year" / "this" / next  Y-1 / Y / Y+1
"February 7, 2024"                      itself; D is not used
======================================  =============================================

Without a document date, a date without a year takes the year of a full date
earlier in the same paragraph, and relative expressions stay unresolved
(``DateContext.use_document_context`` also tries the last full date anywhere
earlier, which on the seed analyses was wrong more often than right).

When D is only an estimate (``text-latest``: the latest full date in the text, a
lower bound of the publication date), a date without a year takes D's year with no
look-back, relative expressions ("on Tuesday", "last week") stay unresolved, and
every date resolved with D's help is marked ``approximate``
(:meth:`DateContext.resolution`), which events carry as ``date_estimated``.
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
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}
_OFFSETS = {"last": -1, "past": -1, "this": 0, "next": 1}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR_REL = r"(?:,?\s+(?:of\s+)?(?P<{name}>(?i:last|this|next))\s+(?i:year)\b)?"
_DATE_RE = re.compile(
    rf"(?P<iso>\b\d{{4}}-\d{{2}}-\d{{2}}\b)"
    rf"|(?P<qual1>\b(?:early|mid|late)[- ])?\b(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"(?:,?\s+(?P<y1>\d{{4}})\b|{_YEAR_REL.format(name='r1')})"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH})(?:,?\s+(?P<y2>\d{{4}})\b|{_YEAR_REL.format(name='r2')})"
    rf"|(?P<qual3>\b(?:early|mid|late)[- ])?\b(?P<m3>{_MONTH})(?:,?\s+(?P<y3>\d{{4}})\b)"
    rf"|(?P<prep4>\b(?i:in|since|until|by|during|from|of|last|this|next)\s+(?:(?:early|mid|late)[- ])?)(?P<m4>{_MONTH})\b"
    rf"(?!,?\s+\d{{1,4}}\b){_YEAR_REL.format(name='r4')}"
    rf"|(?P<qual5>\b(?:early|mid|late)[- ])(?P<m5>{_MONTH})\b(?!,?\s+\d{{1,4}}\b){_YEAR_REL.format(name='r5')}"
    rf"|\b(?:(?P<wprep>(?i:on|last|this|since|next|until|by|from))\s+)?(?P<wd>{_WEEKDAY})\b"
    rf"(?!,?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}\b)(?!,?\s+\d)"
    rf"|\b(?P<rday>(?i:yesterday|today|tonight|tomorrow|last night|this (?:morning|afternoon|evening)))\b"
    rf"|\b(?P<rpart>(?i:earlier|later)\s+)?(?P<rrel>(?i:last|this|next))\s+(?P<runit>(?i:week|month|year))\b"
    rf"|\b(?P<agon>(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{{1,2}}))\s+"
    rf"(?P<agou>(?i:days?|weeks?|months?|years?))\s+(?i:ago)\b"
    rf"|\b(?P<yprep>(?i:in|since|by|until|during|from))\s+(?:(?:early|mid|late)[- ])?(?P<y6>(?:19|20)\d{{2}})\b(?![-–]\d)"
)
#: future tense just before a date, in the same clause
_FUTURE = re.compile(
    r"\b(?:will|shall|won[’']t|going to|plans? to|planning to|upcoming|"
    r"(?:is|are|['’]s|['’]re)\s+(?:due|scheduled|set|expected|slated)\s+(?:to|for)|"
    # the future of reported speech ("said its members would walk out on Thursday") and of intentions
    r"would|(?:agreed|vowed|promised|pledged|decided|intends?|intended|aims?|aimed|hopes?|hoped)\s+to|"
    r"next\s+(?:round|meeting|session|summit|vote))\b|[’']ll\b",
    re.I,
)
_CLAUSE_END = re.compile(r"[.;:!?]\s|\b(?:said|says|told|added|announced|and)\b", re.I)
#: asked to act, the date ending the action asked for: "has asked Ms. Okoro and Mr. Achterberg to meet him on
#: Monday", "invited the envoys to return on Friday" (a request is about what comes after it)
#: a sentence's end, not an honorific's period ("Ms. Okoro")
_SENTENCE_BREAK = re.compile(r"(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\bSt)(?<!\bSen)(?<!\bRep)(?<!\bGov)[.;:!?]\s")
_ASKED_TO = re.compile(r"\b(?:asks?|asked|invites?|invited|urges?|urged|calls?\s+on|called\s+on)\s+"
                       r"(?:[\w.'’-]+\s+){1,7}?to\s+[a-z]+(?:\s+[\w'’-]+){0,3}\s*$", re.I)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    weekday: int | None = None
    year_only: bool = False
    #: "last"/"next" before a weekday ("last Tuesday"); "" for a bare weekday or "on/this/since Tuesday"
    weekday_rel: str = ""
    #: a span relative to the document date: unit ("day", "week", "month", "year"), offset, part
    #: ("earlier"/"later" this week or month, else "")
    unit: str = ""
    offset: int = 0
    part: str = ""
    year_rel: int | None = None  # "February 7 last year": -1
    future: bool = False  # the clause before the date is in the future tense

    @property
    def explicit_year(self) -> bool:
        return self.year is not None

    @property
    def relative(self) -> bool:
        """Resolved from the document date alone ("on Tuesday", "last week", "yesterday")."""
        return self.weekday is not None or bool(self.unit)


def _is_future(text: str, at: int) -> bool:
    """Whether the words just before offset ``at`` (same clause, at most 10 words) are in the future tense."""
    window = text[max(0, at - 80) : at]
    cut = 0
    for m in _CLAUSE_END.finditer(window):
        cut = m.end()
    window = window[cut:]
    words = window.split()
    window = " ".join(words[-10:])
    return _FUTURE.search(window) is not None or \
        _ASKED_TO.search(_SENTENCE_BREAK.split(text[max(0, at - 120) : at])[-1]) is not None


def find_dates(text: str, offset: int = 0) -> list[DateMention]:
    """Date expressions in ``text`` (offsets shifted by ``offset``), unresolved."""
    out: list[DateMention] = []
    for m in _DATE_RE.finditer(text):
        g = m.groupdict()
        start, end = m.start() + offset, m.end() + offset
        future = _is_future(text, m.start())
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
            rel_s = g["r1"] or g["r2"] or g["r4"] or g["r5"]
            day = int(day_s) if day_s else None
            if day is not None and not 1 <= day <= 31:
                continue
            if g["prep4"]:
                if g["prep4"].split()[0].lower() == "next":
                    future = True
                start = m.start("prep4") + offset
                start += len(g["prep4"]) - len(g["prep4"].lstrip()) if g["prep4"][0] == " " else 0
            out.append(DateMention(start, end, int(year_s) if year_s else None, month, day, future=future,
                                   year_rel=_OFFSETS[rel_s.lower()] if rel_s else None))
            continue
        if g["wd"]:
            prep = (g["wprep"] or "").lower()
            rel = prep if prep in ("last", "next") else ""
            out.append(DateMention(start, end, None, None, None, weekday=WEEKDAYS[g["wd"].lower()],
                                   weekday_rel=rel, future=future or prep == "until"))
            continue
        if g["rday"]:
            word = g["rday"].lower()
            shift = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
            out.append(DateMention(start, end, None, None, None, unit="day", offset=shift))
            continue
        if g["runit"]:
            unit, part = g["runit"].lower(), (g["rpart"] or "").strip().lower()
            shift = _OFFSETS[g["rrel"].lower()]
            out.append(DateMention(start, end, None, None, None, unit=unit, offset=shift,
                                   part=part if shift == 0 else "", year_only=unit == "year"))
            continue
        if g["agou"]:
            n_s = g["agon"].lower()
            n = _NUMBERS.get(n_s) or int(n_s)
            unit = g["agou"].lower().rstrip("s")
            if unit == "week":
                unit, n = "day", 7 * n
            out.append(DateMention(start, end, None, None, None, unit=unit, offset=-n, year_only=unit == "year"))
            continue
        if g["y6"]:
            out.append(DateMention(m.start("y6") + offset, end, int(g["y6"]), None, None, year_only=True))
    # a month without a year followed by a range partner with a year ("October and early November 2021")
    fixed: list[DateMention] = []
    for i, d in enumerate(out):
        if d.year is None and d.month is not None and d.year_rel is None and i + 1 < len(out):
            nxt = out[i + 1]
            between = text[d.end - offset : nxt.start - offset]
            if nxt.year is not None and nxt.month is not None and re.fullmatch(r"\s*(?:and|to|through|-|–)\s*", between):
                year = nxt.year if d.month <= nxt.month else nxt.year - 1
                d = DateMention(d.start, d.end, year, d.month, d.day)
        fixed.append(d)
    return fixed


def _add_months(date: dt.date, months: int) -> tuple[int, int]:
    k = date.year * 12 + date.month - 1 + months
    return k // 12, k % 12 + 1


def resolve_relative(d: DateMention, document_date: dt.date) -> str:
    """A weekday or relative expression resolved against the document date (table in the module docstring)."""
    doc = document_date
    if d.weekday is not None:
        back = (doc.weekday() - d.weekday) % 7
        ahead = (d.weekday - doc.weekday()) % 7
        if d.weekday_rel == "last":
            return (doc - dt.timedelta(days=back or 7)).isoformat()
        if d.weekday_rel == "next":
            return (doc + dt.timedelta(days=ahead or 7)).isoformat()
        return (doc + dt.timedelta(days=ahead) if d.future else doc - dt.timedelta(days=back)).isoformat()
    if d.unit == "day":
        return (doc + dt.timedelta(days=d.offset)).isoformat()
    if d.unit == "week":
        monday = doc - dt.timedelta(days=doc.weekday()) + dt.timedelta(days=7 * d.offset)
        first, last = monday, monday + dt.timedelta(days=6)
        if d.part == "earlier" and doc > monday:
            last = doc - dt.timedelta(days=1)
        elif d.part == "later" and doc < last:
            first = doc + dt.timedelta(days=1)
        # a week is a range of days, not its month: "last week" in a Monday story is the seven days before it
        return first.isoformat() if first == last else f"{first.isoformat()}/{last.isoformat()}"
    if d.unit == "month":
        year, month = _add_months(doc, d.offset)
        return f"{year:04d}-{month:02d}"
    return f"{doc.year + d.offset:04d}"


@dataclass(frozen=True)
class Resolution:
    """A resolved date and whether it rests on an estimated document date."""

    value: str  # "YYYY-MM-DD", "YYYY-MM-DD/YYYY-MM-DD" (a week), "YYYY-MM" or "YYYY"
    approximate: bool = False


@dataclass
class DateContext:
    """What a date without a year is resolved against while reading a document in order."""

    document_date: dt.date | None = None
    last_full: DateMention | None = None  # the last date with an explicit year, anywhere before
    paragraph_full: DateMention | None = None  # the same, within the current paragraph
    paragraph: int = -1
    use_document_context: bool = False  # measured on the seeds: years from other paragraphs mislead
    #: the document date is an estimate (the latest date in the text, a lower bound of the publication
    #: date): dates without a year take its year, with no look-back rule, relative expressions stay
    #: unresolved, and what it resolves is marked approximate
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
        """"YYYY-MM-DD", a week's "YYYY-MM-DD/YYYY-MM-DD", "YYYY-MM" or "YYYY"; None when the year is unknown."""
        found = self.resolution(d)
        return found.value if found is not None else None

    def resolution(self, d: DateMention) -> Resolution | None:
        """The resolved date with whether it rests on an estimated document date, or None."""
        doc = self.document_date
        if d.relative:
            if doc is None or self.estimated:
                return None
            return Resolution(resolve_relative(d, doc))
        year = d.year
        approximate = False
        if year is None and d.month is not None:
            if doc is not None and d.year_rel is not None:
                year, approximate = doc.year + d.year_rel, self.estimated
            elif doc is not None and self.estimated:
                year, approximate = doc.year, True
            elif doc is not None and d.future:
                before = (d.month, d.day or 31) < (doc.month, doc.day) if d.day else d.month < doc.month
                year = doc.year + (1 if before else 0)
            elif doc is not None:
                year = doc.year - (1 if d.month > doc.month else 0)
            elif self.paragraph_full is not None and self.paragraph_full.year is not None:
                year = self.paragraph_full.year
            elif self.use_document_context and self.last_full is not None and self.last_full.year is not None:
                year = self.last_full.year
        if year is None:
            return None
        if d.month is None:
            return Resolution(f"{year:04d}", approximate)
        if d.day is None:
            return Resolution(f"{year:04d}-{d.month:02d}", approximate)
        try:
            return Resolution(dt.date(year, d.month, d.day).isoformat(), approximate)
        except ValueError:
            return Resolution(f"{year:04d}-{d.month:02d}", approximate)
