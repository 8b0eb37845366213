"""Rule 6: group matching (分组匹配) a–f, dropping groups without an eligible member, overflow,
and the node's group of a winner."""

from __future__ import annotations

from .context import Context, Result
from .accounts import is_shop_account
from .eligibility import candidate_facts
from .kept import kept_groups
from .lookup import lookup
from .model import Config, GroupConf
from .pools import PoolView
from .robot import group_robot

MAX_MATCHES = 4096  # group-matching outcomes remembered per config


def _ids(groups) -> list[str]:
    return [g.id for g in groups]


def match_groups(ctx: Context) -> tuple[tuple[GroupConf, ...], str]:
    """Steps 6a–f, first non-empty wins. Records one step per step tried. → (groups, basis)."""
    for step in (_transfer_target, _single_group, _by_intent, _by_item, _by_order_state):
        found = step(ctx)
        if found is not None:
            return found
    # f. nothing bound matched → every group
    groups, state = ctx.config.groups, ctx.consult.order_state
    basis = f"order state {state} (bound to no group, so every group)"
    if ctx.explain:
        ctx.step("R6f", "all_groups", "match", f"Nothing bound matched, so every group: {', '.join(_ids(groups))}.",
                 basis=basis, groups=_ids(groups), why={g.id: "nothing bound matched" for g in groups})
    return groups, basis


def _transfer_target(ctx: Context):
    """a. transfer_to_group → the target group."""
    cfg, c = ctx.config, ctx.consult
    if c.source != "transfer_to_group":
        if ctx.explain:
            ctx.step("R6a", "transfer_to_group", "skip", f"The source is {c.source}, not transfer_to_group.", source=c.source)
        return None
    g = cfg.group(c.target)
    if g is not None:
        basis = f"transfer to group {g.id}"
        if ctx.explain:
            ctx.step("R6a", "transfer_to_group", "match", f"{c.by or 'An agent'} transferred the buyer to group {g.id} ({g.name}).",
                     basis=basis, groups=[g.id], why={g.id: "the transfer's target"})
        return (g,), basis
    if ctx.explain:
        ctx.step("R6a", "transfer_to_group", "skip", f"The transfer's target group {c.target} is not configured; matching goes on.",
                 target=c.target)
    return None


def _single_group(ctx: Context):
    """b. one group → it."""
    groups = ctx.config.groups
    if len(groups) == 1:
        g = groups[0]
        basis = "the shop's only group"
        if ctx.explain:
            ctx.step("R6b", "single_group", "match", f"The shop has one group, {g.id} ({g.name}): no matching needed.",
                     basis=basis, groups=[g.id], why={g.id: "the only group"})
        return (g,), basis
    if ctx.explain:
        ctx.step("R6b", "single_group", "skip", f"The shop has {len(groups)} groups.", groups=_ids(groups))
    return None


def _by_intent(ctx: Context):
    """c. bot_transfer + intent + intent_routing → groups bound to the intent."""
    c, s = ctx.consult, ctx.config.settings
    if not (c.source == "bot_transfer" and c.intent and s.intent_routing):
        if ctx.explain:
            why = ("the source is not bot_transfer" if c.source != "bot_transfer"
                   else "the consult has no intent" if not c.intent else "intent routing is off")
            ctx.step("R6c", "intent", "skip", f"Intent matching does not apply: {why}.",
                     source=c.source, intent=c.intent, intent_routing=s.intent_routing)
        return None
    hit = ctx.lookup.by_intent.get(c.intent, ())
    basis = f"intent {c.intent}"
    if hit:
        if ctx.explain:
            ctx.step("R6c", "intent", "match", f"Groups bound to intent {c.intent}: {', '.join(_ids(hit))}.",
                     basis=basis, groups=_ids(hit), why={g.id: f"bound to intent {c.intent}" for g in hit})
        return hit, basis
    if ctx.explain:
        ctx.step("R6c", "intent", "skip", f"No group is bound to intent {c.intent}.", intent=c.intent)
    return None


def _by_item(ctx: Context):
    """d. item → groups bound to it."""
    c = ctx.consult
    if c.item is None:
        if ctx.explain:
            ctx.step("R6d", "item", "skip", "The consult names no item.", item=None)
        return None
    hit = ctx.lookup.by_item.get(str(c.item), ())
    basis = f"item {c.item}"
    if hit:
        if ctx.explain:
            ctx.step("R6d", "item", "match", f"Groups bound to item {c.item}: {', '.join(_ids(hit))}.",
                     basis=basis, groups=_ids(hit), why={g.id: f"bound to item {c.item}" for g in hit})
        return hit, basis
    if ctx.explain:
        ctx.step("R6d", "item", "skip", f"No group is bound to item {c.item}.", item=c.item)
    return None


def _by_order_state(ctx: Context):
    """e. order state → groups bound to it."""
    state = ctx.consult.order_state
    hit = ctx.lookup.by_state.get(state, ())
    basis = f"order state {state}"
    if hit:
        if ctx.explain:
            ctx.step("R6e", "order_state", "match", f"Groups bound to order state {state}: {', '.join(_ids(hit))}.",
                     basis=basis, groups=_ids(hit), why={g.id: f"bound to order state {state}" for g in hit})
        return hit, basis
    if ctx.explain:
        ctx.step("R6e", "order_state", "skip", f"No group is bound to order state {state}.", order_state=state)
    return None


