"""balance's hourly chart (diagnose/balance/hourly.py): the walk over ordered status segments gives
what every segment read for every bucket gives — online minutes and the status held longest,
ties to the first segment's — on random timelines (contiguous, with gaps, zero-length, unordered)."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings, strategies as st

from shunt.diagnose.balance.hourly import hourly_status

STATUSES = ("online", "offline", "suspended")


def _by_definition(segments, start, end, nb, bucket_ms):
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


@st.composite
def _timeline(draw):
    bucket_ms = draw(st.sampled_from([60_000, 3_600_000]))
    nb = draw(st.integers(1, 8))
    start = 1_000_000
    end = start + nb * bucket_ms - draw(st.integers(0, bucket_ms // 2))
    t, segments = start - draw(st.integers(0, bucket_ms)), []
    for _ in range(draw(st.integers(0, 30))):
        t0 = t + draw(st.sampled_from([0, 0, 0, 1, bucket_ms // 3]))  # mostly contiguous, some gaps
        t1 = t0 + draw(st.sampled_from([0, 1, bucket_ms // 7, bucket_ms // 2, bucket_ms, 3 * bucket_ms]))
        segments.append((t0, t1, draw(st.sampled_from(STATUSES))))
        t = t1
    if draw(st.booleans()):
        segments = draw(st.permutations(segments))  # unordered: read whole for every bucket
    return segments, start, end, nb, bucket_ms


@settings(max_examples=80, deadline=None)
@given(_timeline())
def test_hourly_status_equals_every_segment_read_for_every_bucket(tl):
    assert hourly_status(*tl) == _by_definition(*tl)
