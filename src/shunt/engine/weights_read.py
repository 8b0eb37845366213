"""Whether a decision read the configuration's weights: for a caller that also decides under a copy
of the config whose agents differ only in weight (balance's "weights" factor: every weight 1), and
wants to know, without deciding again, that the copy decides the same.

The engine reads weights in three places, all of them at the end of a decision: rule 7's reception
rate when nobody in its pool is busy (`select._reception_rate`: the pool by weight), rule 7's
conversion rate (`select._conversion_rate`: its best-rated by weight) and rule 8's proxies
(`fallback.r8_fallback`). Nothing else reads a weight: not eligibility, group matching, the pools,
round robin, rules 1–6. A decision that ended anywhere else is the one a config differing only in
its weights makes (the same rule, reason, winners, odds, groups and candidates).
tests/test_weights_read.py checks it against the engine. Keep it next to those three places: a new
reader of `AgentConf.weight` or `lookup.weight` must be added here.
"""

from __future__ import annotations

from itertools import repeat

from .decide import pool_of_rows
from .odds import equal
from .model import Config, Decision, State


def read_weights(d: Decision, state: State, busy_threshold: int) -> bool:
    """Whether the engine read weights to make `d` in `state` (`busy_threshold`: the config's).
    `d.candidates` are rule 7's candidates: its pool (the decision cache's form) or its table."""
    rule = d.rule
    if rule == "R7":
        reason = d.reason
        if reason == "reception_rate":  # by weight unless someone in the pool is busy
            return max(map(state.load.get, _pool(d), repeat(0)), default=0) <= busy_threshold
        return reason == "conversion_rate"
    return rule == "R8" and d.reason == "proxy_account"


def equal_weights(d: Decision, positive: bool = False) -> Decision | None:
    """The decision of the same config with every weight 1, made from `d` (one that read weights,
    cache form or not) without deciding again, where that is sure. With every weight 1 all of the
    winners by weight win with equal odds (`odds.weighted` of weights 1 is `odds.equal`: 1/k each,
    in their order), the same pool, winners, node groups, matched and remaining groups:
    - rule 7's reception rate by weight (nobody busy) whose winners are its whole pool;
    - with `positive` (every agent of the config listed with a weight > 0, so `odds.weighted` kept
      every account it was given): rule 7's conversion rate (its best-rated, whatever the weights)
      and rule 8's proxies (the eligible ones) — their winners are then all it was given.
    None: not such a decision."""
    rule, reason = d.rule, d.reason
    if rule == "R7" and reason == "reception_rate":
        pool = _pool(d)
        if len(d.agents) != len(pool):  # (its winners are some of the pool, in its order: all of it)
            return None
        agents, odds = equal(pool)
    elif positive and ((rule == "R7" and reason == "conversion_rate") or (rule == "R8" and reason == "proxy_account")):
        agents, odds = equal(d.agents)
    else:
        return None
    return Decision(True, d.reason, d.rule, agents, odds, d.groups, d.matched_groups, d.remaining_groups,
                    d.candidates, ())


def positive_weights(cfg: Config) -> bool:
    """Whether every agent of `cfg` is listed with a weight > 0 (`equal_weights`' `positive`)."""
    return all(a.weight > 0 for a in cfg.agents)


def _pool(d: Decision) -> tuple[str, ...]:
    """Rule 7's pool of `d`: its candidates are the pool's rows (the cache's form) or its table."""
    rows = d.candidates
    return pool_of_rows(rows) or tuple(r.account for r in rows if r.eligible)
