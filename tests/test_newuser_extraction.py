"""Errors a new user meets at once on news the rules were not written for (issue 14), in general form.

Each test is one rule: a gazetteer alias inside a longer name is no mention of its actor, a facility's
name is neither a person nor an organisation, a negated action is no event of that kind, and an event's
actor is named at the head of the subject phrase, not in its complements. Texts are invented here.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
import yaml

from stratagem.evidence.actor_score import parse_gold
from stratagem.evidence.actors import extract_actor_entities
from stratagem.evidence.extract import extract

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]
DAY = dt.date(2025, 3, 5)  # a Wednesday


def test_alias_inside_a_longer_person_name_is_not_the_gazetteer_actor() -> None:
    ex = extract("Egyptian Foreign Minister Badr Abdelatty told reporters that Cairo would wait.")
    assert "Badr Organization" not in ex.actors
    assert not any(m.actor == "badr" for m in ex.mentions)
    assert any(e.name == "Badr Abdelatty" and e.kind == "person" for e in ex.entities)


def test_alias_alone_still_matches() -> None:
    ex = extract("The Badr Organization said on Monday that its fighters would stay.")
    assert "Badr Organization" in ex.actors


@pytest.mark.parametrize("name", ["Grand Ethiopian Renaissance Dam", "Grand Kuwait Refinery", "King Fahd Causeway Bridge"])
def test_a_facility_named_after_a_title_word_is_not_a_person(name: str) -> None:
    text = f"Talks over the {name} resumed, and Egypt's envoy Leila Haddad said the parties were close."
    entities = extract_actor_entities(text)
    assert all(e.kind != "person" or e.name == "Leila Haddad" for e in entities), entities
    assert not any(text.index(name) <= a < text.index(name) + len(name) for e in entities for a, _ in e.mentions)


def test_a_given_name_after_a_title_is_still_a_person() -> None:
    entities = extract_actor_entities("Gov. Nathan Deal said the state would appeal.")
    assert [(e.name, e.kind) for e in entities] == [("Nathan Deal", "person")]


@pytest.mark.parametrize("sentence", [
    "Talks between Egypt and Sudan broke up on Tuesday without agreement.",
    "The two sides failed to agree on Tuesday on the water releases.",
    "Negotiators ended the round on Tuesday with no deal.",
    "The ministers did not sign the accord on Tuesday.",
])
def test_negated_or_failed_actions_are_not_agree_events(sentence: str) -> None:
    events = extract(sentence, document_date=DAY).events
    assert not any(e.action == "AGREE" for e in events), events


def test_an_action_that_happened_is_still_an_event() -> None:
    events = extract("Egypt and Sudan signed an agreement on Tuesday in Khartoum.", document_date=DAY).events
    assert [(e.date, e.action) for e in events] == [("2025-03-04", "AGREE")]


def test_event_actor_is_the_subjects_head_not_a_complement() -> None:
    text = "Talks between Egypt and Sudan over the Grand Ethiopian Renaissance Dam resumed on Tuesday in Cairo."
    events = extract(text, document_date=DAY).events
    assert [e.action for e in events] == ["CONSULT"]
    assert events[0].actor is None  # "Talks" names no actor; the parties and the dam are complements


def test_a_title_with_of_is_not_a_complement() -> None:
    text = "Minister of Foreign Affairs Leila Haddad visited Cairo on Tuesday."
    events = extract(text, document_date=DAY).events
    assert [(e.action, e.actor) for e in events] == [("CONSULT", "Leila Haddad")]


def test_new_style_gold_matches_its_texts() -> None:
    sys.path.insert(0, str(REPO / "tests"))
    from test_actor_gold import _check_document  # the same well-formedness rules as the other gold sets

    path = DATA / "actors_new.jsonl"
    docs = parse_gold(path.read_text(encoding="utf-8").splitlines(), str(path))
    assert sorted(d.document for d in docs) == sorted(p.name for p in (DATA / "actors_new").glob("*.txt"))
    for doc in docs:
        _check_document(doc, DATA / "actors_new" / doc.document)
    events = yaml.safe_load((DATA / "actors_new_events.yaml").read_text(encoding="utf-8"))["documents"]
    assert sorted(events) == sorted(d.document for d in docs)


def _named(text: str) -> dict[str, str]:
    return {e.name: e.kind for e in extract_actor_entities(text)}


def test_a_capital_that_acts_is_its_state_and_named_after_it() -> None:
    ents = extract_actor_entities("Officials said Kinshasa would not accept the plan. Congo has asked for time.")
    assert [(e.name, e.kind, len(e.mentions)) for e in ents] == [("Congo", "organisation", 2)]


def test_a_capital_as_a_place_is_no_actor() -> None:
    assert _named("The delegates met in Kigali on Monday to discuss the plan.") == {}


def test_a_formal_state_name_is_the_state() -> None:
    text = "Chile and the Plurinational State of Bolivia agreed to talk. Bolivia will host the first session."
    ents = extract_actor_entities(text)
    bolivia = [e for e in ents if "Bolivia" in e.name]
    assert len(bolivia) == 1 and len(bolivia[0].mentions) == 2 and bolivia[0].name == "Plurinational State of Bolivia"


def test_a_short_form_in_another_language_after_an_organisation() -> None:
    text = ("The National Liberation Army (ELN) will not discuss a ceasefire. Analysts at the Netherlands Bureau for "
            "Economic Policy Analysis (CPB) disagree, and the ELN said so.")
    ents = {e.name: e for e in extract_actor_entities(text)}
    assert len(ents["National Liberation Army"].mentions) == 3
    assert len(ents["Netherlands Bureau for Economic Policy Analysis"].mentions) == 2


def test_an_acronym_named_before_its_agentive_use_joins_it() -> None:
    text = "Envoys of the M23 rebel group arrived. The M23 accused the army of shelling."
    ents = extract_actor_entities(text)
    assert [(e.name, len(e.mentions)) for e in ents] == [("M23", 2)]


def test_names_with_de_and_role_appositions() -> None:
    kinds = _named("Talks stalled, the informateur said. Informateur Sanne de Wit, a former mayor, met them. "
                   "His counterpart, Celinda Sosa. "
                   "Its head, Kaha Imnadze, met both. The Directorate-General for Maritime Affairs will come.")
    assert kinds == {"Sanne de Wit": "person", "Celinda Sosa": "person", "Kaha Imnadze": "person",
                     "Directorate-General for Maritime Affairs": "organisation"}


def test_the_verb_before_a_date_and_a_trailing_clause_is_the_event() -> None:
    text = "Envoys of Qatar signed a declaration in Doha on Saturday, committing both sides to a ceasefire."
    events = extract(text, document_date=DAY).events
    assert [(e.action, e.actor) for e in events] == [("AGREE", "Qatar")]


def test_a_verb_and_its_own_noun_before_a_date() -> None:
    text = "Tajikistan and Uzbekistan signed an agreement on Tuesday on water, ending two years of talks."
    events = extract(text, document_date=DAY).events
    assert [(e.date, e.action) for e in events] == [("2025-03-04", "AGREE")]


def test_a_wire_dateline_after_a_long_headline_dates_the_document() -> None:
    from stratagem.evidence.pubdate import header_date

    text = ("Indonesia and the bloc edge closer on palm oil rules after a long Jakarta round\n\n"
            "JAKARTA, June 11, 2025 (Staff report) - Negotiators from Indonesia ended a round of talks on Wednesday.")
    assert header_date(text, text) == dt.date(2025, 6, 11)


def test_a_transcript_credit_names_the_interviewer_and_labels_join_him() -> None:
    text = ("A conversation with Lejla Mustafa, a senior researcher at the Balkan Dialogue Institute in Pristina, on "
            "5 March. Interviewer: Tomas Berger.\n\nBERGER: Is it dead?\n\nMUSTAFA: Not dead, but frozen.\n")
    ents = {e.name: e for e in extract_actor_entities(text)}
    assert ents["Tomas Berger"].kind == "person" and len(ents["Tomas Berger"].mentions) == 2
    assert ents["Lejla Mustafa"].kind == "person" and len(ents["Lejla Mustafa"].mentions) == 2


def test_names_before_a_place_noun_and_demonyms_before_a_group_are_no_actors() -> None:
    assert _named("He told reporters at Don Mueang airport that the army says Cambodian forces fired.") == {}


def test_the_capitalised_short_form_of_a_ministry_with_a_complement() -> None:
    text = "The Ministry of Investments, Trade and Industry met them. The Ministry will continue to engage."
    ents = extract_actor_entities(text)
    assert len(ents) == 1 and len(ents[0].mentions) == 2


def test_action_words_inside_a_name_are_no_action() -> None:
    text = "Analysts at the Balkan Dialogue Institute published a note on Tuesday."
    assert not any(e.verb == "Dialogue" for e in extract(text, document_date=DAY).events)


def test_this_afternoon_is_the_document_day() -> None:
    events = extract("Delegations from Thailand and Cambodia are meeting this afternoon.", document_date=DAY).events
    assert [(e.date, e.action) for e in events] == [("2025-03-05", "CONSULT")]


def test_an_infinitives_object_is_not_the_subject_of_a_plural_noun() -> None:
    # "demands" heads the object of "to meet"; it is no speech verb, and the pronoun after it stays the minister's
    text = ("Brazil's foreign minister, Otávio Ramalho, said the bloc had worked hard to meet European demands "
            "on deforestation. \"The ball is in their court now,\" he said.")
    quotes = extract(text).quotes
    assert not any(q.speaker == "meet European" for q in quotes)
    ball = next(q for q in quotes if text[q.start:q.end].startswith("The ball"))
    assert ball.speaker == "Otávio Ramalho"


def test_a_relative_clauses_antecedent_drops_its_preposition() -> None:
    text = "According to the union, 83% of members who voted backed strike action."
    assert not any(q.speaker == "of members" for q in extract(text).quotes)


def test_an_acronym_after_a_title_and_of_is_the_titles_organisation() -> None:
    text = ("The minister met the Special Representative of the OSCE, Mr. Tomas Berglund, on Monday. "
            "Senator Ada Ruiz spoke later.")
    kinds = {e.name: e.kind for e in extract(text).entities}
    assert kinds.get("OSCE") == "organisation"
    assert kinds.get("Tomas Berglund") == "person" and kinds.get("Ada Ruiz") == "person"


@pytest.mark.parametrize("text", ["Argentina and the Mercosur bloc rejected the offer.",
                                  "Talks with the Mercosur bloc failed on Monday."])
def test_a_name_before_an_organisation_noun_is_an_organisation(text: str) -> None:
    kinds = {e.name: e.kind for e in extract(text).entities}
    assert kinds.get("Mercosur") == "organisation"


def test_a_state_before_and_the_is_no_modifier_of_the_next_noun() -> None:
    assert "Argentina" in {e.name for e in extract("Argentina and the Mercosur bloc rejected the offer.").entities}


def test_a_hyphenated_name_with_an_organisation_apposition_is_an_organisation() -> None:
    text = "Copa-Cogeca, the EU farmers' association, said in a statement that the quota would hurt farms."
    assert {e.name: e.kind for e in extract(text).entities}.get("Copa-Cogeca") == "organisation"


@pytest.mark.parametrize(("text", "content"), [
    ("When the envoys gathered in Pretoria, few expected a deal.", "a deal"),
    ("Although Ruiz opposes the tariff, she has praised the treaty's labour chapter.", "the treaty's labour chapter"),
])
def test_a_subordinate_clause_before_the_frame_is_not_what_was_said(text: str, content: str) -> None:
    quotes = extract(text).quotes
    assert not any(text[q.start:q.end].startswith(("When", "Although")) for q in quotes)
    assert any(text[q.start:q.end] == content for q in quotes)


@pytest.mark.parametrize("sentence", ["\"I want a deal this week,\" the minister said on Tuesday.",
                                      "The unions hope to reach an agreement on Friday.",
                                      "The opposition called for talks on Monday."])
def test_a_wished_for_action_is_no_event(sentence: str) -> None:
    events = extract(sentence, document_date=DAY).events
    assert not any(e.action in {"AGREE", "CONSULT"} for e in events)


def test_a_later_clauses_date_is_not_the_earlier_actions() -> None:
    text = "Talks broke down on Monday, and the union said its members would walk out on Thursday."
    events = extract(text, document_date=DAY).events
    assert [(e.action, e.date) for e in events if e.action == "CONSULT"] == [("CONSULT", "2025-03-03")]
