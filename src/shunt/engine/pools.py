"""Per-group eligible pools, kept member by member from the tracker's changes (issue 17).

For each group of a config: its eligible members (online, below their limit, routing on, not a
proxy, some capacity), in member order. A status change or a load reaching or leaving a limit
(`Tracker.watch_loads`) flips only that account's places in the groups holding it: a flag per
member place, the number of eligible places and an incremental **content hash** per group (the
sum mod 2^64 of a random 64-bit id per eligible place: equal contents, equal hashes; another
content the same hash with odds of 2^-64), each changed in O(1) per flipped place. The pool's
tuple of members is made only when a decision needs it (`PoolView.pool`, a cache miss), and
content-equal pools are the same tuple while remembered (`_tuples`), so what is made per pool
object (rows, odds by weight) is made again only for new contents.

Loads: every load change of a member (`Tracker.watch_every_load`) also moves it between its
groups' **load buckets** (load → [eligible places at that load, their hash sum]), so reception
rate's strategy key (is anyone busy, who has the least load) is read from the kept groups'
buckets (`PoolView.load_stats`): O(kept groups × distinct loads), not O(pool).

`PoolIndex` (engine/pool_index.py) is what a tracker's live States carry (`State.pools`): the pools of any config asked
about (configs with the same groups and limits — balance's variants — share theirs). It is valid
for the tracker's live statuses, and its live loads or those without the consult's buyer's own
open sessions (`Tracker.live_state`): those accounts' places are patched for the decision. It
holds its tracker weakly (the tracker holds it: no reference cycle to leave to the collector).

Versions: a group's version is its content hash, so the decision cache keys rules 6–8 on the
matched groups' hashes (O(matched groups) a decision); several groups' hashes at once are one
number (`version_of`: interned; `all_version`: every group's, kept by change).
"""

from __future__ import annotations

from itertools import chain, compress, count
from random import Random
from typing import Any, Mapping, Protocol

from . import pool_order
from .every import EveryRates, every_pool, every_top
from .lookup import Lookup
from .pool_order import HASH_MASK, RateOrder, bucket_add, load_stats, rate_stats, rate_top, top_rated


class Tracker(Protocol):
    """What the pools read of engine/tracker.py's Tracker (which imports this module)."""

    flags_gen: int
    load_gen: int
    resets: int
    live_status: Mapping[str, str]
    live_load: Mapping[str, int]
    live_conversion: Mapping[str, float]

    def watch_loads(self, limits: Mapping[str, int]) -> set[str]: ...

    def watch_every_load(self) -> set[str]: ...

    def watch_rates(self) -> set[str]: ...

    def open_agents(self, buyer: str) -> list[str]: ...

_INF = float("inf")
MAX_SPECS = 64  # pools kept per tracker: distinct (groups, limits) of the configs asked about
MAX_INTERNED = 500_000  # versions held by the interned tuples of several groups' versions, per spec
MAX_TUPLES = 500_000  # members held by the remembered pool tuples of one spec
MAX_MERGED = 256  # merged pools remembered per spec (a set of kept groups at their versions)
_NUMBERS = count(1)  # numbers of several groups' versions: never reused, across specs and trackers


