"""What the decision cache keys on, per config and per strategy (engine/cache.py).

- `ConfigKeys`: what is derived from one config for the cache's keys — the listed accounts that
  can ever be eligible with their limits (the eligibility flags' `spec`), the bound items, intents
  and order states (a consult's matching fields count only if they can match), the exclusive
  entries, the recent-contact hours, the assistant.
- `StrategyKey`: where rule 7 chose among several eligible candidates, what its strategy read.
"""

from __future__ import annotations

from itertools import repeat
from operator import attrgetter, eq
from typing import Any

from .decide import pool_of_rows
from .eligibility import listed_eligibility
from .model import Config, Decision, State
from . import pool_order
from .pools import PoolView
from .select import latest_pick

_INF = float("inf")
_ZEROS = repeat(0)


class ConfigKeys:
    """What the decision cache reads of one config (made once per config)."""

    __slots__ = ("cfg", "agents", "conf", "live_accounts", "caps", "spec", "threshold", "strategy", "items", "intents",
                 "states", "exclusive", "assistant", "hours", "groups", "round_robin", "_pos",
                 "chooseable", "_gpos", "by_loads", "_ids_at")

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg  # keeps the object alive: ids stay unique
        self.agents = tuple((a.account, a.max_sessions) for a in cfg.agents)
        self.conf = {a.account: a for a in reversed(cfg.agents)}  # first listing wins, as Config.agent
        # the listed accounts that can ever be eligible (routing on, capacity not 0), once each
        live = [(acc, a.max_sessions) for acc, a in reversed(list(self.conf.items()))
                if a.routing and (a.max_sessions is None or a.max_sessions > 0)]
        self.live_accounts = tuple(acc for acc, _mx in live)
        self.caps = tuple(_INF if mx is None else mx for _acc, mx in live)  # a load below it: not full
        self.spec = (self.live_accounts, self.caps)  # made shared by DecisionCache.info: same flags
        s = cfg.settings
        self.threshold = s.busy_threshold
        self.strategy = s.strategy
        self.items = frozenset(i for g in cfg.groups for i in g.bind.items)
        self.intents = frozenset(i for g in cfg.groups for i in g.bind.intents) if s.intent_routing else frozenset()
        self.states = frozenset(st for g in cfg.groups for st in g.bind.order_states)
        self.exclusive = {}
        for e in reversed(cfg.exclusive):
            self.exclusive[e.buyer] = e
        self.assistant = s.assistant
        self.hours = float(s.recent_contact_hours or 0)
        self.groups = {g.id for g in cfg.groups}
        self.round_robin = s.strategy == "round_robin"
        self._pos: dict[str, int] | None = None
        self.chooseable: dict[tuple, tuple] = {}  # the matched groups (by id()) → `_matched`'s (ids, positions, places)
        ids = [g.id for g in cfg.groups]
        self._gpos = {g: i for i, g in enumerate(ids)} if len(set(ids)) == len(ids) else None
        self._ids_at: dict[int, tuple] = {}  # id(group ids) → (them, their positions)
        # reception rate (the default strategy) and conversion rate: their keys from the pools
        self.by_loads = self._gpos is not None and s.strategy != "round_robin"

    def group_positions(self, ids: tuple[str, ...]) -> tuple[int, ...] | None:
        """The positions in the config of the groups with these ids (None: ids repeat), the same
        tuple for the same ids object (rule 6's remaining groups: one per kept set, engine/kept.py)."""
        at = self._gpos
        if at is None or not ids:
            return None
        e = self._ids_at.get(id(ids))
        if e is None or e[0] is not ids:
            if len(self._ids_at) >= 1024:
                self._ids_at.clear()
            e = self._ids_at[id(ids)] = (ids, tuple(map(at.__getitem__, ids)))  # (holds them: the id stays)
        return e[1]

    def positions(self) -> dict[str, int]:
        """A live account → its position in `live_accounts` (in the flags)."""
        if self._pos is None:
            self._pos = {a: i for i, a in enumerate(self.live_accounts)}
        return self._pos


