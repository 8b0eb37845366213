"""Each shop's time zone for a load, known before its first line is read (and each gzip checked).

A local time without offset (`"2026-11-11 10:23:45"`) is read in the shop's zone: the
`timezone` of its latest `shop_config` (greatest `(ts, uid)`) among the database's and every
file's of this load, else Asia/Shanghai (docs/semantics.md). So the zone cannot depend on the
order of the lines or of the files: before loading, `prescan` reads every file's `shop_config`
lines (found by their bytes, as store/split.py finds them for its second half) and decodes them.
A `shop_config`'s own time is read in its own `timezone` (Asia/Shanghai without one), so this
needs no other line.

Across loads: a load whose configs change the zone of a shop that already has events read in
another zone (times without offset, recorded per shop in `meta` as `naive:<shop id>`) cannot
move those rows (their original text is not kept): it says so (`LoadReport.warnings`, exit 3).
"""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

from shunt.store import gzscan
from shunt.store.decode import LineError
from shunt.timeutil import DEFAULT_TZ

_NEEDLE = b"shop_config"
_PIECE = 1 << 22


def _plain_chunks(raw):
    while True:
        piece = raw.read(_PIECE)
        if not piece:
            return
        yield piece, False


def config_lines(path: Path, damage: dict | None = None, spool=None):
    """The lines of `path` (plain or gzip) that contain b"shop_config", as bytes, in file order.
    A gzip is checked member by member (store/gzscan.py): the lines of a damaged member are left
    out and `damage[str(path)]` says where it starts. Unreadable data ends the scan quietly: the
    load itself reports it. `spool` (store/gzspool.py): a big gzip's uncompressed bytes are also
    written to a plain file, kept only when the whole file was read sound."""
    with open(path, "rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        members = gzscan.Members(raw) if gz else None
        out = spool.open(path) if gz and spool is not None else None
        try:
            yield from _config_lines(path, raw, members, damage, out)
        finally:
            if out is not None:
                if members.damage is None and not members.truncated and members.finished:
                    out.keep()
                else:
                    out.drop()


def _config_lines(path: Path, raw, members, damage: dict | None, out):
    gz = members is not None
    carry = b""
    first = True
    held: list[bytes] = []  # a gzip member's, until it ends sound
    try:
        for piece, member_end in (members.chunks() if gz else _plain_chunks(raw)):
            if out is not None:
                out.write(piece)
            data = carry + piece if carry else piece
            if first:
                first = False
                if data.startswith(b"\xef\xbb\xbf"):
                    data = data[3:]
            last = data.rfind(b"\n") + 1
            pos = data.find(_NEEDLE, 0, last)
            while pos >= 0:
                start = data.rfind(b"\n", 0, pos) + 1
                end = data.find(b"\n", pos) + 1
                held.append(data[start:end])
                pos = data.find(_NEEDLE, end, last)
            carry = data[last:]
            if len(carry) > (1 << 21):  # a line longer than any the loader reads
                carry = carry[-64:]
            if not gz or member_end:
                yield from held
                held.clear()
        if members is not None and members.damage is not None:
            if damage is not None:
                damage[str(path)] = members.damage
            return
        yield from held
        if _NEEDLE in carry:
            yield carry
    except (OSError, EOFError, zlib.error):
        return


def _is_gzip(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(2) == b"\x1f\x8b"
    except OSError:
        return False


def _decode(loader, line: bytes, encoding: str | None):
    """→ (shop, (ts, uid, timezone, body)) of a shop_config line, or None."""
    forms: list[bytes | str] = [line]
    if encoding and encoding.replace("_", "-").lower() not in ("utf-8", "utf8", "utf-8-sig"):
        try:
            forms = [line.decode(encoding)]
        except (UnicodeDecodeError, LookupError):
            return None
    elif not line.isascii():
        try:
            forms.append(line.decode("gb18030"))
        except UnicodeDecodeError:
            pass
    for data in forms:
        try:
            table, shop, row = loader.decoder.decode(data)
        except LineError:
            continue
        return (shop, row) if table == "configs" else None
    return None


def prescan(loader, paths: list[Path], encoding: str | None, spool=None) -> None:
    """Fill `loader.pre_tz` (nick → (ts, uid, timezone) of its latest config in these files) and
    warn about shops whose zone this load changes under events read before. `spool`: see
    config_lines."""
    seen: dict[str, tuple[int, str, str | None, str]] = {}
    forced = loader.forced_tz is not None
    for p in paths:
        if forced and not _is_gzip(p):  # (a gzip is still checked)
            continue
        try:
            for line in config_lines(p, loader.gz_damage, spool):
                if forced:
                    continue
                got = _decode(loader, line, encoding)
                if got is None:
                    continue
                shop, row = got
                known = seen.get(shop)
                if known is None or (row[0], row[1]) > (known[0], known[1]):
                    seen[shop] = (row[0], row[1], row[2], str(p))
        except OSError:
            continue  # the load reports the file
    if forced:
        return
    loader.pre_tz = {shop: v[:3] for shop, v in seen.items()}
    loader.decoder.naive_shops.clear()
    _warn_moves(loader, seen)


def _warn_moves(loader, seen: dict) -> None:
    conn: sqlite3.Connection = loader.conn
    read_in = dict(conn.execute(
        "SELECT CAST(substr(key, 7) AS INTEGER), value FROM meta WHERE key LIKE 'naive:%'").fetchall())
    if not read_in:
        return
    for shop, (ts, uid, tzname, where) in sorted(seen.items()):
        sid = loader.shop_ids.get(shop)
        old = read_in.get(sid) if sid is not None else None
        known = loader.shop_tz.get(shop)
        if old is None or (known is not None and (ts, uid) <= (known[0], known[1])):
            continue
        new = tzname or DEFAULT_TZ
        if new != old:
            loader.report.warnings.append(
                f"{where}: shop {shop}: time zone now {new} (shop_config {uid}); events loaded before "
                f"with local times without offset were read in {old} and are not moved. To place them "
                f"in {new}, load all of the shop's files into a new database (or with --tz {new})")


def record(loader, shops: set[str]) -> None:
    """Note, per shop, the zone its times without offset were read in (for `_warn_moves`)."""
    if loader.forced_tz is not None or not shops:
        return
    rows = []
    for shop in sorted(shops):
        sid = loader.shop_ids.get(shop)
        if sid is not None:
            rows.append((f"naive:{sid}", loader.tz_for(shop).key))
    if rows:
        loader.conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", rows)
