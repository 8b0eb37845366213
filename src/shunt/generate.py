"""`shunt generate`: write a synthetic routing log by simulating the routing engine itself.

The shop (shunt.world) runs for `days` days from `start`: shifts, breaks and a night in the
agents' statuses, a config change each midday, a 双11 traffic curve, buyers who come back,
orders that move on, transfers, the assistant handing over, the offline pool re-routed in the
morning, logistics invitations, messages. Every consult is routed by `shunt.engine.decide`
against the state the engine's `Tracker` keeps, fed in the cut order of docs/semantics.md,
so a replay of the output matches every node except the ones deliberately faulted.

Deterministic: same arguments → same bytes (every draw comes from seeded `random.Random`
streams; nothing iterates a set or a dict keyed by hash order). Streaming: pending events
live in a heap bounded by the open sessions; buyers in a bounded ring.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, BinaryIO, Callable

import msgspec
from msgspec import UNSET, Struct

from shunt.engine.decide import decide
from shunt.engine.logistics import logistics_allowed
from shunt.engine.model import Config, Consult, Order, Routed
from shunt.engine.pick import pick
from shunt.engine.tracker import Tracker
from shunt.gcpause import paused_gc
from shunt.timeutil import zone
from shunt.world import (
    AFTERSALE_INTENTS, CARRIERS, CARRIER_WEIGHTS, HOUR_WEIGHTS, LOGISTICS_INTENTS, OTHER_INTENTS,
    PRESALE_INTENTS, Clock, World, buyer_nick, carrier_account, lognormal_s,
)

TZ_NAME = "Asia/Shanghai"
HOUR = 3_600_000
MIN = 60_000
SEC = 1000
DAY = 24 * HOUR
FLUSH = 8192  # events per write
FOLLOWUP_GUESS = 0.25  # follow-up consults per fresh arrival, before any is observed
FAULT_KINDS = ("offline_agent", "over_capacity", "wrong_reason", "routing_disabled")
WRONG_REASONS = (
    "recent_contact", "robot_priority_shop", "robot_priority_group", "main_account_fallback",
    "offline_to_assistant", "proxy_account", "exclusive_priority", "exclusive_1v1",
    "only_one_online", "reception_rate", "conversion_rate", "round_robin",
)

# heap ops (kind 0: non-consult events, fed first at equal ts; kind 1: consults)
_DAY, _CONFIG, _STATUS, _STATS, _END, _DROP = 0, 1, 2, 3, 4, 5
_ARRIVAL, _FOLLOW, _REROUTE = 10, 11, 12


class _Message(Struct, gc=False):
    """A `message` line: encodes as the dict it stands for (same keys, same order; an UNSET
    consult or id is left out). Cheaper to make, encode and free than a dict."""

    type: str
    ts: Any
    shop: str
    buyer: str
    sender: str
    account: str
    consult: Any = UNSET
    id: Any = UNSET


class _OrderOut(Struct, gc=False):
    id: str
    state: str
    carrier: Any = UNSET
    packages: Any = UNSET


class _RoutedOut(Struct, gc=False):
    agent: Any
    group: Any
    reason: Any


class _ConsultOut(Struct, gc=False):
    """A `consult` line (like _Message: the dict's keys in its order, UNSET ones left out)."""

    type: str
    ts: Any
    shop: str
    id: str
    buyer: str
    source: str
    item: Any
    order: Any
    intent: Any
    by: Any
    target: Any
    routed: _RoutedOut


class _SessionEnd(Struct, gc=False):
    type: str
    ts: Any
    shop: str
    consult: str


@dataclass
class GenerateReport:
    events: dict[str, int] = field(default_factory=dict)  # by type
    consults: int = 0
    sources: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)  # recorded reasons
    faults: list[tuple[str, str]] = field(default_factory=list)  # (consult id, kind), in time order
    buyers: int = 0  # distinct buyers
    first_ts: int | None = None  # epoch ms of the first and last event
    last_ts: int | None = None

    @property
    def total(self) -> int:
        return sum(self.events.values())

    @property
    def fault_ids(self) -> list[str]:
        return [c for c, _ in self.faults]


class _Buyer:
    __slots__ = ("nick", "last_cid", "last_ts", "quiet_until", "pending", "order", "in_ring", "fixed", "tries")

    def __init__(self, nick: str, fixed: bool = False):
        self.nick = nick
        self.last_cid: str | None = None
        self.last_ts = -1
        self.quiet_until = -1  # latest message written without a `consult` field
        self.pending = False  # a consult of this buyer is already scheduled (or waits in the offline pool)
        self.order: list | None = None  # [id, state, carrier, packages, item]
        self.in_ring = False
        self.fixed = fixed
        self.tries = 0  # offline-pool re-routes in a row


