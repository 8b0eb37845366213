"""Duplicates that are not the same event: one id, two contents (docs/semantics.md).

An event whose `(shop, uid)` (and `type`, for unknown types) is already stored is an exact
duplicate when every stored column equals the new line's (the time as an instant, the fields as
typed, unknown fields as JSON): skipped and counted. Otherwise it conflicts: the first copy is
kept, and the load reports `file:line: id X already loaded from FILE:LINE with different content
(fields ...)` and exits 3. An id's JSON type is not part of it (`7` and `"7"` name one event: a
`session_end` or `message` refers to a consult by its id as a string).

Every row records where it was loaded from (`origin` = loads.id * 2^32 + line). Conflicts are
found on each path:
- a table with its unique index (a load into a database with data; `configs` always): the
  INSERT is an upsert whose DO UPDATE (a no-op `ts = ts`) runs only when a column differs; a
  temp trigger notes the stored row (`find_in_batch`);
- a bulk load (indexes built afterwards, also for the rows a split load's child copied): when
  the unique index build meets duplicates, the copies of each id are compared before the later
  ones are removed (`find_in_table`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

# column → the log's name for it, where they differ
_FIELD = {
    "consults": {"by_account": "by", "grp": "routed.group", "agent": "routed.agent", "reason": "routed.reason",
                 "order_id": "order.id", "order_state": "order.state", "carrier": "order.carrier",
                 "packages": "order.packages"},
    "logistics": {"by_party": "by", "order_id": "order"},
}
_JSON = {"configs": "body", "other_events": "body"}  # a JSON document: compared as data, `id` as text
_KEY = {"other_events": ("shop_id", "uid", "type")}
ORIGIN_SHIFT = 32


@dataclass(frozen=True)
class Conflict:
    file: str
    line: int
    uid: str
    first_file: str | None  # None: loaded before shunt recorded origins
    first_line: int | None
    fields: tuple[str, ...]
    typ: str

    def message(self) -> str:
        where = (f"from {self.first_file}:{self.first_line}" if self.first_file is not None
                 else "from an unknown place (loaded by a shunt that did not record it)")
        return f"id {self.uid} already loaded {where} with different content (fields {', '.join(self.fields)})"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "id": self.uid, "type": self.typ,
                "first_file": self.first_file, "first_line": self.first_line, "fields": list(self.fields)}


def key_cols(table: str) -> tuple[str, ...]:
    return _KEY.get(table, ("shop_id", "uid"))


def content_cols(cols: tuple[str, ...]) -> list[str]:
    """The columns two copies of one event must agree on (not the uid, not where it came from)."""
    return [c for c in cols if c not in ("uid", "origin")]


def upsert_tail(table: str, cols: tuple[str, ...]) -> str:
    differ = " OR ".join(f"excluded.{c} IS NOT {c}" for c in content_cols(cols))
    return f" ON CONFLICT({', '.join(key_cols(table))}) DO UPDATE SET ts = ts WHERE {differ}"


def install(conn: sqlite3.Connection, tables) -> None:
    """The temp table and triggers that note the stored row an upsert found different."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _conflicts(tbl TEXT, rid INTEGER)")
    for t in tables:
        conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS _conflict_{t} AFTER UPDATE OF ts ON main.{t} "
                     f"BEGIN INSERT INTO _conflicts(tbl, rid) VALUES ('{t}', new.rowid); END")


def _same_json(a: str, b: str) -> bool:
    try:
        x, y = json.loads(a), json.loads(b)
    except ValueError:
        return a == b
    for d in (x, y):
        if isinstance(d, dict) and d.get("id") is not None:
            d["id"] = str(d["id"])
    return x == y


def _differing(table: str, cols: list[str], old: tuple, new: tuple) -> tuple[str, ...]:
    out = []
    names = _FIELD.get(table, {})
    for c, a, b in zip(cols, old, new):
        if a == b and type(a) is type(b):
            continue
        if c == _JSON.get(table):
            if _same_json(a, b):
                continue
            try:
                x, y = json.loads(a), json.loads(b)
                keys = sorted(k for k in set(x) | set(y) if k != "id" and x.get(k) != y.get(k))
                out.extend(keys or ["body"])
                continue
            except (ValueError, AttributeError):
                pass
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b:
            continue
        out.append("extra (unknown fields)" if c == "extra" else names.get(c, c))
    return tuple(out)


