"""The built-in U.S.-Iraq scenarios: schema, evidence behind every number, no hindsight, no copying.

Tests that read the cited documents need the seed analyses (../shared/seeds or
$STRATAGEM_DOCUMENTS) and are skipped, with a message, when they are absent.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

import stratagem.scenarios
from stratagem.evidence.sources import document_dirs, document_text, find_document, span_text
from stratagem.model.io import load_scenario
from stratagem.model.schema import Scenario

SCENARIO_DIR = Path(stratagem.scenarios.__file__).resolve().parent
REPO_ROOT = Path(__file__).resolve().parents[1]
NAMES = ("us-iraq-2020", "us-iraq-2024")
REQUIRED_ISSUES = {
    "us-iraq-2020": {"us-presence", "pmf-control", "iran-energy", "force-security"},
    "us-iraq-2024": {"us-presence", "pmf-control", "iran-energy", "force-security", "dollar-leverage"},
}
ANCHOR_POINTS = [0.0, 25.0, 50.0, 75.0, 100.0]
LOOKBACK = 300  # characters before a span in which the cited speaker may be named
NGRAM = 10  # word sequences this long may not be shared with any seed document

# Curly quotes and apostrophes are folded to ASCII so that "Kata’ib" matches "Kata'ib".
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


@cache
def scenario(name: str) -> Scenario:
    return load_scenario(SCENARIO_DIR / f"{name}.yaml")


def _fold(text: str) -> str:
    return " ".join(text.translate(_FOLD).lower().split())


def _need_seeds(sc: Scenario) -> None:
    if not document_dirs():
        pytest.skip("no seeds directory found (../shared/seeds or $STRATAGEM_DOCUMENTS); cited spans cannot be checked")
    missing = sorted({e.document for e in sc.evidence if find_document(e.document) is None})
    if len(missing) == len({e.document for e in sc.evidence}):
        pytest.skip(f"none of the cited documents is available in {document_dirs()}")


@pytest.mark.parametrize("name", NAMES)
def test_scenario_loads_validates_and_is_dated(name: str) -> None:
    sc = scenario(name)
    assert sc.id == name
    assert sc.as_of is not None


@pytest.mark.parametrize("name", NAMES)
def test_at_least_twelve_actors_each_with_kind_aliases_and_reasoned_capability(name: str) -> None:
    sc = scenario(name)
    assert len(sc.actors) >= 12
    for actor in sc.actors:
        assert actor.kind != "other", actor.id
        assert actor.aliases, f"{actor.id} has no aliases for text matching"
        assert actor.capability_range is not None, f"{actor.id} has no capability_range"
        assert len(actor.capability_note.split()) >= 10, f"{actor.id} capability_note is missing or too thin"


@pytest.mark.parametrize("name", NAMES)
def test_required_issues_exist_with_five_labelled_anchors_and_a_cited_status_quo(name: str) -> None:
    sc = scenario(name)
    ids = {i.id for i in sc.issues}
    assert REQUIRED_ISSUES[name] <= ids, REQUIRED_ISSUES[name] - ids
    for issue in sc.issues:
        assert (issue.scale_min, issue.scale_max) == (0.0, 100.0), issue.id
        assert [a.value for a in issue.anchors] == ANCHOR_POINTS, issue.id
        assert all(len(a.label.split()) >= 4 for a in issue.anchors), f"{issue.id}: an anchor label is too terse"
        assert issue.status_quo is not None, issue.id
        assert issue.status_quo_evidence, f"{issue.id} status quo cites no evidence"
        assert "higher" in issue.description.lower(), f"{issue.id} does not say which way the scale runs"


@pytest.mark.parametrize("name", NAMES)
def test_every_stance_has_evidence_and_both_ranges(name: str) -> None:
    sc = scenario(name)
    for st in sc.stances:
        where = f"{st.actor}/{st.issue}"
        assert st.evidence, f"{where} cites no evidence"
        assert st.position_range is not None, f"{where} has no position_range"
        assert st.salience_range is not None, f"{where} has no salience_range"


@pytest.mark.parametrize("name", NAMES)
def test_every_actor_takes_a_stance(name: str) -> None:
    sc = scenario(name)
    with_stance = {s.actor for s in sc.stances}
    assert {a.id for a in sc.actors} == with_stance


@pytest.mark.parametrize("name", NAMES)
def test_evidence_records_are_well_formed_and_store_no_text(name: str) -> None:
    sc = scenario(name)
    actors = {a.id for a in sc.actors}
    issues = {i.id for i in sc.issues}
    documents = {d.id for d in sc.documents}
    for ev in sc.evidence:
        assert ev.text is None, f"{ev.id} stores source text"
        assert ev.document in documents, f"{ev.id} cites a document not listed under documents"
        assert not ev.document.endswith(".txt"), ev.id
        assert ev.rationale.strip(), f"{ev.id} has no rationale"
        assert ev.kind in {"quote", "event", "claim"}
        assert ev.issue in issues, f"{ev.id}: unknown issue {ev.issue!r}"
        assert ev.actor is None or ev.actor in actors, f"{ev.id}: unknown actor {ev.actor!r}"


@pytest.mark.parametrize("name", NAMES)
def test_nothing_dated_after_as_of(name: str) -> None:
    sc = scenario(name)
    assert sc.as_of is not None
    for ev in sc.evidence:
        assert ev.date is None or ev.date <= sc.as_of, f"{ev.id} is dated {ev.date}, after {sc.as_of}"
    for doc in sc.documents:
        assert doc.date is None or doc.date <= sc.as_of, f"document {doc.id} is dated after as_of"
    for shock in sc.shocks:
        assert shock.date is None or shock.date <= sc.as_of, f"shock {shock.id} is dated after as_of"
        assert shock.date is not None or shock.round is not None, f"shock {shock.id} has neither date nor round"


@pytest.mark.parametrize("name", NAMES)
def test_every_cited_span_resolves_to_nonempty_words(name: str) -> None:
    sc = scenario(name)
    _need_seeds(sc)
    for ev in sc.evidence:
        full = document_text(ev.document)
        assert full is not None, f"{ev.id}: document {ev.document} not found"
        assert ev.end <= len(full), f"{ev.id}: span ends beyond the document"
        words = span_text(ev)
        assert words is not None and words.strip(), f"{ev.id}: empty span"
        assert len(words.split()) >= 5, f"{ev.id}: span is too short to support a number"


def _names_for(sc: Scenario, who: str) -> list[str]:
    try:
        actor = sc.actor(who)
    except KeyError:
        return [who]
    return [actor.name, *actor.aliases]


@pytest.mark.parametrize("name", NAMES)
def test_cited_speaker_and_actor_are_named_in_or_just_before_the_span(name: str) -> None:
    sc = scenario(name)
    _need_seeds(sc)
    failures = []
    for ev in sc.evidence:
        full = document_text(ev.document)
        assert full is not None
        window = _fold(full[max(0, ev.start - LOOKBACK) : ev.end])
        for role, who in (("speaker", ev.speaker), ("actor", ev.actor)):
            if who is None:
                continue
            if not any(_fold(n) in window for n in _names_for(sc, who)):
                failures.append(f"{ev.id}: {role} {who!r} not named in the span or the {LOOKBACK} characters before it")
    assert not failures, "\n".join(failures)


def _ngrams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text.translate(_FOLD).lower())
    return {tuple(words[i : i + NGRAM]) for i in range(len(words) - NGRAM + 1)}


def _repo_text_files() -> list[Path]:
    found = []
    for pattern in ("*.yaml", "*.yml", "*.md"):
        for path in REPO_ROOT.rglob(pattern):
            parts = path.relative_to(REPO_ROOT).parts
            if any(p.startswith(".") or p in {"node_modules", "build", "dist"} for p in parts):
                continue
            found.append(path)
    return found


def test_no_ten_word_sequence_of_a_seed_appears_in_the_repo_yaml_or_docs() -> None:
    sc = scenario(NAMES[0])
    _need_seeds(sc)
    seed_files = sorted({p for d in document_dirs() for p in d.glob("*.txt")})
    assert seed_files
    seed_grams: set[tuple[str, ...]] = set()
    for path in seed_files:
        seed_grams |= _ngrams(path.read_text(encoding="utf-8"))
    files = _repo_text_files()
    assert any(p.parent == SCENARIO_DIR for p in files), "the scenario YAML files were not scanned"
    copied = []
    for path in files:
        shared = _ngrams(path.read_text(encoding="utf-8", errors="replace")) & seed_grams
        if shared:
            copied.append(f"{path.relative_to(REPO_ROOT)}: {' '.join(sorted(shared)[0])}")
    assert not copied, "text copied from a seed document:\n" + "\n".join(copied)
