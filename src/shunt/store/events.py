"""The log's event types, as msgspec Structs (tagged by `type`, unknown fields forbidden): what the
fast decoder (store/decode.py) reads a line into, and the vocabularies the messages name."""

from __future__ import annotations

from typing import Annotated, Literal, Union

import msgspec

from shunt.engine.model import ORDER_STATES, SOURCES, STATUSES

_I64 = 2**63 - 1

NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
Count = Annotated[int, msgspec.Meta(ge=0, le=_I64)]
Status = Literal[STATUSES]  # type: ignore[valid-type]
Source = Literal[SOURCES]  # type: ignore[valid-type]
OrderState = Literal[ORDER_STATES]  # type: ignore[valid-type]
Sender = Literal["buyer", "agent", "logistics"]
Action = Literal["invite", "join", "decline", "end"]
Party = Literal["platform", "merchant"]

ENUMS = {
    "status": STATUSES, "source": SOURCES, "order.state": ORDER_STATES,
    "sender": ("buyer", "agent", "logistics"), "action": ("invite", "join", "decline", "end"),
    "by": ("platform", "merchant"),
}


# gc=False: decoded JSON cannot form reference cycles, and untracked Structs cost the collector nothing
class _Event(msgspec.Struct, forbid_unknown_fields=True, tag_field="type", kw_only=True, gc=False):
    ts: Union[str, int]
    shop: NonEmpty
    id: Union[str, int, None] = None
    v: Union[int, None] = None


class ShopConfig(_Event, tag="shop_config", forbid_unknown_fields=False):
    timezone: Union[str, None] = None
    settings: Union[dict, None] = None
    agents: Union[list, None] = None
    groups: Union[list, None] = None
    exclusive: Union[list, None] = None


class AgentStatus(_Event, tag="agent_status"):
    account: NonEmpty
    status: Status


class AgentStats(_Event, tag="agent_stats"):
    account: NonEmpty
    conversion_rate: float


class Order(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    state: OrderState
    id: Union[str, int, None] = None
    carrier: Union[str, None] = None
    packages: Union[Count, None] = None


class RoutedS(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    reason: NonEmpty
    agent: Union[str, None] = None
    group: Union[str, None] = None


class ConsultE(_Event, tag="consult"):
    buyer: NonEmpty
    routed: RoutedS
    source: Source = "unknown"
    item: Union[str, int, None] = None
    order: Union[Order, None] = None
    intent: Union[str, None] = None
    by: Union[str, None] = None
    target: Union[str, None] = None


class SessionEnd(_Event, tag="session_end"):
    consult: NonEmpty


class Message(_Event, tag="message"):
    buyer: NonEmpty
    sender: Sender
    account: Union[str, None] = None
    consult: Union[str, None] = None


class Logistics(_Event, tag="logistics"):
    consult: NonEmpty
    action: Action
    by: Union[Party, None] = None
    account: Union[str, None] = None
    carrier: Union[str, None] = None
    order: Union[str, int, None] = None


TYPES: dict[str, type] = {
    "shop_config": ShopConfig, "agent_status": AgentStatus, "agent_stats": AgentStats,
    "consult": ConsultE, "session_end": SessionEnd, "message": Message, "logistics": Logistics,
}
TABLE_OF = {
    "shop_config": "configs", "agent_status": "statuses", "agent_stats": "stats",
    "consult": "consults", "session_end": "session_ends", "message": "messages",
    "logistics": "logistics",
}
NESTED = {"consult": {"order": Order, "routed": RoutedS}}
KIND = {cls: (TABLE_OF[typ], typ) for typ, cls in TYPES.items()}  # Struct class → (table, type)
