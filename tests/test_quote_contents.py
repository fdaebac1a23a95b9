"""Contents of indirect attributions on sentence shapes news uses every day (invented sentences)."""

from __future__ import annotations

import pytest

from stratagem.evidence.extract import extract


def _contents(text: str) -> list[tuple[str | None, str]]:
    return [(q.speaker, text[q.start:q.end]) for q in extract(text).quotes]


@pytest.mark.parametrize("text", [
    "Ethiopia's water minister, Habtamu Itefa, rejected the charge.",
    "Labour's finance spokesperson, Pieter Smit, accused the talks of ignoring young voters.",
    "The mayor's chief of staff, Dana Whitlow, said the budget would pass.",
])
def test_a_title_before_an_appositive_name_is_not_what_was_said(text: str) -> None:
    title = text.split(",")[0]
    assert all(words != title for _, words in _contents(text)), _contents(text)


@pytest.mark.parametrize(("text", "content"), [
    ("The talks were over, Pieter Smit said.", "The talks were over"),
    ("The talks are over, the minister, Ana Silva, said.", "The talks are over"),
    ("The deal is dead, Ortiz's spokesman, Juan Perez, told reporters.", "The deal is dead"),
    ("The ceasefire will hold until Friday, the army's spokesman, Colonel Ivan Petrov, said on Monday.",
     "The ceasefire will hold until Friday"),
])
def test_a_post_posed_frame_after_a_clause_still_reports_the_clause(text: str, content: str) -> None:
    assert [words for _, words in _contents(text)] == [content]


@pytest.mark.parametrize(("text", "content"), [
    ("The parties said on Monday they were close to a deal.", "they were close to a deal"),
    ("Smit said last week the deal was close.", "the deal was close"),
    ("Smit said on Monday night that the talks had failed.", "the talks had failed"),
    ("Smit said earlier this week the deal was close.", "the deal was close"),
])
def test_a_time_adjunct_after_the_verb_is_not_part_of_the_content(text: str, content: str) -> None:
    assert [words for _, words in _contents(text)] == [content]


@pytest.mark.parametrize(("text", "content"), [
    ("Smit said Monday was a good day.", "Monday was a good day"),
    ("The president said today marks the start of a new era.", "today marks the start of a new era"),
    ("Smit said Monday marks a new era.", "Monday marks a new era"),
])
def test_a_time_word_that_is_the_subject_stays_in_the_content(text: str, content: str) -> None:
    assert [words for _, words in _contents(text)] == [content]


@pytest.mark.parametrize(("text", "speaker"), [
    ("The Intergovernmental Authority on Development said the talks would resume.",
     "The Intergovernmental Authority on Development"),
    ("The Senate Committee on Foreign Relations said the treaty was dead.", "The Senate Committee on Foreign Relations"),
    ('"It is dead," said the Senate Committee on Foreign Relations.', "the Senate Committee on Foreign Relations"),
])
def test_a_preposition_inside_an_organisations_name_keeps_the_whole_name(text: str, speaker: str) -> None:
    assert [sp for sp, _ in _contents(text)] == [speaker]


@pytest.mark.parametrize("text", ['"It is dead," said Ortiz in Geneva.', '"It is dead," said Ortiz on Monday.'])
def test_a_place_or_a_day_after_a_persons_name_is_not_part_of_it(text: str) -> None:
    assert [sp for sp, _ in _contents(text)] == ["Ortiz"]


@pytest.mark.parametrize("text", [
    "Dubbed “Operation Dawn,” the offensive started at midnight.",
    "After the vote, hailed as “historic,” the Parliament adjourned for the summer.",
])
def test_a_quoted_name_after_a_word_is_no_one_speaking(text: str) -> None:
    assert all(q.kind != "direct" or q.speaker is None for q in extract(text).quotes)
    assert "the offensive" not in [sp for sp, _ in _contents(text)]
    assert "the Parliament" not in [sp for sp, _ in _contents(text)]


def test_an_unlisted_verb_after_a_quotation_that_opens_the_sentence_is_speech() -> None:
    assert [sp for sp, _ in _contents("“We will fight on,” an angry Hollande retaliated.")] == ["an angry Hollande"]
