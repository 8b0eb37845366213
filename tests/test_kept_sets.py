"""Rule 6's kept groups remembered per set (engine/kept.py), round robin's winner from the pools'
places (`Kept.next_after`) and its pointer from the tracker's recency order (engine/picks.py),
against plain `decide` without the pools, on random shops (groups bound to order states, members
in several groups, limits, proxies) and random event sequences whose consults are routed within
groups (so the last picks move): after every event, for the live state and the states of three
buyers with open sessions, each strategy's decision with the pools equals the one without, and
the recency order's latest pick equals `max` over the groups."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings, strategies as st

from engine_helpers import T0, a, agent, config, group
from shunt.engine import decide, kept as kept_mod, picks as picks_mod
from shunt.engine.cache import DecisionCache
from shunt.engine.lookup import lookup
from shunt.engine.model import Consult, LastPick, Order, Routed
from shunt.engine.picks import Picks
from shunt.engine.select import _RECENCY, latest_pick
from shunt.engine.tracker import Tracker

NAMES = ["A", "B", "C", "D", "E", "F", "G", "H"]
BUYERS = ["b1", "b2", "b3"]
STATES = ["s1", "s2", "s3"]


@st.composite
def shops(draw):
    agents = [agent(n, max_sessions=draw(st.sampled_from([None, 1, 1, 2])),
                    routing=draw(st.sampled_from([True, True, True, False])),
                    proxy=draw(st.sampled_from([False, False, False, False, True])))
              for n in NAMES]
    groups = []
    for k in range(draw(st.integers(2, 12))):
        members = draw(st.lists(st.sampled_from(NAMES), min_size=0, max_size=4))
        states = draw(st.lists(st.sampled_from(STATES[:2]), max_size=1))
        groups.append(group(f"g{k}", members, states=states))
    return agents, groups


events = st.lists(st.one_of(
    st.tuples(st.just("status"), st.sampled_from(NAMES), st.sampled_from(["online", "online", "offline"])),
    st.tuples(st.just("consult"), st.sampled_from(BUYERS), st.tuples(st.sampled_from(NAMES + [None]),
                                                                   st.integers(0, 11), st.sampled_from(STATES + [None]))),
    st.tuples(st.just("end"), st.integers(0, 40), st.none()),
), min_size=10, max_size=60)


def _same(got, want, why):
    assert (got.rule, got.reason, got.agents, got.odds, got.groups, got.matched_groups, got.remaining_groups,
            tuple(c.account for c in got.candidates)) == \
        (want.rule, want.reason, want.agents, want.odds, want.groups, want.matched_groups, want.remaining_groups,
         tuple(c.account for c in want.candidates)), why


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shop=shops(), evs=events, walk=st.sampled_from([0, 1, 16]))
def test_kept_sets_and_round_robin_from_places_equal_plain_decide(shop, evs, walk):
    old = picks_mod.FEW, kept_mod.WALK
    picks_mod.FEW, kept_mod.WALK = 0, walk  # the recency order for any number of groups; a short walk too
    try:
        _run(shop, evs)
    finally:
        picks_mod.FEW, kept_mod.WALK = old


def _run(shop, evs):
    agents, groups = shop
    base = config(agents, groups, strategy="round_robin", busy_threshold=0)
    # (the same groups tuple: configs share rule 6's kept sets unless shop or assistant differ)
    cfgs = [base, *(dataclasses.replace(base, settings=dataclasses.replace(base.settings, strategy=s))
                    for s in ("reception_rate", "conversion_rate")),
            dataclasses.replace(base, settings=dataclasses.replace(base.settings, assistant=a("A")))]
    tr = Tracker()
    tr.set_config(cfgs[0])
    cache = DecisionCache(tracker=tr)
    ids: list[str] = []
    gids = [g.id for g in groups]
    for n in NAMES[:6]:
        tr.status(T0 - 1000, a(n), "online")
    for k, (kind, x, y) in enumerate(evs):
        ts = T0 + (k // 2) * 1000  # (pairs of events at one ts: equal pick times)
        if kind == "status":
            tr.status(ts, a(x), y)
        elif kind == "end":
            if ids:
                tr.session_end(ts, ids[x % len(ids)])
        else:
            who, g, ostate = y
            for buyer in BUYERS:
                probe = Consult(id=f"p{k}", ts=ts, buyer=buyer, source="item_page",
                                order=Order(state=ostate) if ostate else None)
                live = tr.live_state(probe)
                for cfg in cfgs:
                    want = decide(dataclasses.replace(live, config=cfg, pools=None), probe, explain=False,
                                  candidates="pool")
                    got = decide(dataclasses.replace(live, config=cfg), probe, explain=False, candidates="pool")
                    _same(got, want, (cfg.settings.strategy, buyer))
                    _same(cache.decide(live, probe, cfg), want, (cfg.settings.strategy, buyer, "cache"))
                _check_nonempty(live.pools.view(lookup(cfgs[0]), live.status, live.load, buyer))
            _check_latest(tr, gids)
            c = Consult(id=f"c{k:03d}" if k % 3 else f"c{99 - k:03d}", ts=ts, buyer=x, source="item_page")
            grp = gids[g % len(gids)] if who else None
            tr.consult(c, Routed(a(who) if who else None, grp, "round_robin"))
            ids.append(c.id)
    _check_latest(tr, gids)
    assert lookup(cfgs[0]).config is cfgs[0]


def _check_nonempty(view):
    """`nzh`'s definition: the sum of the non-empty groups' numbers mod 2^64 (live and patched views)."""
    assert view.nzh == sum(n for n, c in zip(view.gp.nzkeys, view.counts) if c) % 2 ** 64


def _check_latest(tr, gids):
    picks = tr.live_state(Consult(id="x", ts=T0, buyer="nobody", source="item_page")).last_pick
    assert picks.__class__ is Picks
    assert sorted(picks.order) == picks.order and len(picks.order) == len(picks)  # (one entry per group)
    for groups in (tuple(gids), tuple(reversed(gids)), tuple(gids[::2]), tuple(gids[1:3]), ()):
        want = max(filter(None, map(picks.get, groups)), key=_RECENCY, default=None)
        assert latest_pick(picks, groups) is want, groups


def test_picks_keep_their_order_through_updates_and_ties_and_drop_it_on_other_changes():
    p = Picks()
    p.update({"g1": LastPick(5, "c5", "x"), "g2": LastPick(5, "c5", "y"), "g3": LastPick(3, "c3", "z")})
    old = picks_mod.FEW
    picks_mod.FEW = 0
    try:
        assert p.latest(("g3", "g2", "g1")).account == "y"  # equals: the first in the groups' order
        assert p.latest(("g1", "g2")).account == "x"
        assert p.latest(("g3",)).account == "z"
        p["g3"] = LastPick(6, "c6", "w")  # moved by the change
        assert p.latest(("g1", "g3")).account == "w"
        assert p.latest(("g9",)) is None
        p.pop("g3")
        assert p.order is None and p.latest(("g1",)) is picks_mod.UNSET  # (read one by one from now on)
    finally:
        picks_mod.FEW = old
