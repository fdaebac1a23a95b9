"""Commands that run engines: forecast, ensemble, whatif, explain.

Rich (tables, consoles) is imported by the functions that print, so ``--json`` runs never load it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from stratagem.analysis.forecast import ForecastResult, forecast_engines, write_trajectory_csv
from stratagem.cli.app import (
    DRAWS,
    DRAWS_OR_NONE,
    ROUNDS,
    SEED,
    WORKERS,
    cli,
    fmt,
    parse_options,
    progress_bar,
    scheduler_address,
)
from stratagem.cli.scenario_ref import load_scenario, workspace_option
from stratagem.engines.registry import ENGINES, EXPLAINED, RECOMMENDED, get_engine
from stratagem.model.errors import StratagemError
from stratagem.model.files import check_output_path, check_workspace_path
from stratagem.model.shocks import resolve_shocks
from stratagem.store import DEFAULT_WORKSPACE

if TYPE_CHECKING:  # the ensemble and explain modules are imported by the commands that use them
    from rich.table import Table

    from stratagem.analysis.disagreement import Mode
    from stratagem.analysis.ensemble import EnsembleResult, IssueSummary
    from stratagem.cli import plain
    from stratagem.model.schema import Scenario


@cli.command("forecast")
@click.argument("scenario", required=False)
@click.option("--engine", "-e", "engines", multiple=True,
              help="Engine to run (repeatable; default: every engine).")
@click.option("--rounds", type=ROUNDS, default=None, help="Exact number of rounds for iterative engines.")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Random seed.")
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE",
              help="Engine parameter (repeatable): KEY=VALUE for every listed engine that has KEY, "
              "ENGINE.KEY=VALUE for one.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--trajectory", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write round,issue,actor,position CSV (of --engine, or of the recommended forecaster when "
              "running every engine).")
@click.option("--shock", "shocks", multiple=True, metavar="NAME|FILE",
              help="Apply a shock (id or YAML file; repeatable): before the run, or after its round if it has one.")
@workspace_option
def forecast_cmd(
    scenario: str | None,
    engines: tuple[str, ...],
    rounds: int | None,
    seed: int,
    options: tuple[str, ...],
    as_json: bool,
    trajectory: Path | None,
    shocks: tuple[str, ...],
    workspace: Path | None,
) -> None:
    """Forecast SCENARIO (a built-in id, a .yaml/.csv file or ID@VERSION with --workspace; default: the built-in default)."""
    sc = load_scenario(scenario, workspace)
    chosen = resolve_shocks(sc, shocks)
    if trajectory is not None:
        check_output_path(trajectory, what="trajectory")  # before the runs
    if engines:
        names = list(dict.fromkeys(engines))
        for name in names:
            get_engine(name)  # an unknown engine is named before anything runs
        per_engine = _engine_options(names, options)
        primary = names[0]
    else:
        if options:
            raise StratagemError("--option needs --engine (options belong to one engine)")
        names, per_engine, primary = list(ENGINES), {}, RECOMMENDED
    results = forecast_engines(sc, names, rounds=rounds, seed=seed, options=per_engine, shocks=chosen)
    if trajectory is not None:
        write_trajectory_csv(results[primary], trajectory)
    if as_json:
        payload = results[primary].to_dict()
        if len(results) > 1:
            payload["by_engine"] = {name: r.to_dict() for name, r in results.items()}
        _echo_json(payload)
        return
    _print_forecasts(sc, results)


def _echo_json(payload: object) -> None:
    """One JSON object on stdout (json is imported here: a table run needs none)."""
    import json

    click.echo(json.dumps(payload, indent=2))


#: Characters an engine's column takes in the forecast table (a 6-letter name or "100.0*", and a gap).
_ENGINE_COLUMN = 8


def _print_forecasts(sc: Scenario, results: dict[str, ForecastResult]) -> None:
    from stratagem.cli import plain

    plain.show(_forecast_blocks(sc, results, plain.width()))


def _forecast_blocks(sc: Scenario, results: dict[str, ForecastResult], width: int) -> list[plain.Block]:
    """The forecast tables (as many engines per table as ``width`` holds) and their notes."""
    from stratagem.cli.plain import Note, SimpleTable

    title = f"{sc.name}" + (f" (as of {sc.as_of})" if sc.as_of else "")
    # As many engines per table as the terminal holds, so no column is squeezed out or cut.
    first = max(len("issue"), *(len(i.id) for i in sc.issues)) + 1 + _ENGINE_COLUMN
    per_table = max(1, (width - first) // _ENGINE_COLUMN)
    names = list(results)
    blocks: list[plain.Block] = []
    for start in range(0, len(names), per_table):
        group = names[start : start + per_table]
        blocks.append(SimpleTable(
            title if start == 0 else None,
            (("issue", "left"), ("sq", "right"), *((name[:6], "right") for name in group)),
            tuple((issue.id, fmt(issue.status_quo),
                   *[fmt(results[n].issues[k].forecast) + ("*" if results[n].issues[k].cycle else "") for n in group])
                  for k, issue in enumerate(sc.issues))))
    blocks.append(Note("sq = status quo; engine names cut to 6 letters (stratagem engines lists them)", "dim"))
    if any(i.cycle for r in results.values() for i in r.issues):
        blocks.append(Note("* the run ends in a cycle: the forecast is the mean of the per-round forecasts over one "
                           "period (range below)", "dim"))
    if any(issue.anchors for issue in sc.issues):
        blocks.append(Note("What the numbers mean (nearest anchor to the middle engine's forecast):"))
        for k, issue in enumerate(sc.issues):
            values = sorted(r.issues[k].forecast for r in results.values())
            central = values[len(values) // 2]
            if issue.anchors:
                blocks.append(Note(f"  {issue.name}: ≈ {central:.0f}, {issue.label_for(central)}"))
    for name, r in results.items():
        if ENGINES[name].iterative:
            reasons = sorted({i.stop_reason for i in r.issues})
            blocks.append(Note(f"{name}: {r.rounds} round{'' if r.rounds == 1 else 's'} ({', '.join(reasons)})", "dim"))
            for i in r.issues:
                if i.cycle is not None:
                    blocks.append(Note(f"  {i.id}: {_cycle_text(i.cycle, i.cycle_range)}", "dim"))
    return blocks


def _cycle_text(cycle: tuple[int, int], low_high: tuple[float, float] | None) -> str:
    """Where a cycle starts, its period and the forecast's range over it; positions can cycle while the
    weighted median stays put, and then the line says so instead of printing a range of one value."""
    where = f"with period {cycle[1]} from round {cycle[0]}"
    if low_high is None:
        return f"cycles {where}"
    low, high = fmt(low_high[0]), fmt(low_high[1])
    if low == high:
        return f"positions cycle {where}; the forecast stays at {low}"
    return f"cycles {where}; forecast over the cycle {low}-{high}"


def _engine_options(engines: Sequence[str], pairs: Sequence[str]) -> dict[str, dict[str, str]]:
    """KEY=VALUE applies to every listed engine that has KEY; ENGINE.KEY=VALUE to one engine."""
    parsed = parse_options(pairs)
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
    from stratagem.analysis.ensemble import run_ensemble

    if not quiet:  # the bar shows on a terminal only: off one, rich.progress is not imported
        from stratagem.cli.output import err_console

        quiet = not err_console.is_terminal
    if quiet:
        return run_ensemble(sc, **kwargs)
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]} draws/s"), TimeRemainingColumn())
    # refreshed by the updates, not by a thread: local workers fork, and a fork is safest with one thread
    with progress_bar(*columns, auto_refresh=False) as bar:
        task = bar.add_task(f"ensemble {sc.id}", total=int(kwargs.get("draws", 0) or 0), rate="-")

        def update(done: int, total: int) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            rate = f"{done / elapsed:,.0f}" if elapsed > 0 else "-"
            bar.update(task, completed=done, total=total, rate=rate, refresh=True)

        return run_ensemble(sc, progress=update, **kwargs)


def _distribution_table(result: EnsembleResult, title: str, summaries: Sequence[IssueSummary],
                        modes: Mapping[str, Sequence[Mode]] | None = None) -> Table:
    """One distribution per issue; with ``modes`` (a mixture) the modes replace the mean and the 50% interval."""
    from rich.table import Table

    table = Table(title=title)
    short = modes is not None
    cols = ["issue", "median", *(() if short else ("mean", "50% interval")), "80% interval", "95% interval",
            "±mcse", "most likely band", *(("modes (share of draws)",) if short else ())]
    for col in cols:
        table.add_column(col, justify="left" if col in ("issue", "most likely band") else "right",
                         no_wrap=col == "issue")
    for k, s in enumerate(summaries):
        q = s.quantiles
        issue = result.scenario.issues[k]
        band, prob = max(s.bands.items(), key=lambda kv: kv[1]) if s.bands else ("", 0.0)
        row = [s.id, f"{s.median:.1f}", *(() if short else (f"{s.mean:.1f}", f"{q['p25']:.0f}-{q['p75']:.0f}")),
               f"{q['p10']:.0f}-{q['p90']:.0f}", f"{q['p05']:.0f}-{q['p95']:.0f}", f"{s.mcse_median:.2f}",
               f"{band} ({prob:.0%})" if issue.anchors else ""]
        if modes is not None:
            row.append(", ".join(f"{m.value:.0f} ({m.share:.0%})" for m in modes[s.id]))
        table.add_row(*row)
    return table


def _print_ensemble(result: EnsembleResult, title: str, *, pooled: bool = False) -> None:
    """One engine: its distribution. Several: each engine's side by side; the mixture only with --pooled."""
    from rich.table import Table

    from stratagem.analysis import disagreement as dis
    from stratagem.cli.output import console

    if len(result.engines) < 2:
        console.print(_distribution_table(result, f"{title} ({result.engines[0]})", result.issues))
    else:
        table = Table(title=f"{title}: each engine's distribution (median, 80% interval)")
        table.add_column("issue")
        for name in result.by_engine:
            table.add_column(name + (" (recommended)" if name == RECOMMENDED else ""), justify="right")
        table.add_column("engines disagree by", justify="right")
        spread = {d.issue: d.spread for d in dis.disagreement(result)}
        for k, issue in enumerate(result.scenario.issues):
            cells = [f"{s[k].median:.1f} ({s[k].quantiles['p10']:.0f}-{s[k].quantiles['p90']:.0f})"
                     for s in dis.side_by_side(result).values()]
            table.add_row(issue.id, *cells, f"{spread[issue.id]:.1f}")
        console.print(table)
        if pooled:
            mix = dis.pooled(result)
            console.print(_distribution_table(result, f"Pooled: {mix.label}", mix.issues, mix.modes))
            if any(len(m) > 1 for m in mix.modes.values()):
                console.print("several modes: the engines' draws form separate clusters; the pooled median may "
                              "lie between them, where no engine forecasts", style="dim", highlight=False)
        else:
            console.print("engines are not pooled (--pooled adds their mixture, with its modes)", style="dim",
                          highlight=False)
    note = f"{result.draws} draws, engines: {', '.join(result.engines)}, inputs drawn {result.distribution}"
    console.print(note + (" (INTERRUPTED: partial summary)" if result.interrupted else ""), style="dim",
                  highlight=False)


