"""The engine's data: configuration, a consult, the state at a moment, and the decision.

Pure values (frozen dataclasses, see frozen.py). Times are epoch milliseconds. Nothing here reads a clock,
a file or a database.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Mapping

from .frozen import frozen
from .lookup import lookup

ORDER_STATES = ("no_active_order", "unpaid", "not_shipped", "partially_shipped", "shipped", "signed", "refunding")
SOURCES = (
    "item_page", "order_page", "unknown", "bot_transfer", "transfer_to_agent",
    "transfer_to_group", "offline_pool", "qianniu_initiated",
)
STATUSES = ("online", "suspended", "offline")
STRATEGIES = ("reception_rate", "conversion_rate", "round_robin")
# Reasons decided by agent selection (rule 7): they move a group's round-robin pointer. The order is
# the one the store's SQL lists them in (store/schema.SELECTION_IN: a partial index's WHERE clause).
SELECTION_ORDER = ("only_one_online", "reception_rate", "conversion_rate", "round_robin")
SELECTION_REASONS = frozenset(SELECTION_ORDER)
HOUR_MS = 3_600_000  # an hour in epoch ms: the one definition (engine, store, diagnose read it here)


def recent_window_ms(hours: float) -> int:
    """The recent-contact window (settings.recent_contact_hours) in ms, as every reader rounds it."""
    return int(round(hours * HOUR_MS))
DEFAULT_CARRIERS = ("ZTO", "STO", "YUNDA", "YTO")


@frozen
class LogisticsSettings:
    """The shop's logistics three-party settings (invitations of carriers' agents)."""

    enabled: bool = False
    hours: tuple[str, str] = ("09:00", "21:00")
    carriers: tuple[str, ...] = DEFAULT_CARRIERS


@frozen
class Settings:
    """Shop-wide routing settings of a shop_config."""

    recent_contact_hours: float = 72
    robot_priority: str = "off"  # off | shop | group
    assistant: str | None = None
    intent_routing: bool = False
    offline_to_assistant: bool = False
    main_account_fallback: bool = True
    strategy: str = "reception_rate"
    busy_threshold: int = 4
    logistics: LogisticsSettings = field(default_factory=LogisticsSettings)


@frozen
class AgentConf:
    """One listed account of a shop_config: weight, reception limit, routing switch, proxy."""

    account: str
    weight: float = 1.0
    max_sessions: int | None = None  # None: no limit; 0: takes no session at all
    routing: bool = True
    proxy: bool = False


@frozen
class Bind:
    """What a group is bound to: order states, items, intents (empty: unbound)."""

    order_states: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.order_states or self.items or self.intents)


@frozen
class GroupConf:
    """A group of a shop_config: its members in order and its binding."""

    id: str
    name: str
    members: tuple[str, ...] = ()
    robot_priority: bool = False
    bind: Bind = field(default_factory=Bind)


@frozen
class Exclusive:
    """An exclusive (专属) buyer → agent entry of a shop_config."""

    buyer: str
    agent: str
    mode: str  # priority | 1v1


@frozen
class Config:
    """A shop's routing configuration in force from `ts` (a shop_config event)."""

    shop: str
    ts: int
    timezone: str = "Asia/Shanghai"
    settings: Settings = field(default_factory=Settings)
    agents: tuple[AgentConf, ...] = ()
    groups: tuple[GroupConf, ...] = ()
    exclusive: tuple[Exclusive, ...] = ()

    def agent(self, account: str | None) -> AgentConf | None:
        """The account's listing (the first one, if listed twice), or None."""
        return lookup(self).agents.get(account)

    def group(self, group_id: str | None) -> GroupConf | None:
        for g in self.groups:
            if g.id == group_id:
                return g
        return None

    def groups_of(self, account: str) -> tuple[GroupConf, ...]:
        return tuple(g for g in self.groups if account in g.members)

    def exclusive_for(self, buyer: str) -> Exclusive | None:
        for e in self.exclusive:
            if e.buyer == buyer:
                return e
        return None

    @classmethod
    def from_body(cls, shop: str, ts: int, body: Mapping[str, Any]) -> "Config":
        """Build from a `shop_config` event (a dict as in log-format.md); missing settings take defaults."""
        s = body.get("settings") or {}
        lg = s.get("logistics_cs") or {}
        hours = lg.get("hours") or ("09:00", "21:00")
        settings = Settings(
            recent_contact_hours=float(s.get("recent_contact_hours", 72) if s.get("recent_contact_hours") is not None else 72),
            robot_priority=s.get("robot_priority") or "off",
            assistant=s.get("assistant") or None,
            intent_routing=bool(s.get("intent_routing", False)),
            offline_to_assistant=bool(s.get("offline_to_assistant", False)),
            main_account_fallback=bool(s.get("main_account_fallback", True)),
            strategy=s.get("strategy") or "reception_rate",
            busy_threshold=int(s.get("busy_threshold", 4) if s.get("busy_threshold") is not None else 4),
            logistics=LogisticsSettings(
                enabled=bool(lg.get("enabled", False)),
                hours=(str(hours[0]), str(hours[1])) if len(hours) >= 2 else ("09:00", "21:00"),
                carriers=tuple(lg.get("carriers") or DEFAULT_CARRIERS),
            ),
        )
        agents = []  # (positional, one .get per key: a config of 1000 agents is parsed at a point question's start)
        for a in body.get("agents") or ():
            account, get = a["account"], a.get
            w, cap = get("weight"), get("max_sessions")
            agents.append(AgentConf(account, 1.0 if w is None else float(w), None if cap is None else int(cap),
                                    bool(get("routing", True)), bool(get("proxy", False))))
        groups = []
        for g in body.get("groups") or ():
            b = g.get("bind") or {}
            gid = g["id"]
            groups.append(GroupConf(
                str(gid), str(g.get("name") or gid), tuple(g.get("members") or ()), bool(g.get("robot_priority", False)),
                Bind(tuple(b.get("order_states") or ()), tuple(map(str, items)) if (items := b.get("items")) else (),
                     tuple(b.get("intents") or ()))))
        exclusive = tuple(
            Exclusive(buyer=e["buyer"], agent=e["agent"], mode=e.get("mode") or "priority")
            for e in body.get("exclusive") or ()
        )
        return cls(shop=shop, ts=ts, timezone=body.get("timezone") or "Asia/Shanghai",
                   settings=settings, agents=tuple(agents), groups=tuple(groups), exclusive=exclusive)


