"""Rule 6's kept groups from the groups' pools (engine/pools.py), remembered per set of kept
groups (issue 17).

What rule 6 keeps depends only on which groups have an eligible member: the matched groups that
have one, or on overflow (none has) every group that has one. So what follows from the kept set
alone — the kept groups, their positions and ids (`remaining`), round robin's rotation and the
winners' node groups — is made once per set and shared by the decisions made on it, instead of
once per decision at O(groups) (300 groups on overflow). Every group with an eligible member
(overflow, or a consult matching every group) is looked up by `PoolView.nzh`, the number of the
set of non-empty groups kept by change: O(1); some matched groups by their kept positions:
O(matched groups) at C speed. The same (remaining) tuple for the same set also lets the round
robin pointer's index (engine/picks.py) find its groups by identity.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import compress
from typing import Any

from .lookup import Lookup, NodeGroups
from .pools import PoolView

MAX_SETS = 1024  # kept sets remembered per spec's pools (all lookups asking about them)
# group positions held by them (~90 bytes each: positions, groups, ids, node groups' set; balance at
# 300 x 300 held ~60 MB with 1M; rotations made: engine/lookup.py keeps 64)
MAX_HELD = 100_000


class Kept:
    """One set of kept groups of a config: `groups` (config order), their positions `at` and
    ids, the node groups of rule 7's winners; `every`: they are every group with an eligible
    member (the merged pool is then known from every group's contents). Round robin's rotation
    is made when asked (`rotation`): its winner is mostly found from the pools' places
    (`next_after`). Do not mutate."""

    __slots__ = ("lk", "groups", "at", "ids", "node", "every", "_rotation", "_inset")

    def __init__(self, lk: Lookup, at: tuple[int, ...], every: bool) -> None:
        groups = lk.config.groups
        self.lk = lk  # (holds it: its id stays unique in the memo's keys)
        self.at = at
        self.groups = tuple(map(groups.__getitem__, at))
        self.ids = tuple(map(lk.group_ids.__getitem__, at))  # (at C speed: 300 groups on overflow)
        self.every = every
        self.node = NodeGroups(lk, frozenset(self.ids))  # (`Lookup.node_groups`, made once per set)
        self._rotation: tuple[str, ...] | None = None
        self._inset: frozenset[int] | None = None

    def rotation(self) -> tuple[str, ...]:
        """Round robin's rotation: the kept groups' members, deduplicated in order."""
        if self._rotation is None:
            self._rotation = self.lk.rotation(self.groups)[0]
        return self._rotation

    def pool(self, view: PoolView) -> tuple[str, ...]:
        """Rule 7's pool: the kept groups' pools merged, in rotation order."""
        at = self.at
        if not at:
            return ()
        return view.merged_every(at) if self.every else view.merged(at)

    def next_after(self, view: PoolView, account: str, pool: tuple[str, ...]) -> str | None:
        """Round robin's winner after the pointer's `account` (`select._next_eligible`: the first
        eligible member of the rotation after it, cyclically, itself last; the pool's first when
        it is not in the rotation), from `view`'s places: the kept groups are walked from the
        account's first place among them with `bytearray.find` (a place counts when its member is
        eligible and this is its first place among the kept groups: the rotation's own entry).
        None: more than `WALK` places did not count (find it from the rotation)."""
        gp = view.gp
        places = gp.at.get(account)
        inset = self._inset
        if inset is None:
            inset = self._inset = frozenset(self.at)
        first = _first(places, inset) if places else None
        if first is None:
            return pool[0]
        at, members, flags, spots = self.at, gp.members, view.flags, gp.at
        i, start = first[0], first[1] + 1
        k = bisect_left(at, i)
        misses = 0
        for _ in range(len(at) + 1):  # a's group from after it, the next ones, then round to a's group
            f, ms = flags[i], members[i]
            j = f.find(1, start)
            while j >= 0:
                m = ms[j]
                pl = spots[m]
                if len(pl) == 1 or _first(pl, inset) == (i, j):
                    return m
                misses += 1
                if misses > WALK:
                    return None
                j = f.find(1, j + 1)
            k = k + 1 if k + 1 < len(at) else 0
            i, start = at[k], 0
        return None  # (not reached: the pool has an eligible member)


WALK = 16  # places of members listed earlier in the kept groups skipped before the rotation is read


def _first(places: list[tuple[int, int]], inset: frozenset[int]) -> tuple[int, int] | None:
    """An account's first place (in config order) in a kept group."""
    for p in places:
        if p[0] in inset:
            return p
    return None


def kept_groups(lk: Lookup, matched: tuple, view: PoolView) -> Kept:
    """Rule 6's kept groups among `matched` (groups of `lk`'s config) in `view`: those with an
    eligible member, or on overflow every group with one (maybe none)."""
    counts = view.counts
    at = lk.positions(matched)
    if len(at) == len(counts):  # every group matched: those with an eligible member (or none: overflow, none)
        key: Any = view.nzh
    else:
        got = list(map(counts.__getitem__, at))
        key = tuple(compress(at, got)) if any(got) else view.nzh
    gp = view.gp
    memo = gp.kept
    cfg = lk.config
    groups = cfg.groups
    # (configs with the same groups, shop and assistant share a set's entry: balance's variants)
    mk = (id(groups), cfg.shop, cfg.settings.assistant, key)
    e = memo.get(mk)
    if e is None or e.lk.config.groups is not groups:
        if key.__class__ is int:
            e = Kept(lk, tuple(compress(range(len(counts)), counts)), True)
        else:
            e = Kept(lk, key, False)
        if len(memo) >= MAX_SETS or gp.kept_held > MAX_HELD:
            memo.clear()
            gp.kept_held = 0
        memo[mk] = e
        gp.kept_held += len(e.at) + 1
    return e
