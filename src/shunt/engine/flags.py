"""Eligibility flags kept up to date event by event, for the decision cache's keys.

The flags of a config's accounts (one byte each: online and below the limit) change only when a
status changes or a load reaches or leaves a limit. The tracker (`Tracker.watch_loads`) tells
which accounts changed; only their bytes are made again. A consult then costs nothing in the
number of accounts (the bytes object handed out is copied, at C speed, only after a change)."""

from __future__ import annotations

from typing import Mapping

from .model import Consult, State
from .tracker import Tracker

_INF = float("inf")


def flags_of(spec: tuple, status: Mapping[str, str], load: Mapping[str, int]) -> bytes:
    """The flags of `spec` = (accounts, caps) against these maps, made whole."""
    accounts, caps = spec
    get_s, get_l = status.get, load.get
    return bytes(get_s(a) == "online" and get_l(a, 0) < cap for a, cap in zip(accounts, caps))


class FlagWatch:
    """The flags of one spec over a tracker's live maps, mended account by account."""

    __slots__ = ("spec", "limits", "pos", "dirty", "gen", "reset", "buf", "flags")

    def __init__(self, spec: tuple, tracker: Tracker) -> None:
        accounts, caps = spec
        self.spec = spec
        self.limits = {a: n for a, n in zip(accounts, caps) if n != _INF}
        self.pos = {a: i for i, a in enumerate(accounts)}
        self.dirty = tracker.watch_loads(self.limits)  # the tracker adds the accounts whose flag may change
        self.gen = None
        self.reset = None
        self.buf = bytearray()
        self.flags = b""

    def current(self, tracker: Tracker) -> bytes:
        """The flags against the tracker's live maps (the same bytes object until one changes)."""
        if self.gen == tracker.flags_gen:
            return self.flags
        status, load = tracker.live_status, tracker.live_load
        if self.reset != tracker.resets:  # first use, or the tracker was seeded: all of them
            self.buf = bytearray(flags_of(self.spec, status, load))
            self.reset = tracker.resets
        else:
            accounts, caps = self.spec
            buf, pos = self.buf, self.pos
            for a in self.dirty:
                i = pos.get(a)
                if i is not None:
                    buf[i] = status.get(a) == "online" and load.get(a, 0) < caps[i]
        self.dirty.clear()
        self.gen = tracker.flags_gen
        flags = bytes(self.buf)
        if flags != self.flags:
            self.flags = flags
        return self.flags


class FlagSource:
    """The eligibility flags of a spec in a State: mended from `tracker`'s changes for its live
    States (`FlagWatch`), else made whole (once per State and spec)."""

    __slots__ = ("tracker", "_tracked", "_last")

    def __init__(self, tracker: Tracker | None) -> None:
        self.tracker = tracker
        self._tracked: dict[int, FlagWatch] = {}  # id(spec) → its flags over the tracker's live maps
        self._last: tuple = (None, None, None)  # the last (state, spec, flags) made whole

    def flags(self, state: State, consult: Consult, spec: tuple) -> bytes:
        tr = self.tracker
        if tr is not None and state.status is tr.live_status:
            flags = self._tracked_flags(tr, spec, state, consult)
            if flags is not None:
                return flags
        last = self._last
        if last[0] is state and last[1] is spec:  # simulate: the other config of this consult
            return last[2]
        flags = flags_of(spec, state.status, state.load)
        self._last = (state, spec, flags)
        return flags

    def _tracked_flags(self, tr: Tracker, spec: tuple, state: State, consult: Consult) -> bytes | None:
        """The flags for a state of `tr`, kept up to date account by account; None: to be made whole."""
        w = self._tracked.get(id(spec))
        if w is None:
            w = self._tracked[id(spec)] = FlagWatch(spec, tr)
        flags = w.current(tr)
        if state.load is not tr.live_load:
            # without the buyer's own open sessions (they end at this consult): an account full in
            # the live loads may not be full here
            limits, live = w.limits, tr.live_load
            for agent in tr.open_agents(consult.buyer):
                n = limits.get(agent)
                if n is not None and live.get(agent, 0) >= n:
                    return None
        return flags
