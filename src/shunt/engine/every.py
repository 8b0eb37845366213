"""Rule 7 on the pool of every group (issue 17): a consult that matches every group (balance's
bindings-cleared variants) or overflows keeps every group with an eligible member, so its pool is
every eligible member of any group, in the order of their first places (`GroupPools.rot`).

Eligibility is the account's, whatever the group: `GroupPools` keeps one flag per account
(`aflags`, beside the flags per place), so that pool is `compress(rot, aflags)` at C speed, and
conversion rate's winners on it come from the accounts in rate order (`EveryRates`: highest rate
first, then pool order; a rate set moves only that account), walked from the top past the
ineligible ones: O(winners + ineligible above them), not O(pool). tests/test_every.py compares
both with the engine's reading of the pool.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from itertools import compress
from typing import Any, Mapping

from shunt.engine.pool_order import rate_moves

MAX_POOLS = 256  # pools of every group remembered per `GroupPools` (each: every group's contents)


class EveryRates:
    """The accounts of one `GroupPools` (`rot`) by conversion rate, highest first (then in pool
    order), kept up to date with the rates the tracker sets."""

    __slots__ = ("gp", "rated", "conversion", "order", "rates", "_reset")

    def __init__(self, gp: Any, tracker: Any) -> None:
        self.gp = gp
        self.rated: set[str] = tracker.watch_rates()  # the accounts whose rate was set since
        self.conversion = tracker.live_conversion  # the rates map the order follows
        self.order: list[tuple[float, int]] | None = None  # sorted (-rate, position in rot)
        self.rates: list[float] = []  # position in rot → the rate it is ordered by
        self._reset: Any = None

    def current(self, conversion: Mapping[str, float]) -> list[tuple[float, int]] | None:
        """The order now (`conversion`: the tracker's live rates); None when a rate is not a
        number (NaN: no order)."""
        gp = self.gp
        order = self.order
        if order is None or self._reset != gp.reset:
            rates = self.rates = [float(conversion.get(m, 0.0)) for m in gp.rot]
            self.rated.clear()
            self._reset = gp.reset
            if any(r != r for r in rates):
                self.order = None
                return None
            order = self.order = sorted(zip(map(float.__neg__, rates), range(len(rates))))
            return order
        if self.rated:
            rates, apos = self.rates, gp.apos
            moves = rate_moves(self.rated, conversion, lambda a: None if (p := apos.get(a)) is None else rates[p])
            if moves is None:  # (made whole again when asked next)
                self.order = None
                return None
            for a, old, new in moves:
                p = apos[a]
                rates[p] = new
                del order[bisect_left(order, (-old, p))]
                insort(order, (-new, p))
        return order


def every_top(view: Any, conversion: Mapping[str, float]) -> list[int] | None:
    """The positions in `rot` of the eligible accounts of `view` (some must be) with the highest
    conversion rate, ascending (the pool's order); None: a rate is not a number (read the pool)."""
    order = view.gp.every_rates.current(conversion)
    if order is None:
        return None
    af = view.aflags
    best = None
    top = []
    for nr, p in order:
        if nr != best and best is not None:
            break
        if af[p]:
            best = nr
            top.append(p)
    top.sort()
    return top


def every_pool(gp: Any, view: Any) -> tuple[str, ...]:
    """Every eligible member of any group in `view`, in `gp.rot` order (the pools of every group
    with an eligible member, merged), remembered per `allh` (every group's contents)."""
    key = ("*", view.allh)
    got = gp._merged.get(key)
    if got is None:
        if len(gp._merged) >= MAX_POOLS:
            gp._merged.clear()
        got = gp._merged[key] = tuple(compress(gp.rot, view.aflags))
    return got
