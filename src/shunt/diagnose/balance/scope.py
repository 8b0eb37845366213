"""Which accounts balance shows and which two it compares."""

from __future__ import annotations

from dataclasses import dataclass

from shunt.diagnose.balance.results import short
from shunt.diagnose.groupname import resolve_group
from shunt.engine.accounts import is_shop_account
from shunt.engine.model import Config
from shunt.errors import NotFound


@dataclass(frozen=True)
class Scope:
    accounts: list[str]  # shown, in order
    ordinary: set[str]  # compared by default: listed to take routed consults
    assistants: set[str]
    group: str | None  # the group's id (`--group`, an id or a name)


def shown_accounts(cfgs: list[Config], nick: str, recorded: dict[str, int], group: str | None,
                   label: str) -> Scope:
    """The accounts listed in a configuration of the period to take routed consults (routing on,
    not a proxy, capacity not 0, not the assistant), then every shop account that received a
    consult, most received first; with `group`, that group's members only."""
    assistants = {c.settings.assistant for c in cfgs if c.settings.assistant}
    accounts: dict[str, None] = {}
    for c in cfgs:
        for a in c.agents:
            if a.routing and not a.proxy and a.account not in assistants and (a.max_sessions is None or a.max_sessions > 0):
                accounts[a.account] = None
    ordinary = set(accounts)
    for a in sorted(recorded, key=lambda x: -recorded[x]):
        if a not in assistants and is_shop_account(nick, a):
            accounts[a] = None
    if group is not None:
        group = resolve_group(cfgs, group, label)  # an id or a name → the id
        members: dict[str, None] = {}
        for c in cfgs:
            for g in c.groups:
                if g.id == group:
                    for m in g.members:
                        if m not in assistants:
                            members[m] = None
        accounts = members
    return Scope(list(accounts), ordinary, assistants, group)


def compared_pair(scope: Scope, rec: dict[str, int], online: dict[str, int], pair: tuple[str, str] | None,
                  label: str) -> tuple[str | None, str | None]:
    """(top, bottom): `pair` as asked (NotFound: not shown), else the ordinary account with most
    consults and the one with fewest among those online at some time (None, None: fewer than 2)."""
    acc, group = scope.accounts, scope.group
    if pair is not None:
        for a in pair:
            if a not in acc:
                raise NotFound(f"{a!r} is not among the accounts of {label}" + (f" in group {group}" if group else ""),
                               [x for x in acc if short(a) in x][:5] or acc[:10])
        return pair
    candidates = [a for a in acc if a in scope.ordinary] or acc
    if len(candidates) < 2:
        return None, None
    order = sorted(candidates, key=lambda a: (-rec[a], -online[a], a))
    pool = [a for a in order[1:] if online[a] > 0] or order[1:]
    return order[0], min(pool, key=lambda a: (rec[a], online[a], a))
