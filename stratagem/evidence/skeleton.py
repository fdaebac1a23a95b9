"""A scenario skeleton from documents: the cast found in them and commented placeholders to fill in.

:func:`find_cast` counts, per actor, the gazetteer mentions in each document's
cleaned text and the quotes and dated events the evidence records credit to it;
speakers quoted but matched to no actor are listed apart, so an analyst can add
them. :func:`skeleton_yaml` writes the YAML a newcomer starts from: every field
with a comment saying what it means, one placeholder issue per ``n_issues`` with
anchor labels to fill in, no stances. The text loads with the scenario loader as
written (an issue without stances is a work in progress: it validates and drafts;
only forecasting refuses it).

Pure functions: no workspace, no files (the store layer reads the workspace).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from stratagem.evidence.actors import extract_actor_entities, names_a_state
from stratagem.evidence.gazetteer import Gazetteer
from stratagem.model.schema import Document, Evidence

#: what a scenario id may look like (the schema's Identifier)
SCENARIO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,79}$")


@dataclass(frozen=True)
class CastMember:
    """An actor found in the documents, with how often and where."""

    id: str  # a scenario actor id (the gazetteer id when the gazetteer knows the actor)
    name: str
    kind: str
    mentions: int  # gazetteer mentions plus records naming it outside a mention
    documents: tuple[tuple[str, int], ...]  # (document id, mentions there), most first
    surfaces: tuple[str, ...]  # the other names it goes by in the documents, sorted
    quotes: int = 0
    events: int = 0
    known: bool = True  # True when the gazetteer knows it; False when only evidence records name it


@dataclass(frozen=True)
class Speaker:
    """A quoted speaker that no actor matched: a candidate actor the analyst may add."""

    name: str
    quotes: int
    documents: tuple[str, ...]


@dataclass(frozen=True)
class Cast:
    members: tuple[CastMember, ...]
    speakers: tuple[Speaker, ...]
    #: people and organisations found beyond the gazetteer but named once and never quoted: listed, not cast
    named_once: tuple[str, ...] = ()


#: how often a person or organisation the gazetteer does not know must be named to join the cast (a quoted
#: one always joins): a wire story names many people once in passing
MIN_ENTITY_MENTIONS = 2


def _actor_id(text: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.\-]+", "-", text.strip()).strip("-.").lower()[:70] or "actor"
    if not base[0].isalnum():
        base = "a" + base
    candidate, k = base, 2
    while candidate in used:
        candidate, k = f"{base}-{k}", k + 1
    used.add(candidate)
    return candidate


@dataclass(frozen=True)
class _NameIndex:
    """Entity keys by full name and, for people, by surname: a speaker or a short form is looked up in a
    few dictionary reads, not a pass over every entity of a workspace."""

    by_name: dict[str, str]
    by_surname: dict[str, list[str]]  # people with a first name and a surname only

    @classmethod
    def of(cls, names: Mapping[str, str]) -> _NameIndex:
        by_name: dict[str, str] = {}
        by_surname: dict[str, list[str]] = defaultdict(list)
        for key, name in names.items():
            by_name.setdefault(name, key)
            if key.startswith("person:") and len(name.split()) > 1:
                by_surname[name.split()[-1]].append(key)
        return cls(by_name, dict(by_surname))


_NO_NAMES = _NameIndex({}, {})


def _entity_for(speaker: str, index: _NameIndex) -> str | None:
    """The entity key a quoted speaker phrase names: the entity's name itself, the phrase ending in it
    ("NURW general secretary Dev Okafor"; the longest name it ends in), or a person's surname, alone or
    after an honorific or title ("Mr. Berglund")."""
    words = speaker.split()
    for i in range(len(words)):
        if (key := index.by_name.get(" ".join(words[i:]))) is not None:
            return key
    people = index.by_surname.get(words[-1], []) if words else []
    # a surname alone counts too ("VOLLAN:" in a transcript), when only one person bears it
    return people[0] if len(people) == 1 and (len(words) > 1 or speaker[:1].isupper()) else None


def _same_across_documents(entity_names: Mapping[str, str], doc_entities: Mapping[str, Mapping[str, str]],
                           doc_actors: Mapping[str, set[str]]) -> dict[str, str]:
    """Entity keys that name the same actor as a longer key found in another document: a surname alone
    ("Achterberg") for the one person with that surname ("Tomas Achterberg"), an organisation's name for
    the one longer name it ends ("Port Authority" for "Rottervale Port Authority"). Documents each merge
    their own mentions (:mod:`stratagem.evidence.actors`); a case's documents name the same people
    differently, and each form alone would be cast twice. Kept apart: an ambiguous short form, two forms
    one document names side by side (its actor finder kept them apart: "the Security Council" and "the
    National Security Council"), and forms whose documents name nobody else in common (a "Supreme Court"
    story and an "Arkansas Supreme Court" one may be about two courts)."""
    docs_of: dict[str, set[str]] = defaultdict(set)
    for doc, here in doc_entities.items():
        for key in here:
            docs_of[key].add(doc)
    people = _NameIndex.of(entity_names).by_surname
    ending: dict[str, list[str]] = defaultdict(list)  # "Port Authority" -> the organisations named "... Port Authority"
    for key, name in entity_names.items():
        words = name.split()
        if key.startswith("organisation:") and name[0].isupper():
            for i in range(1, len(words) - 1):
                ending[" ".join(words[i:])].append(key)

    def context(docs: set[str]) -> set[str]:
        words = {w.lower() for doc in docs for n in doc_entities[doc].values() for w in n.split()}
        return words | {a for doc in docs for a in doc_actors.get(doc, set())}

    merged: dict[str, str] = {}
    for key, name in entity_names.items():
        kind, words = key.split(":", 1)[0], name.split()
        if kind == "person" and len(words) == 1:
            longer = people.get(name, [])
        elif kind == "organisation" and len(words) >= 2:
            longer = ending.get(name, [])
        else:
            continue
        if len(longer) != 1 or docs_of[key] & docs_of[longer[0]]:
            continue
        pair = {w.lower() for w in (name + " " + entity_names[longer[0]]).split()}
        if (context(docs_of[key]) & context(docs_of[longer[0]])) - pair:
            merged[key] = longer[0]
    return merged


def find_cast(texts: Mapping[str, str], records: Iterable[Evidence], gazetteer: Gazetteer) -> Cast:
    """The actors the documents name and unmatched speakers.

    The cast is the gazetteer's actors mentioned, and the people and organisations the extractor
    finds beyond it (:func:`stratagem.evidence.actors.extract_actor_entities`) when they are quoted
    or named at least :data:`MIN_ENTITY_MENTIONS` times. Members are sorted by mentions (most
    first), then name, so the same documents give the same cast in the same order.
    """
    per_doc: dict[str, Counter[str]] = defaultdict(Counter)
    surfaces: dict[str, set[str]] = defaultdict(set)
    entity_names: dict[str, str] = {}  # "person:Dev Okafor" -> "Dev Okafor"
    doc_entities: dict[str, dict[str, str]] = {}
    doc_actors: dict[str, set[str]] = defaultdict(set)  # the gazetteer actors each document mentions
    for doc_id in sorted(texts):
        for m in gazetteer.find_mentions(texts[doc_id]):
            doc_actors[doc_id].add(m.actor)
            per_doc[m.actor][doc_id] += 1
            surfaces[m.actor].add(" ".join(m.surface.split()))
        here: dict[str, str] = {}
        for ent in extract_actor_entities(texts[doc_id], gazetteer=gazetteer):
            if ent.gazetteer_id is not None or ent.kind not in ("person", "organisation"):
                continue  # a gazetteer actor is counted by its mentions above
            name = " ".join(ent.name.split())
            key = f"{'state' if names_a_state(ent) else ent.kind}:{name}"  # the key's prefix is the cast kind
            per_doc[key][doc_id] += len(ent.mentions)
            entity_names[key] = name
            here[key] = name
        doc_entities[doc_id] = here
    doc_index = {doc: _NameIndex.of(here) for doc, here in doc_entities.items()}
    all_index = _NameIndex.of(entity_names)  # every document's, before merging: a speaker may name any of them
    merged = _same_across_documents(entity_names, doc_entities, doc_actors)
    for short, full in merged.items():
        per_doc[full].update(per_doc.pop(short))
        surfaces[full].add(entity_names.pop(short))
    quotes: Counter[str] = Counter()
    events: Counter[str] = Counter()
    extra_names: dict[str, str] = {}
    loose: dict[str, Counter[str]] = defaultdict(Counter)
    for r in records:
        if r.document not in texts:
            continue
        if r.actor:
            if r.kind == "quote":
                quotes[r.actor] += 1
            elif r.kind == "event":
                events[r.actor] += 1
            if r.actor not in gazetteer.actors and r.kind in ("quote", "event"):
                # an actor the extractor found outside the gazetteer: counted where records name it
                per_doc[r.actor][r.document] += 1
                extra_names.setdefault(r.actor, r.speaker or r.actor)
        elif r.kind == "quote" and r.speaker:
            named = {m.actor for m in gazetteer.find_mentions(r.speaker)}
            if len(named) == 1:  # "the Iraqi government spokesman": a quote of the one actor it names
                quotes[named.pop()] += 1
            elif (entity_key := _entity_for(r.speaker, doc_index.get(r.document, _NO_NAMES))
                  or _entity_for(r.speaker, all_index)) is not None:
                # the document's own people first; then one another document names ("VOLLAN:" in a
                # transcript that names him nowhere else)
                quotes[merged.get(entity_key, entity_key)] += 1
            else:
                loose[" ".join(r.speaker.split())][r.document] += 1
    used: set[str] = set()
    names: set[str] = set()
    members: list[CastMember] = []
    named_once: list[str] = []
    for actor in sorted(per_doc, key=lambda a: (-sum(per_doc[a].values()), a)):
        known = actor in gazetteer.actors
        entity = entity_names.get(actor)
        if entity is not None and sum(per_doc[actor].values()) < MIN_ENTITY_MENTIONS and not quotes[actor]:
            named_once.append(entity)
            continue
        name = " ".join((gazetteer.name_of(actor) if known else entity or extra_names.get(actor, actor)).split())
        if name in names:  # scenario actor names are unique
            name = f"{name} ({actor})"
        names.add(name)
        docs = tuple(sorted(per_doc[actor].items(), key=lambda kv: (-kv[1], kv[0])))
        kind = gazetteer.kind_of(actor) if known else (actor.split(":", 1)[0] if entity is not None else "other")
        members.append(CastMember(
            id=_actor_id(entity or actor, used), name=name, kind=kind,
            mentions=sum(per_doc[actor].values()), documents=docs,
            surfaces=tuple(sorted(s for s in surfaces[actor] if s != name)), quotes=quotes[actor],
            events=events[actor], known=known,
        ))
    speakers = tuple(
        Speaker(name=name, quotes=sum(c.values()), documents=tuple(sorted(c)))
        for name, c in sorted(loose.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    )
    return Cast(tuple(members), speakers, tuple(sorted(named_once)))


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _where(member: CastMember, limit: int = 6) -> str:
    docs = ", ".join(f"{d} ({n})" for d, n in member.documents[:limit])
    if len(member.documents) > limit:
        docs += f" and {len(member.documents) - limit} more"
    plural = "s" if len(member.documents) != 1 else ""
    said = []
    if member.quotes:
        said.append(f"quoted {member.quotes} time{'s' if member.quotes != 1 else ''}")
    if member.events:
        said.append(f"acts in {member.events} dated event{'s' if member.events != 1 else ''}")
    found = "" if member.known else "; found by the extractor, not the gazetteer: check name and kind"
    tail = ("; " + ", ".join(said)) if said else ""
    return _one_line(f"{member.mentions} mention{'s' if member.mentions != 1 else ''} in "
                     f"{len(member.documents)} document{plural}: {docs}{tail}{found}")


_HEADER = """\
# Scenario skeleton written by `stratagem new {sid}` from workspace {workspace}:
#   {n_docs} document{docs_s} read{left_out}; {n_actors} actor{actors_s} found.
# It loads as written (`stratagem validate FILE`). To make it a scenario you can forecast:
#   1. give it a name; keep the actors that are parties (delete the others) and set their capabilities;
#   2. replace each placeholder issue: an id, a name, and anchor labels saying in words what 0, 50 and 100
#      mean (drafting looks for these words in the documents, so use the words the documents use);
#   3. `stratagem draft FILE --workspace {workspace}` proposes stances with citations; accept one into
#      this file with `stratagem draft FILE --workspace {workspace} --accept DRAFT_ID --write`;
#   4. `stratagem forecast FILE` once every issue has at least one stance.
# Every field is described in docs/schema.md. Lines starting with # are comments and are ignored.
"""


def skeleton_yaml(
    scenario_id: str,
    *,
    cast: Cast,
    documents: Sequence[Document],
    workspace: str,
    as_of: dt.date | None = None,
    left_out: int = 0,
    events_left_out: int = 0,
    guessed_dates: Iterable[str] = (),
    n_issues: int = 1,
    name: str | None = None,
) -> str:
    """The commented YAML of a new scenario: the cast as actors, placeholder issues, no stances.

    ``documents`` are those read (dated on or before ``as_of``); ``left_out`` counts those
    dated after it and ``events_left_out`` the events dated after it in the documents read;
    ``guessed_dates`` are ids of documents whose date is an estimate.
    """
    if not SCENARIO_ID.match(scenario_id):
        raise ValueError(f"'{scenario_id}' is not a scenario id (letters, digits, '.', '_', '-'; "
                         "starting with a letter or digit; at most 80)")
    if n_issues < 1:
        raise ValueError("a scenario needs at least one issue")
    guessed = set(guessed_dates)
    later = f", {left_out} more dated after as_of {as_of} left out" if left_out else ""
    if events_left_out:
        later += (f"{',' if left_out else ''} {events_left_out} event{'s' if events_left_out != 1 else ''} "
                  f"dated after as_of {as_of} not counted")
    out: list[str] = [_HEADER.format(
        sid=scenario_id, workspace=workspace, n_docs=len(documents), docs_s="" if len(documents) == 1 else "s",
        left_out=later, n_actors=len(cast.members), actors_s="" if len(cast.members) == 1 else "s",
    )]
    add = out.append
    add("# id: the scenario's identifier (letters, digits, '.', '_', '-'); draft ids start with it")
    add(f"id: {scenario_id}")
    add("# name: the title people read")
    add(f"name: {_q(name) if name else _q('TODO: a title for this negotiation')}")
    add("# description: what is being negotiated, by whom (free text, optional)")
    add('description: ""')
    add("# as_of: the date this scenario describes (YYYY-MM-DD); drafting leaves out documents dated after it")
    if as_of is not None:
        add(f"as_of: {as_of.isoformat()}")
    else:
        dates = sorted(d.date for d in documents if d.date is not None)
        hint = f" (the latest document is dated {dates[-1].isoformat()})" if dates else ""
        add(f"# as_of: YYYY-MM-DD   # TODO: set it{hint}")
    add("")
    add("# actors: the parties, as found in the documents (most mentioned first). For each one:")
    add("#   id: the identifier stances use; name: the display name; kind: state, government, faction,")
    add("#   militia, party, organisation, person or other; aliases: other names it goes by in documents;")
    add("#   capability: its influence relative to the others (>= 0, any scale; 1 each until you set them).")
    add("#   Optional: capability_range: [low, high] around capability; capability_note: why;")
    add("#   evidence: [ids of evidence records below].")
    add("actors:")
    members = list(cast.members)
    if not members:
        add("  # no actor was found in the documents: this placeholder keeps the file loadable; replace it")
        add("  - id: actor-1")
        add(f"    name: {_q('TODO: a party to the negotiation')}")
        add("    kind: other")
        add("    capability: 1")
    for m in members:
        add(f"  # {_where(m)}")
        add(f"  - id: {m.id}")
        add(f"    name: {_q(m.name)}")
        add(f"    kind: {m.kind}")
        if m.surfaces:
            add(f"    aliases: [{', '.join(_q(s) for s in m.surfaces)}]")
        add("    capability: 1  # TODO: relative influence")
    if cast.speakers:
        add("  # Quoted speakers matched to no actor above (add them as actors if they are parties):")
        for s in cast.speakers[:20]:
            add(f"  #   {_one_line(_q(s.name))}: {s.quotes} quote{'s' if s.quotes != 1 else ''} in "
                f"{', '.join(s.documents)}")
        if len(cast.speakers) > 20:
            add(f"  #   and {len(cast.speakers) - 20} more speakers")
    if cast.named_once:
        shown = ", ".join(_one_line(_q(n)) for n in cast.named_once[:20])
        more = f" and {len(cast.named_once) - 20} more" if len(cast.named_once) > 20 else ""
        add(f"  # Named once and not quoted (add them if they are parties): {shown}{more}")
    add("")
    add("# issues: the questions bargained over, each on a numeric scale. For each one:")
    add("#   id and name; description (optional); scale_min and scale_max: the ends of the scale (0 and 100);")
    add("#   anchors: labelled points in increasing order of value saying in words what a number means;")
    add("#   status_quo: where things stand at as_of, on the scale (optional; engines bargain from it);")
    add("#   status_quo_evidence: [ids of evidence records] (optional).")
    add("issues:")
    for k in range(1, n_issues + 1):
        add(f"  - id: issue-{k}  # TODO: a short id, e.g. export-control")
        add(f"    name: {_q('TODO: the question, e.g. who decides where the oil is sold')}")
        add('    description: ""')
        add("    scale_min: 0")
        add("    scale_max: 100")
        add("    anchors:")
        for value, what in ((0, "one end"), (50, "a middle outcome"), (100, "the other end")):
            add(f"      - value: {value}")
            add(f"        label: {_q(f'TODO: what {value} means ({what})')}")
        add("    # status_quo: 50  # TODO: uncomment and set where things stand now")
    add("")
    add("# stances: each actor's position on an issue (a number on the issue's scale) and salience (0-100:")
    add("#   how much the issue matters to it), with optional position_range and salience_range [low, high],")
    add("#   the ids of the evidence records they rest on, and a note. Forecasting needs at least one stance")
    add("#   per issue; `stratagem draft FILE --workspace W --accept DRAFT_ID --write` adds drafted ones here.")
    add("stances: []")
    add("")
    add("# evidence: the cited spans: id, document, start and end (character offsets into the document's")
    add("#   cleaned text), the words (text), kind (quote, event or claim), actor, speaker, date, issue,")
    add("#   direction and rationale. Accepted drafts add their records here, with their ids.")
    add("evidence: []")
    add("")
    add("# documents: the workspace documents this scenario may cite (id, title, url, date, publisher).")
    if left_out:
        add(f"#   {left_out} document{'s' if left_out != 1 else ''} dated after as_of {as_of} "
            f"{'are' if left_out != 1 else 'is'} not listed.")
    if not documents:
        add("documents: []")
    else:
        add("documents:")
    for d in documents:
        add(f"  - id: {_q(d.id)}")
        if d.title:
            add(f"    title: {_q(_one_line(d.title))}")
        if d.url:
            add(f"    url: {_q(d.url)}")
        if d.date is not None:
            note = "  # a guess from the latest date in the text: check it" if d.id in guessed else ""
            add(f"    date: {d.date.isoformat()}{note}")
        else:
            add("    # date: YYYY-MM-DD  # no date found: set it so drafting can tell what came after as_of")
        if d.publisher:
            add(f"    publisher: {_q(d.publisher)}")
    add("")
    add("# Optional, described in docs/schema.md:")
    add("#   shocks: events that change the inputs at a date or round (e.g. an actor's capability halves);")
    add("#   outcomes: the recorded result of each issue, for historical cases and backtests;")
    add("#   notes: free text about the scenario;")
    add("#   uncertainty: how ensembles draw numbers from their ranges: pert (the default) or triangular.")
    return "\n".join(out) + "\n"
