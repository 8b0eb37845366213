"""The per-group pools kept place by place (engine/pools.py, issue 17) against a naive
recomputation from the tracker's live maps, after every event of random event sequences
(statuses, consults opening sessions and closing the buyer's earlier ones, session ends,
conversion rates with ties), for the live view and a view patched for a buyer's own open
sessions: each group's pool and count; its content hash (equal sets, equal hashes; different
sets, different hashes); the load buckets' least / greatest load and the hash of the places at
the least; the places in rate order's best rate and its holders; the winners by rate over
several groups in merged-pool order; and the decision cache on these states (every strategy)
against `decide` without the pools."""

from __future__ import annotations

import dataclasses
from itertools import chain, compress

from hypothesis import HealthCheck, given, settings, strategies as st

from engine_helpers import T0, a, agent, config, group
from shunt.engine import decide
from shunt.engine.cache import DecisionCache
from shunt.engine.cache_keys import conversion_key, reception_key
from shunt.engine import pool_order
from shunt.engine.lookup import lookup
from shunt.engine.model import Consult, Routed
from shunt.engine.tracker import Tracker

NAMES = ["A", "B", "C", "D", "E", "F"]
BUYERS = ["b1", "b2", "b3"]


@st.composite
def shops(draw):
    agents = []
    for n in NAMES:
        agents.append(agent(n, max_sessions=draw(st.sampled_from([None, 1, 2, 3])),
                            routing=draw(st.sampled_from([True, True, True, False])),
                            proxy=draw(st.sampled_from([False, False, False, True])),
                            weight=draw(st.sampled_from([1.0, 2.0, 0.0]))))
    groups = []
    for k in range(draw(st.integers(1, 4))):
        members = draw(st.lists(st.sampled_from(NAMES), min_size=0, max_size=5))
        groups.append(group(f"g{k}", members))
    return agents, groups


events = st.lists(st.one_of(
    st.tuples(st.just("status"), st.sampled_from(NAMES), st.sampled_from(["online", "online", "offline", "suspended"])),
    st.tuples(st.just("consult"), st.sampled_from(BUYERS), st.sampled_from(NAMES + [None])),
    st.tuples(st.just("end"), st.integers(0, 30), st.none()),
    st.tuples(st.just("stats"), st.sampled_from(NAMES), st.sampled_from([0.0, 0.1, 0.2, 0.2, 0.3])),
), min_size=10, max_size=50)


class Function:
    """A map that must stay a function: equal keys, equal values."""

    def __init__(self) -> None:
        self.fwd: dict = {}

    def check(self, key, value) -> None:
        assert self.fwd.setdefault(key, value) == value, (key, value)


class Consistent:
    """A map that must stay one-to-one: equal keys, equal values; different keys, different values."""

    def __init__(self) -> None:
        self.fwd: dict = {}
        self.back: dict = {}

    def check(self, key, value, within=None) -> None:
        assert self.fwd.setdefault((within, key), value) == value, (key, value)
        assert self.back.setdefault((within, value), key) == key, (key, value)


def _naive_pool(members, lk, status, load):
    return tuple(m for m in members if m in lk.caps and status.get(m) == "online" and load.get(m, 0) < lk.caps[m])


def _hash(ids, accounts) -> int:
    """The content hash's definition: the sum of the accounts' random ids (each place) mod 2^64."""
    return sum(ids[m] for m in accounts) % 2 ** 64


def _check_view(view, cfg, lk, tr, load, hashes, least, alls, keys):
    status, conv = tr.live_status, tr.live_conversion
    ids = view.gp.ids
    pools = []
    for i, g in enumerate(cfg.groups):
        pool = _naive_pool(g.members, lk, status, load)
        pools.append(pool)
        assert view.pool(i) == pool and view.counts[i] == len(pool)
        assert view.hs[i] == _hash(ids, pool)
        hashes.check(pool, view.hs[i], i)  # (a group's versions are compared with its own only)
        if not pool:
            continue
        loads = [load.get(m, 0) for m in pool]
        if i in view.gp.small:  # (no load buckets kept)
            assert len(g.members) < pool_order.MEMBERS_PER_GROUP and not view.gp.buckets[i]
        else:
            lo, h, hi = view.load_stats(i)
            assert (lo, hi) == (min(loads), max(loads))
            at_least = tuple(m for m in pool if load.get(m, 0) == lo)
            assert h == _hash(ids, at_least)
            least.check(at_least, h, i)
        rates = [float(conv.get(m, 0.0)) for m in pool]
        best, top = view.rate_top(i, conv)
        assert best == max(rates)
        assert top == [j for j, m in enumerate(g.members) if m in pool and float(conv.get(m, 0.0)) == best]
    alls.check(tuple(pools), view.all_version())
    kept = [i for i, p in enumerate(pools) if p]
    _check_every(view, pools, kept, conv)
    for at in {tuple(kept), tuple(kept[:1]), tuple(kept[1:])} - {()}:
        merged = tuple(dict.fromkeys(chain.from_iterable(pools[i] for i in at)))
        assert view.merged(at) == merged
        rates = [float(conv.get(m, 0.0)) for m in merged]
        top = tuple(m for m, r in zip(merged, rates) if r == max(rates))
        assert list(top) == view.top_rated(at, conv)
        # the keys' definitions: per kept group, the hash of its members at the best rate / the
        # least load of them all (0: none there); they fix the winners
        k = conversion_key(view, at, conv)
        assert k == ("rates", *[_hash(ids, [m for m in pools[i] if float(conv.get(m, 0.0)) == max(rates)])
                                for i in at])
        keys.check((at, "rates", k), top)
        loads = [load.get(m, 0) for m in merged]
        for t in (0, 1) if view.gp.small.isdisjoint(at) else ():
            k = reception_key(view, at, t)
            assert (k is None) == (max(loads) <= t)
            if k is not None:
                assert k == ("loads", *[_hash(ids, [m for m in pools[i] if load.get(m, 0) == min(loads)])
                                        for i in at])
                keys.check((at, t, k), tuple(m for m, n in zip(merged, loads) if n == min(loads)))


