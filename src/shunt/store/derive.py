"""Derived tables: each consult's session end (consults.end_ts) and each account's load steps.

A batch that inserts consults or session_ends marks its shop dirty in `meta`
(`dirty:<shop_id>` = the earliest consult ts it inserted, or a huge value when only
session_ends came) in the same transaction; `derive` recomputes and clears the mark in one
transaction, so a killed load is finished by the next `derive`/`ensure_derived`.

Session end (docs/semantics.md, the streaming reading): whichever comes first of the
session_end naming the consult — placed at (its ts, '') before every consult of that ts —
and the same buyer's next consult — placed at (its ts, its uid). Stored as
(end_ts, end_uid); NULL when neither exists: the session is open for ever. An end placed
at or before the start makes a zero-length session, which loads no one.

load_steps: for every consult with an agent and a non-zero-length session, a step
(agent, ts, okey uid, phase 1) and, when it ends, (agent, end_ts, okey end_uid, phase 0);
`load` is the running sum of +1/-1 over (ts, okey, phase, uid). Steps are rebuilt from the earliest position
any change can touch, so appending a day to a large database does not redo the history.
"""

from __future__ import annotations

import sqlite3

from shunt.store import txn

BIG = 9223372036854775807

# 1. each consult's next consult of the same buyer (covering index scan, no table lookups), written
# into temp._chg in rowid order: appends instead of a random B-tree insert per consult
_NEXT = """
INSERT INTO temp._chg(rid, ts, uid, new_end, new_uid)
SELECT rowid, ts, uid, lead(ts) OVER w, lead(uid) OVER w
FROM consults WHERE shop_id = :sid
WINDOW w AS (PARTITION BY buyer ORDER BY ts, uid)
ORDER BY rowid
"""
# 2. the earliest session_end naming it (both sides walked in uid order)
_SESSION_END = """
UPDATE temp._chg SET new_uid = CASE WHEN e.ts <= coalesce(new_end, :big) THEN '' ELSE new_uid END,
                     new_end = min(coalesce(new_end, :big), e.ts)
FROM (SELECT c.rowid AS rid, min(s.ts) AS ts
        FROM session_ends s JOIN consults c ON c.shop_id = s.shop_id AND c.uid = s.consult
       WHERE s.shop_id = :sid GROUP BY s.consult) e
WHERE temp._chg.rid = e.rid
"""
# 1'. and 2'. the same for the buyers of one batch only (temp._touched): a load appending to a
# database derives each batch in its own transaction, so readers never see a half-derived batch
_NEXT_TOUCHED = """
INSERT INTO temp._chg(rid, ts, uid, new_end, new_uid)
SELECT rowid, ts, uid, lead(ts) OVER w, lead(uid) OVER w
FROM consults WHERE shop_id = :sid AND buyer IN (SELECT buyer FROM temp._touched)
WINDOW w AS (PARTITION BY buyer ORDER BY ts, uid)
"""
_SESSION_END_TOUCHED = """
UPDATE temp._chg SET new_uid = CASE WHEN e.ts <= coalesce(new_end, :big) THEN '' ELSE new_uid END,
                     new_end = min(coalesce(new_end, :big), e.ts)
FROM (SELECT c.rid AS rid, (SELECT min(s.ts) FROM session_ends s WHERE s.shop_id = :sid AND s.consult = c.uid) AS ts
        FROM temp._chg c) e
WHERE temp._chg.rid = e.rid AND e.ts IS NOT NULL
"""
# 3. clamp to the start, fetch the stored value (rowid order), keep the changed ones
_CLAMP = """
UPDATE temp._chg SET new_end = CASE WHEN new_end < ts THEN ts ELSE new_end END,
       (old_end, old_uid) = (SELECT end_ts, end_uid FROM consults WHERE rowid = temp._chg.rid)
"""

