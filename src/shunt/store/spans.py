"""Each shop's first and last message time, kept by the loader in `meta`: `msg_first:<shop_id>`,
`msg_last:<shop_id>`, and `msg_top`, the messages' largest rowid they account for.

`messages` has no index led by (shop_id, ts): `min(ts)` / `max(ts)` of a shop's messages read a
whole index, a cost of every why-silent that grows with the log. So every write that adds
messages notes, in its own transaction, the span of the rows it added: the rows above `msg_top`
(rows are only appended, and a load's transaction is the only writer). When `msg_top` is not the
table's largest rowid before the write (a database made before, rows deleted by `forget`, a load
by an older shunt), the spans are counted again from every message first. A bulk load's duplicate
removal (schema.create_indexes) recounts them too; `forget` drops the shop's keys (`*:<shop_id>`)
and moves `msg_top` to what is left. A reader uses them only while `msg_top` is the
table's largest rowid (else it reads the messages, as before): no schema change, so a database
stays readable by an older shunt.
"""

from __future__ import annotations

import sqlite3
from operator import itemgetter

from shunt.store import txn

_SET = ("INSERT INTO main.meta(key, value) VALUES (?, ?), (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
        "CASE WHEN key GLOB 'msg_first:*' THEN min(value, excluded.value) ELSE max(value, excluded.value) END")
_ONE = "SELECT min(shop_id), max(shop_id), min(ts), max(ts) FROM main.messages WHERE rowid > ?"  # (no sort)
_EACH = "SELECT shop_id, min(ts), max(ts) FROM main.messages WHERE rowid > ? GROUP BY shop_id"  # (sorts the rows)
_SHOP = "SELECT min(ts), max(ts) FROM main.messages WHERE shop_id = ?"  # (one scan of the messages_buyer index)
_TOP = "SELECT coalesce(max(rowid), 0) FROM main.messages"
_SID, _TS = itemgetter(0), itemgetter(1)


def top(conn: sqlite3.Connection) -> int:
    """The messages' largest rowid now (0: none): the rows added after it are the next write's."""
    return conn.execute(_TOP).fetchone()[0]


def _stamp(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT value FROM main.meta WHERE key = 'msg_top'").fetchone()
    return row[0] if row else None


def _set_top(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO main.meta(key, value) VALUES ('msg_top', (" + _TOP + ")) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value")


def note(conn: sqlite3.Connection, before: int, rows: list[tuple] | None = None) -> None:
    """Widen the spans by the messages added since `top` gave `before` (in the same transaction).
    `rows`: those messages, (shop id, ts, ...) each, when every one of them was added (read from them
    when they are of one shop)."""
    if _stamp(conn) != before:
        recount(conn)
        return
    ids = list(map(_SID, rows)) if rows else None
    if ids and min(ids) == max(ids):
        ts = list(map(_TS, rows))
        _widen(conn, [(ids[0], min(ts), max(ts))])
    else:
        lo, hi, first, last = conn.execute(_ONE, (before,)).fetchone()
        if lo is not None:
            _widen(conn, [(lo, first, last)] if lo == hi else conn.execute(_EACH, (before,)).fetchall())
    _set_top(conn)


def _widen(conn: sqlite3.Connection, spans: list[tuple]) -> None:
    conn.executemany(_SET, [(f"msg_first:{sid:d}", first, f"msg_last:{sid:d}", last) for sid, first, last in spans])


def kept(conn: sqlite3.Connection) -> bool:
    """Are the spans up to date (for `forget`: one shop's rows and keys go, the others' spans stay)?"""
    return _stamp(conn) == top(conn)


def moved(conn: sqlite3.Connection) -> None:
    """Rows of a shop were deleted with its keys while the spans were up to date: they still are."""
    _set_top(conn)


def ensure(conn: sqlite3.Connection) -> None:
    """At a load's end: the spans of a database made before (or written by an older shunt) counted."""
    if not kept(conn):
        with txn.immediate(conn):
            recount(conn)


def recount(conn: sqlite3.Connection) -> None:
    """Every span from the messages as they are (a shop's scan costs a third of a grouping's sort: by
    shop when they are few)."""
    conn.execute("DELETE FROM main.meta WHERE key GLOB 'msg_first:*' OR key GLOB 'msg_last:*'")
    sids = [r[0] for r in conn.execute("SELECT id FROM main.shops")]
    if len(sids) <= 4:
        got = [(sid, *conn.execute(_SHOP, (sid,)).fetchone()) for sid in sids]
    else:
        got = conn.execute(_EACH, (-1,)).fetchall()
    _widen(conn, [g for g in got if g[1] is not None])
    _set_top(conn)


def span(conn: sqlite3.Connection, sid: int) -> tuple[int | None, int | None] | None:
    """(first, last) message time of the shop, (None, None) without messages; None when the spans
    are not kept up to date here (read the messages)."""
    got = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('msg_top', ?, ?)",
                            (f"msg_first:{sid:d}", f"msg_last:{sid:d}")))
    if got.get("msg_top") != top(conn):
        return None
    return got.get(f"msg_first:{sid:d}"), got.get(f"msg_last:{sid:d}")