_ensemble_options = [
    click.option("--draws", "-n", type=DRAWS, default=1000, show_default=True),
    click.option("--engine", "-e", "engines", multiple=True,
                 help=f"Engine(s); draws are split among them (default: {RECOMMENDED}, the recommended forecaster)."),
    click.option("--rounds", type=ROUNDS, default=None, help="Exact rounds for iterative engines."),
    click.option("--seed", type=SEED, default=0, show_default=True),
    click.option("--option", "options", multiple=True, metavar="[ENGINE.]KEY=VALUE", help="Engine parameter."),
    click.option("--scheduler", default=None, callback=scheduler_address, metavar="tcp://HOST:PORT", help="Run the chunks on a Dask cluster."),
    click.option("--workers", type=WORKERS, default=None,
                 help="Local workers (default: one per core): threads when every engine is bdm's compiled loop, else processes."),
    click.option("--json", "as_json", is_flag=True, help="Print one JSON object."),
    click.option("--pooled", is_flag=True, help="With several engines, also the pooled distribution of all "
                 "their draws (a mixture, shown with its modes); by default each engine is shown on its own."),
]


def _with_ensemble_options(fn: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(_ensemble_options):
        fn = option(fn)
    return fn


@cli.command("ensemble")
@click.argument("scenario", required=False)
@_with_ensemble_options
@click.option("--save", is_flag=True, help="Save the run in the workspace (list, reopen, compare: `stratagem runs`).")
@click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), default=Path(DEFAULT_WORKSPACE),
              show_default=True, help="Workspace database for --save (and for SCENARIO as ID@VERSION).")
