"""Errors that reach users as one line naming where the problem is."""

from __future__ import annotations

from pathlib import Path


class StratagemError(Exception):
    """Base of every error stratagem reports to a user (exit status 2 on the CLI)."""


class ScenarioError(StratagemError):
    """A scenario file or scenario content that cannot be used, with its location."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        self.reason = message
        where = ""
        if self.path is not None:
            where = self.path + (f":{line}" if line is not None else "")
        parts = [p for p in (where, field) if p]
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class EngineError(StratagemError):
    """An engine asked for something it cannot do (unknown option, bad value)."""


class OutputPathError(StratagemError):
    """An output path that must not be written (a device, a FIFO, a symlink) or cannot be (full, read-only)."""

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.reason = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class LimitError(StratagemError):
    """A run option above its documented bound, or a run that would need more memory than allowed."""
