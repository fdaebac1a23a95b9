"""Starting a scenario from a workspace and accepting drafts into files and workspace versions.

* :func:`new_skeleton` reads a workspace's documents and evidence (leaving out those
  dated after ``as_of`` unless asked) and returns the commented YAML skeleton of
  :mod:`stratagem.evidence.skeleton`; :func:`write_new_file` writes it without ever
  overwriting a file by accident.
* :func:`accept_into_file` and :func:`accept_into_version` accept stored drafts: the
  scenario gains their stances and evidence records (same ids as in the workspace),
  the workspace records the decision (:meth:`Workspace.decide_draft`), and the result
  is written atomically: a YAML file keeps its comments when the new entries can be
  spliced in (checked by loading the result), else it is rewritten from data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from stratagem.evidence.accept import DEFAULT_SALIENCE, Accepted, accept_drafts
from stratagem.evidence.asof import documents_as_of, evidence_as_of
from stratagem.evidence.draft import DraftStance
from stratagem.evidence.gazetteer import Gazetteer, load_gazetteer
from stratagem.evidence.skeleton import SCENARIO_ID, Cast, find_cast, skeleton_yaml
from stratagem.model.errors import ScenarioError
from stratagem.model.io import atomic_writer, parse_yaml, read_text, scenario_to_data, write_yaml
from stratagem.model.schema import Document, Evidence, Scenario
from stratagem.model.yaml_edit import spliced_or_none
from stratagem.store.workspace import StoredDocument, Workspace, WorkspaceError


@dataclass(frozen=True)
class Skeleton:
    """A scenario skeleton and what went into it."""

    text: str
    cast: Cast
    documents: tuple[Document, ...]
    left_out: int  # documents dated after as_of, not read
    as_of_message: str = ""  # what was left out (or included on purpose) after as_of, for the CLI


def _as_document(d: StoredDocument) -> Document:
    return Document(id=d.id, title=d.title, url=d.url, date=d.date, publisher=str(getattr(d, "publisher", "") or ""))


def new_skeleton(
    ws: Workspace,
    scenario_id: str,
    *,
    as_of: dt.date | None = None,
    include_later: bool = False,
    n_issues: int = 1,
    name: str | None = None,
    gazetteer: Gazetteer | None = None,
    workspace_label: str | None = None,
) -> Skeleton:
    """The skeleton YAML of scenario ``scenario_id`` from the documents of ``ws``.

    Raises ScenarioError for a bad id or issue count and WorkspaceError for an empty workspace.
    """
    if not SCENARIO_ID.match(scenario_id):
        raise ScenarioError(f"'{scenario_id}' is not a scenario id: use letters, digits, '.', '_' or '-', "
                            "starting with a letter or digit, at most 80 characters")
    if not 1 <= n_issues <= 50:
        raise ScenarioError(f"--issues {n_issues}: a scenario has 1 to 50 issues")
    stored = ws.documents()
    if not stored:
        raise WorkspaceError("no documents in this workspace (run `stratagem ingest FILES --workspace W` first)",
                             path=ws.path)
    # no hindsight, by the same rules as drafting and the evidence listings (stratagem.evidence.asof)
    split = documents_as_of(stored, as_of, include_after=include_later)
    usable = evidence_as_of(ws.evidence(), {d.id: d.date for d in stored}, as_of, include_after=include_later)
    texts = {d.id: d.cleaned for d in split.kept}
    records = [r for r in usable.kept if r.document in texts]
    cast = find_cast(texts, records, gazetteer or load_gazetteer())
    documents = tuple(_as_document(d) for d in split.kept)
    guessed = [d.id for d in split.kept if ws.date_source(d.id) == "text-latest"]
    n_events = 0 if include_later else len(usable.events_after)
    text = skeleton_yaml(scenario_id, cast=cast, documents=documents,
                         workspace=workspace_label or ws.path.name, as_of=as_of, left_out=len(split.left_out),
                         events_left_out=n_events, guessed_dates=guessed, n_issues=n_issues, name=name)
    parse_yaml(text, path=f"<skeleton {scenario_id}>")  # the promise: it loads as written
    return Skeleton(text, cast, documents, len(split.left_out), usable.message())


def write_new_file(path: str | Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` atomically; an existing file is an error unless ``force``."""
    target = Path(path)
    if target.is_dir():
        raise ScenarioError("is a directory", path=target)
    if target.exists() and not force:
        raise ScenarioError("already exists; use --force to overwrite it", path=target)
    with atomic_writer(target) as out:
        out.write(text)


