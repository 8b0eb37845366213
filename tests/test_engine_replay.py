"""compare(): a match, and the findings that name the recorded fact breaking a mismatch."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from engine_helpers import BOT, MIN, T0, a, agent, config, consult, group, state
from shunt.engine import compare, decide
from shunt.engine.model import Routed

SH = ZoneInfo("Asia/Shanghai")
PRE = group("g_pre", ["甲", "乙"], states=["no_active_order"])
POST = group("g_post", ["丙", "小美"], states=["shipped"])


def shop(**kw):
    kw.setdefault("groups", (PRE, POST))
    kw.setdefault("agents", ["甲", "乙", "丙", agent("小美", max_sessions=6)])
    return config(**kw)


def verdict(st, c, routed, tz=SH):
    return compare(st, c, decide(st, c), routed, tz=tz)


def text(v):
    return " | ".join(v.findings)


def test_match_and_not_replayable():
    st = state(shop(), online=["甲", "乙"])
    v = verdict(st, consult(), Routed(a("乙"), "g_pre", "reception_rate"))
    assert v.match is True and v.findings == ()
    v = verdict(state(None), consult(), Routed(a("乙"), None, "reception_rate"))
    assert v.match is None and "cannot be replayed" in v.findings[0]
    v = verdict(state(shop(main_account_fallback=False)), consult(), Routed(None, None, "offline_queue"))
    assert v.match is True


def test_agent_offline_since():
    since = T0 - 38 * MIN - 29_000  # 10:40:00 - 00:38:29 = 10:01:31 Shanghai
    st = state(shop(), online=["甲", "乙"], since={"小美": since})  # no status entry: offline
    v = verdict(st, consult(order_state="shipped"), Routed(a("小美"), "g_post", "reception_rate"))
    assert v.match is False
    assert f"the recorded agent {a('小美')} was offline since 10:01:31 per the status log" in v.findings
    # without a tz: UTC clock
    v = verdict(st, consult(order_state="shipped"), Routed(a("小美"), "g_post", "reception_rate"), tz=None)
    assert any("since 2025-11-11 02:01:31 UTC" in f for f in v.findings)
    # no status event at all
    v = verdict(state(shop(), online=["甲"]), consult(), Routed(a("乙"), "g_pre", "only_one_online"))
    assert any("had no status event before this consult" in f for f in v.findings)


def test_agent_over_capacity():
    st = state(shop(), online=["丙", "小美"], load={"小美": 6, "丙": 1})
    v = verdict(st, consult(order_state="shipped"), Routed(a("小美"), "g_post", "reception_rate"))
    assert v.match is False
    assert "the recorded agent held 6 open sessions (limit 6)" in v.findings


def test_agent_busier_than_winner():
    st = state(shop(), online=["甲", "乙"], load={"甲": 6, "乙": 1})
    v = verdict(st, consult(), Routed(a("甲"), "g_pre", "reception_rate"))
    assert v.match is False
    assert f"{a('甲')} held 6 open sessions; {a('乙')} held 1 — busy-ness picks the least loaded" in v.findings


def test_agent_not_in_matched_group():
    st = state(shop(), online=["甲", "丙", "小美"])
    v = verdict(st, consult(order_state="shipped"), Routed(a("甲"), "g_pre", "reception_rate"))
    assert v.match is False
    assert f"{a('甲')} is in no group matched for order state shipped" in v.findings


def test_wrong_reason():
    # replay: recent contact 甲; record: reception_rate to 甲
    st = state(shop(), online=["甲", "乙"], recent=[("甲", 30)])
    v = verdict(st, consult(), Routed(a("甲"), "g_pre", "reception_rate"))
    assert v.match is False
    assert any(f.startswith("rule R4 (recent_contact) decides before rule R7") and "30 min before" in f for f in v.findings)
    assert v.findings[-1].startswith("the replay gives recent_contact")
    # record says recent contact, but the buyer never talked to 乙
    st = state(shop(), online=["甲", "乙"])
    v = verdict(st, consult(), Routed(a("乙"), "g_pre", "recent_contact"))
    assert f"the buyer had no contact with {a('乙')} in the 72 h before" in v.findings
    # a more recent eligible contact existed
    st = state(shop(), online=["甲", "乙"], recent=[("甲", 5), ("乙", 50)])
    v = verdict(st, consult(), Routed(a("乙"), "g_pre", "recent_contact"))
    assert any(f.startswith(f"{a('甲')} was a more recent contact (at 10:35:00) and eligible") for f in v.findings)


def test_wrong_strategy_and_only_one():
    st = state(shop(), online=["甲", "乙"])
    v = verdict(st, consult(), Routed(a("甲"), "g_pre", "round_robin"))
    assert "the configured strategy is reception_rate, not round_robin" in v.findings
    v = verdict(st, consult(), Routed(a("甲"), "g_pre", "only_one_online"))
    assert any("2 candidates were eligible" in f for f in v.findings)


def test_conversion_and_round_robin_findings():
    st = state(shop(strategy="conversion_rate"), online=["甲", "乙"], conversion={"甲": 0.1, "乙": 0.3})
    v = verdict(st, consult(), Routed(a("甲"), "g_pre", "conversion_rate"))
    assert f"{a('甲')}'s conversion rate 0.1 is below {a('乙')}'s 0.3 — conversion rate picks the highest" in v.findings
    st = state(shop(strategy="round_robin"), online=["甲", "乙"], last_pick={"g_pre": ("乙", 3)})
    v = verdict(st, consult(), Routed(a("乙"), "g_pre", "round_robin"))
    assert any(f.startswith(f"the last pick was {a('乙')} at 10:37:00 in group g_pre") for f in v.findings)


def test_fallback_and_robot_findings():
    st = state(shop(), online=["甲"])
    v = verdict(st, consult(), Routed("zhenpin", None, "main_account_fallback"))
    assert any(f.startswith("rule R7 (agent_selection) decides before rule R8") for f in v.findings)
    st = state(shop(robot_priority="shop"))
    v = verdict(st, consult(), Routed(BOT, None, "robot_priority_shop"))
    assert f"the assistant {BOT} had no status event before this consult, so it counts as offline" in v.findings
    st = state(shop(), online=[BOT])
    v = verdict(st, consult("transfer_to_agent", target=a("丙")), Routed(a("丙"), None, "transfer_to_agent"))
    assert any(f.startswith(f"the transfer target {a('丙')}") for f in v.findings)


def test_exclusive_findings():
    st = state(shop(exclusive=[("tb_b1", "丙", "priority")]), online=["甲", "丙"])
    v = verdict(st, consult(), Routed(a("丙"), "g_post", "exclusive_1v1"))
    assert f"the buyer's exclusive agent {a('丙')} is in priority mode, not 1v1" in v.findings
    v = verdict(state(shop(), online=["甲"]), consult(), Routed(a("丙"), None, "exclusive_priority"))
    assert "the buyer tb_b1 has no exclusive agent in the configuration" in v.findings
