"""Domain errors. The CLI turns each into the exit code of cli.md."""

from __future__ import annotations


class ShuntError(Exception):
    """Base class; `exit_code` is what the CLI exits with."""

    exit_code = 1


class NotFound(ShuntError):
    """Nothing to answer: unknown buyer, account, shop or message (exit 1)."""

    exit_code = 1

    def __init__(self, message: str, nearest: list[str] | None = None):
        super().__init__(message)
        self.nearest = list(nearest or [])


class UsageError(ShuntError):
    """Bad option or unreadable date (exit 2)."""

    exit_code = 2


class BadData(ShuntError):
    """Rejected input lines, or a database that is not shunt's (exit 3)."""

    exit_code = 3


class StorageError(ShuntError):
    """The database or a file could not be written or read: disk full, I/O error, busy, read-only (exit 4)."""

    exit_code = 4


class Interrupted(ShuntError):
    """Stopped by Ctrl-C (exit 130, as a shell reports a process stopped by SIGINT)."""

    exit_code = 130
