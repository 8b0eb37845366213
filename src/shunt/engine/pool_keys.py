"""The decision cache's rules 6–8 key from the groups' pool versions (engine/pools.py, issue 17).

What rules 6–8 read, given the config and the consult's group-matching fields (which fix the
matched groups): the matched groups' eligible pools (rule 6 keeps those with an eligible member,
rule 7 chooses among them); when all of them are empty, every group's pool (overflow); when every
group's pool is empty, the proxies' eligibility (rule 8); and the assistant's status with whether
the consult came from it (group robot priority: in the key's tail, from the early key). A pool's
version number is equal for equal contents (`PoolView`), so the key costs O(matched groups) a
decision, not O(their members), and returns to an earlier key when the pools return to earlier
contents.
"""

from __future__ import annotations

from typing import Any

from .cache_keys import ConfigKeys
from .eligibility import listed_eligibility
from .lookup import lookup
from .model import State
from .pools import PoolView

_POOLS = "pools"  # tag: a key made from pool versions (never equal to a key made from flags)


def proxies_key(inf: ConfigKeys, state: State) -> tuple[bool, ...]:
    """Rule 8's input: the eligibility of each proxy listing as rule 8 sees it (allow_proxy)."""
    conf = inf.conf
    return tuple(listed_eligibility(conf.get(a.account), state, a.account, True)[0] for a in lookup(inf.cfg).proxies)


def late_key(view: PoolView, cid: int, ids: tuple[str, ...], at: tuple[int, ...], tail: tuple,
             inf: ConfigKeys, state: State) -> tuple:
    """Rules 6–8's key for the config `cid` (its `inf`), whose matched groups are `ids`, at
    positions `at` of its groups; `tail`: (bot_transfer, assistant online)."""
    counts = view.counts
    if any(map(counts.__getitem__, at)):  # rule 6 keeps some matched groups: their pools only
        return (cid, ids, _POOLS, view.version_of(at), *tail)
    if any(counts):  # overflow: every group with an eligible member
        return (cid, ids, _POOLS, view.all_version(), *tail)
    return (cid, ids, _POOLS, view.all_version(), proxies_key(inf, state), *tail)


def plan_stamp(view: PoolView, inf: ConfigKeys, state: State) -> Any:
    """What every variant's rules 6–8 key reads of the state (variants share the groups' members
    and limits, hence the pools): every group's pool, and the proxies when all are empty."""
    n = view.all_version()
    return (n,) if any(view.counts) else (n, proxies_key(inf, state))  # (a tuple: never a flags number)
