"""Speakers of quotations in the shapes news writes them: one invented example per rule of quotes.py.

Each case is a short paragraph written for this test; the first paragraph is a headline, as in an
article. The assertions are on the (speaker, words) of the quotes found.
"""

from __future__ import annotations

import pytest

from stratagem.evidence.extract import evidence_records, extract


def _quotes(body: str, *, direct_only: bool = False) -> list[tuple[str | None, str]]:
    text = "A short story\n\n" + body + "\n"
    return [(q.speaker, q.text) for q in extract(text).quotes if q.direct or not direct_only]


def _direct(body: str) -> list[tuple[str | None, str]]:
    return _quotes(body, direct_only=True)


@pytest.mark.parametrize(("body", "speaker", "words"), [
    # inverted frame after a one-word quotation: the speaker speaks the paragraph's next quotation too
    ('"Fog," said Britt Olander, a lighthouse keeper. "Fog on the rocks from dusk until the tide turns."',
     "Britt Olander", "Fog on the rocks"),
    # "said as he ...": "as" opens a clause here, not a name ("known as")
    ("“The gates open at nine sharp!” Warden Oskar Lind said as he unlocked the tool shed.",
     "Warden Oskar Lind", "gates open"),
    # a parenthesis after the name, then an appositive
    ("Rep. Marta Quade (I-Vt.), head of the fisheries caucus, said the quota was “far too generous to the "
     "trawlers.”", "Rep. Marta Quade (I-Vt.)", "generous to the trawlers"),
    # an appositive with commas of its own (age, place)
    ("“My goats have never looked healthier,” Ada Ferrow, 58, a cheesemaker near Brill, Vermont, said on Monday.",
     "Ada Ferrow", "goats have never"),
    # "as X put it"
    ("As Nils Averill, a ferry pilot for thirty years, put it: “The river does not care what the timetable says.”",
     "Nils Averill", "river does not care"),
    # the first name Will is no auxiliary
    ("“Nobody reads the small print on a seed packet,” said Will Penrose, a garden shop owner.",
     "Will Penrose", "small print"),
    # a complement after the name ("of the Institute ...") is not the speaker
    ("“Nobody expected the appeal to move this fast,” said Lina Vossberg of the Institute for Coastal Studies.",
     "Lina Vossberg", "appeal to move"),
    # a tell verb inverted after the quotation
    ("“Those ladders will not survive another storm,” warned Brandt.", "Brandt", "ladders"),
    # a post-posed frame with an adjunct clause after it
    ("“The harbour will be full by August,” Kessler said on the quay at Northmere, an hour after the first "
     "ships docked.", "Kessler", "harbour will be full"),
    # a post-posed frame owns the quotation over a cue inside the clause before it
    ('The planners want to "put a bench under every streetlight," Kessler said.',
     "Kessler", "bench under every streetlight"),
    # a subject with a prepositional phrase between the quotation and the cue
    ("“Every loaf here is baked before sunrise,” a baker at the corner shop says.",
     "a baker at the corner shop", "baked before sunrise"),
    # a name and a colon with no cue (transcripts, round-ups)
    ("Sen. Ilse Marr (D-Ore.):\"That bridge was paid for twice and built once.\"",
     "Sen. Ilse Marr", "paid for twice"),
    ("Pack light - Yusuf Oyelaran: “One good coat beats three thin sweaters on the ridge.”",
     "Yusuf Oyelaran", "good coat"),
    ("None of this is news to geologist Petra Holm: “The cliff moves a few inches every winter.”",
     "Petra Holm", "few inches"),
    # a frame ending its paragraph in a colon speaks the quotation of the next paragraph
    ("Chairwoman Freya Dunmore continued:\n\n“So here is my question for the board: who pays for the dredging?”",
     "Chairwoman Freya Dunmore", "pays for the dredging"),
    # two inverted frames in one sentence: the second quotation is the second speaker's
    ('The ferry contract ends in June. "Nobody has checked the engine since May," said Capt. Ilse Brandt. '
     '"Somebody has to sign off on the repairs before we load a single car," added Rep. Joel Farr.',
     "Rep. Joel Farr", "sign off on the repairs"),
    # a speech verb that names an action elsewhere ("added salt") is speech right after a quotation
    ('"We have two weeks of hay left, maybe less," continued Brandt, a dairy farmer.', "Brandt", "weeks of hay"),
    # a middle initial does not end the sentence
    ("The new rule “should make the inspections harder to skip,” Deputy Harbour Commissioner "
     "Otto R. Lindqvist wrote.", "Deputy Harbour Commissioner Otto R. Lindqvist", "harder to skip"),
    # "pressed" after a question in quotation marks is speech
    ("“And who signs the permit when the clerk is away?” Jonas Ekdahl pressed.", "Jonas Ekdahl", "signs the permit"),
    # a participle continues the nearest subject, not an opening phrase's
    ("Despite the warm weather, even a senior park ranger said Kessler must act soon, adding, “By July the pond "
     "will be nothing but mud.”", "even a senior park ranger", "nothing but mud"),
    # a sentence with no cue that ends in a colon announces the speaker of the quoted paragraph after it
    ("Once the count was done, Commodore Hester Vail issued the following statement:\n\n“The regatta will go "
     "ahead, wind or no wind.”", "Commodore Hester Vail", "wind or no wind"),
    ("Wrote Brandt:\n\n“The last time the ice held this long, my father was a boy.”",
     "Brandt", "ice held this long"),
    # "As X observed, ...:" then a quoted paragraph
    ("As Mira Stellan of the rowing club observed, the oldest boat did best of all:\n\n“It has a hull "
     "nobody builds any more, and it shows.”", "Mira Stellan", "hull nobody builds"),
    # a round-up item: the name after the dash speaks, not the cue in the item's heading
    ("Gardeners agree - Ossian Pike: “Plant the beans after the last frost, never before.”",
     "Ossian Pike", "last frost"),
    # quoted lines after a paragraph whose subject is a person and that has no quotation of its own
    ("Iven Strand inspected the cracked pier twice.\n\n“Nothing heavier than a bicycle goes on it "
     "until spring.”", "Iven Strand", "heavier than a bicycle"),
    # a manner-of-speaking verb right after a quotation
    ("“Put that net down,” Brandt barked as the gulls circled.", "Brandt", "net down"),
    ("“Those numbers were made up on a napkin,” Kessler shot back.", "Kessler", "napkin"),
    # a show's title in quotation marks inside the adjunct after the cue
    ("“The pool reopens next week,” Brandt said in a chat on Radio Fenwick’s “Coffee Hour” on Monday. “The "
     "tiles are finally dry.”", "Brandt", "tiles are finally dry"),
    # a title in quotation marks inside an appositive
    ("“The pears came in small this autumn,” grower Tilda Marsh, in a “Buy Local” cap, said with a shrug.",
     "grower Tilda Marsh", "pears came in small"),
    # an opening subordinate clause is the writer's; the quotation after the frame is the content
    ("When the lights failed, Brandt added, “Bring the lanterns from the boathouse.”", "Brandt", "lanterns"),
    # a frame with nothing to report ("X agreed.") speaks the quotation after it
    ("Professor Anneli Roos agreed. “Salt marshes recover faster than the models predicted.”",
     "Professor Anneli Roos", "Salt marshes"),
    # a question in quotation marks, then a subject with a prepositional phrase
    ("“Is the old bridge even safe?” a cyclist on the towpath wondered.", "a cyclist on the towpath",
     "bridge even safe"),
    # the second of two coordinated verbs has the first one's subject (a verb just before "and")
    ("At the depot, Odile Marsh sighed and noted that the new timetable was “written for some other town.”",
     "Odile Marsh", "some other town"),
    # ... also when the first verb has an object ("took off her gloves and said"): not "off her"
    ("Outside the mill, Rhona Kell took off her gloves and said the looms were “older than the town hall.”",
     "Rhona Kell", "older than the town hall"),
    # "he"/"she" several paragraphs after the name, while the paragraphs in between go on about that person
    ("Harbourmaster Ilse Varga has run the port for twenty years. She grew up on the island.\n\nThe crews "
     "have shrunk by half since the cannery closed, and she spends her evenings mending nets.\n\n“Half "
     "my deckhands are in the city now, and they are not coming back,” she said.",
     "Harbourmaster Ilse Varga", "deckhands are in the city"),
    # a quotation running over paragraphs keeps its speaker for the "she said" that closes it
    ("Mayor Ines Torvald spoke at length about the ferry.\n\n“We are not going to cut the night crossing. We "
     "will ask the summer visitors to pay a little more.\n\n“That is what the islanders asked for, and that "
     "is what we will do,” she said.", "Mayor Ines Torvald", "islanders asked for"),
    # an opening participial phrase with a "Town, State" place in it: the subject is after the place
    ("Waiting for the early boat at the dock in Rockland, Maine, Talbot had harsh words for the ferry board."
     "\n\n“Not one of them has ever ridden the morning boat with a crate of lobsters,” he told the crowd.",
     "Talbot", "morning boat"),
    # a person after an opening prepositional phrase is the one "she" refers to later
    ("During the hearing, Mila Whitcombe pressed the harbour board on the dredging contract. “Where did all "
     "that money go?” she asked.", "Mila Whitcombe", "money go"),
    # "press" before "secretary" is a noun, and a capitalised title chain ends with the person's name
    ("“The pier stays shut until the divers are done,” City Hall press secretary Lina Haddad said Tuesday.",
     "City Hall press secretary Lina Haddad", "divers are done"),
    ("“The pier stays shut until the divers are done,” said White House Deputy Press Secretary Lina Haddad.",
     "White House Deputy Press Secretary Lina Haddad", "divers are done"),
    # a long capitalised title chain (with a cue word in it) names a person: "she" refers to her
    ("Northmere Harbour Trust Chief Executive Jessica Mardle opened the meeting. “This pier is the reason the "
     "town exists,” she said.", "Northmere Harbour Trust Chief Executive Jessica Mardle", "town exists"),
    # "<document noun> saying": the words are those of the subject that issued it ("His office", a described
    # subject running to its verb)
    ("Quill skipped the ribbon-cutting. His deputy gave the crowd a two-line message saying the pier “will open "
     "when it is safe and not a day before.”", "His deputy", "open when it is safe"),
    # a described source announcing its own statement before a colon
    ("The harbour trust’s office released the following statement to the Gazette:\n\n“The trust has met every "
     "request from the auditor and will go on doing so.”", "The harbour trust’s office", "every request"),
    # a possessor's noun is part of the subject; a participle frame keeps the quotation after its object
    ("Pike’s aides brushed aside the remarks about the budget, telling the Gazette, “Nobody on our team ever "
     "asked for his support.”", "Pike’s aides", "ever asked"),
    # a relative clause after an appositive name, and a relative clause on a verb's object
    ("Ortiz quoted a supporter who wrote, “Only one candidate in this race fixes potholes.”",
     "a supporter", "fixes potholes"),
    # "what X called “...”" inside another attribution's clause is X's
    ("The ferry company wants to scrap what Harbourmaster Ilse Varga called “the last winter link to the "
     "mainland.”", "Harbourmaster Ilse Varga", "last winter link"),
    # a described appositive cut by a place's comma ("from Lunenburg, Nova Scotia,"): the name speaks
    ("Tomas Riel, a boatbuilder from Lunenburg, Nova Scotia, said the new rules “will sink every small yard "
     "on the coast.”", "Tomas Riel", "small yard"),
    # "Here <place phrase>," opens the sentence; the participle continues the subject after it
    ("Here at the cannery, Pell Odegaard repeated his warning about the nets, saying, “Half of them will not "
     "last the season.”", "Pell Odegaard", "last the season"),
    # "another" as the subject of a speech verb, before or after the quotation
    ("“The ramp was closed all morning,” one commuter posted. Another complained, “Take the ferry, it is "
     "faster.”", "Another", "Take the ferry"),
    # a phrasal speech verb after a question in quotation marks
    ("“Is that really so strange?” Dara Quill went on, wiping the counter. “Pipes freeze here every winter.”",
     "Dara Quill", "Pipes freeze"),
    # "Read X's statement below:" / "Highlights from X's speech:": the possessor's words follow
    ("Read Commodore Hester Vail’s statement below:\n\n“The regatta will go ahead, wind or no wind.”",
     "Commodore Hester Vail", "wind or no wind"),
    ("A few lines from Brandt’s speech:\n\n“The mill pond belongs to the whole town.”\n\n“We will keep it "
     "open to swimmers every summer.”", "Brandt", "open to swimmers"),
    # the person a paragraph is about, named before its verb, speaks the quoted lines after it
    ("Kessler met the trawler crews at the harbour office on Friday.\n\n“Nobody loses a licence this year.”",
     "Kessler", "loses a licence"),
    # an inverted frame's subject continues into the participle after it
    ("“The orchard needs another dry week,” said Hal Pettigrew, asking the buyers to “hold off on the "
     "contracts until June.”", "Hal Pettigrew", "hold off on the contracts"),
    # a middle initial inside the name before an appositive
    ("“A second runway would be a luxury,” Mirela J. Sandoval, the airport board’s finance chief, said Thursday.",
     "Mirela J. Sandoval", "second runway"),
    # an opening mark used as the closing one after the quotation's comma
    ("“The kiln ran cold all night,“ said Jorun Abel, a potter. “We lost the whole batch of bowls.”",
     "Jorun Abel", "whole batch"),
    # "was prompted to say": the subject is before the verb chain
    ("After the queue had reached the bridge, Wendell Tarr was prompted to say, “We should have opened a "
     "second stall.”", "Wendell Tarr", "second stall"),
    # a passive participle inside the appositive ("questioned about ...") is no frame of its own
    ("The row began after Kessler, questioned about the broken pump, had said, “It worked fine when I left.”",
     "Kessler", "worked fine"),
])
def test_speaker_of_a_frame(body: str, speaker: str, words: str) -> None:
    found = _quotes(body)
    assert any(s == speaker and words in t for s, t in found), found


