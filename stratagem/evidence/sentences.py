"""Sentence segmentation with character offsets.

Paragraphs (blank-line separated) are split first, then each paragraph with
pysbd (a rule-based segmenter, no models) when it is installed, else with our
own rules (abbreviations such as U.S., Gen., Dr., initials, decimals, quotes).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from stratagem.evidence.records import Sentence

_ABBREVIATIONS = {
    "u.s", "u.k", "u.n", "e.g", "i.e", "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt",
    "sgt", "adm", "gov", "sen", "rep", "st", "jr", "sr", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "corp", "co", "ltd", "dept", "approx", "d.c",
}
_BOUNDARY = re.compile(r"([.!?…]+[”\"’')\]]*)(\s+)(?=[“\"‘'(\[]?[A-Z0-9])")
_PARAGRAPH = re.compile(r"\n\s*\n")


@lru_cache(maxsize=1)
def _pysbd() -> Any:
    try:
        import pysbd
    except ImportError:
        return None
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _rule_split(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[start : m.start(1)]
        word = re.search(r"([A-Za-z.]+)$", before)
        token = word.group(1).lower().rstrip(".") if word else ""
        if m.group(1) == "." and (token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token)):
            continue
        end = m.end(1)
        so_far = text[start:end]
        if so_far.count("“") > so_far.count("”") or so_far.count('"') % 2 == 1:
            continue  # inside an open quotation
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def _split(paragraph: str) -> list[str]:
    seg = _pysbd()
    if seg is None:
        return _rule_split(paragraph)
    try:
        pieces = [str(s) for s in seg.segment(paragraph)]
    except Exception:  # pysbd has rare internal errors on odd input; fall back to our rules
        return _rule_split(paragraph)
    # pysbd misses some boundaries after a closing quotation ('…” He'); our rules add them
    return [part for piece in pieces for part in _rule_split(piece)]


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a cleaned text, with offsets such that ``text[start:end] == sentence.text``."""
    out: list[Sentence] = []
    para_start = 0
    paragraph_index = 0
    bounds = [*(m for m in _PARAGRAPH.finditer(text))]
    spans = []
    for m in bounds:
        spans.append((para_start, m.start()))
        para_start = m.end()
    spans.append((para_start, len(text)))
    for a, b in spans:
        paragraph = text[a:b]
        if not paragraph.strip():
            continue
        cursor = 0
        for piece in _split(paragraph):
            stripped = piece.strip()
            if not stripped:
                continue
            found = paragraph.find(stripped, cursor)
            if found < 0:  # the segmenter altered the text; resynchronise on the first word
                continue
            start = a + found
            end = start + len(stripped)
            out.append(Sentence(index=len(out), start=start, end=end, text=stripped, paragraph=paragraph_index))
            cursor = found + len(stripped)
        paragraph_index += 1
    return out


def sentence_at(sentences: list[Sentence], offset: int) -> Sentence | None:
    """The sentence containing a character offset."""
    lo, hi = 0, len(sentences) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s = sentences[mid]
        if offset < s.start:
            hi = mid - 1
        elif offset >= s.end:
            lo = mid + 1
        else:
            return s
    return None
