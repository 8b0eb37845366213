"""One file of a load: checked whole first (`--strict`), read (its second half by a second process
when it is big and splits, store/split.py), its rows written in batches, in bulk or staged
(store/stage.py), and its `loads` row (when it started and ended, what it added)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from shunt.store import conflicts, split, stage
from shunt.store import inserts as ins
from shunt.store.decode import LineError
from shunt.store.source import Source
from shunt.workers import workers


def load_file(loader, path: Path, encoding: str | None = None, strict: bool = False) -> None:
    """Load one file with `loader` (store/load.py's Loader), adding to its report."""
    rep = loader.report
    name = str(path)
    if strict:
        bad = validate(loader, path, encoding)
        if bad:
            rep.rejected.extend(bad)
            rep.skipped_files.append(name)
            return
    conn = loader.conn
    started = int(time.time() * 1000)
    staged = stage.Stage(loader, stage.next_load_id(conn)) if loader.staged else None
    if staged is None:
        loader.before_write()
        conn.execute("INSERT INTO loads(file, started) VALUES (?, ?)", (name, started))
    load_id = staged.load_id if staged else conn.execute("SELECT last_insert_rowid()").fetchone()[0]
    loader.origin = load_id << conflicts.ORIGIN_SHIFT
    loader.sql = ins.statements(loader.origin, ins.MULTI)
    before = dict(rep.loaded), dict(rep.duplicates_by_type), len(rep.rejected)
    plain = loader.spool.take(path) if loader.spool is not None else None  # a gzip's plain copy (gzspool)
    src = Source(plain or path, encoding)
    try:
        lines = _read(loader, src, plain or path, name, encoding, staged)
        if staged is not None:  # (its rejected lines and zones are folded in as its parts merge)
            staged.merge(src, lines, name, started)
        rep.lines += lines
        rep.bytes += path.stat().st_size if plain else src.total
        rep.encodings[name] = src.encoding or "utf-8"
        if loader.progress:
            loader.progress(src.total, src.total, name)
    finally:
        src.close()
        if staged is not None:
            staged.close()
        if plain is not None:
            loader.spool.done(path)
    counts = {  # (by type name: the same whichever way the rows went in)
        "loaded": {k: v - before[0].get(k, 0) for k, v in sorted(rep.loaded.items()) if v - before[0].get(k, 0)},
        "duplicates": {k: v - before[1].get(k, 0) for k, v in sorted(rep.duplicates_by_type.items())
                       if v - before[1].get(k, 0)},
        "rejected": len(rep.rejected) - before[2],
        "encoding": src.encoding or "utf-8",
    }
    conn.execute("UPDATE loads SET finished = ?, counts = ? WHERE id = ?",
                 (int(time.time() * 1000), json.dumps(counts, ensure_ascii=False), load_id))


def _read(loader, src: Source, path: Path, name: str, encoding: str | None, staged) -> int:
    """Read `src` (the file at `path`, named `name`: a gzip's plain copy is read under the gzip's
    name) into the database (or, `staged`, into this process's part file), its second half by a
    second process when it splits. → lines read."""
    into = staged.part_loader() if staged is not None else loader
    damage = loader.gz_damage.get(name)
    if damage is not None and src.gz:  # stop where the damaged member starts
        src.limit(damage.offset)
    child, cut = _fork(loader, src, path, name, encoding)
    try:
        if loader.damage is not None:
            loader.damage.start()  # (once the child is forked)
        progress = loader.progress
        done = (lambda n: progress(n + child.done(), src.total, name)) if child else \
            (lambda n: progress(n, src.total, name))
        lines = into.read(src, name, done if progress else None)
        if child is not None:
            out = child.result()
            if out is not None and out["initial"] == into.shop_tz and split.same_encoding(src, out):
                lines += out["lines"]
                if staged is not None:
                    staged.take(out)
                    child.keep_part()  # (merged, then removed, by the stage)
                else:
                    split.merge(loader, out)
            else:  # the child failed, or decoded with other zones than ours: read the half here
                lines += _second_half(loader, into, src, path, name, encoding, cut)
        if damage is not None and src.gz:
            into.report.rejected.append((name, damage.lines + 1, damage.message()))
        return lines
    finally:
        if child is not None:
            child.stop()


def _fork(loader, src: Source, path: Path, name: str, encoding: str | None) -> tuple:
    """The child reading the file's second half, when it splits. → (split.Child or None, the cut)."""
    if not (loader.split and src.total >= split.PARALLEL_BYTES and split.splittable(src) and workers() > 1):
        return None, None
    cut = split.cut_of(path, src.total)
    if cut is None:
        return None, None
    child = split.start(loader, path, encoding, cut, Source, src.encoding, name=name)
    if child is not None:
        src.limit(cut)
    return child, cut


def _second_half(loader, into, src: Source, path: Path, name: str, encoding: str | None, cut: int) -> int:
    """Read [cut, end) here (the child failed or read with other zones than this process's)."""
    rest = Source(path, encoding, start=cut, first_line=1 + split.newlines(path, cut))
    rest.encoding = src.encoding
    progress = loader.progress
    try:
        return into.read(rest, name, (lambda n: progress(cut + n, src.total, name)) if progress else None)
    finally:
        rest.close()


def validate(loader, path: Path, encoding: str | None) -> list[tuple[str, int, str]]:
    """`--strict`: every bad line of the file (nothing loaded)."""
    bad = []
    src = Source(path, encoding)
    damage = loader.gz_damage.get(str(path))
    if damage is not None and src.gz:
        src.limit(damage.offset)
        bad.append((str(path), damage.lines + 1, damage.message()))
    decode = loader.decoder.decode
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