def test_a_signature_line_names_the_speaker_of_the_quotation_above() -> None:
    body = ("“Every ferry ticket went up twice this year, and the boats are no faster.”\n\n"
            "- Commodore Hester Vail.\n\nThe fares she quoted are from the spring.")
    assert _direct(body) == [("Commodore Hester Vail",
                              "Every ferry ticket went up twice this year, and the boats are no faster.")]


def test_a_name_line_under_a_quotation_only_paragraph_signs_it() -> None:
    body = ("“The herring came back to the bay later than in any year I can remember.”\n\n"
            "Petra Holm, Northmere Marine Station.\n\nNorthmere.\n\n“Nets out at dawn, nets in by "
            "noon, and nobody sails past the buoy.”\n\nNorthmere.")
    assert _direct(body) == [("Petra Holm", "The herring came back to the bay later than in any year I can "
                                            "remember."),
                             (None, "Nets out at dawn, nets in by noon, and nobody sails past the buoy.")]


def test_a_round_up_excerpt_is_credited_to_its_headline_and_outlet() -> None:
    body = ("FERRY BOARD DELAYS THE FARE RISE “The board agreed on Thursday to hold fares until the autumn.” "
            "Read more here. [Harbour Gazette.]")
    assert _direct(body) == [("FERRY BOARD DELAYS THE FARE RISE [Harbour Gazette]",
                              "The board agreed on Thursday to hold fares until the autumn.")]


