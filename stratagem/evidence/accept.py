"""Accepting drafted stances into a scenario: the stance, its range and its evidence records, by id.

:func:`accept_drafts` is pure: given a scenario, the drafts an analyst accepts, the
evidence records their citations name and the documents they cite, it returns the
scenario with

* a stance per accepted draft where the scenario had none: the suggested position
  and range, a salience (drafts do not estimate it: the value given, with a wide range
  so ensembles show the doubt) and the ids of the cited records;
* where the scenario already had a stance, the same stance citing the draft's records
  too (its numbers are the analyst's and stay);
* every cited record in ``evidence`` under the id the workspace gave it, with its words,
  and every cited document in ``documents``.

The same function serves the command line (a YAML file) and the web app (a workspace
version), so an accepted stance carries the same evidence ids wherever it is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from stratagem.evidence.draft import DraftStance
from stratagem.model.errors import ScenarioError
from stratagem.model.schema import Document, Evidence, Range, Scenario, Stance

DEFAULT_SALIENCE = 50.0
SALIENCE_DOUBT = 25.0  # half-width of the salience range given to accepted stances


@dataclass(frozen=True)
class Accepted:
    """What accepting changed: the new scenario and what was added where."""

    scenario: Scenario
    new_stances: tuple[Stance, ...]  # stances the scenario did not have
    updated_stances: tuple[Stance, ...]  # existing stances that now cite more records
    new_evidence: tuple[Evidence, ...]
    new_documents: tuple[Document, ...]


def _record(draft: DraftStance, index: int, records: Mapping[str, Evidence]) -> Evidence:
    c = draft.citations[index]
    record = records.get(c.evidence_id)
    if record is None:
        record = c.to_evidence(draft.actor, draft.issue)
    if not record.text:
        record = record.model_copy(update={"text": c.text})
    return record


def accept_drafts(
    scenario: Scenario,
    drafts: Sequence[DraftStance],
    records: Mapping[str, Evidence],
    documents: Iterable[Document] = (),
    *,
    salience: float = DEFAULT_SALIENCE,
) -> Accepted:
    """``scenario`` with ``drafts`` accepted (see the module docstring); raises ScenarioError when invalid."""
    if not 0 <= salience <= 100:
        raise ScenarioError(f"salience {salience:g} is outside 0-100")
    for d in drafts:
        if d.scenario != scenario.id:
            raise ScenarioError(f"draft '{d.id}' belongs to scenario '{d.scenario}', not '{scenario.id}'")
    stances = list(scenario.stances)
    index = {(s.actor, s.issue): k for k, s in enumerate(stances)}
    evidence = list(scenario.evidence)
    known_evidence = {e.id for e in evidence}
    new_stances: list[Stance] = []
    updated: list[Stance] = []
    new_evidence: list[Evidence] = []
    doc_by_id = {d.id: d for d in documents}
    have_docs = {d.id for d in scenario.documents}
    new_docs: list[Document] = []
    for d in drafts:
        ids = tuple(dict.fromkeys(c.evidence_id for c in d.citations))
        for k in range(len(d.citations)):
            record = _record(d, k, records)
            if record.id not in known_evidence:
                known_evidence.add(record.id)
                evidence.append(record)
                new_evidence.append(record)
            if record.document not in have_docs:
                have_docs.add(record.document)
                new_docs.append(doc_by_id.get(record.document, Document(id=record.document)))
        at = index.get((d.actor, d.issue))
        if at is None and d.suggested_position is None:
            raise ScenarioError(f"draft '{d.id}' leans neither way, so it suggests no position: read its "
                                "citations and type the stance in by hand")
        if at is None:
            low, high = max(0.0, salience - SALIENCE_DOUBT), min(100.0, salience + SALIENCE_DOUBT)
            stance = d.to_stance(salience=salience).model_copy(update={
                "salience_range": Range(low=low, high=high),
                "note": f"accepted draft ({d.direction.replace('_', ' ')}, confidence {d.confidence:.2f}); "
                        "salience not drafted",
            })
            index[(d.actor, d.issue)] = len(stances)
            stances.append(stance)
            new_stances.append(stance)
        else:
            old = stances[at]
            merged = tuple(dict.fromkeys((*old.evidence, *ids)))
            if merged != old.evidence:
                stances[at] = old.model_copy(update={"evidence": merged})
                updated.append(stances[at])
    try:
        result = Scenario.model_validate({
            **scenario.model_dump(),
            "stances": [s.model_dump() for s in stances],
            "evidence": [e.model_dump() for e in evidence],
            "documents": [*(x.model_dump() for x in scenario.documents), *(x.model_dump() for x in new_docs)],
        })
    except ValidationError as exc:
        msg = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise ScenarioError(f"accepting the drafts leaves an invalid scenario '{scenario.id}': {msg}") from None
    return Accepted(result, tuple(new_stances), tuple(updated), tuple(new_evidence), tuple(new_docs))
