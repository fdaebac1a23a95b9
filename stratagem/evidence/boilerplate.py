"""Rule-based boilerplate removal for scraped plain text.

Scraped analyses mix the article with subscribe forms, navigation labels,
bylines, "N min read" counters, image captions, author bios and teaser blocks
for related articles. The classifier works in two passes:

1. each line gets a label from general rules (form, navigation, caption,
   byline, date, bio, link-only, teaser signal, end marker, heading, prose);
2. the article body is the region from the first prose line to the first
   end marker or teaser block after it; before the body only the title is kept,
   inside it captions, forms and duplicates are cut, after it everything goes.

Kept lines are copied verbatim (apart from inline Markdown link debris such as
``](#)`` and ``(<https://...>)``), and a segment map records where each kept
run came from, so offsets into the cleaned text map back to the source.
Removed lines are returned with a reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from itertools import pairwise

from stratagem.evidence.records import RemovedLine, Segment

_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
    "august|september|october|november|december"
)
_DATE_LINE = re.compile(
    rf"^\s*(?:(?:published|updated|posted)\s*:?\s*)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTHS})\.?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\s*$",
    re.I,
)
_DATE_IN_LINE = re.compile(
    rf"(?:(?P<m1>{_MONTHS})\.?\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTHS})\.?,?\s+(?P<y2>\d{{4}})|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))",
    re.I,
)
_FORM = re.compile(
    r"(indicates required fields|this field is for validation|by subscribing|privacy policy|"
    r"terms of (use|service)|^subscribe\b|subscription settings|sign up (for|to)|newsletter|"
    r"enter your e-?mail|email address|follow us( on)?|share (this|on)|^(share|tweet|print|email)$|"
    r"cookie|all rights reserved|^©|copyright \d{4}|^log ?in$|^sign ?in$|^search$|^menu$|"
    r"^donate$|support our work|^advertisement$|^skip to)",
    re.I,
)
_CAPTION = re.compile(
    r"(\((?:[^()]*\b(?i:photo|photos|image|images|file)\b[^()]*)\)\s*$|\bvia (?:AP|REUTERS|Reuters|AFP|Getty|Flickr|"
    r"Wikimedia)\b[^.]*$|\b(?:AP|AFP|Reuters|Getty Images|Shutterstock|EPA)\s*(?:Photo|/)|"
    r"^(?:photo|image|caption|credit)\s*:|/Pool via |\bPool via REUTERS)",
)
_READ_TIME = re.compile(r"^\s*\d+\s*(?:min(?:ute)?s?)\s+read\s*$", re.I)
_TEASER_SIGNAL = re.compile(r"(keep reading|show less|read more|continue reading|^view all$|^load more$)", re.I)
_END_MARKER = re.compile(
    r"^\s*(recommended|related( articles| posts| content| reading)?|check also|see also|more from .*|"
    r"latest( featured topics| news| articles)?|you may also like|further reading|"
    r"read next|most popular|trending|tags?:.*|topics?:.*)\s*$"
    r"|^(the views (represented|expressed) (herein|here|in this)|this (piece|article) (has been|was) "
    r"(republished|reprinted|originally published)|the opinions expressed)",
    re.I,
)
_LABEL = re.compile(
    r"^\s*(analysis|brief analysis|commentary|opinion|op-ed|news|events?|report|policy analysis|"
    r"article|features?|podcast|interview|blog|insights?|research|explainer|also available in|"
    r"about the authors?|authors?|by|home|[a-z ]+\s\|\s[a-z ]+)\s*$",
    re.I,
)
_ABOUT_AUTHORS = re.compile(r"^\s*about the authors?\s*$", re.I)
_BYLINE = re.compile(r"^\s*by\s+\S", re.I)
_LINK_ONLY = re.compile(r"^\s*[\[(]?.{0,120}?\]?\(\s*(?:#|/[^)]*|https?://[^)]*)\)\]?(?:\(#\))?\s*$")
_BIO = re.compile(
    r"^(?:dr\.?\s+|prof\.?\s+)?[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]*){0,3}\s+(?:is|was|serves as|has been)\s+"
    r"(?:an?|the)?\s*(?:[\w.'’-]+\s+){0,4}?(?i:professor|fellow|director|researcher|analyst|journalist|"
    r"editor|correspondent|chair|scholar|lecturer|contributor|writer|author|president|founder|"
    r"board member|associate|expert)\b",
)
_BIO_HINT = re.compile(r"(contributor to|fellow at|professor of|author of|director of|chair in|board member)", re.I)
_NAME_LINE = re.compile(r"^\s*(?:dr\.?\s+)?[A-Z][\w'’.-]+(?:\s+(?:al-|el-|bin\s|de\s|van\s)?[A-Z][\w'’.-]+){1,3}\s*$")
_TITLE_AFFILIATION = re.compile(r"^\s*(senior|non-?resident|visiting|research)?\s*(fellow|director|analyst|editor|scholar)\b.{0,60}$", re.I)
_INLINE_DEBRIS = re.compile(
    r"\]\((?:#|https?://[^)\s]*)\)"  # ](#) or ](https://...)
    r"|\s?\(<https?://[^>]*>\)"  # (<https://...>)
    r"|\*\*"  # bold markers
    r"|\[(?=[^\[\]\n]{1,300}\]\()"  # the [ that opens a Markdown link
    r"|\s?\(https?://[^)\s]*\)"  # bare (https://...)
)
_SENTENCE_END = re.compile(r"[.!?…:;”\"’')\]❖]\s*$")


@dataclass(frozen=True)
class CleanResult:
    cleaned: str
    removed: tuple[RemovedLine, ...]
    segments: tuple[Segment, ...]
    title: str
    date: dt.date | None


def _words(line: str) -> int:
    return len(line.split())


def _is_prose(line: str) -> bool:
    words = _words(line)
    if words >= 25:
        return True
    return words >= 14 and bool(re.search(r"[.!?”\"]\s*$", line)) and bool(re.search(r"[a-z]", line))


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    words = _words(stripped)
    return 2 <= words <= 20 and not re.search(r"[.!]\s*$", stripped) and stripped[:1].isupper()


def classify_line(line: str) -> str:
    """The label of one line on its own (before the article region is known)."""
    s = line.strip()
    if not s:
        return "blank"
    if _FORM.search(s) and _words(s) <= 25:
        return "subscribe-form"
    if _END_MARKER.search(s):
        return "end-marker"
    if _TEASER_SIGNAL.search(s) and _words(s) <= 6:
        return "teaser-signal"
    if _READ_TIME.match(s):
        return "teaser-signal"
    if _CAPTION.search(s):
        return "caption"
    if _DATE_LINE.match(s):
        return "date"
    if _BIO.match(s) and (_BIO_HINT.search(s) or _words(s) <= 60) and _words(s) <= 90:
        return "author-bio"
    if _BYLINE.match(s) and _words(s) <= 30:
        return "byline"
    if "|" in s and _DATE_IN_LINE.search(s) and _words(s) <= 12:
        return "byline"
    if _LABEL.match(s):
        return "navigation"
    if _LINK_ONLY.match(s) or re.fullmatch(r"[\W_]+", s):
        return "link"
    if _TITLE_AFFILIATION.match(s):
        return "author-bio"
    if _is_prose(s):
        return "prose"
    if _NAME_LINE.match(s) and _words(s) <= 4:
        return "name"
    if _is_heading(s):
        return "heading"
    return "short"


def _find_date(text: str) -> dt.date | None:
    m = _DATE_IN_LINE.search(text)
    if not m:
        return None
    try:
        if m.group("iso"):
            return dt.date.fromisoformat(m.group("iso"))
        month = (m.group("m1") or m.group("m2") or "")[:3].lower()
        day = int(m.group("d1") or m.group("d2"))
        year = int(m.group("y1") or m.group("y2"))
        months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        return dt.date(year, months.index(month) + 1, day)
    except (ValueError, TypeError):
        return None


def _teaser_start(labels: list[str], lines: list[str], signal: int, floor: int) -> int:
    """Walk back from a teaser signal over the teaser's head (title, blurb, author)."""
    i = signal - 1
    start = signal
    took_prose = False
    while i > floor:
        lab = labels[i]
        if lab == "blank":
            i -= 1
            continue
        if lab in {"heading", "name", "caption", "date", "navigation", "short", "link", "author-bio"}:
            start = i
            i -= 1
            continue
        if lab == "prose" and not took_prose and len(lines[i]) < 400:
            # a blurb counts only when a heading sits right above it
            j = i - 1
            while j > floor and labels[j] == "blank":
                j -= 1
            if j > floor and labels[j] in {"heading", "caption", "name"}:
                took_prose = True
                start = i
                i -= 1
                continue
        break
    return start


