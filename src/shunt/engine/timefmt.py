"""Times in sentences: relative ("2 h 5 min before") or a clock time (UTC or a given zone)."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo


def ago(ms: int) -> str:
    """A duration in ms as short English: '45 s', '12 min', '3 h 5 min', '2 d 4 h'."""
    s = max(0, int(ms // 1000))
    if s < 60:
        return f"{s} s"
    m = s // 60
    if m < 60:
        return f"{m} min"
    h, m = divmod(m, 60)
    if h < 48:
        return f"{h} h {m} min" if m else f"{h} h"
    d, h = divmod(h, 24)
    return f"{d} d {h} h" if h else f"{d} d"


def clock(ms: int, tz: tzinfo | None = None, ref_ms: int | None = None) -> str:
    """'10:02:11' in `tz` when on the same local day as `ref_ms`, else '2026-11-11 10:02:11';
    without tz, UTC with a ' UTC' suffix."""
    if tz is None:
        dt = datetime.fromtimestamp(ms / 1000, timezone.utc)
        return dt.strftime("%Y-%m-%d %H:%M:%S") + " UTC"
    dt = datetime.fromtimestamp(ms / 1000, tz)
    if ref_ms is not None and datetime.fromtimestamp(ref_ms / 1000, tz).date() == dt.date():
        return dt.strftime("%H:%M:%S")
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def hours_text(h: float) -> str:
    return f"{int(h)}" if float(h).is_integer() else f"{h:g}"
