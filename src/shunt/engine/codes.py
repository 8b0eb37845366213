"""Reason codes (routing-rules.md) and rule codes, with their labels."""

from __future__ import annotations

# reason code → (中文, English)
REASONS: dict[str, tuple[str, str]] = {
    "qianniu_initiated": ("千牛端发起聊天(不分流)", "chat started from Qianniu (not routed)"),
    "transfer_to_agent": ("转交到人", "transferred to an agent"),
    "exclusive_1v1": ("专属客服1V1接待", "exclusive agent, 1v1"),
    "exclusive_priority": ("专属客服优先接待", "exclusive agent first"),
    "recent_contact": ("最近联系人", "recent contact"),
    "robot_priority_shop": ("全店机器人优先", "shop-wide robot priority"),
    "robot_priority_group": ("分组机器人优先", "group robot priority"),
    "only_one_online": ("只有一个客服在线", "only one agent online"),
    "reception_rate": ("接待速率优先", "reception speed first (busy-ness)"),
    "conversion_rate": ("转化率优先", "conversion rate first"),
    "round_robin": ("依次分配", "round robin"),
    "proxy_account": ("代理账号", "proxy account"),
    "offline_to_assistant": ("全店离线给助手", "whole shop offline: to the assistant"),
    "main_account_fallback": ("主账号兜底", "main account fallback"),
    "offline_queue": ("进入离线消息池", "offline message pool"),
    "logistics_invited": ("物流客服三方会话", "logistics three-party session"),
}

# rule code → name, in the order the engine tries them
RULE_NAMES: dict[str, str] = {
    "R1": "qianniu_initiated",
    "R2": "transfer_to_agent",
    "R3": "exclusive",
    "R4": "recent_contact",
    "R5": "robot_priority_shop",
    "R6": "group_matching",
    "R7": "agent_selection",
    "R8": "nobody_eligible",
}

# the group-matching sub-steps of rule 6 (step codes R6a..R6f)
GROUP_STEPS: dict[str, str] = {
    "R6a": "transfer_to_group",
    "R6b": "single_group",
    "R6c": "intent",
    "R6d": "item",
    "R6e": "order_state",
    "R6f": "all_groups",
}

# which rule can give each reason
RULE_OF_REASON: dict[str, str] = {
    "qianniu_initiated": "R1",
    "transfer_to_agent": "R2",
    "exclusive_1v1": "R3",
    "exclusive_priority": "R3",
    "recent_contact": "R4",
    "robot_priority_shop": "R5",
    "robot_priority_group": "R6",
    "only_one_online": "R7",
    "reception_rate": "R7",
    "conversion_rate": "R7",
    "round_robin": "R7",
    "proxy_account": "R8",
    "offline_to_assistant": "R8",
    "main_account_fallback": "R8",
    "offline_queue": "R8",
}

# eligibility's why_not codes → (中文, English)
WHY_NOT: dict[str, tuple[str, str]] = {
    "offline": ("离线", "offline"),
    "suspended": ("挂起", "suspended"),
    "routing_disabled": ("不参与分流", "routing disabled"),
    "not_listed": ("未在分流设置中", "not listed in the configuration"),
    "no_capacity": ("接待上限为0", "reception limit 0"),
    "at_capacity": ("达到接待上限", "at its reception limit"),
    "proxy": ("代理账号", "proxy account (only when nobody else is eligible)"),
}
