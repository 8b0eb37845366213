"""Streaming loader: JSONL (UTF-8, UTF-8 with BOM, GB18030/GBK, gzip) → the shunt database.

Flat memory: lines are read in binary, decoded one by one and inserted in batches
(`executemany` INSERT OR IGNORE, one transaction per batch). A killed load leaves a sound
database (each batch is atomic, the derived tables are marked dirty in the same
transaction) and running it again completes it.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import sqlite3
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator
from zoneinfo import ZoneInfo

from shunt import errors
from shunt.gcpause import paused_gc
from shunt.store import derive, schema
from shunt.store.db import open_db
from shunt.store.decode import MAX_LINE, LineDecoder, LineError
from shunt.timeutil import DEFAULT_TZ, zone

BATCH_LINES = 10_000
BULK_BYTES = 16 << 20  # drop secondary indexes for a load into empty tables bigger than this

Progress = Callable[[int, int, str], None]

_COLS = {
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
# Fixed SQL, no identifier ever comes from input.
_INSERT = {
    t: f"INSERT OR IGNORE INTO {t}(shop_id, {', '.join(c)}) VALUES ({', '.join('?' * (len(c) + 1))})"
    for t, c in _COLS.items()
}
TYPE_OF = {
    "configs": "shop_config", "statuses": "agent_status", "stats": "agent_stats", "consults": "consult",
    "session_ends": "session_end", "messages": "message", "logistics": "logistics",
}
_UTF8 = {"utf-8", "utf-8-sig"}


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
            "files": self.files, "loaded": self.loaded, "duplicates": self.duplicates,
            "duplicates_by_type": self.duplicates_by_type,
            "unknown_types": self.unknown_types,
            "rejected": [{"file": f, "line": n, "why": w} for f, n, w in self.rejected],
            "skipped_files": self.skipped_files, "lines": self.lines, "seconds": round(self.seconds, 3),
        }


class _Source:
    """Lines of one file as (line number, bytes-or-str or LineError)."""

    def __init__(self, path: Path, encoding: str | None):
        self.path = path
        self.raw = open(path, "rb")
        self.total = os.fstat(self.raw.fileno()).st_size
        magic = self.raw.read(2)
        self.raw.seek(0)
        self.gz = magic == b"\x1f\x8b"
        self.stream = gzip.GzipFile(fileobj=self.raw, mode="rb") if self.gz else self.raw
        self.forced = codecs.lookup(encoding).name if encoding else None
        self.encoding: str | None = self.forced
        if self.forced in _UTF8:
            self.encoding = "utf-8"
        if self.encoding is None:
            self.encoding = self._sniff()

    def _sniff(self) -> str | None:
        """Decide UTF-8 or GB18030 from the first 4 MiB: the encoding most non-ASCII lines
        decode in. One corrupt line in a UTF-8 file must not switch the file to GB18030."""
        size = 1 << 22
        try:
            sample = self.stream.read(size)
        except (OSError, EOFError, zlib.error):
            sample = b""  # lines() reports the unreadable data
        try:
            self.stream.seek(0)
        except (OSError, EOFError, zlib.error):
            pass
        if sample.startswith(b"\xef\xbb\xbf"):
            return "utf-8"
        if sample.isascii():
            return None
        ok = gb = 0
        pieces = sample.split(b"\n")
        if len(sample) == size and len(pieces) > 1:
            pieces.pop()  # may end inside a character
        for line in pieces:
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                ok += 1
            except UnicodeDecodeError:
                try:
                    line.decode("gb18030")
                    gb += 1
                except UnicodeDecodeError:
                    pass  # neither: a corrupt line, reported as such
        if ok == gb == 0:
            return None
        return "utf-8" if ok >= gb else "gb18030"

    def done(self) -> int:
        try:
            return self.raw.tell()
        except (OSError, ValueError):
            return self.total

    def close(self) -> None:
        if self.gz:
            self.stream.close()
        self.raw.close()

    def lines(self) -> Iterator[tuple[int, object]]:
        readline = self.stream.readline
        limit = MAX_LINE + 1
        n = 0
        enc = self.encoding
        try:
            while True:
                line = readline(limit)
                if not line:
                    return
                n += 1
                if n == 1:
                    if line.startswith(b"\xef\xbb\xbf"):
                        line = line[3:]
                        if enc is None:
                            enc = self.encoding = "utf-8"
                    elif line.startswith((b"\xff\xfe", b"\xfe\xff")) and self.forced is None:
                        yield n, LineError("UTF-16 text: not supported; save the export as UTF-8")
                        return
                if len(line) >= limit and not line.endswith(b"\n"):
                    while True:  # skip the rest of the line without holding it
                        chunk = readline(limit)
                        if not chunk or chunk.endswith(b"\n"):
                            break
                    yield n, LineError("line longer than 1 MiB")
                    continue
                if line.isspace():
                    continue
                if enc == "utf-8" or line.isascii():
                    yield n, line
                    continue
                if enc is None:  # decide on the first non-ASCII line
                    try:
                        line.decode("utf-8")
                        enc = self.encoding = "utf-8"
                        yield n, line
                        continue
                    except UnicodeDecodeError:
                        try:
                            text = line.decode("gb18030")
                        except UnicodeDecodeError:
                            enc = self.encoding = "utf-8"
                            yield n, LineError("invalid UTF-8 bytes (and not GB18030 either)")
                            continue
                        enc = self.encoding = "gb18030"
                        yield n, text
                        continue
                try:
                    yield n, line.decode(enc)
                except UnicodeDecodeError:
                    yield n, LineError(f"invalid {enc.upper()} bytes")
                except LookupError:
                    yield n, LineError(f"unknown encoding {enc!r}")
                    return
        except (OSError, EOFError, zlib.error) as exc:
            yield n + 1, LineError(f"unreadable {'gzip ' if self.gz else ''}data: {exc}")


class Loader:
    def __init__(self, conn: sqlite3.Connection, *, tz: str | None = None, progress: Progress | None = None):
        self.conn = conn
        self.forced_tz = zone(tz) if tz else None
        self.progress = progress
        self.report = LoadReport()
        self.shop_ids: dict[str, int] = {}
        # nick → (ts, uid, timezone) of its latest shop_config seen (database or earlier lines)
        self.shop_tz: dict[str, tuple[int, str, str | None]] = {}
        self._zones: dict[str, ZoneInfo] = {}
        for sid, nick, tzname, tz_ts, tz_uid in conn.execute("SELECT id, nick, timezone, tz_ts, tz_uid FROM shops"):
            self.shop_ids[nick] = sid
            if tz_ts is not None:
                self.shop_tz[nick] = (tz_ts, tz_uid, tzname)
        self.decoder = LineDecoder(self.tz_for)
        self.incremental = False  # derive each batch in its own transaction (see _derive_batch)
        self._reset_batch()

    # -- time zones ------------------------------------------------------------------
    def tz_for(self, shop: str) -> ZoneInfo:
        if self.forced_tz is not None:
            return self.forced_tz
        z = self._zones.get(shop)
        if z is None:
            known = self.shop_tz.get(shop)
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

    def add(self, table: str, shop: str, row: tuple) -> None:
        sid = self.shop_ids.get(shop)
        if sid is None:
            sid = self.shop_id(shop)
        self.rows[table].append((sid, *row))
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
            for table, rows in batch_rows.items():
                if not rows:
                    continue
                before = conn.total_changes
                conn.executemany(_INSERT[table], rows)
                n = conn.total_changes - before
                inserted[table] = n
                if table != "other_events":
                    typ = TYPE_OF[table]
                    rep.loaded[typ] = rep.loaded.get(typ, 0) + n
                    rep.duplicates_by_type[typ] = rep.duplicates_by_type.get(typ, 0) + len(rows) - n
                else:
                    rep.loaded["other"] = rep.loaded.get("other", 0) + n
                    rep.duplicates_by_type["other"] = rep.duplicates_by_type.get("other", 0) + len(rows) - n
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
        src = _Source(path, encoding)
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
        self.drain()
        conn.execute("INSERT INTO loads(file, started) VALUES (?, ?)", (name, int(time.time() * 1000)))
        load_id = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        before = dict(rep.loaded), dict(rep.duplicates_by_type), len(rep.rejected)
        src = _Source(path, encoding)
        decode, add, rejected = self.decoder.decode, self.add, rep.rejected
        lines = 0
        # the batches are tuples of strings and numbers: no reference cycle for the collector
        with paused_gc():
            try:
                for n, data in src.lines():
                    lines += 1
                    if isinstance(data, LineError):
                        rejected.append((name, n, str(data)))
                        continue
                    try:
                        table, shop, row = decode(data)
                    except LineError as exc:
                        rejected.append((name, n, str(exc)))
                        continue
                    add(table, shop, row)
                    if self.pending >= BATCH_LINES:
                        self.flush()
                        if self.progress:
                            self.progress(src.done(), src.total, name)
                self.flush()
                self.drain()
                rep.lines += lines
                rep.bytes += src.total
                rep.encodings[name] = src.encoding or "utf-8"
                if self.progress:
                    self.progress(src.total, src.total, name)
            finally:
                src.close()
        counts = {
            "loaded": {k: v - before[0].get(k, 0) for k, v in rep.loaded.items() if v - before[0].get(k, 0)},
            "duplicates": {k: v - before[1].get(k, 0) for k, v in rep.duplicates_by_type.items()
                           if v - before[1].get(k, 0)},
            "rejected": len(rep.rejected) - before[2],
            "encoding": src.encoding or "utf-8",
        }
        conn.execute("UPDATE loads SET finished = ?, counts = ? WHERE id = ?",
                     (int(time.time() * 1000), json.dumps(counts, ensure_ascii=False), load_id))


def _bulk(conn: sqlite3.Connection, files: list[Path]) -> bool:
    """A big load into empty event tables: build the secondary indexes afterwards."""
    size = 0
    for f in files:
        try:
            size += f.stat().st_size
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
) -> LoadReport:
    """Load log files into the database at `path` (created if missing). See module doc.

    `encoding` forces the files' encoding (default: UTF-8, with or without BOM, or GB18030
    when the first non-ASCII line is not UTF-8); `strict` loads nothing from a file with a
    bad line; `tz` forces the zone of local times; `progress(bytes_done, bytes_total, file)`.
    """
    t0 = time.perf_counter()
    paths = [Path(f) for f in files]
    for p in paths:
        if not p.is_file():
            raise errors.NotFound(f"no file {p}")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise errors.UsageError(f"unknown encoding {encoding!r}") from None
    if tz:
        try:
            zone(tz)
        except ValueError as exc:
            raise errors.UsageError(str(exc)) from None
    conn = open_db(path, create=True)
    try:
        # A killed process loses nothing committed with WAL and synchronous OFF (only an OS
        # crash could); the last checkpoint at close makes the file durable.
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA wal_autocheckpoint = 8192")
        conn.execute("PRAGMA cache_size = -8192")  # with the sorters of the index builds: peak RSS < 100 MB
        conn.execute("PRAGMA threads = 2")  # index builds and the derivation's sorts use both cores
        loader = Loader(conn, tz=tz, progress=progress)
        bulk = _bulk(conn, paths)
        loader.incremental = not bulk
        if not bulk:
            derive.derive(conn)  # what a killed load left undone, before batches derive themselves
        if bulk:
            schema.drop_indexes(conn, {"consults", "statuses", "stats", "session_ends", "messages", "logistics",
                                       "other_events"}, unique=True)
        try:
            try:
                for p in paths:
                    loader.load_file(p, encoding=encoding, strict=strict)
                    loader.report.files.append(str(p))
            finally:
                loader.close()
        finally:
            if bulk:
                removed = schema.create_indexes(conn)
                rep = loader.report
                for table, n in removed.items():  # duplicates met by the unique index build
                    typ = TYPE_OF.get(table, "other")
                    rep.loaded[typ] = rep.loaded.get(typ, 0) - n
                    rep.duplicates_by_type[typ] = rep.duplicates_by_type.get(typ, 0) + n
        derive.derive(conn)
        conn.execute("PRAGMA optimize")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    loader.report.seconds = time.perf_counter() - t0
    return loader.report
