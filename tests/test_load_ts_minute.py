"""A log time read from its minute's time plus its seconds (store/tsminute.py) is the time read whole:
value, error message and the shops marked as having local times, in zones that change their offset
(DST, half-hour and 45-minute offsets), around the changes, and in any order of reading."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from shunt.store import decode as dc
from shunt.store.decode import LineDecoder, LineError

ZONES = ("Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu",
         "America/St_Johns", "Pacific/Chatham")


def _read(values: list[str], zone: ZoneInfo, minute: bool) -> tuple[list, set]:
    real = dc.by_minute
    if not minute:
        dc.by_minute = lambda *a: None
    try:
        dec = LineDecoder(lambda shop: zone)
        out = []
        for v in values:
            try:
                out.append(dec.ts(v, zone, "s"))
            except LineError as exc:
                out.append(str(exc))
    finally:
        dc.by_minute = real
    return out, dec.naive_shops


def test_every_second_around_offset_changes():
    zone = ZoneInfo("America/New_York")
    values = [f"2026-{day}T{h:02d}:{m:02d}:{s:02d}{off}" for day in ("03-08", "11-01") for h in (0, 1, 2, 3)
              for m in (0, 1, 59) for s in range(60) for off in ("", "-05:00")]
    values += ["2026-11-11T00:00:60", "2026-11-11 24:00:01", "2099-12-31T23:59:59-12:00", "2100-01-01T00:00:30+00:00", "2100-01-01 08:00:01", "2026-11-11T00:01:5x",
               "2026-11-11T00:01:05+08:0", "2026-02-30T00:01:05"]
    assert _read(values, zone, True) == _read(values, zone, False)


@settings(max_examples=30, deadline=None)
@given(zone=st.sampled_from(ZONES),
       times=st.lists(st.tuples(st.integers(1990, 2100), st.integers(1, 12), st.integers(1, 31), st.integers(0, 24),
                                st.integers(0, 60), st.integers(0, 61), st.sampled_from(["", "+08:00", "-03:30", "+14:00"]),
                                st.sampled_from("T ")), min_size=1, max_size=60))
def test_the_same_times_as_read_whole(zone, times):
    values = [f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}{off}" for y, mo, d, h, mi, s, off, sep in times]
    values += [v[:17] + "00" + v[19:] for v in values[::2]]  # (some minutes read after their seconds)
    assert _read(values, ZoneInfo(zone), True) == _read(values, ZoneInfo(zone), False)
