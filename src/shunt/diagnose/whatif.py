"""Shared machinery of `balance` and `simulate`: counterfactual replays of a period.

The replay tracker and the decision cache are the engine's (engine/replay_tracker.py,
engine/cache.py); here: the cache switched by SHUNT_NO_DECISION_CACHE, config variants, config
bodies, status timelines.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Iterable

from shunt.engine import cache as _cache
from shunt.engine.cache_keys import eligible  # noqa: F401  (balance's)
from shunt.engine.model import Bind, Config
from shunt.engine.replay_tracker import ReplayTracker as FastTracker  # noqa: F401
from shunt.engine.tracker import Tracker

HOUR = 3_600_000
DAY = 24 * HOUR


def cache_enabled() -> bool:
    """The decision cache is on unless SHUNT_NO_DECISION_CACHE is set (to anything but 0)."""
    return os.environ.get("SHUNT_NO_DECISION_CACHE", "") in ("", "0")


class DecisionCache(_cache.DecisionCache):
    def __init__(self, enabled: bool | None = None, max_entries: int = 10_000, tracker: Tracker | None = None) -> None:
        super().__init__(cache_enabled() if enabled is None else enabled, max_entries, tracker)


# ---- configurations -----------------------------------------------------------------------

def to_body(cfg: Config) -> dict[str, Any]:
    """A Config back to a `shop_config` body (what Config.from_body reads)."""
    s = cfg.settings
    return {
        "timezone": cfg.timezone,
        "settings": {
            "recent_contact_hours": s.recent_contact_hours, "robot_priority": s.robot_priority,
            "assistant": s.assistant, "intent_routing": s.intent_routing,
            "offline_to_assistant": s.offline_to_assistant, "main_account_fallback": s.main_account_fallback,
            "strategy": s.strategy, "busy_threshold": s.busy_threshold,
            "logistics_cs": {"enabled": s.logistics.enabled, "hours": list(s.logistics.hours),
                             "carriers": list(s.logistics.carriers)},
        },
        "agents": [{"account": a.account, "weight": a.weight, "max_sessions": a.max_sessions,
                    "routing": a.routing, "proxy": a.proxy} for a in cfg.agents],
        "groups": [{"id": g.id, "name": g.name, "members": list(g.members), "robot_priority": g.robot_priority,
                    "bind": {"order_states": list(g.bind.order_states), "items": list(g.bind.items),
                             "intents": list(g.bind.intents)}} for g in cfg.groups],
        "exclusive": [{"buyer": e.buyer, "agent": e.agent, "mode": e.mode} for e in cfg.exclusive],
    }


# Counterfactual factors of `balance`, one bit each.
RECENT, BINDING, WEIGHTS, EXCLUSIVE = 1, 2, 4, 8
FACTORS = ((RECENT, "recent_contact"), (BINDING, "group_binding"), (WEIGHTS, "weights"), (EXCLUSIVE, "exclusive"))
ALL = RECENT | BINDING | WEIGHTS | EXCLUSIVE


def variant(cfg: Config, mask: int) -> Config:
    """`cfg` with the factors of `mask` removed: recent contact off, bindings cleared, weights 1, no exclusive."""
    if not mask:
        return cfg
    kw: dict[str, Any] = {}
    if mask & RECENT:
        kw["settings"] = dataclasses.replace(cfg.settings, recent_contact_hours=0.0)
    if mask & BINDING:
        kw["groups"] = tuple(dataclasses.replace(g, bind=Bind()) for g in cfg.groups)
    if mask & WEIGHTS:
        kw["agents"] = tuple(dataclasses.replace(a, weight=1.0) for a in cfg.agents)
    if mask & EXCLUSIVE:
        kw["exclusive"] = ()
    return dataclasses.replace(cfg, **kw)


class Variants:
    """Every config's 16 variants, made once."""

    def __init__(self) -> None:
        self._v: dict[int, tuple[Config, dict[int, Config]]] = {}

    def get(self, cfg: Config, mask: int) -> Config:
        e = self._v.get(id(cfg))
        if e is None or e[0] is not cfg:
            e = self._v[id(cfg)] = (cfg, {})
        v = e[1].get(mask)
        if v is None:
            v = e[1][mask] = variant(cfg, mask)
        return v


# ---- the period ---------------------------------------------------------------------------

# ---- statuses over a period ---------------------------------------------------------------

def status_accounts(conn, sid: int) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT account FROM statuses WHERE shop_id = ?", (sid,))]


def timelines(conn, sid: int, accounts: Iterable[str], start: int, end: int) -> dict[str, list[tuple[int, int, str]]]:
    """Each account's status segments (t0, t1, status) covering [start, end)."""
    from shunt.store.lookups import status_at

    cur: dict[str, tuple[int, str]] = {}
    out: dict[str, list[tuple[int, int, str]]] = {}
    for a in accounts:
        st = status_at(conn, sid, a, start - 1)
        cur[a] = (start, st[0] if st else "offline")
        out[a] = []
    for ts, a, st in conn.execute("SELECT ts, account, status FROM statuses WHERE shop_id = ? AND ts >= ? AND ts < ? "
                                  "ORDER BY ts, uid", (sid, start, end)):
        if a not in cur:
            continue
        t0, old = cur[a]
        if ts > t0:
            out[a].append((t0, ts, old))
        cur[a] = (ts, st)
    for a, (t0, st) in cur.items():
        if end > t0:
            out[a].append((t0, end, st))
    return out


def online_ms(segments: list[tuple[int, int, str]], lo: int | None = None, hi: int | None = None) -> int:
    total = 0
    for t0, t1, st in segments:
        if st != "online":
            continue
        a = t0 if lo is None else max(t0, lo)
        b = t1 if hi is None else min(t1, hi)
        if b > a:
            total += b - a
    return total


def buckets(start: int, end: int) -> tuple[int, int]:
    """(bucket length ms, count) for the hourly chart: 1 h, or more for long periods (≤ 96 buckets)."""
    span = end - start
    size = HOUR
    while span / size > 96:
        size *= 2 if size < 4 * HOUR else 3
    return size, max(1, -(-span // size))


def fmt_hours(ms: float) -> str:
    return f"{ms / HOUR:.1f}"

