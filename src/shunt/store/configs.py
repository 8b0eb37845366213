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


def _in_force(columns: str, op: str = "<=") -> str:
    """The query of a shop's config in force at a moment (latest with ts `op` T; ties: greatest uid)."""
    return (f"SELECT {columns} FROM configs c JOIN shops s ON s.id = c.shop_id "
            f"WHERE c.shop_id = ? AND c.ts {op} ? ORDER BY c.ts DESC, c.uid DESC LIMIT 1")


_row = "c.uid, c.ts, c.body, s.nick"  # (lower-case names: tools/sentences.py reads call arguments as sentences)
_head = "c.rowid, c.uid, c.ts, s.nick"
_ROW_AT, _ROW_BEFORE = _in_force(_row), _in_force(_row, "<")


def config_row(conn: sqlite3.Connection, sid: int, ts: int, strict_before: bool = False):
    return conn.execute(_ROW_BEFORE if strict_before else _ROW_AT, (sid, ts)).fetchone()


def _config(conn: sqlite3.Connection, row) -> Config | None:
    if row is None:
        return None
    uid, ts, body, nick = row
    return _parse_config(uid, nick, ts, body)


_IN_FORCE = _in_force(_head)  # (its body read only when not parsed yet)
# id(conn) → (conn, its PRAGMA data_version, {(rowid, uid, ts, nick): Config}); the last few connections
_SEEN: dict[int, tuple[sqlite3.Connection, int, dict]] = {}


def config_at(conn: sqlite3.Connection, sid: int, ts: int) -> Config | None:
    """The shop_config in force at `ts` (latest with ts <= T; ties: greatest uid), or None.

    A config already parsed on this connection (and not changed since by another: data_version) is
    not read again: a point question asks for the one in force at each node, and a body of 1000
    agents is ~160 kB to read, decode and hash each time."""
    row = conn.execute(_IN_FORCE, (sid, ts)).fetchone()
    if row is None:
        return None
    version = conn.execute("PRAGMA data_version").fetchone()[0]
    seen = _SEEN.get(id(conn))
    if seen is None or seen[0] is not conn or seen[1] != version:
        if len(_SEEN) >= 4:
            _SEEN.pop(next(iter(_SEEN)))
        seen = _SEEN[id(conn)] = (conn, version, {})
    memo = seen[2]
    cfg = memo.get(row)
    if cfg is None:
        rowid, uid, at, nick = row
        body = conn.execute("SELECT body FROM configs WHERE rowid = ?", (rowid,)).fetchone()[0]
        cfg = memo[row] = _parse_config(uid, nick, at, body)
    return cfg


def configs_in(conn: sqlite3.Connection, sid: int, start: int, end: int) -> list[Config]:
    """The configs in force during [start, end): the one at `start`, then those that begin inside, in order."""
    first = config_at(conn, sid, start)
    rows = conn.execute("SELECT c.uid, c.ts, c.body, s.nick FROM configs c JOIN shops s ON s.id = c.shop_id "
                        "WHERE c.shop_id = ? AND c.ts > ? AND c.ts < ? ORDER BY c.ts, c.uid", (sid, start, end))
    return ([first] if first is not None else []) + [_config(conn, row) for row in rows]


_GROUP_NAMES = ("SELECT c.uid, json_type(g.value, '$.id'), json_extract(g.value, '$.id'), json_type(g.value, '$.name'), "
                "json_extract(g.value, '$.name') FROM configs c, json_each(c.body, '$.groups') g "
                "WHERE c.shop_id = ? AND typeof(g.key) = 'integer' ORDER BY c.ts, c.uid, g.key")
# (an array's elements are the rows with an integer key: an object's members have text keys, a scalar's one
# row a NULL key. Asking json_type(c.body, '$.groups') parsed each ~160 kB body once more: 8 -> 3 ms at
# 300 groups of 1000 agents)
_PLAIN = {"text": str, "integer": str, "null": None}


def group_names(conn: sqlite3.Connection, sid: int) -> dict[str, str]:
    """{group id: its latest name} over every shop_config of the shop, as the parsed configs name them
    (GroupConf: id, name or id; a group renamed shows its last name; a name equal to its id is left
    out), read at C speed from the bodies' group entries (parsing a config of 1000 agents costs ms)."""
    names: dict[str, str] = {}
    odd: set[str] = set()
    for uid, id_type, gid, name_type, name in conn.execute(_GROUP_NAMES, (sid,)):
        if id_type not in ("text", "integer") or name_type not in _PLAIN:
            odd.add(uid)  # a value whose str() SQLite's types do not tell (real, true, object...)
            continue
        gid = str(gid)
        name = str(name or gid)
        if name != gid:
            names[gid] = name
    if odd:  # the exact way: every config parsed, in order
        names = {}
        for row in conn.execute("SELECT c.uid, c.ts, c.body, s.nick FROM configs c JOIN shops s ON s.id = c.shop_id "
                                "WHERE c.shop_id = ? ORDER BY c.ts, c.uid", (sid,)):
            for g in _config(conn, row).groups:
                if g.name and g.name != g.id:
                    names[g.id] = g.name
    return names
