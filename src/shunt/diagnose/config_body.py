"""A Config back to the `shop_config` body it was read from (what Config.from_body reads)."""

from __future__ import annotations

from typing import Any

from shunt.engine.model import Config


def to_body(cfg: Config) -> dict[str, Any]:
    """A Config back to a `shop_config` body (what Config.from_body reads)."""
    s = cfg.settings
    return {
        "timezone": cfg.timezone,
        "settings": {
            "recent_contact_hours": s.recent_contact_hours, "robot_priority": s.robot_priority,
            "assistant": s.assistant, "intent_routing": s.intent_routing,
            "offline_to_assistant": s.offline_to_assistant, "main_account_fallback": s.main_account_fallback,
            "strategy": s.strategy, "busy_threshold": s.busy_threshold,
            "logistics_cs": {"enabled": s.logistics.enabled, "hours": list(s.logistics.hours),
                             "carriers": list(s.logistics.carriers)},
        },
        "agents": [{"account": a.account, "weight": a.weight, "max_sessions": a.max_sessions,
                    "routing": a.routing, "proxy": a.proxy} for a in cfg.agents],
        "groups": [{"id": g.id, "name": g.name, "members": list(g.members), "robot_priority": g.robot_priority,
                    "bind": {"order_states": list(g.bind.order_states), "items": list(g.bind.items),
                             "intents": list(g.bind.intents)}} for g in cfg.groups],
        "exclusive": [{"buyer": e.buyer, "agent": e.agent, "mode": e.mode} for e in cfg.exclusive],
    }