@click.option("--label", default="", help="A note stored with a saved run.")
def ensemble_cmd(scenario: str | None, draws: int, engines: tuple[str, ...], rounds: int | None, seed: int,
                 options: tuple[str, ...], scheduler: str | None, workers: int | None, as_json: bool,
                 pooled: bool, save: bool, workspace: Path, label: str) -> None:
    """Forecast distribution of SCENARIO over its input ranges (Monte Carlo)."""
    from stratagem.analysis.disagreement import summary_dict

    sc = load_scenario(scenario, workspace)
    names = engines or (RECOMMENDED,)
    engine_options = _engine_options(names, options)
    if save:
        check_workspace_path(workspace)  # before the draws, not after them
    result = _run_ensemble_with_progress(
        sc, quiet=as_json, draws=draws, engines=names, seed=seed, rounds=rounds,
        options=engine_options, scheduler=scheduler, workers=workers,
    )
    run_id = None
    if save:
        from stratagem.cli.output import err_console
        from stratagem.store.runs import save_run
        from stratagem.store.workspace import Workspace

        with Workspace(workspace) as ws:
            run_id, created = save_run(ws, result, options={"engines": engine_options, "rounds": rounds},
                                       label=label)
        err_console.print(f"{'saved' if created else 'already saved'} as run {run_id} in {workspace}",
                          highlight=False)
    if as_json:
        _echo_json(summary_dict(result, with_pooled=pooled))
    else:
        _print_ensemble(result, f"{sc.name}: forecast distribution", pooled=pooled)
    if result.interrupted:  # the partial summary is printed (and saved); the status still says Ctrl-C
        raise click.exceptions.Abort


