"""Rule 3: the buyer's exclusive agent (专属客服)."""

from __future__ import annotations

from .context import Context, Result
from .eligibility import candidate_facts


def r3_exclusive(ctx: Context) -> Result | None:
    """R3: `1v1` → that agent whatever its status; `priority` → that agent if eligible, else go on."""
    c = ctx.consult
    ex = ctx.config.exclusive_for(c.buyer)
    if ex is None:
        if ctx.explain:
            ctx.step("R3", "exclusive", "skip", f"The buyer {c.buyer} has no exclusive agent.", buyer=c.buyer)
        return None
    row = candidate_facts(ctx.cand(ex.agent))
    if ex.mode == "1v1":
        st = ctx.state.status_of(ex.agent)
        wait = "" if st == "online" else f" (it was {st}: the buyer waits for it)"
        if ctx.explain:
            ctx.step("R3", "exclusive", "decide",
                     f"The buyer's exclusive agent is {ex.agent} in 1v1 mode, which takes the buyer whatever its status{wait}.",
                     buyer=c.buyer, agent=ex.agent, mode=ex.mode, candidate=row)
        return Result("exclusive_1v1", (ex.agent,), {ex.agent: 1.0})
    ok, why = row["eligible"], row["why_not"]
    if ok:
        if ctx.explain:
            ctx.step("R3", "exclusive", "decide",
                     f"The buyer's exclusive agent {ex.agent} (priority mode) was eligible: online, load {row['load']}.",
                     buyer=c.buyer, agent=ex.agent, mode=ex.mode, candidate=row)
        return Result("exclusive_priority", (ex.agent,), {ex.agent: 1.0})
    if ctx.explain:
        ctx.step("R3", "exclusive", "pass",
                 f"The buyer's exclusive agent {ex.agent} (priority mode) was not eligible ({why}), so routing goes on.",
                 buyer=c.buyer, agent=ex.agent, mode=ex.mode, candidate=row)
    return None
