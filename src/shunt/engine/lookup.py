"""Per-config lookups, built once per config (cached by identity) so a decision does not scan lists.

A Config is immutable, so everything derived from it alone can be computed once: the account
index (`Config.agent`), the eligibility gate, weights, the groups holding each account, the
member tables of sets of groups (rule 6's remaining groups) and the outcome of group matching
for a consult's routing fields.
"""

from __future__ import annotations

from functools import partial
from itertools import chain
from operator import is_not
from typing import Any

from .accounts import is_shop_account

MAX_MEMBER_TABLES = 64  # member tables of sets of remaining groups remembered per config (balance 1000 agents x 300 groups: 256 held 327 MB summed, 64 263 MB, ~5% more CPU)
MAX_ID_TUPLES = 4096  # matched groups' id tuples remembered per config
_CACHE: dict[int, "Lookup"] = {}  # id(config) → its Lookup (which holds the config: the id stays unique)


class Lookup:
    """What rules read of one config, precomputed. Do not mutate."""

    __slots__ = ("config", "agents", "gate", "weight", "holding", "proxies", "matches", "_members", "_held", "caps",
                 "_rotations", "position", "by_intent", "by_item", "by_state", "_positions", "_indexes", "listed",
                 "_nodes", "first_group", "_ids", "group_ids")

    def __init__(self, cfg: Any) -> None:
        self.config = cfg
        agents: dict[str, Any] = {}
        for a in cfg.agents:
            agents.setdefault(a.account, a)
        self.agents = agents  # account → its first listing
        # account → max_sessions (None: no limit) for the listings that may be eligible at all:
        # routing on, not a proxy, some capacity; eligible = in the gate, online, load below the limit
        self.gate = {a: c.max_sessions for a, c in agents.items()
                     if c.routing and not c.proxy and (c.max_sessions is None or c.max_sessions > 0)}
        # the gate as numbers: a gated account is below its limit when cap > load (no limit: inf)
        self.caps = {a: float("inf") if n is None else n for a, n in self.gate.items()}
        self.weight = {a: c.weight for a, c in agents.items()}  # first listing's weight
        holding: dict[str, list[str]] = {}
        for g in cfg.groups:
            for m in g.members:
                ids = holding.setdefault(m, [])
                if not ids or ids[-1] != g.id:
                    ids.append(g.id)
        self.holding = {m: tuple(ids) for m, ids in holding.items()}  # account → ids of groups holding it, config order
        held: dict[str, list[str]] = {}  # account → the id of every group holding it, config order (repeats kept)
        for g in cfg.groups:
            for m in set(g.members):
                held.setdefault(m, []).append(g.id)
        self._held = {m: tuple(ids) for m, ids in held.items()}
        asst = cfg.settings.assistant
        # a grouped account → the first group holding it (its node group when that group remains),
        # None for the assistant and non-shop accounts (never a node group)
        self.first_group = {m: None if m == asst or not is_shop_account(cfg.shop, m) else ids[0]
                            for m, ids in self._held.items()}
        self.listed = tuple(a.account for a in cfg.agents)  # every listing's account, in order (repeats kept)
        self.proxies = tuple(a for a in cfg.agents if a.proxy)  # every proxy listing, in order
        self.matches: dict[tuple, tuple] = {}  # a consult's routing fields → (matched groups, basis)
        self._members: dict[tuple, tuple] = {}
        self._rotations: dict[tuple, tuple] = {}
        self.position = {id(g): i for i, g in enumerate(cfg.groups)}  # a group of the config → its index
        self.group_ids = tuple(g.id for g in cfg.groups)  # a group's index → its id
        self._positions: dict[int, tuple] = {}
        self._indexes: dict[int, tuple] = {}
        self._nodes: dict[tuple, dict] = {}
        self._ids: dict[int, tuple] = {}
        # a bound intent / item / order state → the groups bound to it, in config order (rule 6c-e)
        self.by_intent = _bound(cfg.groups, "intents")
        self.by_item = _bound(cfg.groups, "items")
        self.by_state = _bound(cfg.groups, "order_states")

    def members(self, groups: tuple) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...], dict]:
        """For `groups` (some of the config's groups, the remaining ones): (their members,
        deduplicated in order, each with the ids of the configured groups holding it whose id is
        among theirs, in config order; those members alone; member → its node group as a winner
        of rule 7: the first of those ids, None for the assistant and non-shop accounts)."""
        key = tuple(map(id, groups))  # the config holds its groups: their ids stay unique
        hit = self._members.get(key)
        if hit is None:
            cfg = self.config
            ids = {g.id for g in groups}
            held = self._held
            seen: dict[str, tuple[str, ...]] = {}
            for g in groups:
                for m in g.members:
                    if m not in seen:
                        seen[m] = tuple(h for h in held[m] if h in ids)
            node = {m: (None if m == cfg.settings.assistant or not is_shop_account(cfg.shop, m) else held[0])
                    for m, held in seen.items()}
            if len(self._members) >= MAX_MEMBER_TABLES:  # they hold a table each: keep their number bounded
                self._members.clear()
            hit = self._members[key] = (tuple(seen.items()), tuple(seen), node)
        return hit


    def positions(self, groups: tuple) -> tuple[int, ...]:
        """The indexes in the config of `groups` (a tuple of its groups), remembered per tuple."""
        e = self._positions.get(id(groups))
        if e is None or e[0] is not groups:
            if len(self._positions) >= MAX_MEMBER_TABLES:
                self._positions.clear()
            at = self.position
            e = self._positions[id(groups)] = (groups, tuple(at[id(g)] for g in groups))  # (holds it: the id stays)
        return e[1]

    def ids(self, groups: tuple) -> tuple[str, ...]:
        """The ids of `groups` (a tuple of the config's groups), remembered per tuple (rule 6's
        matched groups: every group for a consult that matches no binding)."""
        e = self._ids.get(id(groups))
        if e is None or e[0] is not groups:
            if len(self._ids) >= MAX_ID_TUPLES:
                self._ids.clear()
            e = self._ids[id(groups)] = (groups, tuple(g.id for g in groups))  # (holds it: the id stays)
        return e[1]

    def rotation(self, groups: tuple) -> tuple[tuple[str, ...], "NodeGroups"]:
        """`members(groups)[1:]` without the table: (their members, deduplicated in order; member →
        its node group as a winner of rule 7, found when asked). Made at C speed: a decision that
        needs no table costs the size of these groups once, not a table row per member."""
        key = tuple(map(id, groups))
        hit = self._rotations.get(key)
        if hit is None:
            if len(self._rotations) >= MAX_MEMBER_TABLES:
                self._rotations.clear()
            rotation = tuple(dict.fromkeys(chain.from_iterable(g.members for g in groups)))
            hit = self._rotations[key] = (rotation, NodeGroups(self, frozenset(g.id for g in groups)))
        return hit


    def node_groups(self, groups: tuple) -> "NodeGroups":
        """`NodeGroups` of `groups` (some of the config's groups), the same object per set."""
        key = tuple(map(id, groups))
        hit = self._nodes.get(key)
        if hit is None:
            if len(self._nodes) >= MAX_MEMBER_TABLES:
                self._nodes.clear()
            hit = self._nodes[key] = NodeGroups(self, frozenset(g.id for g in groups))
        return hit

    def rotation_index(self, rotation: tuple[str, ...]) -> dict[str, int]:
        """A member of `rotation` → its (first) index in it, made once per rotation object."""
        e = self._indexes.get(id(rotation))
        if e is None or e[0] is not rotation:
            if len(self._indexes) >= MAX_MEMBER_TABLES:
                self._indexes.clear()
            n = len(rotation)
            index = dict(zip(reversed(rotation), range(n - 1, -1, -1)))  # (the first: as tuple.index)
            e = self._indexes[id(rotation)] = (rotation, index)  # (holds it: the id stays unique)
        return e[1]


