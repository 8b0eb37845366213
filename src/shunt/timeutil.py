"""Times: every stored time is integer epoch milliseconds (UTC); output is ISO 8601 in the shop's zone."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Epoch milliseconds accepted as timestamps: 1990-01-01 .. 2100-01-01.
_MS_MIN, _MS_MAX = 631152000000, 4102444800000


@lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo:
    """The ZoneInfo for `name` (default Asia/Shanghai). Raises ValueError for an unknown zone."""
    try:
        return ZoneInfo(name or DEFAULT_TZ)
    except Exception as exc:  # ZoneInfoNotFoundError, ValueError for odd keys
        raise ValueError(f"unknown time zone {name!r}") from exc


def _dt_to_ms(dt: datetime) -> int:
    return (dt - _EPOCH) // timedelta(milliseconds=1)


def parse_ts(value: object, tz: ZoneInfo) -> int:
    """A log `ts` (ISO 8601 with offset, local time without offset, or epoch ms) → epoch ms.

    Raises ValueError with a short reason on anything else.
    """
    if isinstance(value, bool):
        raise ValueError("ts must be a string or an integer, not a boolean")
    if isinstance(value, int):
        if not _MS_MIN <= value <= _MS_MAX:
            raise ValueError(f"ts {value} is not epoch milliseconds between 1990 and 2100")
        return value
    if not isinstance(value, str):
        raise ValueError(f"ts must be a string or an integer, not {type(value).__name__}")
    text = value.strip()
    if text.isdigit() and len(text) >= 12:
        return parse_ts(int(text), tz)
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"ts {value!r} is not an ISO 8601 time") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    ms = _dt_to_ms(dt)
    if not _MS_MIN <= ms <= _MS_MAX:
        raise ValueError(f"ts {value!r} is outside 1990..2100")
    return ms


def to_datetime(ms: int, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz)


def to_iso(ms: int | None, tz: ZoneInfo) -> str | None:
    """Epoch ms → ISO 8601 with offset in `tz`; milliseconds only when not zero."""
    if ms is None:
        return None
    dt = datetime.fromtimestamp(ms // 1000, tz)
    if ms % 1000:
        return dt.replace(microsecond=(ms % 1000) * 1000).isoformat(timespec="milliseconds")
    return dt.isoformat(timespec="seconds")


def to_clock(ms: int, tz: ZoneInfo) -> str:
    """Short local time for tables: 'MM-DD HH:MM:SS'."""
    return datetime.fromtimestamp(ms // 1000, tz).strftime("%m-%d %H:%M:%S")


def local_date(ms: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(ms // 1000, tz).date()


def day_bounds(day: date, tz: ZoneInfo) -> tuple[int, int]:
    """[start, end) of a calendar day in `tz`, as epoch ms."""
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz)
    return _dt_to_ms(start), _dt_to_ms(end)


# What a user may ask about: the span of times a log may hold (parse_ts), so every derived day, window
# and label stays inside what datetime and SQLite represent.
_RANGE = "1990-01-01 and 2100-01-01"
_DAY_MS = 86_400_000
FIRST_DATE, LAST_DATE = date(1990, 1, 1), date(2099, 12, 31)


class _OutOfRange(ValueError):
    """A well-formed date, moment or duration outside what shunt can hold."""


def _in_range(d: date, text: str) -> date:
    if not FIRST_DATE <= d <= LAST_DATE:
        raise _OutOfRange(f"date {text!r} is outside {FIRST_DATE}..{LAST_DATE} (the span a log may hold)")
    return d


def _ms_in_range(ms: int, text: str) -> int:
    if not _MS_MIN - _DAY_MS <= ms <= _MS_MAX + _DAY_MS:  # a day of slack: local midnights in any zone
        raise _OutOfRange(f"moment {text!r} is outside {_RANGE}, the span a log may hold")
    return ms


# (patterns compiled on first use, by re's own cache: a command reads one or two of them)
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
# A date as Chinese users type it: 2026年11月11日, 11月11日 (号 for 日), then maybe a time of day.
_ZH_DATE = r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*(.*)"
_ZH_WORDS = {"今天": "today", "昨天": "yesterday"}


def as_typed(text: str, year=None) -> str:
    """`text` in the usual spelling when typed with an IME: full-width digits, colon, hyphen, slash and space
    made ASCII (NFKC); `2026年11月11日 10:23` → `2026-11-11 10:23`; `11月11日` in `year` (an int, or a
    callable giving one only when needed: the shop's latest year with data). ValueError when a year is
    needed and none is given."""
    import unicodedata

    t = unicodedata.normalize("NFKC", text).strip()
    t = _ZH_WORDS.get(t, t)
    m = re.fullmatch(_ZH_DATE, t, re.ASCII | re.DOTALL) if "月" in t else None
    if m is None:
        return t
    y, mo, d, rest = m.groups()
    if y is None:
        y = year() if callable(year) else year
        if y is None:
            raise ValueError(f"cannot read {text!r} without a year (try 2026年11月11日)")
    rest = rest.replace("时", ":").replace("点", ":").replace("分", ":").replace("秒", "").strip().rstrip(":")
    return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}" + (f" {rest}" if rest else "")


def parse_date(text: str, tz: ZoneInfo, today: date | None = None, year=None) -> date:
    """`2026-11-11`, `11/11/2026`, `today`, `yesterday`, `2026年11月11日`, `11月11日` (in `year`, see
    as_typed), full-width digits → a date. ValueError otherwise."""
    t = as_typed(text, year).lower()
    if t in ("today", "yesterday"):
        base = today or datetime.now(tz).date()
        return _in_range(base if t == "today" else base - timedelta(days=1), text)
    if re.fullmatch(_ISO_DATE, t, re.ASCII):  # the usual spelling, read as strptime's %Y-%m-%d does, without importing _strptime
        try:
            d = date.fromisoformat(t)
        except ValueError:
            pass
        else:
            return _in_range(d, text)
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d", "%Y%m%d"):
        try:
            return _in_range(datetime.strptime(t, fmt).date(), text)
        except _OutOfRange:
            raise
        except ValueError:
            continue
    raise ValueError(f"cannot read {text!r} as a date (try 2026-11-11, 2026年11月11日, 11/11/2026, today, yesterday)")


# The usual spelling of a moment ('2026-11-11 10:23:45', ISO 8601 with T, fraction or offset): read
# without importing dateutil's parser (~20 ms a command); datetime reads these exactly as dateutil does.
_ISO_MOMENT = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?"


def parse_moment(text: str, tz: ZoneInfo, year=None) -> int:
    """A moment to the second in any form python-dateutil reads, or typed with an IME (full-width digits
    and colon, 2026年11月11日 10:23:45; see as_typed); shop zone unless an offset is given."""
    t = as_typed(text, year)
    if re.fullmatch(r"\d{12,13}", t, re.ASCII):
        try:
            return parse_ts(int(t), tz)
        except ValueError:
            raise _OutOfRange(f"{text!r} is not a moment between {_RANGE}") from None
    if re.fullmatch(_ISO_MOMENT, t, re.ASCII):
        try:
            dt = datetime.fromisoformat(t)
        except ValueError:  # e.g. 24:00:00 or Feb 30: dateutil decides
            pass
        else:
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=tz)
            return _ms_in_range(_dt_to_ms(dt), text)
    from dateutil import parser as dparser

    try:
        dt = dparser.parse(t)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=tz)
        ms = _dt_to_ms(dt)
    except (ValueError, OverflowError, TypeError, ArithmeticError) as exc:  # dateutil's refusals, a year past 9999
        raise ValueError(f"cannot read {text!r} as a moment (try '2026-11-11 10:23:45')") from exc
    return _ms_in_range(ms, text)


_DURATION = r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$"
MAX_DURATION_DAYS = 36_500  # a window reaching back 100 years covers any data shunt stores (1990..2100)


def parse_duration(text: str) -> int:
    """'24h', '90m', '2d', '3600s' (a bare number is hours) → milliseconds; at most 36,500 days."""
    from decimal import Decimal

    m = re.match(_DURATION, text.lower(), re.ASCII)
    if not m:
        raise ValueError(f"cannot read {text!r} as a duration (try 24h, 90m, 2d)")
    unit = m.group(2) or "h"
    if len(m.group(1)) > 30:  # a 400-digit number: too long whatever its unit, and Decimal need not read it
        raise _OutOfRange(f"duration {text[:20]!r}... is too long (at most {MAX_DURATION_DAYS:,}d, 100 years)")
    ms = int(Decimal(m.group(1)) * {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}[unit])
    if ms > MAX_DURATION_DAYS * 86_400_000:
        raise _OutOfRange(f"duration {text!r} is too long (at most {MAX_DURATION_DAYS:,}d, 100 years)")
    return ms
