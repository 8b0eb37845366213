"""The generator's output: each event type as the line it writes, buffered and encoded in batches.

The lines are msgspec Structs or dicts that encode as the log format's objects (the keys in the
format's order; a field left UNSET is left out). Timestamps take the three forms a real export
mixes: ISO 8601 with offset (86 %), local without offset (9 %), epoch ms (5 %), drawn from their
own seeded stream so that the format's mix does not move the shop's draws."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any, BinaryIO

import msgspec
from msgspec import UNSET, Struct

from shunt.engine.model import Consult
from shunt.generate.clock import Clock

FLUSH = 8192  # events per write


class Message(Struct, gc=False):
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
    """A `consult` line (like Message: the dict's keys in its order, UNSET ones left out)."""

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


class Writer:
    """Buffers the lines, counts them by type, keeps the latest event time; writes every FLUSH lines."""

    def __init__(self, out: BinaryIO, clock: Clock, fmt_rng: random.Random, shop: str):
        self.out = out
        self.clock = clock
        self.fmt_rng = fmt_rng
        self.shop = shop
        self.enc = msgspec.json.Encoder()
        self.buf: list = []  # dicts and Structs
        self.counts: Counter[str] = Counter()
        self.last_ts = 0

    def ts_out(self, ms: int):
        r = self.fmt_rng.random()
        if r < 0.86:
            return self.clock.iso_memo.get(ms) or self.clock.iso(ms)
        if r < 0.95:
            return self.clock.local(ms)
        return ms

    def wrote(self, kind: str, n: int, ms: int) -> None:
        """Account for `n` lines of type `kind` just appended to `buf`, the latest at `ms`."""
        self.counts[kind] += n
        if ms > self.last_ts:
            self.last_ts = ms
        if len(self.buf) >= FLUSH:
            self.flush()

    def emit(self, ev: dict, ms: int) -> None:
        self.buf.append(ev)
        self.wrote(ev["type"], 1, ms)

    def emit_as(self, kind: str, ev: Struct, ms: int) -> None:
        """emit() for a Struct line of type `kind`."""
        self.buf.append(ev)
        self.wrote(kind, 1, ms)

    def flush(self) -> None:
        if self.buf:
            self.out.write(self.enc.encode_lines(self.buf))
            self.buf.clear()

    # ---- the lines ------------------------------------------------------------------------------
    def consult(self, c: Consult, agent: str | None, group: str | None, reason: str | None) -> None:
        o = c.order
        if o is None:
            od = UNSET
        elif o.carrier is not None:
            od = _OrderOut(o.id, o.state, o.carrier, o.packages)
        else:
            od = _OrderOut(o.id, o.state)
        item, intent = c.item, c.intent
        self.buf.append(_ConsultOut("consult", self.ts_out(c.ts), self.shop, c.id, c.buyer, c.source,
                                    UNSET if item is None else item, od, UNSET if intent is None else intent,
                                    c.by, c.target, _RoutedOut(agent, group, reason)))
        self.wrote("consult", 1, c.ts)

    def session_end(self, T: int, cid: str) -> None:
        self.emit_as("session_end", _SessionEnd("session_end", self.ts_out(T), self.shop, cid), T)

    def status(self, T: int, account: str, st: str) -> None:
        self.emit({"type": "agent_status", "ts": self.ts_out(T), "shop": self.shop, "account": account, "status": st}, T)

    def stats(self, T: int, account: str, rate: float) -> None:
        self.emit({"type": "agent_stats", "ts": self.ts_out(T), "shop": self.shop, "account": account,
                   "conversion_rate": rate}, T)

    def config(self, T: int, cfg_id: str, body: dict) -> None:
        ev = {"type": "shop_config", "ts": self.clock.iso(T), "shop": self.shop, "id": cfg_id, "v": 1}
        ev.update(body)
        self.emit(ev, T)
