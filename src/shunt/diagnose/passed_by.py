"""At which rule did a consult pass an account by? Pure: a State and a Decision in, a cause code out."""

from __future__ import annotations

from shunt.engine import eligibility
from shunt.engine.context import Context
from shunt.engine.eligibility import listed_eligibility
from shunt.engine.groups import matched_groups
from shunt.engine.lookup import lookup
from shunt.engine.model import Config, Consult, Decision, State

# eligibility's why_not → why-silent cause code (cli.md's list)
INELIGIBLE = {
    "offline": "offline",
    "suspended": "suspended",
    "routing_disabled": "routing_disabled",
    "not_listed": "routing_disabled",
    "no_capacity": "no_capacity",
    "at_capacity": "at_capacity",
    "proxy": "proxy_only",
}
RECEIVED = "received"
DIRECT = "direct"  # qianniu-initiated or a transfer to a named agent: not routed at all


def passed_by(state: State, consult: Consult, decision: Decision, account: str,
              words: bool = True) -> tuple[str, str]:
    """→ (code, one sentence). code is RECEIVED, DIRECT, or a cause code of cli.md. `words=False`: the
    code with a sentence left unfinished (no names joined), for a tally that has its examples already."""
    if not decision.replayable:
        return "no_traffic", "no configuration: the node cannot be replayed"
    if account in decision.agents:
        if len(decision.agents) == 1:
            return RECEIVED, "it was the replayed winner"
        return RECEIVED, f"it was one of {len(decision.agents)} possible winners"
    rule = decision.rule or ""
    winners = (", ".join(decision.agents) or "nobody (offline pool)") if words else "-"
    if rule in ("R1", "R2"):
        return DIRECT, f"the consult went straight to {winners} ({decision.reason})"
    cfg = state.config
    if cfg is not None and cfg.settings.assistant == account:
        return "assistant_account", "it is the assistant; it takes consults only by robot priority or fallback"
    ok, why = eligibility(state, account)
    if not ok:
        code = INELIGIBLE.get(why or "", "offline")
        return code, f"it was not eligible ({why}); the consult went to {winners} by {decision.reason}"
    if rule == "R3":
        return "exclusive_elsewhere", f"the buyer's exclusive agent {winners} took it"
    if rule == "R4":
        return "recent_contact_elsewhere", f"the buyer's recent contact {winners} took it"
    if decision.reason in ("robot_priority_shop", "robot_priority_group"):
        return "robot_priority", f"robot priority sent it to the assistant {winners}"
    holding = lookup(cfg).holding.get(account, ()) if cfg is not None else ()  # its groups' ids
    if cfg is not None and cfg.groups and not holding:
        return "not_in_group", "it is in no group, so group matching never reaches it"
    remaining = decision.remaining_groups
    if remaining and not any(gid in remaining for gid in holding):  # in none of the remaining groups
        return "group_unmatched", (
            f"its groups were not matched: the consult went to group(s) {', '.join(decision.remaining_groups)}"
        )
    return "lost_selection", f"it lost the selection to {winners} ({decision.reason})"


def known_without_decision(state: State, consult: Consult, account: str) -> str | None:
    """The code `passed_by` gives, when it is known without running the rules; else None.

    Known here: no configuration (no_traffic), and an ineligible account that no rule could
    have picked at this consult (its ineligibility is then the cause, whatever the consult did;
    for the assistant, `assistant_account`). Not known: R1/R2 sources, an eligible account, the
    buyer's exclusive agent (1v1), and an account some rule may take now while ineligible
    (`_taken_now`). `state` needs no recent contacts, and only `account`'s load must be exact
    (Tracker.peek: the others' may still count the buyer's own session)."""
    cfg = state.config
    if cfg is None:
        return "no_traffic"
    if consult.source in ("qianniu_initiated", "transfer_to_agent"):
        return None
    ok, why = eligibility(state, account)
    if ok or why == "proxy":  # (a proxy eligible as one: rule 8 may take it)
        return None
    ex = cfg.exclusive_for(consult.buyer) if cfg.exclusive else None
    if ex is not None and ex.agent == account:
        return None
    return _ineligible_code(_takers(cfg), state, consult, account, why)


# id(config) → (config, _Takers). Holds the config, so its id is not reused while cached; configs are few.
_TAKEN: dict[int, tuple[Config, "_Takers"]] = {}


