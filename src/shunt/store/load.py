"""Streaming loader: JSONL (UTF-8, UTF-8 with BOM, GB18030/GBK, gzip) → the shunt database.

Flat memory: lines are read in binary, decoded one by one and inserted in batches
(`executemany` INSERT OR IGNORE, one transaction per batch). A killed load leaves a sound
database (each batch is atomic, the derived tables are marked dirty in the same
transaction) and running it again completes it.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from shunt import errors
from shunt.gcpause import paused_gc
from shunt.store import batches, closemark, conflicts, dbpath, derive, gzscan, gzspool, inputs, loadlock, schema, spans, split, stage, zones
from shunt.store.files import load_file
from shunt.store.report import LoadReport
from shunt.store import inserts as ins
from shunt.store.db import open_db
from shunt.store import decode as dc
from shunt.store.decode import LineDecoder, LineError
from shunt.store.source import Source
from shunt.timeutil import DEFAULT_TZ, zone
from shunt.workers import workers

BATCH_LINES = 10_000
BULK_BYTES = 16 << 20  # drop secondary indexes for a load into empty tables bigger than this

Progress = Callable[[int, int, str], None]



class Loader:
    def __init__(self, conn: sqlite3.Connection, *, tz: str | None = None, progress: Progress | None = None):
        self.conn = conn
        self.tz_name = tz
        self.forced_tz = zone(tz) if tz else None
        self.progress = progress
        self.report = LoadReport()
        self.shop_ids: dict[str, int] = {}
        # nick → (ts, uid, timezone) of its latest shop_config seen (database or earlier lines)
        self.shop_tz: dict[str, tuple[int, str, str | None]] = {}
        # nick → the same for the latest shop_config of every file of this load (store/zones.py)
        self.pre_tz: dict[str, tuple[int, str, str | None]] = {}
        self.gz_damage: dict[str, object] = {}  # file → its first damaged gzip member (store/gzscan.py)
        self._zones: dict[str, ZoneInfo] = {}
        for sid, nick, tzname, tz_ts, tz_uid in conn.execute("SELECT id, nick, timezone, tz_ts, tz_uid FROM shops"):
            self.shop_ids[nick] = sid
            if tz_ts is not None:
                self.shop_tz[nick] = (tz_ts, tz_uid, tzname)
        self.decoder = LineDecoder(self.tz_for, self.forced_tz)
        self.incremental = False  # derive each batch in its own transaction (see _derive_batch)
        self.split = False  # a big plain file: its second half read by a second process (split.py)
        self.staged = False  # into a database with data: through part files (stage.py)
        self.damage = None  # db.DamageCheck: to settle before the first write
        self.spool = None  # gzspool.Spool: big gzip files decompressed to plain files (that split)
        self.reading = ""  # the file being read (its rejected lines name it)
        self.origin = 0  # loads.id << 32: a row's origin is this + its line number (rows hold the line)
        self.sql = ins.statements(0)
        self.unique = set(ins.COLUMNS)  # tables with their unique index now (a bulk load drops some)
        self._reset_batch()

    # -- time zones ------------------------------------------------------------------
    def tz_for(self, shop: str) -> ZoneInfo:
        if self.forced_tz is not None:
            return self.forced_tz
        z = self._zones.get(shop)
        if z is None:
            known = self.shop_tz.get(shop)
            pre = self.pre_tz.get(shop)
            if pre is not None and (known is None or (pre[0], pre[1]) > (known[0], known[1])):
                known = pre
            try:
                z = zone(known[2] if known and known[2] else DEFAULT_TZ)
            except ValueError:
                z = zone(DEFAULT_TZ)
            self._zones[shop] = z
        return z

    def _saw_config(self, shop: str, row: tuple) -> None:
        ts, uid, tzname = row[0], row[1], row[2]
        known = self.shop_tz.get(shop)
        if known is None or (ts, uid) > (known[0], known[1]):
            self.shop_tz[shop] = (ts, uid, tzname)
            self._zones.pop(shop, None)
            self._tz_changed.add(shop)

    def before_write(self) -> None:
        """The database's damage check (db.DamageCheck) passed: it may be written now."""
        if self.damage is not None:
            self.damage.settle()

    # -- parts (store/split.py, store/stage.py) -------------------------------------------
    def for_part(self, conn: sqlite3.Connection) -> Loader:
        """A loader writing into a part file (`conn`: no index there) that goes on from this one's
        zones and writes this file's origins."""
        mine = type(self)(conn, tz=self.tz_name)
        mine.unique = set()  # (conflicts are found when the rows reach the database)
        mine.origin, mine.sql = self.origin, self.sql
        mine.shop_tz = dict(self.shop_tz)
        mine.pre_tz = self.pre_tz  # every file's latest configs (store/zones.py)
        return mine

    def seed_configs(self, lines: list[bytes], encoding: str | None) -> None:
        """The zones in force after these `shop_config` lines (a second half's reader: the first
        half's configs, found by their bytes)."""
        for line in lines:
            try:
                if encoding == "gb18030":
                    line = line.decode("gb18030")  # (a wrong guess only costs the split: the parent checks the zones)
                table, shop, row = self.decoder.decode(line)
            except ValueError:
                continue
            if table == "configs":
                self._saw_config(shop, row)
        self._tz_changed.clear()

    def absorb(self, out: dict, counts: bool = True) -> None:
        """Fold a part's report (split.part_out) into this loader's: its counts (unless `counts`: the
        caller counts its rows as they reach the database), rejected lines, zones."""
        rep = self.report
        pairs = [(out["unknown"], rep.unknown_types)]
        if counts:
            pairs += [(out["loaded"], rep.loaded), (out["duplicates"], rep.duplicates_by_type)]
        for src, dst in pairs:
            for k, v in src.items():
                dst[k] = dst.get(k, 0) + v
        rep.rejected.extend(out["rejected"])
        self.decoder.naive_shops |= out["naive"]
        for nick, v in out["final"].items():
            known = self.shop_tz.get(nick)
            if known is None or (v[0], v[1]) > (known[0], known[1]):
                self.shop_tz[nick] = v
                self._zones.pop(nick, None)

    # -- shops -----------------------------------------------------------------------
    def shop_id(self, nick: str) -> int:
        sid = self.shop_ids.get(nick)
        if sid is None:
            self.conn.execute("INSERT OR IGNORE INTO shops(nick) VALUES (?)", (nick,))
            sid = self.conn.execute("SELECT id FROM shops WHERE nick = ?", (nick,)).fetchone()[0]
            self.shop_ids[nick] = sid
        return sid

    # -- batches ---------------------------------------------------------------------
    def _reset_batch(self) -> None:
        self.rows: dict[str, list[tuple]] = {t: [] for t in ins.COLUMNS}
        self.consult_min: dict[int, int] = {}
        self.end_shops: set[int] = set()
        self._tz_changed: set[str] = set()
        self.pending = 0

    def add(self, table: str, shop: str, row: tuple, origin: int) -> None:
        sid = self.shop_ids.get(shop)
        if sid is None:
            sid = self.shop_id(shop)
        self.rows[table].append((sid, *row, origin))
        if table == "consults":
            t = self.consult_min.get(sid)
            if t is None or row[0] < t:
                self.consult_min[sid] = row[0]
        elif table == "session_ends":
            self.end_shops.add(sid)
        elif table == "configs":
            self._saw_config(shop, row)
        elif table == "other_events":
            self.report.unknown_types[row[2]] = self.report.unknown_types.get(row[2], 0) + 1
        self.pending += 1

    # Batches are written in the main thread, between decoding: the write lock is free while
    # the next batch is decoded, so readers that must finish a derivation get their turn (a
    # writer thread overlapping the two was ~10% faster but starved them: "database is locked").
    def flush(self) -> None:
        if not self.pending and not self._tz_changed:
            return
        tz = {nick: (self.shop_ids[nick], self.shop_tz[nick]) for nick in self._tz_changed}
        batch = (self.rows, self.consult_min, self.end_shops, tz)
        self._reset_batch()
        self._write(*batch)

    def _write(self, batch_rows: dict, consult_min: dict, end_shops: set, tz: dict) -> None:
        """One batch in its own transaction (store/batches.py)."""
        batches.write(self.conn, batch_rows, self._insert, self.report.conflicts,
                      derive_now=self.incremental, consult_min=consult_min, end_shops=end_shops, tz=tz)

    def _insert(self, table: str, rows: list[tuple], found: list) -> int:
        """Write one table's rows of a batch and count them (inserts.insert_rows). → rows added."""
        n, got = ins.insert_rows(self.conn, table, rows, self.sql, table in self.unique)
        found.extend(got)
        ins.count(self.report, table, len(rows), n, len(got))
        return n

    # -- lines -----------------------------------------------------------------------
    def reject(self, n: int, why: str) -> None:
        """Line `n` of the file being read is refused."""
        self.report.rejected.append((self.reading, n, why))

    def long_way(self, n: int, data: bytes | str) -> None:
        """Line `n` the long way: LineDecoder.decode, then add (or reject it)."""
        try:
            table, shop, row = self.decoder.decode(data)
        except LineError as exc:
            self.reject(n, str(exc))
            return
        self.add(table, shop, row, n)

    def _slow_lines(self, src: Source, n0: int, lines: list[bytes]) -> int:
        """Lines that need converting (GB18030, or the encoding not decided yet). → non-blank lines."""
        count = 0
        for i, line in enumerate(lines):
            data = src.convert(n0 + i, line)
            if data is None:
                continue
            count += 1
            if isinstance(data, LineError):
                self.reject(n0 + i, str(data))
            else:
                self.long_way(n0 + i, data)
            if src.stopped:
                break
        return count

    def _fast_lines(self, n0: int, lines: list[bytes]) -> int:
        """UTF-8 lines, decoded in one call (decode.block_rows). → non-blank lines."""
        got, added = dc.block_rows(lines, n0, self)
        self.pending += added
        return got

    def read(self, src: Source, name: str, progress: Callable[[int], None] | None) -> int:
        """Load the lines of `src`, a batch at a time. → lines read (blank ones not counted)."""
        rejected = self.report.rejected
        self.reading = name
        lines = 0
        # the batches are tuples of strings and numbers: no reference cycle for the collector
        with paused_gc():
            for n0, block, fast in src.blocks():
                if type(block) is not list:
                    lines += 1
                    rejected.append((name, n0, str(block)))
                    continue
                i, end = 0, len(block)
                while i < end:  # pieces that fill the batch to BATCH_LINES events
                    k = max(BATCH_LINES - self.pending, 1)
                    part = block if (i == 0 and k >= end) else block[i:i + k]
                    if fast:
                        lines += self._fast_lines(n0 + i, part)
                    else:
                        lines += self._slow_lines(src, n0 + i, part)
                    i += k
                    if self.pending >= BATCH_LINES:
                        self.flush()
                        if progress:
                            progress(src.done())
                if src.stopped:
                    break
            self.flush()
        return lines


