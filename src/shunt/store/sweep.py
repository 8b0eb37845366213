"""The incremental sweep: every consult of a span with the state it was routed against.

One pass: a Tracker is seeded at `start` from indexed lookups (config, statuses, stats,
open sessions, round-robin pointers, and the recent contacts of the span's buyers), then
fed the span's events merged in cut order: (ts, non-consult before consult, uid).
The Tracker closes a buyer's session at the buyer's next consult itself; the sweep feeds it
the span's session_end events, so its loads are exactly those of `lookups.state_at`.
"""

from __future__ import annotations

import json
import sqlite3
from operator import itemgetter
from typing import Iterator

from shunt.engine.model import Config, Consult, LastPick, Order, Routed, State
from shunt.engine.tracker import MIN_HORIZON_HOURS, Tracker
from shunt.gcpause import paused_gc
from shunt.store.derive import ensure_derived
from shunt.engine.model import recent_window_ms
from shunt.store.lookups import CONSULT_COLS, config_row, shop_nick, status_at
from shunt.store.schema import SELECTION_IN

def _distinct(conn: sqlite3.Connection, sql: str, sid: int) -> list[str]:
    """Skip-scan of distinct values through an index: `sql` takes (sid, after)."""
    out, last = [], ""
    while True:
        row = conn.execute(sql, (sid, last)).fetchone()
        if row is None or row[0] is None:
            return out
        last = row[0]
        out.append(last)


def _seed(conn: sqlite3.Connection, tr: Tracker, sid: int, nick: str, start: int, end: int) -> None:
    row = config_row(conn, sid, start, strict_before=True)
    if row is not None:
        tr.set_config(Config.from_body(nick, row[1], json.loads(row[2])))
    statuses = []
    for account in _distinct(conn, "SELECT account FROM statuses WHERE shop_id = ? AND account > ? "
                                   "ORDER BY account LIMIT 1", sid):
        st = status_at(conn, sid, account, start - 1)
        if st is not None:
            statuses.append((st[1], account, st[0]))
    stats = []
    for account in _distinct(conn, "SELECT account FROM stats WHERE shop_id = ? AND account > ? "
                                   "ORDER BY account LIMIT 1", sid):
        r = conn.execute("SELECT ts, conversion_rate FROM stats WHERE shop_id = ? AND account = ? AND ts < ? "
                         "ORDER BY ts DESC, uid DESC LIMIT 1", (sid, account, start)).fetchone()
        if r is not None:
            stats.append((r[0], account, r[1]))
    picks = {}
    for grp in _distinct(conn, f"SELECT grp FROM consults WHERE shop_id = ? AND grp > ? AND reason IN {SELECTION_IN} "
                               "ORDER BY grp LIMIT 1", sid):
        r = conn.execute(f"SELECT ts, uid, agent FROM consults WHERE shop_id = ? AND grp = ? AND reason IN {SELECTION_IN} "
                         "AND ts < ? AND agent IS NOT NULL ORDER BY ts DESC, uid DESC LIMIT 1",
                         (sid, grp, start)).fetchone()
        if r is not None:
            picks[grp] = LastPick(ts=r[0], consult=r[1], account=r[2])
    # sessions open at the seed point: started before it and not ended before it (the events
    # at or after `start` that close them are streamed) — never a zero-length one.
    open_sessions = conn.execute(
        "SELECT uid, buyer, agent, ts FROM consults WHERE shop_id = ? AND ts < ? AND agent IS NOT NULL "
        "AND (end_ts IS NULL OR (end_ts >= ? AND (end_ts, end_uid) > (ts, uid)))", (sid, start, start)).fetchall()
    # recent contacts of the span's buyers, from the widest window any config of the span asks
    hours = MIN_HORIZON_HOURS
    for (body,) in conn.execute("SELECT body FROM configs WHERE shop_id = ? AND ts < ? ORDER BY ts DESC LIMIT 1",
                                (sid, start)).fetchall() + conn.execute(
            "SELECT body FROM configs WHERE shop_id = ? AND ts >= ? AND ts < ?", (sid, start, end)).fetchall():
        h = (json.loads(body).get("settings") or {}).get("recent_contact_hours")
        if isinstance(h, (int, float)) and h > hours:
            hours = float(h)
    lo = start - recent_window_ms(hours) - 1
    tr.seed(open_sessions=open_sessions, statuses=statuses, stats=stats, last_picks=picks,
            recent=_recent_before(conn, sid, lo, start, end))


