"""One handle per question: a `Shop` is the database read in one snapshot, the shop's identity and zone,
its config timeline and the lookups a question asks, bound to the shop.

`commands.common.open_shop` opens it and hands it to diagnose (trace, why-received, audit, the
period rules); diagnose computes on what it returns and holds no connection bookkeeping of its own.
A Shop unpacks as the tuple open_shop returned before, `conn, sid, nick, tz = shop`; the diagnose
functions that read through it take it, never `(conn, sid)`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from shunt import errors
from shunt.engine.model import Config, Consult, Routed, State
from shunt.store import lookups, periods
from shunt.timeutil import zone


class Shop:
    """The read side of one shop for one answer (see the module's doc)."""

    __slots__ = ("conn", "sid", "nick", "tzname", "tz")

    def __init__(self, conn: sqlite3.Connection, sid: int, nick: str, tzname: str):
        self.conn = conn
        self.sid = sid
        self.nick = nick
        self.tzname = tzname
        self.tz = zone(tzname)

    @classmethod
    def open(cls, db: Path, shop: str | None) -> "Shop":
        """Open the database (never creating it), hold one read snapshot, find the shop (`None`: the
        only one). Raises NotFound / UsageError / BadData as cli.md says."""
        from shunt.store.db import open_db
        from shunt.store.snapshot import hold_snapshot

        conn = open_db(db, create=False)
        hold_snapshot(conn)
        return cls.of(conn, lookups.shop_id(conn, shop))

    @classmethod
    def of(cls, conn: sqlite3.Connection, sid: int) -> "Shop":
        """A handle on a connection already open (and in its snapshot)."""
        nick, tzname = lookups.shop_info(conn, sid)
        return cls(conn, sid, nick, tzname)

    def __iter__(self) -> Iterator:
        """`conn, sid, nick, tz = shop`: the tuple commands.common.open_shop returned before."""
        return iter((self.conn, self.sid, self.nick, self.tz))

    def refresh(self) -> None:
        """A new snapshot (a load may have committed since the last answer): for a long-lived handle (ui)."""
        from shunt.store.snapshot import fresh_snapshot

        fresh_snapshot(self.conn)

    # ---- the config timeline ------------------------------------------------------------------
    def config_at(self, ts: int) -> Config | None:
        """The shop_config in force at `ts`, or None."""
        return lookups.config_at(self.conn, self.sid, ts)

    def configs_in(self, start: int, end: int) -> list[Config]:
        """The configs in force during [start, end), in order."""
        return lookups.configs_in(self.conn, self.sid, start, end)

    def state_at(self, consult: Consult, uid: str) -> State:
        """The engine's state as the consult was routed (config, statuses, loads, recent contacts...)."""
        return lookups.state_at(self.conn, self.sid, consult, uid)

    # ---- names as typed -------------------------------------------------------------------------
    def require_buyer(self, buyer: str) -> None:
        """NotFound (exit 1, with the nearest nicks) unless the shop has seen `buyer`."""
        if not lookups.buyer_exists(self.conn, self.sid, buyer):
            raise errors.NotFound("no buyer {buyer!r} in shop {shop}", lookups.nearest_buyers(self.conn, self.sid, buyer),
                                  buyer=buyer, shop=self.nick)

    def require_account(self, account: str, option: str | None = None) -> None:
        """NotFound (exit 1, with the nearest accounts) unless the shop has `account`; `option="--expected"`:
        the account came from that option, and the message says so."""
        if lookups.account_exists(self.conn, self.sid, account):
            return
        near = lookups.nearest_accounts(self.conn, self.sid, account)
        nick = shop = self.nick
        if option == "--expected":
            expected = account
            raise errors.NotFound(f"no account {expected!r} in shop {shop} (--expected)", near)
        raise errors.NotFound(f"no account {account!r} in shop {nick}", near)

    def account_exists(self, account: str) -> bool:
        return lookups.account_exists(self.conn, self.sid, account)

    # ---- the lookups of the point questions ---------------------------------------------------
    def consults_of_buyer(self, buyer: str, start: int, end: int) -> list[tuple[Consult, Routed, str]]:
        return lookups.consults_of_buyer(self.conn, self.sid, buyer, start, end)

    def buyer_days(self, buyer: str) -> list:
        return lookups.buyer_days(self.conn, self.sid, buyer, self.tz)

    def consult_row(self, consult_id: str) -> tuple[Consult, Routed, str] | None:
        return lookups.consult_row(self.conn, self.sid, consult_id)

    def message_at(self, buyer: str, second_ms: int) -> dict | None:
        return lookups.message_at(self.conn, self.sid, buyer, second_ms)

    def nearest_messages(self, buyer: str, ts: int) -> list[int]:
        return lookups.nearest_messages(self.conn, self.sid, buyer, ts)

    def consult_of_message(self, message: dict) -> tuple[Consult, Routed, str] | None:
        return lookups.consult_of_message(self.conn, self.sid, message)

    def logistics_events(self, consult_id: str) -> list[dict]:
        return lookups.logistics_events(self.conn, self.sid, consult_id)

    def last_event_ts(self) -> int | None:
        return lookups.last_event_ts(self.conn, self.sid)

    # ---- periods --------------------------------------------------------------------------------
    def consult_days(self, limit: int = 15) -> list[tuple]:
        """(local date, consults, last ts) of the latest days with consults, latest first."""
        return periods.consult_days(self.conn, self.sid, self.tz, limit)

    def count_consults(self, start: int, end: int) -> int:
        return periods.count_consults(self.conn, self.sid, start, end)

    def last_event_before(self, end: int) -> int | None:
        return periods.last_event_before(self.conn, self.sid, end)

    def split_ts(self, start: int, end: int, n: int) -> int | None:
        return periods.split_ts(self.conn, self.sid, start, end, n)