def _bulk(conn: sqlite3.Connection, files: list[Path]) -> bool:
    """A big load into empty event tables: build the secondary indexes afterwards."""
    size = 0
    for f in files:
        try:
            size += gzscan.expanded_size(f)  # (a gzip file by its uncompressed size)
        except OSError:
            pass
    if size < BULK_BYTES:
        return False
    return conn.execute("SELECT (SELECT count(*) FROM (SELECT 1 FROM consults LIMIT 1)) "
                        "+ (SELECT count(*) FROM (SELECT 1 FROM messages LIMIT 1))").fetchone()[0] == 0


def load_files(
    path: str | os.PathLike,
    files: Iterable[str | os.PathLike],
    *,
    encoding: str | None = None,
    strict: bool = False,
    tz: str | None = None,
    progress: Progress | None = None,
    on_wait: Callable[[], None] | None = None,
    check: bool = False,
) -> LoadReport:
    """Load log files into the database at `path` (created if missing). See module doc.

    `encoding` forces the files' encoding (default: UTF-8, with or without BOM, or GB18030
    when the first non-ASCII line is not UTF-8); `strict` loads nothing from a file with a
    bad line; `tz` forces the zone of local times; `progress(bytes_done, bytes_total, file)`.
    One load writes a database at a time (loadlock): `on_wait()` is called before waiting for another.
    `check`: the whole-file damage check even on a file as the last load left it (store/closemark.py).
    """
    t0 = time.perf_counter()
    paths = [Path(f) for f in files]
    inputs.check_files(paths)
    if encoding:
        inputs.check_encoding(encoding)
    if tz:
        try:
            zone(tz)
        except ValueError as exc:
            raise errors.UsageError(str(exc)) from None
    db = Path(path)
    dbpath.check_writable(db, dbpath.check(db, create=True))
    with loadlock.held_for_load(db, on_wait):
        report = _load_locked(db, paths, t0, encoding=encoding, strict=strict, tz=tz, progress=progress,
                              check=check)
        closemark.stamp(db)  # (finished and closed, the lock still held)
        return report


