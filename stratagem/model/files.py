"""The one place stratagem reads input files and writes output files.

Reading (:func:`read_bytes`, :func:`read_text`): only regular files are opened; a FIFO,
a device, a socket or a directory is refused from ``stat`` alone, before anything is
opened, so ``/dev/zero`` or a named pipe can never hang a command or fill memory. Reads
are bounded by a documented size limit (:data:`MAX_SCENARIO_BYTES` for scenario, shock
and CSV files, :data:`MAX_DOCUMENT_BYTES` for source documents).

Writing (:func:`atomic_writer`, :func:`write_bytes_atomic`): the target must be a new
path or an existing regular file (never a symlink, a device, a FIFO or a directory);
the content goes to a temporary file in the same directory, which is renamed over the
target only when complete, and removed on any failure (Ctrl-C included). A full disk,
a read-only file system or a permission problem is one line naming the path.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from stratagem.model.errors import OutputPathError, ScenarioError, StratagemError

#: largest scenario YAML, shock YAML, single-issue CSV or KTAB CSV read (the built-ins are under 100 KB)
MAX_SCENARIO_BYTES = 10 * 1024 * 1024
#: largest source document (text or HTML) ingested
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

ErrorFactory = Callable[..., StratagemError]

_KINDS = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "is a named pipe (FIFO)"),
    (stat.S_ISCHR, "is a character device"),
    (stat.S_ISBLK, "is a block device"),
    (stat.S_ISSOCK, "is a socket"),
)


def _kind(mode: int) -> str:
    for test, words in _KINDS:
        if test(mode):
            return words
    return "is not a regular file"


def _too_large(size: int, limit: int) -> str:
    return f"file is {size / 1e6:.1f} MB, above the {limit // (1024 * 1024)} MB limit"


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def require_regular_file(path: str | Path, *, error: ErrorFactory = ScenarioError) -> os.stat_result:
    """``stat`` of ``path`` if it is a regular file (symlinks followed), else ``error(message, path=)``."""
    p = Path(path)
    try:
        info = os.stat(p)
    except FileNotFoundError:
        raise error("no such file", path=p) from None
    except OSError as exc:
        raise error(f"cannot read: {_reason(exc)}", path=p) from None
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{_kind(info.st_mode)}, not a regular file", path=p)
    return info


def read_bytes(path: str | Path, *, limit: int = MAX_SCENARIO_BYTES, error: ErrorFactory = ScenarioError) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them, or ``error(message, path=)``.

    ``stat`` decides before anything is opened, and the file is opened non-blocking and
    checked again, so a path swapped for a FIFO in between cannot block either.
    """
    p = Path(path)
    info = require_regular_file(p, error=error)
    if info.st_size > limit:
        raise error(_too_large(info.st_size, limit), path=p)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise error(f"cannot read: {_reason(exc)}", path=p) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise error(f"{_kind(opened.st_mode)}, not a regular file", path=p)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise error(f"cannot read: {_reason(exc)}", path=p) from None
    finally:
        os.close(fd)
    if total > limit:  # the file grew after stat
        raise error(_too_large(total, limit), path=p)
    return b"".join(chunks)


def read_text(path: str | Path, *, limit: int = MAX_SCENARIO_BYTES, error: ErrorFactory = ScenarioError) -> str:
    """A UTF-8 text input file (scenario, shock, CSV), with one-line errors for binary, empty or bad files."""
    p = Path(path)
    raw = read_bytes(p, limit=limit, error=error)
    if b"\x00" in raw[:8192]:
        raise error("binary file, expected text (YAML or CSV)", path=p)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start})", path=p) from None
    if not text.strip():
        raise error("empty file", path=p)
    return text


# -- writing -----------------------------------------------------------------
def check_output_path(path: str | Path, *, what: str = "output") -> Path:
    """``path`` if a file may be written there: a new name, or an existing regular file (not a symlink).

    Commands call this before any long work, so a bad ``-o`` fails in a second, not after the run.
    """
    target = Path(path)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputPathError(f"cannot write the {what}: {_reason(exc)}", path=target) from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise OutputPathError(f"is a symbolic link; refusing to replace it with the {what}", path=target)
        if not stat.S_ISREG(info.st_mode):
            raise OutputPathError(f"{_kind(info.st_mode)}; the {what} must go to a regular file or a new path",
                                  path=target)
    directory = target.parent
    if not directory.is_dir():
        raise OutputPathError("directory does not exist", path=directory)
    return target


def check_output_directory(path: str | Path, *, what: str = "output") -> Path:
    """``path`` as a directory to write files into, created (with its parents) if missing."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise OutputPathError(f"is not a directory; the {what} need one", path=target)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(exc, target, what) from None
    return target


def _write_error(exc: OSError, target: Path, what: str) -> OutputPathError:
    reasons = {
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
    }
    reason = reasons.get(exc.errno or 0, _reason(exc))
    return OutputPathError(f"cannot write the {what}: {reason} (nothing was written)", path=target)


def _stale_temporaries(target: Path) -> None:
    """Remove temporary files a killed writer of ``target`` left behind (their pid is in the name)."""
    for old in target.parent.glob(f".{target.name}.*.tmp"):
        pid = old.name[len(target.name) + 2:].split(".", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            with suppress(OSError):
                old.unlink()
        except OSError:  # alive but not ours (EPERM): leave it
            continue


@contextmanager
def _replacing(path: str | Path, what: str) -> Iterator[int]:
    """A descriptor of a new temporary file next to ``path``, renamed over it when the block ends well."""
    target = check_output_path(path, what=what)
    _stale_temporaries(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _write_error(exc, target, what) from None
    try:
        try:
            yield fd
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, 0o644)  # mkstemp makes files owner-only; outputs are meant to be shared and opened
        check_output_path(target, what=what)  # nothing became a symlink or a device meanwhile
        os.replace(tmp, target)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(tmp)
        raise _write_error(exc, target, what) from None
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


@contextmanager
def atomic_writer(path: str | Path, *, what: str = "output") -> Iterator[TextIO]:
    """Write a text file via a temporary file in the same directory, renamed over ``path`` when complete.

    If anything fails (an error, a full disk, Ctrl-C), the temporary file is removed and
    the target is untouched.
    """
    with _replacing(path, what) as fd:
        handle = open(os.dup(fd), "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        try:
            yield handle
            handle.flush()
        finally:
            with suppress(OSError):
                handle.close()


def write_bytes_atomic(path: str | Path, data: bytes, *, what: str = "output") -> None:
    """Write ``data`` to ``path`` the same way as :func:`atomic_writer` (for images and other binaries)."""
    with _replacing(path, what) as fd:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]


def check_workspace_path(path: str | Path) -> Path:
    """``path`` if it can hold a workspace database: a new path, or a non-empty regular file.

    An existing empty file is refused: it is more likely a mistake (a log, a placeholder)
    than a workspace, and opening it would silently turn it into a database. Whether a
    non-empty file is a stratagem workspace is for SQLite and the store to say.
    """
    target = Path(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return check_output_path(target, what="workspace")
    except OSError as exc:
        raise OutputPathError(f"cannot open the workspace: {_reason(exc)}", path=target) from None
    if not stat.S_ISREG(info.st_mode):
        raise OutputPathError(f"{_kind(info.st_mode)}, not a workspace database", path=target)
    if info.st_size == 0:
        raise OutputPathError("is an empty file, not a workspace database (remove it or choose a new path)",
                              path=target)
    return target
