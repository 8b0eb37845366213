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
