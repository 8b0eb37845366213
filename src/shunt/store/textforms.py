"""What a log file's text looks like where it is not the JSON lines expected: UTF-16 without a
byte-order mark, events ended by something else than LF. Read by store/source.py (the file) and
store/decode.py (a line), to name the cause in the message."""

from __future__ import annotations


def looks_utf16(sample: bytes) -> bool:
    """UTF-16 without a byte-order mark: JSON text is mostly ASCII, so every other byte is NUL."""
    if len(sample) < 16:
        return False
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) > half * 0.3 and min(even, odd) < half * 0.02


_ODD_ENDS = (("\r", "CR (\\r) only, not LF"), ("\u2028", "U+2028 (LINE SEPARATOR), not LF"),
             ("\u2029", "U+2029 (PARAGRAPH SEPARATOR), not LF"), ("\x85", "U+0085 (NEXT LINE), not LF"))


def line_end_hint(piece: bytes | str) -> str:
    """For a line that holds more than one event (or is too long): what ends its events, when it is
    not LF (old Mac CR-only files, exports that write U+2028). '' when nothing odd is seen."""
    if isinstance(piece, bytes):
        piece = piece.decode("utf-8", "replace")
    for ch, what in _ODD_ENDS:
        if "}" + ch in piece:  # an event's end, then the odd line end
            return f": the file's lines end with {what}; save it with LF (or CRLF) line ends"
    return ""
