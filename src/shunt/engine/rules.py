"""The ordered rule registry: the first rule that returns a Result decides."""

from __future__ import annotations

from typing import Callable

from .context import Context, Result
from .direct import r1_qianniu_initiated, r2_transfer_to_agent
from .exclusive import r3_exclusive
from .fallback import r8_fallback
from .frozen import frozen
from .groups import r6_group_matching
from .recent import r4_recent_contact
from .robot import r5_robot_priority_shop
from .select import r7_select


@frozen
class Rule:
    """A routing rule of the registry: stable code, name, and the function that applies it."""

    code: str  # stable: R1..R8
    name: str
    fn: Callable[[Context], Result | None]


RULES: tuple[Rule, ...] = (
    Rule("R1", "qianniu_initiated", r1_qianniu_initiated),
    Rule("R2", "transfer_to_agent", r2_transfer_to_agent),
    Rule("R3", "exclusive", r3_exclusive),
    Rule("R4", "recent_contact", r4_recent_contact),
    Rule("R5", "robot_priority_shop", r5_robot_priority_shop),
    Rule("R6", "group_matching", r6_group_matching),
    Rule("R7", "agent_selection", r7_select),
    Rule("R8", "nobody_eligible", r8_fallback),
)
