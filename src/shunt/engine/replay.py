"""compare(state, consult, decision, routed): does the recorded node match its replay, and if
not, which recorded fact breaks it — in plain English with figures."""

from __future__ import annotations

from datetime import tzinfo

from .codes import REASONS, RULE_NAMES, RULE_OF_REASON
from .eligibility import eligibility
from .model import SELECTION_REASONS, STRATEGIES, Consult, Decision, Routed, State, Verdict
from .recent import recent_in_window
from .timefmt import clock, hours_text

# recorded reasons that need the recorded agent to be eligible at the time
NEEDS_ELIGIBLE = SELECTION_REASONS | {"recent_contact", "exclusive_priority", "proxy_account"}


def matches(decision: Decision, routed: Routed) -> bool:
    """Same reason, and the recorded agent among the winners (no winners: recorded agent null)."""
    if routed.reason != decision.reason:
        return False
    if not decision.agents:
        return routed.agent is None
    return routed.agent in decision.agents


def compare(state: State, consult: Consult, decision: Decision, routed: Routed,
            tz: tzinfo | None = None) -> Verdict:
    """A Verdict: match True/False, or None when the node is not replayable. Times in findings are
    clock times in `tz` (a zoneinfo), else UTC."""
    if not decision.replayable or state.config is None:
        return Verdict(match=None, findings=(
            "no shop_config is in force at or before this consult, so it cannot be replayed",), codes=("no_config",))
    if matches(decision, routed):
        return Verdict(match=True)
    out: dict[str, str] = {}  # text → code, first one kept, in order
    for code, text in _Findings(state, consult, decision, routed, tz).all():
        out.setdefault(text, code)
    return Verdict(match=False, findings=tuple(out), codes=tuple(out.values()))


def _lc(text: str) -> str:
    text = text.rstrip(".")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _names(accounts) -> str:
    return ", ".join(accounts) or "nobody"