def test_an_opening_adverbial_before_a_colon_frame_is_not_its_content() -> None:
    body = "On the rowing club noticeboard, Brandt wrote:\n\n“The north pier stays shut until the divers are done.”"
    assert _quotes(body) == [("Brandt", "The north pier stays shut until the divers are done.")]


@pytest.mark.parametrize("body", [
    "Oh, and here is the best part:\n\n“Parking at the station will cost twice as much from April.”",
    "Oh well, the list goes on:\n\n“Parking at the station will cost twice as much from April.”",
    "Alas, there is more:\n\n“Parking at the station will cost twice as much from April.”",
])
def test_an_interjection_before_a_colon_names_no_speaker(body: str) -> None:
    assert _direct(body) == [(None, "Parking at the station will cost twice as much from April.")]


def test_a_verb_after_a_coordinated_first_verb_has_the_sentence_subject() -> None:
    body = ("At the depot, Odile Marsh waved the new timetable at the waiting crowd and noted that it was "
            "“written for some other town.”")
    assert [(q.speaker, q.cue) for q in extract("A short story\n\n" + body + "\n").quotes] == [
        ("Odile Marsh", "noted")]


@pytest.mark.parametrize("opening", ["Late on Thursday night", "Early Friday", "Asked about the delay",
                                     "Hours after the vote in Dover", "Privately"])
def test_an_opening_adverbial_before_a_comma_frame_is_not_its_content(opening: str) -> None:
    body = f"{opening}, Brandt wrote, “The ferry vote was settled before anyone sat down.”"
    assert _direct(body) == [("Brandt", "The ferry vote was settled before anyone sat down.")]


@pytest.mark.parametrize(("body", "speaker", "content"), [
    ("Last year the ferry deficit doubled, the treasurer said.", "the treasurer",
     "Last year the ferry deficit doubled"),
    # a phrase's object, then a new noun phrase with its own verb: a clause, not an adverbial
    ("Early in the morning the ferry left the harbour, Brandt said.", "Brandt",
     "Early in the morning the ferry left the harbour"),
    ("Shortly after noon the barge ran aground near the reef, officials said.", "officials",
     "Shortly after noon the barge ran aground near the reef"),
    # a participle, then a clause with its own auxiliary
    ("Speaking of which, the ferry board has resigned, Brandt said.", "Brandt",
     "Speaking of which, the ferry board has resigned"),
])
def test_an_opening_clause_with_its_own_subject_is_still_content(body: str, speaker: str, content: str) -> None:
    assert (speaker, content) in _quotes(body)


@pytest.mark.parametrize("body", [
    "Asked whether the ferry would run in January, Brandt said, “We will see what the weather does.”",
    "Pressed on whether she would resign, Brandt said, “We will see what the weather does.”",
])
def test_an_opening_question_with_its_own_verb_is_still_the_writers(body: str) -> None:
    assert _direct(body) == [("Brandt", "We will see what the weather does.")]


@pytest.mark.parametrize(("body", "speaker"), [
    ("The Minister claims the figures “are out of date.”", "The Minister"),
    ("The Prime Minister hopes the deal “will hold through the winter.”", "The Prime Minister"),
])
def test_a_title_before_an_ambiguous_cue_leaves_it_a_verb(body: str, speaker: str) -> None:
    assert [s for s, _ in _quotes(body)] == [speaker]


def test_a_place_name_line_heads_no_quotation() -> None:
    assert _direct("Harbour Road, a quiet street\n\n“Nobody asked the crews.”") == [(None, "Nobody asked the crews.")]


def test_a_person_named_since_the_last_quotation_stops_its_speaker_going_on() -> None:
    # not Holt: the person the paragraphs since the last quotation are about speaks the next one
    body = ("“The deal is done,” Holt said.\n\nAna Kovac, the union leader, stormed out of the hall.\n\nThe room "
            "emptied within minutes.\n\n“We were sold out by people we trusted for years.”")
    assert _direct(body)[-1] == ("Ana Kovac", "We were sold out by people we trusted for years.")


def test_she_in_a_later_sentence_is_not_carried_to_the_person_before() -> None:
    body = ("Harbourmaster Ilse Varga has run the port for a decade.\n\nA younger rival, the ferry captain, wants "
            "the job. She has been campaigning since May.\n\n“Nobody asked the crews,” she said.")
    # not given to Varga: "she" is the rival the paragraph before opened with (a person described, not named)
    assert _direct(body)[-1] == ("A younger rival", "Nobody asked the crews,")


def test_a_relative_clause_after_an_appositive_name_frames_only_the_quotation() -> None:
    body = "The new ad features a retired welder, Jim Dolan, who says, “They shipped my job overseas.”"
    assert _direct(body) == [("Jim Dolan", "They shipped my job overseas.")]


def test_a_name_line_above_a_quotation_heads_it() -> None:
    body = ("The harbour vote drew quick reactions.\n\nRep. Dana Whitcombe (D-Ohio)\n\n“The vote hands the pier "
            "to the yacht club.”\n\nOssian Pike, a ferry pilot\n\n“Nobody asked the crews.”")
    assert [s for s, _ in _direct(body)] == ["Rep. Dana Whitcombe", "Ossian Pike"]


def test_a_quoted_paragraph_soon_after_the_last_quotation_continues_its_speaker() -> None:
    body = ("“The ferry will run all winter,” Ortiz said at the harbour.\n\nThe council took no vote.\n\n"
            "“We will be back next month with the same plan, and the month after that.”")
    assert [s for s, _ in _direct(body)] == ["Ortiz", "Ortiz"]


def test_a_place_line_under_a_quotation_is_no_signature() -> None:
    body = ("Sheriff Olle Brandvik spoke to the crowd outside the courthouse.\n\n“Every road in this county will "
            "be ploughed by morning, whatever it takes.”\n\nGlen Arbor, Michigan")
    assert [s for s, _ in _direct(body)] == ["Sheriff Olle Brandvik"]


@pytest.mark.parametrize("body", [
    "She landed in Northmere: “A harbour town with more boats than people, and proud of it.”",  # a place
    "Kessler left a short note for Brandt: “Please lock the boathouse after the last crew is in.”",  # an object
])
def test_a_name_before_a_colon_that_is_not_the_speaker(body: str) -> None:
    assert all(s not in {"Northmere", "Brandt"} for s, _ in _direct(body))


@pytest.mark.parametrize("sentence", [
    "Former state treasurer Lyle Brandauer weighed in on the levy on Tuesday night.",  # "state" after a title
    "She put the kettle on the stove and went out to the garden.",
    "The crews pressed the board for a new boat, and the board pressed ahead with the old one.",
])
def test_verbs_that_are_speech_only_near_a_quotation_are_actions_elsewhere(sentence: str) -> None:
    assert extract("A short story\n\n" + sentence + "\n").quotes == ()


