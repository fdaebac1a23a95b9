"""``stratagem new``: a commented scenario skeleton from a workspace's documents."""

from __future__ import annotations

from pathlib import Path

import click

from stratagem.cli.app import cli, console, err_console, parse_date
from stratagem.model.errors import StratagemError
from stratagem.store import DEFAULT_WORKSPACE


@cli.command("new")
@click.argument("scenario_id", metavar="ID")
@click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), default=Path(DEFAULT_WORKSPACE),
              show_default=True, help="The workspace whose documents to read.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write the skeleton to this file (default: print it).")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--as-of", "as_of_s", default=None, metavar="YYYY-MM-DD",
              help="The scenario's date: documents and events dated after it are left out.")
@click.option("--include-after-as-of", "include_later", is_flag=True,
              help="Read documents dated after --as-of too (on purpose).")
@click.option("--issues", "n_issues", type=int, default=1, show_default=True, help="Placeholder issues to write.")
@click.option("--name", default=None, help="The scenario's title.")
@click.option("--gazetteer", "gazetteer_files", multiple=True, type=click.Path(path_type=Path),
              help="Extra gazetteer YAML naming this case's actors (repeatable).")
def new_cmd(scenario_id: str, workspace: Path, output: Path | None, force: bool, as_of_s: str | None,
            include_later: bool, n_issues: int, name: str | None, gazetteer_files: tuple[Path, ...]) -> None:
    """Write a scenario skeleton for ID from the documents in a workspace.

    The skeleton lists the actors found (how often, in which documents), placeholder issues
    with anchor labels to fill in, and a comment on every field. It loads as written; draft
    stances for it with `stratagem draft FILE --workspace W`.
    """
    from stratagem.evidence.gazetteer import load_gazetteer
    from stratagem.store.drafting import new_skeleton, write_new_file
    from stratagem.store.workspace import Workspace

    as_of = parse_date(as_of_s, "--as-of")
    if include_later and as_of is None:
        raise click.BadParameter("--include-after-as-of needs --as-of", param_hint="--include-after-as-of")
    if not workspace.is_file():
        raise StratagemError(f"{workspace}: no workspace here (run `stratagem ingest FILES --workspace "
                             f"{workspace}` first)")
    if output is not None and output.exists() and not force:
        raise StratagemError(f"{output}: already exists; use --force to overwrite it")
    gazetteer = load_gazetteer(gazetteer_files) if gazetteer_files else None
    with Workspace(workspace) as ws:
        skeleton = new_skeleton(ws, scenario_id, as_of=as_of, include_later=include_later, n_issues=n_issues,
                                name=name, gazetteer=gazetteer, workspace_label=str(workspace))
    if skeleton.as_of_message:
        err_console.print(skeleton.as_of_message, highlight=False, markup=False, soft_wrap=True)
    if output is None:
        click.echo(skeleton.text, nl=False)
        return
    write_new_file(output, skeleton.text, force=force)
    later = f", {skeleton.left_out} dated after {as_of} left out" if skeleton.left_out else ""
    console.print(f"wrote {output}: scenario '{scenario_id}' with {len(skeleton.cast.members)} actors from "
                  f"{len(skeleton.documents)} documents{later}; fill in the issues, then "
                  f"`stratagem draft {output} --workspace {workspace}`", highlight=False, markup=False,
                  soft_wrap=True)
