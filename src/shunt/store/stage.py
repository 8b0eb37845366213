"""A big file loaded into a database that already holds data: staged in part files, then merged.

Loading row by row into tables that have their indexes (a day into a database holding ten) writes
each index at random, batch after batch, and derived each batch's sessions and load steps in its own
transaction. Staged, the file's rows first go to part files beside the database (`<db>.part-<pid>-a`
for this process's rows, the split's `<db>.part-<pid>` for the second half's, store/split.py): no
index there, rows appended, both cores at work when the file splits. Then ONE write transaction
brings them in: the load's `loads` row; per part and table one INSERT ... SELECT in the part's rowid
order with the batches' upsert (an exact copy of a stored event skipped, one with other content
noted as a conflict, store/conflicts.py); and the derivation of the buyers the new rows touch
(store/derive.py). The rows, their order (rowids), the counts and the conflicts are those of the
row-by-row load; readers see the file's events all at once, never a part of them.

A load killed before that transaction leaves the database as it was (the part files are removed by
the next load); the transaction is all or nothing.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from shunt.store import conflicts, derive, gzscan, spans, split, txn
from shunt.store import inserts as ins

STAGE_BYTES = 4 << 20  # smaller files (as big once decompressed) go row by row: staging costs a few part files


def wanted(files: list[Path]) -> bool:
    """Are these files big enough to stage (a load into a database that has data)?"""
    size = 0
    for f in files:
        try:
            size += gzscan.expanded_size(f)
        except OSError:
            pass
    return size >= STAGE_BYTES


def next_load_id(conn: sqlite3.Connection) -> int:
    """The id the file's `loads` row will get (written with the rows; the load lock is held)."""
    return conn.execute("SELECT coalesce(max(id), 0) + 1 FROM loads").fetchone()[0]


class Stage:
    """One file's part files and their merge into the database."""

    def __init__(self, loader, load_id: int):
        self.loader = loader
        self.load_id = load_id
        self.outs: list[dict] = []  # the parts to merge, in file order
        self.own: tuple | None = None  # (connection, loader, path) of this process's part

    def part_loader(self):
        """The loader that reads this process's share of the file into its part file."""
        db = Path(self.loader.conn.execute("PRAGMA database_list").fetchone()[2])
        path = db.parent / f"{db.name}.part-{os.getpid()}-a"
        conn, mine = split.open_part(self.loader, path)
        self.own = (conn, mine, path)
        return mine

    def take(self, out: dict) -> None:
        """A second half's part (split.Child.result), merged after this process's."""
        self.outs.append(out)

    def merge(self, src, lines: int, name: str, started: int) -> None:
        """Bring the parts' rows into the database in one write transaction (see the module doc)."""
        conn, mine, path = self.own
        conn.close()
        self.outs.insert(0, split.part_out(mine, src, lines, path, {}))
        main = self.loader.conn
        self.loader.before_write()
        attached = 0
        try:
            for i, out in enumerate(self.outs):
                main.execute(f"ATTACH DATABASE ? AS p{i:d}", (out["part"],))
                attached += 1
                main.execute(f"PRAGMA p{i:d}.cache_size = -1024")  # read once, in order
            main.execute("CREATE TEMP TABLE IF NOT EXISTS _stage_touched(sid INTEGER, buyer TEXT, "
                         "PRIMARY KEY(sid, buyer))")
            main.execute("CREATE TEMP TABLE IF NOT EXISTS _stage_first(sid INTEGER PRIMARY KEY, ts INTEGER)")
            with txn.immediate(main):
                self._merge_all(name, started)
        finally:
            for i in range(attached):
                main.execute(f"DETACH DATABASE p{i:d}")

    def _merge_all(self, name: str, started: int) -> None:
        main, loader = self.loader.conn, self.loader
        main.execute("INSERT INTO loads(id, file, started) VALUES (?, ?, ?)", (self.load_id, name, started))
        main.execute("DELETE FROM temp._stage_touched")
        main.execute("DELETE FROM temp._stage_first")
        found: list = []
        added: dict[str, int] = {}
        for i, out in enumerate(self.outs):
            part = f"p{i:d}"
            _map_shops(loader, part)
            for table in ins.COLUMNS:
                n, got = _merge_table(main, table, part, loader.report)
                found.extend(got)
                added[table] = added.get(table, 0) + n
            _touched(main, part)
            loader.absorb(out, counts=False)
        loader.report.conflicts.extend(sorted(found, key=lambda c: c.line))
        if added["consults"] or added["session_ends"]:
            _derive(main, with_first=bool(added["consults"]))

    def close(self) -> None:
        """Remove the part files."""
        if self.own is not None:
            conn, _, path = self.own
            conn.close()
            split.remove_part(path)
            self.own = None
        for out in self.outs:
            split.remove_part(Path(out["part"]))


