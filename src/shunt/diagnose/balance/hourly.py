"""balance's hourly chart: per account and bucket (an hour, or more for long periods), the online
minutes and the prevailing status, from the account's status segments."""

from __future__ import annotations

from collections import Counter


def hourly_status(segments: list[tuple[int, int, str]], start: int, end: int, nb: int,
                  bucket_ms: int) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """(online minutes per bucket, the status held longest in each bucket) over [start, end).

    Segments in time order, each ending where the next begins or before (store.timelines'):
    a bucket reads only the segments that overlap it, found by walking on from the previous
    bucket's first (O(segments + buckets) an account, not their product). Others: every segment
    for every bucket. Either way a bucket counts its segments in their order (ties of
    `most_common` go to the first)."""
    ordered = all(a[1] <= b[0] for a, b in zip(segments, segments[1:]))
    n = len(segments)
    online, status = [], []
    j = 0
    for b in range(nb):
        lo, hi = start + b * bucket_ms, min(end, start + (b + 1) * bucket_ms)
        per: Counter = Counter()
        if ordered:
            while j < n and segments[j][1] <= lo:  # ended before this bucket (and before every later one)
                j += 1
            k = j
            while k < n and segments[k][0] < hi:
                t0, t1, s = segments[k]
                ov = min(t1, hi) - max(t0, lo)
                if ov > 0:
                    per[s] += ov
                k += 1
        else:
            for t0, t1, s in segments:
                ov = min(t1, hi) - max(t0, lo)
                if ov > 0:
                    per[s] += ov
        online.append(round(per["online"] / 60_000, 1))
        status.append(per.most_common(1)[0][0] if per else "offline")
    return tuple(online), tuple(status)