def _load_locked(path: Path, paths: list[Path], t0: float, *, encoding, strict, tz, progress, check) -> LoadReport:
    checks: list = []
    conn = open_db(path, create=True, checks=checks, full_check=check)
    loader = None
    try:
        # A killed process loses nothing committed with WAL and synchronous OFF (only an OS
        # crash could); the last checkpoint at close makes the file durable.
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA wal_autocheckpoint = 8192")
        conn.execute("PRAGMA cache_size = -8192")  # with the sorters of the index builds: peak RSS < 100 MB
        conn.execute("PRAGMA threads = 2")  # index builds and the derivation's sorts use both cores
        loader = Loader(conn, tz=tz, progress=progress)
        loader.damage = checks[0] if checks else None
        if workers() > 1 and (_bulk(conn, paths) or stage.wanted(paths)):  # (the load will split)
            loader.spool = gzspool.Spool(path)
        zones.prescan(loader, paths, encoding, loader.spool)
        bulk = _prepare(loader, paths)
        try:
            for p in paths:
                load_file(loader, p, encoding=encoding, strict=strict)
                loader.report.files.append(str(p))
            loader.before_write()  # (every file skipped: the check is still due before the writes below)
            zones.record(loader, loader.decoder.naive_shops)
        except KeyboardInterrupt:  # Ctrl-C: stop now; the indexes are built by the next open
            raise
        except BaseException:
            if bulk:
                schema.create_indexes(conn)
            raise
        if bulk:
            _build_indexes(conn, loader.report)
        derive.derive(conn)
        spans.ensure(conn)  # (a database made before them: counted once)
        conn.execute("PRAGMA optimize")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        if loader is not None and loader.spool is not None:
            loader.spool.close()
        conn.close()
    loader.report.seconds = time.perf_counter() - t0
    return loader.report