def test_a_nested_attribution_keeps_the_speaker_and_names_who_reports_it() -> None:
    text = ("A short story\n\n“The divers need two more days on the north pier,” the harbourmaster said, "
            "according to the Gazette. “Nobody should moor there before Sunday.”\n")
    (quote,) = extract(text).quotes
    assert (quote.speaker, quote.reported_by) == ("the harbourmaster", "the Gazette")
    assert "moor there before Sunday" in quote.text  # the quotation after the frame is the harbourmaster's too
    assert extract(text).to_json()["quotes"][0]["reported_by"] == "the Gazette"


def test_a_clause_after_the_cue_is_no_adjunct() -> None:
    text = "A short story\n\nAccording to the Gazette, the harbourmaster said the pier would stay shut for a month.\n"
    found = {(q.speaker, q.text) for q in extract(text).quotes}
    assert ("the harbourmaster", "the pier would stay shut for a month") in found
    assert all(t != "According to the Gazette" for _, t in found)


def test_a_free_relative_with_its_own_frame_stays_inside_the_outer_content() -> None:
    # "what X called “...”" is the object of the outer verb: the outer content runs over it, and the quotation
    # is X's words, not the outer speaker's
    found = _quotes("The ferry board hoped to avoid what the crews called “a vote in the dark.”")
    assert ("the crews", "a vote in the dark.") in found
    assert ("The ferry board", "to avoid what the crews called “a vote in the dark.”") in found
    (outer,) = [q for q in extract("A short story\n\nThe mayor said she would avoid what the crews called “a vote "
                                   "in the dark.”\n").quotes if q.speaker == "The mayor"]
    assert not outer.direct and outer.quoted == ()


def test_a_relative_clause_on_the_subject_of_a_post_posed_frame_keeps_it_post_posed() -> None:
    body = "“We will not sign anything this week,” Ortiz, who walked out of the talks in May, said on Monday."
    assert _quotes(body) == [("Ortiz", "We will not sign anything this week,")]


def test_an_article_after_an_opening_phrase_starts_the_subject() -> None:
    assert _quotes("At the harbour meeting the treasurer warned of deep cuts to the ferry.") == [
        ("the treasurer", "of deep cuts to the ferry")]


@pytest.mark.parametrize(("body", "speaker"), [
    ("Lawyers representing the stallholders said the sale was rushed.", "Lawyers representing the stallholders"),
    ("Nobody except the harbourmaster said a word about the storm.", "Nobody except the harbourmaster"),
    ("Parents whose children attend the island school said the closure would empty the village.", "Parents"),
    ("Soon after the vote the mayor said the fares would be reviewed.", "the mayor"),
])
def test_an_article_inside_a_subject_opens_it_only_after_an_opening_phrase(body: str, speaker: str) -> None:
    # a participle's object, "except X" and a relative clause are parts of the subject, not a phrase before it
    assert [s for s, _ in _quotes(body)] == [speaker]


def test_a_cue_inside_the_subjects_aside_ends_with_the_aside() -> None:
    # "Brandt, who critics say ..., said": critics say something about Brandt; Brandt speaks the quotation
    body = "Brandt, who rivals say has never sailed, said, “The new ferry will be the fastest on the coast.”"
    assert _quotes(body) == [("rivals", "has never sailed"),
                             ("Brandt", "The new ferry will be the fastest on the coast.")]


def test_a_clause_before_a_short_quotation_is_part_of_the_content() -> None:
    # 'said the charges were “...”': the quotation is the end of a reported clause, not a quotation told to
    # someone ('told him, “...”')
    assert _quotes("Ortiz's lawyer said the fines were “absurd.”") == [("Ortiz's lawyer", "the fines were “absurd.”")]


@pytest.mark.parametrize("opening", ["Late that night", "Late that night,", "Early on Friday"])
def test_a_time_phrase_opening_the_sentence_is_not_the_subject(opening: str) -> None:
    body = f"{opening} the clerk's office gave every councillor a memo saying the vote would be held again."
    assert _quotes(body) == [("the clerk's office", "the vote would be held again")]


def test_a_thing_called_by_a_quoted_name_is_no_attribution() -> None:
    # a participle of naming after a noun gives the noun its name; nothing in the name was said by anyone
    body = ("“She never once missed the spring run,” Halvorsen wrote under a photo of a trawler dubbed “Marigold” "
            "by its crew.")
    assert _quotes(body) == [("Halvorsen", "She never once missed the spring run,")]


@pytest.mark.parametrize(("body", "speaker", "words"), [
    ("The mayor called “Operation Clean Harbour” a success.", "The mayor", "“Operation Clean Harbour” a success"),
    ("The union's secretary called “Fair Fares for All” a con dressed up as a reform.", "The union's secretary",
     "“Fair Fares for All” a con dressed up as a reform"),
])
def test_a_naming_verb_with_a_complement_after_the_title_is_an_attribution(body: str, speaker: str,
                                                                            words: str) -> None:
    # 'called “X” a success' says what the subject thinks of X (a finite verb, not a participle naming a thing)
    assert _quotes(body) == [(speaker, words)]


def test_transcript_lines_anywhere_in_the_text_are_their_speakers() -> None:
    body = ("Harbourmaster Nils Averill said the interview would be short.\n\nGRUBER: Why is the slipway still closed "
            "after three winters?\n\nAVERILL: Because nobody will pay for the new rails, and I will not pretend "
            "otherwise.\n\nEDITOR'S NOTE: The slipway reopened in May after this interview.")
    found = _quotes(body)
    assert ("Gruber", "Why is the slipway still closed after three winters?") in found
    assert ("Harbourmaster Nils Averill", "Because nobody will pay for the new rails, and I will not pretend "
                                          "otherwise.") in found  # the surname label takes the full name
    assert all("slipway reopened" not in t for _, t in found)


@pytest.mark.parametrize("body", [
    "FACT CHECK: The ferry has never run a winter service at a profit.",
    "THE BOTTOM LINE: Fares will rise by a pound from April.",
    "NORTHMERE: The harbour board voted on Tuesday to raise fares.",
    "KEY FACTS: Fares rise by a pound. The winter boat runs twice a day.",
    "AP: The ferry company will appeal the ruling, its lawyer said.",
    "Harbourmaster Nils Averill spoke on Monday.\n\nTIMELINE: The pier was first proposed in 2015.",
])
def test_a_capitalised_label_after_the_first_paragraph_needs_a_named_person_or_a_dialogue(body: str) -> None:
    # a label in capitals is a transcript's speaker only when it names someone the text has named, or when
    # labelled paragraphs alternate; otherwise it is a heading ("FACT CHECK:"), a dateline or an agency
    label = body.split("\n\n")[-1].split(":")[0].title()
    assert all(s != label for s, _ in _quotes(body))


def test_a_label_before_a_paragraph_with_its_own_frame_is_no_speaker() -> None:
    assert [s for s, _ in _direct("DOVER: “We will not close the school,” the mayor said.")] == ["the mayor"]


def test_a_single_label_naming_a_person_named_before_is_that_person() -> None:
    body = "Ines Torvald chairs the harbour board.\n\nTORVALD: The board will not sell the pier to anyone."
    assert _quotes(body) == [("Ines Torvald", "The board will not sell the pier to anyone.")]


