"""The shop's buyers: who comes (new, returning, an exclusive VIP), their orders as they move on, and
what they ask about. Bounded: new buyers go into a ring; one that falls off it is forgotten unless a
consult of theirs is still pending."""

from __future__ import annotations

import random
from collections import deque

from shunt.generate.timeline import HOUR
from shunt.generate.world import (
    AFTERSALE_INTENTS, CARRIERS, CARRIER_WEIGHTS, LOGISTICS_INTENTS, OTHER_INTENTS, PRESALE_INTENTS, World,
    buyer_nick,
)

NEW_ORDER_STATES = ("unpaid", "not_shipped", "partially_shipped", "shipped", "signed", "refunding")
NEW_ORDER_WEIGHTS = (10, 15, 5, 20, 10, 6)
# an order's next state: (state, ((threshold, next), ...)) read with one draw r: the first r < threshold
NEXT_STATE = {
    "unpaid": ((0.5, "not_shipped"), (0.6, "none")),
    "not_shipped": ((0.4, "shipped"), (0.5, "partially_shipped")),
    "partially_shipped": ((0.4, "shipped"),),
    "shipped": ((0.35, "signed"), (0.42, "refunding")),
    "signed": ((0.12, "refunding"), (0.45, "none")),
    "refunding": ((0.4, "none"),),
}


class Buyer:
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

    def free_at(self, T: int) -> bool:
        """Nothing of this buyer's is pending and a consult at T comes after all they wrote."""
        return not self.pending and T > self.quiet_until and T > self.last_ts


class Buyers:
    def __init__(self, rng: random.Random, world: World, *, target: int, days: int):
        self.rng = rng
        self.world = world
        self.by_nick: dict[str, Buyer] = {}
        self.ring: list[Buyer] = []
        self.ring_size = min(200_000, max(500, target // 5))
        self.ring_pos = 0
        self.n_new = 0
        self.pool: deque[Buyer] = deque()  # buyers whose last consult went to the offline pool
        self.fixed: list[Buyer] = []
        for nick, _agent, _mode in world.exclusive:
            b = Buyer(nick, fixed=True)
            self.by_nick[nick] = b
            self.fixed.append(b)
        self.fixed_seen: set[str] = set()
        self.fixed_p = min(0.01, 12.0 * days / max(1, target))  # chance of each exclusive buyer per arrival
        self.n_orders = 0

    @property
    def count(self) -> int:
        """Distinct buyers so far."""
        return self.n_new + len(self.fixed_seen)

    def arriving(self, T: int) -> Buyer:
        """The buyer of a fresh arrival at T: an exclusive one, a returning one, or a new one."""
        r = self.rng.random()
        b = None
        fixed_p = self.fixed_p
        if r < fixed_p * len(self.fixed):
            b = self.fixed[int(r / fixed_p)]
            if not b.free_at(T):
                b = None
            else:
                self.fixed_seen.add(b.nick)
        elif r < 0.4:
            b = self._returning(T)
            if b is not None:
                self.advance_order(b)
        return b if b is not None else self._new_buyer()

    def _new_buyer(self) -> Buyer:
        rng = self.rng
        b = Buyer(buyer_nick(self.n_new, rng))
        self.n_new += 1
        self.by_nick[b.nick] = b
        b.in_ring = True
        if len(self.ring) < self.ring_size:
            self.ring.append(b)
        else:
            old = self.ring[self.ring_pos]
            old.in_ring = False
            if not old.pending:
                del self.by_nick[old.nick]
            self.ring[self.ring_pos] = b
            self.ring_pos = (self.ring_pos + 1) % self.ring_size
        if rng.random() < 0.45:
            b.order = None
        else:
            b.order = self.new_order(rng.choices(NEW_ORDER_STATES, NEW_ORDER_WEIGHTS)[0])
        return b

    def _returning(self, T: int) -> Buyer | None:
        rng = self.rng
        if self.ring:
            for _ in range(3):
                b = self.ring[rng.randrange(len(self.ring))]
                if b.free_at(T) and T - b.last_ts < 76 * HOUR:
                    return b
        return None

    def forget(self, b: Buyer) -> None:
        if not b.in_ring and not b.pending and not b.fixed:
            self.by_nick.pop(b.nick, None)

    # ---- orders and intents -------------------------------------------------------------------
    def new_order(self, st: str) -> list:
        rng = self.rng
        self.n_orders += 1
        items = self.world.items
        o = [f"O-{self.n_orders + 880000}", st, None, None, items[rng.randrange(len(items))]]
        self._ship(o)
        return o

    def _ship(self, o: list) -> None:
        st = o[1]
        if st in ("partially_shipped", "shipped", "signed", "refunding") and o[2] is None:
            rng = self.rng
            o[2] = rng.choices(CARRIERS, CARRIER_WEIGHTS)[0]
            o[3] = (rng.choice((2, 2, 3)) if st == "partially_shipped" and rng.random() < 0.5
                    else (1 if rng.random() < 0.85 else 2))

    def advance_order(self, b: Buyer) -> None:
        """The buyer's order moves on (or a new one is placed, or it is done with) before they come back."""
        o = b.order
        r = self.rng.random()
        if o is None:
            if r < 0.4:
                b.order = self.new_order("unpaid")
            return
        nxt = o[1]
        for threshold, state in NEXT_STATE.get(o[1], ()):
            if r < threshold:
                nxt = state
                break
        if nxt == "none":
            b.order = None
        else:
            o[1] = nxt
            self._ship(o)

    def intent_for(self, b: Buyer, bot: bool) -> str | None:
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
