"""Point lookups: the state at a consult's cut, and what the commands look up by name.

Every query is an indexed seek (no scan of history); every user value is a bound parameter.
"""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
from typing import Iterable

from shunt import errors
from shunt.engine.model import (
    Config, Consult, LastPick, Order, RecentContact, Routed, State, recent_window_ms,
)
from shunt.store.schema import SELECTION_IN
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
    raise errors.UsageError(f"the database holds several shops; pick one with --shop ({', '.join(names[:10])})")


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


# ---- configuration ----------------------------------------------------------------------

@lru_cache(maxsize=256)
def _parse_config(uid: str, nick: str, ts: int, body: str) -> Config:
    return Config.from_body(nick, ts, json.loads(body))


def config_row(conn: sqlite3.Connection, sid: int, ts: int, strict_before: bool = False):
    op = "<" if strict_before else "<="
    return conn.execute(
        f"SELECT c.uid, c.ts, c.body, s.nick FROM configs c JOIN shops s ON s.id = c.shop_id "
        f"WHERE c.shop_id = ? AND c.ts {op} ? ORDER BY c.ts DESC, c.uid DESC LIMIT 1", (sid, ts)).fetchone()


def _config(conn: sqlite3.Connection, row) -> Config | None:
    if row is None:
        return None
    uid, ts, body, nick = row
    return _parse_config(uid, nick, ts, body)


def config_at(conn: sqlite3.Connection, sid: int, ts: int) -> Config | None:
    """The shop_config in force at `ts` (latest with ts <= T; ties: greatest uid), or None."""
    return _config(conn, config_row(conn, sid, ts))


def configs_in(conn: sqlite3.Connection, sid: int, start: int, end: int) -> list[Config]:
    """The configs in force during [start, end): the one at `start`, then those that begin inside, in order."""
    first = config_at(conn, sid, start)
    rows = conn.execute("SELECT c.uid, c.ts, c.body, s.nick FROM configs c JOIN shops s ON s.id = c.shop_id "
                        "WHERE c.shop_id = ? AND c.ts > ? AND c.ts < ? ORDER BY c.ts, c.uid", (sid, start, end))
    return ([first] if first is not None else []) + [_config(conn, row) for row in rows]


# ---- status, stats, load ----------------------------------------------------------------

def status_at(conn: sqlite3.Connection, sid: int, account: str, ts: int) -> tuple[str, int] | None:
    """(status, since) of `account` at `ts`, None when it has no status event yet (offline).

    `since`: the first event of the current run of equal statuses (as the Tracker counts it).
    """
    row = conn.execute(
        "SELECT status, ts, uid FROM statuses WHERE shop_id = ? AND account = ? AND ts <= ? "
        "ORDER BY ts DESC, uid DESC LIMIT 1", (sid, account, ts)).fetchone()
    if row is None:
        return None
    status = row[0]
    diff = conn.execute(
        "SELECT ts, uid FROM statuses WHERE shop_id = ? AND account = ? AND ts <= ? AND status <> ? "
        "ORDER BY ts DESC, uid DESC LIMIT 1", (sid, account, ts, status)).fetchone()
    if diff is None:
        first = conn.execute(
            "SELECT ts FROM statuses WHERE shop_id = ? AND account = ? ORDER BY ts, uid LIMIT 1",
            (sid, account)).fetchone()
    else:
        first = conn.execute(
            "SELECT ts FROM statuses WHERE shop_id = ? AND account = ? AND ts >= ? AND (ts, uid) > (?, ?) "
            "ORDER BY ts, uid LIMIT 1", (sid, account, diff[0], diff[0], diff[1])).fetchone()
    return status, first[0]


def conversion_at(conn: sqlite3.Connection, sid: int, account: str, ts: int) -> float | None:
    row = conn.execute(
        "SELECT conversion_rate FROM stats WHERE shop_id = ? AND account = ? AND ts <= ? "
        "ORDER BY ts DESC, uid DESC LIMIT 1", (sid, account, ts)).fetchone()
    return None if row is None else row[0]


