"""The gold actor annotations (tests/data/actors_gold/) are well formed, and the scorer counts right.

The gold holds offsets and labels only. The PolNeAR texts are read at run time from
../shared/corpora/polnear/dev/text (or $STRATAGEM_POLNEAR); the tests that need them skip when
they are absent. The own texts are in tests/data/evidence_own.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from pathlib import Path

import pytest

from stratagem.evidence.actor_score import (
    ActorEntity,
    GoldDocument,
    gazetteer_alias_spans,
    parse_gold,
    score_document,
    system_entities,
)
from stratagem.evidence.errors import EvidenceError
from stratagem.evidence.gazetteer import default_gazetteer

DATA = Path(__file__).parent / "data"
GOLD = DATA / "actors_gold"
REPO = Path(__file__).resolve().parents[1]


def _polnear_text_dir() -> Path | None:
    candidates = [Path(os.environ["STRATAGEM_POLNEAR"])] if os.environ.get("STRATAGEM_POLNEAR") else []
    candidates += [REPO / ".." / "shared" / "corpora" / "polnear", Path.cwd() / ".." / "shared" / "corpora" / "polnear"]
    for c in candidates:
        if (c / "dev" / "text").is_dir():
            return (c / "dev" / "text").resolve()
    return None


def _load(name: str) -> list[GoldDocument]:
    path = GOLD / name
    return parse_gold(path.read_text(encoding="utf-8").splitlines(), str(path))


def _check_document(doc: GoldDocument, path: Path) -> None:
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == doc.sha256, f"{doc.document}: sha256 differs"
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    ids = [e.id for e in doc.entities]
    assert len(ids) == len(set(ids)), f"{doc.document}: duplicate entity ids"
    spans: list[tuple[int, int]] = []
    for e in doc.entities:
        assert e.name.strip() and len(e.name) <= 80, f"{doc.document}: bad entity name {e.name!r}"
        assert list(e.mentions) == sorted(e.mentions), f"{doc.document}: {e.id} mentions not in text order"
        for a, b in e.mentions:
            assert 0 <= a < b <= len(text), f"{doc.document}: {e.id} span {a}-{b} out of range"
            surface = text[a:b]
            assert surface.strip() == surface, f"{doc.document}: {e.id} span {a}-{b} has outer spaces"
            assert a == 0 or not text[a - 1].isalnum(), f"{doc.document}: {e.id} span {a}-{b} cuts a word"
            assert b == len(text) or not text[b].isalnum(), f"{doc.document}: {e.id} span {a}-{b} cuts a word"
            spans.append((a, b))
    spans.sort()
    for (a1, b1), (a2, b2) in itertools.pairwise(spans):
        assert b1 <= a2, f"{doc.document}: spans {a1}-{b1} and {a2}-{b2} overlap"


def test_own_gold_matches_the_own_texts() -> None:
    docs = _load("evidence_own.jsonl")
    assert sorted(d.document for d in docs) == sorted(p.name for p in (DATA / "evidence_own").glob("*.txt"))
    for doc in docs:
        _check_document(doc, DATA / "evidence_own" / doc.document)


def test_second_own_gold_matches_its_texts() -> None:
    path = DATA / "actors_own.jsonl"
    docs = parse_gold(path.read_text(encoding="utf-8").splitlines(), str(path))
    assert sorted(d.document for d in docs) == sorted(p.name for p in (DATA / "actors_own").glob("*.txt"))
    for doc in docs:
        _check_document(doc, DATA / "actors_own" / doc.document)


def test_polnear_gold_matches_the_shared_dev_texts() -> None:
    text_dir = _polnear_text_dir()
    if text_dir is None:
        pytest.skip("PolNeAR dev texts not found (../shared/corpora/polnear/dev/text or $STRATAGEM_POLNEAR)")
    docs = _load("polnear_dev.jsonl")
    names = [d.document for d in docs]
    assert len(names) == 30 and len(set(names)) == 30
    assert len({n.split("_")[0] for n in names}) == 7  # every publisher
    for doc in docs:
        path = text_dir / doc.document
        assert path.is_file(), f"{doc.document} is not a dev article"
        _check_document(doc, path)


def test_gold_kinds_and_sizes() -> None:
    docs = _load("polnear_dev.jsonl") + _load("evidence_own.jsonl")
    kinds = {e.kind for d in docs for e in d.entities}
    assert kinds == {"person", "organisation"}
    assert sum(len(d.entities) for d in docs) > 400
    assert all(d.entities for d in docs)


# -- the scorer ---------------------------------------------------------------

def _e(name: str, kind: str, *spans: tuple[int, int]) -> ActorEntity:
    return ActorEntity(name=name, kind=kind, mentions=tuple(spans))


GOLD_ENTITIES = (
    _e("Pat Ryder", "person", (0, 9), (40, 45)),
    _e("Pentagon", "organisation", (20, 28)),
    _e("Lina Okafor", "person", (60, 71)),
)


def test_perfect_system_scores_one() -> None:
    s = score_document(GOLD_ENTITIES, list(GOLD_ENTITIES))
    for c in (s.entities, s.mentions):
        assert (c.precision, c.recall, c.f1) == (1.0, 1.0, 1.0)
    assert s.kind_agree == 3


def test_a_merged_system_entity_matches_only_one_gold_entity() -> None:
    merged = _e("Ryder/Okafor", "person", (0, 9), (40, 45), (60, 71))
    s = score_document(GOLD_ENTITIES, [merged])
    assert (s.entities.matched_gold, s.entities.gold) == (1, 3)
    assert (s.entities.matched_system, s.entities.system) == (1, 1)
    assert s.mentions.matched_gold == 3  # mention level does not look at linking


def test_partial_overlap_counts_and_extra_mentions_are_false_positives() -> None:
    system = [_e("Ryder", "person", (3, 9)), _e("Washington", "organisation", (80, 90))]
    s = score_document(GOLD_ENTITIES, system)
    assert (s.entities.matched_system, s.entities.system, s.entities.matched_gold) == (1, 2, 1)
    assert s.entities.precision == 0.5 and s.entities.recall == pytest.approx(1 / 3)
    assert (s.mentions.matched_system, s.mentions.system, s.mentions.matched_gold, s.mentions.gold) == (1, 2, 1, 4)


def test_outside_gazetteer_split_uses_the_alias_spans() -> None:
    system = list(GOLD_ENTITIES[:2])
    s = score_document(GOLD_ENTITIES, system, gazetteer_spans=[(20, 28)])  # only the Pentagon is known
    assert (s.entities_outside.gold, s.entities_outside.matched_gold) == (2, 1)
    assert (s.entities_outside.system, s.entities_outside.matched_system) == (1, 1)
    assert (s.mentions_outside.gold, s.mentions_outside.matched_gold) == (3, 2)


def test_gazetteer_alias_spans_skip_demonyms() -> None:
    text = "Iranian officials met Iraq's prime minister."
    spans = gazetteer_alias_spans(text, default_gazetteer())
    assert [text[a:b] for a, b in spans] == ["Iraq"]


def test_system_entities_accepts_triples_and_objects() -> None:
    out = system_entities([("Pat Ryder", "person", [(40, 45), (0, 9)]), GOLD_ENTITIES[1]])
    assert out[0].mentions == ((0, 9), (40, 45)) and out[1].name == "Pentagon"


@pytest.mark.parametrize("line, reason", [
    ('{"document": "a.txt", "sha256": "x"}', "KeyError"),
    ('{"document": "a.txt", "sha256": "x", "entities": [{"id": "e1", "name": "A", "kind": "state", '
     '"mentions": [[0, 1]]}]}', "kind"),
    ('{"document": "a.txt", "sha256": "x", "entities": [{"id": "e1", "name": "A", "kind": "person", '
     '"mentions": [[3, 3]]}]}', "empty span"),
    ("not json", "JSONDecodeError"),
])
def test_bad_gold_lines_name_the_line(line: str, reason: str) -> None:
    with pytest.raises(EvidenceError) as info:
        parse_gold(["", line], "g.jsonl")
    assert str(info.value).startswith("g.jsonl:2: ") and reason in str(info.value)
