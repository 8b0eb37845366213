"""decide(state, consult): run the rules in order and record every step."""

from __future__ import annotations

from .context import Context
from .groups import node_group
from .lookup import NodeGroups
from .model import Candidate, Consult, Decision, State, Step
from .rules import RULES

_POOLED: dict[str, Candidate] = {}  # account → its pool row (made once per account)


def decide(state: State, consult: Consult, explain: bool = True, candidates: bool | str = True) -> Decision:
    """The replayed decision for `consult` against `state` (the shop just before it).

    `explain=False` skips the step texts and facts (`steps` is empty): the same replayable,
    reason, rule, agents, odds, groups, matched/remaining groups and candidates, faster —
    for callers that read only the outcome (sweeps). `candidates=False` (only with
    explain=False) also leaves `Decision.candidates` empty: the same outcome without building
    rule 7's table (generate, which reads only the winners); `candidates="eligible"` (only with
    explain=False) keeps only its eligible rows, in the same order; `candidates="pool"` (only
    with explain=False) gives as candidates rule 7's pool — the accounts of the eligible rows, in
    the same order — as rows that say only that (`pool_row`: their other figures are not the
    state's), without building the table (about a third of a run): the decision cache's form."""
    if state.config is None:
        return Decision(replayable=False, steps=(Step(
            rule="R0", name="config", outcome="skip",
            detail="No shop_config is in force at or before this consult, so it cannot be replayed.", facts={}),))
    return _decide(state, consult, explain, candidates, RULES)


_PAST_5 = RULES[5:]  # rules 6–8
assert [r.code for r in _PAST_5] == ["R6", "R7", "R8"]


def decide_past_5(state: State, consult: Consult) -> Decision:
    """`decide(state, consult, explain=False, candidates="pool")` for a consult whose rules 1–5
    are known to pass (they decide nothing with its inputs: the decision cache knows it from an
    earlier consult with the same ones): rules 6–8 only, the same decision."""
    return _decide(state, consult, False, "pool", _PAST_5)


def _decide(state: State, consult: Consult, explain: bool, candidates: bool | str, rules) -> Decision:
    if state.config is None:
        return decide(state, consult)
    pool = candidates == "pool" and not explain
    ctx = Context(state, consult, explain, True if explain else (False if pool else candidates))
    for rule in rules:
        result = rule.fn(ctx)
        if result is not None:
            break
    else:  # pragma: no cover - R8 always decides
        raise AssertionError("rule 8 must decide")
    if rule.code == "R7":  # the winners are members of the remaining groups (no groups: in none)
        groups = winners_groups(result.agents, ctx.node)
    else:
        remaining = ctx.remaining if rule.code == "R6" else ()
        groups = {a: node_group(state.config, a, remaining) for a in result.agents}
    odds = result.odds if type(result.odds) is dict else dict(result.odds)  # rules make a fresh dict
    # positional (the hot path): replayable, reason, rule, agents, odds, groups, matched groups,
    # remaining groups, candidates, steps
    rows = pool_rows(ctx.pool) if pool else ctx.candidates
    return Decision(True, result.reason, rule.code, result.agents, odds, groups, ctx.matched, ctx.remaining,
                    rows, tuple(ctx.steps))


_GROUPS: dict[int, tuple] = {}  # id(winners) → (winners, node map, their groups)


def winners_groups(agents: tuple[str, ...], node) -> dict[str, str | None]:
    """Rule 7's winners → their node groups (`node`: Context.node), the same dict for the same
    winners and node objects (rule 7's winners by weight on an unchanged pool are shared)."""
    e = _GROUPS.get(id(agents))
    if e is None or e[0] is not agents or e[1] is not node:
        if len(_GROUPS) >= 64:
            _GROUPS.clear()
        got = node.many(agents) if node.__class__ is NodeGroups else dict(zip(agents, map(node.get, agents)))
        e = _GROUPS[id(agents)] = (agents, node, got)  # (holds them: their ids stay unique)
    return e[2]


_ROWS: dict[int, tuple] = {}  # id(pool) → (pool, its rows)


def pool_rows(pool: tuple[str, ...]) -> tuple[Candidate, ...]:
    """The rows of rule 7's pool (no groups: it may list an account twice, as the table does),
    made once per pool object (the pools are shared while the groups' pools do not change)."""
    if not pool:
        return ()
    e = _ROWS.get(id(pool))
    if e is None or e[0] is not pool:
        rows = tuple(map(_POOLED.get, pool))
        if not all(rows):  # (a row is true: this tests for None at C speed)
            rows = tuple(map(pool_row, pool))
        if len(_ROWS) >= 64:
            _ROWS.clear()
            _POOL_OF.clear()
        e = _ROWS[id(pool)] = (pool, rows)  # (holds the pool: its id stays unique)
        _POOL_OF[id(rows)] = (rows, pool)
    return e[1]


_POOL_OF: dict[int, tuple] = {}  # id(rows) → (rows, pool): `pool_rows` the other way


def pool_of_rows(rows: tuple) -> tuple[str, ...] | None:
    """The pool whose rows `pool_rows` made `rows` (the same object), if still remembered."""
    e = _POOL_OF.get(id(rows))
    return e[1] if e is not None and e[0] is rows else None


def pool_row(account: str) -> Candidate:
    """An eligible candidate row that gives only its account (made once per account)."""
    row = _POOLED.get(account)
    if row is None:
        if len(_POOLED) >= 100_000:
            _POOLED.clear()
        row = _POOLED[account] = Candidate(account, (), "online", 0, None, 0.0, 0.0, False, True)
    return row
