"""The engine's State at a consult's cut, rebuilt by point lookups: statuses, conversion rates,
loads, recent contacts, a group's last pick (docs/semantics.md, the cut). Every query is an indexed
seek; every user value a bound parameter."""

from __future__ import annotations

import json
import sqlite3

from shunt.engine.model import Config, Consult, LastPick, RecentContact, State, recent_window_ms
from shunt.store.configs import config_at
from shunt.store.schema import SELECTION_IN


def status_at(conn: sqlite3.Connection, sid: int, account: str, ts: int) -> tuple[str, int] | None:
    """(status, since) of `account` at `ts`, None when it has no status event yet (offline).

    `since`: the first event of the current run of equal statuses (as the Tracker counts it).
    """
    row = conn.execute(
        "SELECT status, ts, uid FROM statuses WHERE shop_id = ? AND account = ? AND ts <= ? "
        "ORDER BY ts DESC, uid DESC LIMIT 1", (sid, account, ts)).fetchone()
    if row is None:
        return None
    status = row[0]
    diff = conn.execute(
        "SELECT ts, uid FROM statuses WHERE shop_id = ? AND account = ? AND ts <= ? AND status <> ? "
        "ORDER BY ts DESC, uid DESC LIMIT 1", (sid, account, ts, status)).fetchone()
    if diff is None:
        first = conn.execute(
            "SELECT ts FROM statuses WHERE shop_id = ? AND account = ? ORDER BY ts, uid LIMIT 1",
            (sid, account)).fetchone()
    else:
        first = conn.execute(
            "SELECT ts FROM statuses WHERE shop_id = ? AND account = ? AND ts >= ? AND (ts, uid) > (?, ?) "
            "ORDER BY ts, uid LIMIT 1", (sid, account, diff[0], diff[0], diff[1])).fetchone()
    return status, first[0]


def conversion_at(conn: sqlite3.Connection, sid: int, account: str, ts: int) -> float | None:
    row = conn.execute(
        "SELECT conversion_rate FROM stats WHERE shop_id = ? AND account = ? AND ts <= ? "
        "ORDER BY ts DESC, uid DESC LIMIT 1", (sid, account, ts)).fetchone()
    return None if row is None else row[0]


def load_at(conn: sqlite3.Connection, sid: int, account: str, ts: int, uid: str) -> int:
    """Open sessions of `account` at the cut of consult (T, uid): its last step with (ts, okey, phase) < (T, uid, 1).

    That takes every step placed before the consult, and the end of the buyer's previous
    session that this very consult closes (okey = uid, phase 0), but not its own start.
    """
    row = conn.execute(
        "SELECT load FROM load_steps WHERE shop_id = ? AND account = ? AND ts <= ? "
        "AND (ts, okey, phase) < (?, ?, 1) ORDER BY ts DESC, okey DESC, phase DESC, uid DESC LIMIT 1",
        (sid, account, ts, ts, uid)).fetchone()
    return row[0] if row else 0


def recent_contacts(conn: sqlite3.Connection, sid: int, buyer: str, ts: int, uid: str,
                    cfg: Config | None) -> tuple[RecentContact, ...]:
    """The buyer's recent contacts at the cut (docs/semantics.md), most recent first."""
    if cfg is None:
        return ()
    lo = ts - recent_window_ms(cfg.settings.recent_contact_hours)
    shop, assistant = cfg.shop, cfg.settings.assistant
    seen: set[str] = set()
    out = []
    for agent, t in conn.execute(
            "SELECT agent, ts FROM consults WHERE shop_id = ? AND buyer = ? AND ts >= ? AND ts <= ? "
            "AND (ts, uid) < (?, ?) AND agent IS NOT NULL ORDER BY ts DESC, uid DESC",
            (sid, buyer, lo, ts, ts, uid)):
        if agent in seen or agent == assistant or not (agent == shop or agent.startswith(shop + ":")):
            continue
        seen.add(agent)
        out.append(RecentContact(account=agent, ts=t))
    return tuple(out)


# status_at, load_at and conversion_at of many accounts in one statement (the same index seeks, one
# round trip instead of five per account): account, status, since, load, conversion rate.
_ACCOUNT_STATES = """
SELECT a.value, s.status,
       CASE WHEN s.rowid IS NULL THEN NULL
            WHEN d.rowid IS NULL THEN (SELECT f.ts FROM statuses f WHERE f.shop_id = :sid AND f.account = a.value
                                       ORDER BY f.ts, f.uid LIMIT 1)
            ELSE (SELECT f.ts FROM statuses f WHERE f.shop_id = :sid AND f.account = a.value AND f.ts >= d.ts
                    AND (f.ts, f.uid) > (d.ts, d.uid) ORDER BY f.ts, f.uid LIMIT 1) END,
       (SELECT l.load FROM load_steps l WHERE l.shop_id = :sid AND l.account = a.value AND l.ts <= :t
          AND (l.ts, l.okey, l.phase) < (:t, :uid, 1) ORDER BY l.ts DESC, l.okey DESC, l.phase DESC, l.uid DESC LIMIT 1),
       (SELECT r.conversion_rate FROM stats r WHERE r.shop_id = :sid AND r.account = a.value AND r.ts <= :t
          ORDER BY r.ts DESC, r.uid DESC LIMIT 1)
FROM json_each(:accounts) a
LEFT JOIN statuses s ON s.rowid = (SELECT x.rowid FROM statuses x WHERE x.shop_id = :sid AND x.account = a.value
                                     AND x.ts <= :t ORDER BY x.ts DESC, x.uid DESC LIMIT 1)
LEFT JOIN statuses d ON d.rowid = (SELECT y.rowid FROM statuses y WHERE y.shop_id = :sid AND y.account = a.value
                                     AND y.ts <= :t AND y.status <> s.status ORDER BY y.ts DESC, y.uid DESC LIMIT 1)
"""


