"""pick(decision, rng): one winner by the decision's odds."""

from __future__ import annotations

import random

from .model import Decision


def pick(decision: Decision, rng: random.Random) -> str | None:
    """A winner drawn by odds, iterating winners in decision order. One winner: no draw (rng untouched).
    No winner (offline_queue / not replayable): None."""
    agents = decision.agents
    if not agents:
        return None
    if len(agents) == 1:
        return agents[0]
    r = rng.random()
    acc = 0.0
    last = agents[-1]
    for a in agents:
        p = decision.odds.get(a, 0.0)
        if p > 0:
            last = a
        acc += p
        if r < acc:
            return a
    return last
