"""What the shape benchmark asks about, chosen from a loaded database (plain sqlite3 + the engine's
config reader): an account that CAN receive consults at the last event (listed, routing on, not a
proxy, some capacity, in a group, online), a busy buyer, and the busiest day."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def receiving_account(db: Path) -> tuple[str, str]:
    """(account, moment): the moment is the consult at 80% of the log (a busy hour; at the last
    event a generated shop is closed), in Asia/Shanghai local time; the account, receiving then,
    received the most consults."""
    c = sqlite3.connect(db)
    try:
        body = json.loads(c.execute("SELECT body FROM configs ORDER BY ts DESC LIMIT 1").fetchone()[0])
        body = body.get("config", body) if "agents" not in body else body
        in_group = {m for g in body.get("groups") or () for m in g.get("members") or ()}
        ok = {a["account"] for a in body.get("agents") or ()
              if a.get("routing", True) and not a.get("proxy", False)
              and (a.get("max_sessions") is None or a["max_sessions"] > 0) and a["account"] in in_group}
        n = c.execute("SELECT count(*) FROM consults").fetchone()[0]
        last = c.execute("SELECT ts FROM consults ORDER BY ts, uid LIMIT 1 OFFSET ?", (n * 4 // 5,)).fetchone()[0]
        at = c.execute("SELECT datetime(? / 1000, 'unixepoch', '+8 hours')", (last,)).fetchone()[0]
        online = {a for a, s in c.execute(
            "SELECT account, status FROM statuses s WHERE ts = (SELECT max(ts) FROM statuses t "
            "WHERE t.account = s.account AND t.ts <= ?)", (last,)) if s == "online"}
        rows = c.execute("SELECT agent, count(*) n FROM consults WHERE agent IS NOT NULL GROUP BY agent "
                         "ORDER BY n DESC, agent").fetchall()
        for agent, _n in rows:
            if agent in ok and agent in online:
                return agent, at
        raise SystemExit(f"{db}: no account can receive at {at}")
    finally:
        c.close()


def busy_buyer(db: Path) -> tuple[str, str]:
    """(buyer with the most consults on the last day, that day in Asia/Shanghai)."""
    c = sqlite3.connect(db)
    try:
        day = c.execute("SELECT date(max(ts) / 1000, 'unixepoch', '+8 hours') FROM consults").fetchone()[0]
        buyer = c.execute("SELECT buyer, count(*) n FROM consults WHERE date(ts / 1000, 'unixepoch', '+8 hours') = ? "
                          "GROUP BY buyer ORDER BY n DESC, buyer LIMIT 1", (day,)).fetchone()[0]
        return buyer, day
    finally:
        c.close()


def busiest_day(db: Path) -> str:
    c = sqlite3.connect(db)
    try:
        return c.execute("SELECT date(ts / 1000, 'unixepoch', '+8 hours') d FROM consults GROUP BY d "
                         "ORDER BY count(*) DESC, d LIMIT 1").fetchone()[0]
    finally:
        c.close()