class _Gen:
    def __init__(self, out: BinaryIO, *, consults: int, agents: int, groups: int, days: int, seed: int,
                 faults: float, start: str, shop: str, progress: Callable[[int], None] | None,
                 messages: int | None = None):
        self.out = out
        self.n_messages = messages  # messages per answered consult (None: the usual mix, 4.4 on average)
        self.target = max(0, int(consults))
        self.days = max(1, int(days))
        self.faults = float(faults)
        self.shop = shop
        self.progress = progress
        self.tz = zone(TZ_NAME)
        self.clock = Clock(self.tz)
        d0 = date.fromisoformat(start)
        self.t0 = int(datetime(d0.year, d0.month, d0.day, tzinfo=self.tz).timestamp()) * SEC
        self.rng = random.Random(f"shunt-generate:{seed}:world")
        self.pick_rng = random.Random(f"shunt-generate:{seed}:pick")
        self.fmt_rng = random.Random(f"shunt-generate:{seed}:ts")
        self.world = World(self.rng, shop=shop, agents=agents, groups=groups,
                           consults_per_day=self.target / self.days)
        self.tracker = Tracker()
        self.enc = msgspec.json.Encoder()
        self.buf: list = []  # dicts and _Messages
        self.counts: Counter[str] = Counter()
        self.sources: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.fault_list: list[tuple[str, str]] = []
        self.last_ts = 0

        self.heap: list[tuple] = []
        self.seq = 0
        self.n_consults = 0
        self.n_fresh = 0
        self.n_msg = 0
        self.n_logi = 0
        self.status: dict[str, str] = {}
        self.online: list[str] = []  # human/supervisor/main accounts online, in a stable order
        self.buyers: dict[str, _Buyer] = {}
        self.ring: list[_Buyer] = []
        self.ring_size = min(200_000, max(500, self.target // 5))
        self.ring_pos = 0
        self.n_buyers = 0
        self.pool: deque[_Buyer] = deque()  # buyers whose last consult went to the offline pool
        self.fixed = []
        for nick, _agent, _mode in self.world.exclusive:
            b = _Buyer(nick, fixed=True)
            self.buyers[nick] = b
            self.fixed.append(b)
        self.fixed_seen: set[str] = set()
        self.n_orders = 0
        self.variant = 0
        self.config: Config | None = None
        self.rate = 0.0  # fresh arrivals per second in the current hour
        self.arrival_t = float(self.t0 // SEC)
        self.hour_end = 0
        self.last_consult = self.t0

    # ---- output ----------------------------------------------------------------------------
    def ts_out(self, ms: int):
        r = self.fmt_rng.random()
        if r < 0.86:
            return self.clock.iso_memo.get(ms) or self.clock.iso(ms)
        if r < 0.95:
            return self.clock.local(ms)
        return ms

    def emit(self, ev: dict, ms: int) -> None:
        self.buf.append(ev)
        self.counts[ev["type"]] += 1
        if ms > self.last_ts:
            self.last_ts = ms
        if len(self.buf) >= FLUSH:
            self.flush()

    def emit_as(self, kind: str, ev: Struct, ms: int) -> None:
        """emit() for a Struct line of type `kind`."""
        self.buf.append(ev)
        self.counts[kind] += 1
        if ms > self.last_ts:
            self.last_ts = ms
        if len(self.buf) >= FLUSH:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.out.write(self.enc.encode_lines(self.buf))
            self.buf.clear()

    # ---- scheduling ------------------------------------------------------------------------
    def push(self, ts: int, op: int, payload=None) -> None:
        # one int orders the heap: (ts, kind, seq) packed as ((ts * 2 + kind) << 40) | seq, so a
        # comparison never looks further (ties on ts are common: events fall on whole seconds)
        self.seq += 1
        heapq.heappush(self.heap, ((((ts << 1) | (op >= _ARRIVAL)) << 40 | self.seq), op, payload))

    def schedule_day(self, day: int) -> None:
        """Statuses, stats and the midday config change of day `day` (local midnight D)."""
        rng, w = self.rng, self.world
        D = self.t0 + day * DAY
        if day == 0:
            self.push(D, _CONFIG, 0)
            self.push(D, _STATUS, (w.assistant, "online"))
            self.push(D, _STATUS, (w.proxy, "online"))
            for a in w.humans + [w.supervisor, w.trainee, w.shop]:
                self.push(D, _STATUS, (a, "offline"))
        for a in w.humans + [w.proxy]:
            self.push(D + rng.randint(0, 59) * SEC, _STATS, (a, round(rng.uniform(0.08, 0.45), 3)))
            self.push(D + 14 * HOUR + rng.randint(0, 600) * SEC, _STATS, (a, round(rng.uniform(0.08, 0.45), 3)))
        self.push(D + 12 * HOUR, _CONFIG, None)  # config changes at noon and in the evening
        self.push(D + 19 * HOUR, _CONFIG, None)
        # the assistant's maintenance window; the proxy covers the late evening and the small hours
        self.push(D + 3 * HOUR + rng.randint(0, 600) * SEC, _STATUS, (w.assistant, "offline"))
        self.push(D + 3 * HOUR + 25 * MIN + rng.randint(0, 600) * SEC, _STATUS, (w.assistant, "online"))
        self.push(D + 90 * MIN + rng.randint(-600, 600) * SEC, _STATUS, (w.proxy, "offline"))
        self.push(D + 20 * HOUR + rng.randint(-900, 900) * SEC, _STATUS, (w.proxy, "online"))
        self.push(D + 9 * HOUR + rng.randint(0, 900) * SEC, _STATUS, (w.supervisor, "online"))
        self.push(D + 18 * HOUR + rng.randint(0, 900) * SEC, _STATUS, (w.supervisor, "offline"))
        self.push(D + 9 * HOUR + rng.randint(0, 900) * SEC, _STATUS, (w.trainee, "online"))
        self.push(D + 17 * HOUR + rng.randint(0, 900) * SEC, _STATUS, (w.trainee, "offline"))
        self.push(D + 10 * HOUR + rng.randint(0, 1800) * SEC, _STATUS, (w.shop, "online"))
        self.push(D + 22 * HOUR + rng.randint(0, 1800) * SEC, _STATUS, (w.shop, "offline"))
        # shifts: early 08:00–17:00, middle 09:30–21:00, late 13:00–23:40; some take the day off
        shifts = ((8 * 60, 17 * 60), (9 * 60 + 30, 21 * 60), (13 * 60, 23 * 60 + 40))
        off = set(i for i in range(len(w.humans)) if rng.random() < 0.1 and i > 1)
        for i, a in enumerate(w.humans):
            if i in off:
                continue
            s, e = shifts[rng.choices((0, 1, 2), (1, 1, 2))[0]]
            s = (s + rng.randint(-15, 15)) * 60
            e = (e + rng.randint(-15, 20)) * 60
            t = s
            changes = [(t, "online")]
            # a meal break (offline) and two or three short breaks (suspended)
            meal = s + (e - s) // 2 + rng.randint(-1800, 1800)
            breaks = sorted([(meal, rng.randint(30, 55) * 60, "offline")] +
                            [(rng.randint(s + 1200, e - 1800), rng.randint(5, 20) * 60, "suspended")
                             for _ in range(rng.randint(2, 3))])
            last = s
            for bt, blen, kind in breaks:
                if bt <= last + 300 or bt + blen >= e - 300:
                    continue
                changes.append((bt, kind))
                changes.append((bt + blen, "online"))
                last = bt + blen
            changes.append((e, "offline"))
            for sec, st in changes:
                self.push(D + sec * SEC, _STATUS, (a, st))
        self.push(D + DAY, _DAY, day + 1)

    # ---- arrivals --------------------------------------------------------------------------
    def _hour_rate(self, t_s: float) -> None:
        """Set the fresh-arrival rate for the hour containing t_s, aiming at the target count."""
        ms = int(t_s) * SEC
        rel = ms - self.t0
        h = (rel // HOUR) % 24
        self.hour_end = (self.t0 + (rel // HOUR + 1) * HOUR) // SEC
        end_ms = self.t0 + self.days * DAY
        remaining = self.target - self.n_consults
        done_fresh = self.n_fresh
        f = (self.n_consults - done_fresh) / done_fresh if done_fresh > 200 else FOLLOWUP_GUESS
        # weight of the hours left (this one included)
        if ms < end_ms:
            hours_left = (end_ms - self.t0 - (rel // HOUR) * HOUR) // HOUR
            wsum = 0.0
            for k in range(hours_left):
                wsum += HOUR_WEIGHTS[(h + k) % 24]
        else:
            wsum = HOUR_WEIGHTS[h]
        self.rate = max(1e-6, HOUR_WEIGHTS[h] * remaining / (1 + f) / wsum / 3600.0)

    def next_arrival(self) -> None:
        t = self.arrival_t
        rng = self.rng
        while True:
            if t >= self.hour_end:
                self._hour_rate(t)
            t2 = t + rng.expovariate(self.rate)
            if t2 < self.hour_end:
                t = t2
                break
            t = float(self.hour_end)
        self.arrival_t = t
        self.push(int(t) * SEC, _ARRIVAL)

    # ---- buyers and orders -----------------------------------------------------------------
    def _ok(self, b: _Buyer, T: int) -> bool:
        return not b.pending and T > b.quiet_until and T > b.last_ts

    def new_buyer(self) -> _Buyer:
        rng = self.rng
        b = _Buyer(buyer_nick(self.n_buyers, rng))
        self.n_buyers += 1
        self.buyers[b.nick] = b
        b.in_ring = True
        if len(self.ring) < self.ring_size:
            self.ring.append(b)
        else:
            old = self.ring[self.ring_pos]
            old.in_ring = False
            if not old.pending:
                del self.buyers[old.nick]
            self.ring[self.ring_pos] = b
            self.ring_pos = (self.ring_pos + 1) % self.ring_size
        r = rng.random()
        if r < 0.45:
            b.order = None
        else:
            st = rng.choices(("unpaid", "not_shipped", "partially_shipped", "shipped", "signed", "refunding"),
                             (10, 15, 5, 20, 10, 6))[0]
            b.order = self.new_order(st)
        return b

    def returning(self, T: int) -> _Buyer | None:
        rng = self.rng
        if self.ring:
            for _ in range(3):
                b = self.ring[rng.randrange(len(self.ring))]
                if self._ok(b, T) and T - b.last_ts < 76 * HOUR:
                    return b
        return None

    def new_order(self, st: str) -> list:
        rng = self.rng
        self.n_orders += 1
        o = [f"O-{self.n_orders + 880000}", st, None, None, self.world.items[rng.randrange(len(self.world.items))]]
        self._ship(o)
        return o

    def _ship(self, o: list) -> None:
        st = o[1]
        if st in ("partially_shipped", "shipped", "signed", "refunding") and o[2] is None:
            rng = self.rng
            o[2] = rng.choices(CARRIERS, CARRIER_WEIGHTS)[0]
            o[3] = (rng.choice((2, 2, 3)) if st == "partially_shipped" and rng.random() < 0.5
                    else (1 if rng.random() < 0.85 else 2))

    def advance_order(self, b: _Buyer) -> None:
        rng = self.rng
        o = b.order
        r = rng.random()
        if o is None:
            if r < 0.4:
                b.order = self.new_order("unpaid")
            return
        st = o[1]
        nxt = st
        if st == "unpaid":
            nxt = "not_shipped" if r < 0.5 else ("none" if r < 0.6 else st)
        elif st == "not_shipped":
            nxt = "shipped" if r < 0.4 else ("partially_shipped" if r < 0.5 else st)
        elif st == "partially_shipped":
            nxt = "shipped" if r < 0.4 else st
        elif st == "shipped":
            nxt = "signed" if r < 0.35 else ("refunding" if r < 0.42 else st)
        elif st == "signed":
            nxt = "refunding" if r < 0.12 else ("none" if r < 0.45 else st)
        elif st == "refunding":
            nxt = "none" if r < 0.4 else st
        if nxt == "none":
            b.order = None
        else:
            o[1] = nxt
            self._ship(o)

    def intent_for(self, b: _Buyer, bot: bool) -> str | None:
        rng = self.rng
        st = b.order[1] if b.order else "no_active_order"
        if not bot and rng.random() < (0.55 if st in ("shipped", "partially_shipped") else 0.8):
            return None
        if st in ("shipped", "partially_shipped", "not_shipped") and rng.random() < 0.8:
            return rng.choice(LOGISTICS_INTENTS)
        if st in ("signed", "refunding") and rng.random() < 0.7:
            return rng.choice(AFTERSALE_INTENTS)
        if rng.random() < 0.1:
            return OTHER_INTENTS[0]
        return rng.choice(PRESALE_INTENTS)

    # ---- consults --------------------------------------------------------------------------
    def arrival(self, T: int) -> None:
        rng, w = self.rng, self.world
        self.n_fresh += 1
        r = rng.random()
        b = None
        fixed_p = min(0.01, 12.0 * self.days / max(1, self.target))
        if r < fixed_p * len(self.fixed):
            b = self.fixed[int(r / fixed_p)]
            if not self._ok(b, T):
                b = None
            else:
                self.fixed_seen.add(b.nick)
        elif r < 0.4:
            b = self.returning(T)
            if b is not None:
                self.advance_order(b)
        if b is None:
            b = self.new_buyer()
        s = rng.random()
        by = None
        if s < 0.03 and self.online:
            source = "qianniu_initiated"
            by = self.online[rng.randrange(len(self.online))]
        elif s < 0.11:
            source = "bot_transfer"
            by = w.assistant
        elif s < 0.23:
            source = "unknown"
        elif b.order is not None and s < 0.68:
            source = "order_page"
        else:
            source = "item_page"
        self.route(T, b, source, by=by)

    def consult_for(self, cid: str, T: int, b: _Buyer, source: str, by: str | None, target: str | None,
                    intent: str | None = None, keep: Consult | None = None) -> Consult:
        rng = self.rng
        if keep is not None:  # a transfer: the facts travel with the buyer
            return Consult(cid, T, b.nick, source, keep.item, keep.order,
                           keep.intent if intent is None else intent, by, target)
        o = b.order
        item = None
        if source == "item_page":
            if o is not None and rng.random() < 0.5:
                item = o[4]
            else:
                its = self.world.items
                item = its[rng.randrange(12)] if rng.random() < 0.5 else its[rng.randrange(len(its))]
        elif source in ("order_page", "bot_transfer", "offline_pool", "qianniu_initiated") and o is not None:
            item = o[4] if rng.random() < 0.6 else None
        if source == "order_page" and o is None:
            b.order = o = self.new_order("not_shipped")
        order = None
        if o is not None and (source != "unknown" or rng.random() < 0.5):
            order = Order(o[0], o[1], o[2], o[3])  # id, state, carrier, packages
        if intent is None and source not in ("qianniu_initiated",):
            intent = self.intent_for(b, source == "bot_transfer")
        return Consult(cid, T, b.nick, source, item, order, intent, by, target)

    def route(self, T: int, b: _Buyer, source: str, *, by: str | None = None, target: str | None = None,
              intent: str | None = None, keep: Consult | None = None) -> None:
        rng, w = self.rng, self.world
        if T <= self.last_consult:
            # Consults are written in time order; ties are kept (ordered by id), including a
            # returning buyer's, whose new consult closes the old session at its own place
            # (docs/semantics.md, the streaming reading).
            T = self.last_consult
        cid = f"c-{self.n_consults + 1:09d}"
        c = self.consult_for(cid, T, b, source, by, target, intent, keep)
        self.n_consults += 1
        state = self.tracker.state_for(c, live_load=True)  # read (decide, fault) before tracker.consult
        d = decide(state, c, explain=False, candidates=False)
        agent = pick(d, self.pick_rng)
        group = d.groups.get(agent) if agent is not None else None
        reason = d.reason
        if self.faults > 0 and rng.random() < self.faults:
            agent, group, reason, kind = self.fault(state, d, agent)
            self.fault_list.append((cid, kind))
        routed = Routed(agent, group, reason)
        self.tracker.consult(c, routed)
        self.sources[source] += 1
        self.reasons[reason] += 1
        b.last_cid, b.last_ts = cid, T
        self.last_consult = T

        o = c.order
        if o is None:
            od = UNSET
        elif o.carrier is not None:
            od = _OrderOut(o.id, o.state, o.carrier, o.packages)
        else:
            od = _OrderOut(o.id, o.state)
        item, intent = c.item, c.intent
        self.buf.append(_ConsultOut("consult", self.ts_out(T), self.shop, cid, b.nick, source,
                                    UNSET if item is None else item, od, UNSET if intent is None else intent,
                                    c.by, c.target, _RoutedOut(agent, group, reason)))
        self.counts["consult"] += 1
        if T > self.last_ts:
            self.last_ts = T
        if len(self.buf) >= FLUSH:
            self.flush()
        self.after(c, b, agent, d)
        if self.progress is not None and self.n_consults % 10_000 == 0:
            self.progress(self.n_consults)

    def fault(self, state, d, agent):
        """A recorded decision that breaks the rules: (agent, group, reason, kind)."""
        rng, w = self.rng, self.world
        cfg = state.config
        winners = d.agents
        base = d.reason if d.reason not in (None, "offline_queue") else "reception_rate"
        kinds = list(FAULT_KINDS)
        rng.shuffle(kinds)
        for kind in kinds:
            if kind == "offline_agent":
                cands = [a for a in w.humans if state.status_of(a) != "online" and a not in winners]
                if cands:
                    a = cands[rng.randrange(len(cands))]
                    return a, w.group_of(a), base, kind
            elif kind == "over_capacity" and cfg is not None:
                cands = [ac.account for ac in cfg.agents
                         if ac.routing and not ac.proxy and ac.max_sessions and ac.account not in winners
                         and state.load_of(ac.account) >= ac.max_sessions and state.status_of(ac.account) == "online"]
                if cands:
                    a = cands[rng.randrange(len(cands))]
                    return a, w.group_of(a), base, kind
            elif kind == "routing_disabled" and w.supervisor not in winners:
                return w.supervisor, w.group_of(w.supervisor), base, kind
            elif kind == "wrong_reason":
                reasons = [r for r in WRONG_REASONS if r != d.reason]
                a = agent if agent is not None else w.humans[rng.randrange(len(w.humans))]
                return a, (d.groups.get(a) if a in d.groups else w.group_of(a)), reasons[rng.randrange(len(reasons))], kind
        a = w.humans[0]  # pragma: no cover - wrong_reason always applies
        return a, w.group_of(a), "only_one_online" if d.reason != "only_one_online" else "round_robin", "wrong_reason"

    def after(self, c: Consult, b: _Buyer, agent: str | None, d) -> None:
        """Plan what the consult leads to: follow-up, session end, messages, logistics."""
        rng, w = self.rng, self.world
        T = c.ts
        if agent is None:  # the buyer's words wait in the offline pool (re-routed twice at most)
            if b.tries < 2:
                b.pending = True
                self.pool.append(b)
                if len(self.pool) > 50_000:
                    old = self.pool.popleft()
                    old.pending = False
                    old.tries = 0
            n = rng.choice((1, 1, 2))
            self.messages(c, b, None, T, T + rng.randint(n + 2, 120) * SEC, n, first="buyer", omit=False)
            return
        b.tries = 0
        human = agent != w.assistant
        if human:
            L = lognormal_s(rng, 300, 0.7, 30, 7200)
        else:
            L = rng.randint(30, 240)
        end = T + L * SEC
        r = rng.random()
        follow = None
        if not human:
            if rng.random() < 0.45:
                follow = ("bot", T + rng.randint(20, max(21, L)) * SEC)
        elif agent in w.weights and r < 0.05:
            follow = ("agent", T + rng.randint(30, max(31, L)) * SEC)
        elif agent in w.weights and r < 0.09:
            follow = ("group", T + rng.randint(30, max(31, L)) * SEC)
        elif r < 0.17:
            follow = ("return", end + rng.randint(60, 3600) * SEC)
        if follow is not None:
            kind, tf = follow
            b.pending = True
            self.push(tf, _FOLLOW, (b, kind, c, agent))
            wend = min(end, tf)
        else:
            self.push(end, _END, c.id)
            wend = end
        n = rng.choice((2, 3, 3, 4, 4, 4, 5, 5, 6, 8))
        if self.n_messages is not None:
            n = self.n_messages
        first = "agent" if c.source == "qianniu_initiated" else "buyer"
        if human and c.order is not None and c.order.state in (
                "shipped", "partially_shipped"):
            self.logistics(c, agent, T, wend)
        self.messages(c, b, agent, T, wend, n, first=first, omit=True)

    def messages(self, c: Consult, b: _Buyer, agent: str | None, T: int, wend: int, n: int, *, first: str,
                 omit: bool) -> None:
        rng = self.rng
        lo, hi = T // SEC + 1, wend // SEC  # strictly after the consult, strictly before the window end
        span = hi - lo
        if span <= 0:
            return
        n = min(n, span)
        rand = rng.random
        free = span - n
        us = sorted([rand() for _ in range(n)])
        times = [lo + i + int(u * free) for i, u in enumerate(us)]  # distinct seconds in [lo, hi)
        account = agent if agent is not None else self.shop
        sender = first
        shop, cid, nick = self.shop, c.id, b.nick
        iso, local, frand = self.clock.iso, self.clock.local, self.fmt_rng.random
        iso_seen = self.clock.iso_memo.get  # iso() of a second already formatted, without the call
        append = self.buf.append
        quiet = b.quiet_until
        n_msg = self.n_msg
        other = {"buyer": "agent", "agent": "buyer"}
        for t in times:
            ms = t * SEC
            r = frand()
            ts = (iso_seen(ms) or iso(ms)) if r < 0.86 else (local(ms) if r < 0.95 else ms)
            r = rand()
            if omit and r < 0.12:
                quiet = ms
                consult = UNSET
            else:
                consult = cid
            if r > 0.4:
                n_msg += 1
                append(_Message("message", ts, shop, nick, sender, account, consult, f"m-{n_msg:010d}"))
            else:
                append(_Message("message", ts, shop, nick, sender, account, consult))
            if agent is not None and rand() < 0.75:
                sender = other[sender]
        b.quiet_until = quiet
        self.n_msg = n_msg
        self.counts["message"] += n
        if ms > self.last_ts:
            self.last_ts = ms
        if len(self.buf) >= FLUSH:
            self.flush()

    def logistics(self, c: Consult, agent: str, T: int, wend: int):
        """Invite the carrier's agent when the service allows it; join or decline; messages; end."""
        rng = self.rng
        if wend - T < 120 * SEC or c.order is None or c.order.carrier is None:
            return None
        at = T + rng.randint(5, 60) * SEC
        by = None
        if c.intent is not None and c.intent.startswith("logistics."):
            if logistics_allowed(self.config, c, "platform", at, self.tz) and rng.random() < 0.7:
                by = "platform"
        if by is None and rng.random() < 0.12:
            if logistics_allowed(self.config, c, "merchant", at, self.tz):
                by = "merchant"
        if by is None:
            return None
        carrier = c.order.carrier
        acct = carrier_account(carrier, rng)
        base = {"shop": self.shop, "consult": c.id, "account": acct, "carrier": carrier, "order": c.order.id}

        def ev(action: str, ms: int, who: str | None = None) -> None:
            self.n_logi += 1
            e = {"type": "logistics", "ts": self.ts_out(ms), **base, "action": action}
            if who is not None:
                e["by"] = who
            if rng.random() < 0.5:
                e["id"] = f"l-{self.n_logi:09d}"
            self.emit(e, ms)

        ev("invite", at, by)
        t2 = at + rng.randint(5, 40) * SEC
        if rng.random() < 0.3 or t2 >= wend - 30 * SEC:
            ev("decline", min(t2, wend - SEC))
            return None
        ev("join", t2)
        te = min(wend - SEC, t2 + rng.randint(40, 600) * SEC)
        lo, hi = t2 // SEC + 1, te // SEC
        if hi - lo >= 2:
            k = min(hi - lo, rng.choice((1, 2, 2, 3, 4)))
            sender = "logistics"
            for t in sorted(rng.sample(range(lo, hi), k)):
                self.emit_as("message", _Message("message", self.ts_out(t * SEC), self.shop, c.buyer, sender, acct, c.id),
                             t * SEC)
                sender = "buyer" if sender == "logistics" else "logistics"
        ev("end", te)
        return (t2, te)

    def follow(self, T: int, payload) -> None:
        b, kind, parent, agent = payload
        w, rng = self.world, self.rng
        b.pending = False
        if kind == "bot":
            self.route(T, b, "bot_transfer", by=w.assistant, intent=self.intent_for(b, True), keep=parent)
        elif kind == "agent":
            others = [a for a in w.humans if a != agent]
            on = [a for a in others if self.status.get(a) == "online"]
            pool = on if on and rng.random() < 0.85 else (others or [agent])
            self.route(T, b, "transfer_to_agent", by=agent, target=pool[rng.randrange(len(pool))], keep=parent)
        elif kind == "group":
            gids = w.group_ids
            self.route(T, b, "transfer_to_group", by=agent, target=gids[rng.randrange(len(gids))], keep=parent)
        else:
            self.advance_order(b)
            s = rng.random()
            self.route(T, b, "order_page" if b.order is not None and s < 0.5 else ("unknown" if s < 0.6 else "item_page"))
        self.forget(b)

    def forget(self, b: _Buyer) -> None:
        if not b.in_ring and not b.pending and not b.fixed:
            self.buyers.pop(b.nick, None)

    # ---- non-consult events ----------------------------------------------------------------
    def on_status(self, T: int, account: str, st: str) -> None:
        self.tracker.status(T, account, st)
        prev = self.status.get(account)
        self.status[account] = st
        w = self.world
        if account != w.assistant and account != w.proxy and account != w.trainee:
            if st == "online" and prev != "online":
                self.online.append(account)
            elif st != "online" and prev == "online":
                self.online.remove(account)
        self.emit({"type": "agent_status", "ts": self.ts_out(T), "shop": self.shop, "account": account, "status": st}, T)
        if st == "online" and account in w.weights and self.pool:
            k = max(3, math.ceil(len(self.pool) / 4))
            rng = self.rng
            for _ in range(min(k, len(self.pool))):
                b = self.pool.popleft()
                self.push(T + rng.randint(10, 1200) * SEC, _REROUTE, b)

    def on_config(self, T: int, variant: int | None) -> None:
        if variant is None:
            self.variant += 1
            variant = self.variant
        body = self.world.config_body(variant, TZ_NAME)
        cfg = Config.from_body(self.shop, T, body)
        self.config = cfg
        self.tracker.set_config(cfg)
        ev = {"type": "shop_config", "ts": self.clock.iso(T), "shop": self.shop, "id": f"cfg-{variant:03d}-{T // SEC}", "v": 1}
        ev.update(body)
        self.emit(ev, T)

    # ---- main loop -------------------------------------------------------------------------
    def run(self) -> GenerateReport:
        self.schedule_day(0)
        if self.target > 0:
            self._hour_rate(self.arrival_t)
            self.next_arrival()
        heap = self.heap
        pop = heapq.heappop
        target = self.target
        while heap:
            key, op, payload = pop(heap)
            T = key >> 41
            if op == _ARRIVAL:
                if self.n_consults < target:
                    self.arrival(T)
                    if self.n_consults < target:
                        self.next_arrival()
            elif op == _FOLLOW:
                if self.n_consults < target:
                    self.follow(T, payload)
                else:  # no consult left to close the parent's session: end it instead
                    self.push(T, _DROP, payload[2].id)
            elif op == _REROUTE:
                payload.pending = False
                if self.n_consults < target and T > payload.quiet_until and T > payload.last_ts:
                    payload.tries += 1
                    self.route(T, payload, "offline_pool")
                else:
                    payload.tries = 0
                self.forget(payload)
            elif op == _END or op == _DROP:
                self.tracker.session_end(T, payload)
                self.emit_as("session_end", _SessionEnd("session_end", self.ts_out(T), self.shop, payload), T)
            elif self.n_consults >= target and T > self.last_consult + 2 * HOUR:
                continue  # the run is over: no more statuses, stats or configs
            elif op == _STATUS:
                self.on_status(T, payload[0], payload[1])
            elif op == _STATS:
                self.tracker.stats(T, payload[0], payload[1])
                self.emit({"type": "agent_stats", "ts": self.ts_out(T), "shop": self.shop, "account": payload[0],
                           "conversion_rate": payload[1]}, T)
            elif op == _CONFIG:
                self.on_config(T, payload)
            elif op == _DAY:
                if self.n_consults < target:
                    self.schedule_day(payload)
        self.flush()
        if self.progress is not None:
            self.progress(self.n_consults)
        return GenerateReport(
            events=dict(sorted(self.counts.items())), consults=self.n_consults,
            sources=dict(sorted(self.sources.items())), reasons=dict(sorted(self.reasons.items())),
            faults=self.fault_list, buyers=self.n_buyers + len(self.fixed_seen),
            first_ts=self.t0 if self.counts else None, last_ts=self.last_ts if self.counts else None,
        )


def generate(out: BinaryIO, *, consults: int, agents: int = 12, groups: int = 4, days: int = 1, seed: int = 0,
             faults: float = 0.0, start: str = "2026-11-11", shop: str = "zhenpin",
             progress: Callable[[int], None] | None = None, messages: int | None = None) -> GenerateReport:
    """Write a synthetic routing log (JSON Lines, log-format v1) to the binary stream `out`.

    consults: number of consult events (total events are about 6x); agents: human sub-accounts;
    groups: groups bound to order states/items/intents (one unbound group is added); days from
    `start` (YYYY-MM-DD, shop zone Asia/Shanghai); faults: probability that a consult's recorded
    decision is replaced by one that breaks the rules (listed in the report); progress(n) is called
    with the number of consults written every 10,000 and at the end.
    """
    if consults < 0:
        raise ValueError("consults must be >= 0")
    if not 0.0 <= faults <= 1.0:
        raise ValueError("faults must be between 0 and 1")
    if agents < 1:
        raise ValueError("agents must be >= 1")
    if groups < 0:
        raise ValueError("groups must be >= 0")
    if days < 1:
        raise ValueError("days must be >= 1")
    if messages is not None and not 1 <= messages <= 1000:
        raise ValueError("messages must be between 1 and 1000")
    try:
        date.fromisoformat(start)
    except ValueError:
        raise ValueError(f"start {start!r} is not a date like 2026-11-11") from None
    # The run makes no reference cycles, and the collector's full passes rescanned every live buyer,
    # session and contact (more of them the longer the history). The _Gen is freed before the
    # collector is back on, or its first pass would scan all it held.
    with paused_gc():
        return _Gen(out, consults=consults, agents=agents, groups=groups, days=days, seed=seed, faults=faults,
                    start=start, shop=shop, progress=progress, messages=messages).run()