def _recent_before(conn: sqlite3.Connection, sid: int, lo: int, start: int, end: int) -> list[tuple]:
    """(ts, buyer, agent) of the routed consults in [lo, start) of the buyers who come in
    [start, end). When there are fewer of them than consults in the span, all of them (the
    other buyers' contacts are never asked for): one range scan instead of one probe per buyer."""
    before = conn.execute("SELECT count(*) FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ?",
                          (sid, lo, start)).fetchone()[0]
    if not before:
        return []
    during = conn.execute("SELECT count(*) FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ?",
                          (sid, start, end)).fetchone()[0]
    if before <= during:
        return conn.execute(
            "SELECT ts, buyer, agent FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ? AND agent IS NOT NULL "
            "ORDER BY ts, uid", (sid, lo, start)).fetchall()
    return conn.execute(
        "SELECT ts, buyer, agent FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ? AND agent IS NOT NULL "
        "AND buyer IN (SELECT buyer FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ?) ORDER BY ts, uid",
        (sid, lo, start, sid, start, end)).fetchall()


def sweep(conn: sqlite3.Connection, shop_id: int, start_ms: int, end_ms: int,
          tracker: Tracker | None = None, states: bool = True, rows: bool = False
          ) -> Iterator[tuple[Consult, Routed, State | None, str]]:
    """Every consult with start <= ts < end, in cut order, with its State: (consult, routed, state, uid).

    `states=False` yields None for the state: the caller asks its `tracker` (`state_for` or
    `peek`) for the consults that need one, before taking the next item. `rows=True` (with
    states=False) yields a `Row` in place of the Consult: its id, ts, buyer, source and
    order_state, and `.consult()` the Consult (made only for the consults a caller decides).

    The cyclic garbage collector is paused while the sweep runs (restored when it ends or is
    closed): a sweep makes no reference cycles, and each collection would rescan the tracker's
    ever larger maps (about a tenth of the time of a why-silent)."""
    with paused_gc():
        yield from _sweep(conn, shop_id, start_ms, end_ms, tracker, states, rows)


def _sweep(conn: sqlite3.Connection, shop_id: int, start_ms: int, end_ms: int, tracker: Tracker | None,
           states: bool, rows: bool = False) -> Iterator[tuple[Consult, Routed, State | None, str]]:
    ensure_derived(conn)
    sid = shop_id
    nick = shop_nick(conn, sid)
    tr = tracker or Tracker()
    _seed(conn, tr, sid, nick, start_ms, end_ms)
    span = (sid, start_ms, end_ms)
    routes: dict[tuple, Routed] = {}  # (agent, group, reason) → its Routed: few, made once each
    others = _other_events(conn, span)  # (ts, uid, what, data) in cut order
    nxt = next(others, None)
    for row in conn.execute(f"SELECT {CONSULT_COLS}, end_ts, end_uid FROM consults "
                            "WHERE shop_id = ? AND ts >= ? AND ts < ? ORDER BY ts, uid", span):
        ts = row[1]
        while nxt is not None and nxt[0] <= ts:  # every other event of a ms comes before its consults
            if nxt[2] == "e":  # most of them: session ends
                tr.session_end(nxt[0], nxt[3])
            else:
                _feed(tr, nick, nxt)
            nxt = next(others, None)
        if rows:
            c = Row(row)
            uid = row[0]
            routed = routes.get(row[12:15]) or _routed(row[12:15], routes)
            yield c, routed, None, uid
        else:
            c, routed = _consult(row, routes)
            uid = c.id
            yield c, routed, (tr.state_for(c) if states else None), uid
        if row[-1] == "" and row[-2] == ts:
            # ended at or before its start (a session_end before the consult, maybe before
            # the span): a zero-length session that loads no one
            tr.session_end(ts, uid)
        tr.consult(c, routed)


