"""A big file loaded by two processes (a bulk load, on a machine with two cores or more).

The parent loads the file's first half into the database while a forked child loads the second
half into a part file beside it (`<db>.part-<pid>`, same schema, no indexes). Then the parent
copies the part's rows after its own, in the part's rowid order (MERGE_ROWS per transaction):
the rows stand in file order, as a load by one process leaves them (the unique index build keeps
the first copy of a duplicate). The part file is removed; a child whose parent was killed stops
and removes its part; one left behind anyway is removed by the next load.

Reading the second half needs the state of the first half's end that decoding depends on: the
line number it starts at and each shop's time zone (its latest `shop_config`). The child counts
the newlines of the first half and decodes its `shop_config` lines (found by their bytes). The
parent checks, once it has read the first half, that the zones the child started from are its
own; if not (a `shop_config` written with escapes), or if the child failed, the parent drops
the part and reads the second half itself. `SHUNT_WORKERS=1` turns the split off.

Encodings: UTF-8 and GB18030 files split (no newline byte inside a character of either), and so
does a file whose sniffed head is all ASCII (escaped JSON): the child then chooses the encoding at
its first non-ASCII line, and the parent keeps its half only if one process would have chosen the
same (`same_encoding`). A gzip file splits once decompressed to a plain copy (store/gzspool.py);
else it is read by one process.
"""

from __future__ import annotations

import mmap
import os
import pickle
import signal
import sqlite3
import struct
from pathlib import Path

from shunt.store import derive, schema, spans, txn
from shunt.store import inserts as ins
from shunt.store.db import open_db

PARALLEL_BYTES = 16 << 20  # smaller files: one process (the fork, the first half's scan and the copy)


