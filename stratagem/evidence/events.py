"""Dated events: who did what to whom and when, with a PLOVER action category.

A sentence with a date expression (day or month precision; see
:mod:`stratagem.evidence.dates`) and an action verb from the lexicon below gives
an event. The verb is a past-tense verb right before the date, or before it and a
short object ("threatened on Monday to resume attacks": THREATEN, not the later noun;
"visited Baghdad yesterday"), else the first action
word after the date up to the next date, else the first one before it.

The actor is an actor, never a text fragment: the subject of the verb's clause
(rules shared with quote attribution) when it is a gazetteer actor or a person or
organisation the open-vocabulary actor module (:mod:`stratagem.evidence.actors`)
found there; a subject phrase that is neither gives no actor; with no subject
phrase at all, the last gazetteer actor named before the verb. A wire dateline opening the sentence ("BAGHDAD,
Feb 20, 2024 (Wire) -", "BAGHDAD —") is a place, never an actor or target. The
target is the first other actor named after the verb. The date is the resolved
date expression; ``date_estimated`` marks dates resolved with the help of an
estimated document date (``text-latest``). Categories follow the PLOVER event
ontology.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Sequence

from stratagem.evidence.actors import ORG_HEADS, TITLES
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
               r"insist(?:ed|s)?|(?<!\bwho )ask(?:ed|s)? (?!not\b)(?:\w+ ){1,2}to"),
    ("DISAPPROVE", r"summon(?:ed|s)?|criticiz(?:ed|es)|criticis(?:ed|es)|condemn(?:ed|s)?|denounc(?:ed|es)|lashed out|accus(?:ed|es)|"
                   r"blam(?:ed|es)"),
    ("REJECT", r"reject(?:ed|s)?|refus(?:ed|es|ing)|den(?:ied|ies)|veto(?:ed)?"),
    ("PROTEST", r"protest(?:ed|s|ing)?|demonstrat(?:ed|ion|ions)|rall(?:ied|y)|took part in a demonstration"),
    ("MOBILIZE", r"mobiliz(?:ed|ing)|deploy(?:ed|s)?|(?:sent|added) (?!that\b)(?:\w+ )?(?:troops|forces|soldiers)|reinforc(?:ed|ing)|put on alert"),
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
#: a wire dateline opening a sentence: "BAGHDAD —", "BAGHDAD, Feb 20, 2024 (Wire) - ", "ERBIL, Iraq (AP) — "
DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+){0,3}(?:,[^–—\n]{0,40}?)?\s*(?:\([^)]{1,30}\)\s*)?[-–—]{1,2}\s+"
)
#: verb forms that, right before a date, are the action it dates ("threatened on Monday to resume attacks")
_OBJECT_WORDS = 3
_WEEKDAY_GAP = re.compile(r"\s(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s*$")
_PAST_IRREGULAR = frozenset({"met", "struck", "froze", "withdrew", "held", "sent", "shot down", "cut off"})
#: a subordinate clause or adjunct right after a date: the date belongs to the verb before it
_SUBORDINATE = re.compile(r"[\s,]*(?:after|before|following|when|as|because|amid|despite|in response to)\b", re.I)
_CLAUSE_BREAK = re.compile(r";|:\s|\bbut\b|\bwhile\b|\bwhereas\b|,\s+and\b")
_LEAD_ADVERBIAL = re.compile(
    r"(?:\s*(?:On|In|At|By|From|Since|During|After|Before|Following|Late|Early|Last|Earlier|Later|Meanwhile|"
    r"However|Yet|Still|Then|Also|Separately|When|As|While|Until|Within|Over|Under|Amid)\b[^,]{0,80},)+\s*"
)
_REFERENCE = re.compile(r"^\s*\[\d+\]|^\s*\d+\.\s+[A-Z][^.]{0,80},\s*\"")
_LEXICON = tuple((cat, re.compile(rf"\b(?:{pat})\b", re.I)) for cat, pat in PLOVER_LEXICON)


#: a negation, failure or mere wish just before an action word: "without agreement", "failed to agree", "no
#: deal", "did not sign", "never met", "I want a deal", "hopes to meet" (up to two words between: "without a
#: formal agreement"): PLOVER records actions that happened
_NEGATED = re.compile(
    r"(?:\b(?:without|no|not|never|nor|neither|cannot|failed|fails|failing|fail|unable|refused|refuses|refusing|"
    r"declined|declines|lack|absence|wants?|wanted|hopes?|hoped|hoping|seeks?|seeking|sought|needs?|needed|"
    r"(?:calls?|called|push|pushes|pushed)\s+for)|n['’]t)(?:\s+(?:to|of|a|an|any|the))?(?:\s+[\w-]+){0,2}?\s+$",
    re.I)
_NOT_NEGATION = re.compile(r"\b(?:no\s+(?:one|doubt|longer)|not\s+only|nor\s+only)\b|"
                           r"(?:\bnot|\bnever|n['’]t)\s+(?:hesitat|wait)\w*\s+(?:to|before)\b", re.I)
#: where a negation's clause ends: an action word after it is another clause's ("no release schedule had been
#: published and that it would ask parliament to review")
_NEGATION_SCOPE_END = re.compile(r"[,;:.]|\b(?:but|while|whereas|then)\b|\band\s+(?:that|it|he|she|they|we|I)\b")


#: a negative subject a few words before an action word: "Nobody wins from a strike", "No one was arrested",
#: "None of the envoys met": no actor did it (but "Nobody was hurt in the attack" names an attack that happened)
_NO_ONE = re.compile(r"\b(?:nobody|no\s+one|none|nothing|neither)(?:\s+[\w'’-]+){0,3}?\s+(?<!\bthe\s)$", re.I)


def _in_a_name(text: str, start: int, at: int) -> bool:
    """A capitalised action word inside a sentence is part of a name ("the Balkan Dialogue Institute")."""
    return text[at].isupper() and bool(re.search(r"[\w,]\s+$", text[max(start, at - 3):at]))


def _negated(text: str, start: int, at: int) -> bool:
    """The action word at ``at`` is negated or failed ("broke up without agreement", "failed to reach a deal")."""
    window = text[max(start, at - 40):at]
    if _NO_ONE.search(window):
        return True
    m = _NEGATED.search(window)
    return m is not None and not _NOT_NEGATION.search(window, m.start()) and \
        not re.search(r"[,;:.]", window[m.start():])


def _action(text: str, start: int, end: int) -> tuple[str, int, str] | None:
    """The PLOVER category, offset and word of the first action verb in text[start:end] that is not negated.

    PLOVER has no category for an action that did not happen, so "without agreement" is no AGREE event.
    """
    lo = start
    while lo < end:
        best: tuple[str, int, str] | None = None
        for cat, rx in _LEXICON:
            for m in rx.finditer(text, lo, end):
                if best is not None and m.start() >= best[1]:
                    break
                if not _in_a_name(text, start, m.start()):
                    best = (cat, m.start(), m.group(0))
                    break
        if best is None or not _negated(text, start, best[1]):
            return best
        # "did not condemn the attack": the negation voids its clause; "attack" is its object, not an action
        brk = _NEGATION_SCOPE_END.search(text, best[1], end)
        if brk is None:
            return None
        lo = brk.end()
    return None


def _verb_right_before(text: str, start: int, date_at: int) -> tuple[str, int, str] | None:
    """A past-tense action verb right before the date expression at ``date_at`` (at most a short object
    between: "visited Baghdad yesterday", "condemned the attack on Feb. 19"), or None."""
    lo = max(start, date_at - 60)
    best: tuple[str, int, str] | None = None
    for cat, rx in _LEXICON:
        for m in rx.finditer(text, lo, date_at):
            word = m.group(0).lower()
            gap = _WEEKDAY_GAP.sub(" ", text[m.end() : date_at])  # "agreed on Tuesday, 2 September"
            if not (word.endswith("ed") or word in _PAST_IRREGULAR) or len(gap.split()) > _OBJECT_WORDS or \
                    _negated(text, start, m.start()) or _in_a_name(text, start, m.start()):
                continue
            between = _action(text, m.end(), date_at)
            if gap.strip() and (re.search(r"[,;:()“”\"]|\b(?:after|before|following|when|since|because|amid|despite|while)\b", gap)
                                or (between is not None and between[0] != cat)  # "signed an agreement on Tuesday"
                                or re.search(r"\b(?:was|were|been|being|is|are|be)\s+$", text[lo : m.start()])):
                continue  # another clause or action word between, or a passive ("was appointed as ...")
            if best is None or m.start() > best[1]:
                best = (cat, m.start(), m.group(0))
    return best


def _no_dateline(sentence: Sentence) -> Sentence:
    """The sentence without a wire dateline opening it (the same sentence when it has none)."""
    m = DATELINE.match(sentence.text)
    if m is None:
        return sentence
    return Sentence(sentence.index, sentence.start + m.end(), sentence.end, sentence.text[m.end() :],
                    sentence.paragraph)


def extract_events(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    gazetteer: Gazetteer | None = None,
    *,
    document_date: dt.date | None = None,
    date_estimated: bool = False,
    include_years: bool = False,
    entity_actor: Callable[[int, int], tuple[str, str | None] | None] | None = None,
) -> list[Event]:
    """Dated events in a cleaned text. Dates that cannot be resolved to a year give no event.

    ``date_estimated`` marks ``document_date`` as an estimate (see :mod:`stratagem.evidence.pubdate`).
    ``entity_actor(start, end)``, when given, names the person or organisation (outside the
    gazetteer) found at a span, as (name, id or None); it is how open-vocabulary actors become
    event actors.
    """
    gaz = gazetteer or default_gazetteer()
    ctx = DateContext(document_date=document_date, estimated=date_estimated)
    events: list[Event] = []
    by_start = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in by_start]
    for full in sentences:
        ctx.enter_paragraph(full.paragraph)
        dates = find_dates(full.text, full.start)
        if _REFERENCE.match(full.text):
            for d in dates:
                ctx.observe(d)
            continue  # a footnote or reference entry, not a report of an action
        sentence = _no_dateline(full)
        s_mentions = by_start[bisect.bisect_left(starts, sentence.start):bisect.bisect_left(starts, sentence.end)]
        seen_dates: set[str] = set()
        for k, d in enumerate(dates):
            found = ctx.resolution(d)
            ctx.observe(d)
            if found is None or (d.year_only and not include_years) or found.value in seen_dates:
                continue
            if d.start < sentence.start:
                continue  # the dateline's own date: the document date, not an action's
            # the verb governed by this date: a past-tense verb right before it, else after it up to the
            # next date (unless a subordinate clause follows: "... on Tuesday after a strike"), else
            # anywhere before it
            limit = dates[k + 1].start if k + 1 < len(dates) else sentence.end
            # an action before the date is looked for in the date's own clause ("Talks broke down on Monday,
            # and the union said it would walk out on Thursday": Thursday is not the talks' date)
            clause_lo = max((m.end() for m in _CLAUSE_BREAK.finditer(text, sentence.start, d.start)),
                            default=sentence.start)
            before = _action(text, clause_lo, d.start)
            if before is not None and _outside_quote(text, sentence.start, before[1]) != before[1] \
                    and _outside_quote(text, sentence.start, d.start) == d.start:
                # '“A deal is there to be had,” Okoro told reporters on Thursday': the date is when she spoke;
                # an action word in her words is not dated by it
                before = None
            after = None if before and _SUBORDINATE.match(text, d.end) else _action(text, d.end, limit)
            if before and after and before[0] != after[0] and text.startswith(",", d.end) and \
                    not re.search(r"[,;:]", text[before[1]:d.start]):
                after = None  # "signed a declaration in Doha on Saturday, committing both sides to a ceasefire"
            act = _verb_right_before(text, sentence.start, d.start) or after or before
            if act is None:
                continue
            category, verb_at, verb = act
            actor_name, actor_id = _actor(text, sentence, verb_at, s_mentions, gaz, entity_actor)
            target = next(
                (m for m in s_mentions if m.start > verb_at and m.actor != actor_id), None
            )
            seen_dates.add(found.value)
            events.append(Event(
                date=found.value, actor=actor_name, actor_id=actor_id, action=category,
                target=target.name if target else None, target_id=target.actor if target else None,
                verb=verb, sentence=full.text, start=full.start, end=full.end,
                date_start=d.start, date_end=d.end, date_estimated=found.approximate,
            ))
    return events


def _outside_quote(text: str, start: int, at: int) -> int:
    """``at``, or the start of the framing clause's end when ``at`` lies inside a quotation opened before it."""
    before = text[start:at]
    opening = max(before.rfind("“"), before.rfind("«"))
    closing = max(before.rfind("”"), before.rfind("»"))
    straight = [k for k, ch in enumerate(before) if ch == '"']
    if len(straight) % 2 == 1 and straight[-1] > opening:
        opening, closing = straight[-1], -1
    if opening < 0 or closing > opening:
        return at
    return start + len(before[:opening].rstrip(" ,:\u00a0"))