class PoolView:
    """The eligible pools of one spec's groups as one State sees them (`PoolIndex.view`):
    `counts[i]` the number of eligible places of group position i (0: empty pool), `hs[i]` its
    content hash (its version). Made once per change of the pools; do not mutate. `adj`: for a
    view patched for a buyer's own open sessions, group position → its buckets' changes."""

    __slots__ = ("gp", "flags", "counts", "hs", "allh", "nzh", "adj", "_some", "_merged", "_pools", "aflags")

    def __init__(self, gp: "GroupPools", flags: list, counts: list, hs: list, allh: int, nzh: int,
                 aflags: bytearray, adj: dict | None = None) -> None:
        self.gp, self.flags, self.counts, self.hs, self.allh = gp, flags, counts, hs, allh
        self.aflags = aflags  # position in `gp.rot` → the account is eligible (engine/every.py)
        self.nzh = nzh  # which groups have an eligible member (equal sets, equal numbers): `GroupPools.nzh`
        self.adj = adj
        self._some: dict[int, tuple] = {}  # id(positions) → (positions, their version)
        self._merged: dict[tuple, tuple] = {}  # positions → merged pool
        self._pools: dict[int, tuple] = {}

    @property
    def pools(self) -> list[tuple[str, ...]]:
        """Every group's pool (made now: for checks, not for the hot path)."""
        return [self.pool(i) for i in range(len(self.counts))]

    def pool(self, i: int) -> tuple[str, ...]:
        """Group position i's eligible members, in member order (made when first asked)."""
        p = self._pools.get(i)
        if p is None:
            p = self._pools[i] = self.gp.pool(i, self.flags[i], self.hs[i])
        return p

    def version_of(self, at: tuple[int, ...]) -> Any:
        """A version of the pools of the groups at positions `at` (a tuple that stays alive: one
        number per view for many groups, e.g. a consult matching every group)."""
        if len(at) <= 4:
            return tuple(map(self.hs.__getitem__, at))
        if len(at) == len(self.hs):  # (every group: their positions are distinct)
            return self.all_version()
        e = self._some.get(id(at))
        if e is None or e[0] is not at:
            e = self._some[id(at)] = (at, self.gp.intern(tuple(map(self.hs.__getitem__, at))))
        return e[1]

    def all_version(self) -> tuple:
        """One version of every group's pool at once (equal: equal pools everywhere)."""
        return ("*", self.allh)

    def merged(self, positions: tuple[int, ...]) -> tuple[str, ...]:
        """The pools of the groups at these positions, merged in their order without repeats
        (rule 7's pool: the eligible members of their rotation), the same object while their
        versions are the same."""
        if len(positions) == 1:
            i = positions[0]
            if self.gp.unique[i]:
                return self.pool(i)
        got = self._merged.get(positions)
        if got is None:
            got = self._merged[positions] = self.gp.merged(positions, self)
        return got

    def merged_every(self, positions: tuple[int, ...]) -> tuple[str, ...]:
        """`merged(positions)` where `positions` are those of every group with an eligible member
        (overflow; every group matched): known from every group's contents (`allh`), O(1); made
        from the accounts' flags (every eligible member of any group, in `gp.rot` order)."""
        if len(positions) == 1:
            return self.merged(positions)
        got = self._merged.get(None)  # (None: every non-empty group)
        if got is None:
            got = self._merged[None] = every_pool(self.gp, self)
        return got

    # (engine/pool_order.py's reads: the load buckets, the places in rate order)
    load_stats = load_stats
    rate_top = rate_top
    rate_stats = rate_stats
    top_rated = top_rated
    every_top = every_top


