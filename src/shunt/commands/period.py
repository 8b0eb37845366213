"""The period of balance / simulate / audit: the options (commands/options.period), or the one default rule."""

from __future__ import annotations

import sys

from shunt.store.shop import Shop


def say(line: str) -> None:
    from shunt.i18n import tr
    from shunt.render.text import plain

    print(f"shunt: {plain(tr(line))}", file=sys.stderr)


def resolve(shop: Shop, date, start, end) -> tuple[int, int, str]:
    """(start_ms, end_ms, label); exit 1 when the period holds no consult (with the dates that do)."""
    from shunt.commands.options import period
    from shunt.diagnose.period import require_consults

    s, e, label = period(shop, date, start, end, say=say)
    require_consults(shop, s, e, label)
    return s, e, label
