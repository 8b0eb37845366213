"""The engine's decision cache (engine/cache.py) against `engine.decide`, consult by consult, on
generated shops: every strategy, the configs generate switches during the day, ties (a low busy
threshold makes least-load ties, coarse conversion rates make best-rate ties, equal weights make
round-robin and weight ties), the counterfactual variants balance asks about (`decide_many`),
a replay under a transformed config with the recorded one asked about (simulate), and
the group-matching step (`match_step`) against the step the explained decision records. The
cache's engine runs use the tracker's per-group eligible pools (engine/pools.py); the decisions
compared with are made without them.

A rule change that the cache's keys do not follow (an input the cache does not key on) fails here."""

from __future__ import annotations

import dataclasses

import pytest
from engine_helpers import generated_rows, replay_states

from shunt.engine import decide
from shunt.engine.cache import DecisionCache
from shunt.engine.model import Config, Routed
from shunt.engine.replay_tracker import ReplayTracker
from shunt.diagnose.variants import ALL, variant

_ROWS: dict[tuple, list] = {}


def _events(seed: int, agents: int, groups: int, consults: int) -> list[dict]:
    key = (seed, agents, groups, consults)
    if key not in _ROWS:
        _ROWS[key] = generated_rows(seed, agents, groups, consults)
    return _ROWS[key]


def _with(strategy: str, threshold: int, equal_weights: bool):
    def transform(cfg: Config) -> Config:
        s = dataclasses.replace(cfg.settings, strategy=strategy, busy_threshold=threshold)
        agents = tuple(dataclasses.replace(a, weight=1.0) for a in cfg.agents) if equal_weights else cfg.agents
        return dataclasses.replace(cfg, settings=s, agents=agents)
    return transform


def _outcome(d):
    return (d.replayable, d.rule, d.reason, d.agents, d.odds, dict(d.groups), d.matched_groups, d.remaining_groups)


def _same(got, state, c, cfg, seen):
    st = dataclasses.replace(state, config=cfg, pools=None)  # the engine alone, eligibility member by member
    want = decide(st, c, explain=False, candidates="eligible")
    assert _outcome(got) == _outcome(want), (c.id, cfg.settings.strategy)
    assert [x.account for x in got.candidates] == [x.account for x in want.candidates], c.id
    seen[got.reason] = seen.get(got.reason, 0) + 1


SHOPS = [  # (seed, agents, groups, consults)
    (11, 12, 3, 300), (12, 60, 6, 300), (13, 30, 0, 200), (14, 150, 20, 200),
]
MODES = [("reception_rate", 1, False), ("reception_rate", 4, True), ("conversion_rate", 4, False),
         ("conversion_rate", 4, True), ("round_robin", 4, False)]


@pytest.mark.parametrize("shop", SHOPS, ids=lambda s: f"{s[1]}a{s[2]}g")
@pytest.mark.parametrize("mode", MODES, ids=lambda m: f"{m[0]}-t{m[1]}{'-eq' if m[2] else ''}")
def test_cached_decisions_equal_decide(shop, mode):
    rows = _events(*shop)
    tracker = ReplayTracker(_with(*mode))
    cache = DecisionCache(tracker=tracker)
    seen: dict[str, int] = {}
    steps = 0
    for state, c in replay_states(rows, tracker):
        if state.config is None:
            continue
        got = cache.decide(state, c)
        _same(got, state, c, state.config, seen)
        # simulate asks about the recorded config on the same (transformed) state
        _same(cache.decide(state, c, tracker.recorded_config), state, c, tracker.recorded_config, seen)
        code = cache.match_step(state.config, c, got)
        if got.rule in ("R6", "R7", "R8") and state.config.groups:
            full = decide(state, c)
            assert code == next(s.rule for s in full.steps if s.outcome == "match" and s.rule.startswith("R6")), c.id
            steps += 1
        else:
            assert code is None
    assert cache.hits > 0 and cache.misses > 0
    # the day reached the choosing rules and their ties (several winners), not only the early rules
    assert seen.get(mode[0], 0) > 0, seen
    if shop[2] > 1:
        assert steps > 0


