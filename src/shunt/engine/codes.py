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

# replay finding codes (engine/replay.py) → (中文, English: what the recorded node did, after "N consults ...").
# Stable: scripts and `shunt audit` group mismatches by them (README, "Audit finding codes").
FINDINGS: dict[str, tuple[str, str]] = {
    # the recorded agent
    "agent_offline": ("分给了离线账号", "went to an account that was offline per the status log"),
    "agent_suspended": ("分给了挂起的账号", "went to an account that was suspended (挂起)"),
    "agent_not_online": ("分给了不在线的账号", "went to an account whose status was not online"),
    "agent_no_status": ("分给了没有状态记录的账号", "went to an account with no status event before (offline)"),
    "agent_not_listed": ("分给了不在分流设置中的账号", "went to an account not listed in the configuration"),
    "agent_routing_off": ("分给了不参与分流的账号", "went to an account with routing off (不参与分流)"),
    "agent_no_capacity": ("分给了接待上限为0的账号", "went to an account with reception limit 0"),
    "agent_at_capacity": ("分给了达到接待上限的账号", "went to an account at its reception limit"),
    "agent_is_proxy": ("分给了代理账号,而有其他账号可接待", "went to a proxy account while another was eligible"),
    "agent_not_proxy": ("记为代理账号分流,但账号不是代理账号", "were recorded as proxy_account to a non-proxy account"),
    # the recorded reason's own conditions
    "unknown_reason": ("记录的原因不是分流原因", "carry a reason that is not a routing reason code"),
    "source_differs": ("记录的原因与咨询来源不符", "carry a reason that does not fit the consult's source"),
    "initiator_differs": ("千牛发起的聊天记给了别的账号", "went to another account than the one who started the chat"),
    "transfer_target_differs": ("转交记给了别的账号", "went to another account than the transfer's target"),
    "target_offline": ("转交给了离线账号", "were transferred to an account that was offline"),
    "target_suspended": ("转交给了挂起的账号", "were transferred to an account that was suspended"),
    "target_not_online": ("转交给了不在线的账号", "were transferred to an account that was not online"),
    "target_no_status": ("转交给了没有状态记录的账号", "were transferred to an account with no status event"),
    "no_exclusive_agent": ("记为专属客服,但买家没有专属客服", "were recorded as exclusive for a buyer without one"),
    "exclusive_agent_differs": ("记为专属客服,但不是买家的专属客服", "went to another account than the buyer's exclusive agent"),
    "exclusive_mode_differs": ("专属客服模式不符", "carry the other exclusive mode (1v1 / priority)"),
    "recent_contact_skipped_by_transfer": ("转交到组不看最近联系人", "were recorded as recent contact on a transfer to a group"),
    "recent_contact_off": ("最近联系人已关闭", "were recorded as recent contact while it was off"),
    "no_recent_contact": ("记为最近联系人,但期间没有联系", "were recorded as recent contact without a contact in the window"),
    "recent_contact_not_latest": ("有更近的可接待联系人", "skipped a more recent eligible contact"),
    "no_assistant": ("记给了服务助手,但没有配置助手", "went to the assistant while none was configured"),
    "assistant_differs": ("记给的不是配置的服务助手", "went to another account than the configured assistant"),
    "assistant_offline": ("服务助手离线", "went to the assistant while it was offline"),
    "assistant_suspended": ("服务助手挂起", "went to the assistant while it was suspended"),
    "assistant_not_online": ("服务助手不在线", "went to the assistant while it was not online"),
    "assistant_no_status": ("服务助手没有状态记录", "went to the assistant with no status event before"),
    "robot_priority_differs": ("机器人优先设置不符", "carry a robot priority the configuration does not have"),
    "robot_skips_bot_transfer": ("转人工的咨询又给了机器人", "went back to the robot after the assistant handed over"),
    "group_robot_off": ("分组机器人优先未开启", "were recorded as group robot priority for a group without it"),
    "offline_to_assistant_off": ("全店离线给助手未开启", "were recorded as offline_to_assistant while it was off"),
    "fallback_off": ("主账号兜底未开启", "were recorded as main account fallback while it was off"),
    "main_account_differs": ("兜底记给了非主账号", "went to another account than the main account as fallback"),
    "assistant_before_fallback": ("应先给服务助手", "went to the main account although the assistant comes first"),
    "offline_queue_names_agent": ("进入离线池,却记有接待账号", "were recorded as offline pool but name an account"),
    "assistant_takes_offline": ("应给服务助手,而非离线池", "went to the offline pool although the assistant takes it"),
    "fallback_takes_offline": ("应给主账号兜底,而非离线池", "went to the offline pool although the main account takes it"),
    "proxy_first": ("有可接待的代理账号", "skipped an eligible proxy account"),
    # agent selection (rule 7)
    "strategy_differs": ("分流方式与设置不符", "carry another strategy than the configured one"),
    "not_only_one_online": ("记为只有一个在线,但有多个可接待", "were recorded as only one online while several were eligible"),
    "only_one_eligible": ("只有一个可接待,应为只有一个在线", "should be only_one_online: one candidate was eligible"),
    "lost_on_load": ("接待更多的账号拿到了咨询", "went to a busier account than the least loaded"),
    "zero_weight": ("权重为0的账号拿到了咨询", "went to an account with weight 0"),
    "lower_conversion": ("转化率更低的账号拿到了咨询", "went to an account with a lower conversion rate"),
    "round_robin_next": ("不是依次分配的下一个", "went to another account than the next in the rotation"),
    "round_robin_start": ("依次分配应从第一个开始", "went to another account than the rotation's first"),
    "agent_in_no_group": ("分给了不在任何分组的账号", "went to an account in no group"),
    "agent_group_dropped": ("账号所在分组没有可接待成员", "went to an account whose group had no eligible member"),
    "agent_group_unmatched": ("账号所在分组未匹配", "went to an account outside the matched groups"),
    # an earlier rule decides (skipped_ + the rule's name)
    "skipped_qianniu_initiated": ("千牛发起的聊天被重新分流", "routed a chat started from Qianniu"),
    "skipped_transfer_to_agent": ("忽略了转交到人", "ignored a transfer to an agent"),
    "skipped_exclusive": ("跳过了在线的专属客服", "skipped the buyer's eligible exclusive agent"),
    "skipped_recent_contact": ("跳过了可接待的最近联系人", "skipped the buyer's eligible recent contact"),
    "skipped_robot_priority_shop": ("跳过了全店机器人优先", "skipped shop-wide robot priority"),
    "skipped_group_matching": ("跳过了分组机器人优先", "skipped the group's robot priority"),
    "skipped_agent_selection": ("有可接待的分组成员却走了兜底", "fell back although a group member was eligible"),
    # nothing more specific
    "decision_differs": ("记录的分流与回放不同", "differ from the replay (reason or account)"),
}

# why a node cannot be replayed
NOT_REPLAYABLE: dict[str, tuple[str, str]] = {
    "no_config": ("此前没有分流设置", "no shop_config is in force at or before the consult"),
}
