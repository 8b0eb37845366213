"""A gzip file read member by member, checking each (docs/semantics.md, "Damaged input").

A gzip member's CRC is checked only at its end, after all its data was decompressed: a bit
flipped in the middle gives wrong bytes, then the CRC error. So the load reads every gzip once
before loading it (store/zones.py reads its `shop_config` lines on the same pass) and stops the
load at the start of the first damaged member (CRC or length check failed, invalid deflate
data): nothing of that member or after it is loaded, and the load says which lines were. A file
cut short (no damage, the end missing) keeps its lines before the cut, as before.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Iterator

_IN = 1 << 20  # compressed bytes read at a time
_OUT = 1 << 22  # most decompressed bytes held at a time (a small file may expand a lot)


@dataclass
class Damage:
    offset: int  # uncompressed offset where the damaged member starts: nothing from there is loaded
    lines: int  # complete lines before it (they are loaded)
    member: int  # 1-based
    why: str

    def message(self) -> str:
        kept = f"lines 1-{self.lines} (before it) were loaded" if self.lines else "no line was loaded"
        return (f"gzip member {self.member} (from uncompressed byte {self.offset:,}) is damaged ({self.why}): "
                f"none of its lines nor any after it were loaded; {kept}")


class Members:
    """`chunks()` yields (uncompressed bytes, member ended here); afterwards `damage` is set when
    a member failed (its chunks yielded so far must be dropped by the caller)."""

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.damage: Damage | None = None
        self.truncated = False
        self.finished = False  # chunks() read to the file's end

    def chunks(self) -> Iterator[tuple[bytes, bool]]:
        fh = self.fh
        member, offset, lines, start, start_lines = 1, 0, 0, 0, 0
        d = zlib.decompressobj(31)
        fed = False  # some of the current member's data was given to `d`
        pending = b""
        while True:
            if not pending:
                pending = fh.read(_IN)
                if not pending:
                    self.truncated = fed  # the last member has no end: a file cut short
                    self.finished = True
                    return
            fed = True
            try:
                out = d.decompress(pending, _OUT)
            except zlib.error as exc:
                self.damage = Damage(start, start_lines, member, _why(exc))
                return
            pending = d.unconsumed_tail
            if out:
                offset += len(out)
                lines += out.count(b"\n")
            if not d.eof:
                if out:
                    yield out, False
                continue
            yield out, True
            pending = d.unused_data
            if not pending.strip(b"\x00"):  # (zero padding after the last member is not one)
                pending = b""
            member += 1
            start, start_lines = offset, lines
            d = zlib.decompressobj(31)
            fed = False


def _why(exc: zlib.error) -> str:
    text = str(exc)
    if "incorrect data check" in text:
        return "CRC check failed"
    if "incorrect length check" in text:
        return "length check failed"
    return text.replace("Error -3 while decompressing data: ", "invalid compressed data: ")


def expanded_size(path) -> int:
    """The size a load reads from `path`: for a gzip file at least its last member's ISIZE (the
    uncompressed length mod 2**32: a single-member file's whole size, under 4 GiB), else its size."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size < 18 or fh.read(2) != b"\x1f\x8b":
            return size
        fh.seek(size - 4)
        return max(size, int.from_bytes(fh.read(4), "little"))