def load_at(conn: sqlite3.Connection, sid: int, account: str, ts: int, uid: str) -> int:
    """Open sessions of `account` at the cut of consult (T, uid): its last step with (ts, okey, phase) < (T, uid, 1).

    That takes every step placed before the consult, and the end of the buyer's previous
    session that this very consult closes (okey = uid, phase 0), but not its own start.
    """
    row = conn.execute(
        "SELECT load FROM load_steps WHERE shop_id = ? AND account = ? AND ts <= ? "
        "AND (ts, okey, phase) < (?, ?, 1) ORDER BY ts DESC, okey DESC, phase DESC, uid DESC LIMIT 1",
        (sid, account, ts, ts, uid)).fetchone()
    return row[0] if row else 0


def recent_contacts(conn: sqlite3.Connection, sid: int, buyer: str, ts: int, uid: str,
                    cfg: Config | None) -> tuple[RecentContact, ...]:
    """The buyer's recent contacts at the cut (docs/semantics.md), most recent first."""
    if cfg is None:
        return ()
    lo = ts - recent_window_ms(cfg.settings.recent_contact_hours)
    shop, assistant = cfg.shop, cfg.settings.assistant
    seen: set[str] = set()
    out = []
    for agent, t in conn.execute(
            "SELECT agent, ts FROM consults WHERE shop_id = ? AND buyer = ? AND ts >= ? AND ts <= ? "
            "AND (ts, uid) < (?, ?) AND agent IS NOT NULL ORDER BY ts DESC, uid DESC",
            (sid, buyer, lo, ts, ts, uid)):
        if agent in seen or agent == assistant or not (agent == shop or agent.startswith(shop + ":")):
            continue
        seen.add(agent)
        out.append(RecentContact(account=agent, ts=t))
    return tuple(out)


# status_at, load_at and conversion_at of many accounts in one statement (the same index seeks, one
# round trip instead of five per account): account, status, since, load, conversion rate.
_ACCOUNT_STATES = """
SELECT a.value, s.status,
       CASE WHEN s.rowid IS NULL THEN NULL
            WHEN d.rowid IS NULL THEN (SELECT f.ts FROM statuses f WHERE f.shop_id = :sid AND f.account = a.value
                                       ORDER BY f.ts, f.uid LIMIT 1)
            ELSE (SELECT f.ts FROM statuses f WHERE f.shop_id = :sid AND f.account = a.value AND f.ts >= d.ts
                    AND (f.ts, f.uid) > (d.ts, d.uid) ORDER BY f.ts, f.uid LIMIT 1) END,
       (SELECT l.load FROM load_steps l WHERE l.shop_id = :sid AND l.account = a.value AND l.ts <= :t
          AND (l.ts, l.okey, l.phase) < (:t, :uid, 1) ORDER BY l.ts DESC, l.okey DESC, l.phase DESC, l.uid DESC LIMIT 1),
       (SELECT r.conversion_rate FROM stats r WHERE r.shop_id = :sid AND r.account = a.value AND r.ts <= :t
          ORDER BY r.ts DESC, r.uid DESC LIMIT 1)
FROM json_each(:accounts) a
LEFT JOIN statuses s ON s.rowid = (SELECT x.rowid FROM statuses x WHERE x.shop_id = :sid AND x.account = a.value
                                     AND x.ts <= :t ORDER BY x.ts DESC, x.uid DESC LIMIT 1)
LEFT JOIN statuses d ON d.rowid = (SELECT y.rowid FROM statuses y WHERE y.shop_id = :sid AND y.account = a.value
                                     AND y.ts <= :t AND y.status <> s.status ORDER BY y.ts DESC, y.uid DESC LIMIT 1)
"""


def account_states(conn: sqlite3.Connection, sid: int, accounts: list[str], ts: int, uid: str
                   ) -> dict[str, tuple[str | None, int | None, int | None, float | None]]:
    """account -> (status, since, load, conversion) at the cut of consult (ts, uid), as status_at, load_at
    and conversion_at answer them (status and since None: no status event yet; load None: no step)."""
    out = {a: (None, None, None, None) for a in accounts}
    for a, st, st_since, n, rate in conn.execute(
            _ACCOUNT_STATES, {"sid": sid, "t": ts, "uid": uid, "accounts": json.dumps(accounts)}):
        out[a] = (st, st_since, n, rate)
    return out


