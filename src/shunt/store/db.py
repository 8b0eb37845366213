"""Opening a shunt database: owner-only file, WAL, schema version check and migration."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from shunt import errors
from shunt.store import closemark, dbpath, loadlock, schema, txn

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _header(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(100)


def _check_file(path: Path) -> bytes:
    """Refuse, without touching it, a non-empty file that is not a SQLite database of shunt's.
    → its first 100 bytes (the header)."""
    head = _header(path)
    if not head:
        return head
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        raise errors.BadData(f"{path} is not a shunt database (not an SQLite file); refusing to touch it")
    app_id = int.from_bytes(head[68:72], "big")
    version = int.from_bytes(head[60:64], "big")
    if app_id == 0 and version == 0:
        # A new database's header: until the first checkpoint, its schema, application_id and
        # user_version may be in the -wal file only (a first load killed early). Ask SQLite.
        app_id, version, tables = _committed_header(path)
        if app_id == 0 and tables:
            raise errors.BadData(f"{path} is an SQLite database of another application (application_id 0x0), "
                                 "not a shunt database; refusing to touch it")
    if app_id not in (0, schema.APPLICATION_ID):
        raise errors.BadData(
            f"{path} is an SQLite database of another application (application_id {app_id:#x}), "
            "not a shunt database; refusing to touch it"
        )
    if version > schema.SCHEMA_VERSION:
        raise errors.BadData(
            f"{path} was made by a newer shunt (schema version {version}, this shunt knows "
            f"up to {schema.SCHEMA_VERSION}); upgrade shunt"
        )
    return head


def _uri(path: Path, immutable: bool = False) -> str:
    return path.absolute().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")


def _committed_header(path: Path) -> tuple[int, int, int]:
    """(application_id, user_version, objects in sqlite_master) as committed, the -wal file included."""
    c = sqlite3.connect(_uri(path), uri=True, timeout=10.0, isolation_level=None)
    try:
        return _read_identity(c)
    finally:
        c.close()


def _read_identity(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """(application_id, user_version, objects in sqlite_master) read from ONE snapshot: read one by one, a
    first load committing its schema in between showed a stamped schema beside the blank id read before it
    ("another application", exit 3, seen once in a loaded run)."""
    conn.execute("BEGIN")
    try:
        return (conn.execute("PRAGMA application_id").fetchone()[0], conn.execute("PRAGMA user_version").fetchone()[0],
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    finally:
        conn.execute("COMMIT")


def _blank(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def _refuse_damaged(conn: sqlite3.Connection, p: Path) -> None:
    """Before a load writes anything: a damaged database is refused (exit 3) and left as it is."""
    try:
        found = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as exc:
        found = [str(exc)]
    _refuse(p, found)


class DamageCheck:
    """A load's `PRAGMA quick_check` run in a thread beside its first work (reading and staging a
    file), on its own connection: it reads the whole file, so on a database of many days it costs
    seconds. `start()` once nothing forks any more; `settle()`, called before the load's first
    write, waits for it (starting it if need be) and refuses a damaged database (errors.BadData)."""

    def __init__(self, p: Path):
        self.path, self.found, self.thread = p, None, None
        self.done = False

    def start(self) -> None:
        """Start the check (after any fork: a process that forks must not have it running)."""
        import threading

        if self.thread is None and not self.done:
            self.thread = threading.Thread(target=self._run, name="shunt-quick-check", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        try:
            c = sqlite3.connect(_uri(self.path), uri=True, timeout=10.0, isolation_level=None)
        except sqlite3.Error as exc:
            self.found = [str(exc)]
            return
        try:
            c.execute("PRAGMA cache_size = -2048")  # (each page is read once)
            self.found = [r[0] for r in c.execute("PRAGMA quick_check(3)")]
        except sqlite3.DatabaseError as exc:
            self.found = [str(exc)]
        finally:
            c.close()

    def settle(self) -> None:
        if self.done:
            return
        self.start()
        self.thread.join()
        self.done = True
        _refuse(self.path, self.found)


def _refuse(p: Path, found: list[str]) -> None:
    if found != ["ok"]:
        raise errors.BadData(f"{p} is damaged ({'; '.join(found)[:300]}); refusing to load into it: "
                             "load the logs into a new database (this one is left as it is)")


def _connect(p: Path, readonly: bool) -> sqlite3.Connection:
    if not readonly:
        return sqlite3.connect(p, timeout=10.0, isolation_level=None, check_same_thread=False)
    # A directory or file this process cannot write: read it as it is. Without a -wal file nothing
    # can change it meanwhile (no load can run there), so SQLite need not make a -shm file either.
    return sqlite3.connect(_uri(p, immutable=not _has_wal(p)), uri=True, timeout=10.0, isolation_level=None,
                           check_same_thread=False)


def open_db(path: str | os.PathLike, create: bool = False, checks: list | None = None,
            full_check: bool = False) -> sqlite3.Connection:
    """Open (and with `create`, make) the shunt database at `path`.

    New files are created owner-only (0600, also the -wal/-shm files). A path that cannot be a
    database (a directory, a device, a dangling link...) raises errors.UsageError; a file that is
    not a shunt database, one made by a newer shunt or (for a load, `create`) a damaged one raises
    errors.BadData and is left as is; an older schema is migrated. `create=False` and no file:
    errors.NotFound. `checks` (a load): when opening writes nothing, the damage check is left to a
    DamageCheck appended there, to settle before the first write; none when the file is as the last load
    left it (store/closemark.py), unless `full_check`. Readers open read-only where they cannot write. Missing secondary indexes
    are rebuilt and, for readers, derived tables a killed load left dirty are brought up to date;
    a reader does the index build only when no load is running (loadlock), else StorageError.
    """
    p = Path(path)
    exists = dbpath.check(p, create)
    head = b""
    if exists and p.stat().st_size > 0:
        head = _check_file(p)
    elif not create:
        raise _no_data(p)
    if create:
        dbpath.check_writable(p, exists)
    readonly = not create and dbpath.readonly(p)
    marked = create and checks is not None and not full_check and exists and closemark.marked(p, head)
    old_umask = os.umask(0o077)
    try:
        if create and not p.exists():
            try:
                os.close(os.open(p, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:  # made meanwhile by another load (which holds the load lock)
                pass
        try:
            conn = _opened(p, create, readonly, checks, marked)
        except sqlite3.OperationalError:
            if create or readonly or not dbpath.disk_full(p):
                raise
            if _has_wal(p):
                raise errors.StorageError(
                    f"the disk holding {p} is full: SQLite cannot make the shared-memory file it needs to read "
                    f"{p.name}-wal; make room and ask again") from None
            readonly = True  # a whole database on a full disk: read it as it is (no -shm file needed)
            conn = _opened(p, create, readonly)
    finally:
        os.umask(old_umask)
    if not readonly:
        _owner_only(p)
    return conn


def _opened(p: Path, create: bool, readonly: bool, checks: list | None = None,
            marked: bool = False) -> sqlite3.Connection:
    conn = _connect(p, readonly)
    try:
        _setup(conn, p, create, readonly, checks, marked)
    except BaseException:
        conn.close()
        raise
    return conn


def _has_wal(p: Path) -> bool:
    wal = Path(str(p) + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def _no_data(p: Path) -> errors.ShuntError:
    if loadlock.load_running(p):
        return loadlock.busy(p)
    return errors.NotFound(f"no data in {p} yet (an empty file); run shunt load first")


def _setup(conn: sqlite3.Connection, p: Path, create: bool, readonly: bool, checks: list | None = None,
           marked: bool = False) -> None:
    """`marked`: a load's database as the last load left it (store/closemark.py): no whole-file check."""
    conn.execute("PRAGMA busy_timeout = 10000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA cache_size = -32768")
    if not create and _blank(conn):  # a first load not yet past its schema (or killed before it)
        raise _no_data(p)
    if create and not marked and not _blank(conn):
        if checks is not None and not _writes_on_open(conn):
            checks.append(DamageCheck(p))
        else:
            _refuse_damaged(conn, p)
    if readonly:
        _check_readable(conn, p)
        return
    _migrate(conn, p)
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    if create:
        schema.create_indexes(conn)
    elif not set(schema.INDEXES) <= have:  # a bulk load killed before building them, or running now
        with loadlock.recovering(p):
            schema.create_indexes(conn)
    if not create:  # readers: finish the derivation a killed load left undone
        from shunt.store.derive import ensure_derived
        ensure_derived(conn)


