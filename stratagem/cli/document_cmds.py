"""Commands on stored documents: list them, correct their metadata (and re-extract)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from stratagem.cli.app import cli, console, parse_date
from stratagem.cli.scenario_ref import load_scenario
from stratagem.model.errors import StratagemError
from stratagem.store import DEFAULT_WORKSPACE

_WORKSPACE = click.Path(dir_okay=False, path_type=Path)



@cli.group("document")
def document_group() -> None:
    """Stored documents: list them and correct their date or metadata."""


@document_group.command("list")
@click.option("--workspace", type=_WORKSPACE, default=Path(DEFAULT_WORKSPACE), show_default=True)
@click.option("--json", "as_json", is_flag=True)
def list_cmd(workspace: Path, as_json: bool) -> None:
    """Every stored document with its date (and how it was found), title and evidence count."""
    from stratagem.store.workspace import Workspace

    if not workspace.exists():
        raise StratagemError(f"{workspace}: no workspace here (run `stratagem ingest` first)")
    with Workspace(workspace) as ws:
        docs = ws.documents()
    if as_json:
        click.echo(json.dumps([{"id": d.id, "date": d.date.isoformat() if d.date else None,
                                "date_source": d.date_source, "date_guessed": d.date_guessed, "title": d.title,
                                "url": d.url, "publisher": d.publisher, "media_type": d.media_type,
                                "n_evidence": d.n_evidence} for d in docs], indent=2, ensure_ascii=False))
        return
    for d in docs:
        date = d.date_text or "undated"
        source = f" [{d.date_source}]" if d.date_source and not d.date_guessed else ""
        console.print(f"{d.id}  {date}{source}  {d.n_evidence} evidence records  {d.title}",
                      highlight=False, markup=False, soft_wrap=True)


@document_group.command("set")
@click.argument("document_id", metavar="ID")
@click.option("--workspace", type=_WORKSPACE, default=Path(DEFAULT_WORKSPACE), show_default=True)
@click.option("--date", "date_s", default=None, metavar="YYYY-MM-DD",
              help="The publication date (replaces the one found in the document; events are re-dated).")
@click.option("--title", default=None)
@click.option("--url", default=None)
@click.option("--publisher", default=None)
@click.option("--scenario", "scenario_ref", default=None,
              help="Re-extract with this scenario's actor aliases and issue links.")
@click.option("--gazetteer", "gazetteer_files", multiple=True, type=click.Path(path_type=Path),
              help="Extra gazetteer YAML for the re-extraction (repeatable).")
def set_cmd(document_id: str, workspace: Path, date_s: str | None, title: str | None, url: str | None,
            publisher: str | None, scenario_ref: str | None, gazetteer_files: tuple[Path, ...]) -> None:
    """Correct a stored document's date or metadata and re-extract its evidence."""
    from stratagem.evidence.gazetteer import load_gazetteer
    from stratagem.evidence.metadata import DocumentMeta
    from stratagem.store.documents import correct_document
    from stratagem.store.workspace import Workspace

    meta = DocumentMeta(date=parse_date(date_s), title=title, url=url, publisher=publisher, date_source="corrected")
    if not workspace.exists():
        raise StratagemError(f"{workspace}: no workspace here (run `stratagem ingest` first)")
    sc = load_scenario(scenario_ref, workspace, default_answers_plain_ids=True) if scenario_ref else None
    gaz = load_gazetteer(gazetteer_files, sc) if gazetteer_files else None
    with Workspace(workspace) as ws:
        before = ws.document(document_id)
        result = correct_document(ws, document_id, meta, gazetteer=gaz, scenario=sc)
        after = ws.document(result.document_id)
    if before is None or after is None:  # pragma: no cover - correct_document raised for an unknown id
        raise StratagemError(f"no document '{document_id}' in {workspace}")
    changes = [f"{name} {old or '-'} -> {new or '-'}" for name, old, new in (
        ("date", before.date_text, after.date_text), ("title", before.title, after.title),
        ("url", before.url, after.url), ("publisher", before.publisher, after.publisher)) if old != new]
    console.print(f"updated: {document_id} ({'; '.join(changes) or 'no metadata changed'}); re-extracted: "
                  f"{before.n_evidence} -> {after.n_evidence} evidence records", highlight=False, markup=False,
                  soft_wrap=True)
