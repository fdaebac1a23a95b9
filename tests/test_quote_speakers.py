"""Speakers of quotations in the shapes news writes them: one invented example per rule of quotes.py.

Each case is a short paragraph written for this test; the first paragraph is a headline, as in an
article. The assertions are on the (speaker, words) of the quotes found.
"""

from __future__ import annotations

import pytest

from stratagem.evidence.extract import extract


def _quotes(body: str, *, direct_only: bool = False) -> list[tuple[str | None, str]]:
    text = "A short story\n\n" + body + "\n"
    return [(q.speaker, q.text) for q in extract(text).quotes if q.direct or not direct_only]


def _direct(body: str) -> list[tuple[str | None, str]]:
    return _quotes(body, direct_only=True)


@pytest.mark.parametrize(("body", "speaker", "words"), [
    # inverted frame after a one-word quotation: the speaker speaks the paragraph's next quotation too
    ('"Rain," said Tomas Gruber, a farmer. "Rain for the whole valley, every week."',
     "Tomas Gruber", "Rain for the whole valley"),
    # "said as he ...": "as" opens a clause here, not a name ("known as")
    ("“We stand ready to cast every vote for the next mayor!” Councillor Ana Ruiz said as she opened the session.",
     "Councillor Ana Ruiz", "cast every vote"),
    # a parenthesis after the name, then an appositive
    ("Rep. Ray Hollis (D-Ohio), chair of the rules panel, said that it was “fully committed to an open process.”",
     "Rep. Ray Hollis (D-Ohio)", "fully committed"),
    # an appositive with commas of its own (age, place)
    ("“I think the plan will hold,” Cecil Purn, 67, a retired nurse in Dayton, Ohio, said in an interview.",
     "Cecil Purn", "the plan will hold"),
    # "as X put it"
    ("As Tom Hale, a former envoy, put it: “The wolves are no longer at the door. They are in the kitchen.”",
     "Tom Hale", "wolves are no longer"),
    # the first name Will is no auxiliary
    ("“It is a costly model for everyone,” said Will Doyle, a professor at a state college.",
     "Will Doyle", "costly model"),
    # a complement after the name ("of the University ...") is not the speaker
    ("“It would have been a long shot,” said Lina Vossberg of the University of Leeds School of Law.",
     "Lina Vossberg", "long shot"),
    # a tell verb inverted after the quotation
    ("“That would put a loose cannon within reach of the job,” warned Ortiz.", "Ortiz", "loose cannon"),
    # a post-posed frame with an adjunct clause after it
    ("“We are going to carry this county easily,” Ortiz said at a rally in Dayton, two hours after networks "
     "called the race.", "Ortiz", "carry this county"),
    # a post-posed frame owns the quotation over a cue inside the clause before it
    ('They want to "build an economy that works for every family," Haddad said.',
     "Haddad", "works for every family"),
    # a subject with a prepositional phrase between the quotation and the cue
    ("“She is the one candidate tough enough to face them down,” a narrator in the commercial says.",
     "a narrator in the commercial", "tough enough"),
    # a name and a colon with no cue (transcripts, round-ups)
    ("Rep. Ray Hollis (R-Ohio):\"Nobody but you has ever quoted that number to me.\"",
     "Rep. Ray Hollis", "quoted that number"),
    ("Turnout matters - Carla Benn: “Keep knocking on doors until the polls close.”",
     "Carla Benn", "knocking on doors"),
    ("The timing does not surprise pollster Dan Shaw: “Lesser-known candidates often see this early.”",
     "Dan Shaw", "Lesser-known candidates"),
    # a frame ending its paragraph in a colon speaks the quotation of the next paragraph
    ("Mayor Ana Ruiz continued:\n\n“Look at what they ask of us: can you fix a road? Can you balance a budget?”",
     "Mayor Ana Ruiz", "fix a road"),
    # two inverted frames in one sentence: the second quotation is the second speaker's
    ('Ortiz turns 70 on Tuesday. "He will have to stop the insults," said Sen. Lina Haddad. "He will have to '
     'earn the job by showing the temperament for it," added Rep. Carla Benn.', "Rep. Carla Benn", "temperament"),
    # a speech verb that names an action elsewhere ("added salt") is speech right after a quotation
    ('"The clock is running out for all of us," continued Haddad, a teacher.', "Haddad", "clock is running out"),
    # a middle initial does not end the sentence
    ("A long sentence “would also make clear that such conduct carries a price,” Assistant "
     "U.S. Attorney Nadia K. Farrow wrote.", "Assistant U.S. Attorney Nadia K. Farrow", "carries a price"),
    # "pressed" after a question in quotation marks is speech
    ("“Would it be negotiable for the eleven million?” Ana Ruiz pressed.", "Ana Ruiz", "negotiable"),
    # a participle continues the nearest subject, not an opening phrase's
    ("Alongside the union calls for action, even a top party strategist said Ortiz will have to choose, saying, "
     "“At some point she is going to have to say where she stands.”", "even a top party strategist", "where she stands"),
    # a sentence with no cue that ends in a colon announces the speaker of the quoted paragraph after it
    ("After the flood, Mayor Ana Ruiz issued the following statement:\n\n“Our thoughts are with every family "
     "that lost a home tonight.”", "Mayor Ana Ruiz", "every family"),
    ("Wrote Haddad:\n\n“Nobody in this valley has seen water this high since the old dam broke.”",
     "Haddad", "water this high"),
    # "As X observed, ...:" then a quoted paragraph
    ("As Tomas Gruber of the farm bureau observed, the real winner was the weather itself:\n\n“Every field "
     "in the county got its rain on the right day this year.”", "Tomas Gruber", "right day"),
    # a round-up item: the name after the dash speaks, not the cue in the item's heading
    ("Analysts agree - Carla Benn: “The turnout models all missed the late shift among older voters.”",
     "Carla Benn", "late shift"),
    # quoted lines after a paragraph whose subject is a person and that has no quotation of its own
    ("Ortiz answered only in slogans during the interview.\n\n“We have to be tougher than anyone else.”",
     "Ortiz", "tougher than anyone"),
    # a manner-of-speaking verb right after a quotation
    ("“Go back to your seat,” Ortiz barked as the guards moved in.", "Ortiz", "back to your seat"),
    ("“That is a fairy tale and you know it,” Haddad shot back.", "Haddad", "fairy tale"),
    # a show's title in quotation marks inside the adjunct after the cue
    ("“We will publish every record by Friday,” Haddad said during an interview on Channel Nine’s “Morning "
     "Desk” on Sunday. “There is nothing to hide.”", "Haddad", "nothing to hide"),
    # a title in quotation marks inside an appositive
    ("“We have had better years than this one,” delegate Ray Hollis, wearing a “Vote Ruiz” button, said "
     "quietly.", "delegate Ray Hollis", "better years"),
    # an opening subordinate clause is the writer's; the quotation after the frame is the content
    ("When the crowd booed, Ortiz added, “We will not back down from this fight.”", "Ortiz", "back down"),
    # a frame with nothing to report ("X agreed.") speaks the quotation after it
    ("Professor Lina Haddad agreed. “The late deciders broke for the challenger in every county.”",
     "Professor Lina Haddad", "late deciders"),
    # a question in quotation marks, then a subject with a prepositional phrase
    ("“Will she run for governor next?” a staffer in the room wondered aloud.", "a staffer in the room",
     "run for governor"),
    # the second of two coordinated verbs has the first one's subject
    ("Ortiz looked surprised and mentioned that the figure was “old news in every county office.”",
     "Ortiz", "old news"),
    # "Here in <place>," opens the sentence; the participle continues the subject after it
    ("Here in Dayton, Haddad stepped up her attacks on the plan, saying, “Nobody here asked for a toll road.”",
     "Haddad", "toll road"),
    # "another" as the subject of a speech verb, before or after the quotation
    ("“The line was two hours long,” one voter wrote. Another tweeted, “Bring water if you go after noon.”",
     "Another", "Bring water"),
    # a phrasal speech verb after a question in quotation marks
    ("“You know how it goes, right?” Ortiz went on, ignoring the question. “You get over it.”",
     "Ortiz", "get over it"),
    # "Read X's statement below:" / "Highlights from X's speech:": the possessor's words follow
    ("Read Mayor Ana Ruiz’s full statement below:\n\n“We will rebuild every bridge the river took from us.”",
     "Mayor Ana Ruiz", "every bridge"),
    ("Some highlights from Haddad’s speech:\n\n“Nobody here asked for a toll road.”\n\n“We will fight it in "
     "every court in the state.”", "Haddad", "every court"),
    # the person a paragraph is about, named before its verb, speaks the quoted lines after it
    ("Ortiz spoke to reporters in Dayton on Tuesday.\n\n“The county is ours and the state is next.”",
     "Ortiz", "county is ours"),
    # an inverted frame's subject continues into the participle after it
    ("“Let her make that decision,” said Mayor Ana Ruiz, urging the council to “give her some time.”",
     "Mayor Ana Ruiz", "give her some time"),
    # a middle initial inside the name before an appositive
    ("“We do not think troops are the answer,” Tomas K. Gruber, the governor’s security adviser, said Sunday.",
     "Tomas K. Gruber", "troops are the answer"),
    # an opening mark used as the closing one after the quotation's comma
    ("“It is unusual,“ said Carla Benn, a lawyer. “It is hard to do without crossing a line.”",
     "Carla Benn", "crossing a line"),
    # "was prompted to say": the subject is before the verb chain
    ("The hearing was so calm that Haddad was prompted to say, “I cannot believe how civil it has been.”",
     "Haddad", "how civil"),
    # a passive participle inside the appositive ("asked about ...") is no frame of its own
    ("The issue came up after Ortiz, asked about the missing funds, had said, “Every cent is accounted for.”",
     "Ortiz", "Every cent"),
])
def test_speaker_of_a_frame(body: str, speaker: str, words: str) -> None:
    found = _quotes(body)
    assert any(s == speaker and words in t for s, t in found), found


