"""Eligibility flags kept up to date event by event, for the decision cache's keys.

The flags of a config's accounts (one byte each: online and below the limit) change only when a
status changes or a load reaches or leaves a limit. The tracker (`Tracker.watch_loads`) tells
which accounts changed; only their bytes are made again. A consult then costs nothing in the
number of accounts (the bytes object handed out is copied, at C speed, only after a change)."""

from __future__ import annotations

from typing import Mapping

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
