"""Rule 4: the buyer's recent contact (最近联系人)."""

from __future__ import annotations

from .context import Context, Result
from .accounts import is_shop_account
from .model import Config, Consult, RecentContact, State, recent_window_ms as window_ms
from .timefmt import ago, hours_text


def recent_in_window(state: State, consult: Consult) -> tuple[RecentContact, ...]:
    """The state's recent contacts, re-checked: within the config's hours before the consult,
    human shop accounts only (never the assistant), most recent first, one per account."""
    return contacts_in_window(state.recent, state.config, consult.ts)


def contacts_in_window(recent: tuple[RecentContact, ...], cfg: Config | None,
                       ts: int) -> tuple[RecentContact, ...]:
    """`recent_in_window` of contacts `recent` under `cfg` (which may be another config than the
    state's: a what-if variant) for a consult at `ts`."""
    if cfg is None or not recent:
        return ()
    lo = ts - window_ms(cfg.settings.recent_contact_hours)
    if len(recent) > 1:
        recent = sorted(recent, key=_minus_ts)
    assistant, shop = cfg.settings.assistant, cfg.shop
    seen: set[str] = set()
    out = []
    for rc in recent:
        acc = rc.account
        if acc in seen or rc.ts < lo or rc.ts > ts or acc == assistant or not is_shop_account(shop, acc):
            continue
        seen.add(acc)
        out.append(rc)
    return tuple(out)


def _minus_ts(rc: RecentContact) -> int:
    return -rc.ts


def r4_recent_contact(ctx: Context) -> Result | None:
    """R4: the first eligible recent contact; not for transfer_to_group; hours 0 turns it off."""
    c = ctx.consult
    hours = ctx.config.settings.recent_contact_hours
    if c.source == "transfer_to_group":
        if ctx.explain:
            ctx.step("R4", "recent_contact", "skip", "A transfer to a group skips recent contact.", source=c.source)
        return None
    if hours <= 0:
        if ctx.explain:
            ctx.step("R4", "recent_contact", "skip", "Recent-contact priority is off (recent_contact_hours 0).", hours=hours)
        return None
    contacts = recent_in_window(ctx.state, c)
    if not contacts:
        if ctx.explain:
            ctx.step("R4", "recent_contact", "pass",
                     f"The buyer had no contact with the shop's agents in the {hours_text(hours)} h before.",
                     hours=hours, contacts=[])
        return None
    rows = []
    for rc in contacts:
        ok, why = ctx.eligible(rc.account), ctx.why_not(rc.account)
        rows.append({"account": rc.account, "ts": rc.ts, "eligible": ok, "why_not": why,
                     "status": ctx.state.status_of(rc.account), "load": ctx.state.load_of(rc.account)})
        if ok:
            skipped = "; ".join(f"{r['account']} was {r['why_not']}" for r in rows[:-1])
            more = f" ({skipped})" if skipped else ""
            if ctx.explain:
                ctx.step("R4", "recent_contact", "decide",
                         f"{rc.account} was the buyer's first eligible recent contact, {ago(c.ts - rc.ts)} before{more}.",
                         hours=hours, contacts=rows)
            return Result("recent_contact", (rc.account,), {rc.account: 1.0})
    listed = "; ".join(f"{r['account']} was {r['why_not']}" for r in rows)
    if ctx.explain:
        ctx.step("R4", "recent_contact", "pass", f"No recent contact was eligible: {listed}.", hours=hours, contacts=rows)
    return None
