"""The actor gazetteer and alias matching.

The built-in gazetteer (``gazetteer.yaml``, shipped as package data) lists actors
of the U.S.-Iraq-Iran domain with their aliases and demonyms. Users extend it with
YAML files in the same format and with a scenario's actors (their names and
aliases), which take precedence over built-in entries with the same alias.

Matching rules (general, not tuned to particular documents):

* one-word aliases match case-sensitively ("Badr", "KH", "IS"); longer aliases
  case-insensitively ("Iraqi parliament" = "Iraqi Parliament");
* straight and curly apostrophes are the same and may be dropped
  (Kata'ib = Kata’ib = Kataib), hyphens and spaces are interchangeable
  (al-Muhandis = al Muhandis, IRGC-Qods Force = IRGC Qods Force);
* the longest alias wins where matches overlap; matches never start or end
  inside a word;
* a demonym ("Iraqi", "Iranian") is a mention of its state only when it stands
  for the state: followed by an agentive noun such as "officials", "leaders",
  "leadership", "authorities", "regime", "delegation", "diplomats" or
  "negotiators"; "Iraqi politics" or "Iranian goods" are not mentions;
* phrases in the ``block`` list (facilities, publications such as
  "Baghdad International Airport") hide the actor names inside them;
* ``local_aliases`` are names that many countries give their own bodies ("Congress", "the Senate",
  "Ministry of Defence"): they match like aliases, but a match is kept only when the document also
  names the actor itself or one of its ``context`` actors by a plain alias or a demonym (a Dutch or
  Philippine story's "Senate" is not the U.S. Congress; one that names Trump or Washington keeps it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from stratagem.evidence.errors import GazetteerError
from stratagem.evidence.records import Mention
from stratagem.model.files import read_bytes
from stratagem.model.schema import Actor, Scenario

AGENTIVE_NOUNS = (
    "officials", "official", "leaders", "leadership", "authorities", "regime", "delegation", "diplomats",
    "negotiators", "policymakers", "decision makers", "decision-makers", "envoy", "envoys", "spokesman",
    "spokesperson", "spokeswoman", "state media", "commanders", "intelligence", "counterparts",
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'", "ʿ": "'", "ʾ": "'", "‑": "-", "–": "-"})
_KINDS = {"state", "government", "faction", "militia", "party", "organisation", "person", "other"}
_TOP_KEYS = ("version", "block", "actors")
_ACTOR_KEYS = ("id", "name", "kind", "aliases", "local_aliases", "demonyms", "context")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")


@dataclass(frozen=True)
class GazetteerActor:
    id: str
    name: str
    kind: str = "other"
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    source: str = "builtin"
    # aliases other countries' bodies share ("Senate"): a match counts only beside a plain mention of this
    # actor or of one of the ``context`` actors (ids) in the same document
    local_aliases: tuple[str, ...] = ()
    context: tuple[str, ...] = ()


def _normalise(text: str) -> str:
    """Same-length normalisation: unify apostrophes and dashes (offsets are preserved)."""
    return text.translate(_APOSTROPHES)


def _key(surface: str) -> str:
    """The lookup key of a surface form: apostrophes dropped, hyphens as spaces, spaces collapsed."""
    s = _normalise(surface).replace("'", "").replace("-", " ")
    return " ".join(s.split())


def _alias_pattern(alias: str) -> str:
    """A regex for one alias allowing apostrophe, hyphen and whitespace variants."""
    alias = _normalise(alias)
    out: list[str] = []
    for ch in alias:
        if ch == "'":
            out.append("'?")
        elif ch in "- ":
            out.append(r"[-\s]+")
        else:
            out.append(re.escape(ch))
    # drop an apostrophe anywhere: Kata'ib also matches Kataib (handled by "'?")
    return "".join(out)


@dataclass
class Gazetteer:
    """Actors and the compiled matchers for their aliases."""

    actors: dict[str, GazetteerActor] = field(default_factory=dict)
    block: tuple[str, ...] = ()
    _compiled: tuple[Any, ...] | None = field(default=None, repr=False)

    # -- building ------------------------------------------------------------
    def add(self, actor: GazetteerActor) -> None:
        """Add an actor, or merge aliases into an existing one with the same id."""
        old = self.actors.get(actor.id)
        if old is not None:
            aliases = tuple(dict.fromkeys((*old.aliases, *actor.aliases)))
            demonyms = tuple(dict.fromkeys((*old.demonyms, *actor.demonyms)))
            plain = {_key(a).lower() for a in actor.aliases}  # named plainly now: no longer local
            local = tuple(a for a in dict.fromkeys((*old.local_aliases, *actor.local_aliases))
                          if _key(a).lower() not in plain or a in actor.local_aliases)
            actor = GazetteerActor(
                id=actor.id, name=actor.name or old.name, kind=actor.kind or old.kind,
                aliases=aliases, demonyms=demonyms, source=actor.source, local_aliases=local,
                context=tuple(dict.fromkeys((*old.context, *actor.context))),
            )
        self.actors[actor.id] = actor
        self._compiled = None

    def extend_from_yaml(self, path: str | Path) -> Gazetteer:
        """Add the actors of a user YAML file (same format as the built-in gazetteer)."""
        p = Path(path)
        try:
            data = yaml.safe_load(read_bytes(p, error=GazetteerError).decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise GazetteerError(f"not UTF-8 text (byte {exc.start})", path=p) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{p}:{mark.line + 1}" if mark is not None else str(p)
            raise GazetteerError(f"malformed YAML: {getattr(exc, 'problem', exc)}", path=where) from exc
        self._load(data, str(p), source="user")
        return self

    def extend_from_scenario(self, scenario: Scenario) -> Gazetteer:
        """Add a scenario's actors: their names and aliases resolve to the scenario's actor ids."""
        for actor in scenario.actors:
            self.add_scenario_actor(actor)
        return self

    def add_scenario_actor(self, actor: Actor) -> None:
        builtin = self._find_builtin(actor)
        aliases = (actor.name, *actor.aliases)
        demonyms: tuple[str, ...] = ()
        local: tuple[str, ...] = ()
        context: tuple[str, ...] = ()
        if builtin is not None:
            named = {_key(a).lower() for a in aliases}  # a local alias the scenario names is its own, plainly
            local = tuple(a for a in builtin.local_aliases if _key(a).lower() not in named)
            aliases = (*aliases, *builtin.aliases)
            demonyms, context = builtin.demonyms, builtin.context
            if builtin.id != actor.id:
                del self.actors[builtin.id]
                self._rename_context(builtin.id, actor.id)
        self.add(GazetteerActor(id=actor.id, name=actor.name, kind=actor.kind, aliases=aliases,
                                demonyms=demonyms, source="scenario", local_aliases=local, context=context))

    def _rename_context(self, old: str, new: str) -> None:
        """A built-in actor taken over by a scenario actor of another id stays the context it was."""
        for other in list(self.actors.values()):
            if old in other.context:
                self.actors[other.id] = replace(other, context=tuple(new if c == old else c for c in other.context))

    def _find_builtin(self, actor: Actor) -> GazetteerActor | None:
        keys = {_key(a).lower() for a in (actor.name, *actor.aliases)}
        if actor.id in self.actors:
            return self.actors[actor.id]
        for candidate in self.actors.values():
            if any(_key(alias).lower() in keys
                   for alias in (candidate.name, *candidate.aliases, *candidate.local_aliases)):
                return candidate
        return None

    def _load(self, data: object, where: str, source: str) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
            raise GazetteerError("expected a mapping with an 'actors' list", path=where)
        _no_unknown_keys(data, _TOP_KEYS, "", where)
        block = data.get("block") or []
        if not isinstance(block, list) or not all(isinstance(b, str) for b in block):
            raise GazetteerError("'block' must be a list of phrases", path=where)
        self.block = tuple(dict.fromkeys((*self.block, *block)))
        loaded: list[tuple[str, str, tuple[str, ...]]] = []
        for n, item in enumerate(data["actors"]):
            here = f"actors[{n}]"
            if not isinstance(item, dict):
                raise GazetteerError(f"{here}: expected a mapping", path=where)
            _no_unknown_keys(item, _ACTOR_KEYS, here, where)
            actor_id = item.get("id")
            name = item.get("name")
            if not isinstance(actor_id, str) or not _ID.fullmatch(actor_id):
                raise GazetteerError(f"{here}.id: missing or not an identifier", path=where)
            if not isinstance(name, str) or not name.strip():
                raise GazetteerError(f"{here}.name: missing", path=where)
            kind = item.get("kind", "other")
            if kind not in _KINDS:
                raise GazetteerError(f"{here}.kind: '{kind}' is not one of {sorted(_KINDS)}", path=where)
            aliases = item.get("aliases") or []
            demonyms = item.get("demonyms") or []
            local = item.get("local_aliases") or []
            context = item.get("context") or []
            for what, values in (("aliases", aliases), ("demonyms", demonyms), ("local_aliases", local),
                                 ("context", context)):
                if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                    raise GazetteerError(f"{here}.{what}: must be a list of non-empty strings", path=where)
            if bad := next((c for c in context if not _ID.fullmatch(c)), None):
                raise GazetteerError(f"{here}.context: '{bad}' is not an actor id", path=where)
            if local and not context:
                raise GazetteerError(f"{here}.local_aliases: needs a 'context' list of actor ids", path=where)
            loaded.append((here, actor_id, tuple(context)))
            self.add(GazetteerActor(id=actor_id, name=name.strip(), kind=kind,
                                    aliases=tuple([name.strip(), *aliases]), demonyms=tuple(demonyms),
                                    source=source, local_aliases=tuple(local), context=tuple(context)))
        for here, actor_id, context in loaded:  # after the whole file: a context may name a later actor
            if unknown := next((c for c in context if c not in self.actors and c != actor_id), None):
                raise GazetteerError(f"{here}.context: no actor with id '{unknown}'", path=where)

    # -- matching ------------------------------------------------------------
    def _compile(self) -> tuple[Any, ...]:
        if self._compiled is not None:
            return self._compiled
        exact: dict[str, str] = {}  # key -> actor id, one-word aliases (case-sensitive)
        folded: dict[str, str] = {}  # lowercased key -> actor id, multi-word aliases
        local: set[str] = set()  # keys (as in exact, or "~" + folded key) that are the winner's local alias
        priority = {"scenario": 0, "user": 1, "builtin": 2}
        ordered = sorted(self.actors.values(), key=lambda a: priority.get(a.source, 3), reverse=True)
        for actor in ordered:  # later (higher-priority) actors overwrite earlier ones
            plain = {_key(a) for a in actor.aliases}
            for alias, is_local in [(a, False) for a in actor.aliases] + \
                    [(a, True) for a in actor.local_aliases if _key(a) not in plain]:
                key = _key(alias)
                if not key:
                    continue
                slot = "~" + key.lower() if " " in key else key
                if " " in key:
                    folded[key.lower()] = actor.id
                else:
                    exact[key] = actor.id
                if is_local:
                    local.add(slot)
                else:
                    local.discard(slot)
        def alternation(aliases: Iterable[str]) -> str:
            pats = sorted({_alias_pattern(a) for a in aliases}, key=len, reverse=True)
            return "|".join(pats) if pats else r"(?!x)x"
        every = [a for actor in ordered for a in (*actor.aliases, *actor.local_aliases)]
        multi = [a for a in every if " " in _key(a)]
        single = [a for a in every if _key(a) and " " not in _key(a)]
        # not inside a word nor after an apostrophe, but after typewriter quotes (''Obama)
        boundary_l, boundary_r = r"(?<!\w)(?<![^']')", r"(?![\w]|'(?!s\b)\w|\.\w)"
        multi_re = re.compile(f"{boundary_l}(?:{alternation(multi)}){boundary_r}", re.IGNORECASE)
        single_re = re.compile(f"{boundary_l}(?:{alternation(single)}){boundary_r}")
        demonym_of: dict[str, str] = {}
        for actor in ordered:
            for d in actor.demonyms:
                demonym_of[_key(d)] = actor.id
        nouns = "|".join(sorted((re.escape(n) for n in AGENTIVE_NOUNS), key=len, reverse=True))
        demonym_re = re.compile(
            rf"{boundary_l}({alternation(demonym_of)})(?:\s+(?:and|or)\s+[\w.'-]+)?\s+"
            rf"(?:(?:military|government|security|political|"
            rf"senior|top|local)\s+)?(?:{nouns})\b"
        )
        block_re = re.compile("|".join(_alias_pattern(b) for b in self.block), re.IGNORECASE) if self.block else None
        self._compiled = (exact, folded, multi_re, single_re, demonym_of, demonym_re, block_re, frozenset(local))
        return self._compiled

    def find_mentions(self, text: str) -> list[Mention]:
        """All actor mentions in ``text``, longest match first, sorted by offset; a local alias's match only
        when the document names its actor or a context actor plainly."""
        exact, folded, multi_re, single_re, demonym_of, demonym_re, block_re, local = self._compile()
        norm = _normalise(text)
        blocked = [(m.start(), m.end()) for m in block_re.finditer(norm)] if block_re else []
        candidates: list[tuple[int, int, str, str]] = []
        for m in multi_re.finditer(norm):
            key = _key(m.group(0)).lower()
            actor = folded.get(key)
            if actor:
                candidates.append((m.start(), m.end(), actor, "local" if "~" + key in local else "alias"))
        for m in single_re.finditer(norm):
            key = _key(m.group(0))
            actor = exact.get(key)
            if actor:
                candidates.append((m.start(), m.end(), actor, "local" if key in local else "alias"))
        for m in demonym_re.finditer(norm):
            actor = demonym_of.get(_key(m.group(1)))
            if actor:
                candidates.append((m.start(1), m.end(1), actor, "demonym"))
        # the longest wins; ties go to the earlier start
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        # characters already used by a blocked phrase or a longer mention (one pass per candidate's own
        # length, so long documents stay linear)
        blocked_at = bytearray(len(norm) + 1)
        for a, b in blocked:
            blocked_at[a:b] = b"\x01" * (b - a)
        taken_at = bytearray(len(norm) + 1)
        chosen: list[tuple[int, int, str, str]] = []
        for start, end, actor_id, via in candidates:
            if any(blocked_at[start:end]) or any(taken_at[start:end]):
                continue
            taken_at[start:end] = b"\x01" * (end - start)  # a dropped local match still hides what is inside it
            chosen.append((start, end, actor_id, via))
        plain = {actor_id for _, _, actor_id, via in chosen if via != "local"}
        out: list[Mention] = []
        for start, end, actor_id, via in chosen:
            actor = self.actors[actor_id]
            if via == "local":
                if actor_id not in plain and plain.isdisjoint(actor.context):
                    continue  # "the Senate" of a story that names no U.S. actor is some other country's
                via = "alias"
            out.append(Mention(actor=actor_id, name=actor.name, start=start, end=end,
                               surface=text[start:end], via=via if actor.source == "builtin" else actor.source))
        out.sort(key=lambda m: (m.start, m.end))
        return out

    def name_of(self, actor_id: str) -> str:
        actor = self.actors.get(actor_id)
        return actor.name if actor else actor_id

    def kind_of(self, actor_id: str) -> str:
        actor = self.actors.get(actor_id)
        return actor.kind if actor else "other"


def _no_unknown_keys(item: dict[Any, Any], allowed: Sequence[str], here: str, where: str) -> None:
    """A misspelt key ("alias", "local_alias") would silently do nothing: name it instead."""
    if unknown := next((k for k in item if k not in allowed), None):
        at = f"{here}: " if here else ""
        raise GazetteerError(f"{at}unknown key '{unknown}' (expected one of: {', '.join(allowed)})", path=where)


@lru_cache(maxsize=1)
def _builtin_data() -> Any:
    text = resources.files("stratagem.evidence").joinpath("gazetteer.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_gazetteer(
    extra: Sequence[str | Path] = (), scenario: Scenario | None = None, *, builtin: bool = True
) -> Gazetteer:
    """The built-in gazetteer, extended by user YAML files and a scenario's actors."""
    gazetteer = Gazetteer()
    if builtin:
        gazetteer._load(_builtin_data(), "stratagem/evidence/gazetteer.yaml", source="builtin")
    for path in extra:
        gazetteer.extend_from_yaml(path)
    if scenario is not None:
        gazetteer.extend_from_scenario(scenario)
    return gazetteer


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The built-in gazetteer (cached; do not mutate, use :func:`load_gazetteer` to extend)."""
    return load_gazetteer()


def find_mentions(text: str, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Actor mentions in a text (built-in gazetteer unless one is given)."""
    return (gazetteer or default_gazetteer()).find_mentions(text)
