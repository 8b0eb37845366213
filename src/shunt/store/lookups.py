"""Point lookups: shops, consults, buyers' days, messages and logistics. The config timeline is in
store/configs.py, the state at a consult's cut in store/states.py, names as typed in store/names.py;
they are re-exported here for the callers that read them from `lookups`.

Every query is an indexed seek (no scan of history); every user value is a bound parameter.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable

from shunt import errors
from shunt.engine.model import Consult, Order, Routed
from shunt.store import spans
from shunt.store.configs import config_at, config_row, configs_in  # noqa: F401 - re-exported
from shunt.store.names import (  # noqa: F401 - re-exported
    account_exists, buyer_exists, buyers_by_prefix, known_accounts, nearest_accounts, nearest_buyers,
)
from shunt.store.states import (  # noqa: F401 - re-exported
    account_states, conversion_at, last_pick, load_at, recent_contacts, state_at, status_at,
)
from shunt.timeutil import DEFAULT_TZ, day_bounds, local_date, zone

CONSULT_COLS = ("uid, ts, buyer, source, item, order_id, order_state, carrier, packages, intent, "
                "by_account, target, agent, grp, reason")


def consult_from_row(row: tuple) -> tuple[Consult, Routed, str]:
    """A row of CONSULT_COLS → (Consult, Routed, uid). The consult's id is its uid."""
    (uid, ts, buyer, source, item, order_id, order_state, carrier, packages, intent,
     by, target, agent, grp, reason) = row
    order = None if order_state is None else Order(id=order_id, state=order_state, carrier=carrier, packages=packages)
    c = Consult(id=uid, ts=ts, buyer=buyer, source=source, item=item, order=order, intent=intent, by=by, target=target)
    return c, Routed(agent=agent, group=grp, reason=reason), uid


# ---- shops ------------------------------------------------------------------------------

