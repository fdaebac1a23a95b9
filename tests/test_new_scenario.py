"""Starting a case from documents: `stratagem new`, drafting a scenario without stances, accepting drafts.

The texts here were written for these tests (the events in them are invented).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from stratagem.analysis.forecast import forecast
from stratagem.evidence.draft import Citation, DraftStance
from stratagem.evidence.skeleton import Cast, CastMember
from stratagem.model.errors import ScenarioError
from stratagem.model.io import load_yaml, parse_yaml
from stratagem.model.schema import Scenario
from stratagem.model.yaml_edit import append_entries, spliced_or_none
from stratagem.store.drafting import accept_into_file, accept_into_version, new_skeleton
from stratagem.store.workspace import Workspace
from tests.conftest import CliResult

Run = Callable[..., CliResult]

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"  # the walkthrough's invented texts
MAY = (EXAMPLES / "gas-talks-may.txt").read_text(encoding="utf-8")
JUNE = (EXAMPLES / "gas-talks-june.txt").read_text(encoding="utf-8")
LATER = (
    "After the deal\n\n"
    "BAGHDAD, September 2, 2030 - The Iraqi government said the imports of Iranian gas will stop and end. "
    "Iran said the imports must stop and end.\n"
)

ISSUE = """\
  - id: gas-imports
    name: "Iraqi imports of Iranian gas"
    anchors:
      - value: 0
        label: "imports stop and end at once"
      - value: 100
        label: "imports keep going for many years"
    status_quo: 90
"""


def _workspace(tmp_path: Path, *, later: bool = False) -> Path:
    db = tmp_path / "w.db"
    with Workspace(db) as ws:
        for name, text in (("may", MAY), ("june", JUNE), *((("later", LATER),) if later else ())):
            path = tmp_path / f"{name}.txt"
            path.write_text(text, encoding="utf-8")
            ws.ingest_file(path)
    return db


def _fill_issue(text: str) -> str:
    """The analyst's edit: the placeholder issue replaced by a real one (everything else kept)."""
    start = text.index("  - id: issue-1")
    end = text.index("\n# stances:")
    return text[:start] + ISSUE + text[end:]


def _skeleton(tmp_path: Path, run_cli: Run, *extra: str) -> Path:
    db = _workspace(tmp_path, later="--as-of" in extra)
    out = tmp_path / "gas.yaml"
    result = run_cli("new", "gas", "--workspace", str(db), "-o", str(out), *extra)
    assert result.code == 0, result.err
    return out


def test_new_lists_the_actors_found_with_counts_and_documents(tmp_path: Path, run_cli: Run) -> None:
    out = _skeleton(tmp_path, run_cli)
    text = out.read_text(encoding="utf-8")
    sc = load_yaml(out)  # loads as written, with a placeholder issue and no stances
    ids = [a.id for a in sc.actors]
    assert {"us", "iraq_government", "iran"} <= set(ids)
    assert sc.stances == () and [i.id for i in sc.issues] == ["issue-1"] and len(sc.issues[0].anchors) == 3
    # each actor entry is preceded by a comment saying how often and where it is mentioned
    counts = {actor: int(n) for n, actor in re.findall(r"  # (\d+) mentions? in \d+ documents?: .*\n  - id: (\S+)",
                                                          text)}
    assert set(counts) == set(ids)
    assert counts["us"] == 2 and counts["iraq_government"] == 3  # "United States" once in each; May: 3 times
    us_comment = re.search(r"  # (.*)\n  - id: us\n", text)
    assert us_comment is not None and "june (1)" in us_comment.group(1) and "may (1)" in us_comment.group(1)
    assert ids == sorted(ids, key=lambda a: -counts[a]) and ids[0] in {"us", "iraq_government"}
    assert {d.id for d in sc.documents} == {"may", "june"}
    # every top-level field is explained in a comment
    for field in ("id", "name", "description", "as_of", "actors", "issues", "stances", "evidence", "documents",
                  "shocks", "outcomes", "notes", "uncertainty"):
        assert re.search(rf"^#\s+{field}:", text, re.M), field


