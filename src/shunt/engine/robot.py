"""Robot priority: rule 5 (shop-wide) and the group check at the end of rule 6."""

from __future__ import annotations

from .context import Context, Result
from .model import GroupConf


def r5_robot_priority_shop(ctx: Context) -> Result | None:
    """R5: robot_priority `shop`, source not bot_transfer, assistant configured and online → the assistant."""
    s = ctx.config.settings
    c = ctx.consult
    facts = {"robot_priority": s.robot_priority, "source": c.source, "assistant": s.assistant,
             "assistant_status": ctx.state.status_of(s.assistant) if s.assistant else None} if ctx.explain else {}
    if s.robot_priority != "shop":
        if ctx.explain:
            ctx.step("R5", "robot_priority_shop", "skip", f"Robot priority is {s.robot_priority}, not shop.", **facts)
        return None
    why = _assistant_blocked(ctx)
    if why:
        if ctx.explain:
            ctx.step("R5", "robot_priority_shop", "pass", f"Shop-wide robot priority is on but {why}.", **facts)
        return None
    if ctx.explain:
        ctx.step("R5", "robot_priority_shop", "decide",
                 f"Shop-wide robot priority is on and the assistant {s.assistant} was online.", **facts)
    return Result("robot_priority_shop", (s.assistant,), {s.assistant: 1.0})


def group_robot(ctx: Context, first: GroupConf | None) -> Result | None:
    """End of R6: the first matched group (before dropping) has robot_priority, settings `group`,
    source not bot_transfer and the assistant online → the assistant."""
    s = ctx.config.settings
    if first is None or s.robot_priority != "group":
        return None
    facts = {"group": first.id, "group_robot_priority": first.robot_priority, "robot_priority": s.robot_priority,
             "source": ctx.consult.source, "assistant": s.assistant,
             "assistant_status": ctx.state.status_of(s.assistant) if s.assistant else None} if ctx.explain else {}
    if not first.robot_priority:
        if ctx.explain:
            ctx.step("R6", "robot_priority_group", "skip",
                     f"The first matched group {first.id} has robot priority off.", **facts)
        return None
    why = _assistant_blocked(ctx)
    if why:
        if ctx.explain:
            ctx.step("R6", "robot_priority_group", "pass",
                     f"The first matched group {first.id} has robot priority but {why}.", **facts)
        return None
    if ctx.explain:
        ctx.step("R6", "robot_priority_group", "decide",
                 f"The first matched group {first.id} has robot priority and the assistant {s.assistant} was online.", **facts)
    return Result("robot_priority_group", (s.assistant,), {s.assistant: 1.0})


def _assistant_blocked(ctx: Context) -> str | None:
    s = ctx.config.settings
    if ctx.consult.source == "bot_transfer":
        return "the consult came from the assistant (bot_transfer)"
    if not s.assistant:
        return "no assistant is configured"
    st = ctx.state.status_of(s.assistant)
    if st != "online":
        return f"the assistant {s.assistant} was {st}"
    return None
