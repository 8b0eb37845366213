"""Tracker: the shop's state, kept incrementally while events are fed in time order.

Feed order (docs/semantics.md's cut): by ts; at equal ts the non-consult events
(set_config, status, stats, session_end) before consults, consults by uid. For each
consult call `state_for(consult)` (the state it is routed against), then
`consult(consult, routed)` to record it.
"""

from __future__ import annotations

from collections import deque
from typing import Iterable, Mapping

from .model import SELECTION_REASONS, Config, Consult, LastPick, RecentContact, Routed, State, recent_window_ms
from .accounts import is_shop_account
from .picks import Picks
from .pool_index import PoolIndex

MIN_HORIZON_HOURS = 72.0  # history is kept at least this long, even if every config says less
PRUNE_EVERY_MS = 60_000  # forgetting runs at most once a minute of log time (reads filter by time anyway)


class _Aged:
    """A dict whose entries are forgotten once older than a horizon (insertion in time order)."""

    def __init__(self) -> None:
        self.items: dict[str, int] = {}
        self._order: deque[tuple[int, str]] = deque()

    def put(self, key: str, ts: int) -> None:
        self.items[key] = ts
        self._order.append((ts, key))

    def pop(self, key: str) -> int | None:
        return self.items.pop(key, None)

    def __contains__(self, key: str) -> bool:
        return key in self.items

    def prune(self, lo: int) -> None:
        while self._order and self._order[0][0] < lo:
            ts, key = self._order.popleft()
            if self.items.get(key) == ts:
                del self.items[key]


