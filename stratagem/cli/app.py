"""The ``stratagem`` command group, its shared helpers and the entry point.

Commands live in sibling modules (one per area) and only parse and print; every
number comes from the library. Input and usage errors print one line and exit 2.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import click

from stratagem import __version__
from stratagem.cli.lazy import LazyGroup
from stratagem.model.errors import StratagemError
from stratagem.model.limits import MAX_DRAWS, MAX_ROUNDS, MAX_SEED, MAX_WORKERS, check_scheduler

# C0 and C1 control characters (ESC starts terminal escape sequences) other than newline and tab,
# and the bidirectional overrides that reorder what a terminal shows
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), so names cannot drive the terminal."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                            else f"\\u{ord(m.group()):04x}", text)


if TYPE_CHECKING:
    from rich.progress import Progress

    from stratagem.cli.output import LiteralConsole as LiteralConsole
    from stratagem.cli.output import console as console
    from stratagem.cli.output import err_console as err_console
    from stratagem.cli.output import styled as styled

_CONSOLE_NAMES = ("LiteralConsole", "console", "err_console", "styled")


def __getattr__(name: str) -> Any:
    """The consoles and ``styled`` from :mod:`stratagem.cli.output`, imported (with Rich) on first use."""
    if name not in _CONSOLE_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from stratagem.cli import output

    return getattr(output, name)


# Run options with their documented bounds (stratagem.model.limits), checked by the option parser
ROUNDS = click.IntRange(0, MAX_ROUNDS)
DRAWS = click.IntRange(1, MAX_DRAWS)
DRAWS_OR_NONE = click.IntRange(0, MAX_DRAWS)
WORKERS = click.IntRange(1, MAX_WORKERS)
SEED = click.IntRange(0, MAX_SEED)


def progress_bar(*columns: Any, disable: bool = False, auto_refresh: bool = True) -> Progress:
    """A transient progress bar on stderr, shown only on a terminal (elsewhere it would leave a blank line)."""
    from rich.progress import Progress

    from stratagem.cli.output import err_console

    return Progress(*columns, console=err_console, transient=True, disable=disable or not err_console.is_terminal,
                    auto_refresh=auto_refresh)


def scheduler_address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Option callback: a Dask scheduler address (tcp://HOST:PORT), refused in one line otherwise."""
    try:
        return check_scheduler(value, f"--{param.name}")
    except StratagemError as exc:
        raise click.BadParameter(str(exc).removeprefix(f"--{param.name} "), ctx=ctx, param=param) from None


def parse_options(pairs: Sequence[str]) -> dict[str, str]:
    """Parse repeated KEY=VALUE options into a dict."""
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"'{pair}' is not KEY=VALUE", param_hint="--option")
        options[key.strip()] = value.strip()
    return options


def parse_date(value: str | None, option: str = "--date") -> dt.date | None:
    """An ISO date option (YYYY-MM-DD), or a usage error naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)", param_hint=option) from None


def fmt(value: float | None, digits: int = 1) -> str:
    """A number for a table cell; '-' for a missing one."""
    return "-" if value is None else f"{value:.{digits}f}"


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stratagem")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Forecast multi-party political negotiations with established bargaining models."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _fail(message: str, code: int = 2) -> NoReturn:
    __getattr__("err_console").print(f"error: {message}", highlight=False, markup=False, soft_wrap=True)
    sys.exit(code)


def _warning_line(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: TextIO | None = None, line: str | None = None) -> None:
    """A warning (numpy's overflow, say) as one line on stderr instead of Python's two-line report."""
    text = " ".join(str(message).split())
    if issubclass(category, RuntimeWarning):
        text = f"numerical problem in the computation ({text}); results may be unreliable: check for extreme inputs"
    __getattr__("err_console").print(f"warning: {text}", soft_wrap=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI, turning user-facing errors into one line and exit status 2.

    Ctrl-C ends with one line and status 130; outputs are written atomically, so nothing is
    left half-written (an ensemble interrupted after some chunks prints their summary).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    # The command uses no pydantic plugins; looking for them reads every installed package's entry points
    # (about 10 ms with a hundred packages) before the first schema is built. PYDANTIC_DISABLE_PLUGINS set
    # beforehand wins (empty: load every plugin).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # One BLAS thread per process: the engines' matrix products are small and the CLI's parallelism is its
    # workers; OpenBLAS otherwise starts a thread per core at numpy's import (about 30 ms of CPU per process).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # The command line as a process (argv None): no cyclic garbage collection while the command's modules
    # are imported (numpy, pydantic and the schema allocate hundreds of thousands of objects and free few);
    # LazyGroup.get_command freezes what they made (no later collection looks at it) and turns it back on.
    # About 6% fewer instructions for a small forecast or a bdm ensemble's start (docs/benchmarks.md).
    if argv is None:
        gc.disable()
    try:
        with warnings.catch_warnings():
            if not debug:
                warnings.showwarning = _warning_line
            _run(args, debug)
    finally:
        gc.enable()


def _run(args: list[str], debug: bool) -> None:
    try:
        cli.main(args=args, prog_name="stratagem", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        _fail("interrupted", 130)
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