def _subject_span(text: str, sentence: Sentence, verb_at: int) -> tuple[int, int] | None:
    """Span of the subject phrase of the verb at ``verb_at``: its clause up to the verb, without opening
    adverbials ("On April 18,") and appositions ("Nujaba, an Iran-aligned group,"); None when the verb
    opens its clause."""
    lo = sentence.start
    for m in _CLAUSE_BREAK.finditer(text, sentence.start, verb_at):
        lo = m.end()
    lead = _LEAD_ADVERBIAL.match(text, lo, verb_at)
    if lead:
        lo = lead.end()
    phrase = text[lo:verb_at]
    if not phrase.strip():
        return None
    return lo, verb_at


_COMPLEMENT = re.compile(r"\s(?:of|to|with|for|from|by|against|on|in|at|than|between|over|about|among|amid|after|"
                         r"before|during|without|near|into|under|across|behind|despite)\s", re.I)


_AGENT_NOUNS = frozenset(re.split(r"\s+", """negotiators negotiator envoys envoy delegates delegation delegations
    officials representatives members leaders diplomats ministers troops forces fighters spokesman spokeswoman"""))


def _head_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where a subject phrase's actor may be named: its head, before any complement ("Talks between Egypt and
    Sudan over the dam": "Talks"), then an apposition closed by a comma ("The head of the body, Gen. X,")."""
    segments: list[tuple[int, int]] = []
    at = start
    for m in re.finditer(",", text[start:end]):
        segments.append((at, start + m.start()))
        at = start + m.end()
    segments.append((at, end))
    parts: list[tuple[int, int]] = []
    for k, (a, b) in enumerate(segments[:2]):
        if k == 1 and len(segments) < 3:
            break  # "Talks between Egypt, Ethiopia and Sudan ...": a list, not an apposition
        cut = b
        for complement in _COMPLEMENT.finditer(text, a, b):
            before = text[a:complement.start()].split()
            if not before:
                continue  # "after the House of Representatives voted": a clause opening with its subject next
            if before[-1].lower() in _AGENT_NOUNS and complement.group(0).strip().lower() in ("of", "from"):
                continue  # "Negotiators from Indonesia and the EU": the body the agents are of acts
            if before[-1][:1].isupper() and (len(before) > 1 or before[-1] in TITLES or before[-1] in ORG_HEADS):
                continue  # "Secretary of State Mike Pompeo", "Minister of Oil": a title, not a complement
            if complement.group(0).strip().lower() == "by" and re.search(r"(?:ed|en|out)$", before[-1]):
                continue  # "the attack carried out by US forces": the passive's agent is the actor
            cut = complement.start()
            break
        parts.append((a, cut))
    return parts


