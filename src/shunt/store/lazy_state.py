"""The maps of a State at a consult's cut, read on first use (store/states.py's `state_at`).

A point question (trace, why-received, why-silent's moment) replays one decision, and a decision
reads few accounts: a consult decided by robot priority reads the assistant's status, one routed by
the groups reads the matched groups' members. Reading every listed account's status, since, load
and conversion at every node cost ~30 ms a node at 1000 accounts; here each map asks the database
only for what the engine reads, a block of accounts per statement (the accounts of a group are read
together: rule 6 reads them all), and each field on its own (status, load and conversion are one
index seek each; `since`, three more, is read only for the accounts whose since is asked).

The maps hold the same entries as the eager ones did: an account outside `accounts` (what state_at
covers) has none, status and since only with a status event, load only when non-zero, conversion
only when known. Iterating a map (or its len) reads every account of it first."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator, Mapping
from typing import Any, Callable

from shunt.engine.model import LastPick, State

_NOT_READ: Any = object()

# one value per account of :accounts (json) at the cut of consult (:t, :uid): the subqueries of
# states._ACCOUNT_STATES, each on its own
_READ = {
    "status": "SELECT a.value, (SELECT x.status FROM statuses x WHERE x.shop_id = :sid AND x.account = a.value "
              "AND x.ts <= :t ORDER BY x.ts DESC, x.uid DESC LIMIT 1) FROM json_each(:accounts) a",
    "load": "SELECT a.value, (SELECT l.load FROM load_steps l WHERE l.shop_id = :sid AND l.account = a.value "
            "AND l.ts <= :t AND (l.ts, l.okey, l.phase) < (:t, :uid, 1) "
            "ORDER BY l.ts DESC, l.okey DESC, l.phase DESC, l.uid DESC LIMIT 1) FROM json_each(:accounts) a",
    "conversion": "SELECT a.value, (SELECT r.conversion_rate FROM stats r WHERE r.shop_id = :sid "
                  "AND r.account = a.value AND r.ts <= :t ORDER BY r.ts DESC, r.uid DESC LIMIT 1) "
                  "FROM json_each(:accounts) a",
}


_JSON: dict[tuple[str, ...], str] = {}  # a block of accounts → its JSON text (the same blocks at every node)


def _json_of(accounts: list[str]) -> str:
    key = tuple(accounts)
    text = _JSON.get(key)
    if text is None:
        if len(_JSON) >= 1024:
            _JSON.clear()
        text = _JSON[key] = json.dumps(accounts)
    return text


class CutReader:
    """What one State reads at the cut of consult (ts, uid), fetched on first use.

    `accounts`: the accounts the State covers, in order; `blocks`: account → the accounts read
    with it (a group's members); an account in no block is read with the other unblocked ones."""

    __slots__ = ("conn", "sid", "ts", "uid", "accounts", "blocks", "got", "since_of", "_lent")

    def __init__(self, conn: sqlite3.Connection, sid: int, ts: int, uid: str, accounts: dict[str, None],
                 blocks: dict[str, tuple[str, ...]], since_of: Callable[[list[str]], dict[str, Any]]):
        self.conn, self.sid, self.ts, self.uid = conn, sid, ts, uid
        self.accounts = accounts
        self.blocks = blocks
        self.since_of = since_of  # accounts → account → since (states.account_states)
        self.got: dict[str, dict[str, Any]] = {"status": {}, "since": {}, "load": {}, "conversion": {}}
        self._lent = False  # this reader's statuses offered to later cuts (store/carried.py)

    def value(self, field: str, account: str) -> Any:
        """The field's value for `account` (None: no value), read with its block on first use."""
        got = self.got[field]
        v = got.get(account, _NOT_READ)
        if v is _NOT_READ:
            if account not in self.accounts:
                return None
            block = self.blocks.get(account)
            if block is None:
                block = tuple(a for a in self.accounts if a not in self.blocks)
            self.read(field, [a for a in block if a not in got] if field != "since" else [account])
            v = got[account]
        return v

    def read(self, field: str, accounts: list[str]) -> None:
        got = self.got[field]
        if field == "since":
            got.update(self.since_of(accounts))
            return
        if field == "status":
            from shunt.store import carried

            accounts = carried.carried(self.conn, self.sid, self.ts, accounts, got)
            if not self._lent:
                self._lent = True
                carried.remember(self.conn, self.sid, self.ts, got)
            if not accounts:
                return
        rows = self.conn.execute(_READ[field], {"sid": self.sid, "t": self.ts, "uid": self.uid,
                                                "accounts": _json_of(accounts)})
        got.update(rows)
        for a in accounts:  # (json_each gives every one; this only guards the invariant)
            got.setdefault(a, None)

    def every(self, field: str) -> dict[str, Any]:
        """account → value for every account with one, in the accounts' order (reads the rest first)."""
        got = self.got[field]
        rest = [a for a in self.accounts if a not in got]
        if rest:
            self.read(field, rest)
        return {a: v for a in self.accounts if (v := got[a]) is not None and (v or field != "load")}


class LazyMap(Mapping):
    """One field of a CutReader as the engine's read-only map (load: only non-zero entries)."""

    __slots__ = ("_reader", "_field", "_zero_out", "_got")

    def __init__(self, reader: CutReader, field: str):
        self._reader, self._field = reader, field
        self._zero_out = field == "load"
        self._got = reader.got[field]

    def get(self, account, default=None):
        v = self._got.get(account, _NOT_READ)
        if v is _NOT_READ:
            v = self._reader.value(self._field, account)
        if v is None or (self._zero_out and not v):
            return default
        return v

    def __getitem__(self, account):
        v = self.get(account, _NOT_READ)
        if v is _NOT_READ:
            raise KeyError(account)
        return v

    def __contains__(self, account) -> bool:
        return self.get(account, _NOT_READ) is not _NOT_READ

    def __iter__(self) -> Iterator[str]:
        return iter(self._reader.every(self._field))

    def __len__(self) -> int:
        return len(self._reader.every(self._field))


class LazyPicks(Mapping):
    """group id → its last rule-7 pick at the cut (states.last_pick), read per group on first use."""

    __slots__ = ("_groups", "_read", "_got")

    def __init__(self, groups: tuple[str, ...], read: Callable[[str], LastPick | None]):
        self._groups, self._read = dict.fromkeys(groups), read
        self._got: dict[str, LastPick | None] = {}

    def get(self, group, default=None):
        got = self._got
        if group not in got:
            if group not in self._groups:
                return default
            got[group] = self._read(group)
        v = got[group]
        return default if v is None else v

    def __getitem__(self, group):
        v = self.get(group)
        if v is None:
            raise KeyError(group)
        return v

    def __contains__(self, group) -> bool:
        return self.get(group) is not None

    def __iter__(self) -> Iterator[str]:
        return iter([g for g in self._groups if self.get(g) is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def settled(state: State) -> State:
    """The same State with plain dicts, everything read now (a State of `state_at` reads its database on
    first use: settle it before its connection closes, or to keep it past its snapshot)."""
    return dataclasses.replace(state, status=dict(state.status), status_since=dict(state.status_since),
                               load=dict(state.load), conversion=dict(state.conversion),
                               last_pick=dict(state.last_pick))
