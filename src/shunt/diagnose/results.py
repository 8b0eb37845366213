"""Result objects of the three questions (and more). Both renderers read these."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from shunt.engine.frozen import frozen
from shunt.engine.model import Candidate, Consult, Routed, Step


@frozen
class Replay:
    """A recorded node replayed: the engine's answer and whether the record matches it."""

    match: bool | None  # None: could not be replayed
    reason: str | None = None
    rule: str | None = None
    agents: tuple[str, ...] = ()
    odds: dict[str, float] = field(default_factory=dict)
    matched_groups: tuple[str, ...] = ()
    remaining_groups: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    steps: tuple[Step, ...] = ()
    findings: tuple[str, ...] = ()  # on a mismatch: the recorded facts that break it
    note: str | None = None  # why it could not be replayed
    group: str | None = None  # the node's group by routing-rules.md (for the recorded agent)
    group_known: bool = False  # False: no configuration to say it (the recorded group stands)
    finding_codes: tuple[str, ...] = ()  # each finding's stable code (engine.codes.FINDINGS), same order


@frozen
class Node:
    """One routing node (a consult) with what was recorded and its replay."""

    consult: Consult
    routed: Routed
    replay: Replay

    @property
    def group(self) -> str | None:
        """The node's group: routing-rules.md's where a configuration says it, else the recorded one."""
        return self.replay.group if self.replay.group_known else self.routed.group

    @property
    def recorded_group_differs(self) -> bool:
        return self.replay.group_known and self.replay.group != self.routed.group


@frozen
class Trace:
    """Question 1: a buyer's nodes on one date, each replayed."""

    shop: str
    tz: str
    buyer: str
    date: str
    nodes: tuple[Node, ...]
    dates: tuple[str, ...] = ()  # the buyer's dates that have nodes (shown when `nodes` is empty)


@frozen
class Cause:
    """A reason an account did not receive (why-silent), or why an expected account did not get a message."""

    code: str
    message: str
    advice: str | None = None
    count: int | None = None
    share: float | None = None
    examples: tuple[dict[str, Any], ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)


@frozen
class Silent:
    """Question 2: why an account receives no messages — its state and the window's consults replayed."""

    shop: str
    tz: str
    account: str
    at: int
    window_ms: int
    receiving: bool
    causes: tuple[Cause, ...]
    state: dict[str, Any] = field(default_factory=dict)  # status, since, load, capacity, groups...
    window: dict[str, Any] = field(default_factory=dict)  # consults replayed, received, by rule
    data: dict[str, Any] = field(default_factory=dict)  # what the log covers: first and last event
    notes: tuple[str, ...] = ()  # the moment outside the data, no configuration known...


@frozen
class Received:
    """Question 3: the node behind a buyer's message, replayed (or a carrier's invitation)."""

    shop: str
    tz: str
    buyer: str
    message: dict[str, Any]  # ts, account, sender
    account: str | None
    node: Node | None
    reason: str | None
    replay: Replay
    logistics: dict[str, Any] | None = None  # for a carrier's account: the invitation and its conditions
    expected: Cause | None = None  # --expected: why that account did not get it
    notes: tuple[str, ...] = ()
