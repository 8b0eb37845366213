"""What every reading command does first: open the database and find the shop."""

from __future__ import annotations

from pathlib import Path

from shunt import timeutil
from shunt.errors import ShuntError, UsageError


def open_shop(db: Path, shop: str | None):
    """→ (conn, shop_id, nick, tz). Raises NotFound / BadData as cli.md says."""
    from shunt import store

    conn = store.open_db(db, create=False)
    store.ensure_derived(conn)
    sid = store.shop_id(conn, shop)
    nick, tzname = store.shop_info(conn, sid)
    return conn, sid, nick, timeutil.zone(tzname)


def moment(text: str, tz) -> int:
    try:
        return timeutil.parse_moment(text, tz)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def day(text: str, tz):
    try:
        return timeutil.parse_date(text, tz)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def duration(text: str) -> int:
    try:
        return timeutil.parse_duration(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def masked(result, buyers, mask: bool):
    if not mask:
        return result
    from shunt.render.text import mask_all

    return mask_all(result, buyers)


class StorageError(ShuntError):
    """The database or a file could not be written or read: disk full, I/O error, busy (exit 4)."""

    exit_code = 4


RERUN = ("the batches committed before the error are kept whole; make room and run the same `shunt load` "
         "again to complete it (it adds nothing twice)")


def is_storage_error(exc: BaseException) -> bool:
    """An error of the storage, not of shunt: sqlite3's operational errors (full, I/O, locked), a damaged
    database file, an OS error on a file. Programming errors (IntegrityError...) stay tracebacks."""
    import sqlite3

    if isinstance(exc, OSError):
        return not isinstance(exc, BrokenPipeError)
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def storage_error(exc: BaseException, db=None, *, load: bool = False) -> ShuntError:
    """A clear domain error for an sqlite3 / OS error met while using the database `db`."""
    import errno
    import sqlite3

    from shunt.errors import BadData
    from shunt.render.text import plain

    where = f" {plain(db)}" if db is not None else " the database"
    text = plain(exc.strerror if isinstance(exc, OSError) and exc.strerror else exc)
    low = text.lower()
    if type(exc) is sqlite3.DatabaseError:  # "database disk image is malformed", "file is not a database"
        return BadData(f"{where.strip()} is damaged or not a shunt database ({text}); "
                       "load the logs into a new database")
    if "full" in low or (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)):
        msg = f"the disk is full: could not write{where} ({text})"
    elif "locked" in low or "busy" in low:
        msg = f"{where.strip()} is busy: another shunt kept it locked too long ({text}); try again"
    elif "readonly" in low or "read-only" in low or (isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES)):
        name = plain(getattr(exc, "filename", None) or db or "the database")
        msg = f"cannot write {name}: {text} (check its permissions, or the file system's)"
    else:
        name = plain(getattr(exc, "filename", None) or db or "the database")
        msg = f"cannot use {name}: {text}"
    if load:
        msg += "; " + RERUN
    return StorageError(msg)