def test_a_signature_line_names_the_speaker_of_the_quotation_above() -> None:
    body = ("“Families here count every dollar, and the rent keeps rising.”\n\n"
            "- Mayor Ana Ruiz.\n\nThe figure she gave is out of date.")
    assert _direct(body) == [("Mayor Ana Ruiz", "Families here count every dollar, and the rent keeps rising.")]


def test_a_name_line_under_a_quotation_only_paragraph_signs_it() -> None:
    body = ("“I worry that we will see a return of old ideas about budgets in the spring.”\n\n"
            "Dean Bakerson, Center for Budget Research.\n\nWashington.\n\n“We will see a lot of things happen "
            "in the next few weeks, believe me.”\n\nWashington.")
    assert _direct(body) == [("Dean Bakerson", "I worry that we will see a return of old ideas about budgets in the "
                                               "spring."),
                             (None, "We will see a lot of things happen in the next few weeks, believe me.")]


def test_a_round_up_excerpt_is_credited_to_its_headline_and_outlet() -> None:
    body = ("CITY COUNCIL VOTES ON THE BUDGET “The council voted late on Monday to cut the budget by a tenth.” "
            "Read more here. [Daily Post.]")
    assert _direct(body) == [("CITY COUNCIL VOTES ON THE BUDGET [Daily Post]",
                              "The council voted late on Monday to cut the budget by a tenth.")]


