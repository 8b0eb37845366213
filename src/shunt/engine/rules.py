"""The ordered rule registry: the first rule that returns a Result decides."""

from __future__ import annotations

from typing import Callable

from .codes import RULE_NAMES
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


# the rules in the order the engine tries them; their names are codes.RULE_NAMES (the one table)
RULES: tuple[Rule, ...] = tuple(Rule(code, RULE_NAMES[code], fn) for code, fn in (
    ("R1", r1_qianniu_initiated),
    ("R2", r2_transfer_to_agent),
    ("R3", r3_exclusive),
    ("R4", r4_recent_contact),
    ("R5", r5_robot_priority_shop),
    ("R6", r6_group_matching),
    ("R7", r7_select),
    ("R8", r8_fallback),
))
