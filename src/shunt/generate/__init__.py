"""`shunt generate`: write a synthetic routing log by simulating the routing engine itself.

The shop (world.py) runs for `days` days from `start`: shifts, breaks and a night in the agents'
statuses, a config change each midday and evening (timeline.py, floor.py), a 双11 traffic curve
(arrivals.py), buyers who come back, orders that move on (buyers.py), transfers, the assistant
handing over, the offline pool re-routed in the morning (consults.py), logistics invitations and
messages (conversation.py), a share of faulted decisions (faults.py). Every consult is routed by
`shunt.engine.decide` against the state the engine's `Tracker` keeps, fed in the cut order of
docs/semantics.md (run.py), so a replay of the output matches every node except the ones
deliberately faulted. writer.py turns the events into lines; forms.py re-encodes them (escaped
JSON, GB18030).

Deterministic: same arguments → same bytes (every draw comes from seeded `random.Random`
streams; nothing iterates a set or a dict keyed by hash order; tests/test_generate_bytes.py pins
the bytes). Streaming: pending events live in a heap bounded by the open sessions; buyers in a
bounded ring.
"""

from __future__ import annotations

from datetime import date
from typing import BinaryIO, Callable

from shunt.gcpause import paused_gc
from shunt.generate.run import GenerateReport, ShopRun

__all__ = ["GenerateReport", "generate"]


def generate(out: BinaryIO, *, consults: int, agents: int = 12, groups: int = 4, days: int = 1, seed: int = 0,
             faults: float = 0.0, start: str = "2026-11-11", shop: str = "zhenpin",
             progress: Callable[[int], None] | None = None, messages: int | None = None) -> GenerateReport:
    """Write a synthetic routing log (JSON Lines, log-format v1) to the binary stream `out`.

    consults: number of consult events (total events are about 6x); agents: human sub-accounts;
    groups: groups bound to order states/items/intents (one unbound group is added); days from
    `start` (YYYY-MM-DD, shop zone Asia/Shanghai); faults: probability that a consult's recorded
    decision is replaced by one that breaks the rules (listed in the report); progress(n) is called
    with the number of consults written every 10,000 and at the end.
    """
    _check(consults=consults, faults=faults, agents=agents, groups=groups, days=days, messages=messages, start=start)
    # The run makes no reference cycles, and the collector's full passes rescanned every live buyer,
    # session and contact (more of them the longer the history). The run is freed before the
    # collector is back on, or its first pass would scan all it held.
    with paused_gc():
        return ShopRun(out, consults=consults, agents=agents, groups=groups, days=days, seed=seed, faults=faults,
                       start=start, shop=shop, progress=progress, messages=messages).run()


def _check(*, consults: int, faults: float, agents: int, groups: int, days: int, messages: int | None,
           start: str) -> None:
    if consults < 0:
        raise ValueError("consults must be >= 0")
    if not 0.0 <= faults <= 1.0:
        raise ValueError("faults must be between 0 and 1")
    if agents < 1:
        raise ValueError("agents must be >= 1")
    if groups < 0:
        raise ValueError("groups must be >= 0")
    if days < 1:
        raise ValueError("days must be >= 1")
    if messages is not None and not 1 <= messages <= 1000:
        raise ValueError("messages must be between 1 and 1000")
    try:
        date.fromisoformat(start)
    except ValueError:
        raise ValueError(f"start {start!r} is not a date like 2026-11-11") from None
