"""The fast paths of issue 17 against the plain definitions, on generated shops of several shapes
and strategies (config changes included: generate switches configs during the day):
- `Context.eligible_among` (rule 6's eligibility at C speed) = `eligibility(state, a)[0]` account
  by account, with proxies and accounts at their limit;
- `FlagWatch` (flags mended account by account from the tracker's changes) = the flags made
  whole from the live maps, at every consult;
- the per-group eligible pools (engine/pools.py, mended from the same changes, patched for the
  buyer's own open sessions) = `eligible_among` of each group's members, and a decision made with
  them = one made without them (explain off, as the sweeps decide);
- the decision cache (its keys now hold those flags) = `engine.decide`, 300 agents, every strategy
  (more shapes, ties, variants: tests/test_decision_cache.py)."""

from __future__ import annotations

import dataclasses

import pytest
from engine_helpers import consult_of, generated_rows

from shunt.engine.cache import DecisionCache
from shunt.engine.flags import FlagWatch, flags_of
from shunt.engine.replay_tracker import ReplayTracker
from shunt.engine import decide
from shunt.engine.context import Context
from shunt.engine.eligibility import eligibility
from shunt.engine.model import Config



def _events(seed: int, agents: int, groups: int, consults: int = 600):
    return generated_rows(seed, agents, groups, consults)


def _replay(rows, strategy: str | None):
    """Feed a ReplayTracker; yield (tracker, state, consult) before each consult is recorded."""
    tr = ReplayTracker()
    for r in rows:
        t, ms = r["type"], r["_ms"]
        if t == "shop_config":
            body = dict(r)
            if strategy:
                body["settings"] = {**body.get("settings", {}), "strategy": strategy}
            tr.set_config(Config.from_body(r["shop"], ms, body))
        elif t == "agent_status":
            tr.status(ms, r["account"], r["status"])
        elif t == "agent_stats":
            tr.stats(ms, r["account"], r.get("conversion_rate", 0.0))
        elif t == "session_end":
            tr.session_end(ms, r["consult"])
        elif t == "consult":
            c, routed = consult_of(r, ms)
            yield tr, tr.state_for(c), c
            tr.consult(c, routed)


SHAPES = [(1, 40, 1), (2, 300, 20), (3, 120, 0), (4, 60, 6)]


@pytest.mark.parametrize("seed,agents,groups", SHAPES)
def test_eligible_among_and_flag_watch_match_the_definitions(seed, agents, groups):
    rows = _events(seed, agents, groups)
    watch = None
    n = 0
    for tr, state, c in _replay(rows, None):
        cfg = state.config
        if cfg is None:
            continue
        accounts = [a.account for a in cfg.agents] + ["zhenpin:nobody"]
        ctx = Context(state, c, explain=False)
        assert ctx.eligible_among(accounts) == [a for a in accounts if eligibility(state, a)[0]]
        cache = DecisionCache(tracker=tr)
        spec = cache.info(cfg).spec
        if watch is None or watch.spec is not spec:
            watch = FlagWatch(spec, tr)
        assert watch.current(tr) == flags_of(spec, tr.live_status, tr.live_load)
        live = tr.live_state(c)
        pools = live.pools.current(ctx.lookup, live.status, live.load, c.buyer)
        lctx = Context(live, c, explain=False)
        assert pools == [tuple(lctx.eligible_among(g.members)) for g in cfg.groups], c.id
        for how in (False, "pool"):
            got = decide(live, c, explain=False, candidates=how)
            want = decide(dataclasses.replace(live, pools=None), c, explain=False, candidates=how)
            assert got == want, c.id
        n += 1
    assert n > 300


@pytest.mark.parametrize("strategy", ["reception_rate", "conversion_rate", "round_robin"])
def test_decision_cache_equals_decide_on_a_big_shop(strategy):
    rows = _events(5, 300, 20, consults=500)
    cache = None
    seen = 0
    for tr, state, c in _replay(rows, strategy):
        if state.config is None:
            continue
        if cache is None:
            cache = DecisionCache(enabled=True, tracker=tr)
        got = cache.decide(state, c)
        want = decide(state, c, explain=False, candidates="eligible")
        assert (got.rule, got.reason, got.agents, got.odds, dict(got.groups), got.matched_groups,
                got.remaining_groups) == (want.rule, want.reason, want.agents, want.odds, dict(want.groups),
                                          want.matched_groups, want.remaining_groups), c.id
        assert [x.account for x in got.candidates] == [x.account for x in want.candidates]
        seen += 1
    assert seen > 300 and cache.hits > 0
