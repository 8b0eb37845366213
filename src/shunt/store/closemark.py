"""The mark a load leaves on a database it closed cleanly: the next load skips the whole-file check.

A load must not build on a damaged file, but `PRAGMA quick_check` reads every page: 3-5 s of CPU
on a database of ten busy days, on every daily load. So the whole-file check runs when the file
may have changed since shunt last wrote it, and not when it is exactly as the last load left it:

- A load that finishes (its last checkpoint done, the connection closed, still under the load
  lock) sets the file's modification time to the current second plus a fixed fraction,
  `MARK_NS` nanoseconds. Any later write to the file, by anything (another tool, a copy over it,
  a shunt reader finishing a stopped load's work, `forget`, a load killed after its first
  checkpoint), sets the time to the moment of that write: the fraction is gone.
- The next load skips the whole-file check when the fraction is there, no `-wal` file holds
  frames (a killed writer's, not yet checkpointed), and the header is consistent (the page count
  it records matches the file size, the free-page list within the file). Otherwise it checks the
  whole file first (db.DamageCheck) as before, and refuses a damaged one.

What is not seen: damage that comes without a write (bit rot, a disk fault) in pages this load
does not read. SQLite still refuses pages it reads that are malformed (the load stops, exit 3,
its transaction rolled back). `shunt load --check` runs the whole-file check regardless.
A file system whose times are coarser than a nanosecond cannot keep the mark: there every load
checks the whole file, as before.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

MARK_NS = 271_828_183  # the fraction of a second a finished load leaves in the file's mtime


def stamp(p: Path) -> None:
    """The load that wrote `p` finished and closed it (under the load lock): mark it."""
    try:
        now = time.time_ns()
        os.utime(p, ns=(now, now - now % 1_000_000_000 + MARK_NS))
    except OSError:  # (not the file's owner...): the next load checks the whole file
        pass


def marked(p: Path, head: bytes) -> bool:
    """Is `p` as the last load left it (module doc)? `head`: its first 100 bytes."""
    try:
        st = p.stat()
        wal = Path(f"{p}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return False
    except OSError:
        return False
    return st.st_mtime_ns % 1_000_000_000 == MARK_NS and _header_sound(head, st.st_size)


def _header_sound(head: bytes, size: int) -> bool:
    """The header's page size, page count (when valid) and free list agree with the file."""
    if len(head) < 100:
        return False
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    if page < 512 or page & (page - 1):
        return False
    pages = int.from_bytes(head[28:32], "big")
    if head[92:96] != head[24:28] or pages == 0:  # the page count is valid only when these agree
        return False
    trunk = int.from_bytes(head[32:36], "big")
    free = int.from_bytes(head[36:40], "big")
    return size == pages * page and free < pages and trunk <= pages and (trunk == 0) == (free == 0)
