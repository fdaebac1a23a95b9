"""Commands on documents and evidence: extract, ingest, evidence, draft."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from stratagem.cli.app import (
    WORKERS,
    cli,
    console,
    err_console,
    parse_date,
    progress_bar,
    scheduler_address,
    styled,
)
from stratagem.cli.scenario_ref import load_scenario, resolve
from stratagem.model.builtin import resolve_scenario
from stratagem.model.errors import StratagemError
from stratagem.store import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from stratagem.store.scenarios import ResolvedScenario
    from stratagem.store.workspace import Workspace



_DATE_HELP = "Publication date (YYYY-MM-DD) for documents whose metadata and dateline give none."


@cli.command("extract")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--date", "date_s", default=None, metavar="YYYY-MM-DD", help=_DATE_HELP)
@click.option("--scenario", "scenario_ref", default=None, help="Add this scenario's actor aliases to the gazetteer.")
@click.option("--gazetteer", "gazetteer_files", multiple=True, type=click.Path(path_type=Path),
              help="Extra gazetteer YAML (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print actors, quotes and events as JSON.")
def extract_cmd(path: Path, date_s: str | None, scenario_ref: str | None, gazetteer_files: tuple[Path, ...],
                as_json: bool) -> None:
    """Actors, quotes and dated events of one document (no workspace needed).

    Offsets (start, end) are character offsets into the document's cleaned text.
    """
    from stratagem.evidence.extract import extract_file

    supplied = parse_date(date_s)
    sc = resolve_scenario(scenario_ref) if scenario_ref else None
    document, extraction = extract_file(path, gazetteer_files=gazetteer_files, scenario=sc, document_date=supplied)
    if as_json:
        click.echo(json.dumps(extraction.to_json(), indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    guess = "guessed: latest date in the text" if document.date_source == "text-latest" else document.date_source
    date = f"{document.date} ({guess})" if document.date else "none found (use --date)"
    console.print(document.title or document.id, style="bold", highlight=False, markup=False)
    console.print(f"{document.media_type}, {len(document.cleaned)} characters of text, "
                  f"{len(document.removed)} lines removed; date: {date}", highlight=False, markup=False)
    console.print(f"actors: {', '.join(extraction.actors) or '-'}", highlight=False, markup=False)
    if extraction.entities:
        entities = Table(title=f"people and organisations ({len(extraction.entities)})", title_justify="left")
        for column in ("name", "kind", "gazetteer", "mentions"):
            entities.add_column(column, overflow="fold")
        for ent in extraction.entities:
            entities.add_row(ent.name, ent.kind, ent.gazetteer_id or "", str(len(ent.mentions)))
        console.print(entities)
    quotes = Table(title=f"quotes ({len(extraction.quotes)})", title_justify="left")
    for column in ("speaker", "", "words", "span"):
        quotes.add_column(column, overflow="fold")
    for q in extraction.quotes:
        words = " ".join(q.text.split())
        speaker = f"{q.speaker}? ({q.speaker_basis})" if q.speaker_basis else q.speaker or "?"
        quotes.add_row(speaker, q.kind,
                       words if len(words) <= 160 else words[:157] + "...", f"{q.start}-{q.end}")
    console.print(quotes)
    events = Table(title=f"events ({len(extraction.events)})", title_justify="left")
    for column in ("date", "actor", "action", "target", "span"):
        events.add_column(column, overflow="fold")
    for e in extraction.events:
        events.add_row(e.date, e.actor or "?", f"{e.action} ({e.verb})", e.target or "", f"{e.start}-{e.end}")
    console.print(events)


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=False, type=click.Path(path_type=Path))
@click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), default=Path(DEFAULT_WORKSPACE),
              show_default=True, help="The workspace database (created if missing).")
@click.option("--scenario", "scenario_ref", default=None, help="Add this scenario's actor aliases to the gazetteer.")
@click.option("--date", "date_s", default=None, metavar="YYYY-MM-DD", help=_DATE_HELP)
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV or YAML with path,date,title,url,publisher per document (its files are ingested too).")
@click.option("--gazetteer", "gazetteer_files", multiple=True, type=click.Path(path_type=Path),
              help="Extra gazetteer YAML (repeatable).")
@click.option("--reextract", is_flag=True, help="Re-extract documents already stored even if nothing changed.")
@click.option("--workers", type=WORKERS, default=None,
              help="Local worker processes for extraction (default: one per core; 1 = no workers).")
@click.option("--scheduler", default=None, callback=scheduler_address, metavar="tcp://HOST:PORT", help="Extract on a Dask cluster.")
@click.option("--json", "as_json", is_flag=True)
def ingest_cmd(paths: tuple[Path, ...], workspace: Path, scenario_ref: str | None, date_s: str | None,
               manifest: Path | None, gazetteer_files: tuple[Path, ...], reextract: bool,
               workers: int | None, scheduler: str | None, as_json: bool) -> None:
    """Store documents (HTML or text, files or directories) with their extracted evidence.

    Each document is stored in its own transaction; Ctrl-C keeps the documents already stored.
    A document already stored is re-extracted when the options (date, scenario, gazetteer)
    or its manifest metadata changed, and left as it is otherwise.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn

    from stratagem.evidence.gazetteer import load_gazetteer
    from stratagem.evidence.metadata import read_manifest
    from stratagem.store.workspace import IngestInterrupted, IngestOutcome, Workspace

    supplied = parse_date(date_s)
    if not paths and manifest is None:
        raise StratagemError("ingest: give document files or directories, or --manifest FILE")
    entries = read_manifest(manifest) if manifest is not None else None
    sc = load_scenario(scenario_ref, workspace, default_answers_plain_ids=True) if scenario_ref else None
    gaz = load_gazetteer(gazetteer_files, sc) if gazetteer_files else None
    for path in paths:
        if not path.exists():
            raise StratagemError(f"{path}: no such file or directory")
    outcomes: list[IngestOutcome] = []
    interrupted = False
    columns = (TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Workspace(workspace) as ws, progress_bar(*columns, disable=as_json) as bar:
        task = bar.add_task("ingest", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            outcomes = ws.ingest_paths(list(paths), scenario=sc, gazetteer=gaz, document_date=supplied,
                                       workers=workers, scheduler=scheduler, progress=update, manifest=entries,
                                       reextract=reextract)
        except IngestInterrupted as exc:
            outcomes, interrupted = exc.outcomes, True
    if as_json:
        click.echo(json.dumps([o.__dict__ for o in outcomes], indent=2))
    else:
        for o in outcomes:
            if o.error:
                err_console.print(f"skipped: {o.error}", highlight=False, markup=False, soft_wrap=True)
            else:
                state = "stored" if o.created else ("re-extracted" if o.updated else "already stored, unchanged")
                console.print(f"{state}: {o.path} as {o.document_id} ({o.n_evidence} evidence records)",
                              highlight=False, markup=False, soft_wrap=True)
    if interrupted:
        stored = sum(1 for o in outcomes if o.created)
        err_console.print(f"interrupted: {stored} documents stored before Ctrl-C are kept", highlight=False)
        sys.exit(130)
    if any(o.error for o in outcomes) and not any(o.document_id for o in outcomes):
        sys.exit(2)


@cli.command("evidence")
@click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), default=Path(DEFAULT_WORKSPACE),
              show_default=True)
