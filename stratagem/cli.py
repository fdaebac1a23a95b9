"""The ``stratagem`` command: parses arguments, calls the library, prints.

No computation lives here; every number comes from stratagem.analysis or the
model layer. Input and usage errors print one line and exit with status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.table import Table

from stratagem import __version__
from stratagem.analysis.ensemble import EnsembleResult, run_ensemble
from stratagem.analysis.explain import local_sensitivities, variance_indices, whom_to_persuade
from stratagem.analysis.forecast import ForecastResult, forecast, write_trajectory_csv
from stratagem.engines.registry import ENGINES
from stratagem.evidence.sources import span_text
from stratagem.model.builtin import builtin_ids, load_builtin, resolve_scenario
from stratagem.model.errors import StratagemError
from stratagem.model.schema import Scenario
from stratagem.model.shocks import apply_shock, resolve_shocks

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


def _engine_options(engines: Sequence[str], pairs: Sequence[str]) -> dict[str, dict[str, str]]:
    """KEY=VALUE applies to every listed engine that has KEY; ENGINE.KEY=VALUE to one engine."""
    parsed = _parse_options(pairs)
    out: dict[str, dict[str, str]] = {e: {} for e in engines}
    for key, value in parsed.items():
        target, _, name = key.rpartition(".")
        owners = [target] if target else [e for e in engines if any(p.name == name for p in ENGINES[e].parameters)]
        if target and target not in out:
            raise StratagemError(f"--option {key}: engine '{target}' is not in this run")
        if not owners:
            raise StratagemError(f"--option {key}: none of {', '.join(engines)} has an option '{name}'")
        for owner in owners:
            out[owner][name] = value
    return out


def _run_ensemble_with_progress(sc: Scenario, *, quiet: bool, **kwargs: Any) -> EnsembleResult:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    if quiet:
        return run_ensemble(sc, **kwargs)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]} draws/s"), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(f"ensemble {sc.id}", total=int(kwargs.get("draws", 0) or 0), rate="-")

        def update(done: int, total: int) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            rate = f"{done / elapsed:,.0f}" if elapsed > 0 else "-"
            bar.update(task, completed=done, total=total, rate=rate)

        return run_ensemble(sc, progress=update, **kwargs)


def _print_ensemble(result: EnsembleResult, title: str) -> None:
    table = Table(title=title)
    for col in ("issue", "median", "mean", "50% interval", "80% interval", "95% interval", "±mcse", "most likely band"):
        table.add_column(col, justify="left" if col in ("issue", "most likely band") else "right")
    for k, s in enumerate(result.issues):
        q = s.quantiles
        issue = result.scenario.issues[k]
        band, prob = max(s.bands.items(), key=lambda kv: kv[1]) if s.bands else ("", 0.0)
        table.add_row(
            s.id, f"{s.median:.1f}", f"{s.mean:.1f}", f"{q['p25']:.0f}-{q['p75']:.0f}",
            f"{q['p10']:.0f}-{q['p90']:.0f}", f"{q['p05']:.0f}-{q['p95']:.0f}", f"{s.mcse_median:.2f}",
            f"{band} ({prob:.0%})" if issue.anchors else "",
        )
    console.print(table)
    note = f"{result.draws} draws, engines: {', '.join(result.engines)}, inputs drawn {result.distribution}"
    console.print(note + (" (INTERRUPTED: partial summary)" if result.interrupted else ""), style="dim",
                  highlight=False)


_ensemble_options = [
    click.option("--draws", "-n", type=click.IntRange(min=1), default=1000, show_default=True),
    click.option("--engine", "-e", "engines", multiple=True, help="Engine(s); draws are split among them (default: bdm)."),
    click.option("--rounds", type=click.IntRange(min=0), default=None, help="Exact rounds for iterative engines."),
    click.option("--seed", type=int, default=0, show_default=True),
    click.option("--option", "options", multiple=True, metavar="[ENGINE.]KEY=VALUE", help="Engine parameter."),
    click.option("--scheduler", default=None, metavar="tcp://HOST:PORT", help="Run the chunks on a Dask cluster."),
    click.option("--workers", type=click.IntRange(min=1), default=None, help="Local processes (default: cores)."),
    click.option("--json", "as_json", is_flag=True, help="Print one JSON object."),
]


def _with_ensemble_options(fn: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(_ensemble_options):
        fn = option(fn)
    return fn


@cli.command("ensemble")
@click.argument("scenario", required=False)
@_with_ensemble_options
def ensemble_cmd(scenario: str | None, draws: int, engines: tuple[str, ...], rounds: int | None, seed: int,
                 options: tuple[str, ...], scheduler: str | None, workers: int | None, as_json: bool) -> None:
    """Forecast distribution of SCENARIO over its input ranges (Monte Carlo)."""
    sc = resolve_scenario(scenario)
    names = engines or ("bdm",)
    result = _run_ensemble_with_progress(
        sc, quiet=as_json, draws=draws, engines=names, seed=seed, rounds=rounds,
        options=_engine_options(names, options), scheduler=scheduler, workers=workers,
    )
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        _print_ensemble(result, f"{sc.name}: forecast distribution")


@cli.command("whatif")
@click.argument("scenario", required=False)
@click.option("--shock", "shocks", multiple=True, required=True, metavar="NAME|FILE",
              help="A shock id of the scenario or a YAML file with a shock (repeatable; applied in order).")
@_with_ensemble_options
def whatif_cmd(scenario: str | None, shocks: tuple[str, ...], draws: int, engines: tuple[str, ...],
               rounds: int | None, seed: int, options: tuple[str, ...], scheduler: str | None,
               workers: int | None, as_json: bool) -> None:
    """Compare the baseline forecast distribution with the shocked one, per issue."""
    sc = resolve_scenario(scenario)
    shocked = sc
    chosen = resolve_shocks(sc, shocks)
    for shock in chosen:
        shocked = apply_shock(shocked, shock)
    names = engines or ("bdm",)
    kwargs = dict(draws=draws, engines=names, seed=seed, rounds=rounds, options=_engine_options(names, options),
                  scheduler=scheduler, workers=workers)
    base = _run_ensemble_with_progress(sc, quiet=as_json, **kwargs)
    after = _run_ensemble_with_progress(shocked, quiet=as_json, **kwargs)
    if as_json:
        click.echo(json.dumps({"scenario": sc.id, "shocks": [s.id for s in chosen],
                               "baseline": base.to_dict(), "shocked": after.to_dict()}, indent=2))
        return
    table = Table(title=f"{sc.name}: what if {', '.join(s.name for s in chosen)}")
    for col in ("issue", "baseline median (80%)", "shocked median (80%)", "change"):
        table.add_column(col, justify="left" if col == "issue" else "right")
    after_by_id = {s.id: s for s in after.issues}
    for b in base.issues:
        a = after_by_id[b.id]
        table.add_row(b.id, f"{b.median:.1f} ({b.quantiles['p10']:.0f}-{b.quantiles['p90']:.0f})",
                      f"{a.median:.1f} ({a.quantiles['p10']:.0f}-{a.quantiles['p90']:.0f})",
                      f"{a.median - b.median:+.1f}")
    console.print(table)
    console.print(f"{base.draws} draws each, engines: {', '.join(base.engines)}", style="dim", highlight=False)


@cli.command("explain")
@click.argument("scenario", required=False)
@click.option("--engine", "-e", default="bdm", show_default=True)
@click.option("--rounds", type=click.IntRange(min=0), default=None)
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE")
@click.option("--draws", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Draws for the variance-based indices (0 skips them).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def explain_cmd(scenario: str | None, engine: str, rounds: int | None, options: tuple[str, ...], draws: int,
                seed: int, as_json: bool) -> None:
    """Who moved and why, pivotal actors, and whom to persuade."""
    sc = resolve_scenario(scenario)
    opts = _parse_options(options)
    run = forecast(sc, engine, rounds=rounds, seed=seed, options=opts)
    sens = local_sensitivities(sc, engine, opts, rounds)
    indices = variance_indices(sc, engine, draws=draws, seed=seed, params=opts, rounds=rounds) if draws else []
    persuade = whom_to_persuade(sc, engine, opts, rounds)
    actors, issues = run.arrays.actor_ids, run.arrays.issue_ids
    moves = [{"round": m.round, "issue": issues[m.issue], "actor": actors[m.actor], "other": actors[m.other],
              "kind": m.kind, "from": m.before, "to": m.after} for m in run.trajectory.moves]
    if as_json:
        click.echo(json.dumps({
            "scenario": sc.id, "engine": engine, "moves": moves,
            "sensitivities": [s.__dict__ for s in sens],
            "variance_indices": [v.__dict__ for v in indices],
            "persuade": [p.__dict__ for p in persuade],
        }, indent=2))
        return
    console.print(f"[bold]{sc.name}[/bold]: {engine}, {run.rounds} rounds", highlight=False)
    if moves:
        table = Table(title="Who moved (first 40 moves)")
        for col in ("round", "issue", "actor", "because of", "kind", "from", "to"):
            table.add_column(col)
        for mv in moves[:40]:
            table.add_row(str(mv["round"]), str(mv["issue"]), str(mv["actor"]), str(mv["other"]), str(mv["kind"]),
                          f"{mv['from']:.1f}", f"{mv['to']:.1f}")
        console.print(table)
    table = Table(title="Pivotal actors: forecast change per unit of input (largest first)")
    for col in ("issue", "actor", "per position point", "per salience point", "per +10% capability"):
        table.add_column(col)
    ranked = sorted(sens, key=lambda s: -(abs(s.position) * 10 + abs(s.salience) * 10 + abs(s.capability)))
    for s in ranked[:15]:
        table.add_row(s.issue, s.actor, f"{s.position:+.2f}", f"{s.salience:+.2f}", f"{s.capability:+.2f}")
    console.print(table)
    if indices:
        table = Table(title=f"Variance explained over the input ranges ({draws} draws)")
        for col in ("issue", "input", "share of variance"):
            table.add_column(col)
        for v in indices:
            table.add_row(v.issue, v.input, f"{v.first_order:.0%}")
        console.print(table)
    if persuade:
        table = Table(title="Whom to persuade: smallest position change that moves a forecast to another band")
        for col in ("issue", "actor", "from", "to", "forecast", "band"):
            table.add_column(col)
        seen: dict[str, int] = {}
        for p in persuade:
            seen[p.issue] = seen.get(p.issue, 0) + 1
            if seen[p.issue] <= 3:
                table.add_row(p.issue, p.actor, f"{p.from_position:g}", f"{p.to_position:g}",
                              f"{p.forecast_before:.1f} → {p.forecast_after:.1f}", f"{p.band_before} → {p.band_after}")
        console.print(table)


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
