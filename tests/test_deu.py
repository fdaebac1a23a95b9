"""The DEU loader: the whole development file loads, and the 2004 accession window gets its own votes.

The transitional votes are those of the Act of Accession 2003 (Article 26), typed
here from the treaty, not from the loader's table.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from stratagem.model.deu import load_deu, parse_deu, scored_issues
from stratagem.model.errors import ScenarioError

DEU = Path(__file__).parent / "data" / "deu" / "deu_dev.csv"
NEW_STATES = {"pl": 8, "cz": 5, "hu": 5, "ee": 3, "lv": 3, "lt": 3, "sk": 3, "si": 3, "cy": 2, "mt": 2}
EU15_PRE_NICE = {"de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8, "be": 5, "el": 5, "nl": 5, "pt": 5,
                 "at": 4, "se": 4, "dk": 3, "ie": 3, "fi": 3, "lu": 2}


def _header() -> list[str]:
    if not DEU.exists():
        pytest.skip(f"{DEU} is absent (the shared DEU data); the loader's column list comes from it")
    with DEU.open(encoding="utf-8") as handle:
        return next(csv.reader(handle))


def _file(finact: str, states: list[str]) -> str:
    """A one-issue proposal where the Commission and ``states`` hold positions (invented numbers)."""
    cols = _header()
    row = dict.fromkeys(cols, "")
    row.update(prnr="X/2004/1", prname="invented proposal", isnr="1", proc="COD", counvte="QMV",
               intro="2003-12-01", finact=finact, rp="0", out="60", pcom="100", scom="80")
    for k, state in enumerate(states):
        row[f"p{state}"], row[f"s{state}"] = str(4 * k), "50"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=cols, lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue()


def test_the_whole_development_file_loads() -> None:
    if not DEU.exists():
        pytest.skip(f"{DEU} is absent (the shared DEU data)")
    proposals = load_deu(DEU)
    with DEU.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(proposals) == len({r["prnr"] for r in rows})
    assert sum(len(p.scenario.issues) for p in proposals) == len(rows)
    assert scored_issues(proposals) > 0


def test_a_proposal_decided_in_the_accession_window_gets_the_transitional_votes() -> None:
    states = [*NEW_STATES, *EU15_PRE_NICE]
    (proposal,) = parse_deu(_file("2004-07-15", states), "window.csv")
    assert proposal.regime == "accession-2004"
    caps = {a.id: a.capability for a in proposal.scenario.actors}
    assert {s: caps[s] for s in NEW_STATES} == NEW_STATES
    assert {s: caps[s] for s in EU15_PRE_NICE} == EU15_PRE_NICE
    assert sum(NEW_STATES.values()) + sum(EU15_PRE_NICE.values()) == 124  # the window's total
    assert caps["com"] == 10  # the largest member-state weight


@pytest.mark.parametrize("finact", ["2004-05-01", "2004-10-31"])
def test_the_window_includes_both_ends(finact: str) -> None:
    (proposal,) = parse_deu(_file(finact, ["cy", "mt", "de"]), "window.csv")
    assert proposal.regime == "accession-2004"
    assert {a.id: a.capability for a in proposal.scenario.actors}["cy"] == 2


def test_after_the_window_nice_votes_apply() -> None:
    (proposal,) = parse_deu(_file("2004-11-01", ["cy", "pl", "de"]), "nice.csv")
    caps = {a.id: a.capability for a in proposal.scenario.actors}
    assert proposal.regime == "nice" and caps["pl"] == 27 and caps["cy"] == 4 and caps["de"] == 29


def test_a_new_state_before_accession_is_an_error_naming_the_line() -> None:
    with pytest.raises(ScenarioError, match=r"^early.csv:2: Cyprus has a position but no Council weight under "
                                            r"the pre-nice regime in force on 2004-04-30"):
        parse_deu(_file("2004-04-30", ["cy", "de", "fr"]), "early.csv")
