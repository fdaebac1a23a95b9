"""`stratagem runs`: list, show and compare ensembles saved in the workspace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from stratagem.cli.app import cli, console, fmt, styled
from stratagem.model.errors import StratagemError
from stratagem.store import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from stratagem.store.workspace import Workspace

_workspace_option = click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path),
                                 default=Path(DEFAULT_WORKSPACE), show_default=True)


def _open(workspace: Path) -> Workspace:
    from stratagem.store.workspace import Workspace

    if not workspace.exists():
        raise StratagemError(f"{workspace}: no workspace here (save a run with `stratagem ensemble --save`)")
    return Workspace(workspace)


@cli.group("runs")
def runs_group() -> None:
    """Ensembles saved with `stratagem ensemble --save`."""


@runs_group.command("list")
@_workspace_option
@click.option("--scenario", default=None, help="Only runs of this scenario id.")
@click.option("--json", "as_json", is_flag=True)
def runs_list(workspace: Path, scenario: str | None, as_json: bool) -> None:
    """List saved runs, oldest first."""
    from stratagem.store.runs import list_runs

    with _open(workspace) as ws:
        runs = list_runs(ws, scenario)
    if as_json:
        click.echo(json.dumps([{k: v for k, v in r.to_dict().items() if k != "summary"} for r in runs], indent=2))
        return
    table = Table(title=f"Saved runs in {workspace}")
    for col in ("id", "scenario", "draws", "engines", "seed", "saved", "label"):
        table.add_column(col)
    for r in runs:
        table.add_row(r.id, r.scenario_id, str(r.draws), ",".join(r.engines), str(r.seed), r.created_at, r.label)
    console.print(table)


@runs_group.command("show")
@click.argument("run_id")
@_workspace_option
@click.option("--json", "as_json", is_flag=True)
def runs_show(run_id: str, workspace: Path, as_json: bool) -> None:
    """Print a saved run's settings and summary."""
    from stratagem.store.runs import load_run

    with _open(workspace) as ws:
        run = load_run(ws, run_id)
    if as_json:
        click.echo(json.dumps(run.to_dict(), indent=2))
        return
    console.print(styled((run.id, "bold"), f" {run.scenario_name} ({run.scenario_id}), saved {run.created_at}"))
    console.print(f"{run.draws} draws, engines {', '.join(run.engines)}, seed {run.seed}, inputs "
                  f"{run.distribution}, inputs hash {run.inputs_hash[:12]}, stratagem {run.stratagem_version}",
                  style="dim", highlight=False)
    table = Table()
    for col in ("issue", "median", "mean", "80% interval", "95% interval"):
        table.add_column(col, justify="left" if col == "issue" else "right")
    for i in run.summary.get("issues", []):
        table.add_row(i["id"], fmt(i["median"]), fmt(i["mean"]), f"{i['p10']:.0f}-{i['p90']:.0f}",
                      f"{i['p05']:.0f}-{i['p95']:.0f}")
    console.print(table)


@runs_group.command("compare")
@click.argument("run_a")
@click.argument("run_b")
@_workspace_option
@click.option("--json", "as_json", is_flag=True)
def runs_compare(run_a: str, run_b: str, workspace: Path, as_json: bool) -> None:
    """Compare two saved runs issue by issue (medians and 80% intervals)."""
    from stratagem.store.runs import compare_runs, load_run

    with _open(workspace) as ws:
        a, b = load_run(ws, run_a), load_run(ws, run_b)
    rows = compare_runs(a, b)
    if as_json:
        click.echo(json.dumps({"a": a.id, "b": b.id, "same_inputs": a.inputs_hash == b.inputs_hash,
                               "issues": [{**r.__dict__, "change": r.change} for r in rows]}, indent=2))
        return
    table = Table(title=f"run {a.id} ({a.scenario_id}) against run {b.id} ({b.scenario_id})")
    for col in ("issue", f"{a.id} median (80%)", f"{b.id} median (80%)", "change"):
        table.add_column(col, justify="left" if col == "issue" else "right")

    def cell(median: float | None, low: float | None, high: float | None) -> str:
        return "-" if median is None else f"{median:.1f} ({low:.0f}-{high:.0f})"

    for r in rows:
        table.add_row(r.issue, cell(r.median_a, r.p10_a, r.p90_a), cell(r.median_b, r.p10_b, r.p90_b),
                      "-" if r.change is None else f"{r.change:+.1f}")
    console.print(table)
    if a.inputs_hash == b.inputs_hash:
        console.print("same scenario inputs; differences come from draws, engines or seed", style="dim")
