"""Removing data: one shop and all its rows (`shunt forget`), or the demo's own database file.

The tables holding a shop's rows are found from the schema itself (every table with a `shop_id`
column), so a table added by a later migration is covered without a list to keep in step.
Deleted pages are overwritten (`PRAGMA secure_delete`): the buyers' data is gone from the file,
not merely unlinked.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from shunt import errors
from shunt.store import spans, txn

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)


def shop_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables (not views) that have a `shop_id` column, in name order."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        if _IDENT.fullmatch(r[0])]  # shunt's tables are plain identifiers; nothing else is put in SQL text
    return [t for t in names
            if any(col[1] == "shop_id" for col in conn.execute(f'PRAGMA table_info("{t}")'))]


def shop_rows(conn: sqlite3.Connection, sid: int) -> dict[str, int]:
    """table → the shop's rows in it (tables where it has none left out)."""
    counts = {}
    for t in shop_tables(conn):
        n = conn.execute(f'SELECT count(*) FROM "{t}" WHERE shop_id = ?', (sid,)).fetchone()[0]
        if n:
            counts[t] = n
    return counts


def forget_shop(conn: sqlite3.Connection, sid: int) -> dict[str, int]:
    """Delete the shop `sid`, every row of it and its bookkeeping, in one write transaction.
    → table: rows deleted. The load history (`loads`, per file, shared by the shops) is kept."""
    conn.execute("PRAGMA secure_delete = ON")
    with txn.immediate(conn):
        removed = {}
        spans_kept = spans.kept(conn)
        for t in shop_tables(conn):
            cur = conn.execute(f'DELETE FROM "{t}" WHERE shop_id = ?', (sid,))
            if cur.rowcount:
                removed[t] = cur.rowcount
        conn.execute("DELETE FROM meta WHERE key GLOB ?", (f"*:{sid:d}",))  # e.g. dirty:<shop_id>, msg_first:<shop_id>
        if spans_kept:
            spans.moved(conn)
        conn.execute("DELETE FROM shops WHERE id = ?", (sid,))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the overwritten pages into the file, the WAL emptied
    except sqlite3.OperationalError:  # a reader holds an old snapshot: the next checkpoint does it
        pass
    return removed


_SQLITE_MAGIC = b"SQLite format 3\x00"


def remove_database(path: Path) -> None:
    """Delete the shunt database at `path` with its -wal/-shm files (the demo's own database, rebuilt on
    every run). A file there that is not a shunt database is refused (BadData) and left as is."""
    from shunt.store.schema import APPLICATION_ID

    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise errors.BadData(f"{path} is not a regular file; refusing to remove it")
    if path.exists():
        with open(path, "rb") as f:
            head = f.read(100)
        ours = not head or (head.startswith(_SQLITE_MAGIC) and len(head) == 100
                            and int.from_bytes(head[68:72], "big") in (0, APPLICATION_ID))
        if not ours:
            raise errors.BadData(f"{path} is not a shunt database; refusing to remove it (move it away)")
    for suffix in ("-wal", "-shm", "-journal", ""):
        side = Path(str(path) + suffix)
        try:
            side.unlink()
        except FileNotFoundError:
            pass