@pytest.mark.parametrize("shop", SHOPS[:2] + SHOPS[3:], ids=lambda s: f"{s[1]}a{s[2]}g")
def test_variants_decided_at_once_equal_decide(shop):
    """balance's form: one config's 16 counterfactual variants, decided with `decide_many`."""
    rows = _events(*shop)
    tracker = ReplayTracker()
    cache = DecisionCache(tracker=tracker)
    variants: dict[int, list] = {}
    masks = tuple(range(ALL, -1, -1))
    seen: dict[str, int] = {}
    for i, (state, c) in enumerate(replay_states(rows, tracker)):
        cfg = state.config
        if cfg is None:
            continue
        vs = variants.get(id(cfg))
        if vs is None or vs[0] is not cfg:
            vs = variants[id(cfg)] = [variant(cfg, m) for m in range(16)]
        recent = cache.recent_key(state, c)
        first = cache.first_recent(state, recent, cfg)
        sub = masks if i % 3 == 0 else masks[::5]
        got = cache.decide_many(state, c, vs, sub, cache.base(state, c, cfg), first)
        for m, d in zip(sub, got):
            _same(d, state, c, vs[m], seen)
    assert cache.hits > 0


def test_the_cache_off_runs_the_engine_every_time():
    rows = _events(*SHOPS[0])
    tracker = ReplayTracker()
    cache = DecisionCache(enabled=False, tracker=tracker)
    n = 0
    for state, c in replay_states(rows, tracker):
        if state.config is None:
            continue
        d = cache.decide(state, c)
        assert d.steps  # the explained engine run
        n += 1
    assert cache.misses == cache.calls == n > 0


# ---- rules 6–8 keyed on the groups' pool versions (engine/pool_keys.py) ------------------------

def _hand_shop(**settings):
    """Two bound groups (shipped → g_a, unpaid → g_b), an unbound one, a proxy listed in none."""
    from engine_helpers import agent, config, group
    agents = [agent(n, max_sessions=2) for n in ("a1", "a2", "b1", "b2", "c1")] + [agent("px", proxy=True)]
    groups = [group("g_a", ["a1", "a2"], states=["shipped"]), group("g_b", ["b1", "b2"], states=["unpaid"]),
              group("g_c", ["c1"])]
    return config(agents, groups, **settings)


class _Day:
    """A ReplayTracker and a cache fed by hand; `ask` decides a consult both ways and checks them."""

    def __init__(self, cfg, online=("a1", "a2", "b1", "b2", "c1")):
        from engine_helpers import T0, a
        self.a, self.ts, self.n = a, T0, 0
        self.tracker = ReplayTracker()
        self.tracker.set_config(cfg)
        for name in online:
            self.status(name, "online")
        self.cache = DecisionCache(tracker=self.tracker)

    def status(self, name, st):
        self.ts += 1000
        self.tracker.status(self.ts, self.a(name), st)

    def take(self, name):
        """A consult routed to `name` (its load grows by one)."""
        from engine_helpers import consult
        self.ts += 1000
        self.n += 1
        c = consult(order_state="shipped", buyer=f"tb_t{self.n}", ts=self.ts, cid=f"t{self.n}")
        self.tracker.consult(c, Routed(self.a(name), "g_a", "reception_rate"))
        return c.buyer

    def ask(self, record=False):
        """A shipped consult decided by the cache (checked against decide); `record`: routed as
        decided (its first winner: loads, round robin's pointer move)."""
        from engine_helpers import consult
        self.ts += 1000
        self.n += 1
        c = consult(order_state="shipped", buyer=f"tb_q{self.n}", ts=self.ts, cid=f"q{self.n}")
        state = self.tracker.state_for(c)
        misses = self.cache.misses
        got = self.cache.decide(state, c)
        _same(got, state, c, state.config, {})
        if record:
            w = got.agents[0]
            self.tracker.consult(c, Routed(w, got.groups.get(w), got.reason))
        return got, self.cache.misses > misses