def test_skeleton_loads_after_filling_and_drafts_with_zero_stances(tmp_path: Path, run_cli: Run) -> None:
    out = _skeleton(tmp_path, run_cli)
    out.write_text(_fill_issue(out.read_text(encoding="utf-8")), encoding="utf-8")
    sc = load_yaml(out)
    assert sc.stances == () and sc.issues_without_stances() == ["gas-imports"]
    checked = run_cli("validate", str(out))
    assert checked.code == 0 and "work in progress: issue 'gas-imports' has no stances yet" in checked.out
    drafted = run_cli("draft", str(out), "--workspace", str(tmp_path / "w.db"), "--json")
    assert drafted.code == 0, drafted.err
    assert "us" in drafted.out and "gas.us.gas-imports" in drafted.out
    fc = run_cli("forecast", str(out))
    assert fc.code == 2 and fc.out == ""
    line = fc.err.strip()
    assert "\n" not in line and "cannot be forecast yet: issue 'gas-imports' has no stances" in line
    assert "Traceback" not in fc.err
    with pytest.raises(ScenarioError, match="no stances"):
        forecast(sc, "compromise")


def test_accept_into_file_keeps_evidence_ids_comments_and_validates(tmp_path: Path, run_cli: Run) -> None:
    out = _skeleton(tmp_path, run_cli)
    db = tmp_path / "w.db"
    out.write_text(_fill_issue(out.read_text(encoding="utf-8")), encoding="utf-8")
    assert run_cli("draft", str(out), "--workspace", str(db)).code == 0
    with Workspace(db) as ws:
        drafts = {d.id: d for d in ws.drafts("gas")}
    chosen = [d.id for d in drafts.values() if d.suggested_position is not None][:2]  # drafts that lean
    assert len(chosen) == 2 and "gas.iraq_government.gas-imports" in chosen
    result = run_cli("draft", str(out), "--workspace", str(db), *[a for c in chosen for a in ("--accept", c)],
                     "--write")
    assert result.code == 0, result.err
    assert "accepted 2 drafts" in result.out and "2 stances added" in result.out
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Scenario skeleton written by `stratagem new gas`")  # comments kept
    assert "# stances: each actor's position" in text
    sc = load_yaml(out)
    assert run_cli("validate", str(out)).code == 0
    with Workspace(db) as ws:
        stored = {r.id: r for r in ws.evidence()}
        linked = {r.id for r in ws.evidence(scenario="gas")}
        statuses = {d.id: d.status for d in ws.drafts("gas")}
    records = sc.evidence_by_id()
    for draft_id in chosen:
        draft = drafts[draft_id]
        stance = next(s for s in sc.stances if (s.actor, s.issue) == (draft.actor, draft.issue))
        ids = tuple(c.evidence_id for c in draft.citations)
        assert stance.evidence == ids and ids  # the stance cites the draft's records, by their workspace ids
        assert stance.position == draft.suggested_position and stance.position_range is not None
        assert draft.suggested_range == (stance.position_range.low, stance.position_range.high)
        assert stance.salience == 50 and stance.salience_range is not None
        for c in draft.citations:
            assert c.evidence_id in stored and c.evidence_id in linked  # same id in the workspace, linked
            record = records[c.evidence_id]
            assert (record.document, record.start, record.end) == (c.document, c.start, c.end)
            assert record.text == c.text == stored[c.evidence_id].text
        assert statuses[draft_id] == "accepted"
    assert {d.id for d in sc.documents} >= {r.document for r in sc.evidence}
    fc = run_cli("forecast", str(out), "--engine", "compromise", "--json")
    assert fc.code == 0, fc.err


def test_accept_into_version_keeps_evidence_ids(tmp_path: Path) -> None:
    db = _workspace(tmp_path)
    with Workspace(db) as ws:
        skeleton = new_skeleton(ws, "gas")
        sc = parse_yaml(_fill_issue(skeleton.text))
        version = ws.save_scenario_version(sc, note="from new")
        drafts = ws.draft_scenario(sc)
        us = next(d for d in drafts if d.suggested_position is not None)
        result = accept_into_version(ws, "gas", [us.id])
        assert result.version == version + 1
        stored = ws.load_scenario_version("gas", result.version)
        assert stored is not None
        stance = next(s for s in stored.stances if s.actor == us.actor)
        assert stance.evidence == tuple(c.evidence_id for c in us.citations)
        assert set(stance.evidence) <= set(stored.evidence_by_id()) <= {r.id for r in ws.evidence()}
        assert ws.drafts("gas", status="accepted")[0].id == us.id
        # the version before stays as it was (append-only)
        before = ws.load_scenario_version("gas", version)
        assert before is not None and before.stances == ()


