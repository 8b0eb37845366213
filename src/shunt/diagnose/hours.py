"""Online time and the hourly buckets of a period (balance's chart and exposure)."""

from __future__ import annotations

from shunt.engine.model import HOUR_MS as HOUR


def online_ms(segments: list[tuple[int, int, str]], lo: int | None = None, hi: int | None = None) -> int:
    """Milliseconds online in status segments (t0, t1, status), clipped to [lo, hi)."""
    total = 0
    for t0, t1, st in segments:
        if st != "online":
            continue
        a = t0 if lo is None else max(t0, lo)
        b = t1 if hi is None else min(t1, hi)
        if b > a:
            total += b - a
    return total


def buckets(start: int, end: int) -> tuple[int, int]:
    """(bucket length ms, count) for the hourly chart: 1 h, or more for long periods (≤ 96 buckets)."""
    span = end - start
    size = HOUR
    while span / size > 96:
        size *= 2 if size < 4 * HOUR else 3
    return size, max(1, -(-span // size))