# -- accepting drafts ----------------------------------------------------------------
@dataclass(frozen=True)
class AcceptResult:
    """Accepted drafts and where they went."""

    accepted: Accepted
    drafts: tuple[DraftStance, ...]
    kept_comments: bool = True  # False when a YAML file had to be rewritten from data
    version: int | None = None  # the new workspace version, when written there


def _chosen_drafts(ws: Workspace, scenario: Scenario, draft_ids: Sequence[str]) -> list[DraftStance]:
    if not draft_ids:
        raise ScenarioError("no draft to accept: give --accept DRAFT_ID")
    stored = {d.id: d for d in ws.drafts(scenario.id)}
    chosen: list[DraftStance] = []
    for draft_id in dict.fromkeys(draft_ids):
        if draft_id not in stored:
            hint = (f"its drafts are {scenario.id}.ACTOR.ISSUE, e.g. '{next(iter(stored))}'" if stored
                    else f"run `stratagem draft SCENARIO --workspace {ws.path.name}` first to propose drafts")
            raise WorkspaceError(f"no draft '{draft_id}' for scenario '{scenario.id}' ({hint})", path=ws.path)
        chosen.append(stored[draft_id])
    return chosen


def _accept(ws: Workspace, scenario: Scenario, draft_ids: Sequence[str], salience: float
            ) -> tuple[Accepted, list[DraftStance]]:
    drafts = _chosen_drafts(ws, scenario, draft_ids)
    wanted = {c.evidence_id for d in drafts for c in d.citations}
    records: dict[str, Evidence] = {r.id: r for r in ws.evidence() if r.id in wanted}
    docs = {c.document for d in drafts for c in d.citations}
    documents = [_as_document(s) for s in (ws.document(i) for i in sorted(docs)) if s is not None]
    return accept_drafts(scenario, drafts, records, documents, salience=salience), drafts


def _decide(ws: Workspace, drafts: Sequence[DraftStance]) -> tuple[DraftStance, ...]:
    return tuple(ws.decide_draft(d.id, accepted=True) for d in drafts)


def accept_into_file(ws: Workspace, path: str | Path, draft_ids: Sequence[str], *,
                     salience: float = DEFAULT_SALIENCE) -> AcceptResult:
    """Accept drafts into the scenario YAML at ``path`` (atomic), then record the decisions in ``ws``."""
    target = Path(path)
    if target.suffix.lower() not in {".yaml", ".yml"}:
        raise ScenarioError("--write rewrites a YAML scenario file (.yaml or .yml)", path=target)
    text = read_text(target)
    scenario = parse_yaml(text, path=target)
    accepted, drafts = _accept(ws, scenario, draft_ids, salience)
    new_data = scenario_to_data(accepted.scenario)
    by_id = {s["actor"] + "/" + s["issue"]: s for s in new_data.get("stances", [])}
    additions = {
        "stances": [by_id[f"{s.actor}/{s.issue}"] for s in accepted.new_stances],
        "evidence": [e.model_dump(mode="json", exclude_defaults=True) for e in accepted.new_evidence],
        "documents": [d.model_dump(mode="json", exclude_defaults=True) for d in accepted.new_documents],
    }
    spliced = None if accepted.updated_stances else spliced_or_none(text, additions, accepted.scenario,
                                                                    path=str(target))
    if spliced is not None:
        with atomic_writer(target) as out:
            out.write(spliced)
    else:
        write_yaml(accepted.scenario, target)
    return AcceptResult(accepted, _decide(ws, drafts), kept_comments=spliced is not None)


def accept_into_version(ws: Workspace, scenario_id: str, draft_ids: Sequence[str], *,
                        version: int | None = None, salience: float = DEFAULT_SALIENCE) -> AcceptResult:
    """Accept drafts into a stored scenario version (default: the latest); saves and returns a new version."""
    versions = ws.scenario_versions(scenario_id)
    if not versions:
        raise WorkspaceError(f"no stored versions of scenario '{scenario_id}'", path=ws.path)
    base = versions[-1].version if version is None else version
    scenario = ws.load_scenario_version(scenario_id, base)
    if scenario is None:
        raise WorkspaceError(f"scenario '{scenario_id}' has no version {base}", path=ws.path)
    accepted, drafts = _accept(ws, scenario, draft_ids, salience)
    names = ", ".join(f"{d.actor} on {d.issue}" for d in drafts)
    new_version = ws.save_scenario_version(accepted.scenario, parent=base, note=f"accepted drafts: {names}"[:200])
    return AcceptResult(accepted, _decide(ws, drafts), version=new_version)
