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

Versions: each group's pool has a number, equal for equal contents (the pools are interned when
they change: a cost per pool change, not per decision) and never given to another content, so
the decision cache keys rules 6–8 on the matched groups' numbers (O(matched groups) a decision)
instead of their members' eligibility. `PoolView` is the pools and numbers one State sees; it
also merges the pools of a set of groups in rotation order once per version (`merged`), so a
decision on unchanged pools gets the same pool object.
"""

from __future__ import annotations

from itertools import chain, compress, count
from typing import Any, Mapping, Protocol

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
MAX_INTERNED = 1_000_000  # members held by the interned pools of one spec (then forgotten: new numbers)
MAX_MERGED = 256  # merged pools remembered per spec (a set of kept groups at their versions)
_NUMBERS = count(1)  # pool version numbers: never reused, across specs and trackers


class PoolView:
    """The eligible pools of one spec's groups as one State sees them (`PoolIndex.view`):
    `pools[i]` the eligible members of group position i, `vers[i]` its version number (equal
    numbers: equal pools). Made once per change of the pools; do not mutate."""

    __slots__ = ("gp", "pools", "vers", "_all", "_some", "_merged")

    def __init__(self, gp: "GroupPools", pools: list, vers: list) -> None:
        self.gp, self.pools, self.vers = gp, pools, vers
        self._all: int | None = None
        self._some: dict[int, tuple] = {}  # id(positions) → (positions, their version)
        self._merged: dict[tuple, tuple] = {}  # positions → merged pool

    def version_of(self, at: tuple[int, ...]) -> Any:
        """A version of the pools of the groups at positions `at` (a tuple that stays alive: one
        number per view for many groups, e.g. a consult matching every group)."""
        if len(at) <= 4:
            return tuple(map(self.vers.__getitem__, at))
        e = self._some.get(id(at))
        if e is None or e[0] is not at:
            e = self._some[id(at)] = (at, self.gp.intern(tuple(map(self.vers.__getitem__, at)), len(at)))
        return e[1]

    def all_version(self) -> int:
        """One number for every group's pool at once (equal numbers: equal pools everywhere)."""
        v = self._all
        if v is None:
            v = self._all = self.gp.intern(tuple(self.vers), len(self.vers))
        return v

    def merged(self, positions: tuple[int, ...]) -> tuple[str, ...]:
        """The pools of the groups at these positions, merged in their order without repeats
        (rule 7's pool: the eligible members of their rotation), the same object while their
        versions are the same."""
        if len(positions) == 1:
            i = positions[0]
            if self.gp.unique[i]:
                return self.pools[i]
        got = self._merged.get(positions)
        if got is None:
            got = self._merged[positions] = self.gp.merged(positions, self.pools, self.vers)
        return got


class GroupPools:
    """The eligible members of each group of one (groups, limits) spec over a tracker's live maps:
    a flag per member position, and the pool made from them at C speed (`compress`)."""

    __slots__ = ("spec", "members", "caps", "at", "flags", "dirty", "gen", "reset", "pools", "vers", "unique",
                 "view_now", "_numbers", "_held", "_merged", "_last")

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
        self.vers: list[int] = []  # group position → its pool's version number
        self.unique = [len(set(ms)) == len(ms) for ms in self.members]  # no member listed twice
        self.view_now: PoolView | None = None  # the live pools' view (made again when they change)
        self._numbers: dict[tuple, int] = {}  # interned pools (and version tuples) → their numbers
        self._held = 0  # members held by `_numbers`' keys
        self._merged: dict[tuple, tuple[str, ...]] = {}
        self._last: tuple = (None,)  # the last patched view: (gen, load map, buyer, view)

    def intern(self, pool: tuple, size: int) -> int:
        """The version number of this content (a pool, or a tuple of versions)."""
        n = self._numbers.get(pool)
        if n is None:
            if self._held > MAX_INTERNED:
                self._numbers.clear()  # (equal contents then get new numbers: only misses follow)
                self._held = 0
            n = self._numbers[pool] = next(_NUMBERS)
            self._held += size + 1
        return n

    def merged(self, positions: tuple[int, ...], pools: list, vers: list) -> tuple[str, ...]:
        """`PoolView.merged`, remembered per (positions, their versions)."""
        key = (positions, tuple(map(vers.__getitem__, positions)))
        got = self._merged.get(key)
        if got is None:
            if len(self._merged) >= MAX_MERGED:
                self._merged.clear()
            got = self._merged[key] = tuple(dict.fromkeys(chain.from_iterable(map(pools.__getitem__, positions))))
        return got

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
            self.vers = [self.intern(p, len(p)) for p in self.pools]
            self.view_now = None
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
                vers = self.vers = list(self.vers)
                for i in touched:
                    p = pools[i] = tuple(compress(self.members[i], self.flags[i]))
                    vers[i] = self.intern(p, len(p))
                self.view_now = None
        self.dirty.clear()
        self.gen = tracker.flags_gen
        return self.pools

    def view(self, tracker: Tracker, load: Mapping[str, int], buyer: str) -> PoolView:
        """The pools against the tracker's live statuses and `load` (its live loads, or those
        without `buyer`'s own open sessions), with their versions."""
        pools = self.current(tracker)
        if load is tracker.live_load:
            v = self.view_now
            if v is None:
                v = self.view_now = PoolView(self, pools, self.vers)
            return v
        last = self._last
        if last[0] == self.gen and last[1] is load and last[2] == buyer:
            return last[3]
        got = self.patched(pools, tracker.open_agents(buyer), tracker.live_status, load)
        if got is pools:
            v = self.view_now
            if v is None:
                v = self.view_now = PoolView(self, pools, self.vers)
        else:
            vers = list(self.vers)
            for i, p in enumerate(got):
                if p is not pools[i]:
                    vers[i] = self.intern(p, len(p))
            v = PoolView(self, got, vers)
        self._last = (self.gen, load, buyer, v)  # (holds the map: its identity stays unique)
        return v

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
        v = self.view(lk, status, load, buyer)
        return None if v is None else v.pools

    def view(self, lk: Lookup, status: Mapping[str, str], load: Mapping[str, int], buyer: str) -> PoolView | None:
        """`current`'s pools with their version numbers (`PoolView`), or None."""
        tr = self.tracker
        if status is not tr.live_status:
            return None
        return self._pools_of(lk).view(tr, load, buyer)

    def _pools_of(self, lk: Lookup) -> GroupPools:
        tr = self.tracker
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
