"""The period of balance / simulate (and later audit): the options, or the one default rule."""

from __future__ import annotations

import sys


def say(line: str) -> None:
    from shunt.i18n import tr
    from shunt.render.text import plain

    print(f"shunt: {plain(tr(line))}", file=sys.stderr)


def resolve(conn, sid: int, tz, date, start, end) -> tuple[int, int, str]:
    """(start_ms, end_ms, label); exit 1 when the period holds no consult (with the dates that do)."""
    from shunt.diagnose.period import period, require_consults

    s, e, label = period(conn, sid, tz, date, start, end, say=say)
    require_consults(conn, sid, tz, s, e, label)
    return s, e, label
