"""When fresh consults arrive: a Poisson stream whose rate follows the hour's weight (HOUR_WEIGHTS),
aimed at the target count over the run's days (follow-ups, counted as observed, come on top)."""

from __future__ import annotations

import random

from shunt.generate.timeline import ARRIVAL, DAY, HOUR, SEC, Timeline
from shunt.generate.world import HOUR_WEIGHTS

FOLLOWUP_GUESS = 0.25  # follow-up consults per fresh arrival, before any is observed


class Arrivals:
    def __init__(self, rng: random.Random, timeline: Timeline, *, t0: int, days: int, target: int):
        self.rng = rng
        self.timeline = timeline
        self.t0 = t0
        self.days = days
        self.target = target
        self.rate = 0.0  # fresh arrivals per second in the current hour
        self.arrival_t = float(t0 // SEC)
        self.hour_end = 0
        self.fresh = 0  # fresh arrivals so far

    def hour_rate(self, t_s: float, n_consults: int) -> None:
        """Set the fresh-arrival rate for the hour containing t_s, aiming at the target count."""
        ms = int(t_s) * SEC
        rel = ms - self.t0
        h = (rel // HOUR) % 24
        self.hour_end = (self.t0 + (rel // HOUR + 1) * HOUR) // SEC
        end_ms = self.t0 + self.days * DAY
        remaining = self.target - n_consults
        done_fresh = self.fresh
        f = (n_consults - done_fresh) / done_fresh if done_fresh > 200 else FOLLOWUP_GUESS
        # weight of the hours left (this one included)
        if ms < end_ms:
            hours_left = (end_ms - self.t0 - (rel // HOUR) * HOUR) // HOUR
            wsum = 0.0
            for k in range(hours_left):
                wsum += HOUR_WEIGHTS[(h + k) % 24]
        else:
            wsum = HOUR_WEIGHTS[h]
        self.rate = max(1e-6, HOUR_WEIGHTS[h] * remaining / (1 + f) / wsum / 3600.0)

    def start(self) -> None:
        self.hour_rate(self.arrival_t, 0)
        self.next_arrival(0)

    def next_arrival(self, n_consults: int) -> None:
        t = self.arrival_t
        rng = self.rng
        while True:
            if t >= self.hour_end:
                self.hour_rate(t, n_consults)
            t2 = t + rng.expovariate(self.rate)
            if t2 < self.hour_end:
                t = t2
                break
            t = float(self.hour_end)
        self.arrival_t = t
        self.timeline.push(int(t) * SEC, ARRIVAL)
