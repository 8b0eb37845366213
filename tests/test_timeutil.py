from datetime import date

import pytest

from shunt import timeutil

SH = timeutil.zone("Asia/Shanghai")


@pytest.mark.parametrize(
    "value",
    ["2026-11-11T10:23:45+08:00", "2026-11-11 10:23:45", "2026-11-11T02:23:45Z", 1794363825000, "1794363825000"],
)
def test_every_time_form_is_the_same_moment(value):
    assert timeutil.parse_ts(value, SH) == 1794363825000


@pytest.mark.parametrize("bad", ["yesterday-ish", "", True, 12, 3.5, None, "2026-13-45 10:00:00", 10**30])
def test_bad_times_are_refused_with_a_reason(bad):
    with pytest.raises(ValueError) as e:
        timeutil.parse_ts(bad, SH)
    assert str(e.value)


def test_iso_output_carries_the_shop_offset():
    assert timeutil.to_iso(1794363825000, SH) == "2026-11-11T10:23:45+08:00"
    assert timeutil.to_iso(1794363825123, SH) == "2026-11-11T10:23:45.123+08:00"


@pytest.mark.parametrize("text", ["2026-11-11", "11/11/2026", "2026/11/11"])
def test_date_forms(text):
    assert timeutil.parse_date(text, SH) == date(2026, 11, 11)


def test_today_and_yesterday_are_relative():
    assert timeutil.parse_date("yesterday", SH, today=date(2026, 11, 12)) == date(2026, 11, 11)
    assert timeutil.parse_date("today", SH, today=date(2026, 11, 12)) == date(2026, 11, 12)


def test_day_bounds_are_local_midnights():
    start, end = timeutil.day_bounds(date(2026, 11, 11), SH)
    assert timeutil.to_iso(start, SH) == "2026-11-11T00:00:00+08:00"
    assert end - start == 86_400_000


def test_moment_in_shop_zone_unless_offset():
    assert timeutil.parse_moment("2026-11-11 10:23:45", SH) == 1794363825000
    assert timeutil.parse_moment("2026-11-11T02:23:45+00:00", SH) == 1794363825000
    with pytest.raises(ValueError):
        timeutil.parse_moment("not a time", SH)


@pytest.mark.parametrize("text,ms", [("24h", 86_400_000), ("90m", 5_400_000), ("2d", 172_800_000), ("3", 10_800_000)])
def test_durations(text, ms):
    assert timeutil.parse_duration(text) == ms


_ISO_MOMENTS = [
    "2026-11-11 10:23:45", "2026-11-11T10:23:45", "2026-11-11", "2026-11-11 10:23", "2026-11-11T10:23:45Z",
    "2026-11-11T10:23:45+08:00", "2026-11-11T10:23:45-05:30", "2026-11-11 10:23:45.5", "2026-11-11 10:23:45.123456",
    " 2026-11-11 10:23:45 ", "2026-11-11 24:00:00", "2026-02-30 10:00:00", "2026-11-11 10:23:60", "2026-13-01",
    "2026-11-11T10:23:45+24:00", "2026-03-08 02:30:00", "2026-11-01 01:30:00", "Nov 11 2026 10:23:45",
    "2026/11/11 10:23:45", "2026-11-11t10:23:45",
]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
def test_iso_moments_read_without_dateutil_as_dateutil_reads_them(zone):
    """parse_moment reads the usual ISO spellings with datetime.fromisoformat (dateutil's parser is ~20 ms to
    import): the same moment as dateutil, or the same refusal, for each."""
    from dateutil import parser as dparser

    tz = timeutil.zone(zone)

    def by_dateutil(text):
        try:
            dt = dparser.parse(text.strip())
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=tz)
            return timeutil._dt_to_ms(dt)
        except (ValueError, OverflowError):
            return "refused"

    def by_shunt(text):
        try:
            return timeutil.parse_moment(text, tz)
        except ValueError:
            return "refused"

    for text in _ISO_MOMENTS:
        assert by_shunt(text) == by_dateutil(text), text


@pytest.mark.parametrize("text", ["2026-02-30", "2026-1-5", "2026-13-01", "0000-01-01", "2024-02-29"])
def test_iso_dates_read_as_strptime_reads_them(text):
    from datetime import datetime

    try:
        expected = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        expected = None
    try:
        got = timeutil.parse_date(text, SH)
    except ValueError:
        got = None
    assert got == expected
