"""A log time read from its minute's: most times of a log are new (a day has 86,400 seconds) but their
minutes are not, and reading a time whole (fromisoformat, the zone's offset) costs ~2 us.

A time `YYYY-MM-DD?HH:MM:SS`, alone (a local time) or with a `±HH:MM` offset, is its minute's time
(`…:00`, read as any time and cached beside the times) plus its seconds: an offset is fixed, and a zone
changes its offset on whole minutes, so every second of a minute has the minute's offset. Any other
form, or a minute that is not a time, is read whole (with its own error).
"""

from __future__ import annotations

from typing import Callable

from shunt.store.line_errors import LineError

_MS_MAX = 4102444800000  # as timeutil.parse_ts: before 2100
_TENS, _UNITS = frozenset("012345"), frozenset("0123456789")


def by_minute(value: str, cache: dict[str, int], read: Callable[[str], int]) -> int | None:
    """`value` → epoch ms from its minute's (`cache`, else `read(minute)`), or None: read it whole."""
    n = len(value)
    if value[16:17] != ":" or value[17:18] not in _TENS or value[18:19] not in _UNITS or value[17:19] == "00" \
            or not (n == 19 or (n == 25 and value[19] in "+-" and value[22] == ":")):
        return None
    minute = value[:17] + "00" + value[19:]
    base = cache.get(minute)
    if base is None:
        try:
            base = read(minute)
        except LineError:
            return None
    ms = base + int(value[17:19]) * 1000
    if ms > _MS_MAX:
        return None
    cache[value] = ms
    return ms
