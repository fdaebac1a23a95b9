"""Dates against the document date, publication dates found or guessed, and event actors.

The sentences here were written for these tests.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stratagem.evidence.dates import DateContext, find_dates
from stratagem.evidence.extract import extract
from stratagem.evidence.ingest import read_document
from stratagem.evidence.pubdate import address_date, latest_full_date, published_line_date

THURSDAY = dt.date(2024, 2, 22)


def _resolve(text: str, document_date: dt.date | None = THURSDAY, *, estimated: bool = False) -> list[str | None]:
    ctx = DateContext(document_date=document_date, estimated=estimated)
    return [ctx.resolve(d) for d in find_dates(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Officials said on Thursday that talks would go on.", "2024-02-22"),  # the document's own weekday
    ("The minister said Thursday the talks would go on.", "2024-02-22"),
    ("The militia struck on Monday.", "2024-02-19"),  # past tense: the latest Monday on or before
    ("The delegations will meet on Monday.", "2024-02-26"),  # future tense: the next Monday
    ("The vote is scheduled for Friday.", "2024-02-23"),
    ("The union said its members would walk out on Monday.", "2024-02-26"),  # reported future: ahead
    ("The union walked out on Monday.", "2024-02-19"),
    ("Both sides agreed to hold the next round in Geneva on Monday.", "2024-02-26"),  # an intention
    ("I have asked Ms. Okoro and Mr. Achterberg to meet me on Monday.", "2024-02-26"),  # asked to act: ahead
    ("The mediator urged both sides to resume talks on Monday.", "2024-02-26"),
    ("The union returned to talks on Monday.", "2024-02-19"),  # "to" before a noun: no request
    ("The envoy arrived last Thursday.", "2024-02-15"),  # "last": strictly before the document day
    ("They meet again next Thursday.", "2024-02-29"),
    ("The embassy was hit yesterday.", "2024-02-21"),
    ("Parliament votes today.", "2024-02-22"),
    ("The envoy leaves tomorrow.", "2024-02-23"),
    ("Two days ago the talks stalled.", "2024-02-20"),
    ("Rockets were fired last week.", "2024-02-12/2024-02-18"),  # the Monday-Sunday week before
    ("Talks resumed earlier this month.", "2024-02"),
    ("The waiver ran out last month.", "2024-01"),
    ("The next round is set for next month.", "2024-03"),
    ("Thursday, February 22, 2024 was a busy day.", "2024-02-22"),  # a full date after its weekday, once
])
def test_relative_dates_against_the_document_date(text: str, expected: str) -> None:
    assert _resolve(text) == [expected]


def test_weeks_are_day_ranges_not_months() -> None:
    monday = dt.date(2024, 4, 1)  # the week before runs 25-31 March
    assert _resolve("Rockets were fired last week.", monday) == ["2024-03-25/2024-03-31"]
    wednesday = dt.date(2024, 1, 31)  # its week runs Mon 29 January - Sun 4 February
    assert _resolve("Rockets were fired this week.", wednesday) == ["2024-01-29/2024-02-04"]
    assert _resolve("Rockets were fired earlier this week.", wednesday) == ["2024-01-29/2024-01-30"]
    assert _resolve("The envoys meet later this week.", dt.date(2024, 2, 24)) == ["2024-02-25"]  # Sunday alone
    assert _resolve("The envoys meet next week.", wednesday) == ["2024-02-05/2024-02-11"]


def test_dates_without_a_year_around_the_year_boundary() -> None:
    january = dt.date(2024, 1, 3)
    assert _resolve("The strike on December 28 killed two.", january) == ["2023-12-28"]  # looking back
    december = dt.date(2023, 12, 30)
    assert _resolve("The parties will meet on January 5.", december) == ["2024-01-05"]  # future: ahead
    assert _resolve("The January 5 vote still stands.", december) == ["2023-01-05"]  # past: this year
    may = dt.date(2024, 5, 22)
    assert _resolve("The sides agreed to hold consultations in Vienna in June.", may) == ["2024-06"]  # ahead
    assert _resolve("Talks broke down in June.", may) == ["2023-06"]  # past tense: looking back
    assert _resolve("Talks broke down in January last year.", january) == ["2023-01"]
    assert _resolve("The deal signed on 7 April 2020 holds.", january) == ["2020-04-07"]  # an explicit year


def test_relative_dates_need_a_stated_document_date() -> None:
    assert _resolve("The militia struck on Monday.", None) == [None]
    assert _resolve("Rockets were fired last week.", None) == [None]
    # against an estimate (the latest date in the text) weekdays and weeks stay unresolved; a yearless
    # date takes its year and is marked approximate
    assert _resolve("The militia struck on Monday, and again last week.", estimated=True) == [None, None]
    ctx = DateContext(document_date=THURSDAY, estimated=True)
    found = ctx.resolution(find_dates("On March 3, the envoy left.")[0])
    assert found is not None and found.value == "2024-03-03" and found.approximate


def test_published_lines_urls_and_file_names_date_a_document(tmp_path: Path) -> None:
    text = "Updated March 9, 2025\nFirst published March 2, 2025\n\nTalks title\n\n" + "Body text here. " * 20
    assert published_line_date(text) == dt.date(2025, 3, 2)  # the publication line beats "Updated"
    assert address_date("https://example.org/world/2025/03/02/talks-resume/") == dt.date(2025, 3, 2)
    assert address_date("", "/data/2025-03-02_talks.txt") == dt.date(2025, 3, 2)
    assert address_date("", "", "https://example.org/news/20250302/talks\n\nTitle") == dt.date(2025, 3, 2)
    assert address_date("", "notes.txt", "Title\n\nSee https://example.org/2019/01/01/old for background.") is None
    body = ("Oil talks\n\nThe ministry said exports resumed on 4 May 2023 after the court ruling. "
            "Officials met again on Thursday to discuss the pipeline and the payments owed to the region.\n")
    dated = tmp_path / "2025-03-06-oil-talks.txt"
    dated.write_text(body, encoding="utf-8")
    doc = read_document(dated)
    assert doc.date == dt.date(2025, 3, 6) and doc.date_source == "url"  # not 2023 from the text
    assert "2025-03-06" in {e.date for e in extract(doc).events}  # "on Thursday" is that Thursday


def test_latest_date_guess_skips_future_clauses_and_prefers_date_lines() -> None:
    text = ("The waiver was renewed on 5 March 2023. It will expire on 5 March 2026 unless renewed.\n"
            "Correction: June 2, 2023\n")
    assert latest_full_date(text) == dt.date(2023, 6, 2)
    assert latest_full_date("The waiver was renewed on 5 March 2023. It will expire on 5 March 2026.") == \
        dt.date(2023, 3, 5)


def test_events_on_a_guessed_date_are_marked_estimated(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Talks went on\n\nThe first round was held on 12 May 2021 in Baghdad. On June 9, the "
                    "militias attacked a convoy near the airport, officials said.\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.date_source == "text-latest"
    events = {e.date: e for e in extract(doc).events}
    assert events["2021-06-09"].date_estimated  # the year came from the guess
    assert not events["2021-05-12"].date_estimated  # an explicit year needs no guess
    data = extract(doc).to_json()["events"]
    assert {e["date"]: e["date_estimated"] for e in data}["2021-06-09"] is True  # type: ignore[index]


def test_event_actors_are_actors_never_fragments_or_datelines() -> None:
    text = ("BAGHDAD, Feb 20, 2024 (Wire) - Iraq's foreign ministry summoned Iran's ambassador on Tuesday "
            "after a drone strike.\n\nSo far the pipeline exports have not resumed since March 25, officials "
            "said.\n\nOnly days later, on Feb. 18, Kata'ib Hezbollah threatened to resume attacks.\n")
    events = extract(text, document_date=dt.date(2024, 2, 20)).events
    assert all(e.actor is None or e.actor_id is not None for e in events), [e.actor for e in events]
    assert all(e.actor != "BAGHDAD" for e in events)
    by_date = {e.date: e for e in events}
    assert by_date["2024-02-20"].actor_id == "iraq" and by_date["2024-02-20"].action == "DISAPPROVE"
    assert by_date["2024-02-18"].actor_id == "kataib_hezbollah" and by_date["2024-02-18"].action == "THREATEN"
    for dateline in ("BAGHDAD — ", "ERBIL, Iraq (AP) — "):
        events = extract(dateline + "Gunmen attacked a checkpoint on Sunday, officials said.\n",
                         document_date=dt.date(2024, 2, 20)).events
        assert [(e.date, e.actor) for e in events] == [("2024-02-18", None)]


# A story written for this test (tests/data/evidence_dates/pipeline_talks.txt): a publication line, a
# dateline, relative dates in past and future tense, and actors outside the gazetteer. Gold events:
# (date expression, date, accepted actor ids or names, accepted PLOVER actions).
PIPELINE_GOLD = [
    ("on Thursday", "2025-03-06", {"krg", "iraq"}, {"CONSULT"}),
    ("last week", "2025-02-24/2025-03-02", {None}, {"REJECT"}),
    ("in February 2023", "2023-02", {"Federal Supreme Court"}, {"COERCE", "DISAPPROVE", "REJECT"}),
    ("Earlier this month", "2025-03", {None}, {"DISAPPROVE"}),
    ("on Monday", "2025-03-10", {"State Oil Marketing Organization"}, {"CONSULT"}),
    ("yesterday", "2025-03-05", {"turkey"}, {"CONSULT", "DEMAND"}),
]


def test_relative_dates_in_a_dated_story() -> None:
    doc = read_document(Path(__file__).parent / "data" / "evidence_dates" / "pipeline_talks.txt")
    assert doc.date == dt.date(2025, 3, 6) and doc.date_source == "published"
    events = extract(doc).events
    found = {doc.cleaned[e.date_start : e.date_end]: e for e in events}
    dated = [g for g in PIPELINE_GOLD if g[0] in found and found[g[0]].date == g[1]]
    with_actor = [g for g in dated if (found[g[0]].actor_id or found[g[0]].actor) in g[2]]
    with_action = [g for g in with_actor if found[g[0]].action in g[3]]
    assert len(dated) >= 5 and len(with_actor) >= 5 and len(with_action) >= 5, [
        (k, e.date, e.actor, e.action) for k, e in found.items()]
    assert len(events) <= len(PIPELINE_GOLD)  # nothing dated that the story does not date
    assert not any(e.date_estimated for e in events)


def test_last_week_is_the_week_before_the_story_not_a_month() -> None:
    text = "Dock workers protested last week at the container port."
    events = extract(text, document_date=dt.date(2026, 3, 12)).events  # a Thursday
    assert [e.date for e in events] == ["2026-03-02/2026-03-08"]


@pytest.mark.parametrize("sentence", [
    "Nobody wins from a strike, the mayor said on Monday.",
    "No one was arrested at the harbour gates on Monday.",
    "None of the envoys met on Monday, the ministry said.",
])
def test_a_negative_subject_gives_no_event(sentence: str) -> None:
    assert extract(sentence, document_date=dt.date(2026, 3, 12)).events == ()


def test_a_negative_subject_leaves_a_definite_action_standing() -> None:
    events = extract("Nobody was hurt in the attack on Monday.", document_date=dt.date(2026, 3, 12)).events
    assert [(e.date, e.action) for e in events] == [("2026-03-09", "ASSAULT")]


def test_an_action_inside_quoted_words_is_not_dated_by_when_they_were_said() -> None:
    text = "“A deal is there to be had,” Okoro told reporters on Thursday. “But not at any price.”"
    assert extract(text, document_date=dt.date(2026, 3, 13)).events == ()
    dated = extract("“We signed the deal on Tuesday,” Okoro said.", document_date=dt.date(2026, 3, 13)).events
    assert [(e.date, e.action) for e in dated] == [("2026-03-10", "AGREE")]  # the date inside her words
