"""The scratch pad of one `decide` call, and what a deciding rule returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .eligibility import listed_candidate, listed_eligibility
from .model import Candidate, Config, Consult, State, Step


@dataclass(frozen=True, slots=True)
class Result:
    """A rule decided: the reason, the winners (in a stable order) and their odds."""

    reason: str
    agents: tuple[str, ...]
    odds: Mapping[str, float]


@dataclass
class Context:
    """Everything the rules of one consult share. Made fresh by `decide`; never global."""

    state: State
    consult: Consult
    steps: list[Step] = field(default_factory=list)
    matched: tuple[str, ...] = ()  # group ids after 6a–f
    basis: str = ""  # what group matching matched on, e.g. "order state shipped"
    remaining: tuple[str, ...] = ()  # group ids after drop / overflow
    candidates: tuple[Candidate, ...] = ()  # rule 7's table
    rotation: tuple[str, ...] = ()  # round robin's list: the remaining groups' members, in order
    explain: bool = True  # False: rules skip their step texts and facts (same outcome)
    _elig: dict = field(default_factory=dict, repr=False)  # account → eligibility(state, account)
    _listing: Any = field(default=None, repr=False)  # account → AgentConf of the config (set at creation)

    @property
    def config(self) -> Config:
        assert self.state.config is not None
        return self.state.config

    def step(self, rule: str, name: str, outcome: str, detail: str, **facts: Any) -> None:
        self.steps.append(Step(rule=rule, name=name, outcome=outcome, detail=detail, facts=facts))

    def __post_init__(self) -> None:
        cfg = self.state.config
        self._listing = cfg.agent_index() if cfg is not None else {}  # account → AgentConf

    def eligibility(self, account: str) -> tuple[bool, str | None]:
        """eligibility(state, account), once per account per decision (the state does not change)."""
        r = self._elig.get(account)
        if r is None:
            r = self._elig[account] = listed_eligibility(self._listing.get(account), self.state, account)
        return r

    def eligible(self, account: str) -> bool:
        return self.eligibility(account)[0]

    def why_not(self, account: str) -> str | None:
        return self.eligibility(account)[1]

    def cand(self, account: str, groups: tuple[str, ...] = ()) -> Candidate:
        """candidate(state, account, groups) with this decision's eligibility memo."""
        return listed_candidate(self._listing.get(account), self.config.settings.busy_threshold, self.state, account,
                                tuple(groups), self.eligibility(account))
