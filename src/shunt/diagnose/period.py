"""The period a question is about when the user names none: one rule for every command.

The default day is the latest local day with consults, unless that day is only the spill-over of
the day before it past midnight: fewer than SPILL_SHARE of the previous day's consults, all of
them in its first SPILL_HOURS hours. A generated or exported day of 150k consults ends with a few
dozen consults after 00:00; taking that sliver as "the day" would compare one account against
empty ones. docs/semantics.md (Default period) says the same.

`choose_day` is pure (tested on its own); `default_day` asks the shop (store.shop.Shop);
`require_consults` refuses an empty period (exit 1, the dates that have data). The options that
name a period (--date, --from/--to) are read by commands/period.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date, datetime

from shunt import timeutil
from shunt.errors import NotFound
from shunt.store.shop import Shop

SPILL_SHARE = 0.05
SPILL_HOURS = 2


@dataclass(frozen=True)
class DayCount:
    day: Date
    consults: int
    last_minute: int  # local minute of the day (0..1439) of its last consult


@dataclass(frozen=True)
class Choice:
    day: Date
    why: str  # one line for stderr: which period was taken and by which rule


def choose_day(days: list[DayCount]) -> Choice | None:
    """The default day among the shop's latest days with consults (latest first)."""
    if not days:
        return None
    last = days[0]
    if len(days) > 1:
        prev = days[1]
        spill = (prev.day == Date.fromordinal(last.day.toordinal() - 1)
                 and last.consults < SPILL_SHARE * prev.consults and last.last_minute < SPILL_HOURS * 60)
        if spill:
            return Choice(prev.day, f"{prev.day.isoformat()} (the latest day with consults: {prev.consults:,}; "
                          f"{last.day.isoformat()} holds only {last.consults:,}, all before "
                          f"{SPILL_HOURS:02d}:00: the spill-over of the day before)")
    return Choice(last.day, f"{last.day.isoformat()} (the latest day with consults: {last.consults:,})")


def recent_days(shop: Shop, limit: int = 15) -> list[DayCount]:
    out = []
    for d, n, last_ts in shop.consult_days(limit):
        lt = datetime.fromtimestamp(last_ts // 1000, shop.tz)
        out.append(DayCount(d, n, lt.hour * 60 + lt.minute))
    return out


def default_day(shop: Shop) -> Choice:
    """The default day of the shop (NotFound when it has no consult at all)."""
    choice = choose_day(recent_days(shop, limit=2))
    if choice is None:
        raise NotFound("the shop has no consults yet")
    return choice


def dates_with_data(shop: Shop, limit: int = 15) -> list[str]:
    """The latest dates with consults, oldest first, each with its count: for the 'nothing on D' message."""
    return [f"{d.day.isoformat()} ({d.consults:,})" for d in reversed(recent_days(shop, limit))]


def data_year(shop: Shop) -> int:
    """The year of a date typed without one (`11月11日`): the shop's latest year with data, else this year."""
    last = shop.last_event_ts()
    return timeutil.local_date(last, shop.tz).year if last is not None else datetime.now(shop.tz).year


def require_consults(shop: Shop, start: int, end: int, label: str) -> None:
    """NotFound (exit 1) when no consult falls in [start, end), with the dates that have some."""
    if shop.count_consults(start, end):
        return
    near = dates_with_data(shop)
    raise NotFound(f"no consult in {label}; " + (f"dates with consults: {', '.join(near)}" if near
                                                 else "the shop has no consults"))


def default_moment(shop: Shop) -> tuple[int, str]:
    """why-silent's default moment: the last loaded event (cli.md), unless consults follow the end of
    the default day (an after-midnight spill): then the last event of the default day."""
    tz = shop.tz
    last = shop.last_event_ts()
    choice = choose_day(recent_days(shop, limit=2))
    if choice is None:
        if last is None:
            raise NotFound("the shop has no events yet")
        return last, f"{timeutil.to_iso(last, tz)}, the last loaded event (the shop has no consults)"
    end = timeutil.day_bounds(choice.day, tz)[1]
    if last is not None and last >= end and shop.count_consults(end, last + 1):
        at = shop.last_event_before(end)
        return at, f"{timeutil.to_iso(at, tz)}, the last event of {choice.why}"
    return last, f"{timeutil.to_iso(last, tz)}, the last loaded event"
