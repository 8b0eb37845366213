"""Replay one recorded node: rebuild the state, run the engine, compare."""

from __future__ import annotations

from shunt import engine
from shunt.engine.groups import node_group
from shunt.diagnose.results import Replay
from shunt.engine.model import Consult, Decision, Routed, State
from shunt.engine.replay import matches


def from_decision(state: State, consult: Consult, routed: Routed, decision: Decision, tz=None) -> Replay:
    if not decision.replayable:
        return Replay(match=None, steps=decision.steps,
                      note="no routing configuration was loaded at or before this node: it cannot be replayed")
    verdict = engine.compare(state, consult, decision, routed, tz=tz)
    group = rule_group(state, decision, routed.agent)
    return Replay(
        match=verdict.match,
        reason=decision.reason,
        rule=decision.rule,
        agents=decision.agents,
        odds=dict(decision.odds),
        matched_groups=decision.matched_groups,
        remaining_groups=decision.remaining_groups,
        candidates=decision.candidates,
        steps=decision.steps,
        findings=verdict.findings,
        group=group,
        group_known=True,
        finding_codes=verdict.codes,
    )


def rule_group(state: State, decision: Decision, agent: str | None) -> str | None:
    """routing-rules.md's node group for the recorded agent: the replay's own where it is a winner;
    else the remaining group holding it (rules 6-7), else the first configured group holding it;
    None for the assistant, an account in no group, a logistics account, or no agent."""
    if agent in decision.groups:
        return decision.groups[agent]
    remaining = decision.remaining_groups if decision.rule in ("R6", "R7") else ()
    return node_group(state.config, agent, remaining)


def replay_node(conn, shop_id: int, consult: Consult, routed: Routed, uid: str, tz=None,
                explain: bool = True) -> tuple[State, Replay]:
    """The node's state and replay. `explain=False`: the outcome and the verdict only (no steps, no
    candidate table: a summary reads only those); a node that does not match is explained in full."""
    from shunt.store import state_at

    state = state_at(conn, shop_id, consult, uid)
    if not explain:
        decision = engine.decide(state, consult, explain=False, candidates=False)
        if not decision.replayable or matches(decision, routed):
            return state, from_decision(state, consult, routed, decision, tz)
    decision = engine.decide(state, consult)
    return state, from_decision(state, consult, routed, decision, tz)
