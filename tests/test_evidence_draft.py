"""Drafted stances: the pure drafting function and the workspace API the web app uses.

The texts here were written for these tests (not taken from the seeds).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stratagem.evidence.draft import DraftStance, draft_stances
from stratagem.model.schema import Scenario
from stratagem.store.workspace import Workspace, WorkspaceError

SCENARIO = Scenario.model_validate({
    "id": "toy",
    "name": "Toy troop talks",
    "actors": [
        {"id": "us", "name": "United States", "kind": "state", "aliases": ["Washington"], "capability": 10},
        {"id": "kh", "name": "Kata'ib Hezbollah", "kind": "militia", "aliases": ["KH"], "capability": 3},
        {"id": "pm", "name": "Iraqi prime minister", "kind": "government", "aliases": ["Sudani"], "capability": 5},
    ],
    "issues": [{
        "id": "troops", "name": "U.S. troop presence in Iraq", "status_quo": 60,
        "anchors": [
            {"value": 0, "label": "complete and immediate withdrawal of all U.S. troops"},
            {"value": 100, "label": "U.S. troops stay indefinitely with permanent bases retained"},
        ],
    }],
    "stances": [{"actor": "us", "issue": "troops", "position": 80, "salience": 70}],
})

TEXT = (
    "Militia pressure grows\n\n"
    "Kata'ib Hezbollah again demanded the complete and immediate withdrawal of all U.S. troops from the country. "
    "The group's statement set no deadline. "
    "Washington wants its troops to stay indefinitely and has asked to keep permanent bases in the west.\n"
)


def _workspace(tmp_path: Path) -> Workspace:
    src = tmp_path / "note.txt"
    src.write_text(TEXT, encoding="utf-8")
    ws = Workspace(tmp_path / "w.db")
    ws.ingest_file(src)
    return ws


def test_drafts_propose_directions_with_citations_that_resolve(tmp_path: Path) -> None:
    with _workspace(tmp_path) as ws:
        drafts = draft_stances(SCENARIO, ws.evidence(), ws.document_texts())
        by_pair = {(d.actor, d.issue): d for d in drafts}
        kh = by_pair[("kh", "troops")]
        assert kh.direction == "toward_0" and 0 < kh.confidence <= 1
        assert kh.suggested_position is not None and kh.suggested_position < 50  # no stance in the scenario
        assert kh.suggested_range is not None and kh.suggested_range[0] <= kh.suggested_position
        us = by_pair[("us", "troops")]
        assert us.direction == "toward_100" and us.suggested_position is None
        assert us.current_position == 80 and us.agrees_with_current is True
        doc = ws.documents()[0]
        for d in drafts:
            for c in d.citations:
                assert doc.cleaned[c.start : c.end] == c.text
        assert kh.citations[0].kind == "quote" and "immediate withdrawal" in kh.citations[0].text  # reported speech


def test_save_list_decide_and_redraft_keeps_decisions(tmp_path: Path) -> None:
    with _workspace(tmp_path) as ws:
        drafts = ws.draft_scenario(SCENARIO)
        assert [d.status for d in drafts] == ["proposed"] * len(drafts)
        assert ws.drafts("toy") == drafts
        kh = next(d for d in drafts if d.actor == "kh")
        decided = ws.decide_draft(kh.id, accepted=True)
        assert decided.status == "accepted" and decided.decided_at
        cited = {e.id for e in ws.evidence(scenario="toy")}
        assert {c.evidence_id for c in kh.citations} <= cited  # every citation resolves and is linked
        again = ws.draft_scenario(SCENARIO)  # re-drafting keeps the analyst's decision
        assert next(d for d in again if d.id == kh.id).status == "accepted"
        assert [d.id for d in ws.drafts("toy", status="accepted")] == [kh.id]
        ws.decide_draft(kh.id, accepted=False)
        assert ws.evidence(scenario="toy") == []
        assert ws.drafts("toy", status="rejected")[0].id == kh.id
        with pytest.raises(WorkspaceError, match="no draft"):
            ws.decide_draft("toy.nobody.troops", accepted=True)


def test_a_draft_round_trips_through_its_dict_and_becomes_a_stance(tmp_path: Path) -> None:
    with _workspace(tmp_path) as ws:
        drafts = ws.draft_scenario(SCENARIO, save=False)
    for d in drafts:
        assert DraftStance.from_dict(d.to_dict()) == d
    stance = next(d for d in drafts if d.actor == "kh").to_stance(salience=80)
    assert stance.actor == "kh" and stance.position < 50 and stance.evidence
