"""Per-group eligible pools, kept up to date from the tracker's changes (issue 17).

For each group of a config: its eligible members (online, below their limit, routing on, not a
proxy, some capacity), in member order. A status change or a load reaching or leaving a limit
(`Tracker.watch_loads`) re-derives only the pools of the groups holding that account, so rule 6
reads the matched groups' pools instead of every member's eligibility: a decision then costs the
matched groups and their eligible members, not every member of them.

`PoolIndex` is what a tracker's live States carry (`State.pools`): the pools of any config asked
about (configs with the same groups and limits — balance's variants — share theirs). It is valid
for the tracker's live statuses, and its live loads or those without the consult's buyer's own
open sessions (`Tracker.live_state`): those accounts' pools are patched for the decision.
"""

from __future__ import annotations

from itertools import compress
from typing import Mapping, Protocol

from .lookup import Lookup


class Tracker(Protocol):
    """What the pools read of engine/tracker.py's Tracker (which imports this module)."""

    flags_gen: int
    resets: int
    live_status: Mapping[str, str]
    live_load: Mapping[str, int]

    def watch_loads(self, limits: Mapping[str, int]) -> set[str]: ...

    def open_agents(self, buyer: str) -> list[str]: ...

_INF = float("inf")
MAX_SPECS = 64  # pools kept per tracker: distinct (groups, limits) of the configs asked about


class GroupPools:
    """The eligible members of each group of one (groups, limits) spec over a tracker's live maps:
    a flag per member position, and the pool made from them at C speed (`compress`)."""

    __slots__ = ("spec", "members", "caps", "at", "flags", "dirty", "gen", "reset", "pools")

    def __init__(self, lk: Lookup, spec: tuple, tracker: Tracker) -> None:
        groups = lk.config.groups
        self.spec = spec
        self.members = [g.members for g in groups]
        self.caps = lk.caps
        at: dict[str, list[tuple[int, int]]] = {}
        for i, g in enumerate(groups):
            for j, m in enumerate(g.members):
                at.setdefault(m, []).append((i, j))
        self.at = at  # account → its (group position, member position) everywhere
        self.flags: list[bytearray] = []
        self.dirty = tracker.watch_loads({a: n for a, n in lk.caps.items() if n != _INF})
        self.gen: int | None = None
        self.reset: int | None = None
        self.pools: list[tuple[str, ...]] = []

    def _eligible(self, account: str, status: Mapping[str, str], load: Mapping[str, int]) -> bool:
        return status.get(account) == "online" and self.caps.get(account, -1) > load.get(account, 0)

    def current(self, tracker: Tracker) -> list[tuple[str, ...]]:
        """Group position → its eligible members now (the same list object until one changes)."""
        if self.gen == tracker.flags_gen:
            return self.pools
        status, load = tracker.live_status, tracker.live_load
        if self.reset != tracker.resets:  # first use, or the tracker was seeded: all of them
            self.flags = [bytearray(self._eligible(m, status, load) for m in ms) for ms in self.members]
            self.pools = [tuple(compress(ms, f)) for ms, f in zip(self.members, self.flags)]
            self.reset = tracker.resets
        else:
            touched = set()
            for a in self.dirty:
                spots = self.at.get(a)
                if spots:
                    e = self._eligible(a, status, load)
                    for i, j in spots:
                        if self.flags[i][j] != e:
                            self.flags[i][j] = e
                            touched.add(i)
            if touched:
                pools = self.pools = list(self.pools)  # (a State may hold the old list)
                for i in touched:
                    pools[i] = tuple(compress(self.members[i], self.flags[i]))
        self.dirty.clear()
        self.gen = tracker.flags_gen
        return self.pools

    def patched(self, pools: list, accounts: list[str], status: Mapping[str, str],
                load: Mapping[str, int]) -> list[tuple[str, ...]]:
        """`pools` with these accounts' eligibility taken from `load` (a State's loads that differ
        from the live ones for them only)."""
        out = None
        for a in accounts:
            spots = self.at.get(a)
            if not spots:
                continue
            e = self._eligible(a, status, load)
            for i, j in spots:
                if self.flags[i][j] != e:
                    if out is None:
                        out, fl = list(pools), {}
                    f = fl.get(i)
                    if f is None:
                        f = fl[i] = bytearray(self.flags[i])
                    f[j] = e
        if out is None:
            return pools
        for i, f in fl.items():
            out[i] = tuple(compress(self.members[i], f))
        return out


class PoolIndex:
    """A tracker's pools, per config asked about (by its lookup)."""

    __slots__ = ("tracker", "_by_lookup", "_by_spec")

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self._by_lookup: dict[int, tuple[Lookup, GroupPools]] = {}
        self._by_spec: dict[tuple, GroupPools] = {}

    def current(self, lk: Lookup, status: Mapping[str, str], load: Mapping[str, int],
                buyer: str) -> list[tuple[str, ...]] | None:
        """Position of a group of `lk`'s config → its eligible members against these maps (the
        tracker's live status, and its live loads or those without `buyer`'s own open sessions),
        or None (other maps: find eligibility member by member)."""
        tr = self.tracker
        if status is not tr.live_status:
            return None
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
        gp = e[1]
        pools = gp.current(tr)
        if load is tr.live_load:
            return pools
        return gp.patched(pools, tr.open_agents(buyer), status, load)