def matched_groups(ctx: Context) -> tuple[tuple[GroupConf, ...], str]:
    """`match_groups`; without explain, remembered per config for the consult's routing fields."""
    if ctx.explain:
        return match_groups(ctx)
    c = ctx.consult
    key = (c.source, c.target, c.intent, c.item, c.order_state)
    memo = ctx.lookup.matches
    hit = memo.get(key)
    if hit is None:
        if len(memo) >= MAX_MATCHES:
            memo.clear()
        hit = memo[key] = match_groups(ctx)
    return hit


def r6_group_matching(ctx: Context) -> Result | None:
    """R6: match groups, drop those without an eligible member (none left → overflow), group robot.

    Eligibility is found for the members of the groups looked at only (the matched ones, or every
    group on overflow), at C speed (`Context.eligible_among`): a decision costs the size of the
    matched groups, not of the shop."""
    cfg = ctx.config
    if not cfg.groups:
        ctx.rotation = ctx.lookup.listed
        ctx.pool = tuple(ctx.eligible_among(ctx.rotation))
        if ctx.table:
            ctx.candidates = tuple(ctx.cand(a) for a in (ctx.rotation if ctx.table is True else ctx.pool))
        if ctx.explain:
            ctx.step("R6", "no_groups", "info", "The shop has no groups: every eligible listed account is a candidate.",
                     candidates=[candidate_facts(r) for r in ctx.candidates])
        return None

    matched, basis = matched_groups(ctx)
    ctx.matched, ctx.basis = ctx.lookup.ids(matched), basis
    if ctx.state.pools is not None and not ctx.table:
        st = ctx.state
        view = st.pools.view(ctx.lookup, st.status, st.load, ctx.consult.buyer)
        if view is not None:
            return _pooled(ctx, matched, view)
    elig = set(ctx.eligible_among(ctx.lookup.rotation(matched)[0]))

    kept = []
    for g in matched:
        if not elig.isdisjoint(g.members):
            kept.append(g)
        elif ctx.explain:
            rows = [ctx.cand(m, (g.id,)) for m in g.members]
            why = "; ".join(f"{r.account} {r.why_not}" for r in rows) or "it has no members"
            ctx.step("R6", "drop", "drop", f"Group {g.id} is dropped: no eligible member ({why}).",
                     group=g.id, members={r.account: r.why_not for r in rows})
    if not kept:
        elig = set(ctx.eligible_among(ctx.lookup.rotation(cfg.groups)[0]))
        kept = [g for g in cfg.groups if not elig.isdisjoint(g.members)]
        if ctx.explain:
            if kept:
                ctx.step("R6", "overflow", "info",
                         f"No matched group had an eligible member, so every group with one takes it (overflow): {', '.join(_ids(kept))}.",
                         groups=_ids(kept))
            else:
                ctx.step("R6", "overflow", "info", "No group has an eligible member.", groups=[])
    ctx.remaining = tuple(_ids(kept))

    ctx.rotation, ctx.node = ctx.lookup.rotation(tuple(kept))
    ctx.pool = tuple(filter(elig.__contains__, ctx.rotation))
    if ctx.table is True:
        ctx.candidates = tuple(ctx.cand(m, ids) for m, ids in ctx.lookup.members(tuple(kept or matched))[0])
    elif ctx.table:  # "eligible": the table's eligible rows only
        ctx.candidates = tuple(ctx.cand(m, ids) for m, ids in ctx.lookup.members(tuple(kept or matched))[0]
                               if m in elig)
    return group_robot(ctx, matched[0] if matched else None)


def _pooled(ctx: Context, matched: tuple[GroupConf, ...], view: PoolView) -> Result | None:
    """Rule 6 (no steps, no table) from the groups' eligible pools (engine/pools.py): the same
    outcome, at the cost of the matched groups (what follows from the kept set is made once per
    set: engine/kept.py; their pools merged once per version)."""
    e = kept_groups(ctx.lookup, matched, view)
    ctx.remaining = e.ids
    ctx.node = e.node
    ctx.pool = e.pool(view)  # the kept groups' pools, in rotation order
    ctx.view, ctx.kept_at, ctx.kept = view, e.at, e  # (round robin's rotation: from `kept` when needed)
    return group_robot(ctx, matched[0] if matched else None)


def node_group(cfg: Config, account: str | None, remaining: tuple[str, ...] = ()) -> str | None:
    """The node's group: the first remaining group holding the winner (rules 6–7), else the first
    configured group holding it; None for the assistant, accounts in no group, non-shop accounts."""
    if account is None or account == cfg.settings.assistant or not is_shop_account(cfg.shop, account):
        return None
    ids = lookup(cfg).holding.get(account)
    if not ids:
        return None
    for gid in ids:
        if gid in remaining:
            return gid
    return ids[0]