@frozen
class Order:
    """The order a consult carries: id, state, carrier, packages."""

    id: str | None = None
    state: str = "no_active_order"
    carrier: str | None = None
    packages: int | None = None


@frozen
class Consult:
    """One routing node's input: what the platform knew when the buyer arrived."""

    id: str
    ts: int
    buyer: str
    source: str = "unknown"
    item: str | None = None
    order: Order | None = None
    intent: str | None = None
    by: str | None = None
    target: str | None = None

    @property
    def order_state(self) -> str:
        return self.order.state if self.order else "no_active_order"


@frozen
class Routed:
    """The platform's recorded decision for a consult."""

    agent: str | None
    group: str | None
    reason: str


@frozen
class RecentContact:
    """An account the buyer was routed to (or contacted by) recently, and when."""

    account: str
    ts: int  # when this buyer was last routed to (or contacted by) the account


@frozen
class LastPick:
    """Round robin: the latest consult that rule 7 routed within a group."""

    ts: int
    consult: str
    account: str


@frozen
class State:
    """The shop at the moment just before a consult (see docs/semantics.md for the exact cut)."""

    config: Config | None
    status: Mapping[str, str] = field(default_factory=dict)  # missing → offline
    status_since: Mapping[str, int] = field(default_factory=dict)
    load: Mapping[str, int] = field(default_factory=dict)  # open sessions; missing → 0
    recent: tuple[RecentContact, ...] = ()  # this buyer's, in the window, most recent first, one per account
    conversion: Mapping[str, float] = field(default_factory=dict)  # missing → 0
    last_pick: Mapping[str, LastPick] = field(default_factory=dict)  # group id → last rule-7 pick
    # the tracker's per-group eligible pools for exactly these maps (engine/pools.py), or None:
    # a shortcut of rule 6 (same outcome); only a tracker's live States carry them
    pools: Any = None

    def status_of(self, account: str) -> str:
        return self.status.get(account, "offline")

    def load_of(self, account: str) -> int:
        return self.load.get(account, 0)


@frozen
class Step:
    """One thing the engine looked at: rule code, outcome, a sentence, and the facts (JSON-able)."""

    rule: str  # stable code, e.g. "R4"
    name: str  # e.g. "recent_contact"
    outcome: str  # "skip" | "pass" | "decide" | "match" | "drop" | "info"
    detail: str
    facts: Mapping[str, Any] = field(default_factory=dict)


@frozen
class Candidate:
    """One row of rule 7's candidate table: an account's figures at the decision's moment."""

    account: str
    groups: tuple[str, ...]
    status: str
    load: int
    max_sessions: int | None
    weight: float
    conversion: float
    busy: bool
    eligible: bool
    why_not: str | None = None  # offline | suspended | routing_disabled | not_listed | no_capacity | at_capacity | proxy


@frozen
class Decision:
    """The engine's answer for one consult: reason, winners and their odds, group, steps."""

    replayable: bool
    reason: str | None = None
    rule: str | None = None  # code of the rule that decided
    agents: tuple[str, ...] = ()  # the winners (a set, in a stable order); empty for offline_queue
    odds: Mapping[str, float] = field(default_factory=dict)  # winner → probability of being picked
    groups: Mapping[str, str | None] = field(default_factory=dict)  # winner → the node's group
    matched_groups: tuple[str, ...] = ()  # after group matching (6a–f)
    remaining_groups: tuple[str, ...] = ()  # after dropping groups without eligible members / overflow
    candidates: tuple[Candidate, ...] = ()  # rule 7's table (every member of the remaining groups)
    steps: tuple[Step, ...] = ()


@frozen
class Verdict:
    """A recorded node compared with its replay."""

    match: bool | None  # None: not replayable
    findings: tuple[str, ...] = ()  # the recorded facts that break it (empty on a match)
    codes: tuple[str, ...] = ()  # each finding's stable code (codes.FINDINGS), in the same order
