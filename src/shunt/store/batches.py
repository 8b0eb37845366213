"""One batch of a row-by-row load written in its own transaction.

The batch's rows go in table by table (the caller's `insert`: store/inserts.py); then, in the same
transaction, either its derived tables (a load into a database that has data: the buyers the batch
touches, so readers never see a half-derived batch) or a dirty mark for the end of the load (a
first load: `meta.dirty:<shop>`, store/derive.py); and the shops' zones its shop_configs changed.
A killed load leaves whole batches: running it again completes it.
"""

from __future__ import annotations

import sqlite3
from typing import Callable

from shunt.store import derive, txn


def write(conn: sqlite3.Connection, batch_rows: dict[str, list[tuple]], insert: Callable[[str, list, list], int],
          conflicts: list, *, derive_now: bool, consult_min: dict[int, int], end_shops: set[int],
          tz: dict[str, tuple]) -> None:
    """`insert(table, rows, found)` → rows added (the conflicts met appended to `found`, then to
    `conflicts` in line order); `tz`: nick → (shop id, (ts, uid, timezone) of its latest shop_config)."""
    with txn.immediate(conn):
        inserted = {}
        found: list = []
        for table, rows in batch_rows.items():
            if rows:
                inserted[table] = insert(table, rows, found)
        if found:
            found.sort(key=lambda c: c.line)
            conflicts.extend(found)
        consult_min = consult_min if inserted.get("consults") else {}
        end_shops = end_shops if inserted.get("session_ends") else set()
        if derive_now:
            _derive(conn, batch_rows, consult_min, end_shops)
        else:
            for sid, t in consult_min.items():
                derive.mark_dirty(conn, sid, t)
            for sid in end_shops:
                derive.mark_dirty(conn, sid, derive.BIG)
        for sid, (ts, uid, tzname) in tz.values():
            conn.execute(
                "UPDATE shops SET timezone = ?, tz_ts = ?, tz_uid = ? WHERE id = ? "
                "AND (tz_ts IS NULL OR tz_ts < ? OR (tz_ts = ? AND tz_uid < ?))",
                (tzname, ts, uid, sid, ts, ts, uid))


def _derive(conn: sqlite3.Connection, batch_rows: dict, consult_min: dict, end_shops: set) -> None:
    """Derive a batch's sessions and load steps: the buyers of its consults and of the consults its
    session_ends name, from its first consult on."""
    derive.create_temp(conn)
    for sid in sorted(set(consult_min) | end_shops):
        conn.execute("DELETE FROM temp._touched")
        conn.executemany("INSERT OR IGNORE INTO temp._touched(buyer) VALUES (?)",
                         [(r[3],) for r in batch_rows.get("consults", ()) if r[0] == sid])
        conn.executemany("INSERT OR IGNORE INTO temp._touched(buyer) "
                         "SELECT buyer FROM consults WHERE shop_id = ? AND uid = ?",
                         [(sid, r[3]) for r in batch_rows.get("session_ends", ()) if r[0] == sid])
        derive.derive_shop(conn, sid, consult_min.get(sid, derive.BIG), touched=True)