def test_an_opening_participle_is_not_the_person_she_refers_to() -> None:
    body = "Asked whether she would stay on, Whitcombe paused.\n\n“Ask me again after the harvest,” she said."
    assert [s for s, _ in _direct(body)] == ["Whitcombe"]


def test_a_full_name_after_a_short_opening_phrase_is_the_person_she_refers_to() -> None:
    body = ("For nine summers Odile Marsh ran the beach cafe. She wrote:\n\n“Nobody warned us about the storm "
            "until the tables were already in the sea.”")
    assert _direct(body) == [("Odile Marsh", "Nobody warned us about the storm until the tables were already "
                                             "in the sea.")]


def test_an_appositive_name_after_a_described_subject_is_the_person_she_refers_to() -> None:
    body = ("“The ferry runs all winter,” said Mayor Ines Torvald.\n\nThe board's treasurer, Ada Ferrow, missed the "
            "vote. Reached later, she said the fares were “the only honest number in the budget.”")
    assert _quotes(body)[-1][0] == "Ada Ferrow"


@pytest.mark.parametrize(("body", "speaker"), [
    ("• Rhona Kell, who sells crab on the quay: “Nobody asked the stallholders before the vote.”", "Rhona Kell"),
    ("• Rep. Joel Farr (I-Maine) on Twitter: “A sale at midnight with no debate is a disgrace.”", "Rep. Joel Farr"),
    ("Mayor on the ferry cuts: “We will not leave the island without a winter boat.”", "Mayor"),
])
def test_the_name_heading_a_list_item_or_headline_before_a_colon_speaks(body: str, speaker: str) -> None:
    assert [s for s, _ in _direct(body)] == [speaker]



@pytest.mark.parametrize("body", [
    "• Dover, Maine: “We have never seen the river this high.”",
    "• Harlow, Vermont, the morning after the flood: “Every cellar on Mill Street is full of mud.”",
    "• Ohio, at the county fair: “Nobody here has heard of the new ferry timetable.”",
])
def test_a_place_heading_a_list_item_before_a_colon_is_no_speaker(body: str) -> None:
    # "Dover, Maine:" says where the words were heard, not who said them
    assert [s for s, _ in _direct(body)] == [None]


def test_an_interview_in_questions_and_answers_has_its_two_speakers() -> None:
    body = ("Odile Marsh has run the island school for a decade. She spoke with the Gazette's Jim Dolan about the "
            "new term.\n\nQ: How many pupils will you have in September?\n\nA: Forty-one, which is six more than last "
            "year and two fewer than the roof can take.")
    found = _quotes(body)
    assert ("Jim Dolan", "How many pupils will you have in September?") in found
    assert ("Odile Marsh", "Forty-one, which is six more than last year and two fewer than the roof can take.") in found


_QA = "\n\nQ: Is the old slipway safe to use?\n\nA: Not in a westerly, and not after dark."


@pytest.mark.parametrize(("intro", "asker", "answerer"), [
    # the reporter (the outlet's person) is the subject of "sat down with": the other party answers
    ("The Courier's Pell Amundsen sat down with Rhona Kell, who chairs the harbour users' group.",
     "Pell Amundsen", "Rhona Kell"),
    ("Pell Amundsen interviewed Rhona Kell on the quay.", "Pell Amundsen", "Rhona Kell"),
    # "put the questions" names the asker only; the answerer is not the asker
    ("The Courier's Pell Amundsen put the questions.", "Pell Amundsen", None),
    # a place after "to" or "by" is nobody's name: no asker, the person introduced answers
    ("Rhona Kell moved to Port Ellen in 2011 to open a chandlery. We asked her about the slipway.", None,
     "Rhona Kell"),
    ("Rhona Kell was elected by North Shore voters in May. She answered our questions by email.", None,
     "Rhona Kell"),
])
def test_the_asker_of_an_interview_is_the_person_the_introduction_says_asked(
        intro: str, asker: str | None, answerer: str | None) -> None:
    found = _quotes(intro + _QA)
    assert (asker, "Is the old slipway safe to use?") in found
    assert (answerer, "Not in a westerly, and not after dark.") in found


def test_a_second_interview_in_one_text_has_its_own_asker_and_answerer() -> None:
    body = ("Rhona Kell talked to the Courier's Pell Amundsen about the slipway.\n\nQ: Is it safe?\n\nA: Not in a "
            "westerly, and not after dark.\n\nThe harbourmaster, Nils Averill, sees it differently. He sat down with "
            "the Courier's Ada Ferrow.\n\nQ: Is it safe now?\n\nA: Safe enough, for a crew that knows the tides.")
    found = _quotes(body)
    assert ("Pell Amundsen", "Is it safe?") in found and ("Rhona Kell", "Not in a westerly, and not after dark.") in found
    assert ("Ada Ferrow", "Is it safe now?") in found
    assert ("Nils Averill", "Safe enough, for a crew that knows the tides.") in found


def test_a_transcript_label_keeps_the_capitals_inside_a_surname() -> None:
    body = "GRUBER: Who pays for the rails?\n\nMCCRAE: The trust does, every penny of it."
    assert ("McCrae", "The trust does, every penny of it.") in _quotes(body)


def test_a_signature_with_a_handle_and_a_date_signs_the_post_above() -> None:
    body = ("Ortiz had the last word that night.\n\n“The timetable was written by people who have never waited for a "
            "boat in January.”\n\n— Maria Ortiz (@OrtizNorthShore) November 4, 2022")
    assert [s for s, _ in _direct(body)] == ["Maria Ortiz"]


def test_a_social_media_account_speaks_as_written() -> None:
    body = "“Sailings will be confirmed after the consultation,” @SoundFerries wrote. “We read every reply.”"
    assert [s for s, _ in _direct(body)] == ["@SoundFerries"]


def test_a_pronoun_after_an_opening_phrase_is_the_whole_subject() -> None:
    body = ("Tomas Gruber runs the island garage. In a Facebook post he said the company had “made up its mind "
            "months ago.”")
    assert [s for s, _ in _quotes(body)] == ["Tomas Gruber"]


def test_a_noun_in_a_prepositional_phrase_is_no_cue() -> None:
    body = "Carla Benn later added in a second tweet: “Consultation closes Friday, so make some noise.”"
    assert _quotes(body) == [("Carla Benn", "Consultation closes Friday, so make some noise.")]


@pytest.mark.parametrize("introduction", [
    "The most shared reply came from a nurse, Tova Hale.",
    "None of this satisfied Tova Hale, who works the early shift on the mainland.",
])
def test_a_person_introduced_by_description_is_the_one_she_refers_to(introduction: str) -> None:
    body = (f"Dara Quill had posted first.\n\n{introduction} “With two boats a day I either lose my job or sleep in "
            "my car,” she wrote.")
    assert _direct(body)[-1][0] == "Tova Hale"


@pytest.mark.parametrize(("introduction", "giver"), [
    ("The harbourmaster gave the rescue medal to a deckhand, Ilse Brandvold.", "The harbourmaster"),
    ("Her sister praised Ilse Brandvold, who swam the line out to the stranded boat.", "Her sister"),
    # a role the title lists do not hold, known by its ending
    ("The principal handed the award to a student, Mia Dorn.", "The principal"),
])
def test_a_person_introduced_as_the_object_of_a_definite_persons_verb_is_not_she(introduction: str,
                                                                                  giver: str) -> None:
    # the one who gives or praises, the sentence's subject, is the likelier "she"
    body = f"{introduction} “She went into the water when nobody else would,” she said."
    assert [s for s, _ in _direct(body)] == [giver]


