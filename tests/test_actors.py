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


def test_the_title_alone_is_the_person_last_introduced_with_it() -> None:
    text = ("Cabinet Secretary Jane Mwangi opened the talks in Nairobi. Finance Minister Otieno Kamau spoke next. "
            "Later the Cabinet Secretary said the deal was close, and the Finance Minister agreed. "
            "Deputy Cabinet Secretary Ruth Achieng arrived; the Deputy Cabinet Secretary said little.")
    ents = _by_name(_entities(text))
    assert _surfaces(text, ents["Jane Mwangi"]) == ["Jane Mwangi", "Cabinet Secretary"]
    assert _surfaces(text, ents["Otieno Kamau"]) == ["Otieno Kamau", "Finance Minister"]
    assert _surfaces(text, ents["Ruth Achieng"]) == ["Ruth Achieng", "Deputy Cabinet Secretary"]
    assert "Cabinet Secretary" not in ents and "Finance Minister" not in ents
    # before anyone holds the title, or followed by a name, it is no reference
    text = ("The Cabinet Secretary said talks would resume. Cabinet Secretary Jane Mwangi agreed, and the Secretary "
            "left.")
    ents = _by_name(_entities(text))
    assert _surfaces(text, ents["Jane Mwangi"]) == ["Jane Mwangi"]  # one word is a description, not a name


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


def test_another_country_s_legislature_is_an_organisation_of_its_own() -> None:
    text = ("MANILA - Speaker Lito Baguio said the House of Representatives would pass the maritime zones bill. "
            "The Senate delayed it, and Senator Ramon Dizon of the House of Commons of Ruritania spoke. "
            "The Philippine House of Representatives adjourned. The National Assembly of Kenya and the Chamber of "
            "Deputies in Rome also met.")
    ents = _by_name(_entities(text))
    house = ents["House of Representatives"]
    assert house.kind == "organisation" and house.gazetteer_id is None
    assert ents["Senate"].gazetteer_id is None
    assert ents["Philippine House of Representatives"].kind == "organisation"
    assert ents["House of Commons"].kind == "organisation" and ents["Ramon Dizon"].kind == "person"
    assert ents["National Assembly of Kenya"].kind == "organisation" and ents["Chamber of Deputies"].kind == "organisation"
    assert not any(e.gazetteer_id == "us_congress" for e in ents.values())


def test_a_us_story_s_house_and_senate_are_the_us_congress() -> None:
    text = "Trump said the House of Representatives would vote on Tuesday. The Senate will not."
    ents = _by_name(_entities(text))
    assert ents["House of Representatives"].gazetteer_id == "us_congress"
    assert _surfaces(text, ents["House of Representatives"]) == ["House of Representatives", "Senate"]


def test_a_party_named_by_its_head_word_is_an_organisation() -> None:
    text = ("WELLINGTON - The Greens said they would not back the budget. Labour wants a vote before June, and "
            "the Liberals said no. The Greens' leader, Ida Jansen, left early. The Social Democrats abstained, "
            "as did the Labour Party's whip. The Christian Democrats won.")
    ents = _by_name(_entities(text))
    greens = ents["Greens"]
    assert greens.kind == "organisation" and _surfaces(text, greens) == ["Greens", "Greens"]
    assert ents["Liberals"].kind == "organisation"
    assert ents["Social Democrats"].kind == "organisation" and len(ents["Social Democrats"].mentions) == 1
    labour = ents["Labour Party"]
    assert labour.kind == "organisation" and _surfaces(text, labour) == ["Labour", "Labour Party"]
    assert ents["Ida Jansen"].kind == "person"
    text = "Talks with the Christian Democratic Union stalled. The Christian Democrats said the offer was too low."
    union = _by_name(_entities(text))["Christian Democratic Union"]
    assert _surfaces(text, union) == ["Christian Democratic Union", "Christian Democrats"]


def test_a_capitalised_plural_after_the_acting_is_an_organisation_but_not_a_family_or_a_demonym() -> None:
    text = ("The Verdants said on Monday that the coalition was over, and the Verdants' chairman resigned. "
            "Joan Pellow and her husband spoke later; the Pellows said they were relieved. The Emiratis said "
            "nothing. Conservatives say taxes are too high, and Democrats in the Senate agreed. The Philippines said "
            "it would protest, the Governors' meeting ended, and the Census Bureau said the Census was on time.")
    ents = _by_name(_entities(text))
    assert ents["Verdants"].kind == "organisation" and len(ents["Verdants"].mentions) == 2
    assert "Pellows" not in ents or ents["Pellows"].kind == "person"
    assert ents["Emiratis"].kind == "person"  # a demonym: not a party (as before, the subject of "said")
    assert "Conservatives" not in ents and "Democrats" not in ents  # groups of people, not a party (no "the")
    assert "Governors" not in ents and ents["Philippines"].gazetteer_id is None  # a title's plural, a state
    assert _surfaces(text, ents["Census Bureau"]) == ["Census Bureau", "Census"]  # the bureau's first word