def test_accept_into_file_rewrites_when_a_stance_exists_and_keeps_its_numbers(tmp_path: Path) -> None:
    db = _workspace(tmp_path)
    path = tmp_path / "s.yaml"
    with Workspace(db) as ws:
        base = parse_yaml(_fill_issue(new_skeleton(ws, "gas").text))
        data = base.model_dump(mode="json")
        data["stances"] = [{"actor": "iraq_government", "issue": "gas-imports", "position": 10, "salience": 80}]
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        sc = load_yaml(path)
        us = next(d for d in ws.draft_scenario(sc) if d.actor == "iraq_government")
        result = accept_into_file(ws, path, [us.id])
    assert not result.kept_comments and len(result.accepted.updated_stances) == 1
    after = load_yaml(path)
    stance = after.stances[0]
    assert (stance.position, stance.salience) == (10, 80)  # the analyst's numbers stay
    assert stance.evidence == tuple(c.evidence_id for c in us.citations)


def test_new_refuses_to_overwrite_unless_forced(tmp_path: Path, run_cli: Run) -> None:
    out = _skeleton(tmp_path, run_cli)
    out.write_text("# my edits\n" + out.read_text(encoding="utf-8"), encoding="utf-8")
    before = out.read_bytes()
    again = run_cli("new", "gas", "--workspace", str(tmp_path / "w.db"), "-o", str(out))
    assert again.code == 2 and "already exists; use --force" in again.err and str(out) in again.err
    assert out.read_bytes() == before
    forced = run_cli("new", "gas", "--workspace", str(tmp_path / "w.db"), "-o", str(out), "--force")
    assert forced.code == 0 and not out.read_text(encoding="utf-8").startswith("# my edits")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".gas.yaml")] == []  # no temp file left


def test_new_is_deterministic_and_prints_without_output(tmp_path: Path, run_cli: Run) -> None:
    db = _workspace(tmp_path)
    first = run_cli("new", "gas", "--workspace", str(db))
    second = run_cli("new", "gas", "--workspace", str(db))
    assert first.code == 0 and first.out == second.out and first.out.startswith("# Scenario skeleton")
    parse_yaml(first.out)


def test_new_leaves_out_documents_after_as_of_and_says_so(tmp_path: Path, run_cli: Run) -> None:
    out = _skeleton(tmp_path, run_cli, "--as-of", "2030-06-30")
    sc = load_yaml(out)
    assert {d.id for d in sc.documents} == {"may", "june"}
    text = out.read_text(encoding="utf-8")
    assert "1 more dated after as_of 2030-06-30 left out" in text and str(sc.as_of) == "2030-06-30"
    counts = dict((a, int(n)) for n, a in re.findall(r"  # (\d+) mentions? in .*\n  - id: (\S+)", text))
    assert counts["iraq_government"] == 3  # the September mention is not counted
    later = tmp_path / "all.yaml"
    both = run_cli("new", "gas", "--workspace", str(tmp_path / "w.db"), "--as-of", "2030-06-30",
                   "--include-after-as-of", "-o", str(later))
    assert both.code == 0 and {d.id for d in load_yaml(later).documents} == {"may", "june", "later"}


