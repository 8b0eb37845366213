"""Rule 7: agent selection among the eligible members of the remaining groups."""

from __future__ import annotations

from bisect import bisect_right
from itertools import compress, repeat
from operator import attrgetter, eq
from typing import Mapping

from . import pool_order
from .context import Context, Result
from .eligibility import candidate_facts
from .model import LastPick
from .odds import equal, weighted
from .picks import UNSET, Picks


def r7_select(ctx: Context) -> Result | None:
    """R7: one → only_one_online; else by the configured strategy (unknown strategy → reception_rate).
    It chooses from `ctx.pool`, the eligible accounts of the rotation (the eligible rows of the table)."""
    pool = ctx.pool
    table = [candidate_facts(c) for c in ctx.candidates] if ctx.explain else []
    if not pool:
        if ctx.explain:
            ctx.step("R7", "agent_selection", "pass", "No candidate was eligible.", candidates=table)
        return None
    if len(pool) == 1:
        a = pool[0]
        if ctx.explain:
            ctx.step("R7", "only_one_online", "decide",
                     f"{a} was the only eligible candidate (load {ctx.state.load_of(a)}).", candidates=table)
        return Result("only_one_online", (a,), {a: 1.0})
    strategy = ctx.config.settings.strategy
    if strategy == "conversion_rate":
        return _conversion_rate(ctx, pool, table)
    if strategy == "round_robin":
        return _round_robin(ctx, pool, table)
    return _reception_rate(ctx, pool, table)


def _names(accounts) -> str:
    return ", ".join(accounts)


def _reception_rate(ctx: Context, pool, table) -> Result:
    t = ctx.config.settings.busy_threshold
    load = ctx.state.load
    loads = list(map(load.get, pool, repeat(0)))
    if max(loads) > t:  # someone is busy
        low = min(loads)
        win = list(compress(pool, map(eq, loads, repeat(low))))
        agents, odds = equal(win)
        if ctx.explain:
            busy = [a for a, n in zip(pool, loads) if n > t]
            text = "; ".join(f"{a} {n}" for a, n in zip(pool, loads))
            ctx.step("R7", "reception_rate", "decide",
                     f"{_names(busy)} held more than {t} open sessions (busy), so the least loaded win: "
                     f"{_names(win)} with {low} (loads: {text}).",
                     candidates=table, busy_threshold=t, busy=busy, least_load=low)
        return Result("reception_rate", agents, odds)
    weight = ctx.lookup.weight
    agents, odds = by_weight(pool, weight)
    if ctx.explain:
        ctx.step("R7", "reception_rate", "decide",
                 f"No candidate held more than {t} open sessions, so all {len(pool)} win by weight "
                 f"({'; '.join(f'{a} weight {weight[a]:g}' for a in pool)}).",
                 candidates=table, busy_threshold=t, busy=[])
    return Result("reception_rate", agents, odds)


def _conversion_rate(ctx: Context, pool, table) -> Result:
    conv = ctx.state.conversion
    view = ctx.view
    if view is not None and conv is view.gp.by_rate.conversion:
        if ctx.kept.every:  # every group's pool: the accounts in rate order (engine/every.py)
            top = view.every_top(conv)
            win = None if top is None else list(map(view.gp.rot.__getitem__, top))
        elif pool_order.by_group(len(ctx.kept_at), len(pool)):
            win = view.top_rated(ctx.kept_at, conv)  # (the groups' places in rate order, not the pool's rates)
        else:
            win = None
        if win is not None:
            agents, odds = weighted(win, ctx.lookup.weight)
            return Result("conversion_rate", agents, odds)
    rates = list(map(float, map(conv.get, pool, repeat(0.0))))
    best = max(rates)
    win = list(compress(pool, map(eq, rates, repeat(best))))
    agents, odds = weighted(win, ctx.lookup.weight)
    if ctx.explain:
        text = "; ".join(f"{a} {r:g}" for a, r in zip(pool, rates))
        ctx.step("R7", "conversion_rate", "decide",
                 f"The highest conversion rate wins: {_names(win)} with {best:g} (rates: {text}).",
                 candidates=table, best=best)
    return Result("conversion_rate", agents, odds)


_WEIGHTED: dict[int, tuple] = {}  # id(pool) → (pool, weights, winners, odds)