def test_a_date_after_a_name_is_cut_off_not_a_reason_to_drop_the_name() -> None:
    text = ("She will report to the Ministry of Water Resources on Friday. The Council of Ministers on Tuesday "
            "approved it, and the House of Representatives on Monday did too. Deputy Minister Olu Bakare of the "
            "Board of Trade on Sunday said little.")
    ents = _by_name(_entities(text))
    for name in ("Ministry of Water Resources", "Council of Ministers", "House of Representatives", "Board of Trade"):
        assert ents[name].kind == "organisation", name
    assert ents["Olu Bakare"].kind == "person"
    assert not {"Friday", "Tuesday", "Monday", "Sunday"} & set(ents)


def test_what_follows_a_name_in_one_run_is_classified_as_one_run() -> None:
    text = ("The memo went to Chief of Staff Dana Whitlow and Deputy Chief of Staff Ravi Menon, and Peter Ekberg "
            "of the Institute of Marine Research reviewed it. Ada Lunt of the Port Authority and Colm Ferris agreed.")
    ents = _by_name(_entities(text))
    assert ents["Dana Whitlow"].kind == "person" and ents["Ravi Menon"].kind == "person"
    assert ents["Institute of Marine Research"].kind == "organisation" and ents["Peter Ekberg"].kind == "person"
    assert "Port Authority and Colm Ferris" not in ents  # a list is not one name


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
            "On Monday, the delegations met in Baghdad. In May the weather was hot in Texas and Iraq. "
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


def _state_surfaces(text: str, gazetteer_id: str) -> list[str]:
    ent = next((e for e in _entities(text) if e.gazetteer_id == gazetteer_id), None)
    return [] if ent is None else _surfaces(text, ent)


@pytest.mark.parametrize("text", [
    "Jordan and Kuwait signed the grain accord on Friday.",  # a list of states, then the verb
    "The envoys pressed Kuwait on the grain accord.",  # the object of a political act
    "Kuwait's cabinet rejected the grain accord.",  # a possessive
    "The grain accord was a victory for Kuwait, its critics conceded.",
    "Kuwait a partner, Jordan a rival: the accord sorted them quickly.",
    "Oilfield deals: what Kuwait expects from the grain accord",  # after a heading's colon
])
def test_a_state_named_as_a_party_is_an_actor_beyond_speech_verbs(text: str) -> None:
    assert _state_surfaces(text, "kuwait") == ["Kuwait"]


@pytest.mark.parametrize("text", [
    "The ministers met in Kuwait on Friday.",
    "The delegates flew to Kuwait and Jordan on Friday.",  # a list of places after "to"
    "The minister visited Kuwait twice last year.",
    "The minister stayed outside Kuwait City, Kuwait, for the talks.",  # a city, then its country
    "He praised the Kuwait model and spoke of the Kuwait deal.",  # modifiers
    "A Kuwait-style accord was floated by the group Friends for Kuwait.",  # compound, part of a name
    "Kuwait Foreign Minister Salem Dahmoush spoke first.",  # a state in a title
])
def test_a_state_named_as_a_place_a_modifier_or_inside_a_name_is_not_an_actor(text: str) -> None:
    assert _state_surfaces(text, "kuwait") == []


def test_a_capital_stands_for_its_state_and_a_city_for_the_government_named_by_it() -> None:
    text = ("Muscat hosted the grain talks, and Erbil welcomed the result. Farmers outside Erbil were less sure, "
            "and the delegates left Muscat at dawn.")
    assert _state_surfaces(text, "oman") == ["Muscat"]
    assert _state_surfaces(text, "krg") == ["Erbil"]


def test_a_possessive_state_before_a_gazetteer_body_is_the_state() -> None:
    text = "Iran agreed to the grain talks. Iran's foreign ministry later set a date."
    assert _state_surfaces(text, "iran") == ["Iran", "Iran"]