@pytest.mark.parametrize(("args", "message"), [
    (("new", "bad id!", "--workspace", "{db}"), "is not a scenario id"),
    (("new", "gas", "--workspace", "{tmp}/missing.db"), "no workspace here"),
    (("new", "gas", "--workspace", "{empty}"), "no documents in this workspace"),
    (("new", "gas", "--workspace", "{db}", "--issues", "0"), "a scenario has 1 to 50 issues"),
    (("new", "gas", "--workspace", "{db}", "--as-of", "June"), "'June' is not a date"),
    (("new", "gas", "--workspace", "{db}", "--include-after-as-of"), "needs --as-of"),
    (("new", "gas", "--workspace", "{db}", "-o", "{tmp}/nowhere/s.yaml"), "directory does not exist"),
    (("draft", "{scenario}", "--workspace", "{db}", "--write"), "--write needs --accept"),
    (("draft", "{scenario}", "--workspace", "{db}", "--accept", "gas.nobody.gas-imports", "--write"),
     "no draft 'gas.nobody.gas-imports' for scenario 'gas'"),
    (("draft", "us-iraq-2020", "--workspace", "{db}", "--accept", "x", "--write"), "--write needs a .yaml file"),
    (("draft", "{scenario}", "--workspace", "{db}", "--accept", "gas.us.gas-imports", "--write",
      "--salience", "120"), "120"),
])
def test_bad_inputs_get_one_line_errors_and_exit_2(tmp_path: Path, run_cli: Run, args: tuple[str, ...],
                                                    message: str) -> None:
    db = _workspace(tmp_path)
    empty = tmp_path / "empty.db"
    Workspace(empty).close()
    scenario = tmp_path / "gas.yaml"
    with Workspace(db) as ws:
        scenario.write_text(_fill_issue(new_skeleton(ws, "gas").text), encoding="utf-8")
        ws.draft_scenario(load_yaml(scenario))
    before = scenario.read_bytes()
    filled = [a.format(db=db, tmp=tmp_path, empty=empty, scenario=scenario) for a in args]
    result = run_cli(*filled)
    assert result.code == 2, (result.out, result.err)
    assert message in result.err and result.err.count("\n") == 1 and "Traceback" not in result.err
    assert scenario.read_bytes() == before  # nothing half-written


# -- the YAML splice on its own ------------------------------------------------------
TEXT = """\
# my notes
id: s  # keep me
name: S
actors:
  - {id: a, name: A, capability: 1}
issues:
  - id: i
    name: I
stances: []   # none yet
evidence:
  - id: e1
    document: d
    start: 0
    end: 3
# after the evidence
notes: end
"""


def test_splice_appends_items_and_keeps_every_comment() -> None:
    stance = {"actor": "a", "issue": "i", "position": 30.0, "salience": 50.0,
              "position_range": {"low": 20.0, "high": 40.0}, "evidence": ["e2"]}
    ev = {"id": "e2", "document": "d", "start": 4, "end": 9, "text": "words"}
    out = append_entries(TEXT, {"stances": [stance], "evidence": [ev], "documents": [{"id": "d"}]})
    assert out is not None
    for line in ("# my notes", "id: s  # keep me", "stances: # none yet", "# after the evidence", "notes: end"):
        assert line in out
    assert "position_range: [20.0, 40.0]" in out and "evidence: [e2]" in out
    sc = parse_yaml(out)
    assert [e.id for e in sc.evidence] == ["e1", "e2"] and sc.stances[0].evidence == ("e2",)
    assert [d.id for d in sc.documents] == ["d"] and sc.notes == "end"
    assert out.index("id: e2") < out.index("# after the evidence")


def test_splice_gives_up_on_shapes_it_cannot_edit_safely() -> None:
    flow = TEXT.replace("stances: []   # none yet", "stances: [{actor: a, issue: i, position: 1, salience: 1}]")
    assert append_entries(flow, {"stances": [{"actor": "a", "issue": "i", "position": 2.0, "salience": 1.0}]}) is None
    expected = Scenario.model_validate({**parse_yaml(TEXT).model_dump(), "notes": "changed"})
    assert spliced_or_none(TEXT, {"documents": [{"id": "d"}]}, expected) is None  # loads, but not as expected


def test_a_scenario_without_stances_validates_and_drafts_nothing_odd(tmp_path: Path) -> None:
    sc = Scenario.model_validate({"id": "s", "name": "S", "actors": [{"id": "a", "name": "A", "capability": 1}],
                                  "issues": [{"id": "i", "name": "I", "anchors": [
                                      {"value": 0, "label": "none"}, {"value": 100, "label": "all"}]}]})
    assert sc.issues_without_stances() == ["i"]
    draft = DraftStance(id="s.a.i", scenario="s", actor="a", issue="i", direction="toward_0", confidence=0.5,
                        agreement=1.0, suggested_position=25.0, suggested_range=(12.5, 37.5), current_position=None,
                        agrees_with_current=None,
                        citations=(Citation("d.c0-5.i", "d", 0, 5, "claim", "toward_0", 0.4, "words", new=True),))
    from stratagem.evidence.accept import accept_drafts

    accepted = accept_drafts(sc, [draft], {})
    assert accepted.scenario.issues_without_stances() == []
    assert accepted.scenario.evidence[0].id == "d.c0-5.i" and accepted.scenario.evidence[0].text == "words"
    assert [d.id for d in accepted.scenario.documents] == ["d"]


