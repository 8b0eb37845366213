"""The options that name things, read as users type them (commands own option parsing; diagnose gets
values): moments and dates (IME forms, a year left out), durations, accounts without the shop prefix,
`--pair`, the period (`--date`, or `--from`/`--to`). Each problem is a UsageError (exit 2) naming the
option. The `--config` change file is read by commands/change_file.py."""

from __future__ import annotations

from datetime import date as Date

from shunt import timeutil
from shunt.errors import UsageError
from shunt.store.shop import Shop


def _data_year(shop: Shop):
    """The year of a date typed without one, asked only then (store.shop.Shop: its latest year with data)."""
    def year() -> int:
        from shunt.diagnose.period import data_year  # only for a date typed without its year

        return data_year(shop)

    return year


def moment(text: str, shop: Shop) -> int:
    """--at and the like, as typed (IME forms too); `11月11日 10:00` in the shop's latest year with data."""
    try:
        return timeutil.parse_moment(text, shop.tz, year=_data_year(shop))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def day(text: str, shop: Shop) -> Date:
    """--date as typed (2026年11月11日, 11月11日 in the shop's latest year with data, full-width digits)."""
    try:
        return timeutil.parse_date(text, shop.tz, year=_data_year(shop))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def duration(text: str) -> int:
    try:
        return timeutil.parse_duration(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def account(shop: Shop, text: str | None) -> str | None:
    """An account as typed: `小丙` → `zhenpin:小丙` when the shop (already chosen: --shop, or the only one)
    has that account and no account is named `小丙` itself; any other text unchanged (the command's own
    check then says what is near)."""
    if text is None or ":" in text:
        return text
    full = f"{shop.nick}:{text.strip()}"
    if text.strip() and not shop.account_exists(text) and shop.account_exists(full):
        return full
    return text


def pair(shop: Shop, text: str | None) -> tuple[str, str] | None:
    """--pair 'A,B': two different accounts, each as typed (`阿甲,阿乙` names zhenpin:阿甲 and zhenpin:阿乙)."""
    if not text:
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not all(parts) or parts[0] == parts[1]:
        raise UsageError("--pair takes two different accounts separated by a comma: 'zhenpin:阿甲,zhenpin:阿乙'")
    return account(shop, parts[0]), account(shop, parts[1])


def period(shop: Shop, date: str | None, start: str | None, end: str | None, say=None) -> tuple[int, int, str]:
    """(start_ms, end_ms, label) of --date D, or --from/--to moments, or the default day (then `say`
    is called with the line telling which)."""
    from shunt.diagnose.period import default_day

    if date and (start or end):
        raise UsageError("give either --date or --from/--to, not both")
    if start or end:
        if not (start and end):
            raise UsageError("--from and --to go together")
        s, e = moment(start, shop), moment(end, shop)
        if e <= s:
            raise UsageError("--to must be after --from")
        return s, e, f"{timeutil.to_iso(s, shop.tz)} – {timeutil.to_iso(e, shop.tz)}"
    if date:
        d = day(date, shop)
    else:
        choice = default_day(shop)
        d = choice.day
        if say is not None:
            say(f"period: {choice.why}; choose another with --date or --from/--to")
    s, e = timeutil.day_bounds(d, shop.tz)
    return s, e, d.isoformat()
