"""Who may take a routed consult: eligible(agent) of routing-rules.md / semantics.md."""

from __future__ import annotations

from .model import AgentConf, Candidate, Config, State


def eligibility(state: State, account: str, *, allow_proxy: bool = False) -> tuple[bool, str | None]:
    """(eligible, why_not). why_not, checked in this order: not_listed, routing_disabled, no_capacity,
    offline, suspended, at_capacity, proxy. `allow_proxy=True` is rule 8's view of a proxy account."""
    cfg = state.config
    return listed_eligibility(cfg.agent(account) if cfg is not None else None, state, account, allow_proxy)


def listed_eligibility(conf: AgentConf | None, state: State, account: str,
                       allow_proxy: bool = False) -> tuple[bool, str | None]:
    """`eligibility` with the account's listing `conf` (config.agent(account)) already looked up."""
    if conf is None:
        return False, "not_listed"
    if not conf.routing:
        return False, "routing_disabled"
    if conf.max_sessions is not None and conf.max_sessions <= 0:
        return False, "no_capacity"
    status = state.status.get(account, "offline")
    if status != "online":
        return False, "suspended" if status == "suspended" else "offline"
    if conf.max_sessions is not None and state.load.get(account, 0) >= conf.max_sessions:
        return False, "at_capacity"
    if conf.proxy and not allow_proxy:
        return False, "proxy"
    return True, None


def candidate(state: State, account: str, groups: tuple[str, ...] = (),
              elig: tuple[bool, str | None] | None = None) -> Candidate:
    """One row of rule 7's table: the account's figures at the state's moment. `elig`: the
    account's eligibility(state, account) when the caller has it already."""
    cfg: Config | None = state.config
    conf = cfg.agent(account) if cfg is not None else None
    threshold = cfg.settings.busy_threshold if cfg is not None else 4
    return listed_candidate(conf, threshold, state, account, tuple(groups),
                            elig if elig is not None else eligibility(state, account))


def listed_candidate(conf: AgentConf | None, threshold: int, state: State, account: str,
                     groups: tuple[str, ...], elig: tuple[bool, str | None]) -> Candidate:
    """`candidate` with the listing, the busy threshold and the eligibility already known."""
    load = state.load.get(account, 0)
    return Candidate(
        account,
        groups,
        state.status.get(account, "offline"),
        load,
        conf.max_sessions if conf else None,
        conf.weight if conf else 0.0,
        float(state.conversion.get(account, 0.0)),
        load > threshold,
        elig[0],
        elig[1],
    )


def candidate_facts(c: Candidate) -> dict:
    """A Candidate as a JSON-able dict (for Step.facts)."""
    return {
        "account": c.account, "groups": list(c.groups), "status": c.status, "load": c.load,
        "max_sessions": c.max_sessions, "weight": c.weight, "conversion": c.conversion,
        "busy": c.busy, "eligible": c.eligible, "why_not": c.why_not,
    }
