"""A tracker's per-group eligible pools (engine/pools.py), per config asked about: what its live
States carry (`State.pools`)."""

from __future__ import annotations

import weakref
from typing import Mapping

from .lookup import Lookup
from .pools import MAX_SPECS, GroupPools, PoolView, Tracker


class PoolIndex:
    """A tracker's pools, per config asked about (by its lookup). Holds the tracker weakly."""

    __slots__ = ("_tracker", "_by_lookup", "_by_spec")

    def __init__(self, tracker: Tracker) -> None:
        self._tracker = weakref.ref(tracker)
        self._by_lookup: dict[int, tuple[Lookup, GroupPools]] = {}
        self._by_spec: dict[tuple, GroupPools] = {}

    def current(self, lk: Lookup, status: Mapping[str, str], load: Mapping[str, int],
                buyer: str) -> list[tuple[str, ...]] | None:
        """Position of a group of `lk`'s config → its eligible members against these maps (the
        tracker's live status, and its live loads or those without `buyer`'s own open sessions),
        or None (other maps: find eligibility member by member). For checks: makes every pool."""
        v = self.view(lk, status, load, buyer)
        return None if v is None else v.pools

    def view(self, lk: Lookup, status: Mapping[str, str], load: Mapping[str, int], buyer: str) -> PoolView | None:
        """`current`'s pools with their versions (`PoolView`), or None."""
        tr = self._tracker()
        if tr is None or status is not tr.live_status:
            return None
        return self._pools_of(lk, tr).view(tr, load, buyer)

    def _pools_of(self, lk: Lookup, tr: Tracker) -> GroupPools:
        e = self._by_lookup.get(id(lk))
        if e is None or e[0] is not lk:
            spec = (tuple(g.members for g in lk.config.groups), tuple(lk.caps.items()))
            gp = self._by_spec.get(spec)
            if gp is None:
                if len(self._by_spec) >= MAX_SPECS:  # (a watcher stays registered: few specs in practice)
                    self._by_spec.clear()
                    self._by_lookup.clear()
                gp = self._by_spec[spec] = GroupPools(lk, spec, tr)
            e = self._by_lookup[id(lk)] = (lk, gp)
        return e[1]
