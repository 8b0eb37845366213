"""Streaming loader: JSONL (UTF-8, UTF-8 with BOM, GB18030/GBK, gzip) → the shunt database.

Flat memory: lines are read in binary, decoded one by one and inserted in batches
(`executemany` INSERT OR IGNORE, one transaction per batch). A killed load leaves a sound
database (each batch is atomic, the derived tables are marked dirty in the same
transaction) and running it again completes it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from shunt import errors
from shunt.gcpause import paused_gc
from shunt.store import conflicts, dbpath, derive, gzscan, inputs, loadlock, schema, split, stage, zones
from shunt.store import inserts as ins
from shunt.store.db import open_db
from shunt.store import decode as dc
from shunt.store.decode import LineDecoder, LineError, decode_block
from shunt.store.source import Source
from shunt.timeutil import DEFAULT_TZ, zone
from shunt.workers import workers

BATCH_LINES = 10_000
BULK_BYTES = 16 << 20  # drop secondary indexes for a load into empty tables bigger than this

Progress = Callable[[int, int, str], None]

_COLS = ins.COLUMNS
TYPE_OF = ins.TYPE_OF
NULL_TEXT, NULL_COUNT = ins.NULL_TEXT, ins.NULL_COUNT
MULTI = ins.MULTI  # (tests change it: read at each file's start)


@dataclass
class LoadReport:
    loaded: dict[str, int] = field(default_factory=dict)  # event type → rows added
    duplicates_by_type: dict[str, int] = field(default_factory=dict)  # event type → already there
    rejected: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line number, why)
    unknown_types: dict[str, int] = field(default_factory=dict)  # unknown type → lines (kept in other_events)
    files: list[str] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)  # strict mode: files with a bad line
    lines: int = 0
    bytes: int = 0
    seconds: float = 0.0
    encodings: dict[str, str] = field(default_factory=dict)  # file → encoding used
    warnings: list[str] = field(default_factory=list)  # what the load could not do (store/zones.py)
    conflicts: list = field(default_factory=list)  # conflicts.Conflict: an id already loaded with other content
    conflicts_by_type: dict[str, int] = field(default_factory=dict)

    @property
    def total_loaded(self) -> int:
        return sum(self.loaded.values())

    @property
    def duplicates(self) -> int:
        """Events skipped because the database already held them (or the same load did)."""
        return sum(self.duplicates_by_type.values())

    total_duplicates = duplicates

    @property
    def unknown(self) -> int:
        """Lines of an unknown type (kept in other_events, not rejected)."""
        return sum(self.unknown_types.values())

    unknown_count = unknown

    def as_dict(self) -> dict:
        return {
            "files": self.files, "loaded": dict(sorted(self.loaded.items())), "duplicates": self.duplicates,
            "duplicates_by_type": dict(sorted(self.duplicates_by_type.items())),
            "unknown_types": self.unknown_types,
            "rejected": [{"file": f, "line": n, "why": w} for f, n, w in self.rejected],
            "skipped_files": self.skipped_files, "lines": self.lines, "seconds": round(self.seconds, 3),
            "warnings": self.warnings, "conflicts": len(self.conflicts),
            "conflicting": [c.as_dict() for c in self.conflicts],
        }


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
        self.origin = 0  # loads.id << 32: a row's origin is this + its line number (rows hold the line)
        self.sql = ins.statements(0, MULTI)
        self.unique = set(_COLS)  # tables with their unique index now (a bulk load drops some)
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
            self.drain()
            self.conn.execute("INSERT OR IGNORE INTO shops(nick) VALUES (?)", (nick,))
            sid = self.conn.execute("SELECT id FROM shops WHERE nick = ?", (nick,)).fetchone()[0]
            self.shop_ids[nick] = sid
        return sid

    # -- batches ---------------------------------------------------------------------
    def _reset_batch(self) -> None:
        self.rows: dict[str, list[tuple]] = {t: [] for t in _COLS}
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
    def drain(self) -> None:
        """Kept for callers: every batch is written by the time flush() returns."""

    def close(self) -> None:
        """Kept for callers: nothing to stop."""

    def flush(self) -> None:
        if not self.pending and not self._tz_changed:
            return
        tz = {nick: (self.shop_ids[nick], self.shop_tz[nick]) for nick in self._tz_changed}
        batch = (self.rows, self.consult_min, self.end_shops, tz)
        self._reset_batch()
        self._write(*batch)

    def _write(self, batch_rows: dict, consult_min: dict, end_shops: set, tz: dict) -> None:
        conn = self.conn
        rep = self.report
        conn.execute("BEGIN IMMEDIATE")
        try:
            inserted = {}
            found = []
            for table, rows in batch_rows.items():
                if rows:
                    inserted[table] = self._insert(table, rows, found)
            if found:
                found.sort(key=lambda c: c.line)
                rep.conflicts.extend(found)
            if self.incremental:
                self._derive_batch(batch_rows, consult_min if inserted.get("consults") else {},
                                   end_shops if inserted.get("session_ends") else set())
            else:
                if inserted.get("consults"):
                    for sid, t in consult_min.items():
                        derive.mark_dirty(conn, sid, t)
                if inserted.get("session_ends"):
                    for sid in end_shops:
                        derive.mark_dirty(conn, sid, derive.BIG)
            for sid, (ts, uid, tzname) in tz.values():
                conn.execute(
                    "UPDATE shops SET timezone = ?, tz_ts = ?, tz_uid = ? WHERE id = ? "
                    "AND (tz_ts IS NULL OR tz_ts < ? OR (tz_ts = ? AND tz_uid < ?))",
                    (tzname, ts, uid, sid, ts, ts, uid))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _insert(self, table: str, rows: list[tuple], found: list, sql: ins.Statements | None = None) -> int:
        """Write one table's rows of a batch and count them (inserts.insert_rows). → rows added."""
        n, got = ins.insert_rows(self.conn, table, rows, sql or self.sql, table in self.unique)
        found.extend(got)
        ins.count(self.report, table, len(rows), n, len(got))
        return n

    def _derive_batch(self, batch_rows: dict, consult_min: dict, end_shops: set) -> None:
        """Derive a batch's sessions and load steps in its own transaction (loads into a database
        that has data): every committed state is whole, and readers never have to derive."""
        conn = self.conn
        derive.create_temp(conn)
        for sid in sorted(set(consult_min) | end_shops):
            conn.execute("DELETE FROM temp._touched")
            conn.executemany("INSERT OR IGNORE INTO temp._touched(buyer) VALUES (?)",
                             [(r[3],) for r in batch_rows.get("consults", ()) if r[0] == sid])
            conn.executemany("INSERT OR IGNORE INTO temp._touched(buyer) "
                             "SELECT buyer FROM consults WHERE shop_id = ? AND uid = ?",
                             [(sid, r[3]) for r in batch_rows.get("session_ends", ()) if r[0] == sid])
            derive.derive_shop(conn, sid, consult_min.get(sid, derive.BIG), touched=True)

    # -- files -----------------------------------------------------------------------
    def _validate(self, path: Path, encoding: str | None) -> list[tuple[str, int, str]]:
        bad = []
        src = Source(path, encoding)
        damage = self.gz_damage.get(str(path))
        if damage is not None and src.gz:
            src.limit(damage.offset)
            bad.append((str(path), damage.lines + 1, damage.message()))
        decode = self.decoder.decode
        try:
            for n, data in src.lines():
                if isinstance(data, LineError):
                    bad.append((str(path), n, str(data)))
                    continue
                try:
                    decode(data)
                except LineError as exc:
                    bad.append((str(path), n, str(exc)))
        finally:
            src.close()
        return bad

    def _line(self, name: str, n: int, data: bytes | str) -> None:
        """One line the long way: LineDecoder.decode, then add (or report it)."""
        try:
            table, shop, row = self.decoder.decode(data)
        except LineError as exc:
            self.report.rejected.append((name, n, str(exc)))
            return
        self.add(table, shop, row, n)

    def _slow_lines(self, src: Source, name: str, n0: int, lines: list[bytes]) -> int:
        """Lines that need converting (GB18030, or the encoding not decided yet). → non-blank lines."""
        count = 0
        for i, line in enumerate(lines):
            data = src.convert(n0 + i, line)
            if data is None:
                continue
            count += 1
            if isinstance(data, LineError):
                self.report.rejected.append((name, n0 + i, str(data)))
            else:
                self._line(name, n0 + i, data)
            if src.stopped:
                break
        return count

    def _fast_lines(self, name: str, n0: int, lines: list[bytes]) -> int:
        """UTF-8 lines: decoded in one call (decode.decode_block), each event made into its row
        here — what LineDecoder.decode and add do, without a call per line. → non-blank lines."""
        objs = decode_block(lines)
        dec = self.decoder
        rows = self.rows
        msgs, cons, ends = rows["messages"].append, rows["consults"].append, rows["session_ends"].append
        shop_ids, consult_min = self.shop_ids, self.consult_min
        rejected = self.report.rejected
        Message, Consult, SessionEnd = dc.Message, dc.ConsultE, dc.SessionEnd
        h, s_, ms_min, ms_max = dc._hash, dc._s, dc._MS_MIN, dc._MS_MAX
        NT, NC = NULL_TEXT, NULL_COUNT
        ctx: dict[str, tuple] = {}  # shop → (shop id or None, zone, its time cache)
        last = None
        sid = tz = cache = None
        added = blank = 0
        n = n0 - 1
        Other = (dc.AgentStatus, dc.AgentStats, dc.Logistics)
        for e in objs:
            n += 1
            t = type(e)
            rare = t is not Message and t is not Consult and t is not SessionEnd
            if rare and t not in Other:
                if t is bool:
                    blank += 1
                    continue
                # None (refused by the fast decoder) or a shop_config: the long way
                self._line(name, n, lines[n - n0])  # (add counts it in self.pending)
                ctx.clear()  # a shop_config may change the zone of the lines after it
                last = None
                continue
            try:
                shop = e.shop
                if shop != last:
                    c = ctx.get(shop)
                    if c is None:
                        z = self.tz_for(shop)
                        c = ctx[shop] = (shop_ids.get(shop), z, dec.cache_for(z, shop))
                    sid, tz, cache = c
                    last = shop
                v = e.ts
                if type(v) is str:
                    ts = cache.get(v)
                    if ts is None:
                        ts = dec.ts(v, tz, shop)
                elif type(v) is int and ms_min <= v <= ms_max:
                    ts = v
                else:
                    ts = dec.ts(v, tz, shop)
                if rare:
                    fields = dc._fields(e)  # the rarer types, as LineDecoder.decode does (may refuse)
                if sid is None:  # a new shop: made once its first event is known to be good
                    sid = self.shop_id(shop)
                    ctx[shop] = (sid, tz, cache)
                # (the rows bind NULL as NT / NC: see _param; the uid hashes the values as they are)
                i = e.id
                if t is Message:
                    b, snd, acc, con = e.buyer, e.sender, e.account, e.consult
                    if i is None:
                        i = h(["message", shop, ts, b, snd, acc, con, None])
                    elif type(i) is not str:
                        i = str(i)
                    msgs((sid, ts, i, b, snd, NT if acc is None else acc, NT if con is None else con, NT, n))
                elif t is Consult:
                    o, r = e.order, e.routed
                    item, intent, by, target, agent, grp = s_(e.item), e.intent, e.by, e.target, r.agent, r.group
                    if o is None:
                        oid = ost = car = pk = None
                    else:
                        oid, ost, car, pk = s_(o.id), o.state, o.carrier, o.packages
                    if i is None:
                        i = h(["consult", shop, ts, e.buyer, e.source, item, oid, ost, car, pk, intent, by, target,
                               agent, grp, r.reason, None])
                    elif type(i) is not str:
                        i = str(i)
                    if o is None:
                        cons((sid, ts, i, e.buyer, e.source, NT if item is None else item, NT, NT, NT, NC,
                              NT if intent is None else intent, NT if by is None else by,
                              NT if target is None else target, NT if agent is None else agent,
                              NT if grp is None else grp, r.reason, NT, n))
                    else:
                        cons((sid, ts, i, e.buyer, e.source, NT if item is None else item,
                              NT if oid is None else oid, ost, NT if car is None else car, NC if pk is None else pk,
                              NT if intent is None else intent, NT if by is None else by,
                              NT if target is None else target, NT if agent is None else agent,
                              NT if grp is None else grp, r.reason, NT, n))
                    m = consult_min.get(sid)
                    if m is None or ts < m:
                        consult_min[sid] = ts
                elif t is SessionEnd:
                    con = e.consult
                    if i is None:
                        i = h(["session_end", shop, ts, con, None])
                    elif type(i) is not str:
                        i = str(i)
                    ends((sid, ts, i, con, NT, n))
                    self.end_shops.add(sid)
                else:
                    table, typ = dc._KIND[t]
                    if i is None:
                        i = h([typ, shop, ts, *fields, None])
                    elif type(i) is not str:
                        i = str(i)
                    rows[table].append((sid, ts, i, *fields, None, n))
            except LineError as exc:
                rejected.append((name, n, str(exc)))
                continue
            added += 1
        self.pending += added
        return len(objs) - blank

    def read(self, src: Source, name: str, progress: Callable[[int], None] | None) -> int:
        """Load the lines of `src`, a batch at a time. → lines read (blank ones not counted)."""
        rejected = self.report.rejected
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
                        lines += self._fast_lines(name, n0 + i, part)
                    else:
                        lines += self._slow_lines(src, name, n0 + i, part)
                    i += k
                    if self.pending >= BATCH_LINES:
                        self.flush()
                        if progress:
                            progress(src.done())
                if src.stopped:
                    break
            self.flush()
        return lines

    def load_file(self, path: Path, encoding: str | None = None, strict: bool = False) -> None:
        rep = self.report
        name = str(path)
        if strict:
            bad = self._validate(path, encoding)
            if bad:
                rep.rejected.extend(bad)
                rep.skipped_files.append(name)
                return
        conn = self.conn
        started = int(time.time() * 1000)
        staged = stage.Stage(self, stage.next_load_id(conn)) if self.staged else None
        if staged is None:
            self.before_write()
            conn.execute("INSERT INTO loads(file, started) VALUES (?, ?)", (name, started))
        load_id = staged.load_id if staged else conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        self.origin = load_id << conflicts.ORIGIN_SHIFT
        self.sql = ins.statements(self.origin, MULTI)
        before = dict(rep.loaded), dict(rep.duplicates_by_type), len(rep.rejected)
        src = Source(path, encoding)
        try:
            lines = self._read_file(src, path, encoding, staged)
            if staged is not None:  # (its rejected lines and zones are folded in as its parts merge)
                staged.merge(src, lines, name, started)
            rep.lines += lines
            rep.bytes += src.total
            rep.encodings[name] = src.encoding or "utf-8"
            if self.progress:
                self.progress(src.total, src.total, name)
        finally:
            src.close()
            if staged is not None:
                staged.close()
        counts = {  # (by type name: the same whichever way the rows went in)
            "loaded": {k: v - before[0].get(k, 0) for k, v in sorted(rep.loaded.items()) if v - before[0].get(k, 0)},
            "duplicates": {k: v - before[1].get(k, 0) for k, v in sorted(rep.duplicates_by_type.items())
                           if v - before[1].get(k, 0)},
            "rejected": len(rep.rejected) - before[2],
            "encoding": src.encoding or "utf-8",
        }
        conn.execute("UPDATE loads SET finished = ?, counts = ? WHERE id = ?",
                     (int(time.time() * 1000), json.dumps(counts, ensure_ascii=False), load_id))

    def _read_file(self, src: Source, path: Path, encoding: str | None, staged) -> int:
        """Read `src` into the database (or, `staged`, into this process's part file), its second half
        by a second process when it splits. → lines read."""
        name = str(path)
        into = staged.part_loader() if staged is not None else self
        damage = self.gz_damage.get(name)
        if damage is not None and src.gz:  # stop where the damaged member starts
            src.limit(damage.offset)
        child = cut = None
        try:
            if self.split and src.total >= split.PARALLEL_BYTES and split.splittable(src) and workers() > 1:
                cut = split.cut_of(path, src.total)
                if cut is not None:
                    child = split.start(self, path, encoding, cut, Source, src.encoding)
                    if child is not None:
                        src.limit(cut)
            if self.damage is not None:
                self.damage.start()  # (once the child is forked)
            done = (lambda n: self.progress(n + child.done(), src.total, name)) if child else \
                (lambda n: self.progress(n, src.total, name))
            lines = into.read(src, name, done if self.progress else None)
            if child is not None:
                out = child.result()
                if out is not None and out["initial"] == into.shop_tz and split.same_encoding(src, out):
                    lines += out["lines"]
                    if staged is not None:
                        staged.take(out)
                        child.keep_part()  # (merged, then removed, by the stage)
                    else:
                        split.merge(self, out)
                else:  # the child failed, or decoded with other zones than ours: read the half here
                    rest = Source(path, encoding, start=cut, first_line=1 + split.newlines(path, cut))
                    rest.encoding = src.encoding
                    try:
                        lines += into.read(rest, name, (lambda n: self.progress(cut + n, src.total, name))
                                           if self.progress else None)
                    finally:
                        rest.close()
            if damage is not None and src.gz:
                (into.report if staged is not None else self.report).rejected.append(
                    (name, damage.lines + 1, damage.message()))
            return lines
        finally:
            if child is not None:
                child.stop()


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
) -> LoadReport:
    """Load log files into the database at `path` (created if missing). See module doc.

    `encoding` forces the files' encoding (default: UTF-8, with or without BOM, or GB18030
    when the first non-ASCII line is not UTF-8); `strict` loads nothing from a file with a
    bad line; `tz` forces the zone of local times; `progress(bytes_done, bytes_total, file)`.
    One load writes a database at a time (loadlock): `on_wait()` is called before waiting for another.
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
        return _load_locked(db, paths, t0, encoding=encoding, strict=strict, tz=tz, progress=progress)


def _load_locked(path: Path, paths: list[Path], t0: float, *, encoding, strict, tz, progress) -> LoadReport:
    checks: list = []
    conn = open_db(path, create=True, checks=checks)
    try:
        # A killed process loses nothing committed with WAL and synchronous OFF (only an OS
        # crash could); the last checkpoint at close makes the file durable.
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA wal_autocheckpoint = 8192")
        conn.execute("PRAGMA cache_size = -8192")  # with the sorters of the index builds: peak RSS < 100 MB
        conn.execute("PRAGMA threads = 2")  # index builds and the derivation's sorts use both cores
        loader = Loader(conn, tz=tz, progress=progress)
        loader.damage = checks[0] if checks else None
        zones.prescan(loader, paths, encoding)
        bulk = _bulk(conn, paths)
        loader.incremental = not bulk
        loader.staged = not bulk and stage.wanted(paths)
        loader.split = bulk or loader.staged
        if bulk:
            loader.unique = {"configs"}  # (the others are dropped below)
        split.clean_stale(conn)
        if not bulk and derive.dirty_shops(conn):
            loader.before_write()
            derive.derive(conn)  # what a killed load left undone, before batches derive themselves
        if bulk:
            loader.before_write()
            schema.drop_indexes(conn, {"consults", "statuses", "stats", "session_ends", "messages", "logistics",
                                       "other_events"}, unique=True)
        try:
            try:
                for p in paths:
                    loader.load_file(p, encoding=encoding, strict=strict)
                    loader.report.files.append(str(p))
                loader.before_write()  # (every file skipped: the check is still due before the writes below)
                zones.record(loader, loader.decoder.naive_shops)
            finally:
                loader.close()
        except KeyboardInterrupt:  # Ctrl-C: stop now; the indexes are built by the next open
            raise
        except BaseException:
            if bulk:
                schema.create_indexes(conn)
            raise
        else:
            if bulk:
                rep = loader.report
                found: dict[str, list] = {}

                def before_dedupe(table: str) -> None:
                    found[table] = conflicts.find_in_table(conn, table, TYPE_OF.get(table, "other"), _COLS[table])

                removed = schema.create_indexes(conn, before_dedupe)
                for table, n in removed.items():  # duplicates met by the unique index build
                    typ = TYPE_OF.get(table, "other")
                    bad = len(found.get(table, ()))
                    rep.loaded[typ] = rep.loaded.get(typ, 0) - n
                    rep.duplicates_by_type[typ] = rep.duplicates_by_type.get(typ, 0) + n - bad
                    if bad:
                        rep.conflicts_by_type[typ] = rep.conflicts_by_type.get(typ, 0) + bad
                order = {f: i for i, f in enumerate(rep.files)}
                rep.conflicts.extend(sorted((c for cs in found.values() for c in cs),
                                            key=lambda c: (order.get(c.file, len(order)), c.line)))
                rep.conflicts.sort(key=lambda c: (order.get(c.file, len(order)), c.line))
        derive.derive(conn)
        conn.execute("PRAGMA optimize")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    loader.report.seconds = time.perf_counter() - t0
    return loader.report
