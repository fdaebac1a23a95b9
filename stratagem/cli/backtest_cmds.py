"""Backtest commands: score the engines against recorded outcomes."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import click
from rich.table import Table

from stratagem.analysis.backtest import (
    FOLD_SEEDS,
    RECOMMENDED,
    BacktestResult,
    run_backtest,
    run_frozen,
    score_scenarios,
)
from stratagem.cli.app import SEED, WORKERS, cli, console, fmt, printable, progress_bar, scheduler_address
from stratagem.cli.scenario_ref import load_scenario, workspace_option
from stratagem.model.deu import load_deu
from stratagem.model.files import check_output_path
from stratagem.model.io import atomic_writer

DEU_DEV = ("data", "deu", "deu_dev.csv")  # under the shared folder (stratagem.model.shared)


@cli.command("backtest")
@click.argument("dataset", type=click.Choice(["deu"]))
@click.option("--data", "data", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The DEU CSV file (default: data/deu/deu_dev.csv in $STRATAGEM_SHARED, else in the "
                   "shared folder beside the source checkout).")
@click.option("--engine", "-e", "engines", multiple=True,
              help="Engine(s) to score (default: every engine and the learned forecasters).")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed for engines, folds and bootstrap.")
@click.option("--fold-seeds", type=click.IntRange(min=1, max=100), default=FOLD_SEEDS, show_default=True,
              help="Repeat the cross-validation with this many fold assignments (seed, seed+1, ...).")
@click.option("--fit-on", "fit_on", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fit the learned forecasters on this DEU file and score --score with them frozen.")
@click.option("--score", "score_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --fit-on: the held-out DEU file to score (no refitting, no cross-validation).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write isnr,engine,forecast,p10,p90 CSV.")
@click.option("--calibration", is_flag=True, help="Also print the reliability of the forecast intervals.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write a self-contained HTML report (scores and reliability diagram).")
@click.option("--scheduler", default=None, callback=scheduler_address, metavar="tcp://HOST:PORT", help="Run the proposals on a Dask cluster.")
@click.option("--workers", type=WORKERS, default=None, help="Local processes (default: cores).")
def backtest_cmd(dataset: str, data: Path | None, engines: tuple[str, ...], seed: int, fold_seeds: int,
                 fit_on: Path | None, score_path: Path | None, as_json: bool, out: Path | None,
                 calibration: bool, report_path: Path | None, scheduler: str | None, workers: int | None) -> None:
    """Forecast every recorded issue of DATASET and score each engine against the outcomes.

    By default the learned forecasters are cross-validated on --data; with
    --fit-on DEV --score HELDOUT they are fitted on DEV and HELDOUT is scored
    with those parameters frozen.
    """
    if (fit_on is None) != (score_path is None):
        raise click.UsageError("--fit-on and --score go together")
    for path, what in ((out, "forecasts"), (report_path, "report")):
        if path is not None:
            check_output_path(path, what=what)  # before the long work
    dev = load_deu(fit_on) if fit_on is not None else None
    if data is None and score_path is None:
        from stratagem.model.shared import shared_file

        data = shared_file(*DEU_DEV, option="--data")
    scored_file = score_path if score_path is not None else data
    assert scored_file is not None
    proposals = load_deu(scored_file)

    def run(progress: Callable[[int, int], None] | None) -> BacktestResult:
        if dev is not None:
            return run_frozen(dev, proposals, engines or None, seed=seed, workers=workers, scheduler=scheduler,
                              progress=progress)
        return run_backtest(proposals, engines or None, seed=seed, fold_seeds=fold_seeds, workers=workers,
                            scheduler=scheduler, progress=progress)

    if as_json:
        result = run(None)
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn

        with progress_bar(TextColumn("backtest {task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeRemainingColumn()) as bar:
            task = bar.add_task(scored_file.name, total=len(proposals))
            result = run(lambda done, total: bar.update(task, completed=done, total=total))
    data = scored_file
    if out is not None:
        _write_forecasts(result, out)
    if report_path is not None:
        from stratagem.report.calibration import write_backtest_report

        write_backtest_report(result, report_path, f"Backtest on {data.name}")
    if as_json:
        payload = result.to_dict()
        payload["fitted"] = result.fitted_summary()
        if calibration:
            payload["calibration"] = {k: [list(p) for p in v] for k, v in result.calibration().items()}
        click.echo(json.dumps(payload, indent=2))
        return
    _print_scores(result, data)
    if calibration:
        _print_calibration(result)


def _write_forecasts(result: BacktestResult, path: Path) -> None:
    with atomic_writer(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["isnr", "engine", "forecast", "p10", "p90"])
        for issue, engine, value, low, high in result.forecast_rows():
            writer.writerow([issue, engine, f"{value:.4f}", "" if low is None else f"{low:.4f}",
                             "" if high is None else f"{high:.4f}"])


def _print_scores(result: BacktestResult, data: Path | None, title: str | None = None) -> None:
    how = ("learned forecasters fitted on the development file, frozen" if result.mode == "frozen" else
           f"learned forecasters cross-validated by proposal, {len(result.fold_seeds)} fold seed(s)")
    if title is None:
        assert data is not None
        title = f"{data.name}: {result.n} issues of {result.proposals} proposals ({how})"
    table = Table(title=title)
    for col in ("engine", "MAE (95% CI)", "RMSE", "hit10", "coverage80", "CRPS", "MAE vs compromise (95% CI)"):
        table.add_column(col, justify="left" if col == "engine" else "right")
    for name, s in sorted(result.scores.items(), key=lambda kv: kv[1].mae):
        label = f"{name} (recommended)" if name == RECOMMENDED else name
        vs = s.vs_compromise
        table.add_row(label, f"{s.mae:.1f} ({s.mae_ci95[0]:.1f}-{s.mae_ci95[1]:.1f})", f"{s.rmse:.1f}",
                      f"{s.hit10:.2f}", "-" if s.coverage80 is None else f"{s.coverage80:.2f}",
                      "-" if s.crps is None else f"{s.crps:.1f}",
                      "-" if vs is None else f"{vs.mae_diff:+.1f} ({vs.mae_diff_ci95[0]:+.1f} to "
                      f"{vs.mae_diff_ci95[1]:+.1f})")
    console.print(table)
    groups = "proposals" if result.mode != "scenario" else ("scenarios" if result.proposals > 1 else "issues")
    console.print("hit10 = share within 10 points; coverage80 = share of outcomes in the 80% interval; "
                  f"MAE vs compromise: paired bootstrap over {groups} (negative = better)",
                  style="dim", highlight=False)
    if result.chosen:
        picks = ", ".join(f"{name} {result.chosen.count(name)}x" for name in dict.fromkeys(result.chosen))
        console.print(f"selected (nested cross-validation) chose: {picks}", highlight=False)


def _print_calibration(result: BacktestResult) -> None:
    table = Table(title="Reliability: share of outcomes inside central intervals")
    curves = result.calibration()
    table.add_column("interval")
    for name in curves:
        table.add_column(name, justify="right")
    levels = [lvl for lvl, _ in next(iter(curves.values()))] if curves else []
    for k, level in enumerate(levels):
        table.add_row(f"{level:.0%}", *[f"{curves[name][k][1]:.0%}" for name in curves])
    console.print(table)


@cli.command("score")
@click.argument("scenarios", nargs=-1, required=True, metavar="SCENARIO...")
@click.option("--engine", "-e", "engines", multiple=True, help="Engine(s) to score (default: every engine).")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed for stochastic engines and bootstrap.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@workspace_option
def score_cmd(scenarios: tuple[str, ...], engines: tuple[str, ...], seed: int, as_json: bool,
              workspace: Path | None) -> None:
    """Score every engine against the outcomes recorded in SCENARIO(s), with the DEU backtest's metrics."""
    loaded = [load_scenario(ref, workspace) for ref in scenarios]
    result = score_scenarios(loaded, engines or None, seed=seed)
    if as_json:
        payload = result.to_dict()
        payload["issues"] = [
            {"scenario": r.proposal.split("/")[0] if len(loaded) == 1 else r.proposal, "issue": r.issue,
             "outcome": r.outcome,
             "forecasts": {name: round(float(pred.point[i]), 4) for name, pred in result.predictions.items()}}
            for i, r in enumerate(result.rows)]
        click.echo(json.dumps(payload, indent=2))
        return
    names = ", ".join(sc.id for sc in loaded)
    _print_scores(result, None, f"{printable(names)}: {result.n} issue(s) with recorded outcomes "
                                "(engines with their shipped parameters, nothing fitted)")
    table = Table(title="Forecast and outcome per issue")
    table.add_column("issue")
    table.add_column("outcome", justify="right")
    for name in result.predictions:
        table.add_column(name, justify="right")
    for i, r in enumerate(result.rows):
        table.add_row(printable(r.issue), fmt(r.outcome),
                      *[fmt(float(pred.point[i])) for pred in result.predictions.values()])
    console.print(table)
