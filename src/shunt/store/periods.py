"""What the commands' default period needs from the database: the latest days with consults, each
with its count, and the span of the shop's events. Indexed seeks and range counts only."""

from __future__ import annotations

import sqlite3

from shunt.timeutil import day_bounds, local_date


def consult_days(conn: sqlite3.Connection, sid: int, tz, limit: int = 15) -> list[tuple]:
    """[(local date, consults on it, ts of its last consult)] of the shop's latest `limit` days with consults, latest first.
    One seek per day (the day before the last found), one range count per day."""
    days: list[tuple] = []
    hi = None
    while len(days) < limit:
        if hi is None:
            row = conn.execute("SELECT max(ts) FROM consults WHERE shop_id = ?", (sid,)).fetchone()
        else:
            row = conn.execute("SELECT max(ts) FROM consults WHERE shop_id = ? AND ts < ?", (sid, hi)).fetchone()
        if row is None or row[0] is None:
            break
        d = local_date(row[0], tz)
        lo, end = day_bounds(d, tz)
        n = conn.execute("SELECT count(*) FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ?",
                         (sid, lo, end)).fetchone()[0]
        days.append((d, n, row[0]))
        hi = lo
    return days


def count_consults(conn: sqlite3.Connection, sid: int, start: int, end: int) -> int:
    return conn.execute("SELECT count(*) FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ?",
                        (sid, start, end)).fetchone()[0]


def received_by_agent(conn: sqlite3.Connection, sid: int, start: int, end: int) -> dict[str, int]:
    """Consults recorded as routed to each agent in [start, end) (by agent, as SQLite groups them)."""
    return dict(conn.execute("SELECT agent, count(*) FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ? "
                             "AND agent IS NOT NULL GROUP BY agent", (sid, start, end)).fetchall())


def last_event_before(conn: sqlite3.Connection, sid: int, end: int) -> int | None:
    """The time of the shop's last event (of any kind) before `end`.

    Messages have no index led by (shop_id, ts): the loader's kept span of the shop's messages (store/
    spans.py) answers when they all fall before `end`, or none does; only a span across `end` reads them."""
    from shunt.store import spans

    kept = spans.span(conn, sid)
    best = None
    tables = ("consults", "statuses", "session_ends", "configs", "stats", "logistics")
    if kept is None or (kept[0] is not None and kept[0] < end <= kept[1]):
        tables = ("consults", "messages") + tables[1:]
    elif kept[1] is not None and kept[1] < end:
        best = kept[1]
    for table in tables:
        row = conn.execute(f"SELECT max(ts) FROM {table} WHERE shop_id = ? AND ts < ?", (sid, end)).fetchone()
        if row and row[0] is not None and (best is None or row[0] > best):
            best = row[0]
    return best


def first_config_ts(conn: sqlite3.Connection, sid: int) -> int | None:
    row = conn.execute("SELECT min(ts) FROM configs WHERE shop_id = ?", (sid,)).fetchone()
    return row[0] if row else None


def split_ts(conn: sqlite3.Connection, sid: int, start: int, end: int, n: int) -> int | None:
    """The ts of the period's middle consult (of `n`), where a second process can take over; None
    when it is the period's start (no split)."""
    row = conn.execute("SELECT ts FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ? ORDER BY ts, uid "
                       "LIMIT 1 OFFSET ?", (sid, start, end, n // 2)).fetchone()
    return row[0] if row is not None and row[0] > start else None


def fingerprint(conn: sqlite3.Connection) -> tuple:
    """Changes when a load commits anything a replay reads (rows are only ever added)."""
    return tuple(conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
                 for table in ("configs", "statuses", "stats", "consults", "session_ends")) + (
        conn.execute("SELECT count(*) FROM meta WHERE key LIKE 'dirty:%'").fetchone()[0],)


def for_sweeping(conn: sqlite3.Connection) -> None:
    """Shrink the connection's page cache for a sweep over a long period (read in order: a large
    cache only adds its size to the peak memory, twice when the period is swept in two processes)."""
    conn.execute("PRAGMA cache_size = -8192")  # 8 MB


def db_file(conn: sqlite3.Connection) -> str:
    """The file of the connection's main database ("" for an in-memory one): what a forked child reopens."""
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row else ""




def open_reader(path: str) -> sqlite3.Connection:
    """A read-only connection to `path` in one read transaction (a forked child's own connection,
    which sweeps its half: a small page cache will do, the OS caches the file)."""
    conn = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA query_only = 1")
    conn.execute("PRAGMA cache_size = -8192")  # 8 MB
    conn.execute("BEGIN")
    return conn
