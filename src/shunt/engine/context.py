"""The scratch pad of one `decide` call, and what a deciding rule returns."""

from __future__ import annotations

from itertools import compress, repeat
from operator import eq, gt
from typing import Any, Iterable, Mapping

from .eligibility import listed_candidate, listed_eligibility
from .frozen import frozen
from .lookup import Lookup, lookup
from .model import Candidate, Config, Consult, State, Step

_OUT: Any = object()  # "not in the eligibility gate"


@frozen
class Result:
    """A rule decided: the reason, the winners (in a stable order) and their odds."""

    reason: str
    agents: tuple[str, ...]
    odds: Mapping[str, float]


def eligible_in(accounts: tuple[str, ...], status: Mapping[str, str], load: Mapping[str, int],
                caps: Mapping[str, float]) -> tuple[str, ...]:
    """The eligible ones of `accounts`, in order, against these maps and a config's gate (`caps`:
    Lookup.caps), at C speed: the statuses, then the limits against the loads, are mapped, not
    looped over."""
    online = tuple(compress(accounts, map(eq, map(status.get, accounts), repeat("online"))))
    return tuple(compress(online, map(gt, map(caps.get, online, repeat(-1)), map(load.get, online, repeat(0)))))


class Context:
    """Everything the rules of one consult share. Made fresh by `decide`; never global.

    explain=False: rules skip their step texts and facts (same outcome). table=False: rule 6
    leaves `candidates` empty; table="eligible": only the eligible rows (rule 7 chooses from
    `pool`, the eligible accounts, either way)."""

    __slots__ = ("state", "consult", "config", "explain", "table", "lookup", "steps", "matched", "basis",
                 "remaining", "candidates", "rotation", "pool", "node", "_elig", "_elig_set", "view", "kept_at",
                 "kept")

    def __init__(self, state: State, consult: Consult, explain: bool = True, table: bool | str = True) -> None:
        self.state = state
        self.consult = consult
        self.config: Config = state.config  # type: ignore[assignment]  # decide checks it is set
        self.explain = explain
        self.table = table
        self.lookup: Lookup = lookup(self.config) if self.config is not None else None  # type: ignore[assignment]
        self.steps: list[Step] = []
        self.matched: tuple[str, ...] = ()  # group ids after 6a–f
        self.basis = ""  # what group matching matched on, e.g. "order state shipped"
        self.remaining: tuple[str, ...] = ()  # group ids after drop / overflow
        self.candidates: tuple[Candidate, ...] = ()  # rule 7's table (left empty when table=False)
        self.rotation: tuple[str, ...] = ()  # round robin's list: the remaining groups' members, in order
        self.pool: tuple[str, ...] = ()  # the eligible accounts of the rotation, in order: whom rule 7 chooses from
        self.node: Mapping[str, str | None] = {}  # a member of the rotation → its node group if rule 7 picks it
        self._elig: dict[str, tuple[bool, str | None]] = {}  # account → eligibility(state, account)
        self._elig_set: set[str] | None = None
        self.view: Any = None  # rule 6 from the tracker's pools: their PoolView (engine/pools.py)
        self.kept_at: tuple[int, ...] = ()  # ... and the positions of the groups whose pools make `pool`
        self.kept: Any = None  # ... and what rule 6 kept (engine/kept.py's Kept)

    def step(self, rule: str, name: str, outcome: str, detail: str, **facts: Any) -> None:
        self.steps.append(Step(rule=rule, name=name, outcome=outcome, detail=detail, facts=facts))

    def eligibility(self, account: str) -> tuple[bool, str | None]:
        """eligibility(state, account), once per account per decision (the state does not change)."""
        r = self._elig.get(account)
        if r is None:
            r = self._elig[account] = listed_eligibility(self.lookup.agents.get(account), self.state, account)
        return r

    def eligible(self, account: str) -> bool:
        """eligibility(account)[0], from the config's gate: listed, routing on, some capacity and not a
        proxy; then online and below the limit."""
        limit = self.lookup.gate.get(account, _OUT)
        if limit is _OUT or self.state.status.get(account) != "online":
            return False
        return limit is None or self.state.load.get(account, 0) < limit

    def eligible_set(self) -> set[str]:
        """Every eligible account of the config (made once per decision). Do not mutate."""
        elig = self._elig_set
        if elig is None:
            status, load = self.state.status, self.state.load
            elig = self._elig_set = {a for a, limit in self.lookup.gate.items() if status.get(a) == "online"
                                     and (limit is None or load.get(a, 0) < limit)}
        return elig

    def eligible_among(self, accounts: Iterable[str]) -> list[str]:
        """The eligible ones of `accounts`, in order: `eligible` for each, at C speed."""
        return list(eligible_in(tuple(accounts), self.state.status, self.state.load, self.lookup.caps))

    def why_not(self, account: str) -> str | None:
        return self.eligibility(account)[1]

    def cand(self, account: str, groups: tuple[str, ...] = ()) -> Candidate:
        """candidate(state, account, groups) with this decision's eligibility memo."""
        return listed_candidate(self.lookup.agents.get(account), self.config.settings.busy_threshold, self.state,
                                account, tuple(groups), self.eligibility(account))
