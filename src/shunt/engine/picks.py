"""Round robin's pointer without a pass over the remaining groups (issue 17).

The pointer is the most recent last pick (by (ts, consult)) among the remaining groups, the first
of equals in their order (`select.latest_pick`). The tracker's live map of last picks is a
`Picks`: a dict that also keeps its groups in recency order, moved by change (one group per
routed consult: a bisect). The latest pick among many groups is then the first group of that
order, from the most recent, that is among them: O(1) when the remaining groups are most of the
shop (overflow, every group matched), instead of O(groups) per decision. Few groups (or a copy
of the map, or a pick that does not order) are read as before.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Any, Iterable

FEW = 8  # at most this many groups: read them one by one (as fast, and no order walk)
MAX_SETS = 256  # groups tuples whose positions are remembered


class Picks(dict):
    """group id → its last rule-7 pick (`LastPick`), with the picked groups in recency order
    [(ts, consult, group)], ascending; None: not ordered (a pick that does not compare, or a
    change by a method that does not keep it). Only `__setitem__` and `update` keep the order."""

    __slots__ = ("order",)

    def __init__(self) -> None:
        super().__init__()
        self.order: list | None = []

    def __setitem__(self, group: str, pick: Any) -> None:
        old = self.get(group)
        dict.__setitem__(self, group, pick)
        order = self.order
        if order is None:
            return
        try:
            if old is not None:
                del order[bisect_left(order, (old.ts, old.consult, group))]
            if pick is not None:
                insort(order, (pick.ts, pick.consult, group))
        except (TypeError, AttributeError, IndexError):  # (not comparable: no order from now on)
            self.order = None

    def __reduce__(self):  # (a copy is a plain dict: read one by one)
        return dict, (dict(self),)

    def update(self, other: Any = (), **kw: Any) -> None:
        items = other.items() if hasattr(other, "items") else other
        for g, p in items:
            self[g] = p
        for g, p in kw.items():
            self[g] = p

    def _unordered(name: str):  # type: ignore[misc]  # (other changes: the order is dropped)
        def change(self, *args, **kw):
            self.order = None
            return getattr(dict, name)(self, *args, **kw)
        change.__name__ = name
        return change

    __delitem__ = _unordered("__delitem__")
    pop = _unordered("pop")
    popitem = _unordered("popitem")
    clear = _unordered("clear")
    setdefault = _unordered("setdefault")
    __ior__ = _unordered("__ior__")
    del _unordered

    def latest(self, groups: tuple[str, ...]) -> Any:
        """The most recent pick among `groups` (the first of equals in their order), or None:
        `select.latest_pick`'s answer; `UNSET`: read them one by one (few, or no order)."""
        order = self.order
        if order is None or len(groups) <= FEW:
            return UNSET
        at = _positions(groups)
        k = len(order) - 1
        while k >= 0:
            ts, c, g = order[k]
            if g in at:
                best = g
                k -= 1
                while k >= 0 and order[k][0] == ts and order[k][1] == c:  # equals: the first in `groups`
                    g = order[k][2]
                    if g in at and at[g] < at[best]:
                        best = g
                    k -= 1
                return self[best]
            k -= 1
        return None


UNSET: Any = object()  # "read the groups one by one"
_SETS: dict[int, tuple] = {}  # id(groups) → (groups, group id → its first position in them)


def _positions(groups: tuple[str, ...]) -> dict[str, int]:
    e = _SETS.get(id(groups))
    if e is None or e[0] is not groups:
        if len(_SETS) >= MAX_SETS:
            _SETS.clear()
        n = len(groups)
        e = _SETS[id(groups)] = (groups, dict(zip(reversed(groups), range(n - 1, -1, -1))))  # (holds it)
    return e[1]


def ordered(picks: Iterable) -> bool:
    """Whether `picks` keeps its recency order (a live `Picks`)."""
    return picks.__class__ is Picks and picks.order is not None
