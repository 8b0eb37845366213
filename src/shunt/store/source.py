"""Reading one log file: its bytes a chunk at a time, as blocks of lines, in its encoding.

A file is plain or gzip; UTF-8 (with or without BOM), GB18030, or undecided while all ASCII (escaped
JSON: the first non-ASCII line decides). UTF-16 is refused with a clear message. Line numbers and
errors are those of reading the file line by line; a line longer than MAX_LINE is refused without
being held in memory.
"""

from __future__ import annotations

import codecs
import gzip
import os
import zlib
from io import BytesIO
from pathlib import Path
from typing import Callable, Iterator

from shunt.store.decode import MAX_LINE, LineError
from shunt.store.textforms import line_end_hint, looks_utf16

CHUNK = 1 << 20  # bytes read at a time; at most MAX_LINE (see Source.blocks)
SNIFF_BYTES = 1 << 22  # the encoding is chosen from the first 4 MiB (then, if all ASCII, at the first non-ASCII line)
_UTF8 = {"utf-8", "utf-8-sig"}
_RECODED = {"gb18030"}  # encodings whose blocks are decoded whole (Source._recode)
RECODE_LINES = 500  # lines decoded at a time there


class Source:
    """Lines of one file as (line number, bytes-or-str or LineError)."""

    def __init__(self, path: Path, encoding: str | None, start: int = 0, first_line: int = 1):
        """`start`, `first_line`: read from that byte offset (the start of a line, in a plain file),
        numbering lines from `first_line`; `limit(stop)` ends the reading at another offset."""
        self.path = path
        self.raw = open(path, "rb")
        self.total = os.fstat(self.raw.fileno()).st_size
        self.start, self.stop, self.first_line = start, None, first_line
        magic = self.raw.read(2)
        self.raw.seek(0)
        self.utf16 = False  # UTF-16 without a byte-order mark (seen by _sniff)
        self.gz = magic == b"\x1f\x8b"
        self.stream = gzip.GzipFile(fileobj=self.raw, mode="rb") if self.gz else self.raw
        self.forced = codecs.lookup(encoding).name if encoding else None
        self.encoding: str | None = self.forced
        self.decided: str | None = None  # the encoding chosen by a line (None: not by a line; "!": a bad line chose)
        if self.forced in _UTF8:
            self.encoding = "utf-8"
        if self.encoding is None:
            self.encoding = self._sniff()
        self.start_encoding = self.encoding  # (a second half's reader starts from the first half's)
        if start:
            self.raw.seek(start)

    def limit(self, stop: int) -> None:
        self.stop = stop

    def _sniff(self) -> str | None:
        """Decide UTF-8 or GB18030 from the first 4 MiB: the encoding most non-ASCII lines
        decode in (event lines: a line not starting with `{` has no say). One corrupt line in a UTF-8
        file must not switch the file to GB18030."""
        size = SNIFF_BYTES
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
        self.utf16 = looks_utf16(sample[:4096])
        if sample.isascii():
            return None
        ok = gb = 0
        pieces = sample.split(b"\n")
        if len(sample) == size and len(pieces) > 1:
            pieces.pop()  # may end inside a character
        for line in pieces:
            if line.isascii() or not line.lstrip().startswith(b"{"):  # (junk, not an event: it has no say)
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
        """Bytes read so far (of this source's range)."""
        try:
            return self.raw.tell() - self.start
        except (OSError, ValueError):
            return (self.stop or self.total) - self.start

    def close(self) -> None:
        if self.gz:
            self.stream.close()
        self.raw.close()

    def convert(self, n: int, line: bytes) -> object:
        """One line → bytes or str to decode, a LineError, or None (blank)."""
        if not line or line.isspace():
            return None
        enc = self.encoding
        if enc == "utf-8" or line.isascii():
            return line
        if enc is None:  # decide on the first non-ASCII line
            try:
                line.decode("utf-8")
                self.encoding = self.decided = "utf-8"
                return line
            except UnicodeDecodeError:
                try:
                    text = line.decode("gb18030")
                except UnicodeDecodeError:
                    self.encoding, self.decided = "utf-8", "!"
                    return LineError("invalid UTF-8 bytes (and not GB18030 either)")
                self.encoding = self.decided = "gb18030"
                return text
        try:
            return line.decode(enc)
        except UnicodeDecodeError:
            return LineError(f"invalid {enc.upper()} bytes")
        except LookupError:
            self.stopped = True
            return LineError(f"unknown encoding {enc!r}")

    def _reader(self) -> Callable[[int], bytes]:
        """read(size) over the stream, ending at `stop` when a range was set."""
        read = self.stream.read1 if self.gz else self.stream.read
        if self.stop is None:
            return read
        left = self.stop - self.start  # a plain file's range [start, stop)

        def ranged(size: int) -> bytes:
            nonlocal left
            if left <= 0:
                return b""
            got = read(min(size, left))
            left -= len(got)
            return got
        return ranged

    def _head(self, chunk: bytes, read: Callable[[int], bytes]) -> tuple[bytes, LineError | None]:
        """The file's first chunk without its UTF-8 BOM (which decides the encoding), or the error
        of a UTF-16 file."""
        while len(chunk) < 3:  # room for a BOM
            more = read(CHUNK)
            if not more:
                break
            chunk += more
        if chunk.startswith(b"\xef\xbb\xbf"):  # (not part of the first line's 1 MiB)
            if self.encoding is None:
                self.encoding = "utf-8"
            return chunk[3:], None
        if (self.utf16 or chunk.startswith((b"\xff\xfe", b"\xfe\xff"))) and self.forced is None:
            bom = "" if chunk.startswith((b"\xff\xfe", b"\xfe\xff")) else " (without a byte-order mark)"
            return chunk, LineError(f"UTF-16 text{bom}: not supported; save the export as UTF-8")
        return chunk, None

    @staticmethod
    def _after_long_line(read: Callable[[int], bytes]) -> bytes | None:
        """Skip the rest of a line longer than MAX_LINE without holding it. → the bytes after it
        (None: the file ended in it)."""
        while True:
            chunk = read(CHUNK)
            if not chunk:
                return None
            cut = chunk.find(b"\n")
            if cut >= 0:
                return chunk[cut + 1:]

    @staticmethod
    def _recode(lines: list[bytes]) -> tuple[list[bytes], bool]:
        """A GB18030 (GBK) block decoded in one call and written as UTF-8 for the fast path: the
        same text, line for line, as decoding each line (0x0A is never part of one of their
        characters). A block with an undecodable line is left to `convert`, line by line (its
        error named on its own line). → (lines, fast)."""
        try:
            text = b"".join(lines).decode("gb18030")
        except UnicodeDecodeError:
            return lines, False
        out = BytesIO(text.encode("utf-8")).readlines()
        return (out, True) if len(out) == len(lines) else (lines, False)

    def _fast(self, data: bytes) -> bool:
        enc = self.encoding
        return enc == "utf-8" or (enc is None and data.isascii())

    def blocks(self) -> Iterator[tuple[int, object, bool]]:
        """The file as (number of the first line, lines, fast) blocks, read a chunk at a time.

        `lines` is a list of the lines' bytes, each with its newline but perhaps the file's last
        (`convert` each, unless `fast`: then they are all UTF-8 or ASCII bytes for the decoder as
        they are), or a LineError for one line (too long, unreadable data, UTF-16). Line numbers
        and errors are those of reading the file line by line."""
        read = self._reader()
        self.stopped = False
        n = self.first_line - 1
        carry = b""
        first = not self.start
        try:
            while True:
                chunk = read(CHUNK)
                if not chunk:
                    break
                if first:
                    first = False
                    chunk, bad = self._head(chunk, read)
                    if bad is not None:
                        yield 1, bad, False
                        return
                data = carry + chunk if carry else chunk
                last = data.rfind(b"\n")
                if last < 0 and len(data) > MAX_LINE:
                    n += 1
                    yield n, LineError("line longer than 1 MiB" + line_end_hint(data[:4096])), False
                    data = self._after_long_line(read)
                    if data is None:
                        return
                    last = data.rfind(b"\n")
                if last < 0:
                    carry = data
                    continue
                carry = data[last + 1:]
                lines = BytesIO(data[:last + 1]).readlines()  # (finds newlines with memchr: ~3x split's speed)
                # a chunk holds at most MAX_LINE bytes: only a line begun in `carry` can be too long
                if len(lines[0]) > MAX_LINE + 1:
                    n += 1
                    yield n, LineError("line longer than 1 MiB"), False
                    del lines[0]
                if lines:
                    fast = self._fast(data)
                    if fast or self.encoding not in _RECODED:
                        yield n + 1, lines, fast
                        n += len(lines)
                    else:  # (by pieces: a whole block's text and its copy would add to the peak memory)
                        for i in range(0, len(lines), RECODE_LINES):
                            part = lines[i:i + RECODE_LINES]
                            yield (n + 1, *self._recode(part))
                            n += len(part)
                            if self.stopped:
                                return
                    if self.stopped:
                        return
            if carry:  # the last line, without a newline
                n += 1
                yield (n, LineError("line longer than 1 MiB"), False) if len(carry) > MAX_LINE else \
                    (n, [carry], self._fast(carry))
        except (OSError, EOFError, zlib.error) as exc:
            yield n + 1, LineError(f"unreadable {'gzip ' if self.gz else ''}data: {exc}"), False

    def lines(self) -> Iterator[tuple[int, object]]:
        """Lines as (line number, bytes-or-str or LineError); blank lines are left out."""
        convert = self.convert
        for n0, lines, fast in self.blocks():
            if isinstance(lines, LineError):
                yield n0, lines
                continue
            for i, line in enumerate(lines):
                data = line if fast and line and not line.isspace() else convert(n0 + i, line)
                if data is not None:
                    yield n0 + i, data
                if self.stopped:
                    return