class StrategyKey:
    """A cached decision in which rule 7 chose among several eligible candidates (the `pool`):
    the outcome then also depends on what the strategy reads, and only on that —
    reception rate: whether a pool member is busy and, if so, which pool members have the least
    load; conversion rate: which pool members have the highest rate; round robin: the account of
    the most recent pick among the remaining groups. `by`: that key → the decision."""

    __slots__ = ("pool", "strategy", "threshold", "remaining", "at", "by", "_rates", "every", "reads_view")

    def __init__(self, inf: ConfigKeys, d: Decision, view: PoolView | None = None) -> None:
        """`view`: the groups' pools `d` was decided on (conversion rate then keys a pool of
        every group's eligible members on the accounts in rate order: engine/every.py)."""
        self.pool = pool_of(d.candidates)
        self.strategy = inf.strategy
        self.threshold = inf.threshold
        self.remaining = d.remaining_groups
        # reception / conversion rate: the kept groups' positions (their pools give the key), or None
        at = inf.group_positions(d.remaining_groups) if inf.by_loads else None
        self.at = at if at is not None and pool_order.by_group(len(at), len(self.pool)) else None
        self.by: dict[Any, Decision] = {}
        self._rates: tuple = (None, None)  # conversion rate: (the rates' stamp, the key then)
        # conversion rate on every group's pool: (its pools, `allh` then: every group's contents)
        self.every = None if view is None or self.strategy != "conversion_rate" or \
            view._merged.get(None) is not self.pool else (view.gp, view.allh)
        self.reads_view = self.at is not None or self.every is not None  # (`key` reads the groups' pools)

    def key(self, state: State, memo: dict | None = None, rates: Any = None, view: PoolView | None = None) -> Any:
        """What the strategy read in `state`. `memo`: the keys found for this state already (the
        same pool object, strategy and threshold read the same); `rates`: a stamp of the
        conversion rates (equal stamps: equal rates), or None; `view`: the groups' pools in
        `state` (reception rate then reads the kept groups' load buckets, not the pool's loads)."""
        if self.strategy == "round_robin":
            best = latest_pick(state.last_pick, self.remaining)
            return None if best is None else best.account
        if rates is not None and self._rates[0] == rates and self.strategy == "conversion_rate":
            return self._rates[1]  # (the same pool at the same rates)
        every = self.every
        if every is not None and view is not None and view.allh == every[1] and view.gp is every[0] \
                and state.conversion is every[0].every_rates.conversion:  # (the same pool: every group's)
            mk = (view, _EVERY)
            got = None if memo is None else memo.get(mk)
            if got is None:
                top = view.every_top(state.conversion)
                got = _UNSET if top is None else (_EVERY, *top)
                if memo is not None:
                    memo[mk] = got
            if got is not _UNSET:
                if rates is not None:
                    self._rates = (rates, got)
                return got
        if view is not None and self.at is not None:
            conv = self.strategy == "conversion_rate"
            # (rates: the conversion map is the tracker's live one; loads: buckets of big groups only)
            if rates is not None if conv else view.gp.small.isdisjoint(self.at):
                mk = (view, self.at, self.threshold, conv)
                got = _UNSET if memo is None else memo.get(mk, _UNSET)
                if got is _UNSET:
                    got = (conversion_key(view, self.at, state.conversion) if conv
                           else reception_key(view, self.at, self.threshold))
                    if memo is not None:
                        memo[mk] = got
                if got is not _UNSET:
                    if conv:
                        self._rates = (rates, got)
                    return got
        mk = (id(self.pool), self.strategy, self.threshold)  # (the pool is held by the memo's owner)
        if memo is not None:
            got = memo.get(mk)
            if got is not None and got[0] is self.pool:
                return got[1]
        if self.strategy == "conversion_rate":
            rs = list(map(float, map(state.conversion.get, self.pool, _ZEROS)))
            got = tuple(map(max(rs).__eq__, rs))  # (floats: == gives a bool)
            if rates is not None:
                self._rates = (rates, got)
        else:
            loads = list(map(state.load.get, self.pool, _ZEROS))
            # nobody busy: by weight (None); else the least loaded
            got = None if max(loads) <= self.threshold else tuple(map(eq, loads, repeat(min(loads))))
        if memo is not None:
            memo[mk] = (self.pool, got)
        return got


_LOADS = "loads"  # tag: a key read from the load buckets (never equal to one read from the pool)
_RATES = "rates"  # tag: a key read from the places in rate order
_EVERY = "every"  # tag: a key read from every group's accounts in rate order (the winners' positions)
_UNSET: Any = object()


def reception_key(view: PoolView, at: tuple[int, ...], threshold: int) -> Any:
    """Reception rate's key from the load buckets of the kept groups at positions `at` (their
    pools make rule 7's pool): None when no member is busy (then by weight), else per group the
    hash of its members at the least load of them all (0: none there), which fix the winners;
    _UNSET: the load buckets were not kept until now (read the pool)."""
    busy = False
    mins = []
    for i in at:
        got = view.load_stats(i)
        if got is None:
            return _UNSET
        lo, h, hi = got
        busy = busy or hi > threshold
        mins.append((lo, h))
    if not busy:
        return None
    least = min(mins)[0]
    return (_LOADS, *[h if lo == least else 0 for lo, h in mins])


def conversion_key(view: PoolView, at: tuple[int, ...], conversion: Any) -> Any:
    """Conversion rate's key from the kept groups' places in rate order (`conversion`: the
    tracker's live rates): per group the hash of its members at the highest rate of them all
    (0: none there), which fix the winners; _UNSET: a rate is not a number (read the pool)."""
    tops = []
    for i in at:
        got = view.rate_stats(i, conversion)
        if got is None:
            return _UNSET
        tops.append(got)
    best = max(tops)[0]
    return (_RATES, *[h if r == best else 0 for r, h in tops])


_POOLS: dict[int, tuple] = {}  # id(rows) → (rows, the accounts of the eligible ones)
_ACCOUNT = attrgetter("account")
_ELIGIBLE = attrgetter("eligible")


def pool_of(rows: tuple) -> tuple[str, ...]:
    """The accounts of a decision's eligible candidate rows (rule 7's pool), the same tuple for
    the same rows object (a cached decision's rows are shared per pool)."""
    known = pool_of_rows(rows)
    if known is not None:
        return known
    e = _POOLS.get(id(rows))
    if e is None or e[0] is not rows:
        if len(_POOLS) >= 64:
            _POOLS.clear()
        e = _POOLS[id(rows)] = (rows, tuple(map(_ACCOUNT, filter(_ELIGIBLE, rows))))  # (holds the rows)
    return e[1]


def eligible(inf: ConfigKeys, state: State, account: str) -> tuple[bool, str | None]:
    """engine.eligibility through the cached per-config lookup."""
    return listed_eligibility(inf.conf.get(account), state, account)