def _prepare(loader: Loader, paths: list[Path]) -> bool:
    """Choose the load's path: bulk (a big load into empty tables: indexes dropped now, built at the
    end), staged (a big file into a database with data: store/stage.py) or row by row; the split
    for both big paths. Finish what a killed load left. → bulk?"""
    conn = loader.conn
    bulk = _bulk(conn, paths)
    loader.incremental = not bulk
    loader.staged = not bulk and stage.wanted(paths)
    loader.split = bulk or loader.staged
    split.clean_stale(conn)
    if not bulk and derive.dirty_shops(conn):
        loader.before_write()
        derive.derive(conn)  # what a killed load left undone, before batches derive themselves
    if bulk:
        loader.unique = {"configs"}  # (the others are dropped here)
        loader.before_write()
        schema.drop_indexes(conn, {"consults", "statuses", "stats", "session_ends", "messages", "logistics",
                                   "other_events"}, unique=True)
    return bulk


def _build_indexes(conn: sqlite3.Connection, rep: LoadReport) -> None:
    """A bulk load's end: the indexes built, the duplicates the unique ones meet removed (the first
    copy kept) and counted, their conflicts reported (store/conflicts.py)."""
    found: dict[str, list] = {}

    def before_dedupe(table: str) -> None:
        found[table] = conflicts.find_in_table(conn, table, ins.type_of(table), ins.COLUMNS[table])

    removed = schema.create_indexes(conn, before_dedupe)
    for table, n in removed.items():  # duplicates met by the unique index build
        typ = ins.type_of(table)
        bad = len(found.get(table, ()))
        rep.loaded[typ] = rep.loaded.get(typ, 0) - n
        rep.duplicates_by_type[typ] = rep.duplicates_by_type.get(typ, 0) + n - bad
        if bad:
            rep.conflicts_by_type[typ] = rep.conflicts_by_type.get(typ, 0) + bad
    order = {f: i for i, f in enumerate(rep.files)}
    rep.conflicts.extend(c for cs in found.values() for c in cs)
    rep.conflicts.sort(key=lambda c: (order.get(c.file, len(order)), c.line))
