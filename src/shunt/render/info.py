"""Views of `shunt info` (diagnose.info.Info): JSON for scripts, rich tables for people."""

from __future__ import annotations

import dataclasses
from typing import Any

from shunt import timeutil
from shunt.diagnose.info import Info, ShopInfo
from shunt.render.layout import Col, Fold, Under, keep_names
from shunt.render.text import safe
from shunt.i18n import N_, _, ngettext, tr
from shunt.render import words

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
    out.print(safe(_("database {db} (schema version {version})").format(db=info.db, version=info.schema_version), "bold"))
    if not info.shops:
        out.print(safe(_("It holds no shop yet: load a routing log with `shunt load FILE`.")))
    for s in info.shops:
        _shop_human(s, out)
    _loads_human(info, out)


ITEM = N_("item {i}")  # a group's binding to an item, as diagnose/info.py writes it


def _table(title: str, *cols: Col, rows):
    return Fold(title, cols, rows)


def _shop_human(s: ShopInfo, out) -> None:
    tz = timeutil.zone(s.timezone)
    events = sum(s.events.values())
    out.print()
    out.print(safe(_("shop {shop} · time zone {tz} · {events}").format(
        shop=s.nick, tz=s.timezone, events=ngettext("{n} event", "{n} events", events).format(n=f"{events:,}")), "bold"))
    if s.first_event is not None:
        out.print(safe(_("events from {first} to {last}").format(first=_iso(s.first_event, tz), last=_iso(s.last_event, tz))))
    out.print(Under(safe(", ".join(f"{t} {n:,}" for t, n in s.events.items() if n)), 2, 2))
    if s.days:
        out.print(_table(_("days with consults 有咨询的日期"), Col(_("date"), "name"), Col(_("consults"), "num"),
                         rows=[[d, f"{n:,}"] for d, n in s.days]))
    cfg = s.config
    if cfg is None:
        out.print(safe(_("no shop_config loaded: routing decisions cannot be replayed"), "yellow"))
        return
    out.print(safe(_("latest shop_config {uid} from {at} ({count} loaded) · strategy {strategy}").format(
        uid=cfg.uid, at=_iso(cfg.ts, tz), count=cfg.count, strategy=words.reason(cfg.strategy) if cfg.strategy else "?")))
    names = {g.id: g.name for g in cfg.groups}
    rows = [[a.account, ", ".join(f"{names.get(g) or ''} {g}".strip() for g in a.groups)
             or (_("(assistant 服务助手)") if a.role == "assistant" else "-"),
             "-" if a.max_sessions is None else str(a.max_sessions), f"{a.weight:g}",
             _("on") if a.routing else _("off"), _("yes") if a.proxy else ""] for a in cfg.accounts]
    out.print(_table(_("accounts 账号"), Col(_("account"), "name"), Col(_("groups")), Col(_("max_sessions"), "num"),
                     Col(_("weight"), "num"), Col(_("routing"), "name"), Col(_("proxy"), "name"), rows=rows))
    rows = [[g.id, g.name, ", ".join(g.members) or "-",
             (", ".join(tr(x) for x in g.bound_to) or _("unbound")) + (_(" · robot priority") if g.robot_priority else "")]
            for g in cfg.groups]
    out.print(_table(_("groups 分组"), Col(_("id"), "name"), Col(_("name"), "name"), Col(_("members")),
                     Col(_("bound to")), rows=rows))


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
                     f"{loaded:,}" if x.finished is not None else _("(did not finish)"), f"{dup:,}",
                     str(x.counts.get("rejected", ""))])
    title = (_("loads ({n})").format(n=len(info.loads)) if len(shown) == len(info.loads)
             else _("loads ({n}, latest {shown})").format(n=len(info.loads), shown=len(shown)))
    out.print(_table(title, Col(_("started"), "name"), Col(_("file")), Col(_("loaded"), "num"), Col(_("duplicates"), "num"),
                     Col(_("rejected"), "num"), rows=rows))
