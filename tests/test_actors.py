"""Open-vocabulary actors (stratagem.evidence.actors): every rule on text written for these tests.

The texts below were written for stratagem; the names in them are ordinary names or public figures,
and the events are invented.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratagem.evidence.actors import ActorEntity, entity_at, extract_actor_entities
from stratagem.evidence.extract import extract


def _entities(text: str) -> list[ActorEntity]:
    return extract_actor_entities(text)


def _by_name(entities: Sequence[ActorEntity]) -> dict[str, ActorEntity]:
    return {e.name: e for e in entities}


def _surfaces(text: str, entity: ActorEntity) -> list[str]:
    return [text[a:b] for a, b in entity.mentions]


def _all_surfaces(text: str, entities: Sequence[ActorEntity]) -> set[str]:
    return {text[a:b] for e in entities for a, b in e.mentions}


# --- people ------------------------------------------------------------------------------------

def test_titles_before_a_name_make_a_person_and_stay_out_of_the_name() -> None:
    text = ("Secretary of State Mike Pompeo met Sen. Ted Cruz on the hill. White House press secretary Josh "
            "Earnest declined to comment, and Lt. Gen. Karim al-Tamimi stayed silent.")
    ents = _by_name(_entities(text))
    assert {"Mike Pompeo", "Ted Cruz", "Josh Earnest", "Karim al-Tamimi"} <= set(ents)
    assert all(ents[n].kind == "person" for n in ("Mike Pompeo", "Ted Cruz", "Josh Earnest", "Karim al-Tamimi"))
    assert not any("Secretary" in n or "Sen." in n or "Gen." in n for n in ents)


def test_a_portfolio_may_span_connectors_and_what_follows_the_name_is_not_the_name() -> None:
    text = ("He challenged former Secretary of State Hillary Clinton for the Democratic nomination. "
            "Secretary of Health and Human Services Alex Azar agreed.")
    names = [e.name for e in _entities(text)]
    assert names == ["Hillary Clinton", "Alex Azar"]


def test_name_shapes_particles_initials_and_suffixes() -> None:
    text = ("Osama bin Laden was named in the report. Ursula von der Leyen answered. John G. Roberts Jr. "
            "presided, and Mark van Dijk took notes.")
    names = set(_by_name(_entities(text)))
    assert {"Osama bin Laden", "Ursula von der Leyen", "John G. Roberts Jr.", "Mark van Dijk"} <= names


def test_the_subject_of_a_speech_verb_is_a_person_even_with_an_unknown_name() -> None:
    text = "Brafwick said the filing was late. \u201cWe will appeal,\u201d said Caddelmore. Both men left early."
    ents = _by_name(_entities(text))
    assert ents["Brafwick"].kind == "person" and ents["Caddelmore"].kind == "person"


def test_a_compound_suffix_is_not_part_of_the_name() -> None:
    text = "Lindsey Graham spoke. He is no Lindsey Graham-type hawk, and Iranian-backed groups agreed."
    ents = _entities(text)
    assert [(e.name, _surfaces(text, e)) for e in ents] == [("Lindsey Graham", ["Lindsey Graham", "Lindsey Graham"])]


def test_an_apposition_makes_a_person_or_an_organisation() -> None:
    text = ("Hadi Nourwani, a lawyer for the companies, warned of lawsuits. Zentrix, the engineering company, "
            "declined to comment.")
    ents = _by_name(_entities(text))
    assert ents["Hadi Nourwani"].kind == "person"
    assert ents["Zentrix"].kind == "organisation"


def test_two_names_joined_by_and_stay_two_people() -> None:
    text = "Mike Pence and Tim Kaine met in Virginia on Tuesday night. Kaine spoke first."
    ents = _by_name(_entities(text))
    assert {"Mike Pence", "Tim Kaine"} <= set(ents) and len(ents["Tim Kaine"].mentions) == 2


def test_transcript_speaker_labels_are_the_people_named_in_full() -> None:
    text = ("Mike Pence and Tim Kaine debated on Tuesday night.\n\nPENCE: I think the governor is wrong.\n\n"
            "KAINE: Well, the governor is wrong.\n\nQUESTION: What about the budget?\n")
    ents = _by_name(_entities(text))
    assert _surfaces(text, ents["Mike Pence"]) == ["Mike Pence", "PENCE"]
    assert _surfaces(text, ents["Tim Kaine"]) == ["Tim Kaine", "KAINE"]
    assert "QUESTION" not in _all_surfaces(text, list(ents.values()))


# --- organisations -----------------------------------------------------------------------------

def test_the_organisation_before_a_title_is_named_too() -> None:
    text = "House Judiciary Committee Chairman Bob Goodlatte told reporters that FBI Director James Comey erred."
    ents = _by_name(_entities(text))
    assert ents["House Judiciary Committee"].kind == "organisation" and ents["FBI"].kind == "organisation"
    assert ents["Bob Goodlatte"].kind == "person" and ents["James Comey"].kind == "person"


def test_organisations_by_head_word_and_of_shapes() -> None:
    text = ("The Joint Operations Command said the Federal Supreme Court would rule soon. The Coordinating Body "
            "of the Iraqi Resistance issued a statement, and the Ministry of Natural Resources replied. "
            "Pfizer Inc. and the Senate Foreign Relations Committee were also named.")
    ents = _by_name(_entities(text))
    for name in ("Joint Operations Command", "Federal Supreme Court", "Coordinating Body of the Iraqi Resistance",
                 "Ministry of Natural Resources", "Pfizer Inc.", "Senate Foreign Relations Committee"):
        assert ents[name].kind == "organisation", name


def test_acronyms_defined_in_the_text_and_acronyms_as_agents() -> None:
    text = ("The State Oil Marketing Organization (SOMO) told buyers it alone could sell the crude. SOMO has not "
            "commented since. Separately, ZQX said on Tuesday that it would sue. The word OK is not an actor.")
    ents = _entities(text)
    somo = _by_name(ents)["State Oil Marketing Organization"]
    assert somo.kind == "organisation" and _surfaces(text, somo) == ["State Oil Marketing Organization", "SOMO",
                                                                       "SOMO"]
    assert "ZQX" in _by_name(ents)
    assert "OK" not in _all_surfaces(text, ents)


def test_initials_of_an_organisation_named_in_full_are_that_organisation() -> None:
    text = "The Democratic National Committee met on Monday. Later the DNC said it would pay."
    ents = _entities(text)
    dnc = _by_name(ents)["Democratic National Committee"]
    assert _surfaces(text, dnc) == ["Democratic National Committee", "DNC"]


# --- merging -----------------------------------------------------------------------------------

def test_surname_first_name_honorific_and_possessive_refer_to_the_full_name() -> None:
    text = ("Pentagon spokesman Pat Ryder said the troops were safe. Ryder added that talks went on. "
            "Mr. Ryder later declined to say more. Ryder's remarks came a day early, and Pat was tired.")
    ents = _entities(text)
    ryder = _by_name(ents)["Pat Ryder"]
    assert ryder.id == "ent:pat-ryder" and ryder.kind == "person" and ryder.gazetteer_id is None
    assert _surfaces(text, ryder) == ["Pat Ryder", "Ryder", "Ryder", "Ryder", "Pat"]
    assert entity_at(ents, text.index("Ryder's"), text.index("Ryder's") + 5) is ryder


def test_a_sentence_initial_surname_that_is_also_a_common_word_still_refers_to_the_person() -> None:
    text = "Susan Rice met the press. She ate rice. Rice said the talks failed. Rice is cheap."
    rice = _by_name(_entities(text))["Susan Rice"]
    assert _surfaces(text, rice) == ["Susan Rice", "Rice", "Rice"]


def test_a_surname_goes_to_the_latest_full_name_before_it() -> None:
    text = ("Bill Clinton spoke first. Hillary Clinton spoke next. Clinton then left the stage. "
            "Bill Clinton returned. Clinton waved.")
    ents = _by_name(_entities(text))
    assert len(ents["Hillary Clinton"].mentions) == 2 and len(ents["Bill Clinton"].mentions) == 3


def test_oil_ministry_is_the_ministry_of_oil_and_corporate_suffixes_merge() -> None:
    text = ("The Oil Ministry said exports would resume. A day later the Ministry of Oil denied it. Pfizer Inc. "
            "said the deal was off. Pfizer later confirmed it.")
    ents = _entities(text)
    ministry = _by_name(ents)["Ministry of Oil"]
    assert _surfaces(text, ministry) == ["Oil Ministry", "Ministry of Oil"]
    assert _surfaces(text, _by_name(ents)["Pfizer Inc."]) == ["Pfizer Inc.", "Pfizer"]


def test_the_office_is_the_office_just_named_and_nothing_far_away() -> None:
    filler = " ".join(["The weather stayed dry for days."] * 15)
    text = (f"The Prime Minister's Media Office said the talks were over. The office added that ministers would "
            f"meet again. {filler} The office was empty.")
    ents = _entities(text)
    office = _by_name(ents)["Media Office"]
    assert _surfaces(text, office) == ["Media Office", "office"]
    assert office.mentions[1][0] == text.index("office added")


def test_gazetteer_aliases_give_the_gazetteer_id_and_kinds_must_agree() -> None:
    text = ("Prime Minister Mohammed Shia al-Sudani met Jim Jordan in Baghdad. Sudani said the talks went well. "
            "Jordan said little.")
    ents = _by_name(_entities(text))
    sudani = ents["Mohammed Shia al-Sudani"]
    assert sudani.gazetteer_id == "sudani" and sudani.id == "sudani" and len(sudani.mentions) == 2
    jordan = ents["Jim Jordan"]
    assert jordan.kind == "person" and jordan.gazetteer_id is None  # the person, not the state of Jordan
    assert len(jordan.mentions) == 2


def test_a_gazetteer_person_named_alone_is_an_entity_with_the_gazetteer_id() -> None:
    text = "Polls show Trump ahead in Florida. Nathan Deal spoke later, and Mr. Deal left."
    ents = _by_name(_entities(text))
    assert ents["Trump"].gazetteer_id == "trump" and ents["Trump"].kind == "person"
    assert len(ents["Nathan Deal"].mentions) == 2  # a surname that is also a common head word ("Deal")


def test_a_relative_with_a_gazetteer_surname_is_not_the_gazetteer_person() -> None:
    text = ("Melania Trump spoke first. Polls show Trump ahead in Florida. Donald Trump spoke last, "
            "and Trump thanked Melania.")
    ents = _by_name(_entities(text))
    melania, donald = ents["Melania Trump"], ents["Donald Trump"]
    assert melania.gazetteer_id is None and _surfaces(text, melania) == ["Melania Trump", "Melania"]
    assert donald.gazetteer_id == "trump" and _surfaces(text, donald) == ["Trump", "Donald Trump", "Trump"]


def test_an_organisation_name_ends_at_a_title() -> None:
    text = "Council on Foreign Relations Executive Director Nihad Awdeh said the talks would go on."
    ents = _by_name(_entities(text))
    assert ents["Council on Foreign Relations"].kind == "organisation" and ents["Nihad Awdeh"].kind == "person"


# --- never actors ------------------------------------------------------------------------------

def test_datelines_bylines_and_photo_credits_are_not_actors() -> None:
    text = ("Talks stall again\n\nBy Jane Doemore and Omar Haddadi\n\n"
            "BAGHDAD \u2014 Officials met on Tuesday.\n\n"
            "WASHINGTON (Reuters) \u2014 Senators met on Wednesday.\n\n"
            "ERBIL, Iraq (AP) \u2014 Negotiators met on Thursday.\n\n"
            "(Photo: John Smithson/Getty Images)\n\n"
            "Kamal Hosseini said the talks would go on.")
    ents = _entities(text)
    surfaces = _all_surfaces(text, ents)
    assert not surfaces & {"Jane Doemore", "Omar Haddadi", "BAGHDAD", "WASHINGTON", "Reuters", "ERBIL", "AP",
                           "John Smithson", "Getty Images"}
    assert "Kamal Hosseini" in surfaces


def test_a_sentence_opening_with_by_is_not_a_byline() -> None:
    text = "Talks resume\n\nBy Sunday morning, Kamal Hosseini had won.\n\nFollow Jane Doemore On Twitter @jd.\n"
    surfaces = _all_surfaces(text, _entities(text))
    assert "Kamal Hosseini" in surfaces and not any("Doemore" in s for s in surfaces)


def test_sentence_initial_words_days_months_and_places_are_not_actors() -> None:
    text = ("Several weeks ago, the talks failed. In a Facebook message, officials blamed each other. "
            "On Monday, Baghdad hosted the delegations. In May the weather was hot in Texas and Iraq. "
            "Meanwhile Kirkuk waited. Significantly, nobody came.")
    surfaces = _all_surfaces(text, _entities(text))
    assert not surfaces & {"Several", "In", "Facebook", "On", "Monday", "Baghdad", "May", "Texas", "Iraq",
                           "Meanwhile", "Kirkuk", "Significantly"}


def test_a_state_the_gazetteer_knows_is_an_actor_when_it_acts_and_a_place_otherwise() -> None:
    text = ("Iran said on Monday that it would respond. Talks were held in Iran and Saudi Arabia. "
            "Saudi Arabia rejected the plan. He spoke in the Oval Office.")
    ents = _entities(text)
    iran = _by_name(ents)["Iran"]
    assert iran.gazetteer_id == "iran" and iran.kind == "organisation" and iran.mentions == ((0, 4),)
    saudi = _by_name(ents)["Saudi Arabia"]
    assert saudi.mentions == ((text.index("Saudi Arabia rejected"), text.index(" rejected")),)
    assert "Oval Office" not in _by_name(ents)


def test_titles_of_shows_and_books_in_quotation_marks_are_not_actors() -> None:
    text = ("The talks were discussed on \u201cMeet the Press\u201d and in the book \"The Long Road Home\". "
            "The host of \u201cFox News Sunday\u201d asked Kamal Hosseini about it.")
    surfaces = _all_surfaces(text, _entities(text))
    assert not any(w in s for s in surfaces for w in ("Meet", "Press", "Long Road", "Sunday"))
    assert "Kamal Hosseini" in surfaces


def test_laws_streets_and_events_are_not_actors() -> None:
    text = ("The Affordable Care Act was debated on Election Day near Pennsylvania Avenue, and World War II "
            "was recalled by Kamal Hosseini.")
    names = set(_by_name(_entities(text)))
    assert names == {"Kamal Hosseini"}


def test_headlines_keep_only_names_the_body_repeats() -> None:
    text = ("Trump Addresses Crowd After Vote\n\nDonald Trump spoke for an hour. Trump said he was pleased.")
    ents = _entities(text)
    assert [e.name for e in ents] == ["Donald Trump"]
    assert _surfaces(text, ents[0])[0] == "Trump"  # the headline's "Trump" is the same person


# --- integration -------------------------------------------------------------------------------

def test_extract_lists_entities_and_their_names_among_the_actors() -> None:
    text = ("The Association of the Petroleum Industry of Kurdistan (APIKUR) said on Tuesday that exports "
            "stayed halted. Masrour Barzani met Iranian officials, and Barzani said a deal was near.")
    ex = extract(text)
    names = [e.name for e in ex.entities]
    assert "Association of the Petroleum Industry of Kurdistan" in names and "Masrour Barzani" in names
    assert "Iran" in ex.actors and "Masrour Barzani" in ex.actors
    data = ex.to_json()
    entity_rows = data["entities"]
    assert isinstance(entity_rows, list)
    row = next(r for r in entity_rows if r["name"] == "Masrour Barzani")
    assert row["kind"] == "person" and [text[a:b] for a, b in row["mentions"]] == ["Masrour Barzani", "Barzani"]


def test_entity_at_finds_the_entity_overlapping_most_and_none_elsewhere() -> None:
    text = "Pentagon spokesman Pat Ryder said so. Ryder left."
    ents = _entities(text)
    phrase = text.index("Pentagon"), text.index(" said")
    assert entity_at(ents, *phrase) is not None and entity_at(ents, *phrase).name == "Pat Ryder"  # type: ignore[union-attr]
    assert entity_at(ents, text.index("left"), text.index("left") + 4) is None


# --- properties --------------------------------------------------------------------------------

_PIECES = ["Pat Ryder", "Ryder", "said", "the", "Ministry of Oil", "(SOMO)", "SOMO", "Mr.", "Sen.", "Ted Cruz",
           "BAGHDAD \u2014", "By", "Several", "weeks", "ago,", "\u201cMeet the Press\u201d", "Ryder's", "al-Tamimi",
           "Karim", "bin", "de", "Iraq", "Monday", "told", "reporters", ".", ",", "\n\n", "Federal Supreme Court",
           "Jr.", "J.", "and", "of", "\u00e9t\u00e9", "X", "I", "APIKUR", "Inc.", "'s", "\u2019s"]


@st.composite
def _texts(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.text(max_size=120))
    return " ".join(draw(st.lists(st.sampled_from(_PIECES), max_size=40)))


@settings(max_examples=150, deadline=None)
@given(_texts())
def test_mentions_lie_in_the_text_on_word_boundaries_without_overlap_and_are_deterministic(text: str) -> None:
    ents = extract_actor_entities(text)
    spans = sorted(span for e in ents for span in e.mentions)
    for a, b in spans:
        assert 0 <= a < b <= len(text)
        assert re.match(r"\w", text[a]) and (a == 0 or not re.match(r"\w", text[a - 1]))
        assert re.match(r"[\w.]", text[b - 1]) and (b == len(text) or not re.match(r"\w", text[b]))
    for (_, b), (c, _) in itertools.pairwise(spans):
        assert b <= c, "mentions overlap"
    for e in ents:
        assert e.kind in {"person", "organisation"} and e.mentions == tuple(sorted(e.mentions))
    assert len({e.id for e in ents}) == len(ents)
    assert extract_actor_entities(text) == ents


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "said.", "BAGHDAD \u2014", "By Jane Doemore"])
def test_degenerate_texts_give_no_entities(text: str) -> None:
    assert extract_actor_entities(text) == []
