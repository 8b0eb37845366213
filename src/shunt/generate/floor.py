"""The shop floor as the log tells it: agents' statuses and stats, and the config in force. Each change
goes to the engine's Tracker (the state the next decision reads) and to the log."""

from __future__ import annotations

import math
import random

from shunt.engine.model import Config
from shunt.engine.tracker import Tracker
from shunt.generate.buyers import Buyers
from shunt.generate.timeline import REROUTE, SEC, Timeline
from shunt.generate.world import World
from shunt.generate.writer import Writer

TZ_NAME = "Asia/Shanghai"


class Floor:
    def __init__(self, rng: random.Random, world: World, tracker: Tracker, writer: Writer, timeline: Timeline,
                 buyers: Buyers):
        self.rng = rng
        self.world = world
        self.tracker = tracker
        self.writer = writer
        self.timeline = timeline
        self.buyers = buyers
        self.status: dict[str, str] = {}
        self.online: list[str] = []  # human/supervisor/main accounts online, in a stable order
        self.variant = 0
        self.config: Config | None = None

    def set_status(self, T: int, account: str, st: str) -> None:
        """A status change; an agent of a group coming online takes a share of the offline pool."""
        self.tracker.status(T, account, st)
        prev = self.status.get(account)
        self.status[account] = st
        w = self.world
        if account != w.assistant and account != w.proxy and account != w.trainee:
            if st == "online" and prev != "online":
                self.online.append(account)
            elif st != "online" and prev == "online":
                self.online.remove(account)
        self.writer.status(T, account, st)
        pool = self.buyers.pool
        if st == "online" and account in w.weights and pool:
            k = max(3, math.ceil(len(pool) / 4))
            rng = self.rng
            for _ in range(min(k, len(pool))):
                b = pool.popleft()
                self.timeline.push(T + rng.randint(10, 1200) * SEC, REROUTE, b)

    def set_stats(self, T: int, account: str, rate: float) -> None:
        self.tracker.stats(T, account, rate)
        self.writer.stats(T, account, rate)

    def change_config(self, T: int, variant: int | None) -> None:
        """The opening config (variant 0) or the next variant of the cycle (None)."""
        if variant is None:
            self.variant += 1
            variant = self.variant
        body = self.world.config_body(variant, TZ_NAME)
        cfg = Config.from_body(self.world.shop, T, body)
        self.config = cfg
        self.tracker.set_config(cfg)
        self.writer.config(T, f"cfg-{variant:03d}-{T // SEC}", body)
