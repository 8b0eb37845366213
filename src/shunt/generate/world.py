"""The synthetic shop that `shunt generate` simulates: accounts, groups, config variants, buyers, orders.

Pure construction from a seeded `random.Random`; nothing here reads a clock or a file.
Used only by the generator (`shunt.generate`).
"""

from __future__ import annotations

import math
import random

ORDER_STATES = ("no_active_order", "unpaid", "not_shipped", "partially_shipped", "shipped", "signed", "refunding")
# `signed` is bound to no group: such consults take step 6f (every group).
STATE_BLOCKS = (("no_active_order", "unpaid"), ("not_shipped", "partially_shipped"), ("shipped",), ("refunding",))
LOGISTICS_INTENTS = (
    "logistics.not_received", "logistics.wrong_place", "logistics.stale_tracking", "logistics.rush",
    "logistics.delivery_method", "logistics.shipping_restriction", "logistics.carrier_choice", "logistics.eta",
)
PRESALE_INTENTS = ("presale.size", "presale.stock", "presale.price")
AFTERSALE_INTENTS = ("aftersale.return", "aftersale.exchange", "aftersale.quality")
OTHER_INTENTS = ("invoice.request",)  # bound to no group
CARRIERS = ("ZTO", "STO", "YUNDA", "YTO", "SF", "JD")  # SF and JD are not logistics-service carriers
CARRIER_WEIGHTS = (30, 18, 18, 16, 12, 6)

AGENT_NAMES = (
    "小美", "小王", "阿杰", "小丽", "小雪", "阿强", "小芳", "小林", "小陈", "阿敏", "小周", "小吴",
    "阿珍", "小杨", "小赵", "阿华", "小何", "小郑", "阿玲", "小孙", "小刘", "阿俊", "小黄", "小徐",
)
GROUP_NAMES = (
    ("g_pre", "售前"), ("g_ship", "发货"), ("g_post", "售后"), ("g_refund", "退款"),
    ("g_logi", "物流"), ("g_vip", "会员"), ("g_big", "大促"), ("g_live", "直播"),
)
NICK_PREFIXES = (
    "tb", "tb_", "小猫咪", "sunny_", "月亮湾", "jojo", "阿宝", "快乐的鱼", "lily_", "晴天", "kk", "大橙子",
    "moon", "甜甜圈", "xiaoyu_", "北方的狼", "coco", "一只兔", "zz_", "柠檬茶",
)

# Relative consult volume per local hour: the 双11 midnight rush, a quiet night, the evening peak.
HOUR_WEIGHTS = (7.0, 3.5, 1.2, 0.6, 0.4, 0.4, 0.6, 1.2, 2.5, 4.0, 4.5, 4.5,
                3.5, 4.0, 4.2, 4.2, 4.0, 4.2, 5.0, 6.5, 9.0, 10.0, 9.5, 8.0)

MEAN_SESSION_S = 420.0  # rough mean of a human session, used to size reception limits


