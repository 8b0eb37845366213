"""What a routed consult leads to: the session's length and end (or a follow-up consult that closes
it), the messages exchanged, and a logistics agent invited into it; a consult nobody took waits in the
offline pool with the buyer's words."""

from __future__ import annotations

import random

from msgspec import UNSET

from shunt.engine.logistics import logistics_allowed
from shunt.engine.model import Consult
from shunt.generate.buyers import Buyer, Buyers
from shunt.generate.floor import Floor
from shunt.generate.timeline import END, FOLLOW, SEC, Timeline
from shunt.generate.world import World, carrier_account, lognormal_s
from shunt.generate.writer import Message, Writer

POOL_MAX = 50_000  # buyers waiting in the offline pool; the oldest gives up beyond
_OTHER = {"buyer": "agent", "agent": "buyer"}


class Conversation:
    def __init__(self, rng: random.Random, world: World, writer: Writer, timeline: Timeline, buyers: Buyers,
                 floor: Floor, tz, *, messages: int | None):
        self.rng = rng
        self.world = world
        self.writer = writer
        self.timeline = timeline
        self.buyers = buyers
        self.floor = floor
        self.tz = tz
        self.n_messages = messages  # messages per answered consult (None: the usual mix, 4.4 on average)
        self.n_msg = 0
        self.n_logi = 0

    def after(self, c: Consult, b: Buyer, agent: str | None) -> None:
        """Plan what the consult leads to: follow-up, session end, messages, logistics."""
        rng = self.rng
        T = c.ts
        if agent is None:
            self._to_pool(c, b)
            return
        b.tries = 0
        human = agent != self.world.assistant
        L = lognormal_s(rng, 300, 0.7, 30, 7200) if human else rng.randint(30, 240)
        end = T + L * SEC
        follow = self._follow_up(T, L, end, agent, human)
        if follow is not None:
            kind, tf = follow
            b.pending = True
            self.timeline.push(tf, FOLLOW, (b, kind, c, agent))
            wend = min(end, tf)
        else:
            self.timeline.push(end, END, c.id)
            wend = end
        n = rng.choice((2, 3, 3, 4, 4, 4, 5, 5, 6, 8))
        if self.n_messages is not None:
            n = self.n_messages
        first = "agent" if c.source == "qianniu_initiated" else "buyer"
        if human and c.order is not None and c.order.state in ("shipped", "partially_shipped"):
            self.logistics(c, agent, T, wend)
        self.messages(c, b, agent, T, wend, n, first=first, omit=True)

    def _to_pool(self, c: Consult, b: Buyer) -> None:
        """The buyer's words wait in the offline pool (re-routed twice at most)."""
        rng, pool = self.rng, self.buyers.pool
        if b.tries < 2:
            b.pending = True
            pool.append(b)
            if len(pool) > POOL_MAX:
                old = pool.popleft()
                old.pending = False
                old.tries = 0
        n = rng.choice((1, 1, 2))
        T = c.ts
        self.messages(c, b, None, T, T + rng.randint(n + 2, 120) * SEC, n, first="buyer", omit=False)

    def _follow_up(self, T: int, L: int, end: int, agent: str, human: bool) -> tuple[str, int] | None:
        """(kind, ts) of the consult that follows this one in the session, if any: the assistant hands
        over (bot), the agent transfers (agent, group), or the buyer comes back later (return)."""
        rng, weights = self.rng, self.world.weights
        r = rng.random()
        if not human:
            if rng.random() < 0.45:
                return ("bot", T + rng.randint(20, max(21, L)) * SEC)
        elif agent in weights and r < 0.05:
            return ("agent", T + rng.randint(30, max(31, L)) * SEC)
        elif agent in weights and r < 0.09:
            return ("group", T + rng.randint(30, max(31, L)) * SEC)
        elif r < 0.17:
            return ("return", end + rng.randint(60, 3600) * SEC)
        return None

    def messages(self, c: Consult, b: Buyer, agent: str | None, T: int, wend: int, n: int, *, first: str,
                 omit: bool) -> None:
        """`n` messages at distinct seconds strictly between the consult and `wend`; the sides take turns
        (mostly); some lines leave out their consult (`omit`) or their id."""
        rng, w = self.rng, self.writer
        lo, hi = T // SEC + 1, wend // SEC  # strictly after the consult, strictly before the window end
        span = hi - lo
        if span <= 0:
            return
        n = min(n, span)
        rand = rng.random
        free = span - n
        us = sorted([rand() for _ in range(n)])
        times = [lo + i + int(u * free) for i, u in enumerate(us)]  # distinct seconds in [lo, hi)
        account = agent if agent is not None else w.shop
        sender = first
        shop, cid, nick = w.shop, c.id, b.nick
        iso, local, frand = w.clock.iso, w.clock.local, w.fmt_rng.random
        iso_seen = w.clock.iso_memo.get  # iso() of a second already formatted, without the call
        append = w.buf.append
        quiet = b.quiet_until
        n_msg = self.n_msg
        other = _OTHER
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
                append(Message("message", ts, shop, nick, sender, account, consult, f"m-{n_msg:010d}"))
            else:
                append(Message("message", ts, shop, nick, sender, account, consult))
            if agent is not None and rand() < 0.75:
                sender = other[sender]
        b.quiet_until = quiet
        self.n_msg = n_msg
        w.wrote("message", n, ms)

    def logistics(self, c: Consult, agent: str, T: int, wend: int) -> None:
        """Invite the carrier's agent when the service allows it; join or decline; messages; end."""
        rng = self.rng
        if wend - T < 120 * SEC or c.order is None or c.order.carrier is None:
            return
        at = T + rng.randint(5, 60) * SEC
        by = self._inviter(c, at)
        if by is None:
            return
        carrier = c.order.carrier
        acct = carrier_account(carrier, rng)
        base = {"shop": self.writer.shop, "consult": c.id, "account": acct, "carrier": carrier, "order": c.order.id}
        self._logistics_event(base, "invite", at, by)
        t2 = at + rng.randint(5, 40) * SEC
        if rng.random() < 0.3 or t2 >= wend - 30 * SEC:
            self._logistics_event(base, "decline", min(t2, wend - SEC))
            return
        self._logistics_event(base, "join", t2)
        te = min(wend - SEC, t2 + rng.randint(40, 600) * SEC)
        lo, hi = t2 // SEC + 1, te // SEC
        if hi - lo >= 2:
            k = min(hi - lo, rng.choice((1, 2, 2, 3, 4)))
            sender = "logistics"
            w = self.writer
            for t in sorted(rng.sample(range(lo, hi), k)):
                w.emit_as("message", Message("message", w.ts_out(t * SEC), w.shop, c.buyer, sender, acct, c.id), t * SEC)
                sender = "buyer" if sender == "logistics" else "logistics"
        self._logistics_event(base, "end", te)

    def _inviter(self, c: Consult, at: int) -> str | None:
        """Who invites the carrier at `at`: the platform (a logistics intent), the merchant, or nobody."""
        rng, cfg = self.rng, self.floor.config
        by = None
        if c.intent is not None and c.intent.startswith("logistics."):
            if logistics_allowed(cfg, c, "platform", at, self.tz) and rng.random() < 0.7:
                by = "platform"
        if by is None and rng.random() < 0.12:
            if logistics_allowed(cfg, c, "merchant", at, self.tz):
                by = "merchant"
        return by

    def _logistics_event(self, base: dict, action: str, ms: int, who: str | None = None) -> None:
        self.n_logi += 1
        w = self.writer
        e = {"type": "logistics", "ts": w.ts_out(ms), **base, "action": action}
        if who is not None:
            e["by"] = who
        if self.rng.random() < 0.5:
            e["id"] = f"l-{self.n_logi:09d}"
        w.emit(e, ms)