@pytest.mark.parametrize("introduction", [
    "The room emptied after a deckhand, Ilse Brandvold, walked out.",
    "The award went to a deckhand, Ilse Brandvold.",
])
def test_a_thing_as_the_subject_leaves_she_to_the_person_it_introduces(introduction: str) -> None:
    body = f"{introduction} “She went into the water when nobody else would,” she said."
    assert [s for s, _ in _direct(body)] == ["Ilse Brandvold"]


@pytest.mark.parametrize("thing", ["The payment", "The proposal", "The restaurant", "The water", "The incident",
                                   "The withdrawal", "The list", "The business", "The tree", "The border",
                                   "The danger", "The corridor", "The transfer", "The fever", "The disorder"])
def test_a_thing_as_the_next_sentences_subject_leaves_he_to_the_person_named_before(thing: str) -> None:
    # review 1, item 1: a thing ending like a role ("-ent", "-al", "-ee", "-er") is not who "he" is
    body = f"Councillor Bram Otieno met the press at noon. {thing} was the first topic. “We will wait,” he said."
    assert [s for s, _ in _direct(body)] == ["Councillor Bram Otieno"]


@pytest.mark.parametrize("person", ["The principal", "The detainee", "The rancher", "The pianist", "The chairman",
                                    "The harbourmaster", "The referee", "The contestant", "The lawyer"])
def test_a_person_described_as_the_next_sentences_subject_is_he(person: str) -> None:
    body = f"Councillor Bram Otieno met the press at noon. {person} was the first to arrive. “We will wait,” he said."
    assert [s for s, _ in _direct(body)] == [person]


def test_she_after_a_quotation_of_a_person_described_is_that_person() -> None:
    body = ("Mara Ostby toured the yard on Monday.\n\n“We will keep every job here,” the former harbour "
            "commissioner said.\n\n“And we will hire in the spring,” she added.")
    assert [s for s, _ in _direct(body)] == ["the former harbour commissioner"] * 2


def test_a_cue_word_after_a_preposition_is_a_noun() -> None:
    body = "“The yard stays open,” the secretary of state said."
    assert _direct(body) == [("the secretary of state", "The yard stays open,")]


def test_an_ambiguous_cue_after_a_quotation_and_a_subject_ending_in_a_phrase_is_the_verb() -> None:
    body = ("Two boats were cancelled on Friday. “Passengers must check in forty minutes before sailing,” a notice "
            "on the ticket office door notes.")
    assert [s for s, _ in _direct(body)] == ["a notice on the ticket office door"]


def test_a_contracted_auxiliary_is_not_part_of_the_subject() -> None:
    assert _quotes("The harbourmaster doesn’t believe the new pier will hold.") == [
        ("The harbourmaster", "the new pier will hold")]


def test_a_closing_mark_that_opens_a_word_opens_a_quotation() -> None:
    body = "Under the photo of the flooded road, one reply stood out. ”Third winter in a row, and still no drain!” " \
           "Ada Ferrow replied."
    assert _direct(body) == [("Ada Ferrow", "Third winter in a row, and still no drain!")]


def test_an_inverted_subject_may_be_a_described_document() -> None:
    body = "“Two of the five lifeboats are past their service life,” warned a report by the station's own engineers."
    assert [s for s, _ in _direct(body)] == ["a report"]


def test_a_participle_after_an_unnamed_nearest_subject_continues_the_sentence_subject() -> None:
    body = "Brandt seemed unimpressed with Holt’ comments on Friday, telling the crews, “We sail at six whatever they decide.”"
    assert [s for s, _ in _direct(body)] == ["Brandt"]


def test_neither_before_a_name_is_not_part_of_it() -> None:
    body = ("Neither Maren Holt nor the treasurer came to the regatta.\n\n“Somebody had to check the accounts,” Holt "
            "explained on Monday.")
    assert [s for s, _ in _direct(body)] == ["Maren Holt"]


def test_a_possessive_subject_with_a_modifier_runs_to_its_verb() -> None:
    body = ("In answer to the new fares, Brandt’s right-hand man gathered the crews, saying: “Nobody sails "
            "short-handed this winter.”")
    assert [s for s, _ in _direct(body)] == ["Brandt’s right-hand man"]


def test_a_place_and_its_state_before_a_described_subject_are_not_the_subject() -> None:
    body = ("At the county fair in Salem, Ore., a tired judge stared at the pumpkins, adding “Next year we need a "
            "bigger scale.”")
    assert [s for s, _ in _direct(body)] == ["a tired judge"]


def test_a_noun_phrase_between_said_and_a_quotation_is_part_of_the_reported_clause() -> None:
    found = _quotes("Ortiz said the levee “was never finished.”")
    assert found == [("Ortiz", "the levee “was never finished.”")]
    assert _quotes("Ortiz said on Tuesday, “The levee was never finished.”") == [
        ("Ortiz", "The levee was never finished.")]


def test_a_possessed_subject_speaks_a_quotation_without_a_cue() -> None:
    body = "Brandt's campaign flyer still carries the line “a ferry every hour, winter and summer.”"
    assert [s for s, _ in _direct(body)] == ["Brandt's campaign flyer"]


def test_a_colon_sentence_with_its_own_subject_starts_a_new_speaker() -> None:
    body = ("“Every notice went up on the day the law requires,” Tarr said. Whitcombe was not convinced: “On a board "
            "behind the bins, Wendell.”")
    assert [s for s, _ in _direct(body)] == ["Tarr", "Whitcombe"]


def test_a_capitals_headline_opening_a_round_up_item_is_not_the_subject() -> None:
    body = ("A BAKER'S LETTER GOES VIRAL Dara Quill, who runs a bakery on the quay, wrote to the board. “You have "
            "never once asked what we can pay,” she wrote.")
    assert _direct(body)[-1][0] == "Dara Quill"


def test_a_name_in_apposition_to_a_described_subject_is_the_speaker() -> None:
    body = "The island's member of parliament, Joel Farr, said the rise was “a tax on living in the wrong place.”"
    assert [s for s, _ in _quotes(body)] == ["Joel Farr"]


def test_a_short_line_with_a_name_under_a_framed_quotation_is_a_sentence_not_a_signature() -> None:
    body = ("“We cut the ribbon at noon,” Mayor Lotte Brandt said.\n\nIvo Sander, 70, has kept the bridge since "
            "1988.\n\n“I have painted every rail of it twice,” he said.")
    assert [s for s, _ in _direct(body)] == ["Mayor Lotte Brandt", "Ivo Sander"]


def test_a_quotation_after_a_sentence_about_a_person_is_that_persons() -> None:
    body = "When asked about the tolls, Councillor Petra Alm shrugged. “The ferry pays for itself in August.”"
    assert _direct(body) == [("Councillor Petra Alm", "The ferry pays for itself in August.")]


def test_words_announced_as_from_a_source_are_that_sources() -> None:
    body = "Read the full reply from the Harbour Users Group below:\n\n“We were not consulted once in six months.”"
    assert _direct(body) == [("the Harbour Users Group", "We were not consulted once in six months.")]


def test_a_quotation_signed_after_a_dash_on_its_own_line_is_the_signers() -> None:
    body = "The skipper's answer, in full: “Fish do not read quota tables.” — Skipper Nils Averill"
    assert [s for s, _ in _direct(body)] == ["Skipper Nils Averill"]


