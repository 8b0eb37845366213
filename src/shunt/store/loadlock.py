"""The load lock: one `shunt load` writes a database at a time, and readers know when one does.

A load holds an exclusive `flock` on the database file itself (no side file) from before it opens
the database until after it has closed it; the kernel drops it when the process dies, however
it dies. flock locks are apart from the POSIX (fcntl) locks SQLite takes on the same file, so
they never get in SQLite's way. What the lock decides:

- a second load into the same database waits for the first to finish (it says so on stderr);
- a reader that finds work left by a stopped load (a bulk load's indexes not yet built) does
  that work only under the lock: while a load runs it exits 4 ("busy ... ask again when it
  finishes") instead of building indexes in the middle of a bulk load.

A descriptor is never closed while SQLite may hold POSIX locks on the same file in this process
(closing any descriptor of a file drops them all): a load closes its lock after its connection;
a reader keeps its lock descriptor open until the process ends. A forked child closes the
descriptors it inherited, so a child outliving its parent never holds the lock.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from shunt import errors

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock (SQLite's own locking still orders the writes)
    fcntl = None

_reader_fds: dict[str, int] = {}  # database path → descriptor kept open for the process's life
_load_fds: set[int] = set()


def _close_inherited() -> None:  # in a forked child: hold no lock of the parent's
    for fd in (*_reader_fds.values(), *_load_fds):
        try:
            os.close(fd)
        except OSError:
            pass
    _reader_fds.clear()
    _load_fds.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited)


@contextmanager
def held_for_load(path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the load lock of `path` (made, owner-only, if missing) for the block; wait for another load."""
    old = os.umask(0o077)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o600)
    finally:
        os.umask(old)
    _load_fds.add(fd)
    try:
        if fcntl is not None:
            _lock_waiting(fd, on_wait)
        yield
    finally:
        _load_fds.discard(fd)
        os.close(fd)


def _lock_waiting(fd: int, on_wait: Callable[[], None] | None) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        except KeyboardInterrupt:
            raise errors.Interrupted("interrupted (Ctrl-C) while waiting for the other load; "
                                     "nothing was loaded") from None


def load_running(path: Path) -> bool:
    """Whether a load holds the lock of `path` now (for a reader that found an unfinished database)."""
    if fcntl is None:
        return False
    fd = _reader_fd(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


@contextmanager
def recovering(path: Path) -> Iterator[None]:
    """For a reader finishing a stopped load's work: hold the lock shared (readers may do it together,
    SQLite orders their writes; a load waits for them), or raise StorageError (exit 4) if a load runs."""
    if fcntl is None:
        yield
        return
    fd = _reader_fd(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        raise busy(path) from None
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def busy(path: Path) -> errors.StorageError:
    from shunt.plaintext import plain

    return errors.StorageError(f"{plain(path)} is busy: a `shunt load` is writing it now (a first load builds "
                               "its indexes at the end); ask again when it finishes")


def _reader_fd(path: Path) -> int:
    key = os.path.abspath(path)
    fd = _reader_fds.get(key)
    if fd is None:
        fd = os.open(path, os.O_RDONLY)
        _reader_fds[key] = fd
    return fd