def _bound(groups, field: str) -> dict[Any, tuple]:
    out: dict[Any, list] = {}
    for g in groups:
        seen: set = set()
        for v in getattr(g.bind, field):
            if v.__hash__ is None or v in seen:  # (an unhashable value equals no consult's field)
                continue
            seen.add(v)
            out.setdefault(v, []).append(g)
    return {v: tuple(gs) for v, gs in out.items()}


class NodeGroups:
    """member → its node group as a winner of rule 7 among some groups (`ids`): the first of the
    configured groups holding it whose id is among them; None for the assistant and non-shop
    accounts. `members(...)[2]` for the members of those groups, found per winner when asked."""

    __slots__ = ("_lk", "_ids")

    def __init__(self, lk: Lookup, ids: frozenset) -> None:
        self._lk, self._ids = lk, ids

    def get(self, account: str, default: Any = None) -> Any:
        cfg = self._lk.config
        held = self._lk._held.get(account)
        if held is None:
            return default
        if account == cfg.settings.assistant or not is_shop_account(cfg.shop, account):
            return None
        for gid in held:
            if gid in self._ids:
                return gid
        return default

    def many(self, accounts: tuple[str, ...]) -> dict[str, Any]:
        """{account: self.get(account)} for members of these groups, at C speed when each one's
        first holding group is among them (the usual case)."""
        got = list(map(self._lk.first_group.get, accounts))
        if not all(map(self._ids.__contains__, filter(_is_set, got))):
            got = list(map(self.get, accounts))
        return dict(zip(accounts, got))


_is_set = partial(is_not, None)


def lookup(cfg: Any) -> Lookup:
    """The config's Lookup, built on first use."""
    lk = _CACHE.get(id(cfg))
    if lk is None or lk.config is not cfg:
        if len(_CACHE) >= 256:  # configs are few; a sweep over variants may make more
            _CACHE.clear()
        lk = _CACHE[id(cfg)] = Lookup(cfg)
    return lk
