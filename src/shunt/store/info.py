"""What a database holds, for `shunt info`: shops, the span of their events, consults per day, the latest
configuration, the load history, and the tables (sqlite-utils' introspection, imported here only).
"""

from __future__ import annotations

import json
import sqlite3

# Event tables (log-format.md's event types; derived tables and bookkeeping left out).
EVENT_TABLES = ("configs", "statuses", "stats", "consults", "session_ends", "messages", "logistics", "other_events")


def shops(conn: sqlite3.Connection) -> list[tuple[int, str, str | None]]:
    """(id, nick, timezone) of every shop, by nick."""
    return conn.execute("SELECT id, nick, timezone FROM shops ORDER BY nick").fetchall()


def event_counts(conn: sqlite3.Connection, sid: int) -> dict[str, int]:
    """event table → the shop's rows (0 included)."""
    return {t: conn.execute(f"SELECT count(*) FROM {t} WHERE shop_id = ?", (sid,)).fetchone()[0]
            for t in EVENT_TABLES}


def event_span(conn: sqlite3.Connection, sid: int) -> tuple[int | None, int | None]:
    """(first, last) event time of the shop over every event table, epoch ms; (None, None) when none."""
    lo = hi = None
    for t in EVENT_TABLES:
        a, b = conn.execute(f"SELECT min(ts), max(ts) FROM {t} WHERE shop_id = ?", (sid,)).fetchone()
        if a is not None:
            lo = a if lo is None else min(lo, a)
            hi = b if hi is None else max(hi, b)
    return lo, hi


def next_consult_ts(conn: sqlite3.Connection, sid: int, start: int | None) -> int | None:
    """The time of the shop's first consult at or after `start` (None: its first consult at all)."""
    return conn.execute("SELECT min(ts) FROM consults WHERE shop_id = ? AND ts >= ?",
                        (sid, -(2 ** 63) if start is None else start)).fetchone()[0]


def consults_between(conn: sqlite3.Connection, sid: int, start: int, end: int) -> int:
    """How many of the shop's consults have start <= ts < end (an index range count)."""
    return conn.execute("SELECT count(*) FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ?",
                        (sid, start, end)).fetchone()[0]


def latest_config(conn: sqlite3.Connection, sid: int) -> tuple[str, int, dict] | None:
    """(uid, ts, body) of the shop's latest shop_config (ties: greatest uid), or None."""
    row = conn.execute("SELECT uid, ts, body FROM configs WHERE shop_id = ? ORDER BY ts DESC, uid DESC LIMIT 1",
                       (sid,)).fetchone()
    return None if row is None else (row[0], row[1], json.loads(row[2]))


def config_count(conn: sqlite3.Connection, sid: int) -> int:
    return conn.execute("SELECT count(*) FROM configs WHERE shop_id = ?", (sid,)).fetchone()[0]


def loads(conn: sqlite3.Connection) -> list[tuple[int, str, int, int | None, dict]]:
    """The load history, oldest first: (id, file, started, finished or None, counts)."""
    out = []
    for lid, file, started, finished, counts in conn.execute(
            "SELECT id, file, started, finished, counts FROM loads ORDER BY id"):
        try:
            parsed = json.loads(counts) if counts else {}
        except ValueError:
            parsed = {}
        out.append((lid, file, started, finished, parsed if isinstance(parsed, dict) else {}))
    return out


def tables(conn: sqlite3.Connection) -> tuple[dict[str, int], list[str], int]:
    """(table → rows, view names, schema version), by sqlite-utils' introspection."""
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    counts = {name: db.table(name).count for name in db.table_names() if not name.startswith("sqlite_")}
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    return counts, db.view_names(), version
