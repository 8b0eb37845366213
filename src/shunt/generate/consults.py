"""Consults: where they come from (a fresh arrival, a transfer or hand-over, the buyer's return, the
offline pool re-routed), the facts they carry (item, order, intent), and their routing, decided by
the engine on the Tracker's state; a share of the recorded decisions is faulted on purpose."""

from __future__ import annotations

import random
from collections import Counter
from typing import Callable

from shunt.engine.decide import decide
from shunt.engine.model import Consult, Order, Routed
from shunt.engine.pick import pick
from shunt.engine.tracker import Tracker
from shunt.generate.arrivals import Arrivals
from shunt.generate.buyers import Buyer, Buyers
from shunt.generate.conversation import Conversation
from shunt.generate.faults import fault
from shunt.generate.floor import Floor
from shunt.generate.world import World
from shunt.generate.writer import Writer

# the sources a consult's item may be drawn for when the buyer has an order
_ORDER_ITEM_SOURCES = ("order_page", "bot_transfer", "offline_pool", "qianniu_initiated")


class Consults:
    def __init__(self, rng: random.Random, pick_rng: random.Random, world: World, tracker: Tracker, writer: Writer,
                 buyers: Buyers, floor: Floor, arrivals: Arrivals, conversation: Conversation, *,
                 faults: float, progress: Callable[[int], None] | None):
        self.rng = rng
        self.pick_rng = pick_rng
        self.world = world
        self.tracker = tracker
        self.writer = writer
        self.buyers = buyers
        self.floor = floor
        self.arrivals = arrivals
        self.conversation = conversation
        self.faults = faults
        self.progress = progress
        self.n = 0  # consults written
        self.last = arrivals.t0  # ts of the latest consult
        self.sources: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.fault_list: list[tuple[str, str]] = []

    # ---- where a consult comes from -------------------------------------------------------------
    def arrival(self, T: int) -> None:
        """A fresh arrival: a buyer and the entrance they take."""
        rng = self.rng
        self.arrivals.fresh += 1
        b = self.buyers.arriving(T)
        s = rng.random()
        by = None
        online = self.floor.online
        if s < 0.03 and online:
            source = "qianniu_initiated"
            by = online[rng.randrange(len(online))]
        elif s < 0.11:
            source = "bot_transfer"
            by = self.world.assistant
        elif s < 0.23:
            source = "unknown"
        elif b.order is not None and s < 0.68:
            source = "order_page"
        else:
            source = "item_page"
        self.route(T, b, source, by=by)

    def follow(self, T: int, payload) -> None:
        """The consult that follows one in its session: a hand-over, a transfer, or the buyer's return."""
        b, kind, parent, agent = payload
        w, rng, buyers = self.world, self.rng, self.buyers
        b.pending = False
        if kind == "bot":
            self.route(T, b, "bot_transfer", by=w.assistant, intent=buyers.intent_for(b, True), keep=parent)
        elif kind == "agent":
            others = [a for a in w.humans if a != agent]
            status = self.floor.status
            on = [a for a in others if status.get(a) == "online"]
            pool = on if on and rng.random() < 0.85 else (others or [agent])
            self.route(T, b, "transfer_to_agent", by=agent, target=pool[rng.randrange(len(pool))], keep=parent)
        elif kind == "group":
            gids = w.group_ids
            self.route(T, b, "transfer_to_group", by=agent, target=gids[rng.randrange(len(gids))], keep=parent)
        else:
            buyers.advance_order(b)
            s = rng.random()
            self.route(T, b, "order_page" if b.order is not None and s < 0.5 else ("unknown" if s < 0.6 else "item_page"))
        buyers.forget(b)

    def reroute(self, T: int, b: Buyer, open_: bool) -> None:
        """A buyer of the offline pool routed again (`open_`: consults are still to be written)."""
        b.pending = False
        if open_ and T > b.quiet_until and T > b.last_ts:
            b.tries += 1
            self.route(T, b, "offline_pool")
        else:
            b.tries = 0
        self.buyers.forget(b)

    # ---- the consult and its decision -------------------------------------------------------------
    def consult_for(self, cid: str, T: int, b: Buyer, source: str, by: str | None, target: str | None,
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
        elif source in _ORDER_ITEM_SOURCES and o is not None:
            item = o[4] if rng.random() < 0.6 else None
        if source == "order_page" and o is None:
            b.order = o = self.buyers.new_order("not_shipped")
        order = None
        if o is not None and (source != "unknown" or rng.random() < 0.5):
            order = Order(o[0], o[1], o[2], o[3])  # id, state, carrier, packages
        if intent is None and source != "qianniu_initiated":
            intent = self.buyers.intent_for(b, source == "bot_transfer")
        return Consult(cid, T, b.nick, source, item, order, intent, by, target)

    def route(self, T: int, b: Buyer, source: str, *, by: str | None = None, target: str | None = None,
              intent: str | None = None, keep: Consult | None = None) -> None:
        if T <= self.last:
            # Consults are written in time order; ties are kept (ordered by id), including a
            # returning buyer's, whose new consult closes the old session at its own place
            # (docs/semantics.md, the streaming reading).
            T = self.last
        cid = f"c-{self.n + 1:09d}"
        c = self.consult_for(cid, T, b, source, by, target, intent, keep)
        self.n += 1
        state = self.tracker.state_for(c, live_load=True)  # read (decide, fault) before tracker.consult
        d = decide(state, c, explain=False, candidates=False)
        agent = pick(d, self.pick_rng)
        group = d.groups.get(agent) if agent is not None else None
        reason = d.reason
        if self.faults > 0 and self.rng.random() < self.faults:
            agent, group, reason, kind = fault(self.rng, self.world, state, d, agent)
            self.fault_list.append((cid, kind))
        self.tracker.consult(c, Routed(agent, group, reason))
        self.sources[source] += 1
        self.reasons[reason] += 1
        b.last_cid, b.last_ts = cid, T
        self.last = T
        self.writer.consult(c, agent, group, reason)
        self.conversation.after(c, b, agent)
        if self.progress is not None and self.n % 10_000 == 0:
            self.progress(self.n)