class _Findings:
    def __init__(self, state: State, consult: Consult, decision: Decision, routed: Routed, tz: tzinfo | None):
        self.s, self.c, self.d, self.r, self.tz = state, consult, decision, routed, tz
        self.cfg = state.config
        self.out: list[tuple[str, str]] = []  # (code, text)

    def t(self, ms: int) -> str:
        return clock(ms, self.tz, self.c.ts)

    def add(self, code: str, text: str) -> None:
        """A finding: its stable code (codes.FINDINGS) and its sentence."""
        self.out.append((code, text))

    def all(self) -> list[tuple[str, str]]:
        r = self.r
        if r.reason not in RULE_OF_REASON:
            self.add("unknown_reason", f"the recorded reason {r.reason} is not a routing reason code")
        if r.agent is not None and r.reason in NEEDS_ELIGIBLE:
            self.agent_facts(r.agent)
        handler = getattr(self, f"why_{r.reason}", None)
        if r.reason in SELECTION_REASONS:
            handler = self.why_selection
        if handler is not None:
            handler()
        self.precedence()
        winners = _names(self.d.agents)
        self.add("decision_differs", f"the replay gives {self.d.reason} → {winners} (rule {self.d.rule}); "
                 f"the record says {r.reason} → {r.agent or 'nobody'}")
        return self.out

    # ---- the recorded agent ------------------------------------------------------------
    def status_fact(self, role: str, who: str, a: str) -> None:
        """Codes `{role}_offline`, `{role}_suspended`, `{role}_no_status` (else `{role}_not_online`)."""
        st = self.s.status_of(a)
        if st == "online":
            return
        since = self.s.status_since.get(a)
        if since is None:
            self.add(f"{role}_no_status", f"{who} {a} had no status event before this consult, so it counts as offline")
        else:
            kind = st if st in ("offline", "suspended") else "not_online"
            self.add(f"{role}_{kind}", f"{who} {a} was {st} since {self.t(since)} per the status log")

    def agent_facts(self, a: str) -> None:
        conf = self.cfg.agent(a)
        if conf is None:
            self.add("agent_not_listed", f"the recorded agent {a} is not listed in the configuration's agents")
        else:
            if not conf.routing:
                self.add("agent_routing_off", f"the recorded agent {a} has routing off (不参与分流) in the configuration")
            if conf.max_sessions is not None and conf.max_sessions <= 0:
                self.add("agent_no_capacity", f"the recorded agent {a} takes no sessions (max_sessions {conf.max_sessions})")
            if conf.proxy and self.r.reason != "proxy_account":
                self.add("agent_is_proxy", f"the recorded agent {a} is a proxy account, considered only when nobody else is eligible")
            if not conf.proxy and self.r.reason == "proxy_account":
                self.add("agent_not_proxy", f"the recorded agent {a} is not a proxy account")
        self.status_fact("agent", "the recorded agent", a)
        load = self.s.load_of(a)
        if conf is not None and conf.max_sessions is not None and conf.max_sessions > 0 and load >= conf.max_sessions:
            self.add("agent_at_capacity", f"the recorded agent held {load} open sessions (limit {conf.max_sessions})")

    # ---- per recorded reason -----------------------------------------------------------
    def source_is(self, source: str) -> bool:
        if self.c.source != source:
            self.add("source_differs", f"the consult's source is {self.c.source}, not {source}")
            return False
        return True

    def why_qianniu_initiated(self) -> None:
        if self.source_is("qianniu_initiated") and self.c.by != self.r.agent:
            self.add("initiator_differs", f"the chat was started by {self.c.by}, not {self.r.agent}")

    def why_transfer_to_agent(self) -> None:
        if not self.source_is("transfer_to_agent"):
            return
        if self.c.target != self.r.agent:
            self.add("transfer_target_differs", f"the transfer targeted {self.c.target}, not {self.r.agent}")
        if self.c.target:
            self.status_fact("target", "the transfer target", self.c.target)

    def _exclusive(self, mode: str) -> None:
        ex = self.cfg.exclusive_for(self.c.buyer)
        if ex is None:
            self.add("no_exclusive_agent", f"the buyer {self.c.buyer} has no exclusive agent in the configuration")
            return
        if ex.agent != self.r.agent:
            self.add("exclusive_agent_differs", f"the buyer's exclusive agent is {ex.agent}, not {self.r.agent}")
        if ex.mode != mode:
            self.add("exclusive_mode_differs", f"the buyer's exclusive agent {ex.agent} is in {ex.mode} mode, not {mode}")

    def why_exclusive_1v1(self) -> None:
        self._exclusive("1v1")

    def why_exclusive_priority(self) -> None:
        self._exclusive("priority")

    def why_recent_contact(self) -> None:
        hours = self.cfg.settings.recent_contact_hours
        if self.c.source == "transfer_to_group":
            self.add("recent_contact_skipped_by_transfer", "a transfer to a group skips recent contact")
            return
        if hours <= 0:
            self.add("recent_contact_off", "recent-contact priority is off (recent_contact_hours 0)")
            return
        contacts = recent_in_window(self.s, self.c)
        accounts = [rc.account for rc in contacts]
        a = self.r.agent
        if a not in accounts:
            self.add("no_recent_contact", f"the buyer had no contact with {a} in the {hours_text(hours)} h before")
            return
        for rc in contacts[: accounts.index(a)]:
            if eligibility(self.s, rc.account)[0]:
                self.add("recent_contact_not_latest", f"{rc.account} was a more recent contact (at {self.t(rc.ts)}) and eligible — "
                         f"recent contact takes the first eligible one")
                break

    def _assistant(self) -> None:
        s = self.cfg.settings
        if not s.assistant:
            self.add("no_assistant", "no assistant is configured")
            return
        if self.r.agent != s.assistant:
            self.add("assistant_differs", f"the configured assistant is {s.assistant}, not {self.r.agent}")

    def _robot(self, setting: str) -> None:
        s = self.cfg.settings
        if s.robot_priority != setting:
            self.add("robot_priority_differs", f"robot priority is {s.robot_priority}, not {setting}")
        if self.c.source == "bot_transfer":
            self.add("robot_skips_bot_transfer", "the consult came from the assistant (bot_transfer), which robot priority skips")
        self._assistant()
        if s.assistant:
            self.status_fact("assistant", "the assistant", s.assistant)

    def why_robot_priority_shop(self) -> None:
        self._robot("shop")

    def why_robot_priority_group(self) -> None:
        self._robot("group")
        if self.d.matched_groups:
            g = self.cfg.group(self.d.matched_groups[0])
            if g is not None and not g.robot_priority:
                self.add("group_robot_off", f"the first matched group {g.id} has robot priority off")

    def why_offline_to_assistant(self) -> None:
        if not self.cfg.settings.offline_to_assistant:
            self.add("offline_to_assistant_off", "offline_to_assistant is off")
        self._assistant()
        self._proxies_first()

    def why_main_account_fallback(self) -> None:
        s = self.cfg.settings
        if not s.main_account_fallback:
            self.add("fallback_off", "main_account_fallback is off")
        if self.r.agent != self.cfg.shop:
            self.add("main_account_differs", f"the main account is {self.cfg.shop}, not {self.r.agent}")
        if s.offline_to_assistant and s.assistant:
            self.add("assistant_before_fallback", f"offline_to_assistant is on (assistant {s.assistant}), which comes before the main account fallback")
        self._proxies_first()

    def why_offline_queue(self) -> None:
        s = self.cfg.settings
        if self.r.agent is not None:
            self.add("offline_queue_names_agent", f"the record names {self.r.agent}, but offline_queue means nobody took the consult")
        if s.offline_to_assistant and s.assistant:
            self.add("assistant_takes_offline", f"offline_to_assistant is on (assistant {s.assistant}), so the assistant takes it")
        elif s.main_account_fallback:
            self.add("fallback_takes_offline", f"main_account_fallback is on, so the main account {self.cfg.shop} takes it")
        self._proxies_first()

    def why_proxy_account(self) -> None:
        pass  # agent_facts and precedence say it

    def _proxies_first(self) -> None:
        if self.d.reason == "proxy_account":
            self.add("proxy_first", f"the proxy account(s) {_names(self.d.agents)} were eligible, and they come first")

    def why_selection(self) -> None:
        rr, a = self.r.reason, self.r.agent
        strategy = self.cfg.settings.strategy if self.cfg.settings.strategy in STRATEGIES else "reception_rate"
        pool = [c for c in self.d.candidates if c.eligible] if self.d.rule in ("R6", "R7") else []
        if rr != "only_one_online" and rr != strategy:
            self.add("strategy_differs", f"the configured strategy is {strategy}, not {rr}")
        if self.d.rule == "R7":
            if rr == "only_one_online" and len(pool) > 1:
                self.add("not_only_one_online", f"{len(pool)} candidates were eligible ({_names(c.account for c in pool)}), "
                         f"so {a} was not the only one online")
            if rr != "only_one_online" and len(pool) == 1:
                self.add("only_one_eligible", f"only {pool[0].account} was eligible, which makes it only_one_online")
        if a is None:
            return
        if self.cfg.groups and self.d.rule in ("R6", "R7", "R8"):
            self.membership(a)
        if self.d.rule != "R7" or not self.d.agents:
            return
        mine = next((c for c in pool if c.account == a), None)
        if mine is None or a in self.d.agents:
            return
        win = [c for c in pool if c.account in self.d.agents]
        w = win[0]
        if self.d.reason == "reception_rate":
            if any(c.busy for c in pool):
                self.add("lost_on_load", f"{a} held {mine.load} open sessions; {w.account} held {w.load} — busy-ness picks the least loaded")
            elif mine.weight <= 0:
                self.add("zero_weight", f"{a} has weight {mine.weight:g}, so it loses to any candidate with a positive weight")
        elif self.d.reason == "conversion_rate":
            if mine.conversion < w.conversion:
                self.add("lower_conversion", f"{a}'s conversion rate {mine.conversion:g} is below {w.account}'s {w.conversion:g} — "
                         f"conversion rate picks the highest")
            elif mine.weight <= 0:
                self.add("zero_weight", f"{a} has weight {mine.weight:g}, so it loses the tie to a positive weight")
        elif self.d.reason == "round_robin":
            step = next((s for s in reversed(self.d.steps) if s.name == "round_robin"), None)
            p = step.facts.get("pointer") if step is not None else None
            if p:
                self.add("round_robin_next", f"the last pick was {p['account']} at {self.t(p['ts'])} in group {p['group']}; "
                         f"the next eligible member after it in the rotation is {w.account}, not {a}")
            else:
                self.add("round_robin_start", f"no earlier pick in these groups, so round robin starts at the first eligible "
                         f"candidate {w.account}, not {a}")

    def membership(self, a: str) -> None:
        cfg = self.cfg
        remaining = set(self.d.remaining_groups)
        if any(a in g.members for g in cfg.groups if g.id in remaining):
            return
        mine = [g.id for g in cfg.groups if a in g.members]
        if not mine:
            self.add("agent_in_no_group", f"{a} is in no configured group")
            return
        dropped = [g for g in self.d.matched_groups if g in mine and g not in remaining]
        if dropped:
            self.add("agent_group_dropped", f"{a}'s matched group(s) {', '.join(dropped)} were dropped: no eligible member")
            return
        basis = next((s.facts.get("basis") for s in self.d.steps if s.rule.startswith("R6") and s.outcome == "match"), None)
        self.add("agent_group_unmatched", f"{a} is in no group matched for {basis or 'this consult'}")

    # ---- precedence --------------------------------------------------------------------
    def precedence(self) -> None:
        mine = RULE_OF_REASON.get(self.r.reason)
        if mine is None or self.d.rule is None or self.d.rule >= mine:
            return
        step = next((s for s in reversed(self.d.steps) if s.outcome == "decide"), None)
        detail = _lc(step.detail) if step is not None else self.d.reason
        self.add(f"skipped_{RULE_NAMES.get(self.d.rule, self.d.rule)}",
                 f"rule {self.d.rule} ({RULE_NAMES.get(self.d.rule, '')}) decides before rule {mine} "
                 f"({REASONS.get(self.r.reason, ('', self.r.reason))[1]}): {detail}")


__all__ = ["compare", "matches"]
