"""The shop's timeline: a heap of what happens next, and each day's plan of statuses, stats and configs.

One int orders the heap: (ts, kind, seq) packed as ((ts * 2 + kind) << 40) | seq, kind 0 for the
shop's own events (fed first at an equal ts, the cut order of docs/semantics.md) and 1 for consults,
so a comparison never looks further (ties on ts are common: events fall on whole seconds)."""

from __future__ import annotations

import heapq
import random

from shunt.generate.world import World

HOUR = 3_600_000
MIN = 60_000
SEC = 1000
DAY = 24 * HOUR

# heap ops (kind 0: non-consult events, fed first at equal ts; kind 1: consults)
DAY_OP, CONFIG, STATUS, STATS, END, DROP = 0, 1, 2, 3, 4, 5
ARRIVAL, FOLLOW, REROUTE = 10, 11, 12

# shifts: early 08:00–17:00, middle 09:30–21:00, late 13:00–23:40 (minutes of the day)
SHIFTS = ((8 * 60, 17 * 60), (9 * 60 + 30, 21 * 60), (13 * 60, 23 * 60 + 40))


class Timeline:
    def __init__(self, rng: random.Random, world: World, t0: int):
        self.rng = rng
        self.world = world
        self.t0 = t0
        self.heap: list[tuple] = []
        self.seq = 0

    def push(self, ts: int, op: int, payload=None) -> None:
        self.seq += 1
        heapq.heappush(self.heap, ((((ts << 1) | (op >= ARRIVAL)) << 40 | self.seq), op, payload))

    def schedule_day(self, day: int) -> None:
        """Statuses, stats and the config changes of day `day` (local midnight D)."""
        rng, w, push = self.rng, self.world, self.push
        D = self.t0 + day * DAY
        if day == 0:
            push(D, CONFIG, 0)
            push(D, STATUS, (w.assistant, "online"))
            push(D, STATUS, (w.proxy, "online"))
            for a in w.humans + [w.supervisor, w.trainee, w.shop]:
                push(D, STATUS, (a, "offline"))
        for a in w.humans + [w.proxy]:
            push(D + rng.randint(0, 59) * SEC, STATS, (a, round(rng.uniform(0.08, 0.45), 3)))
            push(D + 14 * HOUR + rng.randint(0, 600) * SEC, STATS, (a, round(rng.uniform(0.08, 0.45), 3)))
        push(D + 12 * HOUR, CONFIG, None)  # config changes at noon and in the evening
        push(D + 19 * HOUR, CONFIG, None)
        self._fixed_hours(D)
        self._shifts(D)
        push(D + DAY, DAY_OP, day + 1)

    def _fixed_hours(self, D: int) -> None:
        """The assistant's maintenance window; the proxy covers the late evening and the small hours;
        the supervisor, the trainee and the main account keep office hours."""
        rng, w, push = self.rng, self.world, self.push
        push(D + 3 * HOUR + rng.randint(0, 600) * SEC, STATUS, (w.assistant, "offline"))
        push(D + 3 * HOUR + 25 * MIN + rng.randint(0, 600) * SEC, STATUS, (w.assistant, "online"))
        push(D + 90 * MIN + rng.randint(-600, 600) * SEC, STATUS, (w.proxy, "offline"))
        push(D + 20 * HOUR + rng.randint(-900, 900) * SEC, STATUS, (w.proxy, "online"))
        push(D + 9 * HOUR + rng.randint(0, 900) * SEC, STATUS, (w.supervisor, "online"))
        push(D + 18 * HOUR + rng.randint(0, 900) * SEC, STATUS, (w.supervisor, "offline"))
        push(D + 9 * HOUR + rng.randint(0, 900) * SEC, STATUS, (w.trainee, "online"))
        push(D + 17 * HOUR + rng.randint(0, 900) * SEC, STATUS, (w.trainee, "offline"))
        push(D + 10 * HOUR + rng.randint(0, 1800) * SEC, STATUS, (w.shop, "online"))
        push(D + 22 * HOUR + rng.randint(0, 1800) * SEC, STATUS, (w.shop, "offline"))

    def _shifts(self, D: int) -> None:
        """Each human's shift, with a meal break (offline) and short breaks (suspended); some take the day off."""
        rng, w = self.rng, self.world
        off = set(i for i in range(len(w.humans)) if rng.random() < 0.1 and i > 1)
        for i, a in enumerate(w.humans):
            if i in off:
                continue
            s, e = SHIFTS[rng.choices((0, 1, 2), (1, 1, 2))[0]]
            s = (s + rng.randint(-15, 15)) * 60
            e = (e + rng.randint(-15, 20)) * 60
            for sec, st in self._shift_changes(s, e):
                self.push(D + sec * SEC, STATUS, (a, st))

    def _shift_changes(self, s: int, e: int) -> list[tuple[int, str]]:
        """(second of the day, status) of a shift from `s` to `e` seconds."""
        rng = self.rng
        changes = [(s, "online")]
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
        return changes