_TMIN = """
SELECT min(CASE WHEN (old_end IS NOT NULL AND old_end = ts AND old_uid = '')
                    != (new_end IS NOT NULL AND new_end = ts AND new_uid = '')
                THEN ts ELSE min(coalesce(old_end, :big), coalesce(new_end, :big)) END)
FROM temp._chg WHERE old_end IS NOT new_end OR old_uid IS NOT new_uid
"""

# 4. the steps from :t on: a start step from each consult of ts >= :t (read through consults_ts), an end
# step from each session ending at or after :t (those consults, and the earlier ones in temp._span: see
# derive_shop), one sort, plus the load carried over from before :t (temp._base, empty for a whole shop)
_STEPS_OF = """
INSERT INTO load_steps(shop_id, account, ts, okey, phase, uid, load)
SELECT :sid, s.account, s.ts, s.okey, s.phase, s.uid,
       {base}sum(s.d) OVER (PARTITION BY s.account ORDER BY s.ts, s.okey, s.phase, s.uid ROWS UNBOUNDED PRECEDING)
FROM (
    SELECT c.agent AS account, CASE p.phase WHEN 1 THEN c.ts ELSE c.end_ts END AS ts,
           CASE p.phase WHEN 1 THEN c.uid ELSE c.end_uid END AS okey, p.phase, c.uid, p.phase * 2 - 1 AS d
      FROM consults c CROSS JOIN (SELECT 1 AS phase UNION ALL SELECT 0) p
     WHERE c.shop_id = :sid AND c.ts >= :t AND c.agent IS NOT NULL
       AND (c.end_ts IS NULL OR (c.end_ts, c.end_uid) > (c.ts, c.uid))
       AND (p.phase = 1 OR c.end_ts IS NOT NULL)
    UNION ALL
    SELECT c.agent, c.end_ts, c.end_uid, 0, c.uid, -1
      FROM temp._span x CROSS JOIN consults c ON c.rowid = x.rid  -- (CROSS: the few spans lead)
     WHERE c.shop_id = :sid AND c.ts < :t AND c.agent IS NOT NULL AND c.end_ts >= :t
       AND (c.end_ts, c.end_uid) > (c.ts, c.uid)
) s
"""
_carried = "coalesce((SELECT b.load FROM temp._base b WHERE b.account = s.account), 0)\n       + "
_STEPS = _STEPS_OF.format(base=_carried)
_STEPS_FROM_ZERO = _STEPS_OF.format(base="")  # (temp._base empty, as for a whole shop: no lookup per step)
# the consults of an account whose end step at or after :t is stored (before the steps from :t go)
_SPAN_STORED = """
INSERT OR IGNORE INTO temp._span(rid)
SELECT c.rowid FROM load_steps s JOIN consults c ON c.shop_id = s.shop_id AND c.uid = s.uid
 WHERE s.shop_id = :sid AND s.account = :account AND s.ts >= :t AND s.phase = 0
"""


def dirty_shops(conn: sqlite3.Connection) -> dict[int, int]:
    out = {}
    for key, value in conn.execute("SELECT key, value FROM meta WHERE key LIKE 'dirty:%'"):
        out[int(key.split(":", 1)[1])] = int(value)
    return out


def mark_dirty(conn: sqlite3.Connection, shop_id: int, t: int) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = min(CAST(value AS INTEGER), excluded.value)",
        (f"dirty:{shop_id:d}", int(t)),
    )


def _accounts(conn: sqlite3.Connection, sid: int) -> list[str]:
    accounts, last = [], ""
    while True:
        row = conn.execute(
            "SELECT account FROM load_steps WHERE shop_id = ? AND account > ? ORDER BY account LIMIT 1",
            (sid, last)).fetchone()
        if row is None:
            return accounts
        last = row[0]
        accounts.append(last)


