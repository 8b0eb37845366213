"""balance's hourly chart: per account and bucket (an hour, or more for long periods), the online
minutes and the prevailing status, from the account's status segments."""

from __future__ import annotations

from collections import Counter


def hourly_status(segments: list[tuple[int, int, str]], start: int, end: int, nb: int,
                  bucket_ms: int) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """(online minutes per bucket, the status held longest in each bucket) over [start, end)."""
    online, status = [], []
    for b in range(nb):
        lo, hi = start + b * bucket_ms, min(end, start + (b + 1) * bucket_ms)
        per: Counter = Counter()
        for t0, t1, s in segments:
            ov = min(t1, hi) - max(t0, lo)
            if ov > 0:
                per[s] += ov
        online.append(round(per["online"] / 60_000, 1))
        status.append(per.most_common(1)[0][0] if per else "offline")
    return tuple(online), tuple(status)
