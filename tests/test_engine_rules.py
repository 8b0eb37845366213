"""decide(): every rule, every reason code, and the precedence conflicts."""

from __future__ import annotations

import random

import pytest

from engine_helpers import BOT, HOUR, MIN, SHOP, T0, a, agent, config, consult, group, state
from shunt.engine import REASONS, RULES, decide, eligibility, pick
from shunt.engine.codes import RULE_NAMES, RULE_OF_REASON

# a two-group shop: pre-sales bound to no order, post-sales bound to shipped orders
PRE = group("g_pre", ["甲", "乙"], states=["no_active_order"], items=["6243001"])
POST = group("g_post", ["丙", "丁"], states=["shipped", "signed"], intents=["logistics.eta"])
AGENTS = ["甲", "乙", "丙", "丁"]


def shop(**kw):
    kw.setdefault("groups", (PRE, POST))
    kw.setdefault("agents", AGENTS)
    return config(**kw)


def test_rule_registry_is_ordered_and_stable():
    assert [r.code for r in RULES] == [f"R{i}" for i in range(1, 9)]
    assert {r.code: r.name for r in RULES} == RULE_NAMES
    assert set(RULE_OF_REASON) == set(REASONS) - {"logistics_invited"}
    assert REASONS["logistics_invited"][0] == "物流客服三方会话"


def test_no_config_is_not_replayable():
    d = decide(state(None), consult())
    assert d.replayable is False and d.reason is None and d.agents == ()


# ---- R1, R2 ---------------------------------------------------------------------------------
def test_r1_qianniu_initiated_goes_to_by_even_offline():
    d = decide(state(shop(), online=["甲"]), consult("qianniu_initiated", by="丙"))
    assert (d.reason, d.rule, d.agents) == ("qianniu_initiated", "R1", (a("丙"),))
    assert d.groups == {a("丙"): "g_post"}  # first configured group holding it


def test_r2_transfer_to_agent_online_target():
    d = decide(state(shop(), online=["甲", "丙"], load={"丙": 99}), consult("transfer_to_agent", by="甲", target=a("丙")))
    assert (d.reason, d.agents) == ("transfer_to_agent", (a("丙"),))


def test_r2_transfer_to_offline_target_routes_on():
    st = state(shop(), online=["甲"])
    d = decide(st, consult("transfer_to_agent", by="乙", target=a("丙")))
    assert d.reason == "only_one_online" and d.agents == (a("甲"),)
    r2 = next(s for s in d.steps if s.rule == "R2")
    assert r2.outcome == "pass" and "offline" in r2.detail and a("丙") in r2.detail


# ---- R3 -----------------------------------------------------------------------------------------
def test_r3_exclusive_1v1_whatever_status():
    d = decide(state(shop(exclusive=[("tb_b1", "丙", "1v1")]), online=["甲"]), consult())
    assert (d.reason, d.agents) == ("exclusive_1v1", (a("丙"),))


def test_r3_exclusive_priority_eligible_and_not():
    cfg = shop(exclusive=[("tb_b1", "丙", "priority")])
    d = decide(state(cfg, online=["甲", "丙"]), consult())
    assert (d.reason, d.agents) == ("exclusive_priority", (a("丙"),))
    d = decide(state(cfg, online=["甲"]), consult())
    assert d.reason == "only_one_online"
    assert next(s for s in d.steps if s.rule == "R3").outcome == "pass"


def test_exclusive_priority_beats_recent_contact():
    cfg = shop(exclusive=[("tb_b1", "丙", "priority")])
    d = decide(state(cfg, online=["甲", "丙"], recent=[("甲", 5)]), consult())
    assert (d.reason, d.agents) == ("exclusive_priority", (a("丙"),))


def test_exclusive_priority_ineligible_then_recent_contact():
    cfg = shop(exclusive=[("tb_b1", "丙", "priority")])
    d = decide(state(cfg, online=["甲", "乙"], recent=[("甲", 5)]), consult())
    assert (d.reason, d.agents) == ("recent_contact", (a("甲"),))


