"""Commands that describe scenarios and engines: validate, engines, scenarios, show."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from stratagem.cli.app import cli, console, fmt
from stratagem.engines.registry import ENGINES
from stratagem.evidence.sources import span_text
from stratagem.model.builtin import builtin_ids, load_builtin, resolve_scenario


@cli.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
def validate_cmd(path: Path) -> None:
    """Check a scenario file; print a one-line summary or the error."""
    sc = resolve_scenario(str(path))
    click.echo(
        f"{path}: valid scenario '{sc.id}': {len(sc.actors)} actors, {len(sc.issues)} issues, "
        f"{len(sc.stances)} stances, {len(sc.evidence)} evidence records, {len(sc.shocks)} shocks"
    )


@cli.command("engines")
@click.option("--verbose", "-v", is_flag=True, help="List each engine's parameters and defaults.")
def engines_cmd(verbose: bool) -> None:
    """List the bargaining engines."""
    for spec in ENGINES.values():
        console.print(f"[bold]{spec.name:<11}[/bold] {spec.summary}", highlight=False)
        if verbose:
            if not spec.parameters:
                console.print("    (no parameters)", style="dim")
            for p in spec.parameters:
                choices = f" [{'|'.join(p.choices)}]" if p.choices else ""
                console.print(f"    {p.name}={p.default}{choices}: {p.help}", highlight=False)


@cli.command("scenarios")
def scenarios_cmd() -> None:
    """List the built-in scenarios."""
    for sid in builtin_ids():
        sc = load_builtin(sid)
        when = f" (as of {sc.as_of})" if sc.as_of else ""
        console.print(
            f"[bold]{sid}[/bold]: {sc.name}{when}; {len(sc.actors)} actors, {len(sc.issues)} issues",
            highlight=False,
        )


@cli.command("show")
@click.argument("scenario", required=False)
@click.option("--documents", "documents", multiple=True, type=click.Path(path_type=Path),
              help="Directory with the cited documents (default: $STRATAGEM_DOCUMENTS, ../shared/seeds).")
@click.option("--no-evidence", is_flag=True, help="Do not print the cited words.")
def show_cmd(scenario: str | None, documents: tuple[Path, ...], no_evidence: bool) -> None:
    """Print a scenario: actors, issues with anchors, stances and their cited words."""
    sc = resolve_scenario(scenario)
    console.print(f"[bold]{sc.name}[/bold] ({sc.id})" + (f", as of {sc.as_of}" if sc.as_of else ""))
    if sc.description:
        console.print(sc.description, highlight=False)
    actors = Table(title="Actors")
    for col in ("id", "name", "kind", "capability", "range"):
        actors.add_column(col)
    for a in sc.actors:
        rng = f"{a.capability_range.low:g}-{a.capability_range.high:g}" if a.capability_range else ""
        actors.add_row(a.id, a.name, a.kind, f"{a.capability:g}", rng)
    console.print(actors)
    for issue in sc.issues:
        console.print(f"\n[bold]{issue.name}[/bold] ({issue.id}), status quo {fmt(issue.status_quo, 0)}")
        for anchor in issue.anchors:
            console.print(f"  {anchor.value:>5g}  {anchor.label}", highlight=False)
    stances = Table(title="Stances")
    for col in ("actor", "issue", "position", "salience", "evidence"):
        stances.add_column(col)
    for s in sc.stances:
        pr = f" ({s.position_range.low:g}-{s.position_range.high:g})" if s.position_range else ""
        sr = f" ({s.salience_range.low:g}-{s.salience_range.high:g})" if s.salience_range else ""
        stances.add_row(s.actor, s.issue, f"{s.position:g}{pr}", f"{s.salience:g}{sr}", ", ".join(s.evidence))
    console.print(stances)
    if no_evidence or not sc.evidence:
        return
    missing = 0
    console.print("\n[bold]Evidence[/bold]")
    for ev in sc.evidence:
        words = span_text(ev, documents)
        if words is None:
            missing += 1
            continue
        quote = " ".join(words.split())
        who = ev.speaker or ev.actor or ""
        console.print(f"[bold]{ev.id}[/bold] {ev.document}:{ev.start}-{ev.end} {who} {ev.date or ''}", highlight=False)
        console.print(f"  “{quote}”", highlight=False)
        if ev.rationale:
            console.print(f"  why: {ev.rationale}", style="dim", highlight=False)
    if missing:
        console.print(f"({missing} evidence records not shown: their documents were not found; "
                      "set --documents or $STRATAGEM_DOCUMENTS)", style="dim")


