"""Opening a shunt database: owner-only file, WAL, schema version check and migration."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from shunt import errors
from shunt.store import schema

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _header(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(100)


def _check_file(path: Path) -> None:
    """Refuse, without touching it, a non-empty file that is not a SQLite database of shunt's."""
    head = _header(path)
    if not head:
        return
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        raise errors.BadData(f"{path} is not a shunt database (not an SQLite file); refusing to touch it")
    app_id = int.from_bytes(head[68:72], "big")
    version = int.from_bytes(head[60:64], "big")
    if app_id != schema.APPLICATION_ID:
        if app_id == 0 and version == 0 and _is_blank_sqlite(path):
            return
        raise errors.BadData(
            f"{path} is an SQLite database of another application (application_id {app_id:#x}), "
            "not a shunt database; refusing to touch it"
        )
    if version > schema.SCHEMA_VERSION:
        raise errors.BadData(
            f"{path} was made by a newer shunt (schema version {version}, this shunt knows "
            f"up to {schema.SCHEMA_VERSION}); upgrade shunt"
        )


def _is_blank_sqlite(path: Path) -> bool:
    """An SQLite file with no tables at all (e.g. created by a killed first open)."""
    try:
        c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return c.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        finally:
            c.close()
    except sqlite3.Error:
        return False


def open_db(path: str | os.PathLike, create: bool = False) -> sqlite3.Connection:
    """Open (and with `create`, make) the shunt database at `path`.

    New files are created owner-only (0600, also the -wal/-shm files). A file that is not a
    shunt database, or one made by a newer shunt, raises errors.BadData and is left as is;
    an older schema is migrated. `create=False` and no file: errors.NotFound. Missing
    secondary indexes are rebuilt and, for readers (`create=False`), derived tables a killed
    load left dirty are brought up to date.
    """
    p = Path(path)
    if p.is_dir():
        raise errors.BadData(f"{p} is a directory, not a shunt database")
    if p.exists() and p.stat().st_size > 0:
        _check_file(p)
    elif not create:
        raise errors.NotFound(f"no database at {p}; run shunt load first")
    old_umask = os.umask(0o077)
    try:
        if not p.exists():
            fd = os.open(p, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
        conn = sqlite3.connect(p, timeout=10.0, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = OFF")
            conn.execute("PRAGMA cache_size = -32768")
            _migrate(conn, p)
            have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
            if create or not set(schema.INDEXES) <= have:  # e.g. a bulk load killed before building them
                schema.create_indexes(conn)
            if not create:  # readers: finish the derivation a killed load left undone
                from shunt.store.derive import ensure_derived
                ensure_derived(conn)
        except BaseException:
            conn.close()
            raise
    finally:
        os.umask(old_umask)
    for suffix in ("", "-wal", "-shm"):  # buyers' data: owner-only, even if copied or restored loosely
        side = Path(str(p) + suffix)
        try:
            st = side.stat()
            if st.st_uid == os.getuid() and st.st_mode & 0o077:
                os.chmod(side, 0o600)
        except OSError:
            pass
    return conn


def _migrate(conn: sqlite3.Connection, p: Path) -> None:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id not in (0, schema.APPLICATION_ID):
        raise errors.BadData(f"{p} is not a shunt database (application_id {app_id:#x})")
    if version > schema.SCHEMA_VERSION:
        raise errors.BadData(
            f"{p} was made by a newer shunt (schema version {version}, this shunt knows "
            f"up to {schema.SCHEMA_VERSION}); upgrade shunt"
        )
    if app_id == 0:
        n = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if n:
            raise errors.BadData(f"{p} is an SQLite database of another application; refusing to touch it")
    if version == schema.SCHEMA_VERSION and app_id == schema.APPLICATION_ID:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for i in range(version, schema.SCHEMA_VERSION):
            for stmt in _statements(schema.MIGRATIONS[i]):
                conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {i + 1:d}")
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID:d}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _statements(script: str):
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf
            buf = ""
    if buf.strip():
        yield buf
