"""Dated events: who did what to whom and when, with a PLOVER action category.

A sentence with a date expression (day or month precision; see
:mod:`stratagem.evidence.dates`) and an action verb from the lexicon below gives
an event. The actor is the subject of the verb's clause (rules shared with quote
attribution), the target the first actor named after the verb, the date the
resolved date expression. Categories follow the PLOVER event ontology.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from stratagem.evidence.dates import DateContext, find_dates
from stratagem.evidence.gazetteer import Gazetteer, default_gazetteer
from stratagem.evidence.quotes import find_subject
from stratagem.evidence.records import Event, Mention, Sentence

#: PLOVER categories and the verbs (regular expressions) that signal them, most specific first.
PLOVER_LEXICON: tuple[tuple[str, str], ...] = (
    ("ASSAULT", r"struck|strikes?|striking|attack(?:ed|s|ing)?|kill(?:ed|ing|s)?|bomb(?:ed|ing|s)?|shell(?:ed|ing)|"
                r"fired|assassinat(?:ed|ion)|raid(?:ed|s)?|torch(?:ed|ing)|shot down|ambush(?:ed)?|launched"),
    ("SANCTION", r"sanction(?:ed|s)?|imposed|designat(?:ed|ion)|froze|freez(?:e|ing)|announced action against|"
                 r"blacklist(?:ed)?|cut off|suspend(?:ed|s)? (?:aid|cooperation)"),
    ("COERCE", r"bann(?:ed|ing)|bans?|arrest(?:ed|s)?|seiz(?:ed|ure)|detain(?:ed|s)?|expel(?:led|s)?|block(?:ed|s)?|"
               r"evict(?:ed)?|deport(?:ed)?|crack(?:ed|ing) down"),
    ("THREATEN", r"threat(?:en(?:ed|s)?)?|warn(?:ed|s)?|vow(?:ed|s)?|promised (?:a |an )?(?:\w+ )?retaliation|ultimatum"),
    ("DEMAND", r"demand(?:ed|s)?|call(?:ed|s|ing)? (?:for|on)|urg(?:ed|es|ing)|request(?:ed|s)?|press(?:ed|ing)|"
               r"insist(?:ed|s)?"),
    ("DISAPPROVE", r"criticiz(?:ed|es)|criticis(?:ed|es)|condemn(?:ed|s)?|denounc(?:ed|es)|lashed out|accus(?:ed|es)|"
                   r"blam(?:ed|es)"),
    ("REJECT", r"reject(?:ed|s)?|refus(?:ed|es|ing)|den(?:ied|ies)|veto(?:ed)?"),
    ("PROTEST", r"protest(?:ed|s|ing)?|demonstrat(?:ed|ion|ions)|rall(?:ied|y)|took part in a demonstration"),
    ("MOBILIZE", r"mobiliz(?:ed|ing)|deploy(?:ed|s)?|sent (?:troops|forces)|reinforc(?:ed|ing)|put on alert"),
    ("RETREAT", r"withdr(?:ew|awn|aw|awal)|pull(?:ed)? out|handed over|handover|evacuat(?:ed|ing)|paused|"
                r"suspend(?:ed|s)?"),
    ("CONCEDE", r"extend(?:ed|s)? (?:\w+ )?waivers?|extension|waiver|eas(?:ed|ing) sanctions|releas(?:ed|e)|"
                r"ceasefire|cease-fire|appointed|approved"),
    ("AGREE", r"agree(?:d|s|ment)?|sign(?:ed|s)|reach(?:ed)? (?:an|a) (?:agreement|deal)|accept(?:ed|s)?|deal"),
    ("AID", r"aid(?:ed)?|assist(?:ed|ance)|provid(?:ed|es)|donat(?:ed|ion)|train(?:ed|ing)"),
    ("COOPERATE", r"cooperat(?:ed|ion|e)|coordinat(?:ed|ion)|partner(?:ed|ship)"),
    ("SUPPORT", r"prais(?:ed|es)|welcom(?:ed|ing)|support(?:ed|s)?|endors(?:ed|es)|back(?:ed|s)"),
    ("CONSULT", r"met|meet(?:s|ing|ings)?|visit(?:ed|s)?|travel(?:ed|led)|talks|hosted|discuss(?:ed|ion)?|"
                r"resumed|negotiat(?:ed|ions?)|dialogue|call(?:ed)? for (?:a )?dialogue|announced|proposed|"
                r"held|convened"),
)
_REFERENCE = re.compile(r"^\s*\[\d+\]|^\s*\d+\.\s+[A-Z][^.]{0,80},\s*\"")
_LEXICON = tuple((cat, re.compile(rf"\b(?:{pat})\b", re.I)) for cat, pat in PLOVER_LEXICON)


def _action(text: str, start: int, end: int) -> tuple[str, int, str] | None:
    """The PLOVER category, offset and word of the first action verb in text[start:end]."""
    best: tuple[str, int, str] | None = None
    for cat, rx in _LEXICON:
        m = rx.search(text, start, end)
        if m and (best is None or m.start() < best[1]):
            best = (cat, m.start(), m.group(0))
    return best


def extract_events(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    gazetteer: Gazetteer | None = None,
    *,
    document_date: dt.date | None = None,
    date_estimated: bool = False,
    include_years: bool = False,
) -> list[Event]:
    """Dated events in a cleaned text. Dates that cannot be resolved to a year give no event.

    ``date_estimated`` marks ``document_date`` as an estimate (see :mod:`stratagem.evidence.pubdate`).
    """
    gaz = gazetteer or default_gazetteer()
    ctx = DateContext(document_date=document_date, estimated=date_estimated)
    events: list[Event] = []
    for sentence in sentences:
        ctx.enter_paragraph(sentence.paragraph)
        dates = find_dates(sentence.text, sentence.start)
        if _REFERENCE.match(sentence.text):
            for d in dates:
                ctx.observe(d)
            continue  # a footnote or reference entry, not a report of an action
        s_mentions = [m for m in mentions if sentence.start <= m.start < sentence.end]
        seen_dates: set[str] = set()
        for k, d in enumerate(dates):
            resolved = ctx.resolve(d)
            ctx.observe(d)
            if resolved is None or (d.year_only and not include_years) or resolved in seen_dates:
                continue
            # the verb governed by this date: after it up to the next date, else anywhere before it
            limit = dates[k + 1].start if k + 1 < len(dates) else sentence.end
            act = _action(text, d.end, limit) or _action(text, sentence.start, d.start)
            if act is None:
                continue
            category, verb_at, verb = act
            actor_name, actor_id = find_subject(text, sentence, verb_at, s_mentions, gaz)
            if actor_name is None:
                before = [m for m in s_mentions if m.end <= verb_at]
                if before:
                    actor_name, actor_id = before[-1].name, before[-1].actor
            target = next(
                (m for m in s_mentions if m.start > verb_at and m.actor != actor_id), None
            )
            seen_dates.add(resolved)
            events.append(Event(
                date=resolved, actor=actor_name, actor_id=actor_id, action=category,
                target=target.name if target else None, target_id=target.actor if target else None,
                verb=verb, sentence=sentence.text, start=sentence.start, end=sentence.end,
                date_start=d.start, date_end=d.end,
            ))
    return events