@pytest.mark.parametrize("announcement", [
    "Oskar Lind's full remarks are below.",  # a sentence announcing words shown below, like a colon
    "Later, Oskar Lind turned to the budget.",  # an opening time word before the subject
    "Oskar Lind, speaking at the quay, was asked about the budget.",  # an aside after the name
    "The crowd at the quay was small.\n\nThe band played twice.",  # a person named a few paragraphs back
    "Nobody mentioned the budget.",  # "Nobody" is no name
])
def test_a_quoted_paragraph_with_no_frame_is_the_person_the_text_is_about(announcement: str) -> None:
    body = (f"Warden Oskar Lind opened the quay on Monday.\n\n{announcement}\n\n“The quay will pay for itself "
            "within ten summers, and the town will not pay a penny for it.”")
    assert [(s or "").split()[-1:] for s, _ in _direct(body)] == [["Lind"]]


def test_he_reaches_back_over_paragraphs_that_name_nobody() -> None:
    body = ("Warden Oskar Lind opened the quay on Monday.\n\nThe crowd was small.\n\nThe band played twice.\n\n"
            "“It will pay for itself,” he said.")
    assert _direct(body) == [("Warden Oskar Lind", "It will pay for itself,")]


def test_a_quotation_that_names_the_person_before_it_is_the_last_speakers() -> None:
    body = ("“We will reopen the quay,” Lind said.\n\nThe plan has split the council, whose chair, Greta Holm, has so "
            "far declined to back it.\n\n“I respect Greta, but she is wrong about the money.”")
    assert _direct(body)[-1][0] == "Lind"


def test_so_far_before_a_verb_is_no_subject() -> None:
    body = "Greta Holm, who chairs the council, has so far declined to back the plan."
    assert "far" not in [s for s, _ in _quotes(body)]


def test_a_name_in_apposition_to_a_possessive_description_speaks() -> None:
    body = "Dover County's harbour master, Ilse Brandvold, wrote that the quay “is still waiting for its cranes.”"
    assert [s for s, _ in _quotes(body)] == ["Ilse Brandvold"]


def test_a_name_after_a_described_person_with_a_relative_clause_speaks() -> None:
    body = "The man whose boat sank twice, Ivo Sander, told the board: “We cannot keep paying for pumps.”"
    assert _direct(body) == [("Ivo Sander", "We cannot keep paying for pumps.")]


def test_a_heading_label_rejected_for_the_lines_own_frame_stays_out_of_the_quotation() -> None:
    body = "Ivo Sander spoke first.\n\nBRILL: “The ferry will run again on Friday,” the harbour office said."
    assert _direct(body) == [("the harbour office", "The ferry will run again on Friday,")]


def test_an_answer_line_with_its_own_frame_is_one_quotation_and_a_cue_inside_an_answer_is_none() -> None:
    body = ("Ana Ruiz runs the station. She talked to the Gazette.\n\nQ: How many volunteers?\n\nA: “Twenty-three, "
            "and we need thirty,” Ruiz said.\n\nQ: What next?\n\nA: The training nights. My deputy says people "
            "have jobs, and he is right.")
    quotes = _quotes(body)
    assert ("Ana Ruiz", "Twenty-three, and we need thirty,") in quotes
    assert [s for s, w in quotes if "thirty" in w] == ["Ana Ruiz"]
    assert [s for s, w in quotes if "deputy" in w or w.startswith("people")] == ["Ana Ruiz"]


def test_an_organisation_speaks_under_the_name_the_text_gives_it() -> None:
    text = "A short story\n\n“The talks will resume next week,” the Kremlin said on Friday.\n"
    [quote] = extract(text).quotes
    assert (quote.speaker, quote.speaker_actor is not None) == ("the Kremlin", True)


# A direct quotation no rule gives a speaker: the nearest person named around it, marked as a guess.
@pytest.mark.parametrize(("body", "speaker", "words"), [
    # a person in the paragraph before, a sentence with no person between
    ("Mayor Henrika Dalsgaard spent the morning at the flooded pumping station in Ostervik.\n\nBy noon the water "
     "had reached the second step. “We rebuild this week, not next spring, and nobody waits for the insurers.”",
     "Henrika Dalsgaard", "We rebuild this week"),
    # earlier in the same paragraph, a noun ("Her reply ... was short:") the frames do not read
    ("Anna Renwick, the club's coach, has heard every complaint about the new pitch at Harlow Park. Her reply to "
     "the parents at the gate on Saturday was short: “Grass grows back, and so do knees.”",
     "Anna Renwick", "Grass grows back"),
    # no person before it: the first one named after it in its paragraph
    ("The hall went quiet. “Nobody leaves this room until the count is finished, and that includes the press.” "
     "With that, returning officer Maria Holmsand locked the doors.", "Maria Holmsand", "Nobody leaves this room"),
])
def test_a_quotation_without_a_frame_gets_the_nearest_person_as_a_guess(body: str, speaker: str, words: str) -> None:
    quotes = [q for q in extract("A short story\n\n" + body + "\n").quotes if q.direct]
    assert [(q.speaker, q.speaker_basis) for q in quotes if words in q.text] == [(speaker, "nearest person")]


def test_a_guessed_speaker_is_no_actor_and_no_evidence_speaker() -> None:
    """A guess is for the reader: stance drafts and issue links, which read the evidence's actor, rest on
    attributed words only, and the stored evidence says the speaker was not attributed."""
    text = ("A short story\n\nPresident Donald Trump toured the border wall on Tuesday.\n\nThe crowd cheered. "
            "“We will finish it, every mile of it, and soon.”\n")
    extraction = extract(text)
    quote = next(q for q in extraction.quotes if "every mile" in q.text)
    assert (quote.speaker_basis, quote.speaker_actor) == ("nearest person", None)
    assert quote.speaker is not None and "Trump" in quote.speaker
    record = next(e for e in evidence_records(extraction, text) if e.kind == "quote" and "every mile" in e.text)
    assert record.actor is None and record.speaker is None
    assert "not attributed, nearest person" in record.rationale


def test_a_speaker_a_frame_gives_is_not_marked_as_a_guess() -> None:
    quotes = extract("A short story\n\n“The tide tables are wrong again,” said Mayor Henrika Dalsgaard.\n").quotes
    assert [(q.speaker, q.speaker_basis) for q in quotes] == [("Mayor Henrika Dalsgaard", "")]


@pytest.mark.parametrize("body", [
    # an organisation is the nearest name: it is not the guess, nor is the person named before it
    "Mayor Ruth Calloway opened the harbour fair on Monday.\n\nThe Northmere Harbour Authority closed the pier on "
    "Tuesday after the storm. Its notice on the gate carried one line: “No vessel may moor here until the pilings "
    "have been inspected.”",
    # a dateline and a place are no person
    "OSTERVIK, Norway — The council vote came late on Thursday. By then the notice was everywhere: “Every stall "
    "on the quay must close by dusk until the survey is done.”",
])
def test_an_organisation_or_a_dateline_is_never_the_guess(body: str) -> None:
    quotes = [q for q in extract("A short story\n\n" + body + "\n").quotes if q.direct]
    assert quotes and all(q.speaker is None and q.speaker_basis == "" for q in quotes)