class World:
    """The shop: accounts, groups, items, exclusive buyers, and the config variants it cycles through."""

    def __init__(self, rng: random.Random, *, shop: str, agents: int, groups: int, consults_per_day: float):
        self.shop = shop
        n = max(1, agents)
        self.humans = [f"{shop}:{AGENT_NAMES[i]}" if i < len(AGENT_NAMES) else f"{shop}:客服{i + 1:02d}"
                       for i in range(n)]
        self.proxy = f"{shop}:代理01"
        self.supervisor = f"{shop}:主管"  # listed with routing false
        self.trainee = f"{shop}:新人"  # listed with max_sessions 0: takes no session
        self.assistant = f"{shop}:店小蜜"
        self.items = [str(6243001 + i * 7) for i in range(max(40, 2 * max(0, groups)))]
        self.weights = {a: rng.choice((1, 1, 1, 2, 2, 3)) for a in self.humans}
        self._size_limits(rng, consults_per_day)
        g = max(0, groups)
        self._make_groups(rng, g)
        self._bind(g)
        self.exclusive = [("tb_vip01", self.humans[0], "priority")]
        if len(self.humans) >= 2:
            self.exclusive.append(("tb_vip02", self.humans[1], "1v1"))

    def _size_limits(self, rng: random.Random, consults_per_day: float) -> None:
        """Reception limits sized to the traffic so that the evening peak nearly fills them."""
        n = len(self.humans)
        peak_rate = consults_per_day * max(HOUR_WEIGHTS) / sum(HOUR_WEIGHTS) / 3600.0
        per_agent = 1.6 * peak_rate * MEAN_SESSION_S / max(1.0, 0.55 * n)
        self.max_sessions = {a: max(4, int(round(3 + per_agent * rng.uniform(0.8, 1.4)))) for a in self.humans}
        self.busy_threshold = max(2, int(sorted(self.max_sessions.values())[n // 2] * 0.5))
        self.proxy_max = max(5, int(round(per_agent * 1.5)))

    def _make_groups(self, rng: random.Random, g: int) -> None:
        """`g` bound groups plus one unbound (综合), and their members."""
        self.group_ids: list[str] = []
        self.group_names: list[str] = []
        for i in range(g):
            gid, name = GROUP_NAMES[i] if i < len(GROUP_NAMES) else (f"g_{i + 1:02d}", f"分组{i + 1}")
            self.group_ids.append(gid)
            self.group_names.append(name)
        self.group_ids.append("g_all")
        self.group_names.append("综合")
        members: list[list[str]] = [[] for _ in self.group_ids]
        for i, a in enumerate(self.humans):
            members[i % g if g else 0].append(a)
            if g and rng.random() < 0.3:
                members[-1].append(a)  # also in the unbound group
        if g >= 2 and len(self.humans) >= 2:
            members[1].append(self.humans[0])  # someone in two bound groups
        for i, m in enumerate(members):
            if not m:
                m.append(self.humans[i % len(self.humans)])
        members[0].append(self.supervisor)
        members[-1].append(self.trainee)
        self.members = [tuple(dict.fromkeys(m)) for m in members]

    def _bind(self, g: int) -> None:
        """Binding: order states, items, intents spread over the `g` bound groups."""
        self.bind_states: list[list[str]] = [[] for _ in self.group_ids]
        self.bind_items: list[list[str]] = [[] for _ in self.group_ids]
        self.bind_intents: list[list[str]] = [[] for _ in self.group_ids]
        self.robot_group = 3 % g if g else 0  # the group with robot priority under `robot_priority: group`
        if not g:
            return
        for j, states in enumerate(STATE_BLOCKS):
            self.bind_states[j % g].extend(states)
        for j in range(g):
            self.bind_items[j] = [self.items[2 * j], self.items[2 * j + 1]]
        state_group = {st: j for j in range(g) for st in self.bind_states[j]}
        self.bind_intents[state_group["shipped"]].extend(LOGISTICS_INTENTS)
        self.bind_intents[state_group["no_active_order"]].extend(PRESALE_INTENTS)
        self.bind_intents[state_group["refunding"]].extend(AFTERSALE_INTENTS)

    # --- configuration -------------------------------------------------------------------------

    def config_body(self, variant: int, tz: str) -> dict:
        """The body of a `shop_config` event: variant 0 is the opening one (no fallback: the first
        night goes to the offline pool); changes cycle 1 (noon), 2 (evening), 3 (noon), 4 (evening)."""
        v = 0 if variant == 0 else 1 + (variant - 1) % 4
        #          strategy           robot    intent  off→asst fallback hours
        strategy, robot, intent_routing, to_assistant, fallback, hours = (
            ("reception_rate", "off", False, False, False, 72),
            ("conversion_rate", "group", True, False, True, 72),
            ("round_robin", "shop", False, False, True, 72),
            ("reception_rate", "off", True, False, True, 48),
            ("conversion_rate", "off", False, True, True, 72),
        )[v]
        settings = {
            "recent_contact_hours": hours,
            "robot_priority": robot,
            "assistant": self.assistant,
            "intent_routing": intent_routing,
            "offline_to_assistant": to_assistant,
            "main_account_fallback": fallback,
            "strategy": strategy,
            "busy_threshold": self.busy_threshold,
            "logistics_cs": {"enabled": True, "hours": ["09:00", "21:00"], "carriers": ["ZTO", "STO", "YUNDA", "YTO"]},
        }
        agents = [{"account": self.shop, "weight": 1, "max_sessions": 200, "routing": False, "proxy": False}]
        for a in self.humans:
            w = self.weights[a]
            if v == 3 and a == self.humans[-1]:
                w += 2  # a weight change
            agents.append({"account": a, "weight": w, "max_sessions": self.max_sessions[a], "routing": True, "proxy": False})
        agents.append({"account": self.supervisor, "weight": 1, "max_sessions": 50, "routing": False, "proxy": False})
        agents.append({"account": self.trainee, "weight": 1, "max_sessions": 0, "routing": True, "proxy": False})
        agents.append({"account": self.proxy, "weight": 1, "max_sessions": self.proxy_max, "routing": True, "proxy": True})
        groups = []
        for i, gid in enumerate(self.group_ids):
            groups.append({
                "id": gid, "name": self.group_names[i], "members": list(self.members[i]),
                "robot_priority": robot == "group" and i == self.robot_group,
                "bind": {"order_states": list(self.bind_states[i]), "items": list(self.bind_items[i]),
                         "intents": list(self.bind_intents[i])},
            })
        exclusive = [{"buyer": b, "agent": a, "mode": m} for b, a, m in self.exclusive]
        return {"timezone": tz, "settings": settings, "agents": agents, "groups": groups, "exclusive": exclusive}

    def group_of(self, account: str | None) -> str | None:
        """The first configured group holding `account` (the node group outside rules 6–7)."""
        if account is None:
            return None
        for gid, m in zip(self.group_ids, self.members):
            if account in m:
                return gid
        return None


def carrier_account(carrier: str, rng: random.Random) -> str:
    return f"cainiao_{carrier.lower()}:客服{rng.randint(1, 30):02d}"


def buyer_nick(n: int, rng: random.Random) -> str:
    """A unique buyer nick: a letter/汉字 prefix (no digits) and a number unique to `n`."""
    return f"{rng.choice(NICK_PREFIXES)}{n + 1000}"


def lognormal_s(rng: random.Random, median: float, sigma: float, lo: float, hi: float) -> int:
    return int(min(hi, max(lo, median * math.exp(rng.gauss(0.0, sigma)))))