def account_states(conn: sqlite3.Connection, sid: int, accounts: list[str], ts: int, uid: str
                   ) -> dict[str, tuple[str | None, int | None, int | None, float | None]]:
    """account -> (status, since, load, conversion) at the cut of consult (ts, uid), as status_at, load_at
    and conversion_at answer them (status and since None: no status event yet; load None: no step)."""
    out = {a: (None, None, None, None) for a in accounts}
    for a, st, st_since, n, rate in conn.execute(
            _ACCOUNT_STATES, {"sid": sid, "t": ts, "uid": uid, "accounts": json.dumps(accounts)}):
        out[a] = (st, st_since, n, rate)
    return out


def last_pick(conn: sqlite3.Connection, sid: int, group: str, ts: int, uid: str) -> LastPick | None:
    row = conn.execute(
        f"SELECT ts, uid, agent FROM consults WHERE shop_id = ? AND grp = ? AND reason IN {SELECTION_IN} "
        "AND ts <= ? AND (ts, uid) < (?, ?) AND agent IS NOT NULL ORDER BY ts DESC, uid DESC LIMIT 1",
        (sid, group, ts, ts, uid)).fetchone()
    return None if row is None else LastPick(ts=row[0], consult=row[1], account=row[2])


BLOCK = 64  # accounts read in one statement at least (a group's members; small groups together)


def _blocks(groups) -> dict[str, tuple[str, ...]]:
    """account → the accounts read with it: its first group's members, with the next groups' until the
    block holds BLOCK accounts (a decision reads the matched groups' members: one statement for a big
    group, a few for many small ones)."""
    chunks: list[list[str]] = [[]]
    at: dict[str, int] = {}
    for g in groups:
        for m in g.members:
            if m not in at:
                at[m] = len(chunks) - 1
                chunks[-1].append(m)
        if len(chunks[-1]) >= BLOCK:
            chunks.append([])
    made = [tuple(c) for c in chunks]
    return {a: made[i] for a, i in at.items()}


_SHAPES: dict[int, tuple[Config, dict[str, None], dict[str, tuple[str, ...]], tuple[str, ...]]] = {}


def _shape(cfg: Config) -> tuple[dict[str, None], dict[str, tuple[str, ...]], tuple[str, ...]]:
    """What state_at takes from a config alone, once per config (the last few): its listed accounts,
    the assistant and the shop, in order; the read blocks (their keys: the groups' members); the group
    ids. At 1000 accounts, making them at every node cost about a millisecond."""
    got = _SHAPES.get(id(cfg))
    if got is None or got[0] is not cfg:
        accounts: dict[str, None] = {}
        for a in cfg.agents:
            accounts[a.account] = None
        if cfg.settings.assistant:
            accounts[cfg.settings.assistant] = None
        accounts[cfg.shop] = None
        if len(_SHAPES) >= 8:
            _SHAPES.pop(next(iter(_SHAPES)))
        got = _SHAPES[id(cfg)] = (cfg, accounts, _blocks(cfg.groups), tuple(g.id for g in cfg.groups))
    return got[1], got[2], got[3]


def state_at(conn: sqlite3.Connection, sid: int, consult: Consult, uid: str) -> State:
    """The State `consult` was routed against, rebuilt by point lookups at its cut.

    Status, since and conversion cover the configured agents, the assistant, the shop nick,
    the consult's `by`/`target`, the buyer's exclusive agent and recent contacts; load covers
    the same accounts (only non-zero entries); last_pick covers the configured groups. The maps
    are read on first use (store/lazy_state.py): a decision reads few of them.
    """
    from shunt.store.lazy_state import CutReader, LazyMap, LazyPicks

    T = consult.ts
    cfg = config_at(conn, sid, T)
    recent = recent_contacts(conn, sid, consult.buyer, T, uid, cfg)
    blocks: dict[str, tuple[str, ...]] = {}
    groups: tuple[str, ...] = ()
    if cfg is not None:
        listed, blocks, groups = _shape(cfg)
        accounts = dict(listed)
        for e in cfg.exclusive:
            if e.buyer == consult.buyer:
                accounts[e.agent] = None
        accounts.update(dict.fromkeys(blocks))
    else:
        accounts = {}
    for a in (consult.by, consult.target):
        if a:
            accounts[a] = None
    for rc in recent:
        accounts[rc.account] = None

    def since_of(some: list[str]) -> dict[str, int | None]:
        return {a: found[1] if found[0] is not None else None
                for a, found in account_states(conn, sid, some, T, uid).items()}

    reader = CutReader(conn, sid, T, uid, accounts, blocks, since_of)
    picks = LazyPicks(groups, lambda g: last_pick(conn, sid, g, T, uid))
    return State(config=cfg, status=LazyMap(reader, "status"), status_since=LazyMap(reader, "since"),
                 load=LazyMap(reader, "load"), recent=recent, conversion=LazyMap(reader, "conversion"),
                 last_pick=picks)