@cli.command("whatif")
@click.argument("scenario", required=False)
@click.option("--shock", "shocks", multiple=True, required=True, metavar="NAME|FILE",
              help="A shock id of the scenario or a YAML file with a shock (repeatable; applied in order).")
@_with_ensemble_options
@workspace_option
def whatif_cmd(scenario: str | None, shocks: tuple[str, ...], draws: int, engines: tuple[str, ...],
               rounds: int | None, seed: int, options: tuple[str, ...], scheduler: str | None,
               workers: int | None, as_json: bool, pooled: bool, workspace: Path | None) -> None:
    """Compare the baseline forecast distribution with the shocked one, per issue."""
    sc = load_scenario(scenario, workspace)
    chosen = resolve_shocks(sc, shocks)
    names = engines or (RECOMMENDED,)
    kwargs = dict(draws=draws, engines=names, seed=seed, rounds=rounds, options=_engine_options(names, options),
                  scheduler=scheduler, workers=workers)
    base = _run_ensemble_with_progress(sc, quiet=as_json, **kwargs)
    if base.interrupted:  # Ctrl-C stops the comparison; half of one is no answer
        raise click.exceptions.Abort
    after = _run_ensemble_with_progress(sc, quiet=as_json, shocks=chosen, **kwargs)
    if after.interrupted:
        raise click.exceptions.Abort
    from stratagem.analysis.disagreement import side_by_side, summary_dict

    if as_json:
        _echo_json({"scenario": sc.id, "shocks": [s.id for s in chosen],
                    "baseline": summary_dict(base, with_pooled=pooled),
                    "shocked": summary_dict(after, with_pooled=pooled)})
        return
    from rich.table import Table

    from stratagem.cli.output import console

    table = Table(title=f"{sc.name}: what if {', '.join(s.name for s in chosen)}")
    several = len(base.engines) > 1
    for col in ("issue", *(("engine",) if several else ()), "baseline median (80%)", "shocked median (80%)",
                "change"):
        table.add_column(col, justify="left" if col in ("issue", "engine") else "right")
    pairs = [(name, summaries, side_by_side(after)[name]) for name, summaries in side_by_side(base).items()]
    if several and pooled:
        pairs.append(("pooled (mixture)", base.issues, after.issues))
    for k, issue in enumerate(sc.issues):
        for name, before, shocked in pairs:
            b, a = before[k], shocked[k]
            table.add_row(issue.id, *((name,) if several else ()),
                          f"{b.median:.1f} ({b.quantiles['p10']:.0f}-{b.quantiles['p90']:.0f})",
                          f"{a.median:.1f} ({a.quantiles['p10']:.0f}-{a.quantiles['p90']:.0f})",
                          f"{a.median - b.median:+.1f}")
    console.print(table)
    timed = [f"{s.id} after round {s.round}" for s in chosen if s.round]
    console.print(f"{base.draws} draws each, engines: {', '.join(base.engines)}"
                  + (f"; during the run: {', '.join(timed)}" if timed else ""), style="dim", highlight=False)


