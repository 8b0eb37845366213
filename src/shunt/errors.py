"""Domain errors. The CLI turns each into the exit code of cli.md."""

from __future__ import annotations


class ShuntError(Exception):
    """Base class; `exit_code` is what the CLI exits with."""

    exit_code = 1


class NotFound(ShuntError):
    """Nothing to answer: unknown buyer, account, shop or message (exit 1)."""

    exit_code = 1

    def __init__(self, message: str, nearest: list[str] | None = None, **values):
        """`message` is final text, or with `values` a str.format template (`"no buyer {buyer!r}"`): the
        error keeps the values apart, so `--mask` can hide a nick before it is quoted and escaped."""
        self.template, self.values = (message, values) if values else (None, {})
        super().__init__(message.format_map(values) if values else message)
        self.nearest = list(nearest or [])

    def masked(self, nicks, mask) -> NotFound:
        """The same error with every value and nearest name in `nicks` replaced by `mask(value)`."""
        near = [mask(n) if n in nicks else n for n in self.nearest]
        if self.template is None:
            return NotFound(str(self), near)
        vals = {k: mask(v) if isinstance(v, str) and v in nicks else v for k, v in self.values.items()}
        return NotFound(self.template, near, **vals)


class UsageError(ShuntError):
    """Bad option or unreadable date (exit 2)."""

    exit_code = 2

    def __init__(self, message: str, **lists: list[str]):
        """`message` is final text, or with `lists` a str.format template whose values are lists of
        names: the error keeps them apart, so the CLI joins them as a list of the language shown."""
        self.template, self.lists = (message, lists) if lists else (None, {})
        super().__init__(message.format_map({k: ", ".join(v) for k, v in lists.items()}) if lists else message)


class BadData(ShuntError):
    """Rejected input lines, or a database that is not shunt's (exit 3)."""

    exit_code = 3


class StorageError(ShuntError):
    """The database or a file could not be written or read: disk full, I/O error, busy, read-only (exit 4)."""

    exit_code = 4


class Interrupted(ShuntError):
    """Stopped by Ctrl-C (exit 130, as a shell reports a process stopped by SIGINT)."""

    exit_code = 130
