"""why-silent's quick path for the accounts a rule may take while ineligible (the assistant, the main
account, a proxy): on hand-made shops under every combination of the settings that decide it, a cause
given without running the rules is the cause the full replay gives (`passed_by` of `decide`)."""

from __future__ import annotations

from itertools import product

from engine_helpers import BOT, SHOP, agent, config, consult, group, state
from shunt.engine import decide
from shunt.diagnose.passed_by import Quick, known_without_decision, passed_by

PROXY = "zhenpin:代理"
GROUPS = (group("g1", ["甲"], robot=True), group("g2", ["乙"], states=["shipped"]))
PLAIN = (group("g1", ["甲"]), group("g2", ["乙"], states=["shipped"]))  # no group has robot priority
AGENTS = (agent(SHOP, routing=False, max_sessions=200), agent("甲", max_sessions=2), agent("乙"),
          agent(PROXY, proxy=True, max_sessions=1), agent("丙"))  # 丙: listed, in no group
ACCOUNTS = (SHOP, BOT, PROXY, "zhenpin:甲", "zhenpin:乙")


def _cases():
    for to_asst, fallback, robot, groups in product((False, True), (False, True), ("off", "shop", "group"),
                                                   ((), GROUPS, PLAIN)):
        cfg = config(AGENTS, groups, offline_to_assistant=to_asst, main_account_fallback=fallback,
                     robot_priority=robot, exclusive=[("tb_x", "甲", "1v1")])
        for online, load in (((), {}), (("甲",), {}), (("甲",), {"甲": 2}), ((BOT,), {}), ((PROXY,), {}),
                             ((PROXY,), {PROXY: 1}), ((BOT, PROXY), {}), ((BOT, "乙"), {}), (("丙",), {})):
            st = state(cfg, online=online, load=load)
            for source, buyer, order_state in (("item_page", "tb_b1", None), ("bot_transfer", "tb_b1", "shipped"),
                                               ("item_page", "tb_b1", "shipped"), ("item_page", "tb_x", None)):
                yield st, consult(source, buyer=buyer, order_state=order_state)


def test_a_cause_known_without_the_rules_is_theirs_for_the_accounts_rules_take_while_ineligible():
    known: dict[str, set] = {a: set() for a in ACCOUNTS}
    ran = 0
    for st, c in _cases():
        d = decide(st, c, explain=False)
        for a in ACCOUNTS:
            code = known_without_decision(st, c, a)
            assert Quick(a).code(st, c) == code, (a, c.source, c.buyer, st.config.settings)
            if code is None:
                continue
            ran += 1
            want = passed_by(st, c, d, a)[0]
            assert code == want, (a, code, want, d.reason, c.source, c.buyer, st.status, st.config.settings)
            known[a].add(code)
    # the quick path does answer for them (else this test would check nothing)
    assert "assistant_account" in known[BOT] and known[SHOP] and known[PROXY], known
    assert ran > 500