def shops(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT nick FROM shops ORDER BY nick")]


def shop_id(conn: sqlite3.Connection, nick: str | None) -> int:
    """The shop's id; `nick` may be None when the database holds exactly one shop."""
    if nick is not None:
        row = conn.execute("SELECT id FROM shops WHERE nick = ?", (nick,)).fetchone()
        if row:
            return row[0]
        names = shops(conn)
        import difflib  # error paths only

        near = difflib.get_close_matches(nick, names, n=5, cutoff=0.3) or names[:10]
        raise errors.NotFound(f"no shop {nick!r} in the database" + (f"; shops: {', '.join(names[:10])}" if names else ""),
                              nearest=near)
    rows = conn.execute("SELECT id, nick FROM shops ORDER BY nick LIMIT 11").fetchall()
    if len(rows) == 1:
        return rows[0][0]
    if not rows:
        raise errors.NotFound("the database holds no shop yet; run shunt load first")
    names = [r[1] for r in rows]
    raise errors.UsageError("the database holds several shops; pick one with --shop ({join})", join=names[:10])


def shop_nick(conn: sqlite3.Connection, sid: int) -> str:
    return conn.execute("SELECT nick FROM shops WHERE id = ?", (sid,)).fetchone()[0]


def shop_info(conn: sqlite3.Connection, sid: int) -> tuple[str, str]:
    """(nick, timezone name) of the shop; the zone of its latest shop_config, default Asia/Shanghai."""
    row = conn.execute("SELECT nick, timezone FROM shops WHERE id = ?", (sid,)).fetchone()
    if row is None:
        raise errors.NotFound(f"no shop with id {sid}")
    return row[0], row[1] or DEFAULT_TZ


def shop_tz(conn: sqlite3.Connection, sid: int):
    """ZoneInfo of the shop: the timezone of its latest shop_config, default Asia/Shanghai."""
    row = conn.execute("SELECT timezone FROM shops WHERE id = ?", (sid,)).fetchone()
    try:
        return zone(row[0] if row and row[0] else DEFAULT_TZ)
    except ValueError:
        return zone(DEFAULT_TZ)


# ---- consults, buyers, accounts ---------------------------------------------------------

def consult_row(conn: sqlite3.Connection, sid: int, consult_id: str) -> tuple[Consult, Routed, str] | None:
    row = conn.execute(f"SELECT {CONSULT_COLS} FROM consults WHERE shop_id = ? AND uid = ?",
                       (sid, consult_id)).fetchone()
    return None if row is None else consult_from_row(row)


def consults_of_buyer(conn: sqlite3.Connection, sid: int, buyer: str, start: int, end: int
                      ) -> list[tuple[Consult, Routed, str]]:
    """The buyer's consults with start <= ts < end, in cut order."""
    return [consult_from_row(r) for r in conn.execute(
        f"SELECT {CONSULT_COLS} FROM consults WHERE shop_id = ? AND buyer = ? AND ts >= ? AND ts < ? "
        "ORDER BY ts, uid", (sid, buyer, start, end))]


def buyer_days(conn: sqlite3.Connection, sid: int, buyer: str, tz=None, limit: int = 366) -> list:
    """The local dates (in `tz`, default the shop's) on which the buyer has consults, latest first."""
    tz = tz or shop_tz(conn, sid)
    days: list = []
    hi = None
    while len(days) < limit:
        if hi is None:
            row = conn.execute("SELECT max(ts) FROM consults WHERE shop_id = ? AND buyer = ?", (sid, buyer)).fetchone()
        else:
            row = conn.execute("SELECT max(ts) FROM consults WHERE shop_id = ? AND buyer = ? AND ts < ?",
                               (sid, buyer, hi)).fetchone()
        if row is None or row[0] is None:
            break
        d = local_date(row[0], tz)
        days.append(d)
        hi = day_bounds(d, tz)[0]
    return days


# ---- messages and logistics -------------------------------------------------------------

MESSAGE_COLS = "uid, ts, buyer, sender, account, consult, extra"


def _message(row) -> dict | None:
    if row is None:
        return None
    uid, ts, buyer, sender, account, consult, extra = row
    return {"uid": uid, "ts": ts, "buyer": buyer, "sender": sender, "account": account, "consult": consult,
            "extra": json.loads(extra) if extra else None}


def message_at(conn: sqlite3.Connection, sid: int, buyer: str, second_start_ms: int) -> dict | None:
    """The buyer's message (sender buyer) sent within [second, second + 1 s): the earliest one."""
    return _message(conn.execute(
        f"SELECT {MESSAGE_COLS} FROM messages WHERE shop_id = ? AND buyer = ? AND ts >= ? AND ts < ? "
        "AND sender = 'buyer' ORDER BY ts, uid LIMIT 1", (sid, buyer, second_start_ms, second_start_ms + 1000)).fetchone())


def nearest_messages(conn: sqlite3.Connection, sid: int, buyer: str, ts: int, n: int = 3) -> list[int]:
    """Times (epoch ms) of the buyer's messages (sender buyer) nearest to `ts`, nearest first."""
    return [m["ts"] for m in nearest_message_rows(conn, sid, buyer, ts, n)]


def nearest_message_rows(conn: sqlite3.Connection, sid: int, buyer: str, ts: int, n: int = 3) -> list[dict]:
    """The buyer's messages (sender buyer) nearest to `ts`, before and after, nearest first."""
    before = [_message(r) for r in conn.execute(
        f"SELECT {MESSAGE_COLS} FROM messages WHERE shop_id = ? AND buyer = ? AND ts < ? AND sender = 'buyer' "
        "ORDER BY ts DESC LIMIT ?", (sid, buyer, ts, n))]
    after = [_message(r) for r in conn.execute(
        f"SELECT {MESSAGE_COLS} FROM messages WHERE shop_id = ? AND buyer = ? AND ts >= ? AND sender = 'buyer' "
        "ORDER BY ts LIMIT ?", (sid, buyer, ts, n))]
    both = [m for m in before + after if m is not None]
    both.sort(key=lambda m: (abs(m["ts"] - ts), m["ts"]))
    return both[:n]


def consult_of_message(conn: sqlite3.Connection, sid: int, message: dict) -> tuple[Consult, Routed, str] | None:
    """The message's consult: its explicit `consult`, else the buyer's latest consult at or before its ts."""
    if message.get("consult"):
        found = consult_row(conn, sid, message["consult"])
        if found is not None:
            return found
    row = conn.execute(
        f"SELECT {CONSULT_COLS} FROM consults WHERE shop_id = ? AND buyer = ? AND ts <= ? "
        "ORDER BY ts DESC, uid DESC LIMIT 1", (sid, message["buyer"], message["ts"])).fetchone()
    return None if row is None else consult_from_row(row)


def logistics_events(conn: sqlite3.Connection, sid: int, consult_id: str) -> list[dict]:
    return [
        {"uid": r[0], "ts": r[1], "action": r[2], "by": r[3], "account": r[4], "carrier": r[5], "order": r[6],
         "extra": json.loads(r[7]) if r[7] else None}
        for r in conn.execute(
            "SELECT uid, ts, action, by_party, account, carrier, order_id, extra FROM logistics "
            "WHERE shop_id = ? AND consult = ? ORDER BY ts, uid", (sid, consult_id))
    ]


def last_event_ts(conn: sqlite3.Connection, sid: int) -> int | None:
    """The time of the shop's last loaded event (consults, messages, statuses, session ends, ...)."""
    kept = spans.span(conn, sid)  # (messages: no index leads with (shop_id, ts); store/spans.py)
    best = kept[1] if kept else None
    tables = ("consults", "statuses", "session_ends", "configs", "stats", "logistics") + (() if kept else ("messages",))
    for table in tables:
        row = conn.execute(f"SELECT max(ts) FROM {table} WHERE shop_id = ?", (sid,)).fetchone()
        if row and row[0] is not None and (best is None or row[0] > best):
            best = row[0]
    return best


def first_event_ts(conn: sqlite3.Connection, sid: int) -> int | None:
    kept = spans.span(conn, sid)
    best = kept[0] if kept else None
    tables = ("consults", "statuses", "session_ends", "configs") + (() if kept else ("messages",))
    for table in tables:
        row = conn.execute(f"SELECT min(ts) FROM {table} WHERE shop_id = ?", (sid,)).fetchone()
        if row and row[0] is not None and (best is None or row[0] < best):
            best = row[0]
    return best


def consults_between(conn: sqlite3.Connection, sid: int, start: int, end: int) -> Iterable[tuple[Consult, Routed, str]]:
    for r in conn.execute(f"SELECT {CONSULT_COLS} FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ? "
                          "ORDER BY ts, uid", (sid, start, end)):
        yield consult_from_row(r)