def cut_of(path: Path, size: int) -> int | None:
    """The offset of the first line starting at or after the middle of the file (None: none)."""
    with open(path, "rb") as fh:
        fh.seek(size // 2)
        while True:
            piece = fh.read(1 << 16)
            if not piece:
                return None
            i = piece.find(b"\n")
            if i >= 0:
                cut = fh.tell() - len(piece) + i + 1
                return cut if cut < size else None


def _db_path(conn: sqlite3.Connection) -> Path | None:
    row = conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_part(part: Path) -> None:
    """Remove a part file (and its -wal, -shm, -journal)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(str(part) + suffix)
        except FileNotFoundError:
            pass


def clean_stale(conn: sqlite3.Connection) -> None:
    """Remove the part files of loads that are no longer running."""
    db = _db_path(conn)
    if db is None:
        return
    for f in db.parent.glob(db.name + ".part-*"):
        pid = f.name[len(db.name) + len(".part-"):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            try:
                os.unlink(f)
            except FileNotFoundError:
                pass


def newlines(path: Path, cut: int) -> int:
    """The number of lines in [0, cut) of `path` (`cut` follows a newline)."""
    return _scan_first_half(path, cut, configs=False)[0]


def _scan_first_half(path: Path, cut: int, configs: bool = True) -> tuple[int, list[bytes]]:
    """→ (lines in [0, cut), the lines there that contain b"shop_config", in file order).
    Read 4 MiB at a time (a mapped file would count in the process's resident memory)."""
    lines, found = 0, []
    carry = b""
    left = cut
    with open(path, "rb") as fh:
        while left > 0:
            piece = fh.read(min(left, 1 << 22))
            if not piece:
                break
            first = left == cut
            left -= len(piece)
            lines += piece.count(b"\n")
            if not configs:
                continue
            data = carry + piece if carry else piece
            last = data.rfind(b"\n") + 1
            pos = data.find(b"shop_config", 0, last)
            while pos >= 0:
                start = data.rfind(b"\n", 0, pos) + 1
                end = data.find(b"\n", pos) + 1
                line = data[start:end]
                found.append(line[3:] if first and start == 0 and line.startswith(b"\xef\xbb\xbf") else line)
                pos = data.find(b"shop_config", end, last)
            carry = data[last:]
    return lines, found


class Child:
    """The second half's load, running in a forked process."""

    def __init__(self, pid: int, rfd: int, counter: mmap.mmap, part: Path):
        self.pid, self.rfd, self.counter, self.part = pid, rfd, counter, part
        self.kept = False

    def keep_part(self) -> None:
        """Leave the part file to the caller (store/stage.py merges, then removes it)."""
        self.kept = True

    def done(self) -> int:
        """Bytes of the second half read so far."""
        return struct.unpack_from("q", self.counter, 0)[0]

    def result(self) -> dict | None:
        """Wait for the child. → its report, or None when it failed."""
        with os.fdopen(self.rfd, "rb") as fh:
            data = fh.read()
        self.rfd = -1
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            out = pickle.loads(data) if data else None
        except Exception:  # noqa: BLE001
            return None
        return out if status == 0 and isinstance(out, dict) else None

    def stop(self) -> None:
        """Kill the child if it still runs, and remove its part file."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = 0
        if self.rfd >= 0:
            os.close(self.rfd)
            self.rfd = -1
        self.counter.close()
        if not self.kept:
            remove_part(self.part)


SPLIT_ENCODINGS = ("utf-8", "gb18030", None)  # None: all ASCII so far (the encoding not decided yet)


def splittable(src) -> bool:
    """A plain file whose halves decode independently: UTF-8, GB18030 (0x0A is never inside one of
    its characters) or still undecided (an all-ASCII head: `same_encoding` checks the halves agree)."""
    return not src.gz and not src.utf16 and src.encoding in SPLIT_ENCODINGS


def same_encoding(src, out: dict) -> bool:
    """Did the child decode its half as one process would have, given the first half's reading
    (`src`, read to the cut)? An encoding decided before the split never changes, so only a child that
    started undecided can differ: it chose at its first non-ASCII line, which one process would have
    done too unless the first half had already chosen. On agreement `src` takes the child's choice."""
    if out.get("start_encoding") is not None or out.get("decided") is None:
        return True  # (decided before the split: the same for both; or the child's half all ASCII)
    if src.encoding is not None and (out["decided"] == "!" or out["decided"] != src.encoding):
        return False
    src.encoding = out["encoding"]
    return True


def start(loader, path: Path, encoding: str | None, cut: int, source_cls,
          start_encoding: str | None = "utf-8", name: str | None = None) -> Child | None:
    """Fork the child that loads [cut, end) of `path` (named `name` in rejected lines: a gzip's plain
    copy, store/gzspool.py). None: no fork (the caller reads it all)."""
    db = _db_path(loader.conn)
    if db is None:
        return None
    parent = os.getpid()
    part = db.parent / f"{db.name}.part-{parent}"
    remove_part(part)
    counter = mmap.mmap(-1, 8)
    try:
        rfd, wfd = os.pipe()
        pid = os.fork()
    except OSError:
        counter.close()
        return None
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(rfd)
            out = _child(loader, path, encoding, cut, part, counter, parent, source_cls, start_encoding,
                         name or str(path))
        except BaseException as exc:  # noqa: BLE001 - the parent then reads the half itself
            out, code = repr(exc), 1
        try:
            with os.fdopen(wfd, "wb") as fh:
                fh.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
        finally:
            os._exit(code)
    os.close(wfd)
    return Child(pid, rfd, counter, part)


def open_part(loader, part: Path):
    """A part file for `loader`'s rows (same schema, no index) and a loader of its own that goes on from
    `loader`'s zones. → (its connection, its loader)."""
    remove_part(part)
    conn = open_db(part, create=True)
    try:
        conn.execute("PRAGMA journal_mode = OFF")  # a scratch file: dropped whole if anything fails
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -2048")  # appends to tables without indexes: a small cache will do
        schema.drop_indexes(conn, set(ins.COLUMNS), unique=True)
        return conn, loader.for_part(conn)
    except BaseException:
        conn.close()
        remove_part(part)
        raise


def part_out(mine, src, lines: int, part: Path, initial: dict) -> dict:
    """What a part's loader read (the parent folds it in with `Loader.absorb`)."""
    rep = mine.report
    return {"lines": lines, "loaded": rep.loaded, "duplicates": rep.duplicates_by_type,
            "rejected": rep.rejected, "unknown": rep.unknown_types, "initial": initial,
            "final": mine.shop_tz, "part": str(part), "naive": mine.decoder.naive_shops,
            "start_encoding": src.start_encoding, "decided": src.decided, "encoding": src.encoding}


def _child(loader, path: Path, encoding: str | None, cut: int, part: Path, counter: mmap.mmap,
           parent: int, source_cls, start_encoding: str | None, name: str) -> dict:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent stops us
    before, config_lines = _scan_first_half(path, cut)
    conn, mine = open_part(loader, part)
    try:
        mine.seed_configs(config_lines, start_encoding)  # the zones in force where the second half starts
        initial = dict(mine.shop_tz)
        src = source_cls(path, encoding, start=cut, first_line=before + 1)
        src.encoding = src.start_encoding = start_encoding

        def progress(done: int) -> None:
            struct.pack_into("q", counter, 0, done)
            if os.getppid() != parent:  # the parent was killed: stop (the part is dropped)
                raise SystemExit(1)

        try:
            lines = mine.read(src, name, progress)
        finally:
            src.close()
        out = part_out(mine, src, lines, part, initial)
    except BaseException:
        conn.close()
        remove_part(part)  # (the parent reads the half itself)
        raise
    conn.close()  # (a returned part is the parent's to copy, then remove)
    return out


def map_part_shops(loader, part: str) -> tuple[list, dict]:
    """temp._shop_map: the attached part's shop ids → the database's (made as the part's first lines
    made them). → (the part's shops rows, {part id: database id})."""
    conn = loader.conn
    shops = conn.execute(f"SELECT id, nick, timezone, tz_ts, tz_uid FROM {part}.shops").fetchall()  # noqa: S608
    ids = {pid: loader.shop_id(nick) for pid, nick, *_ in shops}
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _shop_map(part_id INTEGER PRIMARY KEY, main_id INTEGER)")
    conn.execute("DELETE FROM temp._shop_map")
    conn.executemany("INSERT INTO temp._shop_map VALUES (?, ?)", ids.items())
    return shops, ids


def adopt_part_zones(conn: sqlite3.Connection, shops: list, ids: dict) -> None:
    """Each shop's zone as its latest shop_config says, the part's or the database's (as the batches
    write it)."""
    for pid, _nick, tzname, ts, uid in shops:
        if ts is not None:
            conn.execute(
                "UPDATE shops SET timezone = ?, tz_ts = ?, tz_uid = ? WHERE id = ? "
                "AND (tz_ts IS NULL OR tz_ts < ? OR (tz_ts = ? AND tz_uid < ?))",
                (tzname, ts, uid, ids[pid], ts, ts, uid))


MERGE_ROWS = 200_000  # rows copied per transaction: the write lock is never held long


def merge(loader, out: dict) -> None:
    """Copy the part's rows after the database's, MERGE_ROWS per transaction (like the batches, each
    committed one is whole: a load killed meanwhile is completed by running it again); fold the
    child's report and zones into the loader's."""
    conn = loader.conn
    conn.execute("ATTACH DATABASE ? AS part", (out["part"],))
    try:
        conn.execute("PRAGMA part.cache_size = -1024")  # read once, in order: its own 8 MB would only add to the peak
        shops, ids = map_part_shops(loader, "part")
        with txn.immediate(conn):
            for key, value in conn.execute("SELECT key, value FROM part.meta WHERE key LIKE 'dirty:%'").fetchall():
                derive.mark_dirty(conn, ids[int(key[len("dirty:"):])], int(value))
            adopt_part_zones(conn, shops, ids)
        for table in ins.COLUMNS:
            if table in loader.unique:  # its unique index kept (configs): the batches' upsert notes conflicts
                _copy_checked(loader, table)
                continue
            top = conn.execute(ins.TOP[table]).fetchone()[0] or 0
            for lo in range(0, top, MERGE_ROWS):
                with txn.immediate(conn):
                    mark = spans.top(conn) if table == "messages" else None
                    conn.execute(ins.COPY[table], (lo, lo + MERGE_ROWS))
                    if mark is not None:
                        spans.note(conn, mark)
    finally:
        conn.execute("DETACH DATABASE part")
    loader.absorb(out)


def _copy_checked(loader, table: str) -> None:
    """Copy a (small) table of the part through the batches' upsert: exact copies of a row the first
    half loaded are ignored, others reported as conflicts (store/conflicts.py)."""
    conn = loader.conn
    cols = ", ".join("t." + c for c in ins.COLUMNS[table])
    rows = conn.execute(f"SELECT m.main_id, {cols} FROM part.{table} AS t "  # noqa: S608 - constants
                        "JOIN temp._shop_map AS m ON m.part_id = t.shop_id ORDER BY t.rowid").fetchall()
    if not rows:
        return
    with txn.immediate(conn):
        n, found = ins.insert_rows(conn, table, rows, ins.statements(0), unique=True)  # (whole origins)
    rep = loader.report
    ins.count(rep, table, len(rows), n, len(found))
    typ = ins.type_of(table)
    rep.loaded[typ] = rep.loaded.get(typ, 0) - len(rows)  # (the child counted them as added to its part)
    rep.conflicts.extend(sorted(found, key=lambda c: c.line))