def test_a_draft_that_leans_neither_way_cannot_be_accepted_without_a_stance() -> None:
    from stratagem.evidence.accept import accept_drafts

    sc = Scenario.model_validate({"id": "s", "name": "S", "actors": [{"id": "a", "name": "A", "capability": 1}],
                                  "issues": [{"id": "i", "name": "I"}]})
    draft = DraftStance(id="s.a.i", scenario="s", actor="a", issue="i", direction="none", confidence=0.0,
                        agreement=0.5, suggested_position=None, suggested_range=None, current_position=None,
                        agrees_with_current=None)
    with pytest.raises(ScenarioError, match="leans neither way"):
        accept_drafts(sc, [draft], {})
    other = DraftStance(id="t.a.i", scenario="t", actor="a", issue="i", direction="toward_0", confidence=0.5,
                        agreement=1.0, suggested_position=25.0, suggested_range=(10.0, 40.0), current_position=None,
                        agrees_with_current=None)
    with pytest.raises(ScenarioError, match="belongs to scenario 't'"):
        accept_drafts(sc, [other], {})


def test_write_into_a_stored_version_from_the_cli_saves_the_next_version(tmp_path: Path, run_cli: Run) -> None:
    db = _workspace(tmp_path)
    with Workspace(db) as ws:
        ws.save_scenario_version(parse_yaml(_fill_issue(new_skeleton(ws, "gas").text)), note="from new")
    assert run_cli("draft", "gas@1", "--workspace", str(db)).code == 0
    with Workspace(db) as ws:
        leaning = next(d for d in ws.drafts("gas") if d.suggested_position is not None)
    result = run_cli("draft", "gas@1", "--workspace", str(db), "--accept", leaning.id, "--write")
    assert result.code == 0, result.err
    assert "scenario 'gas' version 2" in result.out
    with Workspace(db) as ws:
        v2 = ws.load_scenario_version("gas", 2)
        assert [v.parent for v in ws.scenario_versions("gas")] == [None, 1]
    assert v2 is not None and v2.stances[0].evidence == tuple(c.evidence_id for c in leaning.citations)
    shown = run_cli("validate", "gas@2", "--workspace", str(db))
    assert shown.code == 0 and "1 stances" in shown.out


NEW_CASE = (
    "Talks between the National Union of Rail Workers and the operators broke down on Monday.\n\n"
    "\"This offer is an insult,\" said NURW general secretary Dev Okafor. The National Union of Rail Workers "
    "will strike on Thursday.\n\n"
    "The Special Representative of the OSCE, Mr. Tomas Berglund, met both sides. \"Dialogue is the only "
    "path,\" Mr. Berglund said. Transport Secretary Helen Marsh visited Leeds."
)


def test_a_new_case_casts_the_people_and_organisations_found_beyond_the_gazetteer() -> None:
    from stratagem.evidence.extract import evidence_records, extract
    from stratagem.evidence.gazetteer import load_gazetteer
    from stratagem.evidence.skeleton import find_cast

    gaz = load_gazetteer()
    extraction = extract(NEW_CASE, gazetteer=gaz)
    records = [r.model_copy(update={"document": "rail"}) for r in evidence_records(extraction, NEW_CASE)]
    cast = find_cast({"rail": NEW_CASE}, records, gaz)
    members = {m.name: m for m in cast.members}
    union = members["National Union of Rail Workers"]
    assert union.kind == "organisation" and not union.known and union.mentions >= 2
    # quotes by a described or titled speaker are credited to the person the phrase names
    assert members["Dev Okafor"].quotes == 1 and members["Dev Okafor"].kind == "person"
    assert members["Tomas Berglund"].quotes == 1  # "Mr. Berglund said"
    assert not any(s.name in {"Mr. Berglund", "NURW general secretary Dev Okafor"} for s in cast.speakers)
    # named once and never quoted: listed apart, not cast
    assert "Helen Marsh" not in members and "Helen Marsh" in cast.named_once


