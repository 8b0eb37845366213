"""The period a question is about when the user names none: one rule for every command.

The default day is the latest local day with consults, unless that day is only the spill-over of
the day before it past midnight: fewer than SPILL_SHARE of the previous day's consults, all of
them in its first SPILL_HOURS hours. A generated or exported day of 150k consults ends with a few
dozen consults after 00:00; taking that sliver as "the day" would compare one account against
empty ones. docs/semantics.md (Default period) says the same.

`choose_day` is pure (tested on its own); `default_day` asks the store; `period` reads the
options of balance / simulate; `require_consults` refuses an empty period (exit 1, the dates that
have data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date, datetime

from shunt import timeutil
from shunt.errors import NotFound, UsageError

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


def recent_days(conn, sid: int, tz, limit: int = 15) -> list[DayCount]:
    from shunt.store.periods import consult_days

    out = []
    for d, n, last_ts in consult_days(conn, sid, tz, limit):
        lt = datetime.fromtimestamp(last_ts // 1000, tz)
        out.append(DayCount(d, n, lt.hour * 60 + lt.minute))
    return out


def default_day(conn, sid: int, tz) -> Choice:
    """The default day of the shop (NotFound when it has no consult at all)."""
    choice = choose_day(recent_days(conn, sid, tz, limit=2))
    if choice is None:
        raise NotFound("the shop has no consults yet")
    return choice


def dates_with_data(conn, sid: int, tz, limit: int = 15) -> list[str]:
    """The latest dates with consults, oldest first, each with its count: for the 'nothing on D' message."""
    return [f"{d.day.isoformat()} ({d.consults:,})" for d in reversed(recent_days(conn, sid, tz, limit))]


def data_year(conn, sid, tz) -> int:
    """The year of a date typed without one (`11月11日`): the shop's latest year with data, else this year."""
    from datetime import datetime

    last = None
    if conn is not None and sid is not None:
        from shunt.store.lookups import last_event_ts

        last = last_event_ts(conn, sid)
    return timeutil.local_date(last, tz).year if last is not None else datetime.now(tz).year


def _moment(text: str, tz, conn=None, sid=None) -> int:
    try:
        return timeutil.parse_moment(text, tz, year=lambda: data_year(conn, sid, tz))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _day(text: str, tz, conn=None, sid=None) -> Date:
    try:
        return timeutil.parse_date(text, tz, year=lambda: data_year(conn, sid, tz))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def period(conn, sid: int, tz, date: str | None, start: str | None, end: str | None,
           say=None) -> tuple[int, int, str]:
    """(start_ms, end_ms, label) of --date D, or --from/--to moments, or the default day (then `say`
    is called with the line telling which)."""
    if date and (start or end):
        raise UsageError("give either --date or --from/--to, not both")
    if start or end:
        if not (start and end):
            raise UsageError("--from and --to go together")
        s, e = _moment(start, tz, conn, sid), _moment(end, tz, conn, sid)
        if e <= s:
            raise UsageError("--to must be after --from")
        return s, e, f"{timeutil.to_iso(s, tz)} – {timeutil.to_iso(e, tz)}"
    if date:
        d = _day(date, tz, conn, sid)
    else:
        choice = default_day(conn, sid, tz)
        d = choice.day
        if say is not None:
            say(f"period: {choice.why}; choose another with --date or --from/--to")
    s, e = timeutil.day_bounds(d, tz)
    return s, e, d.isoformat()


def require_consults(conn, sid: int, tz, start: int, end: int, label: str) -> None:
    """NotFound (exit 1) when no consult falls in [start, end), with the dates that have some."""
    from shunt.store.periods import count_consults

    if count_consults(conn, sid, start, end):
        return
    near = dates_with_data(conn, sid, tz)
    raise NotFound(f"no consult in {label}; " + (f"dates with consults: {', '.join(near)}" if near
                                                 else "the shop has no consults"))


def default_moment(conn, sid: int, tz) -> tuple[int, str]:
    """why-silent's default moment: the last loaded event (cli.md), unless consults follow the end of
    the default day (an after-midnight spill): then the last event of the default day."""
    from shunt.store.lookups import last_event_ts
    from shunt.store.periods import count_consults, last_event_before

    last = last_event_ts(conn, sid)
    choice = choose_day(recent_days(conn, sid, tz, limit=2))
    if choice is None:
        if last is None:
            raise NotFound("the shop has no events yet")
        return last, f"{timeutil.to_iso(last, tz)}, the last loaded event (the shop has no consults)"
    end = timeutil.day_bounds(choice.day, tz)[1]
    if last is not None and last >= end and count_consults(conn, sid, end, last + 1):
        at = last_event_before(conn, sid, end)
        return at, f"{timeutil.to_iso(at, tz)}, the last event of {choice.why}"
    return last, f"{timeutil.to_iso(last, tz)}, the last loaded event"
