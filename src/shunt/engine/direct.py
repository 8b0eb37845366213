"""Rules 1–2: consults that go straight to a named account (not routed)."""

from __future__ import annotations

from .context import Context, Result


def r1_qianniu_initiated(ctx: Context) -> Result | None:
    """R1: an agent started the chat from Qianniu → it goes to `by`, whatever its status."""
    c = ctx.consult
    if c.source != "qianniu_initiated":
        if ctx.explain:
            ctx.step("R1", "qianniu_initiated", "skip", f"The source is {c.source}, not qianniu_initiated.", source=c.source)
        return None
    if c.by is None:
        if ctx.explain:
            ctx.step("R1", "qianniu_initiated", "decide",
                     "The chat was started from Qianniu but the log names no starting account (by is null).",
                     source=c.source, by=None)
        return Result("qianniu_initiated", (), {})
    if ctx.explain:
        ctx.step("R1", "qianniu_initiated", "decide",
                 f"{c.by} started the chat from Qianniu, so it is not routed: it stays with {c.by}.",
                 source=c.source, by=c.by, status=ctx.state.status_of(c.by))
    return Result("qianniu_initiated", (c.by,), {c.by: 1.0})


def r2_transfer_to_agent(ctx: Context) -> Result | None:
    """R2: a transfer to a named agent goes to the target if it is online (capacity not checked)."""
    c = ctx.consult
    if c.source != "transfer_to_agent":
        if ctx.explain:
            ctx.step("R2", "transfer_to_agent", "skip", f"The source is {c.source}, not transfer_to_agent.", source=c.source)
        return None
    if c.target is None:
        if ctx.explain:
            ctx.step("R2", "transfer_to_agent", "pass",
                     f"{c.by or 'An agent'} transferred the buyer but the log names no target; routing goes on as for an ordinary consult.",
                     by=c.by, target=None)
        return None
    status = ctx.state.status_of(c.target)
    if status != "online":
        if ctx.explain:
            ctx.step("R2", "transfer_to_agent", "pass",
                     f"The transfer target {c.target} was {status}, so routing goes on as for an ordinary consult.",
                     by=c.by, target=c.target, status=status, since=ctx.state.status_since.get(c.target))
        return None
    if ctx.explain:
        ctx.step("R2", "transfer_to_agent", "decide",
                 f"{c.by or 'An agent'} transferred the buyer to {c.target}, who was online.",
                 by=c.by, target=c.target, status=status, load=ctx.state.load_of(c.target))
    return Result("transfer_to_agent", (c.target,), {c.target: 1.0})
