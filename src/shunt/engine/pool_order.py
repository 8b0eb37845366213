"""What reception rate and conversion rate read of the per-group pools (engine/pools.py), by
change instead of per decision (issue 17):

- a group's **load buckets** (load → [eligible places at that load, their hash sum], kept by
  `GroupPools` as loads move) give its least and greatest load and who is at the least
  (`load_stats`);
- a group's **places in rate order** (`RateOrder`: highest rate first, then member order; a rate
  set moves only the places of that account) give its best rate and who holds it (`rate_top`),
  skipping places that are not eligible.

So the strategy keys (cache_keys.reception_key / conversion_key) and conversion rate's winners on
a miss cost the kept groups (and the ineligible places above the best), not the pool.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Any, Callable, Mapping

HASH_MASK = (1 << 64) - 1  # content hashes are sums of 64-bit ids mod 2^64
# the kept groups are read group by group (strategy keys, conversion rate's winners) when their
# pool has at least this many members per group; else the pool itself, at C speed (many small groups)
MEMBERS_PER_GROUP = 32


def by_group(groups: int, members: int) -> bool:
    """Whether a pool of `members` places kept in `groups` groups is read group by group."""
    return groups * MEMBERS_PER_GROUP <= members


def bucket_add(b: dict[int, list[int]], load: int, n: int, h: int) -> None:
    """Add n places (negative: take) whose ids sum to h at `load` in a group's load buckets `b`."""
    e = b.get(load)
    if e is None:
        e = b[load] = [0, 0]
    e[0] += n
    e[1] = (e[1] + h) & HASH_MASK
    if not e[0]:
        del b[load]


def rate_moves(rated: set[str], conversion: Mapping[str, float],
               old_of: Callable[[str], float | None]) -> list[tuple[str, float, float]] | None:
    """The rates set since (`rated`, emptied) that moved: (account, the rate it is ordered by, its
    rate now) for each account placed (`old_of`: its ordered rate, None when it has no place); None
    when a new rate is not a number (NaN: the order is to be made whole again). Shared by the
    per-group order (`RateOrder`) and the every-group one (engine/every.py)."""
    moves = []
    for a in rated:
        old = old_of(a)
        if old is None:
            continue
        new = float(conversion.get(a, 0.0))
        if new == old:
            continue
        if new != new:
            rated.clear()
            return None
        moves.append((a, old, new))
    rated.clear()
    return moves


class RateOrder:
    """Each group's places of one `GroupPools` by conversion rate, highest first (then in
    member order), kept up to date with the rates the tracker sets."""

    __slots__ = ("gp", "rated", "conversion", "order", "rates", "_reset")

    def __init__(self, gp: Any, tracker: Any) -> None:
        self.gp = gp
        self.rated: set[str] = tracker.watch_rates()  # the accounts whose rate was set since
        self.conversion = tracker.live_conversion  # the rates map the order follows
        self.order: list[list[tuple[float, int]]] | None = None  # group position → (-rate, place), sorted
        self.rates: dict[str, float] = {}  # account → the rate its places are ordered by
        self._reset: Any = None

    def current(self, conversion: Mapping[str, float]) -> list[list[tuple[float, int]]] | None:
        """The order now (`conversion`: the tracker's live rates); None when a rate is not a
        number (NaN: no order)."""
        gp = self.gp
        order = self.order
        if order is None or self._reset != gp.reset:
            rates = self.rates = {m: float(conversion.get(m, 0.0)) for m in gp.at}
            self.rated.clear()
            self._reset = gp.reset
            if any(r != r for r in rates.values()):
                self.order = None
                return None
            order = self.order = [sorted((-rates[m], j) for j, m in enumerate(ms)) for ms in gp.members]
            return order
        if self.rated:
            rates, at = self.rates, gp.at
            moves = rate_moves(self.rated, conversion, lambda a: rates[a] if at.get(a) else None)
            if moves is None:  # (made whole again when asked next)
                self.order = None
                return None
            for a, old, new in moves:
                rates[a] = new
                for i, j in at[a]:
                    o = order[i]
                    del o[bisect_left(o, (-old, j))]
                    insort(o, (-new, j))
        return order


def load_stats(view: Any, i: int) -> tuple[int, int, int] | None:
    """(least load, the hash of the places at it, greatest load) of group position i's eligible
    members in `view` (its pool must not be empty), from the group's load buckets (with a
    patched view's changes); None: the buckets were not kept until now (read the pool)."""
    gp = view.gp
    if not gp.buckets_on:
        gp.file_loads()
        return None
    b = gp.buckets[i]
    adj = view.adj
    if adj is not None and i in adj:
        b = {k: list(v) for k, v in b.items()}
        for k, n, h in adj[i]:
            bucket_add(b, k, n, h)
    lo = min(b)
    return lo, b[lo][1], max(b)


def rate_top(view: Any, i: int, conversion: Mapping[str, float]) -> tuple[float, list[int]] | None:
    """(the highest conversion rate of group position i's eligible members in `view`, their
    places in member order); None: a rate is not a number. The group's pool must not be empty."""
    order = view.gp.by_rate.current(conversion)
    if order is None:
        return None
    fl = view.flags[i]
    best = None
    top = []
    for nr, j in order[i]:
        if best is not None and nr != best:
            break
        if fl[j]:
            best = nr
            top.append(j)
    return -best, top  # type: ignore[operator]  # (the pool is not empty: best is set)


def rate_stats(view: Any, i: int, conversion: Mapping[str, float]) -> tuple[float, int] | None:
    """(`rate_top`'s best rate, the hash of the places at it), or None."""
    got = rate_top(view, i, conversion)
    if got is None:
        return None
    ids, ms = view.gp.ids, view.gp.members[i]
    return got[0], sum(ids[ms[j]] for j in got[1]) & HASH_MASK


def top_rated(view: Any, at: tuple[int, ...], conversion: Mapping[str, float]) -> list[str] | None:
    """The members of the groups at positions `at` (their pools not empty) with the highest
    conversion rate of them all, in the order of their merged pool; None: a rate is not a number
    (then read the pool)."""
    tops = []
    for i in at:
        got = rate_top(view, i, conversion)
        if got is None:
            return None
        tops.append((got[0], i, got[1]))
    best = max(tops)[0]
    members = view.gp.members
    return list(dict.fromkeys(members[i][j] for r, i, top in tops if r == best for j in top))
