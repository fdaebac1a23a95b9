"""No hindsight: what a scenario dated ``as_of`` may rest on.

A scenario describes a negotiation as it stood on its ``as_of`` date, so drafting,
evidence listings and ``stratagem new`` leave out documents published after it and
events dated after it, and say how many they left out. A document whose date is
only guessed from the latest date in its text ("text-latest") was published no
earlier than that date, so a guess after ``as_of`` is left out too; an undated
document is kept (nothing says it is later). ``include_after=True`` keeps everything
on purpose (the counts still say what is after ``as_of``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from stratagem.model.schema import Evidence

INCLUDE_OPTION = "--include-after-as-of"


class Dated(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def date(self) -> dt.date | None: ...


D = TypeVar("D", bound=Dated)


@dataclass(frozen=True)
class AsOf(Generic[D]):
    """Documents kept and left out for an ``as_of`` date."""

    kept: tuple[D, ...]
    after: tuple[D, ...]  # dated after as_of (left out unless included on purpose)
    as_of: dt.date | None
    included: bool = False

    @property
    def left_out(self) -> tuple[D, ...]:
        return () if self.included else self.after


def is_after(date: dt.date | None, as_of: dt.date | None) -> bool:
    return date is not None and as_of is not None and date > as_of


def documents_as_of(documents: Iterable[D], as_of: dt.date | None, *, include_after: bool = False) -> AsOf[D]:
    """Split documents into those usable on ``as_of`` and those dated after it (all kept when including)."""
    items = list(documents)
    after = tuple(d for d in items if is_after(d.date, as_of))
    kept = tuple(items) if include_after else tuple(d for d in items if not is_after(d.date, as_of))
    return AsOf(kept=kept, after=after, as_of=as_of, included=include_after)


@dataclass(frozen=True)
class EvidenceAsOf:
    """Evidence records kept for an ``as_of`` date, and what was left out."""

    kept: tuple[Evidence, ...]
    documents_after: tuple[str, ...]  # ids of documents dated after as_of
    events_after: tuple[Evidence, ...]  # records dated after as_of in documents not already after it
    as_of: dt.date | None
    included: bool = False

    @property
    def n_left_out(self) -> int:
        return 0 if self.included else len(self.documents_after) + len(self.events_after)

    def message(self) -> str:
        """One line for the CLI and the web app, or "" when nothing is after ``as_of``."""
        if self.as_of is None or not (self.documents_after or self.events_after):
            return ""
        what = f"{_n(len(self.documents_after), 'document')} and {_n(len(self.events_after), 'event')}"
        if self.included:
            return f"included {what} dated after as_of {self.as_of} (asked for with {INCLUDE_OPTION})"
        return f"left out {what} dated after as_of {self.as_of} ({INCLUDE_OPTION} includes them)"


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def evidence_as_of(evidence: Iterable[Evidence], document_dates: Mapping[str, dt.date | None],
                   as_of: dt.date | None, *, include_after: bool = False) -> EvidenceAsOf:
    """Leave out records in documents dated after ``as_of`` and records (events) dated after it."""
    docs_after = tuple(sorted(d for d, date in document_dates.items() if is_after(date, as_of)))
    late_docs = set(docs_after)
    kept: list[Evidence] = []
    events_after: list[Evidence] = []
    for ev in evidence:
        if ev.document in late_docs:
            if include_after:
                kept.append(ev)
            continue
        if is_after(ev.date, as_of):
            events_after.append(ev)
            if not include_after:
                continue
        kept.append(ev)
    return EvidenceAsOf(kept=tuple(kept), documents_after=docs_after, events_after=tuple(events_after),
                        as_of=as_of, included=include_after)