def test_exclusive_1v1_beats_recent_contact_even_offline():
    cfg = shop(exclusive=[("tb_b1", "丙", "1v1")])
    d = decide(state(cfg, online=["甲"], recent=[("甲", 5)]), consult())
    assert (d.reason, d.agents) == ("exclusive_1v1", (a("丙"),))


# ---- R4 -----------------------------------------------------------------------------------------
def test_r4_first_eligible_recent_contact():
    st = state(shop(), online=["甲", "乙", "丁"], suspended=["丙"], recent=[("丙", 1), ("丁", 30), ("甲", 60)])
    d = decide(st, consult())
    assert (d.reason, d.rule, d.agents) == ("recent_contact", "R4", (a("丁"),))
    step = next(s for s in d.steps if s.rule == "R4")
    assert "suspended" in step.detail and step.facts["contacts"][0]["why_not"] == "suspended"


def test_recent_contact_beats_bound_group():
    # the order is shipped (g_post), but the buyer's recent contact 甲 is in g_pre
    st = state(shop(), online=["甲", "丙"], recent=[("甲", 10)])
    d = decide(st, consult(order_state="shipped"))
    assert (d.reason, d.agents) == ("recent_contact", (a("甲"),))
    assert d.groups[a("甲")] == "g_pre"


def test_recent_contact_window_and_exclusions():
    cfg = shop(recent_contact_hours=2)
    st = state(cfg, online=["甲", "乙", "丙"], recent=[(BOT, 1), ("cainiao_zto:客服07", 2), ("甲", 121)])
    d = decide(st, consult())
    assert d.reason != "recent_contact"  # the assistant, a logistics account and an out-of-window contact
    st = state(cfg, online=["甲", "乙", "丙"], recent=[("甲", 120)])
    assert decide(st, consult()).reason == "recent_contact"  # exactly at the window edge counts


def test_recent_contact_off_with_zero_hours():
    d = decide(state(shop(recent_contact_hours=0), online=["甲"], recent=[("甲", 1)]), consult())
    assert d.reason == "only_one_online"


def test_transfer_to_group_skips_recent_contact():
    st = state(shop(), online=["甲", "丙"], recent=[("甲", 10)])
    d = decide(st, consult("transfer_to_group", by="乙", target="g_post"))
    assert (d.reason, d.agents) == ("only_one_online", (a("丙"),))
    assert d.matched_groups == ("g_post",) and d.groups == {a("丙"): "g_post"}
    assert next(s for s in d.steps if s.rule == "R4").outcome == "skip"


# ---- R5 and the group robot -------------------------------------------------------------------
def test_shop_robot_priority():
    cfg = shop(robot_priority="shop")
    d = decide(state(cfg, online=["甲", BOT], recent=[("甲", 10)]), consult())
    assert d.reason == "recent_contact"  # recent contact comes first
    d = decide(state(cfg, online=["甲", BOT]), consult())
    assert (d.reason, d.agents, d.groups) == ("robot_priority_shop", (BOT,), {BOT: None})


def test_shop_robot_priority_skips_bot_transfer_and_offline_assistant():
    cfg = shop(robot_priority="shop")
    d = decide(state(cfg, online=["甲", BOT]), consult("bot_transfer", intent="x"))
    assert d.reason == "only_one_online"
    d = decide(state(cfg, online=["甲"]), consult())
    assert d.reason == "only_one_online"
    assert "offline" in next(s for s in d.steps if s.rule == "R5").detail


def test_group_robot_priority_and_bot_transfer():
    robo = group("g_pre", ["甲", "乙"], states=["no_active_order"], robot=True)
    cfg = shop(groups=(robo, POST), robot_priority="group")
    d = decide(state(cfg, online=["甲", BOT]), consult())
    assert (d.reason, d.rule, d.agents) == ("robot_priority_group", "R6", (BOT,))
    assert d.groups == {BOT: None}
    # from the assistant itself: no robot priority
    d = decide(state(cfg, online=["甲", BOT]), consult("bot_transfer"))
    assert (d.reason, d.agents) == ("only_one_online", (a("甲"),))
    # robot priority looks at the first matched group even when it is dropped (nobody online)
    d = decide(state(cfg, online=["丙", BOT]), consult())
    assert d.reason == "robot_priority_group"
    # settings not `group`: group flag ignored
    d = decide(state(shop(groups=(robo, POST), robot_priority="off"), online=["甲", BOT]), consult())
    assert d.reason == "only_one_online"


