"""The loader's INSERT statements, and the writing of one table's rows of a batch.

Every statement here is fixed SQL: table and column names are constants of this module, no
identifier or value ever comes from input (values are bound).
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from itertools import chain

from shunt.store import conflicts, spans

COLUMNS_BASE = {
    "configs": ("ts", "uid", "timezone", "body"),
    "statuses": ("ts", "uid", "account", "status", "extra"),
    "stats": ("ts", "uid", "account", "conversion_rate", "extra"),
    "consults": ("ts", "uid", "buyer", "source", "item", "order_id", "order_state", "carrier", "packages",
                 "intent", "by_account", "target", "agent", "grp", "reason", "extra"),
    "session_ends": ("ts", "uid", "consult", "extra"),
    "messages": ("ts", "uid", "buyer", "sender", "account", "consult", "extra"),
    "logistics": ("ts", "uid", "consult", "action", "by_party", "account", "carrier", "order_id", "extra"),
    "other_events": ("ts", "uid", "type", "body"),
}
# table → its columns after shop_id; origin: loads.id * 2^32 + line (store/conflicts.py)
COLUMNS = {t: (*c, "origin") for t, c in COLUMNS_BASE.items()}
TYPE_OF = {
    "configs": "shop_config", "statuses": "agent_status", "stats": "agent_stats", "consults": "consult",
    "session_ends": "session_end", "messages": "message", "logistics": "logistics",
}


def type_of(table: str) -> str:
    """The event type a table holds, as the load report counts it."""
    return TYPE_OF.get(table, "other")


# Python 3.11's sqlite3 binds None through its adaptation protocol (a failed attribute lookup
# raising a formatted AttributeError per value, ~0.5 us; ~2M of them in a 1M-event log). So the
# fast path binds the NULL of a text column as the integer 0 and of `packages` (a count, >= 0)
# as -1, and the statement turns them back into NULL with NULLIF. A text value is never equal to
# an integer (no affinity applies inside NULLIF), and a None bound as such still gives NULL.
NULL_TEXT, NULL_COUNT = 0, -1
NULLABLE = {  # table → its columns that may be NULL
    "configs": {"timezone"}, "statuses": {"extra"}, "stats": {"extra"},
    "consults": {"item", "order_id", "order_state", "carrier", "packages", "intent", "by_account", "target", "agent",
                 "grp", "extra"},
    "session_ends": {"extra"}, "messages": {"account", "consult", "extra"},
    "logistics": {"by_party", "account", "carrier", "order_id", "extra"}, "other_events": set(),
}
MULTI = 50  # rows per multi-row statement


def _param(table: str, col: str, base: int = 0) -> str:
    if col == "origin":  # the row binds its line number; the load's part is written in the statement
        return f"(? + {base:d})" if base else "?"
    if col not in NULLABLE[table]:
        return "?"
    return f"NULLIF(?, {NULL_COUNT if col == 'packages' else NULL_TEXT:d})"


@dataclass(frozen=True)
class Statements:
    """The INSERT statements of a load of one file, by table (see `statements`)."""

    base: int  # added to each row's line number to make its origin
    multi: int  # rows per statement of insert_multi / upsert_multi
    insert: dict[str, str]
    upsert: dict[str, str]
    insert_multi: dict[str, str]
    upsert_multi: dict[str, str]


@functools.lru_cache(maxsize=8)
def statements(base: int, multi: int = MULTI) -> Statements:
    """The INSERT statements of a load of one file (`base` = loads.id << 32, added to each row's
    line number to make its origin: no int object made per row).

    - insert: INSERT OR IGNORE (a table without its unique index: a bulk load, a part file);
    - upsert: where the table has its unique index: an exact copy of a stored id is ignored, one
      with other content noted (store/conflicts.py);
    - insert_multi / upsert_multi: the same for `multi` rows at a time (one statement and one
      step for `multi` rows): a batch goes in `multi` rows per statement, the rest row by row; in
      the same order, each row ignored or added as with executemany."""
    out: dict[str, dict[str, str]] = {"insert": {}, "upsert": {}, "insert_multi": {}, "upsert_multi": {}}
    for t, c in COLUMNS.items():
        values = f"(?, {', '.join(_param(t, x, base) for x in c)})"
        head = f"INSERT OR IGNORE INTO {t}(shop_id, {', '.join(c)}) VALUES "
        tail = conflicts.upsert_tail(t, c)
        out["insert"][t] = head + values
        out["insert_multi"][t] = head + ", ".join([values] * multi)
        out["upsert"][t] = out["insert"][t].replace("INSERT OR IGNORE", "INSERT", 1) + tail
        out["upsert_multi"][t] = out["insert_multi"][t].replace("INSERT OR IGNORE", "INSERT", 1) + tail
    return Statements(base, multi, **out)


def stored(table: str, col: str, value):
    """A bound value as stored (the NULLs the fast path binds as NULL_TEXT / NULL_COUNT)."""
    if col in NULLABLE[table] and value == (NULL_COUNT if col == "packages" else NULL_TEXT) \
            and type(value) is int:
        return None
    return value


# A part file's rows (store/split.py, store/stage.py) copied after the database's, in rowid order, a
# rowid range at a time; part shop ids mapped to the database's by temp._shop_map.
def _from_part(table: str, part: str = "part") -> str:
    return (f"SELECT m.main_id, {', '.join('t.' + x for x in COLUMNS[table])} "
            f"FROM {part}.{table} AS t JOIN temp._shop_map AS m ON m.part_id = t.shop_id ")


COPY = {
    t: f"INSERT INTO main.{t}(shop_id, {', '.join(c)}) {_from_part(t)}"
       "WHERE t.rowid > ? AND t.rowid <= ? ORDER BY t.rowid"
    for t, c in COLUMNS.items()
}
TOP = {t: f"SELECT max(rowid) FROM part.{t}" for t in COLUMNS}


def count(report, table: str, rows: int, added: int, bad: int) -> None:
    """Add one insert's outcome to the load report's counters (by event type)."""
    typ = type_of(table)
    if bad:
        report.conflicts_by_type[typ] = report.conflicts_by_type.get(typ, 0) + bad
    report.loaded[typ] = report.loaded.get(typ, 0) + added
    report.duplicates_by_type[typ] = report.duplicates_by_type.get(typ, 0) + rows - added - bad


def insert_rows(conn: sqlite3.Connection, table: str, rows: list[tuple], sql: Statements,
                unique: bool) -> tuple[int, list]:
    """Write one table's rows of a batch (each `(shop_id, *COLUMNS[table])`, origin a line number
    that `sql` completes with its base; NULLs as bound, see NULL_TEXT). `unique`: the table has its
    unique index (upsert, conflicts noted). → (rows added, the conflicts.Conflict met)."""
    if unique:  # (each time: a change of PRAGMA temp_store, derive.py, drops temp triggers)
        conflicts.install(conn, (table,))
    many, one = (sql.upsert_multi, sql.upsert) if unique else (sql.insert_multi, sql.insert)
    step = sql.multi
    top = spans.top(conn) if table == "messages" else None
    before = conn.total_changes
    whole = len(rows) - len(rows) % step
    if whole:
        stmt = many[table]
        for i in range(0, whole, step):
            conn.execute(stmt, tuple(chain.from_iterable(rows[i:i + step])))
    if whole < len(rows):
        conn.executemany(one[table], rows[whole:] if whole else rows)
    n = conn.total_changes - before
    if top is not None:
        spans.note(conn, top, rows if not unique and n == len(rows) else None)  # (every row added: their times)
    if not unique:
        return n, []
    got, noted = conflicts.find_in_batch(conn, table, type_of(table), COLUMNS[table], rows, stored, sql.base)
    return n - 2 * noted, got  # (the no-op update and the trigger's note of each upsert noted)


@functools.lru_cache(maxsize=64)
def merge_sql(table: str, part: str) -> str:
    """Every row of an attached part's `table` (schema `part`, shops mapped by temp._shop_map) into the
    database's, in the part's rowid order, with the batches' upsert (store/stage.py)."""
    return (f"INSERT INTO main.{table}(shop_id, {', '.join(COLUMNS[table])}) "
            + _from_part(table, part) + "WHERE true ORDER BY t.rowid" + conflicts.upsert_tail(table, COLUMNS[table]))


@functools.lru_cache(maxsize=64)
def part_rows_sql(table: str, part: str) -> str:
    """An attached part's rows (mapped as merge_sql maps them) of the keys in temp._keys."""
    return (_from_part(table, part) + "JOIN temp._keys AS k ON k.shop_id = t.shop_id AND k.uid = t.uid ORDER BY t.rowid")