@click.option("--actor", default=None)
@click.option("--issue", default=None)
@click.option("--kind", type=click.Choice(["quote", "event", "claim"]), default=None)
@click.option("--document", default=None)
@click.option("--scenario", "scenario_ref", default=None,
              help="Only what the scenario may cite: nothing dated after its as_of (says how much is left out).")
@click.option("--include-after-as-of", "include_after", is_flag=True,
              help="With --scenario: list documents and events dated after as_of too.")
@click.option("--linked", is_flag=True, help="With --scenario: only records linked to it (accepted drafts).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def evidence_cmd(workspace: Path, actor: str | None, issue: str | None, kind: str | None, document: str | None,
                 scenario_ref: str | None, include_after: bool, linked: bool, limit: int, as_json: bool) -> None:
    """List evidence records stored in the workspace, with their words."""
    from stratagem.store.documents import evidence_for_scenario
    from stratagem.store.workspace import Workspace

    if not workspace.exists():
        raise StratagemError(f"{workspace}: no workspace here (run `stratagem ingest` first)")
    if linked and not scenario_ref:
        raise click.BadParameter("--linked needs --scenario S", param_hint="--linked")
    sc = load_scenario(scenario_ref, workspace, default_answers_plain_ids=True) if scenario_ref else None
    with Workspace(workspace) as ws:
        if sc is not None:
            usable = evidence_for_scenario(ws, sc, include_after=include_after, actor=actor, issue=issue, kind=kind,
                                           document=document, linked=linked)
            records = list(usable.kept)[:limit]
            if usable.message():
                err_console.print(usable.message(), highlight=False, markup=False, soft_wrap=True)
        else:
            records = ws.evidence(actor=actor, issue=issue, kind=kind, document=document)[:limit]
        rows = [(ev, ws.span_text(ev)) for ev in records]
    if as_json:
        click.echo(json.dumps([{**ev.model_dump(mode="json"), "text": text} for ev, text in rows], indent=2))
        return
    for ev, text in rows:
        who = ev.speaker or ev.actor or ""
        console.print(styled((ev.id, "bold"), f" {ev.kind} {who} {ev.date or ''} {ev.document}:{ev.start}-{ev.end}"))
        if text:
            console.print(f"  “{' '.join(text.split())}”", highlight=False, markup=False)