class Origins:
    """loads.id → file, read once per id."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn, self.files = conn, {}

    def place(self, origin: int | None) -> tuple[str | None, int | None]:
        if origin is None:
            return None, None
        lid = origin >> ORIGIN_SHIFT
        if lid not in self.files:
            row = self.conn.execute("SELECT file FROM loads WHERE id = ?", (lid,)).fetchone()
            self.files[lid] = row[0] if row else None
        f = self.files[lid]
        return (f, origin & 0xFFFFFFFF) if f is not None else (None, None)


def _compare(table, typ, cols, origins, first: tuple, later: list[tuple]) -> tuple[list[Conflict], int]:
    """`first`, `later`: (uid, origin, *content). → conflicts, and how many were exact duplicates."""
    out, same = [], 0
    f_file, f_line = origins.place(first[1])
    for row in later:
        fields = _differing(table, cols, first[2:], row[2:])
        if not fields:
            same += 1
            continue
        file, line = origins.place(row[1])
        out.append(Conflict(file or "?", line or 0, row[0], f_file, f_line, fields, typ))
    return out, same


def find_in_batch(conn: sqlite3.Connection, table: str, typ: str, cols: tuple[str, ...], rows: list[tuple],
                  null_of, base: int = 0) -> tuple[list[Conflict], int]:
    """After an upsert of `rows` (each `(shop_id, *cols)`, NULLs as bound, `null_of(table, col, v)`
    giving the value stored, origin `base` + the row's): the conflicts it met, and how many upserts
    the trigger noted (each counted twice in total_changes: the no-op update and the note)."""
    noted = conn.execute("SELECT rid, count(*) FROM temp._conflicts WHERE tbl = ? GROUP BY rid", (table,)).fetchall()
    conn.execute("DELETE FROM temp._conflicts WHERE tbl = ?", (table,))
    if not noted:
        return [], 0
    content = content_cols(cols)
    i_uid, i_org = cols.index("uid") + 1, cols.index("origin") + 1
    idx = [cols.index(c) + 1 for c in content]
    keys = key_cols(table)
    i_type = cols.index("type") + 1 if "type" in cols else 0
    by_key: dict[tuple, list[tuple]] = {}
    for r in rows:
        by_key.setdefault((r[0], r[i_uid], r[i_type]) if i_type else (r[0], r[i_uid]), []).append(r)
    origins = Origins(conn)
    out = []
    sel = f"SELECT {', '.join(keys)}, origin, {', '.join(content)} FROM {table} WHERE rowid = ?"
    for rid, _ in noted:
        stored = conn.execute(sel, (rid,)).fetchone()
        k, origin, values = stored[:len(keys)], stored[len(keys)], stored[len(keys) + 1:]
        later = [(r[i_uid], base + r[i_org], *(null_of(table, c, r[j]) for c, j in zip(content, idx)))
                 for r in by_key.get(tuple(k), ()) if base + r[i_org] != origin]
        out.extend(_compare(table, typ, content, origins, (k[1], origin, *values), later)[0])
    return out, sum(n for _, n in noted)


def find_in_table(conn: sqlite3.Connection, table: str, typ: str, cols: tuple[str, ...]) -> list[Conflict]:
    """Before a unique index build removes the later copies of an id (bulk load): their conflicts."""
    content = content_cols(cols)
    keys = ", ".join(key_cols(table))
    groups = conn.execute(f"SELECT group_concat(rowid) FROM {table} GROUP BY {keys} HAVING count(*) > 1").fetchall()
    origins = Origins(conn)
    sel = f"SELECT uid, origin, {', '.join(content)} FROM {table} WHERE rowid = ?"
    out = []
    for (ids,) in groups:
        rows = [conn.execute(sel, (int(r),)).fetchone() for r in sorted(map(int, ids.split(",")))]
        out.extend(_compare(table, typ, content, origins, rows[0], rows[1:])[0])
    return out
