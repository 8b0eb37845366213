"""Why a log line is refused, in words: msgspec's validation errors said with the field's path
(`missing field`, `invalid value ...; expected one of`), and the values SQLite cannot store (lone
surrogates, integers beyond 64 bits). The decoder (`decode.py`) raises `LineError` with these reasons."""

from __future__ import annotations

import re
from typing import Any

from shunt.store.events import ENUMS

_I64 = 2**63 - 1


class LineError(ValueError):
    """A rejected line; str(e) is the reason."""


_MSG_RE = re.compile(r"^(.*?)(?: - at `\$\.?(.*)`)?$", re.S)


def explain(exc: Exception, prefix: str = "") -> str:
    m = _MSG_RE.match(str(exc))
    msg, where = (m.group(1), m.group(2)) if m else (str(exc), None)
    where = (prefix + "." + where if prefix and where else prefix or where) or None
    if where:
        where = where.replace("$.", "").replace("$", "")
    mm = re.match(r"Object missing required field `(.*)`", msg)
    if mm:
        return f"missing field `{where + '.' if where else ''}{mm.group(1)}`"
    if msg.startswith("Invalid enum value"):
        allowed = ENUMS.get(where or "")
        val = msg[len("Invalid enum value "):]
        return f"`{where}`: invalid value {val}" + (f"; expected one of {', '.join(allowed)}" if allowed else "")
    if "Expected `int` <=" in msg or "Expected `int` >=" in msg:
        if ">= 0" in msg:
            return f"`{where}`: must not be negative"
        return f"`{where}`: integer out of range"
    if msg.startswith("Expected"):
        return f"`{where}`: {msg[0].lower()}{msg[1:]}" if where else msg
    return f"`{where}`: {msg}" if where else msg


def check_values(obj: Any, path: str = "") -> None:
    """Lone surrogates (SQLite cannot store them) and integers beyond 64 bits."""
    if isinstance(obj, str):
        try:
            obj.encode("utf-8")
        except UnicodeEncodeError:
            raise LineError(f"lone surrogate in `{path or 'value'}`") from None
    elif isinstance(obj, bool) or obj is None or isinstance(obj, float):
        return
    elif isinstance(obj, int):
        if not -_I64 - 1 <= obj <= _I64:
            raise LineError(f"integer out of range in `{path or 'value'}`")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            p = f"{path}.{k}" if path else str(k)
            if isinstance(k, str):
                try:
                    k.encode("utf-8")
                except UnicodeEncodeError:
                    raise LineError(f"lone surrogate in a field name at `{path or '$'}`") from None
            check_values(v, p)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            check_values(v, f"{path}[{i}]")