def _writes_on_open(conn: sqlite3.Connection) -> bool:
    """Will opening for a load write (a migration, an index to build)?"""
    if conn.execute("PRAGMA user_version").fetchone()[0] != schema.SCHEMA_VERSION or \
            conn.execute("PRAGMA application_id").fetchone()[0] != schema.APPLICATION_ID:
        return True
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    return not schema.all_index_names() <= have


def _check_readable(conn: sqlite3.Connection, p: Path) -> None:
    """A read-only reader cannot finish a stopped load's work: say so rather than answer from it."""
    _, version = _identity(conn, p)
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    if version != schema.SCHEMA_VERSION or not set(schema.INDEXES) <= have or \
            conn.execute("SELECT 1 FROM meta WHERE key LIKE 'dirty:%' LIMIT 1").fetchone() is not None:
        raise errors.StorageError(
            f"{p} needs work before it can answer (a load was stopped before it finished, or an older "
            "schema), and this process cannot write it or its directory; run `shunt load` with the same "
            "logs where it can write, then ask again")


def _owner_only(p: Path) -> None:
    for suffix in ("", "-wal", "-shm"):  # buyers' data: owner-only, even if copied or restored loosely
        side = Path(str(p) + suffix)
        try:
            st = side.stat()
            if st.st_uid == os.getuid() and st.st_mode & 0o077:
                os.chmod(side, 0o600)
        except OSError:
            pass


def _identity(conn: sqlite3.Connection, p: Path) -> tuple[int, int]:
    """→ (application_id, user_version) of a shunt database (or a blank file); else errors.BadData."""
    app_id, version, tables = _read_identity(conn)
    if app_id not in (0, schema.APPLICATION_ID):
        raise errors.BadData(f"{p} is not a shunt database (application_id {app_id:#x})")
    if version > schema.SCHEMA_VERSION:
        raise errors.BadData(
            f"{p} was made by a newer shunt (schema version {version}, this shunt knows "
            f"up to {schema.SCHEMA_VERSION}); upgrade shunt"
        )
    if app_id == 0 and tables:
        raise errors.BadData(f"{p} is an SQLite database of another application; refusing to touch it")
    return app_id, version


def _migrate(conn: sqlite3.Connection, p: Path) -> None:
    app_id, version = _identity(conn, p)
    if version == schema.SCHEMA_VERSION and app_id == schema.APPLICATION_ID:
        return
    with txn.immediate(conn):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for i in range(version, schema.SCHEMA_VERSION):
            for stmt in _statements(schema.MIGRATIONS[i]):
                conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {i + 1:d}")
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID:d}")


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