def _head(text: str, start: int, end: int, mentions: Sequence[Mention], gaz: Gazetteer) -> Mention | None:
    """The actor heading a subject phrase: a named person, else the first actor that is not a complement
    ("the head of the Quds Force"); an apposition after the first comma is tried when the first part
    names none ("The head of the force, Gen. X, visited")."""
    for a, b in _head_parts(text, start, end):
        heads = [m for m in mentions if a <= m.start and m.end <= b]
        persons = [m for m in heads if gaz.kind_of(m.actor) == "person"]
        if persons:
            return persons[-1]
        if heads:
            return heads[0]
    return None


def _actor(
    text: str,
    sentence: Sentence,
    verb_at: int,
    mentions: Sequence[Mention],
    gaz: Gazetteer,
    entity_actor: Callable[[int, int], tuple[str, str | None] | None] | None,
) -> tuple[str | None, str | None]:
    """The actor of the verb at ``verb_at``: a gazetteer actor or an open-vocabulary entity, else none.

    A verb inside a quotation is the speaker's: the subject is sought before the opening mark.
    """
    verb_at = _outside_quote(text, sentence.start, verb_at)
    adjacent = [m for m in mentions if m.end <= verb_at and re.fullmatch(r"(?:['’]s)?\s*", text[m.end : verb_at])]
    if adjacent:  # "the Hamas attack", "Nujaba's strikes": the actor named right before the action
        return adjacent[-1].name, adjacent[-1].actor
    span = _subject_span(text, sentence, verb_at)
    if span is not None:
        head = _head(text, *span, mentions, gaz)
        if head is not None:
            return head.name, head.actor
    name, actor_id = find_subject(text, sentence, verb_at, mentions, gaz)
    if actor_id is not None:  # the actor's name, not the subject phrase ("the European Union ended a round of")
        return gaz.name_of(actor_id) if name is None or len(name.split()) > 4 else name, actor_id
    if span is not None:  # a subject phrase that names no gazetteer actor: an entity at its head, or nobody
        entity = None
        if entity_actor is not None:
            for a, b in _head_parts(text, *span):
                entity = entity_actor(a, b)
                if entity is not None:
                    break
        return entity if entity is not None else (None, None)
    before = [m for m in mentions if m.end <= verb_at]
    if before:
        return before[-1].name, before[-1].actor
    return None, None
