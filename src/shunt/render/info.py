"""Views of `shunt info` (diagnose.info.Info): JSON for scripts, rich tables for people."""

from __future__ import annotations

import dataclasses
from typing import Any

from shunt import timeutil
from shunt.diagnose.info import Info, ShopInfo
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
    out.print(safe(f"database {info.db} (schema version {info.schema_version})", "bold"))
    if not info.shops:
        out.print(safe("It holds no shop yet: load a routing log with `shunt load FILE`."))
    for s in info.shops:
        _shop_human(s, out)
    _loads_human(info, out)


def _table(title: str, *cols: str):
    from rich.table import Table

    t = Table(title=safe(title), title_justify="left")
    for c in cols:
        t.add_column(c, overflow="fold")
    return t


def _shop_human(s: ShopInfo, out) -> None:
    tz = timeutil.zone(s.timezone)
    events = sum(s.events.values())
    out.print()
    out.print(safe(f"shop {s.nick} · time zone {s.timezone} · {events:,} events", "bold"))
    if s.first_event is not None:
        out.print(safe(f"events from {_iso(s.first_event, tz)} to {_iso(s.last_event, tz)}"))
    out.print(safe("  " + ", ".join(f"{t} {n:,}" for t, n in s.events.items() if n)))
    if s.days:
        days = _table("days with consults 有咨询的日期", "date", "consults")
        for d, n in s.days:
            days.add_row(d, f"{n:,}")
        out.print(days)
    cfg = s.config
    if cfg is None:
        out.print(safe("no shop_config loaded: routing decisions cannot be replayed", "yellow"))
        return
    out.print(safe(f"latest shop_config {cfg.uid} from {_iso(cfg.ts, tz)} ({cfg.count} loaded) · strategy "
                   f"{cfg.strategy or '?'}"))
    names = {g.id: g.name for g in cfg.groups}
    acc = _table("accounts 账号", "account", "groups", "max_sessions", "weight", "routing", "proxy")
    for a in cfg.accounts:
        acc.add_row(safe(a.account), safe(", ".join(f"{names.get(g) or ''} {g}".strip() for g in a.groups) or ("(assistant 服务助手)" if a.role == "assistant" else "-")),
                    "-" if a.max_sessions is None else str(a.max_sessions), f"{a.weight:g}",
                    "on" if a.routing else "off", "yes" if a.proxy else "")
    out.print(acc)
    grp = _table("groups 分组", "id", "name", "members", "bound to")
    for g in cfg.groups:
        bound = ", ".join(g.bound_to) or "unbound"
        grp.add_row(safe(g.id), safe(g.name), safe(", ".join(g.members) or "-"),
                    safe(bound + (" · robot priority" if g.robot_priority else "")))
    out.print(grp)


def _loads_human(info: Info, out) -> None:
    if not info.loads:
        return
    tz = _zone(info)
    shown = info.loads[-LOADS_SHOWN:]
    tab = _table(f"loads ({len(info.loads)}{', latest ' + str(len(shown)) if len(shown) < len(info.loads) else ''})",
                 "started", "file", "loaded", "duplicates", "rejected")
    for x in shown:
        loaded = sum(x.counts.get("loaded", {}).values()) if isinstance(x.counts.get("loaded"), dict) else 0
        dup = sum(x.counts.get("duplicates", {}).values()) if isinstance(x.counts.get("duplicates"), dict) else 0
        tab.add_row(_iso(x.started, tz)[:19].replace("T", " "), safe(x.file),
                    f"{loaded:,}" if x.finished is not None else "(did not finish)", f"{dup:,}",
                    str(x.counts.get("rejected", "")))
    out.print(tab)
