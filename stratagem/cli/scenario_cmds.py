"""Commands that describe scenarios and engines: validate, engines, scenarios, show."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from stratagem.cli.app import cli, console, fmt, printable, styled
from stratagem.cli.scenario_ref import load_scenario, resolve, workspace_option
from stratagem.model.builtin import builtin_ids, builtin_summary

if TYPE_CHECKING:  # the schema and Rich's tables are imported by the commands that print a scenario
    from stratagem.model.schema import Scenario
    from stratagem.report.evidence import CitedEvidence


_DOCUMENTS_HELP = "Directory with the cited documents (default: $STRATAGEM_DOCUMENTS, ../shared/seeds)."


def _cited(sc: Scenario, workspace: Path | None, documents: tuple[Path, ...]) -> dict[str, CitedEvidence]:
    """Every citation resolved and checked, in the workspace (if any) then the document folders."""
    from stratagem.report.evidence import resolve_evidence

    if workspace is None or not workspace.is_file():
        return resolve_evidence(sc, documents=documents)
    from stratagem.store.workspace import Workspace  # with the extractor: only when there is a workspace

    with Workspace(workspace) as ws:
        return resolve_evidence(sc, workspace=ws, documents=documents)


@cli.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--documents", "documents", multiple=True, type=click.Path(path_type=Path), help=_DOCUMENTS_HELP)
@workspace_option
def validate_cmd(path: Path, documents: tuple[Path, ...], workspace: Path | None) -> None:
    """Check a scenario file (or ID@VERSION with --workspace) and its citations; print a summary or the error.

    Citations whose documents are found (in the workspace or the document folders) are
    checked; each one that does not match is printed on its own line and the exit status is 1.
    """
    sc = load_scenario(str(path), workspace)
    click.echo(
        f"{printable(str(path))}: valid scenario '{sc.id}': {len(sc.actors)} actors, {len(sc.issues)} issues, "
        f"{len(sc.stances)} stances, {len(sc.evidence)} evidence records, {len(sc.shocks)} shocks"
    )
    waiting = sc.issues_without_stances()
    if waiting:  # valid, but a work in progress: say what forecasting will ask for
        which = ", ".join(f"'{i}'" for i in waiting)
        click.echo(f"work in progress: issue{'s' if len(waiting) > 1 else ''} {which} "
                   f"{'have' if len(waiting) > 1 else 'has'} no stances yet, so it cannot be forecast "
                   "(stratagem draft FILE --workspace W proposes some)")
    cited = _cited(sc, workspace, documents) if sc.evidence else {}
    found = sum(1 for c in cited.values() if c.status != "missing")
    if not found:
        return
    problems = [c for c in cited.values() if c.problem]
    checked = sum(1 for c in cited.values() if c.checked)
    click.echo(f"citations: {found}/{len(cited)} found in their documents, {checked} checked against their "
               f"words, {len(problems)} do not match")
    for c in problems:
        click.echo(f"citation does not match: {printable(c.problem)}")
    if problems:
        sys.exit(1)


@cli.command("engines")
@click.option("--verbose", "-v", is_flag=True, help="List each engine's parameters and defaults.")
def engines_cmd(verbose: bool) -> None:
    """List the bargaining engines."""
    from stratagem.engines.registry import ENGINES, RECOMMENDED

    for name in ENGINES:  # the summaries are declarations: only --verbose imports the engines (for their options)
        mark = " (recommended: best out-of-sample scores on EU legislation, docs/backtest.md)" \
            if name == RECOMMENDED else ""
        console.print(styled((f"{name:<11}", "bold"), f" {ENGINES.summary(name)}", (mark, "bold")))
        if verbose:
            parameters = ENGINES[name].parameters
            if not parameters:
                console.print("    (no parameters)", style="dim")
            for p in parameters:
                choices = f" [{'|'.join(p.choices)}]" if p.choices else ""
                console.print(f"    {p.name}={p.default}{choices}: {p.help}", highlight=False)


@cli.command("scenarios")
def scenarios_cmd() -> None:
    """List the built-in scenarios."""
    for sid in builtin_ids():
        name, as_of, actors, issues = builtin_summary(sid)
        when = f" (as of {as_of})" if as_of else ""
        console.print(styled((sid, "bold"), f": {name}{when}; {actors} actors, {issues} issues"))


@cli.command("show")
@click.argument("scenario", required=False)
@click.option("--documents", "documents", multiple=True, type=click.Path(path_type=Path),
              help="Directory with the cited documents (default: $STRATAGEM_DOCUMENTS, ../shared/seeds).")
@click.option("--no-evidence", is_flag=True, help="Do not print the cited words.")
@workspace_option
def show_cmd(scenario: str | None, documents: tuple[Path, ...], no_evidence: bool, workspace: Path | None) -> None:
    """Print a scenario: actors, issues with anchors, stances and their cited words."""
    from rich.table import Table

    resolved = resolve(scenario, workspace)
    sc = resolved.scenario
    stored = f", version {resolved.version} from {workspace}" if resolved.version is not None else ""
    console.print(styled((sc.name, "bold"), f" ({sc.id}{stored})" + (f", as of {sc.as_of}" if sc.as_of else "")))
    if sc.description:
        console.print(sc.description, highlight=False)
    actors = Table(title="Actors")
    for col in ("id", "name", "kind", "capability", "range"):
        actors.add_column(col)
    for a in sc.actors:
        rng = f"{a.capability_range.low:g}-{a.capability_range.high:g}" if a.capability_range else ""
        actors.add_row(a.id, a.name, a.kind, f"{a.capability:g}", rng)
    console.print(actors)
    outcomes = {o.issue: o for o in sc.outcomes}
    for issue in sc.issues:
        recorded = outcomes.get(issue.id)
        console.print(styled("\n", (issue.name, "bold"), f" ({issue.id}), status quo {fmt(issue.status_quo, 0)}"
                             + ("" if recorded is None else f", recorded outcome {recorded.value:g}"
                                + (f" ({recorded.date})" if recorded.date else ""))))
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
    if sc.outcomes:
        _print_outcomes(sc)
    if no_evidence or not sc.evidence:
        return
    missing = 0
    cited = _cited(sc, workspace, documents)
    console.print("\nEvidence", style="bold")
    for ev in sc.evidence:
        c = cited[ev.id]
        if c.words is None and not c.problem:
            missing += 1
            continue
        who = ev.speaker or ev.actor or ""
        date = f"{c.date}{' (guessed from the latest date in the text)' if c.date_guessed else ''}" if c.date else ""
        console.print(styled((ev.id, "bold"), f" {ev.document}:{ev.start}-{ev.end} {who} {date}"))
        if c.problem:
            console.print(f"  DOES NOT MATCH: {c.problem}", style="bold red", highlight=False, markup=False)
        else:
            console.print(f"  “{c.quote}”", highlight=False, markup=False)
        if ev.rationale:
            console.print(f"  why: {ev.rationale}", style="dim", highlight=False, markup=False)
    if missing:
        console.print(f"({missing} evidence records not shown: their documents were not found; "
                      "set --documents, --workspace or $STRATAGEM_DOCUMENTS)", style="dim")
    problems = [c for c in cited.values() if c.problem]
    quoted = sum(1 for c in cited.values() if c.quoted)
    checked = sum(1 for c in cited.values() if c.checked)
    console.print(f"{quoted}/{len(cited)} evidence records quoted" + (f", {checked} checked against their "
                  "documents" if checked else ""), style="dim", highlight=False)
    if problems:
        console.print(f"{len(problems)} citations do not match their documents:", style="bold red")
        for c in problems:
            console.print(f"citation does not match: {c.problem}", highlight=False, markup=False, soft_wrap=True)




def _print_outcomes(sc: Scenario) -> None:
    """Recorded outcomes beside the compromise model's and the recommended forecaster's forecasts."""
    from rich.table import Table

    from stratagem.analysis.backtest import BASELINE, RECOMMENDED, score_scenarios

    result = score_scenarios([sc], [BASELINE, RECOMMENDED])
    table = Table(title="Recorded outcomes beside the forecasts (stratagem score compares every engine)")
    for col in ("issue", "outcome", *(f"{name} (error)" for name in result.predictions)):
        table.add_column(col, justify="left" if col == "issue" else "right")
    for i, r in enumerate(result.rows):
        table.add_row(r.issue, f"{r.outcome:g}", *[f"{pred.point[i]:.1f} ({pred.point[i] - r.outcome:+.1f})"
                                                   for pred in result.predictions.values()])
    console.print(table)