def by_weight(pool: tuple[str, ...], weight: Mapping[str, float]) -> tuple[tuple[str, ...], dict[str, float]]:
    """`weighted(pool, weight)`, the same objects for the same pool and weights objects (a pool
    object stands for one version of the kept groups' pools): decisions made on unchanged pools
    share their winners and odds."""
    e = _WEIGHTED.get(id(pool))
    if e is None or e[0] is not pool or e[1] is not weight:
        if len(_WEIGHTED) >= 64:
            _WEIGHTED.clear()
        e = _WEIGHTED[id(pool)] = (pool, weight, *weighted(pool, weight))  # (holds both: ids stay unique)
    return e[2], e[3]


_RECENCY = attrgetter("ts", "consult")


def latest_pick(last_pick: Mapping[str, LastPick], groups: tuple[str, ...]) -> LastPick | None:
    """The most recent last pick among these groups (the first of equals, in their order), at C speed
    (from the tracker's recency order when it keeps one: engine/picks.py)."""
    if last_pick.__class__ is Picks:
        got = last_pick.latest(groups)
        if got is not UNSET:
            return got
    return max(filter(None, map(last_pick.get, groups)), key=_RECENCY, default=None)


def pointer(ctx: Context) -> tuple[str, LastPick] | None:
    """Round robin's pointer: the most recent last pick among the remaining groups."""
    picks = ctx.state.last_pick
    best = latest_pick(picks, ctx.remaining)
    if best is None:
        return None
    return next(g for g in ctx.remaining if picks.get(g) is best), best


def _round_robin(ctx: Context, pool, table) -> Result:
    if not ctx.explain:
        winner = _next_eligible(ctx, pool)
        return Result("round_robin", (winner,), {winner: 1.0})
    eligible = set(pool)
    rotation = list(ctx.rotation)
    p = pointer(ctx)
    winner = None
    if p is not None and p[1].account in rotation:
        i = rotation.index(p[1].account)
        for k in range(1, len(rotation) + 1):
            a = rotation[(i + k) % len(rotation)]
            if a in eligible:
                winner = a
                break
        detail = (f"The last pick in group {p[0]} was {p[1].account}; the next eligible member after it "
                  f"in the rotation is {winner}.")
    else:
        winner = pool[0]
        why = "there is no earlier pick" if p is None else f"the last pick {p[1].account} is not in the rotation"
        detail = f"Round robin starts at the first eligible candidate, {winner}, because {why}."
    ctx.step("R7", "round_robin", "decide", detail, candidates=table, rotation=rotation,
             pointer=None if p is None else {"group": p[0], "account": p[1].account, "ts": p[1].ts, "consult": p[1].consult})
    return Result("round_robin", (winner,), {winner: 1.0})


_WALK = 16  # rotation members tried one by one before the pool's positions are looked up


def _next_eligible(ctx: Context, pool: tuple[str, ...]) -> str:
    """Round robin's winner without explaining: the first eligible member of the rotation after
    the pointer's account (cyclically; itself last), or the pool's first when there is no pointer
    in the rotation. The members just after it are tried one by one (eligible: in the pool);
    past a few, the next pool member by its position in the rotation (`bisect`): a decision
    costs O(log pool), not the rotation."""
    best = latest_pick(ctx.state.last_pick, ctx.remaining)
    if best is None:
        return pool[0]
    kept = ctx.kept
    if kept is not None:  # (rule 6 from the pools: the winner from their places, else the rotation)
        got = kept.next_after(ctx.view, best.account, pool)
        if got is not None:
            return got
        ctx.rotation = kept.rotation()
    rotation = ctx.rotation
    index = ctx.lookup.rotation_index(rotation)
    i = index.get(best.account)
    if i is None:
        return pool[0]
    n = len(rotation)
    eligible = ctx.eligible
    for k in range(i + 1, i + 1 + (min(n, _WALK) if len(index) == n else n)):  # (repeats: all of it)
        a = rotation[k % n]
        if eligible(a):
            return a
    at = _positions(pool, index)
    j = bisect_right(at, i)
    return pool[j] if j < len(pool) else pool[0]


_AT: dict[int, tuple] = {}  # id(pool) → (pool, rotation index, the pool members' indexes in it)


def _positions(pool: tuple[str, ...], index: dict[str, int]) -> list[int]:
    """The indexes in the rotation of the pool's members (ascending: the pool is in rotation
    order), made once per pool object (one per version of the kept groups' pools)."""
    e = _AT.get(id(pool))
    if e is None or e[0] is not pool or e[1] is not index:
        if len(_AT) >= 64:
            _AT.clear()
        e = _AT[id(pool)] = (pool, index, list(map(index.__getitem__, pool)))
    return e[2]