class Tracker:
    def __init__(self) -> None:
        self._config: Config | None = None
        self._status: dict[str, str] = {}
        self._since: dict[str, int] = {}
        self._conversion: dict[str, float] = {}
        self._open: dict[str, tuple[str, str, int]] = {}  # consult id → (buyer, agent, start)
        self._buyer_open: dict[str, list[str]] = {}  # buyer → its open consult ids
        self._load: dict[str, int] = {}
        self._pending_end = _Aged()  # session_end seen before its consult
        self._closed = _Aged()  # consults seen whose session is over (or never opened)
        # buyer → [(ts, account)], oldest first; a list, not a deque: most buyers hold one or two
        # contacts, and an empty deque alone costs ~600 bytes (hundreds of MB over 72 h of 双11)
        self._recent: dict[str, list[tuple[int, str]]] = {}
        self._recent_order: deque[tuple[int, str]] = deque()  # (ts, buyer), oldest first
        self._max_hours = MIN_HORIZON_HOURS
        self._next_prune: int | None = None
        self._last_pick: dict[str, LastPick] = Picks()  # (kept in recency order: engine/picks.py)
        # Snapshots handed to States, shared until the map changes (States never see later events)
        self._snap: tuple[dict, dict, dict] | None = None  # status, since, conversion
        self._snap_pick: dict[str, LastPick] | None = None
        self._live: State | None = None  # peek's State over the live maps, while the config is the same
        # eligibility watch (watch_loads): `flags_gen` moves whenever a status changes or a watched
        # account's load reaches or leaves one of its watched limits; `resets` when every flag may have
        self.flags_gen = 0
        self.resets = 0
        self.stats_gen = 0  # moves whenever a conversion rate is set (equal: the same rates)
        self.load_gen = 0  # moves whenever a load changes while someone watches every load
        self._limits: dict[str, set[int]] = {}
        self._dirty: list[set[str]] = []  # the watchers' sets of accounts whose flag may have changed
        self._moved: list[set[str]] = []  # the load watchers' sets of accounts whose load changed
        self._rated: list[set[str]] = []  # the rate watchers' sets of accounts whose rate was set
        self._pools: PoolIndex | None = None  # per-group eligible pools, made on first use (live_state)

    # ---- events -------------------------------------------------------------------------
    def set_config(self, cfg: Config) -> None:
        self._config = cfg
        self._max_hours = max(self._max_hours, float(cfg.settings.recent_contact_hours or 0))

    def status(self, ts: int, account: str, status: str) -> None:
        if self._status.get(account) != status or account not in self._since:
            self._since[account] = ts
        self._status[account] = status
        self._snap = None
        self._changed(account)

    def stats(self, ts: int, account: str, rate: float) -> None:
        self._conversion[account] = float(rate)
        self._snap = None
        self.stats_gen += 1
        for d in self._rated:
            d.add(account)

    def session_end(self, ts: int, consult_id: str) -> None:
        if consult_id in self._open:
            self._close(consult_id)
            self._closed.put(consult_id, ts)  # a duplicate end is then ignored
        elif consult_id in self._closed:
            pass
        else:  # its consult is not seen yet: a zero-length session when it comes
            self._pending_end.put(consult_id, ts)

    def consult(self, consult: Consult, routed: Routed) -> None:
        buyer, ts, cid = consult.buyer, consult.ts, consult.id
        own = self._buyer_open.pop(buyer, None)
        if own:
            for old in own:
                self._close(old, keep_buyer=True)
                self._closed.put(old, ts)  # a late session_end for it is then ignored
        agent = routed.agent
        ended = bool(self._pending_end.items) and self._pending_end.pop(cid) is not None
        if agent is not None and not ended:
            self._open[cid] = (buyer, agent, ts)
            self._buyer_open[buyer] = [cid]
            load = self._load
            n = load[agent] = load.get(agent, 0) + 1
            if agent in self._limits and n in self._limits[agent]:  # it reached a watched limit
                self._changed(agent)
            if self._moved:
                self._load_moved(agent)
        else:  # no session, or a zero-length one: later ends for it are ignored
            self._closed.put(cid, ts)
        if agent is not None:
            self._add_recent(ts, buyer, agent)
            if routed.group and routed.reason in SELECTION_REASONS:
                self._last_pick[routed.group] = LastPick(ts, cid, agent)
                self._snap_pick = None
        if self._next_prune is None or ts >= self._next_prune:
            self._prune(ts)
            self._next_prune = ts + PRUNE_EVERY_MS

    def seed(self, open_sessions: Iterable[tuple[str, str, str, int]] = (),
             statuses: Iterable[tuple[int, str, str]] = (),
             stats: Iterable[tuple[int, str, float]] = (),
             last_picks: Mapping[str, LastPick] | None = None,
             recent: Iterable[tuple[int, str, str]] = ()) -> None:
        """Start mid-history. open_sessions: (consult_id, buyer, agent, start_ts); statuses:
        (ts, account, status); stats: (ts, account, rate); last_picks: group → LastPick;
        recent (optional): (ts, buyer, account) of earlier routed consults, for recent contacts."""
        for cid, buyer, agent, start in sorted(open_sessions, key=lambda s: (s[3], s[0])):
            if cid in self._open or agent is None:
                continue
            self._open[cid] = (buyer, agent, start)
            self._buyer_open.setdefault(buyer, []).append(cid)
            self._load[agent] = self._load.get(agent, 0) + 1
        for ts, account, st in sorted(statuses, key=lambda s: s[0]):
            self.status(ts, account, st)
        for ts, account, rate in sorted(stats, key=lambda s: s[0]):
            self.stats(ts, account, rate)
        self._last_pick.update(last_picks or {})
        self._snap = self._snap_pick = None
        for ts, buyer, account in sorted(recent, key=lambda r: r[0]):
            if account is not None:
                self._add_recent(ts, buyer, account)
        self.flags_gen += 1
        self.resets += 1
        self.stats_gen += 1

    # ---- state --------------------------------------------------------------------------
    def state_for(self, consult: Consult, live_load: bool = False) -> State:
        """The state just before `consult` (call before `consult()` records it). live_load=True:
        its load may be the tracker's live map, not a copy — read the State before the next event."""
        cfg = self._config
        load = self.load_for(consult)
        if load is self._load and not live_load:
            load = dict(load)
        # status, since, conversion and last picks change far less often than consults come:
        # their copies are shared by the States made in between (a State is never mutated)
        snap = self._snap
        if snap is None:
            snap = self._snap = (dict(self._status), dict(self._since), dict(self._conversion))
        picks = self._snap_pick
        if picks is None:
            picks = self._snap_pick = dict(self._last_pick)
        return State(cfg, snap[0], snap[1], load, self._recent_for(consult, cfg), snap[2], picks)

    def peek(self, consult: Consult, account: str | None = None) -> State:
        """A partial state just before `consult`, for a quick look: no recent contacts (rule 4
        cannot run on it), and the tracker's live maps, valid only until the next event is fed.
        `account`: only its load is read — the live map then serves unless the buyer's own open
        session (it ends at this consult) is with it (no copy of the loads)."""
        own = self._buyer_open.get(consult.buyer)
        if own and account is not None and all(self._open[cid][1] != account for cid in own):
            own = None
        load = self.load_for(consult) if own else self._load
        live = self._live
        if load is not self._load:
            return State(self._config, self._status, self._since, load, (), self._conversion, self._last_pick)
        if live is None or live.config is not self._config:  # made again only when the config changes
            live = self._live = State(self._config, self._status, self._since, load, (), self._conversion,
                                      self._last_pick)
        return live

    def load_for(self, consult: Consult) -> Mapping[str, int]:
        """The open sessions `consult` sees: the live map, or a copy without the buyer's own
        open session (it ends at this consult: end = T is not open at T). Do not mutate."""
        own = self._buyer_open.get(consult.buyer)
        if not own:
            return self._load
        load = dict(self._load)  # every count is > 0
        for cid in own:
            agent = self._open[cid][1]
            n = load[agent] - 1
            if n > 0:
                load[agent] = n
            else:
                del load[agent]
        return load

    def live_state(self, consult: Consult, recent_ms: int | None = None) -> State:
        """`state_for` without copies: the State shares the tracker's live maps (read it before the
        next event is fed). `recent_ms`: the recent-contact window carried (default the config's)."""
        cfg = self._config
        recent = self._recent_for(consult, cfg, recent_ms) if consult.buyer in self._recent else ()
        pools = self._pools
        if pools is None:
            pools = self._pools = PoolIndex(self)
        return State(cfg, self._status, self._since, self.load_for(consult), recent, self._conversion,
                     self._last_pick, pools)

    @property
    def config(self) -> Config | None:
        return self._config

    @property
    def live_status(self) -> Mapping[str, str]:
        """account → its status now (the live map: do not keep across events)."""
        return self._status

    @property
    def live_conversion(self) -> Mapping[str, float]:
        """account → its conversion rate now (the live map; `stats_gen` moves when it changes)."""
        return self._conversion

    @property
    def live_load(self) -> Mapping[str, int]:
        """account → its open sessions now (the live map; accounts with none are absent)."""
        return self._load

    def open_agents(self, buyer: str) -> list[str]:
        """The agents of the buyer's open sessions (they end at the buyer's next consult)."""
        return [self._open[cid][1] for cid in self._buyer_open.get(buyer, ())]

    def keep_recent(self, hours: float) -> None:
        """Keep recent contacts at least `hours` long (a replay under a config with a longer window)."""
        self._max_hours = max(self._max_hours, float(hours or 0))

    def watch_loads(self, limits: Mapping[str, int]) -> set[str]:
        """Also move `flags_gen` when one of these accounts' load reaches or leaves its limit.
        → the set to which the accounts whose eligibility may have changed are added (the watcher
        reads and empties it; `resets` moving means: all of them)."""
        for account, n in limits.items():
            self._limits.setdefault(account, set()).add(n)
        self.flags_gen += 1
        self._dirty.append(set())
        return self._dirty[-1]

    def watch_every_load(self) -> set[str]:
        """Also move `load_gen` whenever a load changes (by a consult or a session's end).
        → the set to which those accounts are added (the watcher reads and empties it; `resets`
        moving means: all of them)."""
        self._moved.append(set())
        self.load_gen += 1
        return self._moved[-1]

    def watch_rates(self) -> set[str]:
        """→ a set to which every account whose conversion rate is set is added (the watcher
        reads and empties it; `resets` moving means: all of them)."""
        self._rated.append(set())
        return self._rated[-1]

    def _load_moved(self, account: str) -> None:
        self.load_gen += 1
        for d in self._moved:
            d.add(account)

    def _changed(self, account: str) -> None:
        self.flags_gen += 1
        for d in self._dirty:
            d.add(account)

    # ---- internals ----------------------------------------------------------------------
    def _recent_for(self, consult: Consult, cfg: Config | None,
                    span_ms: int | None = None) -> tuple[RecentContact, ...]:
        """The buyer's recent contacts within the config's hours before `consult` (or `span_ms`:
        a replay under another config keeps the wider of two windows; rule 4 re-filters)."""
        q = self._recent.get(consult.buyer)
        if cfg is None or not q:
            return ()
        lo = consult.ts - (recent_window_ms(cfg.settings.recent_contact_hours) if span_ms is None else span_ms)
        seen: set[str] = set()
        out = []
        for ts, account in reversed(q):
            if ts < lo:
                break
            if account in seen or account == cfg.settings.assistant or not is_shop_account(cfg.shop, account):
                continue
            seen.add(account)
            out.append(RecentContact(account, ts))
        return tuple(out)

    def _add_recent(self, ts: int, buyer: str, account: str) -> None:
        q = self._recent.get(buyer)
        if q is None:
            q = self._recent[buyer] = []
        q.append((ts, account))
        self._recent_order.append((ts, buyer))

    def _close(self, cid: str, keep_buyer: bool = False) -> None:
        buyer, agent, _start = self._open.pop(cid)
        limits = self._limits.get(agent)
        if limits is not None and self._load[agent] in limits:  # from the limit to below it
            self._changed(agent)
        self._load[agent] -= 1
        if self._load[agent] <= 0:
            del self._load[agent]
        if self._moved:
            self._load_moved(agent)
        if not keep_buyer:
            ids = self._buyer_open.get(buyer)
            if ids is not None:
                ids.remove(cid)
                if not ids:
                    del self._buyer_open[buyer]

    def _prune(self, now: int) -> None:
        lo = now - recent_window_ms(self._max_hours)
        order = self._recent_order
        while order and order[0][0] < lo:
            _ts, buyer = order.popleft()
            q = self._recent[buyer]
            del q[0]
            if not q:
                del self._recent[buyer]
        self._closed.prune(lo)
        # pending ends are not pruned: an end may precede its consult by any time (exactness wins;
        # they are rare — an end for a consult never fed, or one closed longer ago than the horizon)
