"""One run of the generator: the shop's pieces wired together, and the loop that feeds the timeline's
events to them in time order (the shop's own events before the consults of the same instant)."""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO, Callable

from shunt.engine.tracker import Tracker
from shunt.generate.arrivals import Arrivals
from shunt.generate.buyers import Buyers
from shunt.generate.clock import Clock
from shunt.generate.consults import Consults
from shunt.generate.conversation import Conversation
from shunt.generate.floor import TZ_NAME, Floor
from shunt.generate.timeline import (
    ARRIVAL, CONFIG, DAY_OP, DROP, END, FOLLOW, HOUR, REROUTE, SEC, STATS, STATUS, Timeline,
)
from shunt.generate.world import World
from shunt.generate.writer import Writer
from shunt.timeutil import zone


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


class ShopRun:
    """The seeded streams (the shop's draws, the pick among ties, the timestamps' forms) and the pieces."""

    def __init__(self, out: BinaryIO, *, consults: int, agents: int, groups: int, days: int, seed: int,
                 faults: float, start: str, shop: str, progress: Callable[[int], None] | None,
                 messages: int | None = None):
        self.target = max(0, int(consults))
        self.days = max(1, int(days))
        self.progress = progress
        tz = zone(TZ_NAME)
        d0 = date.fromisoformat(start)
        self.t0 = int(datetime(d0.year, d0.month, d0.day, tzinfo=tz).timestamp()) * SEC
        rng = random.Random(f"shunt-generate:{seed}:world")
        pick_rng = random.Random(f"shunt-generate:{seed}:pick")
        fmt_rng = random.Random(f"shunt-generate:{seed}:ts")
        world = World(rng, shop=shop, agents=agents, groups=groups, consults_per_day=self.target / self.days)
        tracker = Tracker()
        self.writer = Writer(out, Clock(tz), fmt_rng, shop)
        self.timeline = Timeline(rng, world, self.t0)
        self.buyers = Buyers(rng, world, target=self.target, days=self.days)
        self.floor = Floor(rng, world, tracker, self.writer, self.timeline, self.buyers)
        self.arrivals = Arrivals(rng, self.timeline, t0=self.t0, days=self.days, target=self.target)
        conversation = Conversation(rng, world, self.writer, self.timeline, self.buyers, self.floor, tz,
                                    messages=messages)
        self.consults = Consults(rng, pick_rng, world, tracker, self.writer, self.buyers, self.floor, self.arrivals,
                                 conversation, faults=float(faults), progress=progress)
        self.tracker = tracker

    def run(self) -> GenerateReport:
        self.timeline.schedule_day(0)
        if self.target > 0:
            self.arrivals.start()
        heap = self.timeline.heap
        pop = heapq.heappop
        while heap:
            key, op, payload = pop(heap)
            T = key >> 41
            if op >= ARRIVAL or op == END or op == DROP:
                self._consult_op(T, op, payload)
            elif self.consults.n >= self.target and T > self.consults.last + 2 * HOUR:
                continue  # the run is over: no more statuses, stats or configs
            else:
                self._shop_op(T, op, payload)
        self.writer.flush()
        if self.progress is not None:
            self.progress(self.consults.n)
        return self.report()

    def _consult_op(self, T: int, op: int, payload) -> None:
        """A consult to write (an arrival, a follow-up, a re-route), or a session's end."""
        cs, target = self.consults, self.target
        if op == ARRIVAL:
            if cs.n < target:
                cs.arrival(T)
                if cs.n < target:
                    self.arrivals.next_arrival(cs.n)
        elif op == FOLLOW:
            if cs.n < target:
                cs.follow(T, payload)
            else:  # no consult left to close the parent's session: end it instead
                self.timeline.push(T, DROP, payload[2].id)
        elif op == REROUTE:
            cs.reroute(T, payload, cs.n < target)
        else:  # END, DROP
            self.tracker.session_end(T, payload)
            self.writer.session_end(T, payload)

    def _shop_op(self, T: int, op: int, payload) -> None:
        if op == STATUS:
            self.floor.set_status(T, payload[0], payload[1])
        elif op == STATS:
            self.floor.set_stats(T, payload[0], payload[1])
        elif op == CONFIG:
            self.floor.change_config(T, payload)
        elif op == DAY_OP:
            if self.consults.n < self.target:
                self.timeline.schedule_day(payload)

    def report(self) -> GenerateReport:
        w, cs = self.writer, self.consults
        return GenerateReport(
            events=dict(sorted(w.counts.items())), consults=cs.n,
            sources=dict(sorted(cs.sources.items())), reasons=dict(sorted(cs.reasons.items())),
            faults=cs.fault_list, buyers=self.buyers.count,
            first_ts=self.t0 if w.counts else None, last_ts=w.last_ts if w.counts else None,
        )