# ---- R6 ---------------------------------------------------------------------------------------------
def _match_step(d):
    return next(s for s in d.steps if s.rule.startswith("R6") and s.outcome == "match")


def test_r6_matching_steps():
    st = state(shop(intent_routing=True), online=AGENTS)
    d = decide(st, consult("bot_transfer", intent="logistics.eta"))
    assert _match_step(d).rule == "R6c" and d.matched_groups == ("g_post",)
    d = decide(st, consult("item_page", item="6243001", order_state="shipped"))
    assert _match_step(d).rule == "R6d" and d.matched_groups == ("g_pre",)
    d = decide(st, consult("order_page", order_state="shipped"))
    assert _match_step(d).rule == "R6e" and d.matched_groups == ("g_post",)
    assert _match_step(d).facts["why"] == {"g_post": "bound to order state shipped"}
    d = decide(st, consult("unknown"))  # no order → no_active_order
    assert d.matched_groups == ("g_pre",)
    d = decide(st, consult("order_page", order_state="refunding"))
    assert _match_step(d).rule == "R6f" and d.matched_groups == ("g_pre", "g_post")
    # intent routing off: the intent is not used
    d = decide(state(shop(), online=AGENTS), consult("bot_transfer", intent="logistics.eta"))
    assert _match_step(d).rule == "R6e" and d.matched_groups == ("g_pre",)


def test_r6_single_group_and_unknown_transfer_target():
    cfg = shop(groups=(PRE,))
    d = decide(state(cfg, online=["甲", "乙"]), consult(order_state="shipped"))
    assert _match_step(d).rule == "R6b" and d.matched_groups == ("g_pre",)
    d = decide(state(shop(), online=AGENTS), consult("transfer_to_group", target="g_nope", order_state="shipped"))
    assert d.matched_groups == ("g_post",)


def test_overflow_when_all_bound_groups_offline():
    d = decide(state(shop(), online=["甲", "乙"]), consult(order_state="shipped"))
    assert d.matched_groups == ("g_post",) and d.remaining_groups == ("g_pre",)
    assert d.reason == "reception_rate" and set(d.agents) == {a("甲"), a("乙")}
    assert d.groups == {a("甲"): "g_pre", a("乙"): "g_pre"}
    kinds = [s.name for s in d.steps if s.rule == "R6"]
    assert kinds == ["drop", "overflow"]
    drop = next(s for s in d.steps if s.name == "drop")
    assert drop.facts["members"] == {a("丙"): "offline", a("丁"): "offline"}


def test_drop_keeps_groups_with_eligible_members():
    d = decide(state(shop(), online=["甲", "丙"]), consult(order_state="refunding"))
    assert d.remaining_groups == ("g_pre", "g_post")
    st = state(shop(), online=["丙"])
    d = decide(st, consult(order_state="refunding"))
    assert d.remaining_groups == ("g_post",) and d.reason == "only_one_online"


def test_no_groups_shop():
    cfg = config(agents=["甲", "乙"])
    d = decide(state(cfg, online=["甲", "乙"]), consult())
    assert d.reason == "reception_rate" and set(d.agents) == {a("甲"), a("乙")}
    assert d.groups == {a("甲"): None, a("乙"): None}


# ---- R7 -------------------------------------------------------------------------------------------
def test_only_one_online():
    d = decide(state(shop(), online=["甲"]), consult())
    assert (d.reason, d.rule, d.agents, d.odds) == ("only_one_online", "R7", (a("甲"),), {a("甲"): 1.0})


@pytest.mark.parametrize("load, busy", [(4, False), (5, True)])
def test_busy_threshold_edge(load, busy):
    d = decide(state(shop(), online=["甲", "乙"], load={"甲": load, "乙": 2}), consult())
    assert d.reason == "reception_rate"
    if busy:
        assert d.agents == (a("乙"),)
        assert "least loaded" in d.steps[-1].detail
    else:
        assert set(d.agents) == {a("甲"), a("乙")}
        assert d.odds == {a("甲"): 0.5, a("乙"): 0.5}
    assert [c.busy for c in d.candidates] == [busy, False]


