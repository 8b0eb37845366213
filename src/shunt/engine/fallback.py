"""Rule 8: nobody eligible — proxy accounts, the assistant, the main account, the offline pool."""

from __future__ import annotations

from .context import Context, Result
from .eligibility import eligibility
from .odds import weighted


def r8_fallback(ctx: Context) -> Result:
    """R8 always decides: eligible proxies → offline_to_assistant → main_account_fallback → offline_queue."""
    cfg, state = ctx.config, ctx.state
    s = cfg.settings
    proxies = ctx.lookup.proxies  # every proxy listing, in order
    rows = {a.account: eligibility(state, a.account, allow_proxy=True)[1] for a in proxies}
    ok = [a for a in proxies if rows[a.account] is None]
    facts = {"proxies": rows, "offline_to_assistant": s.offline_to_assistant, "assistant": s.assistant,
             "main_account_fallback": s.main_account_fallback, "shop": cfg.shop} if ctx.explain else {}
    if ok:
        agents, odds = weighted([a.account for a in ok], {a.account: a.weight for a in ok})
        if ctx.explain:
            ctx.step("R8", "proxy_account", "decide",
                     f"Nobody else was eligible; the proxy account(s) {', '.join(agents)} take it.", **facts)
        return Result("proxy_account", agents, odds)
    if s.offline_to_assistant and s.assistant:
        if ctx.explain:
            ctx.step("R8", "offline_to_assistant", "decide",
                     f"Nobody was eligible and offline_to_assistant is on: the assistant {s.assistant} takes it.", **facts)
        return Result("offline_to_assistant", (s.assistant,), {s.assistant: 1.0})
    if s.main_account_fallback:
        if ctx.explain:
            ctx.step("R8", "main_account_fallback", "decide",
                     f"Nobody was eligible and main_account_fallback is on: the main account {cfg.shop} takes it.", **facts)
        return Result("main_account_fallback", (cfg.shop,), {cfg.shop: 1.0})
    if ctx.explain:
        ctx.step("R8", "offline_queue", "decide",
                 "Nobody was eligible and no fallback is on: the messages wait in the offline pool.", **facts)
    return Result("offline_queue", (), {})
