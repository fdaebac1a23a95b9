"""The DEU data set ("Decision-making in the European Union") as stratagem scenarios.

One CSV row is one contested issue of a legislative proposal; the columns are
described in ``../shared/data/README.md``. Each proposal becomes one scenario
whose issues are the proposal's issues, so that engines which bargain across
issues (``ktab``, ``exchange``) can trade between them.

Conventions (fixed before any score was looked at; docs/backtest.md):

* An actor takes part in an issue when both its position and its salience are
  recorded. An issue is scored when it has an outcome and at least three
  such actors.
* Capability is the Council voting weight of the treaty regime in force on the
  final act's date (the proposal's introduction date when no final act was
  recorded): pre-Nice (EU-15) before 1 May 2004; from 1 May to 31 October 2004
  the Act of Accession's transitional votes (the EU-15 keep their pre-Nice
  votes, the ten new states get Poland 8, Czech Republic and Hungary 5, the
  Baltic states, Slovakia and Slovenia 3, Cyprus and Malta 2); Nice until
  31 October 2014; Lisbon afterwards, where population stands in for the
  weight. The Commission and the Parliament each get the largest member-state
  weight of that regime.
* The status quo is the reference point ``rp``; an issue without one has none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from stratagem.model.errors import ScenarioError
from stratagem.model.files import read_bytes
from stratagem.model.schema import Actor, Issue, Outcome, Scenario, Stance

STATES = ("at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu", "ie", "it",
          "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk")
INSTITUTIONS = ("com", "ep")
ACTOR_NAMES = {
    "com": "European Commission", "ep": "European Parliament", "at": "Austria", "be": "Belgium",
    "bu": "Bulgaria", "cr": "Croatia", "cy": "Cyprus", "cz": "Czech Republic", "dk": "Denmark",
    "ee": "Estonia", "fi": "Finland", "fr": "France", "de": "Germany", "el": "Greece", "hu": "Hungary",
    "ie": "Ireland", "it": "Italy", "lv": "Latvia", "lt": "Lithuania", "lu": "Luxembourg", "mt": "Malta",
    "nl": "Netherlands", "pl": "Poland", "pt": "Portugal", "ro": "Romania", "si": "Slovenia",
    "sk": "Slovakia", "es": "Spain", "se": "Sweden", "uk": "United Kingdom",
}

# Council votes under the Treaty of Amsterdam (EU-15), in force until 31 October 2004.
PRE_NICE_WEIGHTS = {"de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8, "be": 5, "el": 5, "nl": 5, "pt": 5,
                    "at": 4, "se": 4, "dk": 3, "ie": 3, "fi": 3, "lu": 2}
# Act of Accession 2003, Article 26: from accession (1 May 2004) to 31 October 2004 the EU-15 kept their
# votes and the ten new member states had these (124 votes in all).
ACCESSION_2004_WEIGHTS = {**PRE_NICE_WEIGHTS, "pl": 8, "cz": 5, "hu": 5, "ee": 3, "lv": 3, "lt": 3, "sk": 3,
                          "si": 3, "cy": 2, "mt": 2}
# Council votes under the Treaty of Nice (with the 2004, 2007 and 2013 accessions), 1 Nov 2004 - 31 Oct 2014.
NICE_WEIGHTS = {"de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "ro": 14, "nl": 13, "be": 12,
                "cz": 12, "el": 12, "hu": 12, "pt": 12, "at": 10, "bu": 10, "se": 10, "dk": 7, "ie": 7,
                "lt": 7, "sk": 7, "fi": 7, "cr": 7, "cy": 4, "ee": 4, "lv": 4, "lu": 4, "si": 4, "mt": 3}
# Lisbon double majority from 1 Nov 2014: population (millions, Eurostat, 1 January 2015) stands in.
LISBON_POPULATION = {"de": 81.2, "fr": 66.4, "uk": 64.9, "it": 60.8, "es": 46.4, "pl": 38.0, "ro": 19.9,
                     "nl": 16.9, "be": 11.3, "el": 10.9, "cz": 10.5, "pt": 10.4, "hu": 9.9, "se": 9.7,
                     "at": 8.6, "bu": 7.2, "dk": 5.7, "fi": 5.5, "sk": 5.4, "ie": 4.6, "cr": 4.2, "lt": 2.9,
                     "si": 2.1, "lv": 2.0, "ee": 1.3, "cy": 0.8, "lu": 0.6, "mt": 0.4}
ACCESSION_2004 = dt.date(2004, 5, 1)
NICE_START = dt.date(2004, 11, 1)
LISBON_START = dt.date(2014, 11, 1)
MIN_ACTORS = 3


@dataclass(frozen=True)
class DeuProposal:
    """One proposal: its scenario (issues with outcomes) and the procedure it was decided under."""

    id: str
    name: str
    scenario: Scenario
    procedure: str  # COD (co-decision) or CNS (consultation)
    voting_rule: str  # QMV or Unan as recorded
    regime: str  # pre-nice, accession-2004, nice or lisbon: which capability table applies
    scored: tuple[str, ...]  # issue ids that meet the scoring convention

    @property
    def unanimity(self) -> bool:
        return self.voting_rule.lower().startswith("unan")


def regime_for(day: dt.date) -> str:
    """The Council voting regime in force on ``day``."""
    if day < ACCESSION_2004:
        return "pre-nice"
    if day < NICE_START:
        return "accession-2004"
    return "nice" if day < LISBON_START else "lisbon"


def capabilities(regime: str) -> dict[str, float]:
    """Capability per actor id under a regime: states' weights, institutions the largest of them."""
    table: dict[str, float] = {
        "pre-nice": {k: float(v) for k, v in PRE_NICE_WEIGHTS.items()},
        "accession-2004": {k: float(v) for k, v in ACCESSION_2004_WEIGHTS.items()},
        "nice": {k: float(v) for k, v in NICE_WEIGHTS.items()},
        "lisbon": dict(LISBON_POPULATION),
    }[regime]
    top = max(table.values())
    return {**table, "com": top, "ep": top}