@pytest.mark.parametrize(("body", "speaker"), [
    # a past-tense verb of speaking the lexicon does not list, after the speaker or before the name
    ("“Brill will always be Brill,” an angry Dessaix retaliated. “It never gives up.”", "an angry Dessaix"),
    ("“The people have spoken,” intoned Ana Ruiz, the council president.", "Ana Ruiz"),
    ("“I'm shocked, shocked,” Rita Okafor deadpanned after the vote.", "Rita Okafor"),
])
def test_an_unlisted_verb_right_after_a_quotation_is_a_verb_of_speaking(body: str, speaker: str) -> None:
    assert [s for s, _ in _direct(body)] == [speaker]


def test_an_adjective_after_the_article_is_no_unlisted_verb() -> None:
    text = ("A short story\n\n“From the first day, the harbour was my priority,” the bespectacled, 71-year-old "
            "harbourmaster said.\n")
    assert [q.cue for q in extract(text).quotes] == ["said"]


@pytest.mark.parametrize(("lexicon_form"), ["snapped", "begged", "deadpanned", "preferred"])
def test_a_doubled_final_consonant_is_a_form_of_its_verb(lexicon_form: str) -> None:
    from stratagem.evidence.cues import cue_table
    assert lexicon_form in cue_table()


@pytest.mark.parametrize(("body", "speaker"), [
    # an inverted "Said X" with an aside: the place at the aside's end is not the speaker
    ("Said Lena Forsberg, a retired teacher from Duluth: “I have never seen the board this divided.”",
     "Lena Forsberg"),
    # a sentence before a colon in the quotation's own paragraph announces its subject's words
    ("The union's statement was blunt: “The board has betrayed every worker in this district.”",
     "The union's statement"),
    # an ad, a letter: the subject of the sentence that holds or comes before the quotation
    ("The ad closes with a question for viewers: “Can you afford four more years of broken promises?”", "The ad"),
    ("The letter, signed by 40 economists, is blunt. “The proposal would raise prices for every family in the "
     "country.”", "The letter"),
    ("A footnote in the report adds a caveat. “These figures do not include the cost of the new tariffs.”",
     "A footnote in the report"),
    # a described person as the antecedent of "who"
    ("The campaign referred questions to its general counsel, who said in an email: “All expenditures were "
     "properly reported.”", "its general counsel"),
    # an indefinite person and where they are
    ("A man in the back row shouted: “You took their money, Curtis, and we all know it!”", "A man in the back row"),
])
def test_announced_and_described_sources(body: str, speaker: str) -> None:
    assert [s for s, _ in _direct(body)] == [speaker]


def test_here_is_someones_statement_names_them_not_here() -> None:
    text = ("A short story\n\nState Sen. Ana Crowe led the opposition on the floor.\n\nHere's Crowe's full "
            "statement:\n\n“Tonight the governor chose fear over facts, and the voters will remember it.”\n")
    assert [q.speaker for q in extract(text).quotes if q.direct] == ["Ana Crowe"]


def test_a_quotation_repeating_framed_words_is_their_speakers() -> None:
    text = ("A short story\n\nParty chair Della Wendt said in an interview that the rules exist “to make sure "
            "that party leaders never have to run against grassroots activists.”\n\nRead that again. “Never have "
            "to run against grassroots activists.”\n")
    speakers = [q.speaker for q in extract(text).quotes if q.direct]
    assert speakers == ["Party chair Della Wendt", "Party chair Della Wendt"]


def test_quotations_under_topic_lines_are_the_lists_speakers() -> None:
    text = ("A short story\n\nRepublican hopeful Marco Delvecchio had another busy week. Here are the lowlights."
            "\n\nOn his rival, Gov. Ellen Strand:\n\n“Ellen Strand couldn't run a lemonade stand, believe me.”\n\n"
            "On the Federal Reserve:\n\n“The Fed is a rigged casino, and everybody knows it.”\n")
    speakers = [q.speaker for q in extract(text).quotes if q.direct]
    assert speakers == ["Republican hopeful Marco Delvecchio"] * 2  # not the rival a topic line names


def test_quotations_signed_with_a_horizontal_bar_are_the_signers() -> None:
    """Reader-response pages sign each quotation after it, some with the horizontal bar (U+2015), some
    opening it with a reversed mark; each signer speaks the quotation on their own line."""
    text = ("Six Voters On The Mayor\n\nResidents of the east side gave us their verdict on the mayor's first "
            "term in the days before Tuesday's vote, and many of them did not hold back.\n\n"
            "“He has done nothing for our neighbourhood, and the buses are worse than four years ago.”― Dana "
            "Whitfield\n\nPhoto: Staff.\n\n“I like his plan for the riverfront, but the taxes are far too high "
            "for us.”― Marcus Lee Owens\n”Nothing changes here. We asked for a crossing by the school and we "
            "are still waiting.” ― Ines Calloway\n")
    speakers = [q.speaker for q in extract(text).quotes if q.direct]
    assert speakers == ["Dana Whitfield", "Marcus Lee Owens", "Ines Calloway"]


def test_a_quoted_transcript_credits_each_paragraph_to_its_label() -> None:
    """A transcript quoted by the article opens every paragraph with a quotation mark before the label."""
    text = ("The budget standoff, week three\n\nOn Sunday's broadcast of \"City Hour,\" council leader "
            "Ana Molina said the budget talks would resume after the holiday.\n\nPartial transcript as "
            "follows:\n\n\"HARPER: Let's begin with the budget. The talks collapsed on Friday night.\n\n"
            "\"MOLINA: Well, look, the council simply ran out of time. We will try again next week.\n\n"
            "\"HARPER: Your critics say you never had the votes.\n")
    quotes = [(q.speaker, q.text[:20]) for q in extract(text).quotes]
    assert quotes == [("council leader Ana Molina", "the budget talks wou"), ("Harper", "Let's begin with the"),
                      ("Ana Molina", "Well, look, the coun"), ("Harper", "Your critics say you")]


@pytest.mark.parametrize("lead", ["On Sunday's broadcast of", "In an interview on", "Speaking on ABC's"])
def test_a_show_title_holding_the_sentences_comma_is_no_quotation(lead: str) -> None:
    """'On ... “City Hour,” Molina said X': the title's comma is the sentence's, X is what she said."""
    found = _quotes(f"{lead} “City Hour,” Ana Molina said the talks would resume after the holiday.")
    assert found == [("Ana Molina", "the talks would resume after the holiday")]


@pytest.mark.parametrize(("body", "speaker", "words"), [
    ("Voters are tired of “Politics As Usual,” the mayor said.", "the mayor", "tired of “Politics As Usual,”"),
    ("The mayor has little patience for talk of “Defund The Police,” she said on Tuesday.", "The mayor",
     "talk of “Defund The Police,”"),
])
def test_a_title_case_quotation_inside_the_sentence_before_a_frame_is_still_quoted(
        body: str, speaker: str, words: str) -> None:
    """Only an opening adverbial ('On Sunday's broadcast of') makes a comma-holding quotation a title."""
    found = _quotes(body)
    assert len(found) == 1 and found[0][0] == speaker and words in found[0][1], found


def test_section_headings_in_capitals_are_no_transcript_labels() -> None:
    text = ("Notice\n\nThe water board sent customers a statement on Monday.\n\n“WHAT HAPPENED: A main broke under "
            "Fenwick Road on Saturday.\n\n“WHAT WE ARE DOING: Crews are replacing the pipe tonight.\n\n“WHAT YOU "
            "CAN DO: Boil water before drinking it until Thursday.”\n")
    speakers = {q.speaker for q in extract(text).quotes}
    assert not speakers & {"What Happened", "What We Are Doing", "What You Can Do"}, speakers