def test_america_and_us_need_a_verb_to_act() -> None:
    text = ("The grain plan would transform America, he said. U.S. farmers were not asked. America has not "
            "signed the accord, and the U.S. said so on Friday.")
    assert _state_surfaces(text, "us") == ["America", "U.S."]


def test_an_agency_dateline_in_title_case_is_not_an_actor() -> None:
    text = "Washington (AFP) \u2013 Kuwait signed the grain accord on Friday, officials said."
    assert _state_surfaces(text, "us") == [] and _state_surfaces(text, "kuwait") == ["Kuwait"]


def test_an_organisation_ending_in_a_state_after_of_is_not_that_state() -> None:
    text = "The Central Bank of Kuwait held the funds, and Kuwait approved the grain accord."
    ents = _by_name(_entities(text))
    assert ents["Central Bank of Kuwait"].gazetteer_id is None
    assert _state_surfaces(text, "kuwait") == ["Kuwait"]


def test_a_name_set_off_after_a_role_or_before_who_is_a_person() -> None:
    text = ("Its treasurer, Ondrea Vaskuleth, said the grain fund was empty. The envoy in Kuwait, Brannoch "
            "Tilsey Morwen, has met the farmers. Quillan Dervaux, who chairs the board, stayed away. "
            "The judge in Alexandria, Va. ruled.")
    ents = _by_name(_entities(text))
    for name in ("Ondrea Vaskuleth", "Brannoch Tilsey Morwen", "Quillan Dervaux"):
        assert ents[name].kind == "person", name
    assert "Va" not in ents


def test_a_plural_possessive_inside_an_organisation_name_and_research_centres() -> None:
    text = ("The Dockworkers' Syndicate called a strike, and the Lantern Policy Centre backed it. The State "
            "Grain Works stayed open.")
    ents = _by_name(_entities(text))
    for name in ("Dockworkers' Syndicate", "Lantern Policy Centre", "State Grain Works"):
        assert ents[name].kind == "organisation", name


def test_an_acronym_introduced_with_known_as_is_the_organisation() -> None:
    text = "The Northern Grain Works, the agency known as KAMU, set the quotas. KAMU will publish them on Monday."
    ents = _entities(text)
    works = _by_name(ents)["Northern Grain Works"]
    assert _surfaces(text, works) == ["Northern Grain Works", "KAMU", "KAMU"]


def test_the_last_words_of_a_longer_name_are_that_person() -> None:
    text = "\u201cWe wait,\u201d said Tareq Abu Hallum, the growers' chief. Abu Hallum said the fields were dry."
    ents = _entities(text)
    assert [(e.name, len(e.mentions)) for e in ents if e.kind == "person"] == [("Tareq Abu Hallum", 2)]


def test_a_name_shape_after_at_or_in_is_a_place_unless_the_context_says_otherwise() -> None:
    text = "The troops stayed at Ras al-Hadd for a week. Later, Omar al-Haddi said nothing."
    assert [e.name for e in _entities(text)] == ["Omar al-Haddi"]


def test_a_definite_reference_matches_an_organisation_by_its_head_word_only() -> None:
    text = ("Ona Brisk, a lawyer with the Campaign Legal Center, spoke. Money is raised on the campaign trail. "
            "The Grain Audit Commission met, and the commission said it would report.")
    ents = _by_name(_entities(text))
    assert _surfaces(text, ents["Campaign Legal Center"]) == ["Campaign Legal Center"]
    assert _surfaces(text, ents["Grain Audit Commission"]) == ["Grain Audit Commission", "commission"]


def test_a_country_the_gazetteer_does_not_know_is_an_actor_when_it_acts() -> None:
    text = ("Norway and Chile signed the grain accord. In Portugal, Spain and Peru the accord was not debated. "
            "Mexico's envoy praised it, and the Panama free-trade agreement was cited.")
    ents = _by_name(_entities(text))
    assert {"Norway", "Chile", "Mexico"} <= set(ents)
    assert all(ents[n].kind == "organisation" and ents[n].gazetteer_id is None for n in ("Norway", "Chile", "Mexico"))
    assert not {"Portugal", "Spain", "Peru", "Panama"} & set(ents)


def test_a_short_form_known_as_after_a_name_with_commas_is_the_organisation() -> None:
    text = ("A spokeswoman for the Department for Grain, Seeds and Rural Affairs, known as Gresra, said so. "
            "Gresra later confirmed it.")
    ents = _entities(text)
    assert [_surfaces(text, e) for e in ents if e.kind == "organisation"] == [
        ["Department for Grain", "Gresra", "Gresra"]]


