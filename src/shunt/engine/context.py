"""The scratch pad of one `decide` call, and what a deciding rule returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .eligibility import candidate, eligibility
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

    @property
    def config(self) -> Config:
        assert self.state.config is not None
        return self.state.config

    def step(self, rule: str, name: str, outcome: str, detail: str, **facts: Any) -> None:
        self.steps.append(Step(rule=rule, name=name, outcome=outcome, detail=detail, facts=facts))

    def eligible(self, account: str) -> bool:
        return eligibility(self.state, account)[0]

    def why_not(self, account: str) -> str | None:
        return eligibility(self.state, account)[1]

    def cand(self, account: str, groups: tuple[str, ...] = ()) -> Candidate:
        return candidate(self.state, account, groups)
