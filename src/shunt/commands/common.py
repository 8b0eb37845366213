"""What every reading command does first: open the database and find the shop."""

from __future__ import annotations

from pathlib import Path

from shunt import timeutil
from shunt.errors import UsageError


def open_shop(db: Path, shop: str | None):
    """→ (conn, shop_id, nick, tz). Raises NotFound / BadData as cli.md says."""
    from shunt import store

    conn = store.open_db(db, create=False)
    store.ensure_derived(conn)
    sid = store.shop_id(conn, shop)
    nick, tzname = store.shop_info(conn, sid)
    return conn, sid, nick, timeutil.zone(tzname)


def moment(text: str, tz) -> int:
    try:
        return timeutil.parse_moment(text, tz)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def day(text: str, tz):
    try:
        return timeutil.parse_date(text, tz)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def duration(text: str) -> int:
    try:
        return timeutil.parse_duration(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def masked(result, buyers, mask: bool):
    if not mask:
        return result
    from shunt.render.text import mask_all

    return mask_all(result, buyers)
