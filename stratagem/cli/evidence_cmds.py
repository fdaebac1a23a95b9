"""Commands on documents and evidence: ingest, evidence."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from stratagem.cli.app import cli, console, err_console
from stratagem.model.builtin import resolve_scenario
from stratagem.model.errors import StratagemError


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), default=Path("stratagem.db"),
              show_default=True, help="The workspace database (created if missing).")
@click.option("--scenario", "scenario_ref", default=None, help="Add this scenario's actor aliases to the gazetteer.")
@click.option("--json", "as_json", is_flag=True)
def ingest_cmd(paths: tuple[Path, ...], workspace: Path, scenario_ref: str | None, as_json: bool) -> None:
    """Store documents (HTML or text, files or directories) with their extracted evidence."""
    from stratagem.store.workspace import Workspace

    sc = resolve_scenario(scenario_ref) if scenario_ref else None
    outcomes = []
    with Workspace(workspace) as ws:
        for path in paths:
            if not path.exists():
                raise StratagemError(f"{path}: no such file or directory")
            outcomes.extend(ws.ingest_path(path, scenario=sc))
    if as_json:
        click.echo(json.dumps([o.__dict__ for o in outcomes], indent=2))
        return
    for o in outcomes:
        if o.error:
            err_console.print(f"skipped: {o.error}", highlight=False, markup=False)
        else:
            state = "stored" if o.created else "already stored"
            console.print(f"{state}: {o.path} as {o.document_id} ({o.n_evidence} evidence records)", highlight=False)
    if any(o.error for o in outcomes) and not any(o.document_id for o in outcomes):
        sys.exit(2)


@cli.command("evidence")
@click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), default=Path("stratagem.db"),
              show_default=True)
@click.option("--actor", default=None)
@click.option("--issue", default=None)
@click.option("--kind", type=click.Choice(["quote", "event", "claim"]), default=None)
@click.option("--document", default=None)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def evidence_cmd(workspace: Path, actor: str | None, issue: str | None, kind: str | None, document: str | None,
                 limit: int, as_json: bool) -> None:
    """List evidence records stored in the workspace, with their words."""
    from stratagem.store.workspace import Workspace

    if not workspace.exists():
        raise StratagemError(f"{workspace}: no workspace here (run `stratagem ingest` first)")
    with Workspace(workspace) as ws:
        records = ws.evidence(actor=actor, issue=issue, kind=kind, document=document)[:limit]
        rows = [(ev, ws.span_text(ev)) for ev in records]
    if as_json:
        click.echo(json.dumps([{**ev.model_dump(mode="json"), "text": text} for ev, text in rows], indent=2))
        return
    for ev, text in rows:
        who = ev.speaker or ev.actor or ""
        console.print(f"[bold]{ev.id}[/bold] {ev.kind} {who} {ev.date or ''} {ev.document}:{ev.start}-{ev.end}",
                      highlight=False)
        if text:
            console.print(f"  “{' '.join(text.split())}”", highlight=False, markup=False)


