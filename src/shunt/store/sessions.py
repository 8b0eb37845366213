"""An account's open sessions at a moment, for why-silent's `at_capacity` (bounded by a window)."""

from __future__ import annotations

import sqlite3


def open_sessions(conn: sqlite3.Connection, sid: int, account: str, at: int, since: int,
                  limit: int = 50) -> list[dict]:
    """Consults routed to `account` in [since, at] whose session is still open at `at` (newest first).

    Uses the (shop_id, ts) index over the window only; sessions opened before `since` are not listed.
    """
    rows = conn.execute(
        "SELECT uid, ts, buyer FROM consults WHERE shop_id = ? AND ts >= ? AND ts <= ? AND agent = ? "
        "AND (end_ts IS NULL OR end_ts > ?) ORDER BY ts DESC, uid DESC LIMIT ?",
        (sid, since, at, account, at, limit)).fetchall()
    return [{"consult": uid, "ts": ts, "buyer": buyer} for uid, ts, buyer in rows]
