"""Output files never clobber what they should not, and a failed write leaves nothing behind (issue 19).

Every writer goes through stratagem.model.files: a target that exists and is not a
regular file (a device, a FIFO, a symlink, a directory) is refused in one line before
any work; content goes to a temporary file renamed over the target when complete; a
full disk, a read-only file system or a permission problem is one line, exit 2, with the
temporary file removed and the target untouched.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from stratagem.model import files
from stratagem.model.errors import OutputPathError
from stratagem.model.files import atomic_writer, check_workspace_path, write_bytes_atomic

from .conftest import TINY_SCENARIO, one_line_error

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX special files")


@pytest.fixture
def scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yaml").write_text(TINY_SCENARIO, encoding="utf-8")
    return "s.yaml"


def _temporaries(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# -- targets that must not be replaced ------------------------------------------------------------------
def _fifo(directory: Path) -> tuple[Path, str]:
    path = directory / "pipe.csv"
    os.mkfifo(path)
    return path, "is a named pipe (FIFO)"


def _symlink(directory: Path) -> tuple[Path, str]:
    (directory / "real.csv").write_text("keep me\n")
    path = directory / "link.csv"
    path.symlink_to(directory / "real.csv")
    return path, "is a symbolic link"


def _device(directory: Path) -> tuple[Path, str]:
    return Path("/dev/null"), "is a character device"


TARGETS: dict[str, Callable[[Path], tuple[Path, str]]] = {"fifo": _fifo, "symlink": _symlink, "device": _device}


def _unchanged(kind: str, path: Path, directory: Path) -> None:
    if kind == "fifo":
        assert stat.S_ISFIFO(os.lstat(path).st_mode)
    elif kind == "symlink":
        assert path.is_symlink() and (directory / "real.csv").read_text() == "keep me\n"
    else:
        assert stat.S_ISCHR(os.stat(path).st_mode)


@pytest.mark.parametrize("kind", list(TARGETS))
def test_trajectory_refuses_special_targets(run_cli, scenario: str, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    path, expect = TARGETS[kind](tmp_path)
    one_line_error(run_cli("forecast", scenario, "-e", "compromise", "--trajectory", str(path)), str(path), expect)
    _unchanged(kind, path, tmp_path)
    assert _temporaries(tmp_path) == []


@pytest.mark.parametrize("kind", list(TARGETS))
def test_report_output_refuses_special_targets_before_any_work(run_cli, scenario: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                               kind: str) -> None:
    path, expect = TARGETS[kind](tmp_path)
    one_line_error(run_cli("report", scenario, "-o", str(path), "--quiet"), str(path), expect)
    _unchanged(kind, path, tmp_path)


@pytest.mark.parametrize("kind", list(TARGETS))
def test_backtest_out_refuses_special_targets_before_any_work(run_cli, scenario: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                              kind: str) -> None:
    path, expect = TARGETS[kind](tmp_path)
    one_line_error(run_cli("backtest", "deu", "--data", "missing.csv", "--out", str(path)), str(path), expect)
    _unchanged(kind, path, tmp_path)


def test_png_directory_that_is_a_file(run_cli, scenario: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "charts").write_text("a file\n")
    one_line_error(run_cli("report", scenario, "--png", "charts", "--quiet"), "'--png'", "charts")
    assert (tmp_path / "charts").read_text() == "a file\n"


def test_png_writer_refuses_a_symlinked_chart(tmp_path: Path) -> None:
    (tmp_path / "real.png").write_bytes(b"old")
    (tmp_path / "map.png").symlink_to(tmp_path / "real.png")
    with pytest.raises(OutputPathError, match="is a symbolic link"):
        write_bytes_atomic(tmp_path / "map.png", b"\x89PNG new")
    assert (tmp_path / "real.png").read_bytes() == b"old"


def test_directory_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(OutputPathError, match="is a directory"), atomic_writer(tmp_path / "out.csv") as handle:
        handle.write("x")


# -- failures while writing: one line, nothing left behind -----------------------------------------
@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "no space left on the device"), (errno.EROFS, "read-only file system"),
     (errno.EACCES, "permission denied")],
)
@pytest.mark.parametrize("stage", ["create", "write"])
def test_full_or_read_only_disk_is_one_line(run_cli, scenario: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                            monkeypatch: pytest.MonkeyPatch, code: int, words: str, stage: str) -> None:
    (tmp_path / "t.csv").write_text("old contents\n")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(files.tempfile if stage == "create" else files.os, "mkstemp" if stage == "create" else "fsync",
                        fail)
    one_line_error(run_cli("forecast", scenario, "-e", "compromise", "--trajectory", "t.csv"),
                   "t.csv: cannot write the output", words, "nothing was written")
    assert (tmp_path / "t.csv").read_text() == "old contents\n"
    assert _temporaries(tmp_path) == []


def test_ctrl_c_while_writing_leaves_the_old_file(run_cli, scenario: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "t.csv").write_text("old contents\n")

    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupt)
    result = run_cli("forecast", scenario, "-e", "compromise", "--trajectory", "t.csv")
    assert result.code == 130
    assert [line for line in result.err.splitlines() if line.strip()] == ["error: interrupted"]
    assert (tmp_path / "t.csv").read_text() == "old contents\n"
    assert _temporaries(tmp_path) == []


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    dead = 2**22 + 12345  # above the usual pid_max, so no process has it
    stale = tmp_path / f".t.csv.{dead}.abcd.tmp"
    stale.write_text("")
    alive = tmp_path / f".t.csv.{os.getpid()}.efgh.tmp"  # a writer still running: left alone
    alive.write_text("")
    with atomic_writer(tmp_path / "t.csv") as handle:
        handle.write("new\n")
    assert (tmp_path / "t.csv").read_text() == "new\n"
    assert not stale.exists() and alive.exists()
    assert stat.S_IMODE(os.stat(tmp_path / "t.csv").st_mode) == 0o644


def test_writing_replaces_a_regular_file(run_cli, scenario: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "t.csv").write_text("old contents\n")
    result = run_cli("forecast", scenario, "-e", "compromise", "--trajectory", "t.csv")
    assert result.code == 0, result.err
    assert (tmp_path / "t.csv").read_text().startswith("round,issue,actor,position\n")
    assert _temporaries(tmp_path) == []


# -- the workspace ------------------------------------------------------------------------------------
def test_an_empty_file_is_not_silently_made_a_workspace(run_cli, scenario: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "notes.db").write_bytes(b"")
    one_line_error(run_cli("ensemble", scenario, "-n", "10", "--workers", "1", "--save", "--workspace", "notes.db"),
                   "notes.db: is an empty file, not a workspace database")
    assert (tmp_path / "notes.db").read_bytes() == b""
    one_line_error(run_cli("evidence", "--workspace", "notes.db"), "notes.db: is an empty file")


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_special_files_are_not_workspaces(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "w.db"
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/null")
    else:
        path = tmp_path / "w.db"
        path.mkdir()
    with pytest.raises(OutputPathError, match="not a workspace database"):
        check_workspace_path(path)


def test_png_directory_check_in_the_library(tmp_path: Path) -> None:
    (tmp_path / "charts").write_text("a file\n")
    with pytest.raises(OutputPathError, match="charts: is not a directory"):
        files.check_output_directory(tmp_path / "charts", what="charts")


# -- Ctrl-C in a long command ------------------------------------------------------------------------
def _interrupt_after_the_first_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C arrives while the ensemble's second chunk of draws runs."""
    from stratagem.analysis import ensemble

    real = ensemble.run_chunk

    def interrupted_after_the_first(task):  # type: ignore[no-untyped-def]
        if task.chunk_index >= 1:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(ensemble, "run_chunk", interrupted_after_the_first)


