"""Statuses carried from one cut to a later one (store/lazy_state.py's CutReader).

A day's trace replays a buyer's nodes in time order, and a node routed by the groups (or by none of
them: the main account's fallback at night) reads the status of every member: 1000 index seeks at
1000 agents, at each such node. Between two cuts T1 < T2 an account's status changes only by its
events in (T1, T2], which are few (a range of the (shop, ts) index): the status at T2 of an account
read at T1 is its last event there, else its status at T1. Both are the latest event with ts <= T by
(ts, uid), as lazy_state's query takes it. Readers of the same connection (and the same data: PRAGMA
data_version) lend their statuses; a gap with more than MAX_CHANGES events is read as before."""

from __future__ import annotations

import sqlite3
from typing import Any

MAX_CHANGES = 256  # events between two cuts beyond which the accounts are read again (index seeks)
_KEEP = 8  # readers remembered
_CHANGES = ("SELECT account, status FROM statuses WHERE shop_id = ? AND ts > ? AND ts <= ? "
            "ORDER BY ts, uid LIMIT ?")

# (conn, its data version, sid, ts, the reader's status map, {a later ts: the changes up to it}), most
# recent last
_readers: list[tuple[sqlite3.Connection, tuple[int, int], int, int, dict[str, Any], dict[int, Any]]] = []


def _version(conn: sqlite3.Connection) -> tuple[int, int]:
    """Moves when another connection commits (data_version) or this one writes (total_changes)."""
    return conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes


def remember(conn: sqlite3.Connection, sid: int, ts: int, statuses: dict[str, Any]) -> None:
    """A reader's status map (filled as it reads), offered to later cuts of the same connection."""
    if len(_readers) >= _KEEP:
        del _readers[0]
    _readers.append((conn, _version(conn), sid, ts, statuses, {}))


def carried(conn: sqlite3.Connection, sid: int, ts: int, accounts: list[str], own: dict[str, Any]) -> list[str]:
    """Put into `own` (the status map of a cut at `ts`) the statuses of `accounts` that earlier cuts of this
    connection read (the latest that read each), moved by the events between; → the accounts still to read."""
    bases = [r for r in _readers if r[0] is conn and r[2] == sid and r[3] <= ts and r[4] is not own and r[4]]
    if not bases:
        return accounts
    version = _version(conn)
    rest = accounts
    for base in sorted((r for r in bases if r[1] == version), key=lambda r: -r[3]):
        by_ts = base[5]
        if ts not in by_ts:
            rows = conn.execute(_CHANGES, (sid, base[3], ts, MAX_CHANGES + 1)).fetchall()
            by_ts[ts] = dict(rows) if len(rows) <= MAX_CHANGES else None
        changes = by_ts[ts]
        if changes is None:
            continue
        known = base[4]
        left = []
        for a in rest:
            if a in changes:  # its last event up to `ts`
                own[a] = changes[a]
            elif a in known:
                own[a] = known[a]
            else:
                left.append(a)
        rest = left
        if not rest:
            break
    return rest
