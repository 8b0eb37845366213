"""The file forms `shunt generate` can write besides plain UTF-8 JSON Lines (for the benchmark's
shape matrix): every non-ASCII character escaped as `\\uXXXX` (as exporters with ensure_ascii
write), or the whole file in another encoding (GB18030). Both wrap the binary stream the
generator writes to; the generator's bytes before the wrapping are the same."""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

FORMS_ENCODINGS = ("utf-8", "gb18030")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escape(m: re.Match) -> str:
    cp = ord(m.group())
    if cp < 0x10000:
        return f"\\u{cp:04x}"
    cp -= 0x10000
    return f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}"


def escape_non_ascii(text: str) -> str:
    """Every non-ASCII character as a JSON `\\uXXXX` escape (a surrogate pair above U+FFFF). In a
    JSON line non-ASCII characters occur only inside strings, so the line stays the same JSON."""
    return _NON_ASCII.sub(_escape, text)


class FormWriter:
    """A binary stream that takes UTF-8 JSON Lines and writes them escaped and/or re-encoded."""

    def __init__(self, out: BinaryIO, *, escape: bool = False, encoding: str = "utf-8") -> None:
        if codecs.lookup(encoding).name not in {codecs.lookup(e).name for e in FORMS_ENCODINGS}:
            raise ValueError(f"encoding must be one of {', '.join(FORMS_ENCODINGS)}")
        self.out = out
        self.escape = escape
        self.encoding = encoding
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def write(self, data: bytes) -> int:
        text = self._decoder.decode(bytes(data))
        if self.escape:
            text = escape_non_ascii(text)
        self.out.write(text.encode(self.encoding))
        return len(data)

    def flush(self) -> None:
        self.out.flush()


def wrap(out: BinaryIO, *, escape: bool = False, encoding: str | None = None) -> BinaryIO:
    """`out` itself for the plain form (the same bytes as before), else a FormWriter over it."""
    if not escape and (encoding is None or codecs.lookup(encoding).name == "utf-8"):
        return out
    return FormWriter(out, escape=escape, encoding=encoding or "utf-8")  # type: ignore[return-value]
