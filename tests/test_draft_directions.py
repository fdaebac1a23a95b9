"""Draft directions that abstain: how often they agree with the built-in scenarios' hand-set stances.

The agreement test reads the seed analyses at run time (stratagem.evidence.sources.document_dirs()) and
skips when they are absent. Run ``.venv/bin/python tests/test_draft_directions.py`` to print the figures
(docs/evidence.md quotes them).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from stratagem.evidence.draft import NO_DIRECTION, DraftStance, direction_terms, lean
from stratagem.evidence.sources import document_dirs
from stratagem.model.builtin import load_builtin
from stratagem.model.errors import ScenarioError
from stratagem.model.schema import Scenario
from stratagem.store.workspace import Workspace

SEEDS = [f"00{k}" for k in range(5)]
SCENARIOS = ("us-iraq-2020", "us-iraq-2024")

TOY = """\
id: toy
name: Toy troop talks
actors:
  - {id: us, name: United States, kind: state, aliases: [Washington], capability: 10}
  - {id: kh, name: Kata'ib Hezbollah, kind: militia, aliases: [KH], capability: 3}
issues:
  - id: troops
    name: U.S. troop presence in Iraq
    description: How many U.S. troops stay. Higher = a larger U.S. presence.
    status_quo: 60
    anchors:
      - {value: 0, label: complete and immediate withdrawal of all U.S. troops}
      - {value: 100, label: U.S. troops stay indefinitely with permanent bases retained}
stances:
  - {actor: us, issue: troops, position: 80, salience: 70}
"""
NOTE = ("Talks on troops\n\nKata'ib Hezbollah said that talk of a complete withdrawal or of permanent bases was "
        "premature. Washington said it will not allow a withdrawal of U.S. troops from Iraq. The weather in "
        "Baghdad was hot for the season. Markets were busy over the weekend. Officials also met to discuss "
        "electricity prices and road repairs.\n")


def _seed_files() -> list[Path]:
    for directory in document_dirs():
        found = sorted(p for p in directory.glob("*.txt") if p.name[:3] in SEEDS)
        if len(found) == len(SEEDS):
            return found
    pytest.skip(f"seed documents not found (looked in {document_dirs()}); set STRATAGEM_DOCUMENTS")


def agreement(workspace: Workspace) -> dict[str, tuple[int, int, int, int]]:
    """Per scenario: drafts agreeing with the hand-set stance, drafts with a direction that can be checked
    (a stance off the status quo), drafts with no direction, all drafts."""
    out = {}
    for sid in SCENARIOS:
        drafts = workspace.draft_scenario(load_builtin(sid), save=False)
        checked = [d for d in drafts if d.agrees_with_current is not None]
        out[sid] = (sum(bool(d.agrees_with_current) for d in checked), len(checked),
                    sum(d.direction == NO_DIRECTION for d in drafts), len(drafts))
    return out


@pytest.fixture(scope="module")
def seed_figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, int, int, int]]:
    files = _seed_files()
    with Workspace(tmp_path_factory.mktemp("seeds") / "w.db") as ws:
        for path in files:
            ws.ingest_file(path)
        return agreement(ws)


def test_directed_drafts_agree_with_the_hand_set_stances(seed_figures: dict[str, tuple[int, int, int, int]]) -> None:
    agree = sum(v[0] for v in seed_figures.values())
    checked = sum(v[1] for v in seed_figures.values())
    assert checked >= 8, f"too few drafts give a direction to measure: {seed_figures}"
    assert agree / checked >= 0.75, f"agreement {agree}/{checked}: {seed_figures}"
    for sid, (_, _, abstained, total) in seed_figures.items():
        assert 0 < abstained < total, f"{sid}: every draft or none abstains ({abstained} of {total})"


def test_negation_turns_a_term_around_and_labels_keep_their_own() -> None:
    sc = Scenario.model_validate({
        "id": "n", "name": "n",
        "actors": [{"id": "a", "name": "Alpha", "kind": "state", "capability": 1}],
        "issues": [{"id": "i", "name": "Troops", "description": "Higher = a larger presence.", "anchors": [
            {"value": 0, "label": "complete withdrawal"}, {"value": 100, "label": "troops stay with no end date"}]}],
    })
    cues = direction_terms(sc.issues[0], sc)
    assert lean("They demanded a complete withdrawal.", cues)[0] < 0
    assert lean("They will not allow a complete withdrawal.", cues)[0] > 0
    assert lean("They want no end date for the mission.", cues)[0] > 0  # negated as in its label
    assert lean("They want an end date for the mission.", cues)[0] < 0
    assert lean("They want the presence to grow.", cues)[0] > 0  # a change of what the scale measures


def _toy_drafts(tmp_path: Path, note: str) -> dict[str, DraftStance]:
    path = tmp_path / "note.txt"
    # unrelated sentences beside the one under test, so that it stands out as the one about the issue
    filler = (" The weather in Baghdad was hot for the season. Markets were busy over the weekend. Officials "
              "also met to discuss electricity prices and road repairs.")
    path.write_text("Troop talks\n\n" + note + filler + "\n", encoding="utf-8")
    with Workspace(tmp_path / "w.db") as ws:
        ws.ingest_file(path)
        sc = Scenario.model_validate_json(_toy_json_text(TOY))
        return {d.actor: d for d in ws.draft_scenario(sc, save=False)}


@pytest.mark.parametrize(("note", "direction"), [
    # the content alone leans toward 0; a cue of opposition turns it around for the speaker
    ("Kata'ib Hezbollah criticized the complete withdrawal of U.S. troops proposed by the envoy.", "toward_100"),
    ("Kata'ib Hezbollah demanded the complete withdrawal of U.S. troops from the country.", "toward_0"),
    ("Kata'ib Hezbollah refused to accept permanent bases for U.S. troops in the country.", "toward_0"),
    # a negation that opens the sentence, before the speaker, negates what the speaker wants
    ("Nor does Kata'ib Hezbollah want permanent bases for U.S. troops in the country.", "toward_0"),
])
def test_cues_of_opposition_and_a_leading_nor_turn_the_content_around(
        tmp_path: Path, note: str, direction: str) -> None:
    assert _toy_drafts(tmp_path, note)["kh"].direction == direction


def test_an_announced_noun_phrase_reports_an_action_not_a_position(tmp_path: Path) -> None:
    drafts = _toy_drafts(tmp_path, "Kata'ib Hezbollah announced a complete withdrawal of its fighters from the "
                                   "border posts and the U.S. troops' old bases.")
    assert drafts["kh"].direction == NO_DIRECTION
    (tmp_path / "b").mkdir()
    said = _toy_drafts(tmp_path / "b", "Kata'ib Hezbollah announced that it wants a complete withdrawal of U.S. troops.")
    assert said["kh"].direction == "toward_0"  # a clause after the same cue is the group's position


def test_an_attribution_in_a_condition_tells_no_position(tmp_path: Path) -> None:
    drafts = _toy_drafts(tmp_path, "The border posts would empty out if Kata'ib Hezbollah decides to demand the "
                                   "complete withdrawal of U.S. troops.")
    assert drafts["kh"].direction == NO_DIRECTION


def test_cli_shows_abstentions_as_no_direction(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    scenario = tmp_path / "toy.yaml"
    scenario.write_text(TOY, encoding="utf-8")
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    db = str(tmp_path / "w.db")
    assert run_cli("ingest", str(note), "--workspace", db).code == 0
    result = run_cli("draft", str(scenario), "--workspace", db, "--no-save")
    assert result.code == 0, result.err
    rows = {line.split("│")[1].strip(): line for line in result.out.splitlines() if line.count("│") > 5}
    assert "no direction" in rows["kh"]  # both ends named, neither wanted: no direction
    assert "toward 100" in rows["us"] and "agrees" in rows["us"]  # "will not allow a withdrawal"
    with Workspace(db) as ws:
        kh = next(d for d in ws.draft_scenario(Scenario.model_validate_json(_toy_json(scenario)), save=False)
                  if d.actor == "kh")
    assert kh.direction == NO_DIRECTION and kh.suggested_position is None and kh.confidence == 0.0
    with pytest.raises(ScenarioError, match="no direction"):
        kh.to_stance()
    assert DraftStance.from_dict(kh.to_dict()) == kh


def _toy_json(path: Path) -> str:
    return _toy_json_text(path.read_text(encoding="utf-8"))


def _toy_json_text(text: str) -> str:
    import json

    import yaml

    return json.dumps(yaml.safe_load(text))


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, Workspace(Path(tmp) / "w.db") as ws:
        for p in _seed_files():
            ws.ingest_file(p)
        for sid, (agree, checked, abstained, total) in agreement(ws).items():
            print(f"{sid}: {agree} of {checked} directed drafts agree; {abstained} of {total} drafts give no "
                  "direction", file=sys.stdout)