def last_pick(conn: sqlite3.Connection, sid: int, group: str, ts: int, uid: str) -> LastPick | None:
    row = conn.execute(
        f"SELECT ts, uid, agent FROM consults WHERE shop_id = ? AND grp = ? AND reason IN {SELECTION_IN} "
        "AND ts <= ? AND (ts, uid) < (?, ?) AND agent IS NOT NULL ORDER BY ts DESC, uid DESC LIMIT 1",
        (sid, group, ts, ts, uid)).fetchone()
    return None if row is None else LastPick(ts=row[0], consult=row[1], account=row[2])


def state_at(conn: sqlite3.Connection, sid: int, consult: Consult, uid: str) -> State:
    """The State `consult` was routed against, rebuilt by point lookups at its cut.

    Status, since and conversion cover the configured agents, the assistant, the shop nick,
    the consult's `by`/`target`, the buyer's exclusive agent and recent contacts; load covers
    the same accounts (only non-zero entries); last_pick covers the configured groups.
    """
    T = consult.ts
    cfg = config_at(conn, sid, T)
    recent = recent_contacts(conn, sid, consult.buyer, T, uid, cfg)
    accounts: dict[str, None] = {}
    if cfg is not None:
        for a in cfg.agents:
            accounts[a.account] = None
        if cfg.settings.assistant:
            accounts[cfg.settings.assistant] = None
        accounts[cfg.shop] = None
        for e in cfg.exclusive:
            if e.buyer == consult.buyer:
                accounts[e.agent] = None
        for g in cfg.groups:
            for m in g.members:
                accounts[m] = None
    for a in (consult.by, consult.target):
        if a:
            accounts[a] = None
    for rc in recent:
        accounts[rc.account] = None
    status, since, load, conversion = {}, {}, {}, {}
    found = account_states(conn, sid, list(accounts), T, uid)
    for a in accounts:
        st, st_since, n, rate = found[a]
        if st is not None:
            status[a], since[a] = st, st_since
        if n:
            load[a] = n
        if rate is not None:
            conversion[a] = rate
    picks = {}
    if cfg is not None:
        for g in cfg.groups:
            lp = last_pick(conn, sid, g.id, T, uid)
            if lp is not None:
                picks[g.id] = lp
    return State(config=cfg, status=status, status_since=since, load=load, recent=recent,
                 conversion=conversion, last_pick=picks)


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


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _nearest(conn: sqlite3.Connection, sql_prefix: str, sql_sample: str, params: tuple, name: str, n: int) -> list[str]:
    found: dict[str, None] = {}
    pat = _like_escape(name)
    for (v,) in conn.execute(sql_prefix, (*params, pat + "%", n)):
        found[v] = None
    if len(found) < n and len(name) >= 2:
        for (v,) in conn.execute(sql_sample.replace("{LIKE}", "ESCAPE '\\'"), (*params, "%" + pat + "%", 2000)):
            found[v] = None
            if len(found) >= 4 * n:
                break
    sample = [v for (v,) in conn.execute(sql_sample.replace("{LIKE}", "ESCAPE '\\'"), (*params, "%", 2000))]
    import difflib  # error paths only

    close = difflib.get_close_matches(name, list(found) + sample, n=n, cutoff=0.4)
    out = list(dict.fromkeys([*(v for v in found if v.startswith(name)), *close, *found]))
    return [v for v in out if v != name][:n]


def nearest_buyers(conn: sqlite3.Connection, sid: int, name: str, n: int = 5) -> list[str]:
    """A few buyer nicks like `name` (prefix, substring, then close spellings over a bounded sample)."""
    return _nearest(
        conn,
        "SELECT DISTINCT buyer FROM consults WHERE shop_id = ? AND buyer LIKE ? ESCAPE '\\' LIMIT ?",
        "SELECT buyer FROM (SELECT DISTINCT buyer FROM consults WHERE shop_id = ? "
        "AND buyer LIKE ? {LIKE} LIMIT ?)",
        (sid,), name, n)


def buyers_by_prefix(conn: sqlite3.Connection, sid: int, prefix: str, n: int = 10) -> list[str]:
    """Up to `n` buyer nicks of consults starting with `prefix` (case-sensitive), in order: an index range seek
    (consults(shop_id, buyer, ...)), one distinct nick at a time so that a buyer's many consults cost nothing."""
    out: list[str] = []
    last, inclusive = prefix, True
    while len(out) < n:
        op = ">=" if inclusive else ">"
        row = conn.execute(f"SELECT buyer FROM consults WHERE shop_id = ? AND buyer {op} ? ORDER BY buyer LIMIT 1",
                           (sid, last)).fetchone()
        if row is None or not row[0].startswith(prefix):
            break
        out.append(row[0])
        last, inclusive = row[0], False
    return out