class _Takers:
    """What a config says of the accounts a rule may take while ineligible (the buyer's exclusive agent
    aside): the assistant (robot priority, shop-wide or of a group that has it, while online;
    offline_to_assistant whatever its status), the
    main account (main_account_fallback, when rule 8 reaches it: no proxy eligible, no offline_to_assistant)
    and the proxies (rule 8, only while eligible as a proxy: then `eligibility` says "proxy")."""

    __slots__ = ("assistant", "to_assistant", "robot", "main", "robot_shop", "proxies", "pooled", "caps", "seen")

    def __init__(self, cfg: Config) -> None:
        s = cfg.settings
        self.assistant = s.assistant or None
        self.to_assistant = bool(s.offline_to_assistant and s.assistant)
        self.main = cfg.shop if s.main_account_fallback and not self.to_assistant else None
        self.robot_shop = s.robot_priority == "shop" and bool(s.assistant)
        self.robot = self.robot_shop or (s.robot_priority == "group" and any(g.robot_priority for g in cfg.groups))
        lk = lookup(cfg)
        self.proxies = lk.proxies
        # rule 7's candidates in some pool: the gated members of the groups (no groups: every gated account)
        held = {m for g in cfg.groups for m in g.members} if cfg.groups else None
        self.pooled = tuple(a for a in lk.caps if held is None or a in held)
        self.caps = lk.caps
        self.seen = None  # the last account found eligible (most often still so at the next consult)


def _takers(cfg: Config) -> _Takers:
    e = _TAKEN.get(id(cfg))
    if e is None or e[0] is not cfg:
        if len(_TAKEN) >= 64:
            _TAKEN.clear()
        e = _TAKEN[id(cfg)] = (cfg, _Takers(cfg))
    return e[1]


def _ineligible_code(t: _Takers, state: State, consult: Consult, account: str, why: str | None) -> str | None:
    """The code of an ineligible `account` (not the buyer's exclusive agent) if no rule may take it at
    this consult (None: the rules must run)."""
    if account == t.assistant:  # passed_by names the assistant before its eligibility
        if t.to_assistant or account == t.main:
            return None
        if (t.robot and consult.source != "bot_transfer" and state.status.get(account) == "online"
                and (t.robot_shop or _group_robot_may(state, consult))):  # (robot priority skips bot transfers)
            return None
        return "assistant_account"
    if account == t.main and not _rule_8_unreached(t, state, consult):
        return None
    return INELIGIBLE.get(why or "", "offline")


def _group_robot_may(state: State, consult: Consult) -> bool:
    """Robot priority by group (rule 6's end) may take the consult: its first matched group has it."""
    matched = matched_groups(Context(state, consult, False, False))[0]
    return bool(matched) and matched[0].robot_priority


def _rule_8_unreached(t: _Takers, state: State, consult: Consult) -> bool:
    """True when rule 8 cannot give the consult to the main account: rule 5 decides whenever it is
    reached (shop-wide robot priority, the assistant online, not a bot transfer); or rule 7 decides,
    as it does whenever some group holds an eligible member (the matched groups keep it, or the
    overflow takes every group with one; no groups: any eligible listed account); or rule 8 would take
    an eligible proxy first. The others' loads may count the buyer's own session (peek): an account
    eligible with it is eligible without it."""
    status = state.status
    if t.robot_shop and consult.source != "bot_transfer" and status.get(t.assistant) == "online":
        return True
    load, caps = state.load, t.caps
    a = t.seen
    if a is not None and status.get(a) == "online" and caps[a] > load.get(a, 0):
        return True
    for a in t.pooled:
        if status.get(a) == "online" and caps[a] > load.get(a, 0):
            t.seen = a
            return True
    return any(listed_eligibility(p, state, p.account, True)[0] for p in t.proxies)


class Quick:
    """`known_without_decision(state, consult, account)` for one account over many consults: what depends
    on the config alone (its listing, the accounts a rule may take while ineligible, the buyers it is the
    exclusive agent of) is looked up once per config, so a consult costs its status and load."""

    __slots__ = ("account", "_cfg", "_conf", "_fixed", "_takers", "_taken", "_buyers")

    def __init__(self, account: str):
        self.account = account
        self._cfg: Config | None = None

    def _learn(self, cfg: Config) -> None:
        a = self.account
        conf = self._conf = cfg.agent(a)
        self._fixed = ("not_listed" if conf is None else "routing_disabled" if not conf.routing else
                       "no_capacity" if conf.max_sessions is not None and conf.max_sessions <= 0 else None)
        t = self._takers = _takers(cfg)
        self._taken = a == t.assistant or a == t.main  # else the ineligibility is the cause
        self._buyers = frozenset(b for b in {e.buyer for e in cfg.exclusive} if cfg.exclusive_for(b).agent == a)
        self._cfg = cfg

    def code(self, state: State, consult: Consult) -> str | None:
        cfg = state.config
        if cfg is None:
            return "no_traffic"
        if consult.source in ("qianniu_initiated", "transfer_to_agent"):
            return None
        if cfg is not self._cfg:
            self._learn(cfg)
        why = self._fixed
        if why is None:  # listed, routing on, some capacity: eligibility's run-time part
            a, conf = self.account, self._conf
            status = state.status.get(a, "offline")
            if status != "online":
                why = "suspended" if status == "suspended" else "offline"
            elif conf.max_sessions is not None and state.load.get(a, 0) >= conf.max_sessions:  # type: ignore[union-attr]
                why = "at_capacity"
            else:
                return None  # eligible, or a proxy (rule 8 may take it): the rules must run
        if consult.buyer in self._buyers:
            return None
        if self._taken:
            return _ineligible_code(self._takers, state, consult, self.account, why)
        return INELIGIBLE.get(why, "offline")