_OTHER_SQL = (
    "SELECT ts, uid, 'c', body, NULL FROM configs WHERE shop_id = ?1 AND ts >= ?2 AND ts < ?3 "
    "UNION ALL SELECT ts, uid, 's', account, status FROM statuses WHERE shop_id = ?1 AND ts >= ?2 AND ts < ?3 "
    "UNION ALL SELECT ts, uid, 'r', account, conversion_rate FROM stats WHERE shop_id = ?1 AND ts >= ?2 AND ts < ?3 "
    "UNION ALL SELECT ts, uid, 'e', consult, NULL FROM session_ends WHERE shop_id = ?1 AND ts >= ?2 AND ts < ?3 "
    "ORDER BY 1, 2")


def _other_events(conn: sqlite3.Connection, span: tuple[int, int, int]) -> Iterator[tuple]:
    """The span's configs, statuses, stats and session_ends merged by (ts, uid): (ts, uid, what, a, b).

    One statement: SQLite merges the four index scans itself (MERGE (UNION ALL)). Raw
    session_end events come before the consults of their ts; the Tracker closes a session at
    the buyer's next consult on its own (docs/semantics.md, the streaming reading)."""
    return iter(conn.cursor().execute(_OTHER_SQL, span))


def _feed(tr: Tracker, nick: str, event: tuple) -> None:
    ts, _uid, what, a, b = event
    if what == "e":
        tr.session_end(ts, a)
    elif what == "s":
        tr.status(ts, a, b)
    elif what == "r":
        tr.stats(ts, a, b)
    else:
        tr.set_config(Config.from_body(nick, ts, json.loads(a)))


def _consult(row: tuple, routes: dict[tuple, Routed]) -> tuple[Consult, Routed]:
    """A row of CONSULT_COLS (+ end_ts, end_uid) → (Consult, Routed): lookups.consult_from_row
    for the sweep's hot loop (no Order without an order state; one Routed per (agent, group,
    reason) in `routes`)."""
    rk = row[12:15]
    return _consult_of(row), routes.get(rk) or _routed(rk, routes)


def _consult_of(row: tuple) -> Consult:
    (uid, ts, buyer, source, item, order_id, order_state, carrier, packages, intent,
     by, target, _agent, _grp, _reason, _end_ts, _end_uid) = row
    order = None if order_state is None else Order(order_id, order_state, carrier, packages)
    return Consult(uid, ts, buyer, source, item, order, intent, by, target)


def _routed(key: tuple, routes: dict[tuple, Routed]) -> Routed:
    """A new (agent, group, reason) → its Routed, remembered in `routes` (at most 10,000)."""
    if len(routes) >= 10_000:
        routes.clear()
    r = routes[key] = Routed(*key)
    return r


class Row(tuple):
    """A row of the sweep's consults (CONSULT_COLS + end_ts, end_uid) that reads as much of a Consult as
    the tracker, a quick look and group matching need (id, ts, buyer, source, item, intent, by, target,
    order_state); `consult()` makes the Consult."""

    __slots__ = ()
    id = property(itemgetter(0))
    ts = property(itemgetter(1))
    buyer = property(itemgetter(2))
    source = property(itemgetter(3))
    item = property(itemgetter(4))
    intent = property(itemgetter(9))
    by = property(itemgetter(10))
    target = property(itemgetter(11))

    @property
    def order_state(self) -> str:
        s = self[6]
        return "no_active_order" if s is None else s

    consult = _consult_of
