"""Replay one recorded node: rebuild the state, run the engine, compare."""

from __future__ import annotations

from shunt import engine
from shunt.diagnose.results import Replay
from shunt.engine.model import Consult, Decision, Routed, State


def from_decision(state: State, consult: Consult, routed: Routed, decision: Decision, tz=None) -> Replay:
    if not decision.replayable:
        return Replay(match=None, steps=decision.steps,
                      note="no routing configuration was loaded at or before this node: it cannot be replayed")
    verdict = engine.compare(state, consult, decision, routed, tz=tz)
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
    )


def replay_node(conn, shop_id: int, consult: Consult, routed: Routed, uid: str, tz=None) -> tuple[State, Replay]:
    from shunt.store import state_at

    state = state_at(conn, shop_id, consult, uid)
    decision = engine.decide(state, consult)
    return state, from_decision(state, consult, routed, decision, tz)