def _number(row: dict[str, str], column: str, where: str) -> float | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(f"{where}, column {column}: '{text}' is not a number") from None
    if not 0.0 <= value <= 100.0:
        raise ScenarioError(f"{where}, column {column}: {value:g} is outside 0-100")
    return value


def _date(row: dict[str, str], column: str, where: str) -> dt.date | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScenarioError(f"{where}, column {column}: '{text}' is not an ISO date") from None


REQUIRED_COLUMNS = ("prnr", "prname", "isnr", "proc", "counvte", "intro", "finact", "rp", "out",
                    *(f"{p}{a}" for a in (*INSTITUTIONS, *STATES) for p in ("p", "s")))


def parse_deu(text: str, source: str = "<deu>") -> list[DeuProposal]:
    """Proposals of a DEU CSV, in file order; errors name the file, line and column."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ScenarioError(f"{source}: not a DEU file; missing columns {', '.join(missing[:6])}"
                            + (" ..." if len(missing) > 6 else ""))
    grouped: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, row in enumerate(reader, start=2):
        pid = (row.get("prnr") or "").strip()
        if not pid:
            raise ScenarioError(f"{source}:{line}: empty proposal id (column prnr)")
        grouped.setdefault(pid, []).append((line, row))
    return [_proposal(pid, rows, source) for pid, rows in grouped.items()]


def _proposal(pid: str, rows: list[tuple[int, dict[str, str]]], source: str) -> DeuProposal:
    first_line, first = rows[0]
    where = f"{source}:{first_line}"
    day = _date(first, "finact", where) or _date(first, "intro", where)
    if day is None:
        raise ScenarioError(f"{where}: proposal {pid} has neither a final-act nor an introduction date")
    regime = regime_for(day)
    caps = capabilities(regime)
    issues: list[Issue] = []
    stances: list[Stance] = []
    outcomes: list[Outcome] = []
    scored: list[str] = []
    present: set[str] = set()
    for line, row in rows:
        here = f"{source}:{line}"
        iid = row["isnr"].strip()
        if not iid:
            raise ScenarioError(f"{here}: empty issue id (column isnr)")
        rp = _number(row, "rp", here)
        issues.append(Issue(id=iid, name=f"{row['prname'].strip() or pid} {iid}", status_quo=rp))
        taking_part = 0
        for actor in (*INSTITUTIONS, *STATES):
            position = _number(row, f"p{actor}", here)
            salience = _number(row, f"s{actor}", here)
            if position is None or salience is None:
                continue
            if actor not in caps:
                raise ScenarioError(f"{here}: {ACTOR_NAMES[actor]} has a position but no Council weight "
                                    f"under the {regime} regime in force on {day.isoformat()} "
                                    "(it was not yet a member state)")
            stances.append(Stance(actor=actor, issue=iid, position=position, salience=salience))
            present.add(actor)
            taking_part += 1
        out = _number(row, "out", here)
        if out is not None:
            outcomes.append(Outcome(issue=iid, value=out, date=_date(row, "finact", here)))
            if taking_part >= MIN_ACTORS:
                scored.append(iid)
    order = [a for a in (*INSTITUTIONS, *STATES) if a in present]
    if not order:
        raise ScenarioError(f"{where}: proposal {pid} has no actor with both a position and a salience")
    actors = [Actor(id=a, name=ACTOR_NAMES[a], kind="organisation" if a in INSTITUTIONS else "state",
                    capability=caps[a]) for a in order]
    scenario = Scenario(
        id=_scenario_id(pid), name=first["prname"].strip() or pid, as_of=day,
        actors=tuple(actors), issues=tuple(issues), stances=tuple(stances), outcomes=tuple(outcomes),
        description=f"DEU proposal {pid} ({first['proc'].strip()}, {first['counvte'].strip()})",
    )
    return DeuProposal(id=pid, name=scenario.name, scenario=scenario, procedure=first["proc"].strip(),
                       voting_rule=first["counvte"].strip(), regime=regime, scored=tuple(scored))


def _scenario_id(pid: str) -> str:
    return "deu-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in pid.lower())


def load_deu(path: str | Path) -> list[DeuProposal]:
    """Read a DEU CSV file into proposals (see :func:`parse_deu`)."""
    p = Path(path)
    try:
        text = read_bytes(p).decode("utf-8-sig")  # regular files only, bounded (a FIFO never blocks)
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{p}: cannot read: {exc}") from None
    return parse_deu(text, str(p))


def scored_issues(proposals: Iterable[DeuProposal]) -> int:
    """How many issues meet the scoring convention."""
    return sum(len(p.scored) for p in proposals)
