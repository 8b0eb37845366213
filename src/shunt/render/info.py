"""Views of `shunt info` (diagnose.info.Info): JSON for scripts, rich tables for people."""

from __future__ import annotations

import dataclasses
from typing import Any

from shunt import timeutil
from shunt.diagnose.info import Info, ShopInfo
from shunt.render.layout import Col, Fold, Under, keep_names
from shunt.render.text import safe

LOADS_SHOWN = 10  # the human view lists the latest loads; JSON has them all


def _iso(ms: int | None, tz) -> str | None:
    return None if ms is None else timeutil.to_iso(ms, tz)


def _zone(info: Info):
    return timeutil.zone(info.shops[0].timezone if info.shops else timeutil.DEFAULT_TZ)


def to_json(info: Info) -> dict[str, Any]:
    """Times ISO 8601 in the shop's zone; the load history (not per shop) in the first shop's zone."""
    tz = _zone(info)
    return {
        "db": info.db,
        "schema_version": info.schema_version,
        "shops": [_shop_json(s) for s in info.shops],
        "loads": [{"id": x.id, "file": x.file, "started": _iso(x.started, tz), "finished": _iso(x.finished, tz),
                   **{k: v for k, v in x.counts.items() if k in ("loaded", "duplicates", "rejected", "encoding")}}
                  for x in info.loads],
        "tables": info.tables,
        "views": info.views,
    }


def _shop_json(s: ShopInfo) -> dict[str, Any]:
    tz = timeutil.zone(s.timezone)
    cfg = s.config
    return {
        "shop": s.nick,
        "timezone": s.timezone,
        "first_event": _iso(s.first_event, tz),
        "last_event": _iso(s.last_event, tz),
        "events": s.events,
        "days": [{"date": d, "consults": n} for d, n in s.days],
        "config": None if cfg is None else {
            "uid": cfg.uid, "ts": _iso(cfg.ts, tz), "configs": cfg.count, "strategy": cfg.strategy,
            "accounts": [dataclasses.asdict(a) for a in cfg.accounts],
            "groups": [dataclasses.asdict(g) for g in cfg.groups],
        },
    }


def human(info: Info, out=None) -> None:
    from shunt.render.human import console

    out = out or console()
    keep_names(info)
    out.print(safe(f"database {info.db} (schema version {info.schema_version})", "bold"))
    if not info.shops:
        out.print(safe("It holds no shop yet: load a routing log with `shunt load FILE`."))
    for s in info.shops:
        _shop_human(s, out)
    _loads_human(info, out)


def _table(title: str, *cols: Col, rows):
    return Fold(title, cols, rows)


def _shop_human(s: ShopInfo, out) -> None:
    tz = timeutil.zone(s.timezone)
    events = sum(s.events.values())
    out.print()
    out.print(safe(f"shop {s.nick} · time zone {s.timezone} · {events:,} events", "bold"))
    if s.first_event is not None:
        out.print(safe(f"events from {_iso(s.first_event, tz)} to {_iso(s.last_event, tz)}"))
    out.print(Under(safe(", ".join(f"{t} {n:,}" for t, n in s.events.items() if n)), 2, 2))
    if s.days:
        out.print(_table("days with consults 有咨询的日期", Col("date", "name"), Col("consults", "num"),
                         rows=[[d, f"{n:,}"] for d, n in s.days]))
    cfg = s.config
    if cfg is None:
        out.print(safe("no shop_config loaded: routing decisions cannot be replayed", "yellow"))
        return
    out.print(safe(f"latest shop_config {cfg.uid} from {_iso(cfg.ts, tz)} ({cfg.count} loaded) · strategy "
                   f"{cfg.strategy or '?'}"))
    names = {g.id: g.name for g in cfg.groups}
    rows = [[a.account, ", ".join(f"{names.get(g) or ''} {g}".strip() for g in a.groups)
             or ("(assistant 服务助手)" if a.role == "assistant" else "-"),
             "-" if a.max_sessions is None else str(a.max_sessions), f"{a.weight:g}",
             "on" if a.routing else "off", "yes" if a.proxy else ""] for a in cfg.accounts]
    out.print(_table("accounts 账号", Col("account", "name"), Col("groups"), Col("max_sessions", "num"),
                     Col("weight", "num"), Col("routing", "name"), Col("proxy", "name"), rows=rows))
    rows = [[g.id, g.name, ", ".join(g.members) or "-",
             (", ".join(g.bound_to) or "unbound") + (" · robot priority" if g.robot_priority else "")]
            for g in cfg.groups]
    out.print(_table("groups 分组", Col("id", "name"), Col("name", "name"), Col("members"), Col("bound to"), rows=rows))


def _loads_human(info: Info, out) -> None:
    if not info.loads:
        return
    tz = _zone(info)
    shown = info.loads[-LOADS_SHOWN:]
    rows = []
    for x in shown:
        loaded = sum(x.counts.get("loaded", {}).values()) if isinstance(x.counts.get("loaded"), dict) else 0
        dup = sum(x.counts.get("duplicates", {}).values()) if isinstance(x.counts.get("duplicates"), dict) else 0
        rows.append([_iso(x.started, tz)[:19].replace("T", " "), x.file,
                     f"{loaded:,}" if x.finished is not None else "(did not finish)", f"{dup:,}",
                     str(x.counts.get("rejected", ""))])
    out.print(_table(f"loads ({len(info.loads)}{', latest ' + str(len(shown)) if len(shown) < len(info.loads) else ''})",
                     Col("started", "name"), Col("file"), Col("loaded", "num"), Col("duplicates", "num"),
                     Col("rejected", "num"), rows=rows))
