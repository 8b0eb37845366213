"""The counterfactual side of balance and simulate: config variants and the decision cache they
replay through.

- `variant(cfg, mask)`: a config with balance's factors removed (recent contact off, group
  bindings cleared, weights equal, exclusive agents removed), one bit each; `Variants` makes each
  config's 16 once.
- `decision_cache(tracker)`: the engine's DecisionCache (engine/cache.py), on unless the
  environment says SHUNT_NO_DECISION_CACHE=1 (the check that cached and engine-made decisions give
  the same answers; the engine itself reads no environment).
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from shunt.engine.cache import DecisionCache
from shunt.engine.model import Bind, Config
from shunt.engine.tracker import Tracker

# Counterfactual factors of `balance`, one bit each.
RECENT, BINDING, WEIGHTS, EXCLUSIVE = 1, 2, 4, 8
FACTORS = ((RECENT, "recent_contact"), (BINDING, "group_binding"), (WEIGHTS, "weights"), (EXCLUSIVE, "exclusive"))
ALL = RECENT | BINDING | WEIGHTS | EXCLUSIVE


def cache_enabled() -> bool:
    """The decision cache is on unless SHUNT_NO_DECISION_CACHE is set (to anything but 0)."""
    return os.environ.get("SHUNT_NO_DECISION_CACHE", "") in ("", "0")


def decision_cache(tracker: Tracker | None = None) -> DecisionCache:
    """The decision cache of a replay driven by `tracker`, switched by SHUNT_NO_DECISION_CACHE."""
    return DecisionCache(enabled=cache_enabled(), tracker=tracker)


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
