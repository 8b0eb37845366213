"""`shunt generate`'s options checked before anything is written: a log that `load` would reject, or a
run that could never end, is a usage error (exit 2) with the option named."""

from __future__ import annotations

from datetime import date, timedelta

from shunt import timeutil
from shunt.errors import UsageError

MAX_AGENTS = 10_000  # far beyond a shop's sub-accounts; the generator's cost grows with their square
MAX_GROUPS = 1_000
MAX_CONSULTS = 100_000_000  # ~600M events, hours of work: beyond it a typo, not a benchmark


def check(opts: dict) -> None:
    """Raise UsageError for the first option out of range (the generator's own checks come after)."""
    from shunt.render.text import plain

    shop = opts.get("shop", "zhenpin")
    if not shop.strip() or shop != shop.strip() or ":" in shop or plain(shop) != shop:
        raise UsageError(f"--shop {plain(repr(shop))}: a shop nick must be non-empty, without spaces around it, "
                         "a ':' (it separates the shop from a sub-account) or control characters")
    for name, top in (("agents", MAX_AGENTS), ("groups", MAX_GROUPS), ("consults", MAX_CONSULTS)):
        if opts.get(name, 0) > top:
            raise UsageError(f"--{name} {opts[name]:,} is too many (at most {top:,})")
    days = opts.get("days", 1)
    try:
        start = date.fromisoformat(opts.get("start", "2026-11-11"))
    except (ValueError, TypeError):
        return  # generate() says it is not a date
    first = timeutil.FIRST_DATE + timedelta(days=1)  # local times of a zone east of UTC on 1990-01-01 fall before
    last = timeutil.LAST_DATE
    if days >= 1 and not (first <= start and start + timedelta(days=min(days, 80_000) - 1) <= last):
        raise UsageError(f"--start {start} with --days {days:,}: the log's days must lie within {first}..{last} "
                         "(the span load accepts)")