def test_busy_least_loaded_ties_equal_odds():
    cfg = shop(agents=[agent("甲", weight=3), "乙", "丙"], groups=(group("g", ["甲", "乙", "丙"]),))
    d = decide(state(cfg, online=["甲", "乙", "丙"], load={"甲": 1, "乙": 1, "丙": 9}), consult())
    assert d.agents == (a("甲"), a("乙")) and d.odds == {a("甲"): 0.5, a("乙"): 0.5}


def test_weighted_odds():
    cfg = shop(agents=[agent("甲", weight=3), agent("乙", weight=1), "丙", "丁"])
    d = decide(state(cfg, online=["甲", "乙"]), consult())
    assert d.odds == {a("甲"): 0.75, a("乙"): 0.25}
    rng = random.Random(7)
    picks = [pick(d, rng) for _ in range(2000)]
    assert 0.70 < picks.count(a("甲")) / 2000 < 0.80
    assert [pick(d, random.Random(3)) for _ in range(5)] == [pick(d, random.Random(3)) for _ in range(5)]


def test_zero_weight_loses_to_positive():
    cfg = shop(agents=[agent("甲", weight=0), "乙", "丙", "丁"])
    d = decide(state(cfg, online=["甲", "乙"]), consult())
    assert d.agents == (a("乙"),)


def test_conversion_rate():
    cfg = shop(strategy="conversion_rate")
    d = decide(state(cfg, online=["甲", "乙"], conversion={"甲": 0.2, "乙": 0.31}), consult())
    assert (d.reason, d.agents) == ("conversion_rate", (a("乙"),))
    d = decide(state(cfg, online=["甲", "乙"]), consult())  # no stats: both 0, tie
    assert set(d.agents) == {a("甲"), a("乙")}


def test_round_robin_rotation_and_wrap():
    g = group("g", ["甲", "乙", "丙"])
    cfg = shop(groups=(g,), agents=["甲", "乙", "丙"], strategy="round_robin")
    on = ["甲", "乙", "丙"]
    assert decide(state(cfg, online=on), consult()).agents == (a("甲"),)  # no pointer: first
    assert decide(state(cfg, online=on, last_pick={"g": ("甲", 1)}), consult()).agents == (a("乙"),)
    assert decide(state(cfg, online=on, last_pick={"g": ("丙", 1)}), consult()).agents == (a("甲"),)  # wrap
    # the next member is offline: skip to the one after it
    assert decide(state(cfg, online=["甲", "丙"], last_pick={"g": ("甲", 1)}), consult()).agents == (a("丙"),)
    d = decide(state(cfg, online=on, last_pick={"g": ("乙", 1)}), consult())
    assert (d.reason, d.agents, d.groups) == ("round_robin", (a("丙"),), {a("丙"): "g"})


def test_round_robin_most_recent_pointer_of_remaining_groups():
    cfg = shop(strategy="round_robin")
    st = state(cfg, online=AGENTS, last_pick={"g_pre": ("甲", 5), "g_post": ("丙", 1)})
    d = decide(st, consult(order_state="refunding"))  # both groups remain; rotation 甲 乙 丙 丁
    assert d.agents == (a("丁"),)


# ---- R8 ----------------------------------------------------------------------------------------
def test_proxy_account():
    cfg = shop(agents=AGENTS + [agent("外包", proxy=True)], groups=(PRE, POST, group("g_x", ["外包"])))
    d = decide(state(cfg, online=["外包"]), consult())
    assert (d.reason, d.rule, d.agents) == ("proxy_account", "R8", (a("外包"),))
    assert d.groups == {a("外包"): "g_x"}
    ok, why = eligibility(state(cfg, online=["外包"]), a("外包"))
    assert (ok, why) == (False, "proxy")
    # somebody else eligible: the proxy never wins
    d = decide(state(cfg, online=["外包", "甲"]), consult())
    assert d.agents == (a("甲"),)