def test_an_opening_adverbial_before_a_colon_frame_is_not_its_content() -> None:
    body = "In a long post on Sunday, Ortiz wrote:\n\n“We are going to win this county and then the state.”"
    assert _quotes(body) == [("Ortiz", "We are going to win this county and then the state.")]


def test_an_interjection_before_a_colon_names_no_speaker() -> None:
    body = "Wait, it gets better:\n\n“The fee doubles in March and again in June for every driver.”"
    assert _direct(body) == [(None, "The fee doubles in March and again in June for every driver.")]


@pytest.mark.parametrize("body", [
    "He arrived in Dayton: “This is a great city for all of us, truly.”",  # a place before a colon
    "Ortiz sent a blunt message to Haddad: “It is time to stop the attacks on your rivals.”",  # an object
])
def test_a_name_before_a_colon_that_is_not_the_speaker(body: str) -> None:
    assert all(s not in {"Dayton", "Haddad"} for s, _ in _direct(body))


@pytest.mark.parametrize("sentence", [
    "She put it on the table and left the room.",
    "The union pressed the city for a deal, and workers pressed ahead with the strike.",
])
def test_verbs_that_are_speech_only_near_a_quotation_are_actions_elsewhere(sentence: str) -> None:
    assert extract("A short story\n\n" + sentence + "\n").quotes == ()


def test_a_nested_attribution_keeps_the_speaker_and_names_who_reports_it() -> None:
    text = ("A short story\n\n“We will need another month to read the filings,” the clerk said, "
            "according to the Courier. “Nobody should expect a ruling before spring.”\n")
    (quote,) = extract(text).quotes
    assert (quote.speaker, quote.reported_by) == ("the clerk", "the Courier")
    assert "ruling before spring" in quote.text  # the quotation after the frame is the clerk's too
    assert extract(text).to_json()["quotes"][0]["reported_by"] == "the Courier"


def test_a_clause_after_the_cue_is_no_adjunct() -> None:
    text = "A short story\n\nAccording to the Courier, the judge said the case would go on for a year.\n"
    found = {(q.speaker, q.text) for q in extract(text).quotes}
    assert ("the judge", "the case would go on for a year") in found
    assert all(t != "According to the Courier" for _, t in found)
