"""Stored documents an analyst corrects, and what a scenario may cite on its ``as_of`` date.

* :func:`correct_document` sets a stored document's date, title, URL or publisher and
  re-extracts it from its stored bytes (the date dates its events), in one transaction.
* :func:`workspace_as_of` and :func:`evidence_for_scenario` apply
  :mod:`stratagem.evidence.asof` to a workspace: documents and events dated after the
  scenario's ``as_of`` are left out (and counted) unless included on purpose.
"""

from __future__ import annotations

from stratagem.evidence.asof import AsOf, EvidenceAsOf, documents_as_of, evidence_as_of
from stratagem.evidence.errors import DocumentError
from stratagem.evidence.extract import document_evidence
from stratagem.evidence.gazetteer import Gazetteer, load_gazetteer
from stratagem.evidence.ingest import ingest_bytes
from stratagem.evidence.metadata import DocumentMeta, apply_metadata, extraction_options
from stratagem.model.schema import Scenario
from stratagem.store.workspace import AddResult, StoredDocument, Workspace, WorkspaceError


def correct_document(
    workspace: Workspace,
    document_id: str,
    meta: DocumentMeta,
    *,
    gazetteer: Gazetteer | None = None,
    scenario: Scenario | None = None,
) -> AddResult:
    """Correct a stored document's metadata and re-extract it (``date_source`` "corrected" for a date).

    The values given are merged over those stored before (a manifest's, earlier corrections);
    the gazetteer is the built-in one extended by ``scenario``'s actors unless given.
    Raises WorkspaceError for an unknown id.
    """
    stored = workspace.document(document_id)
    raw = workspace.raw_bytes(document_id)
    if stored is None or raw is None:
        raise WorkspaceError(f"no document '{document_id}' in the workspace (see `stratagem document list`)",
                             path=workspace.path)
    previous, _ = workspace.document_meta(document_id)
    merged = previous.merged(meta)
    try:
        document = ingest_bytes(raw, path=stored.path, document_id=document_id, media_type=stored.media_type,
                                url=stored.url)
    except DocumentError as exc:  # pragma: no cover - the bytes were read once already
        raise WorkspaceError(f"cannot re-read document '{document_id}': {exc}", path=workspace.path) from exc
    document = apply_metadata(document, merged)
    gaz = gazetteer or load_gazetteer(scenario=scenario)
    return workspace.replace_extraction(document_id, document,
                                        document_evidence(document, gazetteer=gaz, scenario=scenario),
                                        options=extraction_options(gaz, scenario, None), meta=merged)


def workspace_as_of(workspace: Workspace, scenario: Scenario, *, include_after: bool = False
                    ) -> AsOf[StoredDocument]:
    """The workspace's documents split at the scenario's ``as_of`` (for ``stratagem new`` and listings)."""
    return documents_as_of(workspace.documents(), scenario.as_of, include_after=include_after)


def evidence_for_scenario(workspace: Workspace, scenario: Scenario, *, include_after: bool = False,
                          linked: bool = False, **filters: str | None) -> EvidenceAsOf:
    """Workspace evidence usable on the scenario's ``as_of`` (``filters``: actor, issue, kind, document).

    ``linked`` keeps only records linked to the scenario (accepted drafts, :meth:`Workspace.link_scenario`).
    """
    dates = {d.id: d.date for d in workspace.documents()}
    records = workspace.evidence(scenario=scenario.id if linked else None, **filters)
    return evidence_as_of(records, dates, scenario.as_of, include_after=include_after)
