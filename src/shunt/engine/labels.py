"""Chinese and English labels for codes (next to codes.py's reasons). JSON keeps the codes; the human view shows labels."""

from __future__ import annotations

SOURCES = {
    "item_page": ("商品页亮灯", "item page"),
    "order_page": ("订单页亮灯", "order page"),
    "unknown": ("未知来源亮灯", "unknown source"),
    "bot_transfer": ("转人工", "bot hand-over"),
    "transfer_to_agent": ("转交到人", "transfer to agent"),
    "transfer_to_group": ("转交到组", "transfer to group"),
    "offline_pool": ("离线消息池重新分配", "offline pool re-route"),
    "qianniu_initiated": ("千牛端发起聊天", "started by agent"),
}

ORDER_STATES = {
    "no_active_order": ("无活跃订单", "no active order"),
    "unpaid": ("待付款", "unpaid"),
    "not_shipped": ("未发货", "not shipped"),
    "partially_shipped": ("部分发货", "partially shipped"),
    "shipped": ("已发货", "shipped"),
    "signed": ("已签收", "signed"),
    "refunding": ("售后/退款中", "refunding"),
}

STATUSES = {"online": ("在线", "online"), "suspended": ("挂起", "suspended"), "offline": ("离线", "offline")}

CAUSES = {
    "offline": ("离线", "offline"),
    "suspended": ("挂起", "suspended"),
    "routing_disabled": ("不参与分流", "routing disabled"),
    "not_in_group": ("不在任何分组", "in no group"),
    "at_capacity": ("达到接待上限", "at its reception limit"),
    "no_capacity": ("接待上限为0", "reception limit 0"),
    "proxy_only": ("代理账号", "proxy account only"),
    "assistant_account": ("服务助手账号", "the assistant (bot)"),
    "logistics_account": ("物流客服账号", "a carrier's logistics account"),
    "group_unmatched": ("所在分组未匹配", "its groups were not matched"),
    "recent_contact_elsewhere": ("买家的最近联系人是别人", "buyers' recent contacts were others"),
    "exclusive_elsewhere": ("买家有专属客服", "buyers have another exclusive agent"),
    "robot_priority": ("机器人优先", "robot priority"),
    "lost_selection": ("分配时未被选中", "lost the selection"),
    "no_traffic": ("无咨询", "no traffic"),
}


def reason(code: str | None) -> str:
    if code is None:
        return "-"
    from shunt.engine.codes import REASONS

    zh, en = REASONS.get(code, (code, code))
    return f"{zh} {en}" if zh != en else code


def label(table: dict, code: str | None) -> str:
    if code is None:
        return "-"
    zh, en = table.get(code, (code, code))
    return f"{zh} {en}" if zh != en else code