def test_a_pool_change_in_a_group_not_matched_keeps_the_decision():
    day = _Day(_hand_shop())
    d1, _ = day.ask()
    assert set(d1.agents) == {day.a("a1"), day.a("a2")}
    day.status("b1", "offline")  # g_b's pool changes: g_a's does not
    d2, missed = day.ask()
    assert d2 is d1 and not missed
    day.take("b2")  # so does a load in g_b
    assert day.ask() == (d1, False)


def test_a_pool_change_in_a_matched_group_changes_the_decision_and_its_return_brings_it_back():
    day = _Day(_hand_shop())
    d1, _ = day.ask()
    day.status("a2", "offline")
    d2, missed = day.ask()
    assert missed and d2.agents == (day.a("a1"),)
    day.status("a2", "online")  # the same pool as at first: the same key, the same decision
    assert day.ask() == (d1, False)
    day.take("a1")
    day.take("a1")  # a1 at its limit (2): out of the pool
    d3, missed = day.ask()
    assert missed and d3.agents == (day.a("a2"),)


def test_overflow_and_rule_8_read_every_group_and_the_proxies():
    day = _Day(_hand_shop(), online=("b1",))
    d1, _ = day.ask()  # g_a empty: overflow to every group with an eligible member (g_b)
    assert d1.reason == "only_one_online" and d1.agents == (day.a("b1"),) and d1.remaining_groups == ("g_b",)
    day.status("c1", "online")  # a group not matched, but overflow reads it
    d2, missed = day.ask()
    assert missed and set(d2.agents) == {day.a("b1"), day.a("c1")}
    day.status("b1", "offline")
    day.status("c1", "offline")
    d3, _ = day.ask()  # nobody in any group: rule 8 (no fallback to a proxy: none online)
    assert d3.rule == "R8" and d3.reason == "main_account_fallback"
    day.status("px", "online")  # in no group: only rule 8 reads it
    d4, missed = day.ask()
    assert missed and d4.rule == "R8" and d4.agents == (day.a("px"),)
    day.status("px", "offline")
    assert day.ask() == (d3, False)


def test_round_robin_walks_the_rotation_past_many_ineligible_members():
    """The next eligible member after the pointer when it is far (select.py: by its position)."""
    from engine_helpers import agent, config, group
    names = [f"m{i:02d}" for i in range(40)]
    cfg = config([agent(n) for n in names], [group("g_a", names, states=["shipped"]), group("g_b", ["m00"])],
                 strategy="round_robin")
    # m03..m19 and m23..m39 offline: more than a short walk after m02 and after m22 (around the end)
    day = _Day(cfg, online=names[:3] + names[20:23])
    seen = [day.ask(record=True)[0].agents[0] for _ in range(8)]  # each checked against decide
    assert seen == [day.a(n) for n in names[:3] + names[20:23] + names[:2]]


def test_the_buyers_own_session_at_a_limit_is_a_pool_of_its_own():
    """A buyer whose open session holds an agent at its limit sees that agent below it (the
    session ends at this consult): its pool differs from everyone else's, and so does its key."""
    from engine_helpers import consult
    day = _Day(_hand_shop(recent_contact_hours=0), online=("a1", "a2"))  # (rule 4 would pick a1)
    b1 = day.take("a1")
    day.take("a1")  # a1 at its limit (2)
    d1, _ = day.ask()
    assert d1.agents == (day.a("a2"),)
    b3 = day.take("a2")  # an open session below the limit
    got = []
    for buyer in (b1, b3, b1):  # at the same moment (the pools do not change between)
        c = consult(order_state="shipped", buyer=buyer, ts=day.ts + 1, cid="again-" + buyer)
        state = day.tracker.state_for(c)
        got.append(day.cache.decide(state, c))
        _same(got[-1], state, c, state.config, {})
    assert set(got[0].agents) == {day.a("a1"), day.a("a2")} and got[1] is d1 and got[2] is got[0]
    assert day.ask()[0] is d1
