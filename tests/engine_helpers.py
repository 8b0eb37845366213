"""Small hand-built engine values for the engine tests."""

from __future__ import annotations

from shunt.engine.model import (
    AgentConf, Bind, Config, Consult, Exclusive, GroupConf, LastPick, LogisticsSettings, Order,
    RecentContact, Routed, Settings, State,
)

SHOP = "zhenpin"
T0 = 1_762_828_800_000  # 2025-11-11 02:40:00 UTC = 10:40:00 Asia/Shanghai
MIN = 60_000
HOUR = 3_600_000
BOT = "zhenpin:店小蜜"


def a(name: str) -> str:
    """An account nick: a("小美") → 'zhenpin:小美'."""
    return f"{SHOP}:{name}"


def agent(name: str, **kw) -> AgentConf:
    return AgentConf(account=name if ":" in name or name == SHOP else a(name), **kw)


def group(gid: str, members, *, states=(), items=(), intents=(), robot=False) -> GroupConf:
    return GroupConf(id=gid, name=gid, members=tuple(m if ":" in m else a(m) for m in members),
                     robot_priority=robot, bind=Bind(order_states=tuple(states), items=tuple(items), intents=tuple(intents)))


def config(agents=(), groups=(), exclusive=(), *, ts=T0 - 24 * HOUR, logistics=None, **settings) -> Config:
    """agents: names or AgentConf; exclusive: (buyer, name, mode)."""
    settings.setdefault("assistant", BOT)
    if logistics is not None:
        settings["logistics"] = logistics
    ags = tuple(x if isinstance(x, AgentConf) else agent(x) for x in agents)
    ex = tuple(Exclusive(buyer=b, agent=a(n), mode=m) for b, n, m in exclusive)
    return Config(shop=SHOP, ts=ts, settings=Settings(**settings), agents=ags, groups=tuple(groups), exclusive=ex)


def state(cfg, *, online=(), suspended=(), load=None, recent=(), conversion=None, last_pick=None,
          since=None, at=T0) -> State:
    """online/suspended: names; load/conversion: name → n; recent: (name, minutes before `at`), most recent first;
    last_pick: group → (name, minutes before)."""
    def acc(n):
        return n if ":" in n or n == SHOP else a(n)
    status = {acc(n): "online" for n in online}
    status.update({acc(n): "suspended" for n in suspended})
    return State(
        config=cfg,
        status=status,
        status_since={acc(k): v for k, v in (since or {}).items()},
        load={acc(k): v for k, v in (load or {}).items()},
        recent=tuple(RecentContact(account=acc(n), ts=at - m * MIN) for n, m in recent),
        conversion={acc(k): v for k, v in (conversion or {}).items()},
        last_pick={g: LastPick(ts=at - m * MIN, consult=f"c-{g}-{m}", account=acc(n)) for g, (n, m) in (last_pick or {}).items()},
    )


def consult(source="item_page", *, buyer="tb_b1", ts=T0, item=None, order_state=None, carrier=None, packages=None,
            intent=None, by=None, target=None, cid="c1") -> Consult:
    order = None
    if order_state is not None or carrier is not None:
        order = Order(id="O-1", state=order_state or "shipped", carrier=carrier, packages=packages)
    return Consult(id=cid, ts=ts, buyer=buyer, source=source, item=item, order=order, intent=intent,
                   by=by if by is None or ":" in by else a(by), target=target, )


__all__ = ["SHOP", "T0", "MIN", "HOUR", "BOT", "a", "agent", "group", "config", "state", "consult",
           "LogisticsSettings", "Order"]


def generated_rows(seed: int, agents: int, groups: int, consults: int) -> list[dict]:
    """A generated shop's events as dicts, each with its instant (`_ms`), in replay order (configs
    first, then statuses and session ends, then consults and messages, at the same instant)."""
    import io
    import json

    from shunt.generate import generate
    from shunt.timeutil import parse_ts, zone

    tz = zone("Asia/Shanghai")
    buf = io.BytesIO()
    generate(buf, consults=consults, agents=agents, groups=groups, seed=seed)
    rows = [json.loads(x) for x in buf.getvalue().splitlines()]
    for r in rows:
        r["_ms"] = parse_ts(r["ts"], tz)
    order = {"shop_config": 0, "agent_status": 1, "agent_stats": 1, "session_end": 1}
    rows.sort(key=lambda r: (r["_ms"], order.get(r["type"], 2), r.get("id", "")))
    return rows


def consult_of(r: dict, ms: int) -> tuple[Consult, Routed]:
    """A generated `consult` row as the engine's Consult, and the routing the log recorded for it."""
    o = r.get("order")
    c = Consult(id=r["id"], ts=ms, buyer=r["buyer"], source=r.get("source", "unknown"),
                item=r.get("item"), intent=r.get("intent"), by=r.get("by"), target=r.get("target"),
                order=Order(id=o.get("id"), state=o.get("state", "no_active_order")) if o else None)
    rt = r.get("routed") or {}
    return c, Routed(rt.get("agent"), rt.get("group"), rt.get("reason", ""))


def replay_states(rows, tracker):
    """Feed `tracker` (a ReplayTracker) the generated rows; yield (state, consult) before each consult
    is recorded, as recorded. Conversion rates are rounded to 0.1, so several accounts share the best
    one (best-rate ties)."""
    for r in rows:
        t, ms = r["type"], r["_ms"]
        if t == "shop_config":
            tracker.set_config(Config.from_body(r["shop"], ms, r))
        elif t == "agent_status":
            tracker.status(ms, r["account"], r["status"])
        elif t == "agent_stats":
            tracker.stats(ms, r["account"], round(float(r.get("conversion_rate", 0.0)), 1))
        elif t == "session_end":
            tracker.session_end(ms, r["consult"])
        elif t == "consult":
            c, routed = consult_of(r, ms)
            yield tracker.state_for(c), c
            tracker.consult(c, routed)