def _map_shops(loader, part: str) -> None:
    """temp._shop_map: the part's shop ids → the database's (shops made as the rows' first lines
    made them); each shop's zone as its latest shop_config says (as the batches write it)."""
    shops, ids = split.map_part_shops(loader, part)
    split.adopt_part_zones(loader.conn, shops, ids)


def _merge_table(conn: sqlite3.Connection, table: str, part: str, report) -> tuple[int, list]:
    """One table of a part into the database, in one statement; counted in `report` as the batches
    count theirs. → (rows added, the conflicts met)."""
    rows = conn.execute(f"SELECT count(*) FROM {part}.{table}").fetchone()[0]  # noqa: S608 - constants
    if not rows:
        return 0, []
    conflicts.install(conn, (table,))  # (each time: a change of PRAGMA temp_store drops temp triggers)
    mark = spans.top(conn) if table == "messages" else None
    before = conn.total_changes
    conn.execute(ins.merge_sql(table, part))
    n = conn.total_changes - before
    if mark is not None:
        spans.note(conn, mark)
    noted = conn.execute("SELECT count(*) FROM temp._conflicts WHERE tbl = ?", (table,)).fetchone()[0]
    got: list = []
    if noted:
        got, _ = conflicts.find_in_batch(conn, table, ins.type_of(table), ins.COLUMNS[table],
                                         _rows_of_noted(conn, table, part), lambda t, c, v: v, 0)
    added = n - 2 * noted  # (the no-op update and the trigger's note of each upsert noted)
    ins.count(report, table, rows, added, len(got))
    return added, got


def _rows_of_noted(conn: sqlite3.Connection, table: str, part: str) -> list[tuple]:
    """The part's rows (mapped to the database's shop ids) of the ids the upsert noted."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _keys(shop_id INTEGER, uid TEXT, PRIMARY KEY(shop_id, uid))")
    conn.execute("DELETE FROM temp._keys")
    conn.execute(f"INSERT OR IGNORE INTO temp._keys(shop_id, uid) "  # noqa: S608 - constants
                 f"SELECT m.part_id, t.uid FROM temp._conflicts AS c JOIN main.{table} AS t ON t.rowid = c.rid "
                 "JOIN temp._shop_map AS m ON m.main_id = t.shop_id WHERE c.tbl = ?", (table,))
    return conn.execute(ins.part_rows_sql(table, part)).fetchall()


def _touched(conn: sqlite3.Connection, part: str) -> None:
    """The buyers whose sessions the part's rows can change (its consults' buyers and those of the
    consults its session_ends name), and each shop's first consult time in it."""
    conn.execute(f"INSERT OR IGNORE INTO temp._stage_touched(sid, buyer) "  # noqa: S608 - constants
                 f"SELECT m.main_id, t.buyer FROM {part}.consults AS t "
                 "JOIN temp._shop_map AS m ON m.part_id = t.shop_id")
    conn.execute(f"INSERT OR IGNORE INTO temp._stage_touched(sid, buyer) "  # noqa: S608 - constants
                 f"SELECT m.main_id, c.buyer FROM {part}.session_ends AS s "
                 "JOIN temp._shop_map AS m ON m.part_id = s.shop_id "
                 "JOIN main.consults AS c ON c.shop_id = m.main_id AND c.uid = s.consult")
    for sid, ts in conn.execute(f"SELECT m.main_id, min(t.ts) FROM {part}.consults AS t "  # noqa: S608
                                "JOIN temp._shop_map AS m ON m.part_id = t.shop_id GROUP BY m.main_id").fetchall():
        conn.execute("INSERT INTO temp._stage_first(sid, ts) VALUES (?, ?) "
                     "ON CONFLICT(sid) DO UPDATE SET ts = min(ts, excluded.ts)", (sid, ts))


def _derive(conn: sqlite3.Connection, with_first: bool) -> None:
    """Derive the touched buyers' sessions and the load steps from the first new consult on (as the
    batches derive theirs: store/derive.py), shop by shop."""
    derive.create_temp(conn)
    first = dict(conn.execute("SELECT sid, ts FROM temp._stage_first")) if with_first else {}
    for (sid,) in conn.execute("SELECT DISTINCT sid FROM temp._stage_touched ORDER BY sid").fetchall():
        conn.execute("DELETE FROM temp._touched")
        conn.execute("INSERT INTO temp._touched(buyer) SELECT buyer FROM temp._stage_touched WHERE sid = ?", (sid,))
        derive.derive_shop(conn, sid, first.get(sid, derive.BIG), touched=True)