@cli.command("draft")
@click.argument("scenario_ref", metavar="SCENARIO")
@click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), default=Path(DEFAULT_WORKSPACE),
              show_default=True)
@click.option("--accept", "accept_ids", multiple=True, metavar="DRAFT_ID", help="Accept a draft (repeatable).")
@click.option("--reject", "reject_ids", multiple=True, metavar="DRAFT_ID", help="Reject a draft (repeatable).")
@click.option("--no-save", is_flag=True, help="Only print the drafts; do not store them in the workspace.")
@click.option("--write", is_flag=True, help="With --accept: add the accepted stances and their evidence to "
              "SCENARIO (its YAML file, or a new version when SCENARIO is a stored ID@VERSION).")
@click.option("--salience", type=click.FloatRange(0, 100), default=50.0, show_default=True,
              help="With --write: the salience given to accepted stances (drafts do not estimate it).")
@click.option("--include-after-as-of", "include_after", is_flag=True,
              help="Draft from documents and events dated after the scenario's as_of too (hindsight, on purpose).")
@click.option("--json", "as_json", is_flag=True)
def draft_cmd(scenario_ref: str, workspace: Path, accept_ids: tuple[str, ...], reject_ids: tuple[str, ...],
              no_save: bool, write: bool, salience: float, include_after: bool, as_json: bool) -> None:
    """Propose stances with citations from the workspace evidence, for an analyst to accept or reject."""
    from stratagem.store.workspace import Workspace

    if not workspace.exists():
        raise StratagemError(f"{workspace}: no workspace here (run `stratagem ingest` first)")
    if write and not accept_ids:
        raise click.BadParameter("--write needs --accept DRAFT_ID", param_hint="--write")
    resolved = resolve(scenario_ref, workspace, default_answers_plain_ids=True)
    sc = resolved.scenario
    with Workspace(workspace) as ws:
        if write:
            _write_accepted(ws, scenario_ref, resolved, accept_ids, salience, as_json)
            for draft_id in reject_ids:
                ws.decide_draft(draft_id, accepted=False)
            return
        if accept_ids or reject_ids:
            for draft_id in accept_ids:
                ws.decide_draft(draft_id, accepted=True)
            for draft_id in reject_ids:
                ws.decide_draft(draft_id, accepted=False)
            drafts = ws.drafts(sc.id)
        else:
            left_out = ws.evidence_as_of(sc, include_after=include_after).message()
            if left_out:
                err_console.print(left_out, highlight=False, markup=False, soft_wrap=True)
            drafts = ws.draft_scenario(sc, save=not no_save, include_after_as_of=include_after)
    if as_json:
        click.echo(json.dumps([d.to_dict() for d in drafts], indent=2, ensure_ascii=False))
        return
    if not drafts:
        console.print("no drafts: no evidence in the workspace bears on this scenario's issues", highlight=False)
        return
    from rich.table import Table

    table = Table(title=f"drafted stances for {sc.id} ({len(drafts)})", title_justify="left")
    for column in ("actor", "issue", "direction", "conf.", "position", "cites", "status"):
        table.add_column(column, overflow="fold")
    for d in drafts:
        if d.suggested_position is not None and d.suggested_range is not None:
            pos = f"suggest {d.suggested_position:g} [{d.suggested_range[0]:g}, {d.suggested_range[1]:g}]"
        elif d.current_position is None:  # no direction and no stance yet: nothing to suggest
            pos = "no suggestion: read the citations (--json)"
        elif d.direction == "none":
            pos = f"now {d.current_position:g}"
        else:
            verdict = {True: "agrees", False: "CONFLICTS", None: "at status quo"}[d.agrees_with_current]
            pos = f"now {d.current_position:g}: {verdict}"
        direction = "no direction" if d.direction == "none" else d.direction.replace("toward_", "toward ")
        table.add_row(d.actor, d.issue, direction, f"{d.confidence:.2f}", pos,
                      str(len(d.citations)), d.status)
    console.print(table)
    console.print(f"draft ids are {sc.id}.ACTOR.ISSUE; --json lists each draft's cited spans. Decide with "
                  f"`stratagem draft {scenario_ref} --accept ID --reject ID`.", highlight=False, markup=False)


