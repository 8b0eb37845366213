"""Fast formatting of the generator's timestamps (epoch ms in the shop's zone)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

ISO_CACHE = 1 << 17  # Clock.iso's memo: a day and a half of distinct seconds, ~15 MB at most


class Clock:
    """Fast formatting of epoch ms in a zone: ISO 8601 with offset, and local without offset.

    Cached per UTC quarter hour (zone offsets and their changes fall on quarter hours)."""

    def __init__(self, tz: ZoneInfo):
        self.tz = tz
        self._q: dict[int, tuple[str, str, str, int]] = {}
        self._mmss = [f"{m:02d}:{s:02d}" for m in range(60) for s in range(60)]
        self.iso_memo: dict[int, str] = {}  # ms → iso(ms), at most ISO_CACHE of them (cleared, never replaced)

    def _make(self, q: int) -> tuple[str, str, str, int]:
        dt = datetime.fromtimestamp(q * 900, self.tz)
        off = int(dt.utcoffset().total_seconds()) * 1000
        sign = "+" if off >= 0 else "-"
        a = abs(off) // 60000
        p = self._q[q] = (dt.strftime("%Y-%m-%dT%H:"), dt.strftime("%Y-%m-%d %H:"), f"{sign}{a // 60:02d}:{a % 60:02d}", off)
        return p

    def iso(self, ms: int) -> str:
        s = self.iso_memo.get(ms)  # a busy second is formatted many times (a run's events are in whole seconds)
        if s is not None:
            return s
        p = self._q.get(ms // 900_000) or self._make(ms // 900_000)
        frac = ms % 1000
        if frac:
            s = f"{p[0]}{self._mmss[((ms + p[3]) // 1000) % 3600]}.{frac:03d}{p[2]}"
        else:
            s = p[0] + self._mmss[((ms + p[3]) // 1000) % 3600] + p[2]
        if len(self.iso_memo) >= ISO_CACHE:
            self.iso_memo.clear()
        self.iso_memo[ms] = s
        return s

    def local(self, ms: int) -> str:
        p = self._q.get(ms // 900_000) or self._make(ms // 900_000)
        frac = ms % 1000
        if frac:
            return f"{p[1]}{self._mmss[((ms + p[3]) // 1000) % 3600]}.{frac:03d}"
        return p[1] + self._mmss[((ms + p[3]) // 1000) % 3600]
