"""A load's inputs checked before anything is read or written: the files and a forced encoding.

An input is a regular file (or a link to one): a directory, a FIFO, a device (`/dev/zero`) or a
socket is a usage error, found by `stat` alone (a FIFO is never opened, so nothing waits on it).
A forced encoding must be one the loader can read: lines are split at the byte 0x0A and parsed
as JSON, so the encoding must write the ASCII characters as the same single bytes (UTF-8,
GB18030, GBK, Big5, Latin-1... do; UTF-16/32, EBCDIC do not), write other characters with
bytes outside ASCII (a line of ASCII bytes is not decoded: UTF-7, IDNA, ISO-2022 fail this),
and be a text encoding (`rot13`, `base64`, `hex` are transforms, not encodings).
"""

from __future__ import annotations

import codecs
import os
import string
from pathlib import Path

from shunt import errors
from shunt.store.dbpath import kind

# every printable ASCII character and the line end: JSON's syntax, digits, ids, the newline
# (and a JSON escape, which an escape-decoding codec would undo, and a 100-character word, too long for IDNA)
_PROBE = string.printable.replace("\x0b", "").replace("\x0c", "").replace("\r", "") + \
    '{"nick": "\\u5c0f\\n\\"", "id": "' + "x" * 100 + '"}\n'



def _p(value) -> str:
    from shunt.plaintext import plain

    return plain(str(value))


def check_files(paths: list[Path]) -> None:
    """Missing files: errors.NotFound (all named); one that is not a regular file: errors.UsageError."""
    missing, odd = [], []
    for p in paths:
        try:
            st = os.stat(p)
        except FileNotFoundError:
            missing.append(_p(p))
            continue
        except OSError as exc:
            raise errors.UsageError(f"cannot read {_p(p)}: {exc.strerror}") from None
        if not os.path.isfile(p):
            odd.append(f"{_p(p)} ({kind(st.st_mode)})")
    if odd:
        raise errors.UsageError("not a regular file: " + ", ".join(odd) + "; give log files (.jsonl, .jsonl.gz)")
    if missing:
        raise errors.NotFound("no such file: " + ", ".join(missing))


def check_encoding(name: str) -> str:
    """→ the codec's name, or errors.UsageError saying why `--encoding NAME` cannot work."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        raise errors.UsageError(f"--encoding {_p(name)}: unknown encoding; "
                                "use utf-8 or gb18030 (or leave it out: shunt detects them)") from None
    if not getattr(info, "_is_text_encoding", True):
        raise errors.UsageError(f"--encoding {_p(name)}: {info.name} is a transform, not a text encoding; "
                                "use utf-8 or gb18030 (or leave it out)")
    if not _ascii_compatible(info.name):
        hint = " (for a UTF-16 file: save it as UTF-8)" if "16" in info.name or "32" in info.name else ""
        raise errors.UsageError(
            f"--encoding {_p(name)}: JSON lines cannot be read in {info.name} (ASCII must stay ASCII, and "
            f"other characters must not be written as ASCII){hint}; use utf-8, gb18030, gbk, big5 or latin-1")
    return info.name


def _ascii_compatible(name: str) -> bool:
    try:
        if _PROBE.encode("ascii").decode(name) != _PROBE:
            return False
    except (UnicodeError, ValueError, LookupError, TypeError):
        return False
    for text in ("小", "é"):  # a character it can write must not come out as ASCII bytes
        try:
            data = text.encode(name)
        except (UnicodeError, ValueError, LookupError, TypeError):
            continue
        return not data.isascii()
    return True
