"""The CPU-heavy work the web app hands to its worker processes (:mod:`stratagem.web.workers`).

Module-level functions with picklable arguments and results; each takes a ``progress`` callback
(the worker's) as a keyword. Importing this module imports what they need, so the pool's fork
server preloads it once and workers start ready.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from stratagem.evidence.errors import DocumentError
from stratagem.evidence.extract import document_evidence
from stratagem.evidence.gazetteer import load_gazetteer
from stratagem.evidence.ingest import ingest_bytes
from stratagem.evidence.records import IngestedDocument
from stratagem.model.errors import StratagemError
from stratagem.model.schema import Evidence, Scenario
from stratagem.web import roundtrip
from stratagem.web.runs import Progress, RunRequest, run_ensemble_job, run_forecast


def forecast(scenario: Scenario, req: RunRequest, *, progress: Progress) -> dict[str, Any]:
    """Every requested engine once (see :func:`stratagem.web.runs.run_forecast`)."""
    return run_forecast(scenario, req)


def ensemble(scenario: Scenario, req: RunRequest, *, progress: Progress) -> dict[str, Any]:
    """A Monte Carlo ensemble with progress (see :func:`stratagem.web.runs.run_ensemble_job`)."""
    return run_ensemble_job(scenario, req, progress)


def parse_scenario(raw: bytes, name: str, *, progress: Progress) -> tuple[Scenario, str]:
    """An uploaded YAML scenario and its text (one-line errors naming the file)."""
    return roundtrip.parse_upload(raw, name)


def ingest(raw: bytes, name: str, media_type: str, document_id: str, *, progress: Progress) -> IngestedDocument:
    """An uploaded document's cleaned text (boilerplate removal, encoding detection)."""
    try:
        return ingest_bytes(raw, path=name or "upload", media_type=media_type, document_id=document_id)
    except DocumentError as exc:
        raise StratagemError(str(exc)) from None


def extract_evidence(doc: IngestedDocument, linked: Scenario | None, document_id: str, *, progress: Progress
                     ) -> list[Evidence]:
    """Quotes, events and issue links of a document, with the gazetteer of the linked scenario."""
    doc = dataclasses.replace(doc, id=document_id)
    return document_evidence(doc, gazetteer=load_gazetteer(scenario=linked), scenario=linked)
