"""What a database path is, checked before SQLite touches it, so each refusal names its true cause.

A database is a regular file (or nothing yet, for a load). A directory, a device (`/dev/null`),
a FIFO or a socket is refused as a usage error (exit 2) before anything is opened, so no
`-journal`/`-wal` file is made beside it. So is a dangling symbolic link and a path whose
directory does not exist. A load needs to write the file and its directory (SQLite keeps
`-wal` and `-shm` beside the database); a reader only needs to read them: where it cannot
write, it opens the database read-only (`readonly`).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from shunt import errors

_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISSOCK, "a socket"))


def _p(path) -> str:
    from shunt.plaintext import plain

    return plain(str(path))


def kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def check(p: Path, create: bool) -> bool:
    """Refuse a path that cannot be a database (errors.UsageError, NotFound). → whether the file exists."""
    try:
        st = os.stat(p)
    except FileNotFoundError:
        if os.path.islink(p):
            raise errors.UsageError(
                f"{_p(p)} is a symbolic link to {_p(os.readlink(p))}, which does not exist; "
                "give the path of the database itself") from None
        parent = p.parent
        if not parent.is_dir():
            raise errors.UsageError(f"no directory {_p(parent)} for the database {_p(p)}; "
                                    "create it first or give another path") from None
        if not create:
            raise errors.NotFound(f"no database at {_p(p)}; run shunt load first") from None
        return False
    except NotADirectoryError:
        raise errors.UsageError(f"{_p(p)}: a part of this path is a file, not a directory") from None
    except OSError as exc:  # EACCES on a directory of the path, ELOOP...
        raise errors.StorageError(f"cannot reach {_p(p)}: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise errors.UsageError(f"{_p(p)} is a directory, not a database file; give a file's path, "
                                f"e.g. {_p(p / 'shunt.db')}")
    if not stat.S_ISREG(st.st_mode):
        raise errors.UsageError(f"{_p(p)} is not a regular file ({kind(st.st_mode)}); "
                                "give the path of a database file")
    return True


def _why_not_writable(path: Path) -> str:
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return "read-only file system"
    except OSError:
        pass
    return os.strerror(errno.EACCES).lower()


def writable_dir(p: Path) -> bool:
    return os.access(p.parent, os.W_OK)


def check_writable(p: Path, exists: bool) -> None:
    """For a load: the directory (and the file, if any) must be writable; else a clear StorageError."""
    parent = p.parent
    if not writable_dir(p):
        what = "create" if not exists else "load into"
        raise errors.StorageError(
            f"cannot {what} {_p(p)}: its directory {_p(parent)} is not writable ({_why_not_writable(parent)}); "
            f"a load needs to write there ({_p(p.name)}, {_p(p.name)}-wal, {_p(p.name)}-shm)")
    if exists and not os.access(p, os.W_OK):
        raise errors.StorageError(f"cannot load into {_p(p)}: the file is read-only "
                                  f"({_why_not_writable(p)}); check its permissions")


def readonly(p: Path) -> bool:
    """For a reader: open read-only when this process cannot write the file or its directory."""
    return not (os.access(p, os.W_OK) and writable_dir(p))


def disk_full(p: Path) -> bool:
    """Whether the file system holding `p` has no block left for this process."""
    try:
        st = os.statvfs(p.parent if not p.is_dir() else p)
    except OSError:
        return False
    return st.f_bavail == 0
