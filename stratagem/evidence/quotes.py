"""Quotations and reported speech, with their speakers.

Direct quotations are spans in quotation marks (curly or straight) that a
speech verb or an attribution colon presents as someone's words. Terms in
quotation marks without such a signal (scare quotes, titles, named terms) are
not quotes. The speaker is the subject of the speech verb, found by general
rules:

* the clause holding the verb starts at the sentence start or after ``;``,
  ``while``, ``but``; leading adverbials ("On April 13,", "Commenting on X,",
  "When X was appointed,") are skipped; the subject phrase runs to the first
  comma, dash or verb;
* in the subject phrase a named person wins over an organisation or state
  (title + name: "Secretary of State Mike Pompeo"), "X's spokesman" is X, and
  a name after "of"/"to"/"with" is not the head ("One follower of Sadr" stays
  an unnamed speaker);
* inverted attribution ("..., said McKenzie") and "according to X" are read;
* "he"/"she" resolve only to a person: the subject of the previous sentence
  when it is a named person, else the last named person quoted in the same
  paragraph; "they"/"it" stay unresolved;
* quoted fragments in one sentence with the same speaker are joined into one
  quote (a split quotation) with its parts kept.

Sentences with a reporting cue ("said that", "according to", "warned",
"called for", "urged", "demanded", "claimed") and no quotation marks yield
indirect quotes (``direct=False``) whose span is the reported clause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from stratagem.evidence.gazetteer import Gazetteer, default_gazetteer
from stratagem.evidence.records import Mention, Quote, Sentence

_SPEECH = (
    r"said|says|say|stated|states|told|tells|added|adds|adding|claimed|claims|claiming|predicted|predicts|"
    r"warned|warns|warning|saying|acknowledged|acknowledges|promised|promises|declared|declares|announced|"
    r"insisted|insists|noted|notes|argued|argues|wrote|writes|asked|explained|characterized|characterised|"
    r"described|urged|demanded|demands|concluded|believes|believed|stressed|emphasized|emphasised|"
    r"underscoring|underscored|threatened|vowed|pledged|remarked|commented|tweeted|posted|replied|"
    r"responded|announcing|declaring|asserted|asserting|lamented|conceded|admitted|affirmed|reiterated"
)
_SPEECH_RE = re.compile(rf"(?<!\bthe )(?<!\ba )(?<!\ban )(?<!\bits )(?<!\btheir )\b(?:{_SPEECH})\b")
_INDIRECT_RE = re.compile(
    r"\b(?:said|says|stated|told [\w\s]{0,30}?|claimed|warned|argued|insisted|noted|announced|acknowledged|"
    r"believes|stressed|asserted)\s+that\b|\baccording to\b|\b(?:said|says|told\s+\w+)\s+(?=[a-z])|\b(?:warned|urged|called for|calling for|"
    r"demanded|demanding|called on|calling on|threatened|vowed|pledged|promised)\b",
    re.I,
)
_QUOTE_PAIRS = (("“", "”"), ('"', '"'), ("«", "»"))
_INTRO_WORDS = re.compile(
    r"^(?:to|on|in|at|before|after|during|since|following|meanwhile|however|moreover|yet|for|as|while|when|"
    r"if|although|though|despite|until|by|with|without|amid|last|earlier|later|then|also|still|thus|"
    r"hence|therefore|instead|indeed|today|yesterday|now)\b|^(?-i:[A-Za-z]+(?:ing|ed)\s+[a-z])",
    re.I,
)
_ADVERBS = re.compile(r"^\s*(?:(?:also|then|still|even|later|recently|reportedly|once|again|thus|and)\b\s*)+$", re.I)
_PRONOUN = re.compile(r"^\s*(he|she|they|it)\b", re.I)
_CLAUSE_BREAK = re.compile(r";|\bwhile\b|\bbut\b|\bwhereas\b|:\s|,\s+and\s+(?=[A-Z])")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int  # exclusive, including the closing mark


def quote_spans(text: str) -> list[_Span]:
    """Spans of quotation-mark pairs within one paragraph (marks included)."""
    spans: list[_Span] = []
    for opening, closing in _QUOTE_PAIRS:
        i = 0
        while True:
            a = text.find(opening, i)
            if a < 0:
                break
            b = text.find(closing, a + 1)
            if b < 0:
                break
            if "\n\n" in text[a:b]:
                i = a + 1
                continue
            spans.append(_Span(a, b + 1))
            i = b + 1
    spans.sort(key=lambda s: s.start)
    out: list[_Span] = []
    for s in spans:
        if out and s.start < out[-1].end:
            continue
        out.append(s)
    return out


def _mask(text: str, spans: Sequence[_Span], offset: int) -> str:
    chars = list(text)
    for s in spans:
        for k in range(max(s.start - offset, 0), min(s.end - offset, len(chars))):
            chars[k] = " "
    return "".join(chars)


@dataclass(frozen=True)
class _Speaker:
    name: str | None
    actor: str | None
    pronoun: str | None = None


def _subject_phrase(clause: str) -> tuple[int, str]:
    """Offset and text of the subject phrase at the start of a clause (after intro adverbials)."""
    pos = 0
    # skip leading adverbial segments that end with a comma
    for _ in range(4):
        rest = clause[pos:]
        stripped = rest.lstrip(" ,")
        pos += len(rest) - len(stripped)
        if _INTRO_WORDS.match(stripped) and "," in stripped:
            comma = stripped.index(",")
            # a name right before a speech verb is not an intro ("Qomi concluded, ...")
            if _SPEECH_RE.search(stripped[:comma]) is None:
                pos += comma + 1
                continue
        break
    rest = clause[pos:]
    m = re.search(r",|\s[–—-]\s|\s\(|\bwho\b|\bwhose\b|\bwhich\b", rest)
    end = m.start() if m else len(rest)
    verb = _SPEECH_RE.search(rest[:end])
    if verb:
        end = verb.start()
    return pos, rest[:end]


def _speaker_from_phrase(
    phrase_start: int, phrase: str, mentions: Sequence[Mention], gazetteer: Gazetteer
) -> _Speaker | None:
    phrase_end = phrase_start + len(phrase)
    inside = [m for m in mentions if m.start >= phrase_start and m.end <= phrase_end]
    p = _PRONOUN.match(phrase)
    if p and not inside:
        return _Speaker(None, None, p.group(1).lower())
    if not phrase.strip():
        return None
    heads = []
    for m in inside:
        before = phrase[: m.start - phrase_start]
        if re.search(r"\b(?:of|to|with|for|from|by|against|on|in)\s+(?:the\s+)?$", before):
            continue  # a complement, not the head
        after = phrase[m.end - phrase_start :]
        if re.match(r"['’]s\b", after) and any(o.start > m.end for o in inside):
            continue  # "Iraq's Harakat al-Nujaba": the possessor is not the speaker
        heads.append(m)
    persons = [m for m in heads if gazetteer.kind_of(m.actor) == "person"]
    if persons:
        m = persons[-1]
        return _Speaker(m.name, m.actor)
    if heads:
        m = heads[0]
        return _Speaker(m.name, m.actor)
    words = phrase.split()
    if not words or len(words) > 8:
        return None
    return _Speaker(" ".join(words), None)


def _find_speaker(
    sentence: Sentence, cue_start: int, masked: str, mentions: Sequence[Mention], gazetteer: Gazetteer
) -> _Speaker | None:
    """The subject of the speech verb at ``cue_start`` (offset relative to the sentence)."""
    before = masked[:cue_start]
    after = masked[cue_start:]
    # inverted: "..., said McKenzie" / "according to X"
    inv = re.match(r"\s*(?:said|says|told|added|according to)\s+", after, re.I)
    if inv:
        tail_start = sentence.start + cue_start + inv.end()
        gap_ok = re.compile(r"(?:[A-Z][\w.'’-]*\s+|the\s+){0,5}")
        near = [
            m for m in mentions
            if tail_start <= m.start <= tail_start + 60
            and gap_ok.fullmatch(masked[tail_start - sentence.start : m.start - sentence.start])
        ]
        if near and (after[: inv.end()].lower().strip().startswith("according") or before.rstrip().endswith(",")):
            persons = [m for m in near if gazetteer.kind_of(m.actor) == "person"]
            m = persons[0] if persons else near[0]
            return _Speaker(m.name, m.actor)
    clause_start = 0
    for br in _CLAUSE_BREAK.finditer(before):
        clause_start = br.end()
    clause = before[clause_start:]
    pos, phrase = _subject_phrase(clause)
    if (not phrase.strip() or _ADVERBS.match(phrase)) and clause_start > 0:
        # "X sent a message while also underscoring ...": the previous clause's subject
        pos, phrase = _subject_phrase(before)
        clause_start = 0
    return _speaker_from_phrase(sentence.start + clause_start + pos, phrase, mentions, gazetteer)


def extract_quotes(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    gazetteer: Gazetteer | None = None,
    *,
    indirect: bool = True,
) -> list[Quote]:
    """Direct (and, unless ``indirect=False``, indirect) quotes in a cleaned text."""
    gaz = gazetteer or default_gazetteer()
    spans = quote_spans(text)
    out: list[Quote] = []
    last_person: dict[int, _Speaker] = {}  # paragraph -> last named person quoted
    previous_subject: _Speaker | None = None
    previous_paragraph = -1
    for sentence in sentences:
        if sentence.paragraph != previous_paragraph:
            previous_subject = None
            previous_paragraph = sentence.paragraph
        in_sentence = [s for s in spans if sentence.start <= s.start and s.end <= sentence.end + 1]
        s_mentions = [m for m in mentions if sentence.start <= m.start < sentence.end]
        masked = _mask(sentence.text, in_sentence, sentence.start)
        _, subj_phrase = _subject_phrase(masked)
        subj_start = sentence.start + masked.find(subj_phrase) if subj_phrase else sentence.start
        subject = _speaker_from_phrase(subj_start, subj_phrase, s_mentions, gaz) if subj_phrase else None

        def resolve(sp: _Speaker | None, own: _Speaker | None = None, ps: _Speaker | None = previous_subject,
                    paragraph: int = sentence.paragraph) -> _Speaker | None:
            """Pronouns resolve conservatively to a named person (see the module docstring)."""
            if sp is None or sp.pronoun is None:
                return sp
            if sp.pronoun in {"he", "she"}:
                for candidate in (own, ps):
                    if candidate is not None and candidate.actor and gaz.kind_of(candidate.actor) == "person":
                        return candidate
                return last_person.get(paragraph)
            return None

        groups: dict[tuple[str | None, str | None], list[tuple[_Span, str]]] = {}
        for qs in in_sentence:
            rel_start = qs.start - sentence.start
            words = len(text[qs.start + 1 : qs.end - 1].split())
            cues = [c for c in _SPEECH_RE.finditer(masked) if c.start() < rel_start]
            after_cues = [c for c in _SPEECH_RE.finditer(masked) if c.start() >= qs.end - sentence.start]
            colon = re.search(r":\s*$", masked[:rel_start]) is not None
            cue = cues[-1] if cues else None
            if cue is None and after_cues and re.match(r"\s*[,”\"]*\s*(he|she|they|[A-Z])", masked[qs.end - sentence.start:]):
                cue = after_cues[0]  # "“...,” he said"
            if cue is None:
                continue
            if words <= 2 and cue is not None and cue.start() < rel_start:
                gap = len(masked[cue.end() : rel_start].split())
                if gap > 10:
                    continue
            speaker = _find_speaker(sentence, cue.start(), masked, s_mentions, gaz)
            cue_word = cue.group(0)
            if colon and speaker is None:
                speaker = subject
            own = subject if subject is not None and subject.pronoun is None and cue.start() > 0 else None
            speaker = resolve(speaker, own)
            key = (speaker.name if speaker else None, speaker.actor if speaker else None)
            groups.setdefault(key, []).append((qs, cue_word))
        for (name, actor), parts in groups.items():
            first, last = parts[0][0], parts[-1][0]
            inner = [(p.start + 1, p.end - 1) for p, _ in parts]
            quote_text = " … ".join(text[a:b].strip() for a, b in inner)
            out.append(Quote(speaker=name, speaker_actor=actor, text=quote_text, start=first.start + 1,
                             end=last.end - 1, direct=True, sentence=sentence.index, parts=tuple(inner),
                             cue=parts[0][1]))
            if actor and gaz.kind_of(actor) == "person":
                last_person[sentence.paragraph] = _Speaker(name, actor)
        if indirect and not in_sentence:
            m = _INDIRECT_RE.search(masked)
            if m:
                speaker = resolve(_find_speaker(sentence, m.start(), masked, s_mentions, gaz), subject)
                if speaker is not None and speaker.actor is not None:
                    start = sentence.start + m.end()
                    while start < sentence.end and text[start] in " ,:":
                        start += 1
                    if m.group(0).lower().startswith("according to"):
                        comma = text.find(",", start, sentence.end)
                        start = comma + 1 if comma > 0 else start
                        while start < sentence.end and text[start] == " ":
                            start += 1
                    end = sentence.end
                    if end > start:
                        out.append(Quote(speaker=speaker.name, speaker_actor=speaker.actor,
                                         text=text[start:end], start=start, end=end, direct=False,
                                         sentence=sentence.index, parts=((start, end),), cue=m.group(0)))
        if subject is not None and subject.pronoun is None:
            previous_subject = subject
        elif subject is not None:
            previous_subject = resolve(subject)
    out.sort(key=lambda q: (q.start, q.end))
    return out


def find_subject(
    text: str, sentence: Sentence, position: int, mentions: Sequence[Mention], gazetteer: Gazetteer | None = None
) -> tuple[str | None, str | None]:
    """Name and actor id of the subject of the verb at ``position`` (an offset into ``text``).

    Quoted words are ignored; pronouns are not resolved here (the name is None).
    """
    gaz = gazetteer or default_gazetteer()
    masked = _mask(sentence.text, quote_spans(text[sentence.start : sentence.end]), 0)
    s_mentions = [m for m in mentions if sentence.start <= m.start < sentence.end]
    sp = _find_speaker(sentence, position - sentence.start, masked, s_mentions, gaz)
    if sp is None or sp.pronoun is not None:
        return None, None
    return sp.name, sp.actor
