"""Commands that show results: report (a self-contained HTML file) and serve (the local web app)."""

from __future__ import annotations

from pathlib import Path

import click

from stratagem.cli.app import DRAWS, SEED, WORKERS, err_console, printable
from stratagem.cli.app import cli as cli_group
from stratagem.cli.scenario_ref import load_scenario
from stratagem.engines.registry import RECOMMENDED
from stratagem.model.errors import StratagemError
from stratagem.model.files import check_output_directory, check_output_path
from stratagem.model.shocks import resolve_shocks
from stratagem.store import DEFAULT_WORKSPACE


@cli_group.command("report")
@click.argument("scenario", required=False)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="HTML file to write (default: SCENARIO-ID.html).")
@click.option("--draws", "-n", type=DRAWS, default=1000, show_default=True,
              help="Ensemble draws (and the same again per shock).")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Random seed (same seed, same bytes).")
@click.option("--engine", "-e", "engines", multiple=True,
              help=f"Ensemble engine(s) (default: {RECOMMENDED}, the recommended forecaster). Every engine runs "
              "once for the forecasts.")
@click.option("--shock", "shocks", multiple=True, metavar="NAME|FILE",
              help="Shock(s) to compare with the baseline (default: every shock of the scenario).")
@click.option("--no-shocks", is_flag=True, help="Leave out the shock comparison.")
@click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Workspace whose stored documents supply the cited words (and SCENARIO as ID@VERSION).")
@click.option("--documents", multiple=True, type=click.Path(path_type=Path),
              help="Directory with the cited documents (default: $STRATAGEM_DOCUMENTS, ../shared/seeds).")
@click.option("--png", "png_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write static PNG charts (Matplotlib) into this directory.")
@click.option("--workers", type=WORKERS, default=None, help="Local processes (default: cores).")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages.")
def report_cmd(scenario: str | None, output: Path | None, draws: int, seed: int, engines: tuple[str, ...],
               shocks: tuple[str, ...], no_shocks: bool, workspace: Path | None, documents: tuple[Path, ...],
               png_dir: Path | None, workers: int | None, quiet: bool) -> None:
    """Write a self-contained HTML report of SCENARIO (opens offline; charts are interactive)."""
    from stratagem.report.build import DEFAULT_ENSEMBLE_ENGINES, build_report
    from stratagem.report.html import write_report
    from stratagem.store.workspace import Workspace

    sc = load_scenario(scenario, workspace)
    chosen = [] if no_shocks else (resolve_shocks(sc, shocks) if shocks else None)
    target = check_output_path(output or Path(f"{sc.id}.html"), what="report")  # before the long work
    if png_dir is not None:
        check_output_directory(png_dir, what="charts")
    if workspace is not None and not workspace.exists():
        raise StratagemError(f"{workspace}: no such workspace")
    last = [""]

    def progress(what: str, fraction: float) -> None:
        if not quiet and what != last[0]:
            last[0] = what
            err_console.print(f"{what}…", style="dim")

    ws = Workspace(workspace) if workspace is not None else None
    try:
        data = build_report(sc, draws=draws, seed=seed, ensemble_engines=engines or DEFAULT_ENSEMBLE_ENGINES,
                            shocks=chosen, workspace=ws, documents=documents, workers=workers, progress=progress)
    finally:
        if ws is not None:
            ws.close()
    write_report(data, target)
    size = target.stat().st_size
    problems = data.evidence_problems
    checked = f", {data.evidence_checked} checked" if data.evidence_checked else ""
    mismatched = f", {len(problems)} do not match their documents" if problems else ""
    click.echo(f"wrote {printable(str(target))} ({size / 1e6:.1f} MB; {len(data.figures)} charts, "
               f"{data.evidence_found}/{len(data.evidence)} evidence records quoted{checked}{mismatched})")
    for ev in problems:
        err_console.print(f"citation does not match: {ev.problem}", highlight=False, markup=False, soft_wrap=True)
    if png_dir is not None:
        from stratagem.report.png import write_pngs

        paths = write_pngs(data, png_dir)
        click.echo(f"wrote {len(paths)} PNG charts to {printable(str(png_dir))}")


@cli_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (keep it local).")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True)
@click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), default=Path(DEFAULT_WORKSPACE),
              show_default=True, help="Workspace for documents and scenario versions (created if missing).")
@click.option("--documents", multiple=True, type=click.Path(path_type=Path),
              help="Directory with the documents built-in scenarios cite.")
@click.option("--allow-remote", is_flag=True, help="Allow a --host other machines can reach (needs --token).")
@click.option("--token", envvar="STRATAGEM_TOKEN", default=None, show_envvar=True,
              help="Access token every request must carry (open a page once with ?token=TOKEN).")
@click.option("--allowed-host", "allowed_host", multiple=True,
              help="Another name clients use for this server in the Host header (repeatable).")
def serve_cmd(host: str, port: int, workspace: Path, documents: tuple[Path, ...], allow_remote: bool,
              token: str | None, allowed_host: tuple[str, ...]) -> None:
    """Run the local web app (browse, edit, forecast, documents) until Ctrl-C."""
    from stratagem.web.server import check_bind, is_loopback, serve

    check_bind(host, allow_remote=allow_remote, token=token)
    if not is_loopback(host):
        err_console.print(
            f"warning: binding to {host} exposes the app (and your workspace) to other machines; "
            "it has no user accounts, only the access token.", style="bold yellow", highlight=False,
        )
    click.echo(f"stratagem web app on http://{host if ':' not in host else f'[{host}]'}:{port}/ "
               f"(workspace {workspace}); Ctrl-C stops")
    serve(host=host, port=port, workspace=workspace, documents=[str(d) for d in documents],
          allow_remote=allow_remote, token=token, extra_hosts=allowed_host)
