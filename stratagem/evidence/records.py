"""Records the evidence layer returns.

Every record that points into a document carries the document id (when known)
and character offsets ``start``/``end`` into the document's *cleaned* text, so
``cleaned[start:end]`` is the cited span and a citation always resolves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from stratagem.model.schema import Evidence


@dataclass(frozen=True)
class RemovedLine:
    """A line the boilerplate classifier cut, kept for inspection."""

    line: int  # 1-based line number in the decoded source text
    text: str
    reason: str  # e.g. "subscribe-form", "caption", "teaser", "author-bio", "related", "navigation"


@dataclass(frozen=True)
class Segment:
    """A run of the cleaned text copied verbatim from the decoded source text."""

    clean_start: int
    source_start: int
    length: int


@dataclass(frozen=True)
class IngestedDocument:
    """A document read from disk (or bytes) and cleaned, not yet stored."""

    id: str  # content hash prefix, stable for the same bytes
    path: str
    raw: bytes
    text: str  # decoded source text (HTML source for HTML documents)
    cleaned: str
    removed: tuple[RemovedLine, ...]
    title: str
    url: str
    date: dt.date | None
    content_hash: str  # sha256 of the raw bytes
    media_type: str  # "text/plain" or "text/html"
    encoding: str
    segments: tuple[Segment, ...] = ()  # cleaned -> source offset map (plain text only)
    #: how ``date`` was found: "html-meta", "dateline", "supplied", "text-latest" (an estimate) or ""
    date_source: str = ""

    def source_offset(self, clean_offset: int, *, end: bool = False) -> int | None:
        """Offset in ``text`` of a cleaned-text offset (plain text only; None inside inserted separators).

        With ``end=True`` the offset is an exclusive end, so an offset at a segment boundary maps to
        the end of the segment before it rather than the start of the next one.
        """
        for seg in self.segments:
            lo, hi = seg.clean_start, seg.clean_start + seg.length
            if (lo < clean_offset <= hi) if end else (lo <= clean_offset < hi):
                return seg.source_start + (clean_offset - seg.clean_start)
        return None


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Mention:
    """A span naming a gazetteer actor."""

    actor: str  # actor id
    name: str  # canonical name
    start: int
    end: int
    surface: str
    via: str = "alias"  # "alias", "demonym", "scenario", "user"


@dataclass(frozen=True)
class Quote:
    """A quotation (direct) or reported speech (indirect) with its speaker."""

    speaker: str | None  # canonical actor name, or the speaker phrase when not in the gazetteer
    speaker_actor: str | None  # actor id when resolved
    text: str
    start: int  # span of the quoted words (direct) or of the reported clause (indirect)
    end: int
    direct: bool
    sentence: int
    parts: tuple[tuple[int, int], ...] = ()  # the spans of a split quotation
    cue: str = ""  # the speech verb or marker
    #: spans of the words inside quotation marks within the content: the whole content of a direct
    #: quote, the quoted fragments of a mixed one ('the talks were "constructive and frank"'), none
    #: for reported speech
    quoted: tuple[tuple[int, int], ...] = ()
    #: the source that reports the attribution, for a nested one ('"...," the clerk said, according to
    #: the Courier': the speaker is the clerk, reported by the Courier); None when the writer reports it
    reported_by: str | None = None
    speaker_basis: str = ""  # "" when a frame gives the speaker, "nearest person" when guessed (quotes.guess_speakers)

    @property
    def kind(self) -> str:
        """"direct" (the content is quoted), "mixed" (it contains quoted words) or "indirect"."""
        return "direct" if self.direct else ("mixed" if self.quoted else "indirect")

    def quotation_spans(self) -> tuple[tuple[int, int], ...]:
        """The spans of the speaker's exact words: the quote itself when direct, its quoted fragments when mixed."""
        return ((self.start, self.end),) if self.direct else self.quoted


@dataclass(frozen=True)
class Event:
    """Who did what to whom and when."""

    date: str  # "YYYY-MM-DD", "YYYY-MM-DD/YYYY-MM-DD" (a week), "YYYY-MM" or "YYYY"
    actor: str | None  # canonical name
    actor_id: str | None
    action: str  # PLOVER category
    target: str | None
    target_id: str | None
    verb: str
    sentence: str
    start: int  # sentence span
    end: int
    date_start: int = 0  # span of the date expression
    date_end: int = 0
    #: the date was resolved with the help of an estimated document date ("text-latest"): a guess
    date_estimated: bool = False


@dataclass(frozen=True)
class IssueLink:
    """A sentence bearing on a scenario issue, with a suggested direction."""

    issue: str
    start: int
    end: int
    sentence: int
    score: float
    direction: str | None  # "toward_0", "toward_100" or None
    confidence: float
    actors: tuple[str, ...] = ()  # actor ids named in (or speaking) the sentence
    matched: tuple[str, ...] = ()  # the terms that matched


@dataclass(frozen=True)
class StanceSuggestion:
    """A drafted stance for an analyst to accept, with the evidence it rests on."""

    actor: str
    issue: str
    position: float
    position_low: float
    position_high: float
    salience: float
    confidence: float
    evidence: tuple[Evidence, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ActorEntity:
    """A person or organisation named in one document, with every span that names it.

    Found by :mod:`stratagem.evidence.actors` beyond the gazetteer; ``gazetteer_id`` links it to a
    gazetteer actor when one of its mentions is that actor's alias.
    """

    id: str  # the gazetteer id when linked, else a document-local id such as "ent:pat-ryder"
    name: str  # the longest full form found
    kind: str  # "person" or "organisation"
    mentions: tuple[tuple[int, int], ...]
    gazetteer_id: str | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything pulled from one cleaned document."""

    document: str
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...]
    events: tuple[Event, ...]
    actors: tuple[str, ...] = field(default=())  # gazetteer and entity names in order of first mention
    entities: tuple[ActorEntity, ...] = ()  # people and organisations found beyond the gazetteer

    def to_json(self) -> dict[str, object]:
        """The ``stratagem extract --json`` shape."""
        return {
            "actors": list(self.actors),
            "entities": [
                {"id": e.id, "name": e.name, "kind": e.kind, "gazetteer_id": e.gazetteer_id,
                 "mentions": [list(span) for span in e.mentions]}
                for e in self.entities
            ],
            "quotes": [
                {"speaker": q.speaker, "speaker_actor": q.speaker_actor, "text": q.text, "direct": q.direct,
                 "start": q.start, "end": q.end,
                 "kind": q.kind,
                 "quoted": [list(span) for span in q.quoted], "cue": q.cue, "reported_by": q.reported_by,
                 "speaker_basis": q.speaker_basis}
                for q in self.quotes
            ],
            "events": [
                {
                    "date": e.date,
                    "actor": e.actor,
                    "action": e.action,
                    "target": e.target,
                    "sentence": e.sentence,
                    "start": e.start,
                    "end": e.end,
                    "date_estimated": e.date_estimated,
                }
                for e in self.events
            ],
        }
