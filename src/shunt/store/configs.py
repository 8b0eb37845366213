"""The shop's config timeline: the shop_config in force at a moment, and those of a period (parsed
once per config row and remembered)."""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache

from shunt.engine.model import Config


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
