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
  "Baghdad International Airport") hide the actor names inside them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class GazetteerActor:
    id: str
    name: str
    kind: str = "other"
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    source: str = "builtin"


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
            actor = GazetteerActor(
                id=actor.id, name=actor.name or old.name, kind=actor.kind or old.kind,
                aliases=aliases, demonyms=demonyms, source=actor.source,
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
        if builtin is not None:
            aliases = (*aliases, *builtin.aliases)
            demonyms = builtin.demonyms
            if builtin.id != actor.id:
                del self.actors[builtin.id]
        self.add(GazetteerActor(id=actor.id, name=actor.name, kind=actor.kind, aliases=aliases,
                                demonyms=demonyms, source="scenario"))

    def _find_builtin(self, actor: Actor) -> GazetteerActor | None:
        keys = {_key(a).lower() for a in (actor.name, *actor.aliases)}
        if actor.id in self.actors:
            return self.actors[actor.id]
        for candidate in self.actors.values():
            if any(_key(alias).lower() in keys for alias in (candidate.name, *candidate.aliases)):
                return candidate
        return None

    def _load(self, data: object, where: str, source: str) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
            raise GazetteerError("expected a mapping with an 'actors' list", path=where)
        block = data.get("block") or []
        if not isinstance(block, list) or not all(isinstance(b, str) for b in block):
            raise GazetteerError("'block' must be a list of phrases", path=where)
        self.block = tuple(dict.fromkeys((*self.block, *block)))
        for n, item in enumerate(data["actors"]):
            here = f"actors[{n}]"
            if not isinstance(item, dict):
                raise GazetteerError(f"{here}: expected a mapping", path=where)
            actor_id = item.get("id")
            name = item.get("name")
            if not isinstance(actor_id, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", actor_id):
                raise GazetteerError(f"{here}.id: missing or not an identifier", path=where)
            if not isinstance(name, str) or not name.strip():
                raise GazetteerError(f"{here}.name: missing", path=where)
            kind = item.get("kind", "other")
            if kind not in _KINDS:
                raise GazetteerError(f"{here}.kind: '{kind}' is not one of {sorted(_KINDS)}", path=where)
            aliases = item.get("aliases") or []
            demonyms = item.get("demonyms") or []
            for what, values in (("aliases", aliases), ("demonyms", demonyms)):
                if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                    raise GazetteerError(f"{here}.{what}: must be a list of non-empty strings", path=where)
            self.add(GazetteerActor(id=actor_id, name=name.strip(), kind=kind,
                                    aliases=tuple([name.strip(), *aliases]), demonyms=tuple(demonyms),
                                    source=source))

    # -- matching ------------------------------------------------------------
    def _compile(self) -> tuple[Any, ...]:
        if self._compiled is not None:
            return self._compiled
        exact: dict[str, str] = {}  # key -> actor id, one-word aliases (case-sensitive)
        folded: dict[str, str] = {}  # lowercased key -> actor id, multi-word aliases
        priority = {"scenario": 0, "user": 1, "builtin": 2}
        ordered = sorted(self.actors.values(), key=lambda a: priority.get(a.source, 3), reverse=True)
        for actor in ordered:  # later (higher-priority) actors overwrite earlier ones
            for alias in actor.aliases:
                key = _key(alias)
                if not key:
                    continue
                if " " in key:
                    folded[key.lower()] = actor.id
                else:
                    exact[key] = actor.id
        def alternation(aliases: Iterable[str]) -> str:
            pats = sorted({_alias_pattern(a) for a in aliases}, key=len, reverse=True)
            return "|".join(pats) if pats else r"(?!x)x"
        multi = [a for actor in ordered for a in actor.aliases if " " in _key(a)]
        single = [a for actor in ordered for a in actor.aliases if _key(a) and " " not in _key(a)]
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
        self._compiled = (exact, folded, multi_re, single_re, demonym_of, demonym_re, block_re)
        return self._compiled

    def find_mentions(self, text: str) -> list[Mention]:
        """All actor mentions in ``text``, longest match first, sorted by offset."""
        exact, folded, multi_re, single_re, demonym_of, demonym_re, block_re = self._compile()
        norm = _normalise(text)
        blocked = [(m.start(), m.end()) for m in block_re.finditer(norm)] if block_re else []
        candidates: list[tuple[int, int, str, str]] = []
        for m in multi_re.finditer(norm):
            actor = folded.get(_key(m.group(0)).lower())
            if actor:
                candidates.append((m.start(), m.end(), actor, "alias"))
        for m in single_re.finditer(norm):
            actor = exact.get(_key(m.group(0)))
            if actor:
                candidates.append((m.start(), m.end(), actor, "alias"))
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
        chosen: list[Mention] = []
        for start, end, actor_id, via in candidates:
            if any(blocked_at[start:end]) or any(taken_at[start:end]):
                continue
            taken_at[start:end] = b"\x01" * (end - start)
            actor = self.actors[actor_id]
            chosen.append(Mention(actor=actor_id, name=actor.name, start=start, end=end,
                                  surface=text[start:end], via=via if actor.source == "builtin" else actor.source))
        chosen.sort(key=lambda m: (m.start, m.end))
        return chosen

    def name_of(self, actor_id: str) -> str:
        actor = self.actors.get(actor_id)
        return actor.name if actor else actor_id

    def kind_of(self, actor_id: str) -> str:
        actor = self.actors.get(actor_id)
        return actor.kind if actor else "other"


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