def _write_accepted(ws: Workspace, scenario_ref: str, resolved: ResolvedScenario, accept_ids: tuple[str, ...],
                    salience: float, as_json: bool) -> None:
    """``draft --accept ID --write``: accept into the YAML file or a new workspace version, and say what changed."""
    from stratagem.store.drafting import accept_into_file, accept_into_version

    if resolved.version is not None:
        result = accept_into_version(ws, resolved.scenario.id, accept_ids, version=resolved.version,
                                     salience=salience)
        where = f"{ws.path}: scenario '{resolved.scenario.id}' version {result.version}"
    elif Path(scenario_ref).is_file():
        result = accept_into_file(ws, scenario_ref, accept_ids, salience=salience)
        where = scenario_ref + ("" if result.kept_comments else " (rewritten from data: its comments were not kept)")
    else:
        raise StratagemError(f"'{scenario_ref}' is not a scenario file: --write needs a .yaml file or a stored "
                             "ID@VERSION with --workspace")
    if as_json:
        click.echo(json.dumps([d.to_dict() for d in result.drafts], indent=2, ensure_ascii=False))
        return
    acc = result.accepted
    console.print(f"accepted {len(result.drafts)} draft{'s' if len(result.drafts) != 1 else ''} into {where}: "
                  f"{len(acc.new_stances)} stances added, {len(acc.updated_stances)} updated, "
                  f"{len(acc.new_evidence)} evidence records added", highlight=False, markup=False, soft_wrap=True)
    for stance in (*acc.new_stances, *acc.updated_stances):
        rng = f" [{stance.position_range.low:g}, {stance.position_range.high:g}]" if stance.position_range else ""
        console.print(f"  {stance.actor} on {stance.issue}: position {stance.position:g}{rng}, salience "
                      f"{stance.salience:g}; evidence {', '.join(stance.evidence)}", highlight=False, markup=False,
                      soft_wrap=True)
