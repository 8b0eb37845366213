"""The pure routing engine: rebuild nothing, read nothing — decide, pick, compare, track.

Rules live one concern per module: direct.py (R1–R2), exclusive.py (R3), recent.py (R4),
robot.py (R5 and the group robot check), groups.py (R6), select.py (R7), fallback.py (R8);
rules.py holds their order; decide.py runs them. context.py is one decision's scratch pad,
lookup.py what is derived from a config alone (built once per config), frozen.py the fast
frozen dataclass of the engine's values.
"""

from .codes import REASONS, RULE_NAMES
from .decide import decide
from .eligibility import candidate, eligibility
from .logistics import logistics_check
from .model import (
    Bind, Candidate, Config, Consult, Decision, Exclusive, GroupConf, LastPick, LogisticsSettings,
    Order, RecentContact, Routed, Settings, State, Step, Verdict, AgentConf,
)
from .pick import pick
from .replay import compare
from .rules import RULES, Rule
from .tracker import Tracker

__all__ = [
    "decide", "compare", "pick", "eligibility", "candidate", "logistics_check", "Tracker", "RULES", "Rule",
    "REASONS", "RULE_NAMES",
    "AgentConf", "Bind", "Candidate", "Config", "Consult", "Decision", "Exclusive", "GroupConf", "LastPick",
    "LogisticsSettings", "Order", "RecentContact", "Routed", "Settings", "State", "Step", "Verdict",
]