def test_offline_to_assistant_main_account_and_queue():
    d = decide(state(shop(offline_to_assistant=True)), consult())
    assert (d.reason, d.agents) == ("offline_to_assistant", (BOT,))  # whatever the assistant's status
    d = decide(state(shop()), consult())
    assert (d.reason, d.agents, d.groups) == ("main_account_fallback", (SHOP,), {SHOP: None})
    d = decide(state(shop(main_account_fallback=False)), consult())
    assert (d.reason, d.agents, d.odds) == ("offline_queue", (), {})
    assert pick(d, random.Random(1)) is None


def test_eligibility_reasons():
    cfg = shop(agents=[agent("甲", routing=False), agent("乙", max_sessions=0), agent("丙", max_sessions=2), "丁"])
    st = state(cfg, online=["甲", "乙", "丙"], suspended=["丁"], load={"丙": 2})
    assert eligibility(st, a("甲")) == (False, "routing_disabled")
    assert eligibility(st, a("乙")) == (False, "no_capacity")
    assert eligibility(st, a("丙")) == (False, "at_capacity")
    assert eligibility(st, a("丁")) == (False, "suspended")
    assert eligibility(st, a("戊")) == (False, "not_listed")
    assert eligibility(state(cfg), a("丁")) == (False, "offline")
    assert eligibility(state(cfg, online=["丙"], load={"丙": 1}), a("丙")) == (True, None)


# ---- every reason code is reachable -------------------------------------------------------------------
SCENARIOS = {
    "qianniu_initiated": lambda: decide(state(shop()), consult("qianniu_initiated", by="甲")),
    "transfer_to_agent": lambda: decide(state(shop(), online=["丙"]), consult("transfer_to_agent", target=a("丙"))),
    "exclusive_1v1": lambda: decide(state(shop(exclusive=[("tb_b1", "甲", "1v1")])), consult()),
    "exclusive_priority": lambda: decide(state(shop(exclusive=[("tb_b1", "甲", "priority")]), online=["甲"]), consult()),
    "recent_contact": lambda: decide(state(shop(), online=["甲"], recent=[("甲", 1)]), consult()),
    "robot_priority_shop": lambda: decide(state(shop(robot_priority="shop"), online=[BOT]), consult()),
    "robot_priority_group": lambda: decide(state(shop(robot_priority="group", groups=(
        group("g", ["甲"], robot=True), POST)), online=[BOT]), consult()),
    "only_one_online": lambda: decide(state(shop(), online=["甲"]), consult()),
    "reception_rate": lambda: decide(state(shop(), online=["甲", "乙"]), consult()),
    "conversion_rate": lambda: decide(state(shop(strategy="conversion_rate"), online=["甲", "乙"]), consult()),
    "round_robin": lambda: decide(state(shop(strategy="round_robin"), online=["甲", "乙"]), consult()),
    "proxy_account": lambda: decide(state(shop(agents=[agent("外", proxy=True)]), online=["外"]), consult()),
    "offline_to_assistant": lambda: decide(state(shop(offline_to_assistant=True)), consult()),
    "main_account_fallback": lambda: decide(state(shop()), consult()),
    "offline_queue": lambda: decide(state(shop(main_account_fallback=False)), consult()),
}


@pytest.mark.parametrize("reason", sorted(SCENARIOS))
def test_every_reason_code(reason):
    d = SCENARIOS[reason]()
    assert d.reason == reason and d.rule == RULE_OF_REASON[reason]
    assert d.steps[-1].outcome == "decide"
    assert abs(sum(d.odds.values()) - 1.0) < 1e-9 or d.agents == ()


def test_scenarios_cover_every_routing_reason():
    assert set(SCENARIOS) == set(REASONS) - {"logistics_invited"}


def test_steps_are_json_able():
    import json
    d = decide(state(shop(), online=["甲", "乙"], recent=[("丙", 3)], last_pick={"g_pre": ("甲", 2)}), consult("bot_transfer"))
    json.dumps([{"rule": s.rule, "name": s.name, "outcome": s.outcome, "detail": s.detail, "facts": s.facts}
                for s in d.steps], ensure_ascii=False)
    rows = next(s for s in d.steps if s.rule == "R7").facts["candidates"]
    assert {"account", "status", "load", "max_sessions", "weight", "busy", "eligible"} <= set(rows[0])