class GroupPools:
    """The eligible members of each group of one (groups, limits) spec over a tracker's live maps,
    kept place by place (see the module's docstring)."""

    __slots__ = ("spec", "members", "caps", "at", "ids", "keys", "flags", "dirty", "moved", "gen", "reset",
                 "counts", "hs", "allh", "buckets", "loads", "unique", "view_now", "_numbers", "_tuples",
                 "_held_versions", "live_load", "buckets_on",
                 "_held", "_merged", "_last", "by_rate", "nzkeys", "nzh", "kept",
                 "kept_held", "rot", "apos", "aflags", "every_rates", "big", "bigset", "small")

    def __init__(self, lk: Lookup, spec: tuple, tracker: Tracker) -> None:
        groups = lk.config.groups
        self.spec = spec
        self.members = [g.members for g in groups]
        self.caps = lk.caps
        rnd = Random()
        at: dict[str, list[tuple[int, int]]] = {}
        for i, g in enumerate(groups):
            for j, m in enumerate(g.members):
                at.setdefault(m, []).append((i, j))
        self.at = at  # account → its (group position, member position) everywhere
        self.rot = tuple(at)  # every member of any group, in the order of their first places
        self.apos = {m: p for p, m in enumerate(at)}  # account → its position in `rot`
        self.aflags = bytearray(len(at))  # position in `rot` → the account is eligible
        # load buckets are kept for the groups of at least MEMBERS_PER_GROUP members only (a key
        # reads them only when each kept group has that many: cache_keys.StrategyKey)
        self.small = frozenset(i for i, ms in enumerate(self.members) if len(ms) < pool_order.MEMBERS_PER_GROUP)
        self.big = {m: bs for m, spots in at.items() if (bs := [p for p in spots if p[0] not in self.small])}
        self.bigset = frozenset(self.big)  # the members of those groups
        self.ids = {m: rnd.getrandbits(64) for m in at}  # account → its random id (content hashes)
        self.keys = [rnd.getrandbits(64) | 1 for _ in groups]  # group position → its factor in `allh`
        self.nzkeys = [rnd.getrandbits(64) for _ in groups]  # group position → its id in `nzh`
        self.nzh = 0  # sum of nzkeys[i] over the groups with an eligible place, mod 2^64
        self.kept: dict = {}  # rule 6's kept groups per set of them (engine/kept.py)
        self.kept_held = 0  # rotation members held by them
        self.flags: list[bytearray] = []
        self.dirty = tracker.watch_loads({a: n for a, n in lk.caps.items() if n != _INF})
        self.live_load = tracker.live_load  # (the tracker's map: mended in place)
        self.buckets_on = False  # the load buckets are kept (`file_loads`)
        self.moved = tracker.watch_every_load()
        self.gen: Any = None  # the tracker's flags_gen (and load_gen while the buckets are kept) last seen
        self.reset: int | None = None
        self.counts: list[int] = []  # group position → its eligible places
        self.hs: list[int] = []  # group position → its content hash
        self.allh = 0  # sum of keys[i] * hs[i] mod 2^64: every group's contents at once
        self.buckets: list[dict[int, list[int]]] = []  # group position → load → [places, hash sum]
        self.loads: dict[str, int] = {}  # account → the load its bucket places were filed at
        self.unique = [len(set(ms)) == len(ms) for ms in self.members]  # no member listed twice
        self.view_now: PoolView | None = None  # the live pools' view (made again when they change)
        self._numbers: dict[tuple, int] = {}  # interned version tuples → their numbers
        self._tuples: dict[tuple, tuple[str, ...]] = {}  # (group position, hash) → its pool tuple
        self._held = 0  # members held by `_tuples`
        self._held_versions = 0  # versions held by `_numbers`' keys
        self._merged: dict[tuple, tuple[str, ...]] = {}
        self._last: tuple = (None,)  # the last patched view: (gen, load map, buyer, view)
        self.by_rate = RateOrder(self, tracker)  # each group's places by conversion rate
        self.every_rates = EveryRates(self, tracker)  # every group's members by conversion rate

    def intern(self, versions: tuple) -> int:
        """The number of this tuple of versions."""
        n = self._numbers.get(versions)
        if n is None:
            if self._held_versions > MAX_INTERNED:
                self._numbers.clear()  # (equal contents then get new numbers: only misses follow)
                self._held_versions = 0
            n = self._numbers[versions] = next(_NUMBERS)
            self._held_versions += len(versions) + 1
        return n

    def pool(self, i: int, flags: bytearray, h: int) -> tuple[str, ...]:
        """Group position i's pool for these flags (whose hash is `h`), the same tuple for the
        same contents while remembered."""
        key = (i, h)
        p = self._tuples.get(key)
        if p is None:
            p = tuple(compress(self.members[i], flags))
            if self._held > MAX_TUPLES:
                self._tuples.clear()
                self._held = 0
            self._tuples[key] = p
            self._held += len(p) + 1
        return p

    def merged(self, positions: tuple[int, ...], view: PoolView) -> tuple[str, ...]:
        """`PoolView.merged`, remembered per (positions, their versions)."""
        key = (positions, tuple(map(view.hs.__getitem__, positions)))
        got = self._merged.get(key)
        if got is None:
            if len(self._merged) >= MAX_MERGED:
                self._merged.clear()
            flags = map(view.flags.__getitem__, positions)  # (at C speed: no pool made per group)
            got = self._merged[key] = tuple(dict.fromkeys(chain.from_iterable(
                map(compress, map(self.members.__getitem__, positions), flags))))
        return got

    def _eligible(self, account: str, status: Mapping[str, str], load: Mapping[str, int]) -> bool:
        return status.get(account) == "online" and self.caps.get(account, -1) > load.get(account, 0)

    def _rebuild(self, tracker: Tracker) -> None:
        """Every place from the live maps (first use, or the tracker was seeded)."""
        status, load = tracker.live_status, tracker.live_load
        ids = self.ids
        self.flags = [bytearray(self._eligible(m, status, load) for m in ms) for ms in self.members]
        self.counts = [sum(f) for f in self.flags]
        self.hs = [sum(compress(map(ids.__getitem__, ms), f)) & HASH_MASK for ms, f in zip(self.members, self.flags)]
        self.allh = sum(map(int.__mul__, self.keys, self.hs)) & HASH_MASK
        self.nzh = sum(compress(self.nzkeys, self.counts)) & HASH_MASK
        self.aflags = bytearray(self._eligible(m, status, load) for m in self.rot)
        self.view_now = None
        self.reset = tracker.resets
        self.dirty.clear()
        self.moved.clear()
        if self.buckets_on:
            self.buckets_on = False
            self.file_loads()

    def file_loads(self) -> bool:
        """Keep the load buckets from now on (made when a strategy key first reads them: runs
        that never do pay nothing per load change). The places must be current. False: they
        were not kept before (a patched view made before lacks its changes: ask for it again)."""
        if self.buckets_on:
            return True
        self._last = (None,)
        load = self.live_load
        self.buckets = [{} for _ in self.members]
        self.loads = {m: load.get(m, 0) for m in self.big}
        self.moved.clear()  # (the loads moved so far are in)
        for i, (ms, f) in enumerate(zip(self.members, self.flags)):
            if i in self.small:
                continue
            for m in compress(ms, f):
                bucket_add(self.buckets[i], self.loads[m], 1, self.ids[m])
        self.buckets_on = True
        return False

    def current(self, tracker: Tracker) -> None:
        """Bring the places up to date with the tracker's live maps."""
        gen = (tracker.flags_gen, tracker.load_gen) if self.buckets_on else tracker.flags_gen
        if self.gen == gen:
            return
        if self.reset != tracker.resets:
            self._rebuild(tracker)
        else:
            status, load = tracker.live_status, tracker.live_load
            at, loads, ids = self.at, self.loads, self.ids
            changed = False
            copied: set[int] = set()
            on, big = self.buckets_on, self.big
            apos, aflags, acopied = self.apos, self.aflags, False
            moved = self.moved & self.bigset if on else None  # (the load moves that are filed)
            for a in (self.dirty | moved if self.dirty else moved) if on else self.dirty:
                spots = at.get(a)
                if not spots:
                    continue
                e = self._eligible(a, status, load)
                p = apos[a]
                if aflags[p] != e:
                    if not acopied:  # (a View may hold the old flags)
                        aflags = self.aflags = bytearray(aflags)
                        acopied = True
                    aflags[p] = e
                if on and a in big:
                    was, now = loads[a], load.get(a, 0)
                    loads[a] = now
                    for i, j in big[a]:
                        if self.flags[i][j]:
                            bucket_add(self.buckets[i], was, -1, -ids[a])
                        if e:
                            bucket_add(self.buckets[i], now, 1, ids[a])
                for i, j in spots:
                    f = self.flags[i]
                    old = f[j]
                    if old != e:
                        if not changed:
                            changed = True
                            self.flags, self.counts, self.hs = list(self.flags), list(self.counts), list(self.hs)
                        if i not in copied:  # (a View may hold the old flags)
                            f = self.flags[i] = bytearray(f)
                            copied.add(i)
                        f[j] = e
                        d = ids[a] if e else -ids[a]
                        n = self.counts[i] = self.counts[i] + (1 if e else -1)
                        if n == (1 if e else 0):  # (the group's pool became non-empty / empty)
                            self.nzh = (self.nzh + (self.nzkeys[i] if e else -self.nzkeys[i])) & HASH_MASK
                        self.hs[i] = (self.hs[i] + d) & HASH_MASK
                        self.allh = (self.allh + d * self.keys[i]) & HASH_MASK
            if changed:
                self.view_now = None
            self.dirty.clear()
            self.moved.clear()
        self.gen = gen

    def view(self, tracker: Tracker, load: Mapping[str, int], buyer: str) -> PoolView:
        """The pools against the tracker's live statuses and `load` (its live loads, or those
        without `buyer`'s own open sessions), with their versions."""
        self.current(tracker)
        v = self.view_now
        if v is None:
            v = self.view_now = PoolView(self, self.flags, self.counts, self.hs, self.allh, self.nzh, self.aflags)
        if load is tracker.live_load:
            return v
        last = self._last
        if last[0] == self.gen and last[1] is load and last[2] == buyer:
            return last[3]
        got = self.patched(v, tracker.open_agents(buyer), tracker.live_status, load)
        self._last = (self.gen, load, buyer, got)  # (holds the map: its identity stays unique)
        return got

    def patched(self, v: PoolView, accounts: list[str], status: Mapping[str, str],
                load: Mapping[str, int]) -> PoolView:
        """`v` with these accounts' places taken from `load` (a State's loads that differ from
        the live ones for them only)."""
        adj: dict[int, list] = {}
        live = self.live_load
        flags = counts = hs = None
        allh, nzh, aflags = v.allh, v.nzh, v.aflags
        for a in dict.fromkeys(accounts):
            spots = self.at.get(a)
            if not spots:
                continue
            e = self._eligible(a, status, load)
            p = self.apos[a]
            if aflags[p] != e:
                if aflags is v.aflags:
                    aflags = bytearray(aflags)
                aflags[p] = e
            was, now = live.get(a, 0), load.get(a, 0)
            rid = self.ids[a]
            for i, j in spots:
                old = v.flags[i][j] if flags is None else flags[i][j]
                moves = adj.setdefault(i, [])
                if self.flags[i][j]:
                    moves.append((was, -1, -rid))
                if e:
                    moves.append((now, 1, rid))
                if old != e:
                    if flags is None:
                        flags, counts, hs = list(v.flags), list(v.counts), list(v.hs)
                    if flags[i] is v.flags[i]:
                        flags[i] = bytearray(flags[i])
                    flags[i][j] = e
                    d = rid if e else -rid
                    n = counts[i] = counts[i] + (1 if e else -1)
                    if n == (1 if e else 0):
                        nzh = (nzh + (self.nzkeys[i] if e else -self.nzkeys[i])) & HASH_MASK
                    hs[i] = (hs[i] + d) & HASH_MASK
                    allh = (allh + d * self.keys[i]) & HASH_MASK
        if flags is None:  # the same pools: the same view, or one sharing what it made
            if not adj or not self.buckets_on:
                return v
            got = PoolView(self, v.flags, v.counts, v.hs, allh, nzh, v.aflags, adj)
            got._some, got._merged, got._pools = v._some, v._merged, v._pools
            return got
        return PoolView(self, flags, counts, hs, allh, nzh, aflags, adj)