@cli.command("explain")
@click.argument("scenario", required=False)
@click.option("--engine", "-e", default=EXPLAINED, show_default=True)
@click.option("--rounds", type=ROUNDS, default=None)
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE")
@click.option("--draws", type=DRAWS_OR_NONE, default=1000, show_default=True,
              help="Draws for the variance-based indices (0 skips them).")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@workspace_option
def explain_cmd(scenario: str | None, engine: str, rounds: int | None, options: tuple[str, ...], draws: int,
                seed: int, as_json: bool, workspace: Path | None) -> None:
    """Who moved and why, pivotal actors, and whom to persuade."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from stratagem.api import explain
    from stratagem.cli.output import console, styled

    sc = load_scenario(scenario, workspace)
    with progress_bar(TextColumn("variance indices"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      disable=as_json or draws == 0) as bar:
        task = bar.add_task("draws", total=max(draws, 1))

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        why = explain(sc, engine, rounds=rounds, seed=seed, options=parse_options(options), draws=draws,
                      progress=update)
    if as_json:
        _echo_json(why.to_dict())
        return
    run, sens, indices, persuade, moves = why.run, why.sensitivities, why.variance, why.persuade, why.moves()
    console.print(styled((sc.name, "bold"), f": {engine}, {run.rounds} rounds"))
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
        table.add_row(s.issue + ("!" if s.discontinuous else ""), s.actor, f"{s.position:+.2f}",
                      f"{s.salience:+.2f}", f"{s.capability:+.2f}")
    console.print(table)
    if any(s.discontinuous for s in ranked[:15]):
        console.print("! the forecast jumps here (a threshold or a switch between cycle phases): the figure is a "
                      "difference across the jump, not a slope", style="dim", highlight=False)
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


