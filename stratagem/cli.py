"""The ``stratagem`` command: parses arguments, calls the library, prints.

No computation lives here; every number comes from stratagem.analysis or the
model layer. Input and usage errors print one line and exit with status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.table import Table

from stratagem import __version__
from stratagem.analysis.forecast import ForecastResult, forecast, write_trajectory_csv
from stratagem.engines.registry import ENGINES
from stratagem.evidence.sources import span_text
from stratagem.model.builtin import builtin_ids, load_builtin, resolve_scenario
from stratagem.model.errors import StratagemError
from stratagem.model.schema import Scenario

console = Console()
err_console = Console(stderr=True)


def _parse_options(pairs: Sequence[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"'{pair}' is not KEY=VALUE", param_hint="--option")
        options[key.strip()] = value.strip()
    return options


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stratagem")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Forecast multi-party political negotiations with established bargaining models."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command("forecast")
@click.argument("scenario", required=False)
@click.option("--engine", "-e", "engine", default=None, help="Engine to run (default: every engine).")
@click.option("--rounds", type=click.IntRange(min=0), default=None, help="Exact number of rounds for iterative engines.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE", help="Engine parameter (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--trajectory", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write round,issue,actor,position CSV (of --engine, or of bdm when running every engine).")
def forecast_cmd(
    scenario: str | None,
    engine: str | None,
    rounds: int | None,
    seed: int,
    options: tuple[str, ...],
    as_json: bool,
    trajectory: Path | None,
) -> None:
    """Forecast SCENARIO (a built-in id or a .yaml/.csv file; default: the built-in default)."""
    sc = resolve_scenario(scenario)
    opts = _parse_options(options)
    if engine is not None:
        results = {engine: forecast(sc, engine, rounds=rounds, seed=seed, options=opts)}
        primary = engine
    else:
        if opts:
            raise StratagemError("--option needs --engine (options belong to one engine)")
        results = {name: forecast(sc, name, rounds=rounds, seed=seed) for name in ENGINES}
        primary = "bdm"
    if trajectory is not None:
        write_trajectory_csv(results[primary], trajectory)
    if as_json:
        payload = results[primary].to_dict()
        if engine is None:
            payload["by_engine"] = {name: r.to_dict() for name, r in results.items()}
        click.echo(json.dumps(payload, indent=2))
        return
    _print_forecasts(sc, results)


def _print_forecasts(sc: Scenario, results: dict[str, ForecastResult]) -> None:
    title = f"{sc.name}" + (f" (as of {sc.as_of})" if sc.as_of else "")
    table = Table(title=title, show_lines=False)
    table.add_column("issue", overflow="fold")
    table.add_column("status quo", justify="right")
    for name in results:
        table.add_column(name, justify="right")
    for k, issue in enumerate(sc.issues):
        table.add_row(issue.name, _fmt(issue.status_quo), *[_fmt(r.issues[k].forecast) for r in results.values()])
    console.print(table)
    if any(issue.anchors for issue in sc.issues):
        console.print("What the numbers mean (nearest anchor to the middle engine's forecast):")
        for k, issue in enumerate(sc.issues):
            values = sorted(r.issues[k].forecast for r in results.values())
            central = values[len(values) // 2]
            if issue.anchors:
                console.print(f"  {issue.name}: ≈ {central:.0f}, {issue.label_for(central)}", highlight=False)
    for name, r in results.items():
        if ENGINES[name].iterative:
            reasons = sorted({i.stop_reason for i in r.issues})
            console.print(f"{name}: {r.rounds} rounds ({', '.join(reasons)})", style="dim", highlight=False)
            for i in r.issues:
                if i.cycle is not None:
                    console.print(
                        f"  {i.id}: cycles with period {i.cycle[1]} from round {i.cycle[0]}",
                        style="dim",
                        highlight=False,
                    )


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
        console.print(f"\n[bold]{issue.name}[/bold] ({issue.id}), status quo {_fmt(issue.status_quo, 0)}")
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


def _fail(message: str, code: int = 2) -> NoReturn:
    err_console.print(f"error: {message}", highlight=False, markup=False, soft_wrap=True)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI, turning user-facing errors into one line and exit status 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="stratagem", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        _fail("aborted", 130)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
        sys.exit(0)
    except click.ClickException as exc:
        if debug:
            raise
        _fail(exc.format_message().replace("\n", " "))
    except StratagemError as exc:
        if debug:
            raise
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # pragma: no cover - the last resort keeps tracebacks from users
        if debug:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for a traceback)", 1)


if __name__ == "__main__":  # pragma: no cover
    main()
