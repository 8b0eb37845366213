"""Status timelines: each account's status segments over a period (balance's online time)."""

from __future__ import annotations

from typing import Iterable

from shunt.store.lookups import status_at


def timelines(conn, sid: int, accounts: Iterable[str], start: int, end: int) -> dict[str, list[tuple[int, int, str]]]:
    """Each account's status segments (t0, t1, status) covering [start, end)."""
    cur: dict[str, tuple[int, str]] = {}
    out: dict[str, list[tuple[int, int, str]]] = {}
    for a in accounts:
        st = status_at(conn, sid, a, start - 1)
        cur[a] = (start, st[0] if st else "offline")
        out[a] = []
    for ts, a, st in conn.execute("SELECT ts, account, status FROM statuses WHERE shop_id = ? AND ts >= ? AND ts < ? "
                                  "ORDER BY ts, uid", (sid, start, end)):
        if a not in cur:
            continue
        t0, old = cur[a]
        if ts > t0:
            out[a].append((t0, ts, old))
        cur[a] = (ts, st)
    for a, (t0, st) in cur.items():
        if end > t0:
            out[a].append((t0, end, st))
    return out