def clean_plain_text(text: str) -> CleanResult:
    """Cut boilerplate from scraped plain text; see the module docstring."""
    raw_lines = text.split("\n")
    offsets: list[int] = []
    pos = 0
    for line in raw_lines:
        offsets.append(pos)
        pos += len(line) + 1
    lines = [ln.rstrip("\r") for ln in raw_lines]
    labels = [classify_line(ln) for ln in lines]
    n = len(lines)

    # author-bio blocks: after "About the author(s)" until the next prose/end marker
    for i, ln in enumerate(lines):
        if _ABOUT_AUTHORS.match(ln):
            j = i + 1
            while j < n and labels[j] not in {"prose", "end-marker"}:
                if labels[j] in {"heading", "short", "name", "link"}:
                    labels[j] = "author-bio"
                j += 1

    # the body: the stretch between hard breaks (end markers, teaser signals) holding the most prose
    breaks = [i for i, lab in enumerate(labels) if lab in {"end-marker", "teaser-signal"}]
    bounds = [-1, *breaks, n]
    best: tuple[int, int] | None = None
    best_chars = 0
    for a, b in pairwise(bounds):
        chars = sum(len(lines[i]) for i in range(a + 1, b) if labels[i] == "prose")
        if chars > best_chars:
            best, best_chars = (a + 1, b), chars
    body_start: int | None = None
    keep = [False] * n
    reasons: dict[int, str] = {}
    title = ""
    date: dt.date | None = None
    if best is not None:
        body_start = next(i for i in range(best[0], best[1]) if labels[i] == "prose")
        body_end = best[1]
        if body_end < n and labels[body_end] == "teaser-signal":
            body_end = _teaser_start(labels, lines, body_end, body_start)
        # before the body: the title (first heading-like line) and the publication date
        for i in range(body_start):
            lab = labels[i]
            if lab == "date" or lab == "byline":
                date = date or _find_date(lines[i])
            if not title and lab in {"heading", "short"} and _words(lines[i]) >= 3:
                title = lines[i].strip()
                keep[i] = True
                # a standfirst right under the title belongs to the article
                j = i + 1
                while j < body_start and labels[j] == "blank":
                    j += 1
                if j < body_start and labels[j] == "prose":
                    keep[j] = True
        previous = None
        for i in range(body_start, body_end):
            lab = labels[i]
            if lab in {"prose", "heading", "short", "name", "date", "link"}:
                if lab == "link" and not re.search(r"[A-Za-z]{3}", _INLINE_DEBRIS.sub("", lines[i])):
                    continue
                if previous is not None and lines[i].strip() == previous:
                    reasons[i] = "caption"  # duplicated caption lines
                    continue
                keep[i] = True
                previous = lines[i].strip()
        if not title:
            title = next((lines[i].strip() for i in range(n) if keep[i]), "")
    reason_of = {
        "subscribe-form": "subscribe-form",
        "end-marker": "related",
        "teaser-signal": "teaser",
        "caption": "caption",
        "date": "byline",
        "author-bio": "author-bio",
        "byline": "byline",
        "navigation": "navigation",
        "link": "navigation",
        "name": "byline",
    }
    if not any(keep[i] for i in range(n)):
        # nothing looked like an article (a two-line brief, say): keep the lines that are sentences, if any
        keep = [_words(lines[i]) >= 8 and re.search(r"[a-z].*[.!?”\"]\s*$", lines[i]) is not None for i in range(n)]
    removed: list[RemovedLine] = []
    after_body = False
    for i, ln in enumerate(lines):
        if keep[i] or not ln.strip():
            continue
        if body_start is not None and i > body_start and any(keep[body_start:i]) and not any(keep[i:]):
            after_body = True
        reason = reasons.get(i) or reason_of.get(labels[i]) or ("related" if after_body else "navigation")
        if after_body and labels[i] in {"prose", "heading", "short"}:
            reason = "teaser"
        removed.append(RemovedLine(line=i + 1, text=ln, reason=reason))

    # assemble the cleaned text with a segment map
    parts: list[str] = []
    segments: list[Segment] = []
    cursor = 0
    last_kept: int | None = None
    for i in range(n):
        if not keep[i]:
            continue
        if last_kept is not None:
            prev = lines[last_kept].rstrip()
            continuation = not _SENTENCE_END.search(prev) and re.match(r"\s*[a-z]", lines[i]) is not None
            sep = " " if continuation else "\n\n"
            parts.append(sep)
            cursor += len(sep)
        line = lines[i]
        # drop leading/trailing whitespace and inline link debris, keeping a segment per run
        lead = len(line) - len(line.lstrip())
        body = line.strip()
        base = offsets[i] + lead
        runs: list[tuple[int, int]] = []
        prev_end = 0
        for m in _INLINE_DEBRIS.finditer(body):
            if m.start() > prev_end:
                runs.append((prev_end, m.start()))
            prev_end = m.end()
        if prev_end < len(body):
            runs.append((prev_end, len(body)))
        for a, b in runs:
            piece = body[a:b]
            segments.append(Segment(clean_start=cursor, source_start=base + a, length=len(piece)))
            parts.append(piece)
            cursor += len(piece)
        last_kept = i
    cleaned = "".join(parts)
    return CleanResult(
        cleaned=cleaned,
        removed=tuple(removed),
        segments=tuple(segments),
        title=_INLINE_DEBRIS.sub("", title),
        date=date,
    )