def known_accounts(conn: sqlite3.Connection, sid: int, at: int | None = None) -> list[str]:
    """Accounts of the config in force (at `at`, default the latest) and those with status events."""
    cfg = config_at(conn, sid, at if at is not None else 2**62)
    names: dict[str, None] = {}
    if cfg is not None:
        for a in cfg.agents:
            names[a.account] = None
        if cfg.settings.assistant:
            names[cfg.settings.assistant] = None
        for g in cfg.groups:
            for m in g.members:
                names[m] = None
    last = ""
    for _ in range(5000):
        row = conn.execute("SELECT account FROM statuses WHERE shop_id = ? AND account > ? ORDER BY account LIMIT 1",
                           (sid, last)).fetchone()
        if row is None:
            break
        last = row[0]
        names[last] = None
    return list(names)


def nearest_accounts(conn: sqlite3.Connection, sid: int, name: str, n: int = 5) -> list[str]:
    names = known_accounts(conn, sid)
    lname = name.lower()
    out = [a for a in names if a.lower().startswith(lname)]
    out += [a for a in names if lname in a.lower() and a not in out]
    tail = name.split(":", 1)[-1]
    out += [a for a in names if tail and a.split(":", 1)[-1] == tail and a not in out]
    # a name typed without its shop prefix, a character more or less: 小丙丙 → zhenpin:小丙
    out += [a for a in names if tail and a not in out and len(a.split(":", 1)[-1]) > 1
            and (a.split(":", 1)[-1] in tail or tail in a.split(":", 1)[-1])]
    import difflib  # error paths only

    out += [a for a in difflib.get_close_matches(name, names, n=n, cutoff=0.4) if a not in out]
    return [a for a in out if a != name][:n]


def account_exists(conn: sqlite3.Connection, sid: int, account: str) -> bool:
    if conn.execute("SELECT 1 FROM statuses WHERE shop_id = ? AND account = ? LIMIT 1", (sid, account)).fetchone():
        return True
    if conn.execute("SELECT 1 FROM load_steps WHERE shop_id = ? AND account = ? LIMIT 1", (sid, account)).fetchone():
        return True
    if account in known_accounts(conn, sid):
        return True
    # a carrier's logistics account appears only in invitations (a small table)
    return conn.execute("SELECT 1 FROM logistics WHERE shop_id = ? AND account = ? LIMIT 1", (sid, account)).fetchone() is not None


def buyer_exists(conn: sqlite3.Connection, sid: int, buyer: str) -> bool:
    return conn.execute("SELECT 1 FROM consults WHERE shop_id = ? AND buyer = ? LIMIT 1", (sid, buyer)).fetchone() is not None \
        or conn.execute("SELECT 1 FROM messages WHERE shop_id = ? AND buyer = ? LIMIT 1", (sid, buyer)).fetchone() is not None


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
    best = None
    for table in ("consults", "messages", "statuses", "session_ends", "configs", "stats", "logistics"):
        row = conn.execute(f"SELECT max(ts) FROM {table} WHERE shop_id = ?", (sid,)).fetchone()
        if row and row[0] is not None and (best is None or row[0] > best):
            best = row[0]
    return best


def first_event_ts(conn: sqlite3.Connection, sid: int) -> int | None:
    best = None
    for table in ("consults", "messages", "statuses", "session_ends", "configs"):
        row = conn.execute(f"SELECT min(ts) FROM {table} WHERE shop_id = ?", (sid,)).fetchone()
        if row and row[0] is not None and (best is None or row[0] < best):
            best = row[0]
    return best


def consults_between(conn: sqlite3.Connection, sid: int, start: int, end: int) -> Iterable[tuple[Consult, Routed, str]]:
    for r in conn.execute(f"SELECT {CONSULT_COLS} FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ? "
                          "ORDER BY ts, uid", (sid, start, end)):
        yield consult_from_row(r)
