"""Attribution shapes of the sixth quote round: transcript labels, opening participles, "whose" clauses,
and the generic sources ("officials", "a spokesman", "the campaign") of direct quotations.

Every text is invented for this file, in the styles of wire copy, transcripts, blogs and features.
"""

from __future__ import annotations

import pytest

from stratagem.evidence.extract import extract


def _quotes(body: str) -> list[tuple[str | None, str, str]]:
    text = "A short story\n\n" + body + "\n"
    return [(q.speaker, q.kind, q.text) for q in extract(text).quotes]


def test_transcript_label_lines_are_direct_quotes() -> None:
    body = ("The two negotiators met the press after the talks broke down on Friday.\n\n"
            "COJOCARU: We will not sign this. The terms are unfair to every dock worker we represent.\n\n"
            "SEN. WARREN: This deal is a giveaway to the shipping lines, plain and simple.\n\n"
            "COJOCARU: Then write a better one and we will read it tonight.")
    found = _quotes(body)
    assert [(s, k) for s, k, _ in found] == [("Cojocaru", "direct"), ("Sen. Warren", "direct"),
                                             ("Cojocaru", "direct")]
    assert found[0][2].startswith("We will not sign this.")


def test_a_headline_kicker_is_no_transcript_line() -> None:
    # a capitals kicker before a headline in title case is the outlet's heading, not someone's words
    text = "SHOCKER: County Board Quietly Doubles Its Own Travel Budget.\n\nThe board met on Monday.\n"
    assert not [q for q in extract(text).quotes if q.direct]


@pytest.mark.parametrize("body", [
    'Known as "the Iron Lady of the North," she has run the province for eleven years.',
    'Nicknamed "the bulldozer who never sleeps," Ortiz pushed the harbour bill through.',
    'Asked "whether the ferry deal was dead or alive," the mayor only smiled.',
    'Dubbed "the deal of the century" by its own authors, the plan collapsed within a week.',
    'Shown "a map of every closed clinic in the valley," the minister looked away.',
])
def test_an_opening_participle_is_never_a_speaker(body: str) -> None:
    opener = body.split()[0]
    assert all(s != opener for s, _, _ in _quotes(body))


@pytest.mark.parametrize(("body", "speaker", "content"), [
    ("The margin was eleven votes, said Ana Ruiz, whose party had demanded a recount.", "Ana Ruiz's party",
     "a recount"),
    ("The senator, whose party had said the count was rigged, stayed silent all week.", "The senator's party",
     "the count was rigged"),
    ("The League of Tenants, whose lawyers argued that the rent rises were illegal, won the case.",
     "The League of Tenants' lawyers", "the rent rises were illegal"),
])
def test_a_whose_clause_speaks_as_the_antecedents_noun(body: str, speaker: str, content: str) -> None:
    found = [(s, t) for s, _, t in _quotes(body) if s is not None and s.endswith(speaker.split()[-1])]
    assert found == [(speaker, content)]


@pytest.mark.parametrize(("body", "speaker"), [
    ('Outside the town hall, about 200 protesters gathered in clusters, holding signs and chanting "Dump the '
     'harbour plan now."', "about 200 protesters"),
    ('In the square, dozens of dock workers stood in the rain, shouting "no contract, no peace, no ships."',
     "dozens of dock workers"),
    ('On Friday, 40 nurses walked out of the county hospital, chanting "safe staffing saves lives every day."',
     "40 nurses"),
])
def test_a_counted_group_after_an_opening_phrase_is_the_subject(body: str, speaker: str) -> None:
    assert [(s, k) for s, k, _ in _quotes(body)] == [(speaker, "direct")]


def test_a_participle_after_a_where_clause_goes_on_from_its_counted_subject() -> None:
    body = ('Ortiz spoke just down the street from the casino, where about 50 strikers had gathered on Wednesday '
            'morning, chanting "no contract, no peace for the owners."')
    assert [s for s, _, _ in _quotes(body) if s is not None] == ["about 50 strikers"]


def test_a_counted_group_opening_the_sentence_is_its_subject() -> None:
    body = 'Dozens of nurses marched past the clinic, chanting "safe staffing saves lives every day."'
    assert [s for s, _, _ in _quotes(body)] == ["Dozens of nurses"]


def test_an_exclaimed_quotation_before_its_subject_is_the_content_whatever_follows() -> None:
    body = ('"Hey, hey! Ho, ho! The harbour boss has got to go!" some dock workers chanted, three days after the '
            'closure, as they marched down Quay Street.')
    found = _quotes(body)
    assert ("some dock workers", "direct", "Hey, hey! Ho, ho! The harbour boss has got to go!") in found
    assert all(k == "direct" for _, k, _ in found)  # the adjunct after the frame is the writer's, not said