def create_temp(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _chg(rid INTEGER PRIMARY KEY, ts INTEGER, uid TEXT, "
                 "old_end INTEGER, new_end INTEGER, old_uid TEXT, new_uid TEXT)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _base(account TEXT PRIMARY KEY, load INTEGER)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _touched(buyer TEXT PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _span(rid INTEGER PRIMARY KEY)")


def derive_shop(conn: sqlite3.Connection, sid: int, t_flag: int, touched: bool = False) -> None:
    """Recompute end_ts and load_steps of one shop (call inside a transaction).

    `touched`: only the consults of the buyers in temp._touched can have changed (a batch's)."""
    create_temp(conn)
    conn.execute("DELETE FROM temp._chg")
    conn.execute("DELETE FROM temp._base")
    if touched:
        conn.execute(_NEXT_TOUCHED, {"sid": sid})
        conn.execute(_SESSION_END_TOUCHED, {"sid": sid, "big": BIG})
    else:
        conn.execute(_NEXT, {"sid": sid})
        conn.execute(_SESSION_END, {"sid": sid, "big": BIG})
    conn.execute(_CLAMP)
    t_chg = conn.execute(_TMIN, {"big": BIG}).fetchone()[0]
    conn.execute("DELETE FROM temp._chg WHERE old_end IS new_end AND old_uid IS new_uid")
    conn.execute(
        "UPDATE consults SET (end_ts, end_uid) = (SELECT new_end, new_uid FROM temp._chg WHERE rid = consults.rowid) "
        "WHERE rowid IN (SELECT rid FROM temp._chg)")
    t = min(t_flag, t_chg if t_chg is not None else BIG)
    if t >= BIG:
        return
    _steps_from(conn, sid, t)


def _steps_from(conn: sqlite3.Connection, sid: int, t: int) -> None:
    """Rebuild the shop's load steps from `t` on (temp._chg: the consults whose session changed).

    Reads only what lies at or after `t`: the consults starting there, and the sessions that start
    before `t` and end after it. Those are either changed now (temp._chg) or unchanged, and then
    their end step at or after `t` is stored (the steps before `t` are consistent with the sessions
    as stored: every change goes through derive_shop from at most its earliest moment)."""
    conn.execute("DELETE FROM temp._span")
    conn.execute("INSERT OR IGNORE INTO temp._span(rid) SELECT rid FROM temp._chg")
    for account in _accounts(conn, sid):
        conn.execute(_SPAN_STORED, {"sid": sid, "account": account, "t": t})
        conn.execute("DELETE FROM load_steps WHERE shop_id = ? AND account = ? AND ts >= ?", (sid, account, t))
        row = conn.execute(
            "SELECT load FROM load_steps WHERE shop_id = ? AND account = ? "
            "ORDER BY ts DESC, okey DESC, phase DESC, uid DESC LIMIT 1", (sid, account)).fetchone()
        if row and row[0]:
            conn.execute("INSERT INTO temp._base(account, load) VALUES (?, ?)", (account, row[0]))
    carried = conn.execute("SELECT 1 FROM temp._base LIMIT 1").fetchone()
    conn.execute(_STEPS if carried else _STEPS_FROM_ZERO, {"sid": sid, "t": t})


def derive(conn: sqlite3.Connection) -> list[int]:
    """Bring the derived tables of every dirty shop up to date; returns those shops."""
    done = []
    dirty = dirty_shops(conn)
    if dirty:
        conn.execute("PRAGMA temp_store = FILE")  # sorts and temp tables spill to disk: flat memory at any size
    for sid, t in sorted(dirty.items()):
        with txn.immediate(conn):
            current = conn.execute("SELECT value FROM meta WHERE key = ?", (f"dirty:{sid:d}",)).fetchone()
            if current is not None:
                derive_shop(conn, sid, int(current[0]))
                conn.execute("DELETE FROM meta WHERE key = ?", (f"dirty:{sid:d}",))
        done.append(sid)
    return done


def ensure_derived(conn: sqlite3.Connection) -> None:
    """For readers: finish the derivation a killed load left undone (cheap when nothing is)."""
    if conn.execute("SELECT 1 FROM meta WHERE key LIKE 'dirty:%' LIMIT 1").fetchone():
        derive(conn)
