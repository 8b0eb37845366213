"""decide(state, consult): run the rules in order and record every step."""

from __future__ import annotations

from .context import Context
from .groups import node_group
from .model import Consult, Decision, State, Step
from .rules import RULES


def decide(state: State, consult: Consult, explain: bool = True, candidates: bool | str = True) -> Decision:
    """The replayed decision for `consult` against `state` (the shop just before it).

    `explain=False` skips the step texts and facts (`steps` is empty): the same replayable,
    reason, rule, agents, odds, groups, matched/remaining groups and candidates, faster —
    for callers that read only the outcome (sweeps). `candidates=False` (only with
    explain=False) also leaves `Decision.candidates` empty: the same outcome without building
    rule 7's table (generate, which reads only the winners); `candidates="eligible"` (only with
    explain=False) keeps only its eligible rows, in the same order (balance and simulate)."""
    if state.config is None:
        return Decision(replayable=False, steps=(Step(
            rule="R0", name="config", outcome="skip",
            detail="No shop_config is in force at or before this consult, so it cannot be replayed.", facts={}),))
    ctx = Context(state, consult, explain, True if explain else candidates)
    for rule in RULES:
        result = rule.fn(ctx)
        if result is not None:
            break
    else:  # pragma: no cover - R8 always decides
        raise AssertionError("rule 8 must decide")
    if rule.code == "R7":  # the winners are members of the remaining groups (no groups: in none)
        groups = {a: ctx.node.get(a) for a in result.agents}
    else:
        remaining = ctx.remaining if rule.code == "R6" else ()
        groups = {a: node_group(state.config, a, remaining) for a in result.agents}
    odds = result.odds if type(result.odds) is dict else dict(result.odds)  # rules make a fresh dict
    # positional (the hot path): replayable, reason, rule, agents, odds, groups, matched groups,
    # remaining groups, candidates, steps
    return Decision(True, result.reason, rule.code, result.agents, odds, groups, ctx.matched, ctx.remaining,
                    ctx.candidates, tuple(ctx.steps))
