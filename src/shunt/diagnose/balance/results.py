"""balance's answer: the result types, the vocabulary of reasons and causes, the method text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shunt.diagnose.variants import FACTORS
from shunt.engine.model import SELECTION_REASONS

CATEGORIES = ("recent_contact", "bound_group", "selection", "exclusive", "transfer", "fallback", "robot")
CAUSES = ("online_time", "capacity", "busyness", "strategy", "group_membership", "routing_disabled", "proxy",
          "transfer", "fallback", "other")
FACTOR_NAMES = tuple(n for _, n in FACTORS)
METHOD = ("Expected counts add up the engine's odds for every consult of the period, replayed against the "
          "recorded state (statuses, loads, recent contacts as logged). Factor effects are Shapley values over "
          "four counterfactual switches (recent contact off, group bindings cleared, weights equal, exclusive "
          "agents removed), computed per consult and summed. The rest of the expected difference, with all four "
          "removed, is split per consult by why the two accounts differed (one offline/suspended = online time, "
          "reception limit, busy-ness, group membership, transfers, fallback). Recorded minus expected is chance "
          "plus decisions that break the rules. See docs/balance.md.")


def category(reason: str | None, matched: str | None) -> str:
    if reason == "recent_contact":
        return "recent_contact"
    if reason in ("exclusive_priority", "exclusive_1v1"):
        return "exclusive"
    if reason in ("transfer_to_agent", "qianniu_initiated"):
        return "transfer"
    if reason in ("robot_priority_shop", "robot_priority_group"):
        return "robot"
    if reason in SELECTION_REASONS:
        if matched in ("R6c", "R6d", "R6e"):
            return "bound_group"
        if matched == "R6a":
            return "transfer"
        return "selection"
    return "fallback"


@dataclass(frozen=True)
class AccountLoad:
    account: str
    received: int
    share: float
    online_ms: int
    per_online_hour: float | None
    by_reason: dict[str, int]
    expected: float
    expected_without: dict[str, float]  # factor (or "all") → expected count with it removed
    effects: dict[str, float]  # factor → its Shapley effect on the expected count
    weight: float | None = None
    groups: tuple[str, ...] = ()
    hourly_received: tuple[int, ...] = ()
    hourly_online_min: tuple[float, ...] = ()
    hourly_status: tuple[str, ...] = ()


@dataclass(frozen=True)
class Factor:
    code: str
    consults: float  # this factor's part of the expected difference (top minus bottom)
    share: float | None  # of the expected difference
    message: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Attribution:
    top: str
    bottom: str
    received: tuple[int, int]
    ratio: float | None
    difference: int
    expected_difference: float
    chance: float
    broken: float  # part of recorded minus expected from nodes that break the rules
    factors: tuple[Factor, ...]
    summary: str


@dataclass(frozen=True)
class Balance:
    shop: str
    tz: str
    start: int
    end: int
    label: str
    group: str | None
    consults: int
    replayable: int
    routed: dict[str, int]  # accounts shown / assistant / offline_queue / others
    accounts: tuple[AccountLoad, ...]
    attribution: Attribution | None
    bucket_ms: int
    buckets: int
    notes: tuple[str, ...] = ()
    method: str = METHOD
    stats: dict[str, Any] = field(default_factory=dict)
    group_name: str | None = None  # the group's name, beside its id `group`


def short(account: str) -> str:
    return account.split(":", 1)[1] if ":" in account else account