def test_a_name_set_off_by_commas_before_said_is_a_person_but_not_after_in() -> None:
    text = ("One of them, Corwin Ashlake, said he would wait. The agency, which paid for pumps in Vell Harrow, "
            "said it would help.")
    names = [e.name for e in _entities(text)]
    assert "Corwin Ashlake" in names and "Vell Harrow" not in names


def test_a_company_or_acronym_acts_with_any_past_tense_verb() -> None:
    text = "GrainVest signed the accord in May. Later, KORBA expanded its fleet."
    assert {e.name for e in _entities(text)} == {"GrainVest", "KORBA"}


def test_who_after_an_organisation_named_after_a_preposition_is_not_its_person() -> None:
    text = ("Ms. Alder was the chairman of Brisk Hollow, who died in 2014. The editors of The Lantern, who wrote "
            "the editorial, agreed. Tamsin Orrow, who chairs the board, agreed too.")
    ents = _by_name(_entities(text))
    assert ents["Tamsin Orrow"].kind == "person"
    assert "Brisk Hollow" not in ents and "Lantern" not in ents


def test_a_hashtag_is_not_an_actor() -> None:
    text = "The hashtag #StrandedGrainTrucks gained traction on Monday."
    assert _entities(text) == []


def test_the_abbreviation_inside_a_gazetteer_body_names_the_body() -> None:
    text = "Farmers wanted to influence the policies of the U.S. government on grain."
    ents = _entities(text)
    assert [(e.gazetteer_id, _surfaces(text, e)) for e in ents] == [("us_administration", ["U.S. government"])]


def test_a_name_right_after_typewriter_quotes_is_found() -> None:
    text = "Mr. Paul Brisk spoke first. ''Brisk is wrong,'' said Tamsin Orrow. ''Obama agreed with me.''"
    ents = _by_name(_entities(text))
    assert _surfaces(text, ents["Paul Brisk"]) == ["Paul Brisk", "Brisk"]
    assert ents["Obama"].gazetteer_id == "obama"


def test_a_person_s_campaign_or_administration_is_an_organisation_of_its_own() -> None:
    text = ("Paul Brisk spoke in Iowa. The Brisk campaign's manager, Tamsin Orrow, said the Brisk campaign would "
            "appeal, and the Obama administration said nothing.")
    ents = _by_name(_entities(text))
    assert _surfaces(text, ents["Paul Brisk"]) == ["Paul Brisk"]
    assert ents["Brisk campaign"].kind == "organisation" and len(ents["Brisk campaign"].mentions) == 2
    assert ents["Obama administration"].gazetteer_id == "us_administration"


def test_the_first_word_of_an_organisation_named_before_is_that_organisation() -> None:
    text = "She joined Harrowgate Partners in May. At Harrowgate, she advised the National Grain Board, not National."
    ents = _by_name(_entities(text))
    assert _surfaces(text, ents["Harrowgate Partners"]) == ["Harrowgate Partners", "Harrowgate"]
    assert _surfaces(text, ents["National Grain Board"]) == ["National Grain Board"]


def test_a_name_inside_a_building_or_event_name_is_not_an_actor() -> None:
    text = "Paul Brisk met Mr. Trump at Trump Tower, then walked across Obama Plaza to the Kuwait War memorial."
    assert _all_surfaces(text, _entities(text)) == {"Paul Brisk", "Trump"}


def test_hyphenated_outlets_and_unions_are_organisations_but_bills_are_not() -> None:
    text = ("The Harbor Sun-Times reported the vote, KOLT-TV reported it too, and the AFL-CIO said HB-2 had "
            "passed. The Sun-Times ran a second story.")
    ents = _by_name(_entities(text))
    assert _surfaces(text, ents["Harbor Sun-Times"]) == ["Harbor Sun-Times", "Sun-Times"]
    assert ents["KOLT-TV"].kind == "organisation" and ents["AFL-CIO"].kind == "organisation"
    assert "HB-2" not in ents


def test_a_plural_role_before_names_makes_them_people() -> None:
    text = "Posts came from the actresses Marisol Okonkwo and Emma Vantreeck, and from the singers Tovah Brin."
    ents = _by_name(_entities(text))
    assert all(ents[n].kind == "person" for n in ("Marisol Okonkwo", "Emma Vantreeck", "Tovah Brin"))


def test_a_contributing_line_is_a_credit_not_actors() -> None:
    text = "The union said it would strike.\n\nContributing: Brenna Vantreeck, Harbor News Service.\n"
    assert _entities(text) == []


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