def _cast(texts: dict[str, str]) -> Cast:
    """The cast `stratagem new` finds in documents extracted as `ingest` does."""
    from stratagem.evidence.extract import evidence_records, extract
    from stratagem.evidence.gazetteer import load_gazetteer
    from stratagem.evidence.skeleton import find_cast

    gaz = load_gazetteer()
    records = []
    for doc, text in texts.items():
        records += [r.model_copy(update={"document": doc}) for r in evidence_records(extract(text, gazetteer=gaz), text)]
    return find_cast(texts, records, gaz)


def test_a_case_casts_one_actor_for_the_forms_its_documents_use() -> None:
    """Three documents of one case: the wire story names Tomas Achterberg and the Rottervale Port
    Authority in full, the commentary "Achterberg" and "the Port Authority", the transcript labels
    VOLLAN, whom only the wire story names in full. Each person and organisation is cast once, with
    the short forms as aliases, and the transcript's quotes are his."""
    texts = {
        "wire": ("Dock talks stall\n\nTalks between the dockers and the Rottervale Port Authority broke down on "
                 "Tuesday. \"We came to negotiate, not to sign our own redundancy notices,\" said union president "
                 "Tomas Achterberg. Transport Minister Jens Vollan urged both sides to return to the table, and "
                 "the Rottervale Port Authority said it was ready."),
        "comment": ("What the dock dispute is about\n\nAchterberg told a rally on Wednesday that the union would "
                    "accept machines but not unemployment. The Port Authority has offered retraining. \"A deal "
                    "is there,\" Achterberg said. The Port Authority did not reply."),
        "radio": ("The minister on the radio\n\nHOST: Minister, will you step in?\n\nVOLLAN: We will not "
                  "legislate a strike away, but we will pay for retraining.\n\nHOST: And the union?\n\n"
                  "VOLLAN: Both sides need to move before Monday."),
    }
    cast = _cast(texts)
    members = {m.name: m for m in cast.members}
    assert "Achterberg" not in members and "Port Authority" not in members and "Vollan" not in members
    assert "Achterberg" in members["Tomas Achterberg"].surfaces and members["Tomas Achterberg"].quotes == 3  # one in the wire story, two in the comment
    assert "Port Authority" in members["Rottervale Port Authority"].surfaces
    assert members["Jens Vollan"].quotes == 3  # "urged" in the wire story and the two "VOLLAN:" lines
    assert not any(s.name == "Vollan" for s in cast.speakers)


def _cast_of(texts: dict[str, str]) -> dict[str, CastMember]:
    return {m.name: m for m in _cast(texts).members}


def test_two_bodies_one_document_names_side_by_side_stay_two_actors() -> None:
    members = _cast_of({"un": (
        "Council news\n\nThe Security Council met on Friday. \"We call for calm,\" the Security Council said. The "
        "National Security Council in Washington declined to comment, and the National Security Council later "
        "issued a note.")})
    assert {"Security Council", "National Security Council"} <= set(members)


def test_a_shorter_name_in_a_document_sharing_nobody_else_is_not_merged() -> None:
    """A "Supreme Court" story and an "Arkansas Supreme Court" story name no one else in common."""
    members = _cast_of({
        "a": ("Map ruling\n\nThe Supreme Court struck down the map on Monday. The Supreme Court said the lines "
              "were drawn by race."),
        "b": ("State ruling\n\nThe Arkansas Supreme Court had upheld the map in March. The Arkansas Supreme Court "
              "said the lines were lawful."),
    })
    assert {"Supreme Court", "Arkansas Supreme Court"} <= set(members)
    assert "Supreme Court" not in members["Arkansas Supreme Court"].surfaces


def test_a_state_found_beyond_the_gazetteer_is_cast_with_the_state_kind() -> None:
    from stratagem.evidence.gazetteer import load_gazetteer
    from stratagem.evidence.skeleton import find_cast

    text = ("Mexico said on Monday that it would not pay for the levee. Talks with Guatemala stalled, and "
            "Mexico will ask Kinshasa to mediate. Kinshasa would not accept. The Plurinational State of Bolivia "
            "said no, and the Plurinational State of Bolivia left. The Lakeside Water Board said the levee was late, "
            "and the Lakeside Water Board asked for funds.")
    cast = find_cast({"levee": text}, [], load_gazetteer())
    members = {m.name: m for m in cast.members}
    assert members["Mexico"].kind == "state" and members["Congo"].kind == "state"
    assert members["Plurinational State of Bolivia"].kind == "state"
    assert members["Lakeside Water Board"].kind == "organisation"
