"""`shunt info`: what a database holds, as a result object (times in epoch ms; render/ formats them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from shunt import timeutil


@dataclass
class AccountInfo:
    account: str
    groups: list[str]
    max_sessions: int | None
    weight: float
    routing: bool
    proxy: bool
    role: str = "agent"  # agent | assistant


@dataclass
class GroupInfo:
    id: str
    name: str
    members: list[str]
    bound_to: list[str]  # order states, items, intents ("unbound": none)
    robot_priority: bool


@dataclass
class ConfigInfo:
    uid: str
    ts: int
    count: int  # shop_configs loaded
    strategy: str | None
    accounts: list[AccountInfo]
    groups: list[GroupInfo]


@dataclass
class ShopInfo:
    nick: str
    timezone: str
    first_event: int | None
    last_event: int | None
    events: dict[str, int]
    days: list[tuple[str, int]]  # (local date, consults), days with consults only
    config: ConfigInfo | None


@dataclass
class LoadInfo:
    id: int
    file: str
    started: int
    finished: int | None  # None: the load did not finish (killed, failed)
    counts: dict


@dataclass
class Info:
    db: str
    schema_version: int
    shops: list[ShopInfo]
    loads: list[LoadInfo]
    tables: dict[str, int] = field(default_factory=dict)
    views: list[str] = field(default_factory=list)


def info(conn, db: str, shop: str | None = None) -> Info:
    """What the database at `db` (open as `conn`) holds; with `shop`, that shop only (NotFound: nearest)."""
    from shunt import store
    from shunt.store import info as q

    rows = q.shops(conn)
    if shop is not None:
        sid = store.shop_id(conn, shop)
        rows = [r for r in rows if r[0] == sid]
    counts, views, version = q.tables(conn)
    return Info(db=db, schema_version=version, shops=[_shop(conn, *r) for r in rows],
                loads=[LoadInfo(*row) for row in q.loads(conn)], tables=counts, views=views)


def _shop(conn, sid: int, nick: str, tzname: str | None) -> ShopInfo:
    from shunt.store import info as q

    tzname = tzname or timeutil.DEFAULT_TZ
    tz = timeutil.zone(tzname)
    first, last = q.event_span(conn, sid)
    return ShopInfo(nick=nick, timezone=tzname, first_event=first, last_event=last,
                    events=q.event_counts(conn, sid), days=_days(conn, sid, tz), config=_config(conn, sid))


def _days(conn, sid: int, tz) -> list[tuple[str, int]]:
    """Consults per local day, for the days that have any (one index seek per such day, whatever the span)."""
    from shunt.store import info as q

    out = []
    t = q.next_consult_ts(conn, sid, None)
    while t is not None:
        d = timeutil.local_date(t, tz)
        try:
            start, stop = timeutil.day_bounds(d, tz)
        except (OverflowError, ValueError):  # the last day a datetime can hold
            start, stop = t, 2 ** 63 - 1
        out.append((d.isoformat(), q.consults_between(conn, sid, start, stop)))
        t = q.next_consult_ts(conn, sid, stop) if stop < 2 ** 63 - 1 else None
    return out


def _config(conn, sid: int) -> ConfigInfo | None:
    from shunt.engine.model import Config
    from shunt.store import info as q

    row = q.latest_config(conn, sid)
    if row is None:
        return None
    uid, ts, body = row
    try:
        cfg = Config.from_body("", ts, body)
    except Exception:  # a body this version cannot read: say what it is, not why it failed
        return ConfigInfo(uid=uid, ts=ts, count=q.config_count(conn, sid), strategy=None, accounts=[], groups=[])
    accounts = [AccountInfo(account=a.account, groups=[g.id for g in cfg.groups_of(a.account)],
                            max_sessions=a.max_sessions, weight=a.weight, routing=a.routing, proxy=a.proxy)
                for a in cfg.agents]
    assistant = cfg.settings.assistant
    if assistant and all(a.account != assistant for a in accounts):
        accounts.append(AccountInfo(account=assistant, groups=[], max_sessions=None, weight=0.0,
                                    routing=True, proxy=False, role="assistant"))
    groups = [GroupInfo(id=g.id, name=g.name, members=list(g.members),
                        bound_to=[*g.bind.order_states, *(f"item {i}" for i in g.bind.items),
                                  *(f"intent {i}" for i in g.bind.intents)],
                        robot_priority=g.robot_priority) for g in cfg.groups]
    return ConfigInfo(uid=uid, ts=ts, count=q.config_count(conn, sid), strategy=cfg.settings.strategy,
                      accounts=accounts, groups=groups)