def test_ctrl_c_in_an_ensemble_prints_the_partial_summary_and_exits_130(run_cli, scenario: str,  # type: ignore[no-untyped-def]
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _interrupt_after_the_first_chunk(monkeypatch)
    result = run_cli("ensemble", scenario, "-n", "2000", "--workers", "1")
    assert result.code == 130
    assert "500 draws" in result.out and "INTERRUPTED: partial summary" in result.out
    assert [line for line in result.err.splitlines() if line.strip()] == ["error: interrupted"]


@pytest.mark.parametrize("command", ["whatif", "report"])
def test_ctrl_c_in_whatif_or_report_stops_and_writes_nothing(run_cli, scenario: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                            monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    _interrupt_after_the_first_chunk(monkeypatch)
    (tmp_path / "shock.yaml").write_text("id: s\nname: S\nchanges:\n  - {action: set_position, actor: a, issue: i, "
                                         "value: 50}\n")
    extra = ["--shock", "shock.yaml"] + (["-o", "r.html", "--quiet", "-e", "compromise"] if command == "report"
                                         else ["-e", "compromise"])
    result = run_cli(command, scenario, "-n", "2000", "--workers", "1", *extra)
    assert result.code == 130, result.err
    assert [line for line in result.err.splitlines() if line.strip()] == ["error: interrupted"]
    assert not (tmp_path / "r.html").exists() and _temporaries(tmp_path) == []
