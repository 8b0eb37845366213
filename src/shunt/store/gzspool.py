"""A big gzip file decompressed once, to a plain file beside the database, so that it splits.

Every gzip of a load is read once before loading (store/zones.py: its `shop_config` lines, each
member checked, store/gzscan.py). For a file the load will split (a bulk or staged load on two
cores, its uncompressed size at least split.PARALLEL_BYTES), that pass also writes the
uncompressed bytes to `<db>.part-<pid>-gz<n>`; the load then reads that plain file, by two
processes (store/split.py), instead of decompressing the gzip a second time in one. The file is
named after the gzip in every message and in `loads` (files.py); it is removed once read, and one
a killed load left is removed by the next (split.clean_stale: its name is a part's).

Only a sound file is spooled: a damaged member, a file cut short or any read error drops the
spool and the gzip is read as before (one process, stopping at the damage). The disk it takes is
the file's uncompressed size (`disk_free` is checked first, with room left for the database to
grow as much again); a write error (disk full) drops it too.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from shunt.store import gzscan, split

HEADROOM = 256 << 20  # free disk left after the spool and as much again for the database


class Spool:
    """The spooled gzip files of one load (`paths[str(gzip)]` = its plain copy, once complete)."""

    def __init__(self, db: Path):
        self.db = db
        self.paths: dict[str, Path] = {}
        self.reserved = 0

    def open(self, path: Path):
        """A writer for `path`'s uncompressed bytes, or None (too small, or no room)."""
        try:
            size = gzscan.expanded_size(path)
            free = shutil.disk_usage(self.db.parent).free
        except OSError:
            return None
        if size < split.PARALLEL_BYTES or free < self.reserved + 2 * size + HEADROOM:
            return None
        target = self.db.parent / f"{self.db.name}.part-{os.getpid()}-gz{len(self.paths) + 1:d}"
        split.remove_part(target)
        try:  # owner-only, as the database (it holds the log's text)
            fh = os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600),
                           "wb")
        except OSError:
            return None
        self.reserved += size
        return _Writer(self, path, target, fh)

    def take(self, path: Path) -> Path | None:
        """The plain copy of `path` to read (None: read the gzip)."""
        return self.paths.get(str(path))

    def done(self, path: Path) -> None:
        """`path` was read: remove its copy."""
        got = self.paths.pop(str(path), None)
        if got is not None:
            split.remove_part(got)

    def close(self) -> None:
        for name in list(self.paths):
            self.done(Path(name))


class _Writer:
    def __init__(self, spool: Spool, path: Path, target: Path, fh):
        self.spool, self.path, self.target, self.fh = spool, path, target, fh

    def write(self, data: bytes) -> None:
        if self.fh is None:
            return
        try:
            self.fh.write(data)
        except OSError:  # (disk full): read the gzip instead
            self.drop()

    def keep(self) -> None:
        """The file was read whole and sound: its copy is complete."""
        if self.fh is None:
            return
        try:
            self.fh.close()
        except OSError:
            self.fh = None
            split.remove_part(self.target)
            return
        self.fh = None
        self.spool.paths[str(self.path)] = self.target

    def drop(self) -> None:
        if self.fh is not None:
            try:
                self.fh.close()
            except OSError:
                pass
            self.fh = None
        split.remove_part(self.target)