def _check_every(view, pools, kept, conv):
    """The pool of every group (engine/every.py): an account's flag is its eligibility; that pool
    merged from them is every non-empty group's pool merged; the winners by rate from the accounts
    in rate order are its members at the highest rate, in its order."""
    rot = view.gp.rot
    eligible = {m for p in pools for m in p}
    assert [bool(f) for f in view.aflags] == [m in eligible for m in rot]
    if not kept:
        return
    merged = tuple(dict.fromkeys(chain.from_iterable(pools[i] for i in kept)))
    assert view.merged_every(tuple(kept)) == merged
    rates = [float(conv.get(m, 0.0)) for m in merged]
    assert [rot[p] for p in view.every_top(conv)] == [m for m, r in zip(merged, rates) if r == max(rates)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shop=shops(), evs=events, big=st.sampled_from([0, 3]))
def test_pools_kept_by_change_equal_a_naive_recomputation(shop, evs, big):
    kept = pool_order.MEMBERS_PER_GROUP, pool_order.by_group
    # the cache reads the groups, however small their pools; the load buckets are kept for every
    # group (0) or for those with 3 members or more (a set with a smaller one: its pool is read)
    pool_order.MEMBERS_PER_GROUP, pool_order.by_group = big, lambda groups, members: True
    try:
        _run(shop, evs)
    finally:
        pool_order.MEMBERS_PER_GROUP, pool_order.by_group = kept


def _run(shop, evs):
    agents, groups = shop
    cfgs = {s: config(agents, groups, strategy=s, busy_threshold=1)
            for s in ("reception_rate", "conversion_rate", "round_robin")}
    cfg = cfgs["reception_rate"]
    lk = lookup(cfg)
    tr = Tracker()
    tr.set_config(cfg)
    cache = DecisionCache(tracker=tr)
    hashes, least, alls, keys = Consistent(), Consistent(), Consistent(), Function()
    ids: list[str] = []
    for n in NAMES[:4]:  # most start online
        tr.status(T0 - 1000, a(n), "online")
    old = None
    for k, (kind, x, y) in enumerate(evs):
        ts = T0 + k * 1000
        if kind == "status":
            tr.status(ts, a(x), y)
        elif kind == "stats":
            tr.stats(ts, a(x), y)
        elif kind == "end":
            if ids:
                tr.session_end(ts, ids[x % len(ids)])
        else:
            c = Consult(id=f"c{k}", ts=ts, buyer=x, source="item_page")
            for buyer in BUYERS:  # the live view, and the views patched for each buyer's own sessions
                probe = Consult(id=f"p{k}", ts=ts, buyer=buyer, source="item_page")
                live = tr.live_state(probe)
                for s, variant in cfgs.items():
                    got = cache.decide(live, probe, variant)
                    want = decide(dataclasses.replace(live, config=variant, pools=None), probe, explain=False,
                                  candidates="pool")
                    assert (got.rule, got.reason, got.agents, got.odds, got.remaining_groups) == \
                        (want.rule, want.reason, want.agents, want.odds, want.remaining_groups), (s, buyer)
                view = live.pools.view(lk, live.status, live.load, buyer)
                if not view.gp.file_loads():  # (the buckets kept from now: a patched view made again)
                    view = live.pools.view(lk, live.status, live.load, buyer)
                _check_view(view, cfg, lk, tr, live.load, hashes, least, alls, keys)
                if buyer == BUYERS[0]:
                    if old is not None:  # a view stays what it was when later events change the pools
                        assert [tuple(compress(g.members, old[0].flags[i])) for i, g in enumerate(groups)] == old[1]
                    old = (view, view.pools)
            tr.consult(c, Routed(a(y) if y else None, None, "reception_rate"))
            ids.append(c.id)
