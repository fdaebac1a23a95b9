"""Actors, quotes, dated events and issue links on text written for these tests (not the seeds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stratagem.evidence.errors import GazetteerError
from stratagem.evidence.extract import evidence_records, extract, issue_links
from stratagem.evidence.gazetteer import default_gazetteer, load_gazetteer
from stratagem.evidence.issues import draft_stances
from stratagem.evidence.sentences import split_sentences
from stratagem.model.schema import Scenario


def _ids(text: str) -> list[str]:
    return [m.actor for m in default_gazetteer().find_mentions(text)]


def test_gazetteer_has_at_least_60_actors_of_every_kind() -> None:
    g = default_gazetteer()
    assert len(g.actors) >= 60
    kinds = {a.kind for a in g.actors.values()}
    assert {"state", "government", "person", "militia", "party", "organisation"} <= kinds


@pytest.mark.parametrize(
    "surface",
    ["Kata'ib Hezbollah", "Kataib Hezbollah", "Kata’ib Hezbollah", "Kata'ib Hizbullah", "Kataib Hizballah",
     "Hezbollah Brigades", "KH"],
)
def test_transliteration_variants_resolve_to_one_actor(surface: str) -> None:
    assert _ids(f"Officials blamed {surface} for the drone strike.") == ["kataib_hezbollah"]


@pytest.mark.parametrize("surface", ["PMF", "PMU", "Hashd", "al-Hashd al-Shaabi", "Popular Mobilisation Forces"])
def test_pmf_aliases(surface: str) -> None:
    assert _ids(f"The {surface} budget was approved.") == ["pmf"]


def test_al_particles_hyphens_and_possessives() -> None:
    assert _ids("Abu Mahdi al Muhandis met al-Sudani; Muhandis’s convoy and Sudani's aides left.") == [
        "muhandis", "sudani", "muhandis", "sudani"]


def test_longest_alias_wins_and_words_are_not_split() -> None:
    assert _ids("The Iraqi parliament voted.") == ["iraq_parliament"]
    assert _ids("Iraqi Kurdistan, Iranian goods, Irish ports, ISISland, Badrinath.") == []
    assert _ids("The IRGC-Qods Force commander") == ["quds_force"]


def test_demonyms_count_only_when_they_stand_for_the_state() -> None:
    assert _ids("Iranian officials denied it.") == ["iran"]
    assert _ids("Iraqi and U.S. officials met.") == ["iraq", "us"]
    assert _ids("Iraqi and U.S. military officials met.") == ["iraq", "us_military"]
    assert _ids("Iranian pilgrims and Iraqi politics.") == []


def test_blocked_phrases_hide_actor_names() -> None:
    assert _ids("Near Baghdad International Airport, the convoy was hit.") == []


def test_user_yaml_and_scenario_aliases_extend_the_gazetteer(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text("actors:\n  - id: nujaba_spokesman\n    name: Hussein al-Mousawi\n    kind: person\n"
                     "    aliases: [Mousawi]\n", encoding="utf-8")
    scenario = Scenario.model_validate({
        "id": "t", "name": "t",
        "actors": [{"id": "GOI", "name": "Government of Iraq", "aliases": ["Sudani cabinet"], "capability": 1}],
        "issues": [{"id": "x", "name": "x"}],
        "stances": [{"actor": "GOI", "issue": "x", "position": 50, "salience": 50}],
    })
    g = load_gazetteer([extra], scenario)
    found = [(m.actor, m.via) for m in g.find_mentions("Mousawi said the Sudani cabinet and the Iraqi government agreed.")]
    assert found == [("nujaba_spokesman", "user"), ("GOI", "scenario"), ("GOI", "scenario")]


def test_malformed_user_gazetteer_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("actors:\n  - id: x\n    kind: wizard\n    name: X\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"bad\.yaml: actors\[0\]\.kind"):
        load_gazetteer([bad])



def test_a_local_alias_needs_its_actor_or_a_context_actor_named_plainly_in_the_document() -> None:
    dutch = ("THE HAGUE - The Senate voted 41 to 34 for the housing bill on Tuesday, and the House of "
             "Representatives is expected to follow. Congress in Chile watched the vote closely.")
    assert "us_congress" not in _ids(dutch)
    british = "The Ministry of Defence in London said the frigate would sail in May. The Defence Ministry added little."
    assert "iraq_military" not in _ids(british)
    american = "Trump said Congress would not fund the wall, and the Senate agreed."
    assert _ids(american) == ["trump", "us_congress", "us_congress"]
    assert _ids("Officials in Washington said the House of Representatives would vote.") == ["us", "us_congress"]
    iraqi = "Baghdad hosted the talks; the Ministry of Defence said two brigades would move north."
    assert _ids(iraqi) == ["iraq", "iraq_military"]
    assert _ids("American officials said the Senate would act.") == ["us", "us_congress"]  # a demonym is plain too
    # a plain alias of the actor itself is context enough ("U.S. Congress" ... "the Senate")
    assert _ids("The U.S. Congress met; the Senate then adjourned.") == ["us_congress", "us_congress"]


def test_a_scenario_keeps_local_aliases_local_unless_it_names_them_and_keeps_renamed_context() -> None:
    def scenario(actors: list[dict[str, object]]) -> Scenario:
        return Scenario.model_validate({
            "id": "t", "name": "t", "actors": [{"capability": 1, **a} for a in actors],
            "issues": [{"id": "x", "name": "x"}],
            "stances": [{"actor": str(actors[0]["id"]), "issue": "x", "position": 50, "salience": 50}],
        })
    # the scenario's own "USA" takes over the built-in United States: it is still the Congress's context
    g = load_gazetteer(scenario=scenario([{"id": "USA", "name": "United States"}, {"id": "CON", "name": "U.S. Congress"}]))
    assert [m.actor for m in g.find_mentions("The United States said the Senate would vote.")] == ["USA", "CON"]
    assert [m.actor for m in g.find_mentions("In Manila the Senate voted.")] == []
    # a Dutch scenario that calls its upper house "Senate" names it plainly
    g = load_gazetteer(scenario=scenario([{"id": "EK", "name": "Eerste Kamer", "aliases": ["Senate"]}]))
    assert [m.actor for m in g.find_mentions("In The Hague the Senate voted.")] == ["EK"]


@pytest.mark.parametrize(("body", "message"), [
    ("actors:\n  - id: x\n    name: X\n    alias: [Y]\n", r"bad\.yaml: actors\[0\]: unknown key 'alias'"),
    ("actors: []\nblocks: [Z]\n", r"bad\.yaml: unknown key 'blocks'"),
    ("actors:\n  - id: x\n    name: X\n    local_aliases: [Senate]\n",
     r"bad\.yaml: actors\[0\]\.local_aliases: needs a 'context'"),
    ("actors:\n  - id: x\n    name: X\n    local_aliases: [Senate]\n    context: [nowhere]\n",
     r"bad\.yaml: actors\[0\]\.context: no actor with id 'nowhere'"),
])
def test_a_bad_gazetteer_key_is_named_in_one_line(tmp_path: Path, body: str, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(GazetteerError, match=message) as info:
        load_gazetteer([bad])
    assert "\n" not in str(info.value)


# --- quotes ------------------------------------------------------------------------------------

NEWS = (
    "Iraqi Foreign Minister Fuad Hussein said on Monday that the talks were \u201cconstructive and frank.\u201d "
    "\u201cWe are not in a hurry,\u201d he said, \u201cbut the timetable must be clear.\u201d\n\n"
    "Kata'ib Hezbollah said in a statement that it would \u201ccontinue the resistance\u201d until the last "
    "soldier left. A spokesman for the group, who spoke on condition of anonymity, added: \u201cThe "
    "occupation has no future here.\u201d\n\n"
    "According to the Pentagon, about 2,500 troops remain in the country. Secretary of Defense Lloyd Austin "
    "warned that attacks on U.S. personnel would be answered."
)


def _quotes(text: str) -> list[tuple[str | None, str, bool]]:
    ex = extract(text)
    return [(q.speaker_actor, q.text, q.direct) for q in ex.quotes]


def _quoted_words(text: str) -> list[tuple[str | None, str, str]]:
    """(speaker actor, kind, words in quotation marks) for each quote with quoted words."""
    return [(q.speaker_actor, q.kind, text[a:b]) for q in extract(text).quotes for a, b in q.quoted]


def test_mixed_quote_keeps_the_clause_and_its_quoted_words() -> None:
    first = extract(NEWS).quotes[0]
    assert (first.speaker_actor, first.kind, first.text) == (
        "fuad_hussein", "mixed", "the talks were \u201cconstructive and frank.\u201d")
    assert _quoted_words(NEWS)[0] == ("fuad_hussein", "mixed", "constructive and frank.")


def test_named_speaker_split_quote_and_pronoun() -> None:
    quotes = _quotes(NEWS)
    assert quotes[1][0] == "fuad_hussein" and quotes[1][2] is True
    assert "not in a hurry" in quotes[1][1] and "timetable must be clear" in quotes[1][1]  # split quote joined


def test_organisation_statement_and_unnamed_speaker() -> None:
    quotes = _quotes(NEWS)
    kh = [q for q in _quoted_words(NEWS) if q[2] == "continue the resistance"]
    assert kh and kh[0][0] == "kataib_hezbollah"
    anon = [q for q in quotes if q[1].startswith("The occupation")]
    assert anon and anon[0][0] is None  # "A spokesman for the group" is not resolved to a name


def test_indirect_speech_is_marked_indirect() -> None:
    indirect = [(a, d) for a, _, d in _quotes(NEWS) if not d]
    assert ("us_defense_department", False) in indirect  # according to the Pentagon
    assert ("austin", False) in indirect  # warned that ...


def test_scare_quotes_are_not_quotes() -> None:
    text = "The so-called \u201cmaximum pressure\u201d campaign and the \u201cresistance axis\u201d shaped Iraq's choices."
    assert _quotes(text) == []


def test_pronoun_without_a_named_person_stays_unresolved() -> None:
    text = "The ministry issued new rules on Sunday.\n\nHe said: \u201cNothing will change for the banks.\u201d"
    quotes = _quotes(text)
    assert len(quotes) == 1 and quotes[0][0] is None


# --- dates and events ---------------------------------------------------------------------------

def test_weekday_resolves_against_the_document_date() -> None:
    ex = extract("On Tuesday, U.S. forces struck a Kata'ib Hezbollah depot near Qaim.", document_date=dt.date(2024, 2, 9))
    assert [(e.date, e.action, e.actor_id, e.target_id) for e in ex.events] == [
        ("2024-02-06", "ASSAULT", "us_military", "kataib_hezbollah")]


def test_month_day_takes_the_year_from_context_or_the_document_date() -> None:
    text = ("Talks began on 12 January 2021 in Baghdad. On February 7, Iraq and the United States agreed "
            "to a new round of talks.")
    events = extract(text).events
    assert ("2021-02-07", "AGREE") in [(e.date, e.action) for e in events]
    late = extract("On December 30, militias fired rockets at the embassy.", document_date=dt.date(2020, 1, 4))
    assert [e.date for e in late.events] == ["2019-12-30"]


def test_dates_without_a_knowable_year_give_no_event() -> None:
    assert extract("On February 7, militias fired rockets at the base.").events == ()


def test_plover_categories() -> None:
    cases = {
        "On 3 March 2020, the United States demanded that Iraq rein in the militias.": "DEMAND",
        "On 3 March 2020, Kata'ib Hezbollah threatened to attack U.S. forces.": "THREATEN",
        "On 3 March 2020, Iraqi and U.S. officials met in Baghdad for talks.": "CONSULT",
        "On 3 March 2020, the PMF mobilized thousands of fighters near Karbala.": "MOBILIZE",
        "On 3 March 2020, the Iraqi government banned eight banks from dollar auctions.": "COERCE",
    }
    for text, category in cases.items():
        assert [e.action for e in extract(text).events] == [category], text


def test_events_and_quotes_carry_offsets_into_the_text() -> None:
    ex = extract(NEWS, document_id="news")
    for q in ex.quotes:
        assert NEWS[q.start : q.end].startswith(q.text[:10])
    for s in split_sentences(NEWS):
        assert NEWS[s.start : s.end] == s.text


# --- issue links and drafted stances ------------------------------------------------------------

SCENARIO = Scenario.model_validate({
    "id": "troops", "name": "U.S. troops in Iraq",
    "actors": [
        {"id": "kataib_hezbollah", "name": "Kata'ib Hezbollah", "capability": 10},
        {"id": "us", "name": "United States", "capability": 90},
    ],
    "issues": [{
        "id": "troops", "name": "U.S. troop presence in Iraq",
        "anchors": [{"value": 0, "label": "full withdrawal of U.S. troops, expel foreign forces"},
                    {"value": 100, "label": "U.S. troops remain, expanded military presence and bases"}],
    }],
    "stances": [{"actor": "us", "issue": "troops", "position": 70, "salience": 80},
                {"actor": "kataib_hezbollah", "issue": "troops", "position": 0, "salience": 90}],
})


def test_issue_links_suggest_a_direction_and_stances_are_drafted() -> None:
    text = ("Kata'ib Hezbollah said that all U.S. troops must leave Iraq and demanded the full withdrawal "
            "of foreign forces. The weather in Basra was hot.\n\n"
            "The United States said its troops will remain in Iraq and keep their bases to train the army.")
    g = load_gazetteer(scenario=SCENARIO)
    ex = extract(text, gazetteer=g, document_id="t1")
    links = issue_links(ex, SCENARIO.issues)
    assert [link.direction for link in links if "kataib_hezbollah" in link.actors] == ["toward_0"]
    assert [link.direction for link in links if link.actors[:1] == ("us",)] == ["toward_100"]
    assert all("weather" not in text[link.start : link.end] for link in links)
    records = evidence_records(ex, text, links)
    stances = {(s.actor, s.issue): s for s in draft_stances(SCENARIO, records)}
    assert stances[("kataib_hezbollah", "troops")].position < 50 < stances[("us", "troops")].position
    for s in stances.values():
        assert s.position_low <= s.position <= s.position_high
        assert all(text[e.start : e.end] == e.text for e in s.evidence)
