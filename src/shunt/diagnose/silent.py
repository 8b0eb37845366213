"""Question 2: why an account receives no messages — its state now, and what each recent consult did."""

from __future__ import annotations

from collections import Counter

from shunt import store, timeutil
from shunt.diagnose.coverage import coverage
from shunt.engine.accounts import is_shop_account
from shunt.diagnose.results import Cause, Silent
from shunt.diagnose.window import Tally, tally
from shunt.engine.model import Consult, State
from shunt.errors import NotFound
from shunt.engine.labels import ORDER_STATES

STATE_ORDER = ("logistics_account", "assistant_account", "routing_disabled", "offline", "suspended",
               "no_capacity", "at_capacity", "proxy_only", "not_in_group")
LATEST = "\U0010ffff"  # a uid after every real one: the state after every event at that ms


def state_now(conn, shop_id: int, at: int) -> State:
    return store.state_at(conn, shop_id, Consult(id="", ts=at, buyer=""), LATEST)


def _since(state: State, account: str, tz) -> str:
    ts = state.status_since.get(account)
    return f" since {timeutil.to_iso(ts, tz)}" if ts else " (no status event at or before this moment)"


def _status_causes(state: State, account: str, tz) -> list[Cause]:
    status = state.status_of(account)
    if status == "offline":
        return [Cause("offline", f"{account} is offline{_since(state, account, tz)}.",
                      advice="Log in on 千牛 and set the status to online.")]
    if status == "suspended":
        return [Cause("suspended", f"{account} is suspended (挂起){_since(state, account, tz)}: logged in, "
                      "but takes no new buyers.", advice="Set the status back to online.")]
    return []


def state_causes(shop: str, account: str, state: State, tz, sessions=()) -> tuple[list[Cause], dict]:
    cfg = state.config
    causes: list[Cause] = []
    info: dict = {"status": state.status_of(account), "since": timeutil.to_iso(state.status_since.get(account), tz),
                  "load": state.load_of(account)}
    if not is_shop_account(shop, account):
        causes.append(Cause("logistics_account", f"{account} is not a {shop} account: a carrier's logistics "
                            "account joins consults only by invitation (物流客服三方会话), never by routing.",
                            advice="Nothing to change in routing; see `shunt why-received` for its sessions."))
        return causes, info
    causes += _status_causes(state, account, tz)
    if cfg is None:  # no configuration known: only the status can be told (the notes say so)
        return causes, info
    a = cfg.agent(account)
    info.update({"listed": a is not None, "groups": [g.id for g in cfg.groups_of(account)]})
    if cfg.settings.assistant == account:
        causes.append(Cause("assistant_account", f"{account} is the service assistant (bot): it gets consults only "
                            "by robot priority or offline fallback.",
                            advice="Turn robot priority on (shop or group) if the bot should answer first."))
    if a is None and cfg.settings.assistant != account:
        causes.append(Cause("routing_disabled", f"{account} is not among the routing accounts of the configuration "
                            f"in force (since {timeutil.to_iso(cfg.ts, tz)}).",
                            advice=f"Add {account} to the accounts that take routed consults (客服分流 → 管理客服)."))
    if a is not None:
        info.update({"routing": a.routing, "max_sessions": a.max_sessions, "weight": a.weight, "proxy": a.proxy})
        if not a.routing:
            causes.append(Cause("routing_disabled", f"{account} is set not to take routed consults (不参与分流).",
                                advice="Switch its routing on (参与分流)."))
    if a is not None:
        if a.max_sessions == 0:
            causes.append(Cause("no_capacity", f"{account}'s reception limit (接待上限) is 0.",
                                advice="Raise its reception limit above 0."))
        elif a.max_sessions is not None and state.load_of(account) >= a.max_sessions:
            listed = ", ".join(f"{s['consult']} ({s['buyer']}, since {timeutil.to_clock(s['ts'], tz)})"
                               for s in sessions[:5])
            causes.append(Cause("at_capacity", f"{account} holds {state.load_of(account)} open sessions, its limit "
                                f"is {a.max_sessions}" + (f": {listed}" if listed else "") + ".",
                                advice="Raise its reception limit, or close finished sessions.",
                                facts={"open_sessions": [dict(s, ts=timeutil.to_iso(s["ts"], tz)) for s in sessions]}))
        if a.proxy:
            causes.append(Cause("proxy_only", f"{account} is a proxy (代理) account: it gets consults only when no "
                                "ordinary agent is eligible.", advice="Mark it as a regular account if it should share "
                                "ordinary traffic."))
        if cfg.groups and not cfg.groups_of(account) and cfg.settings.assistant != account:
            causes.append(Cause("not_in_group", f"{account} is in no group, and the shop routes by groups.",
                                advice=f"Add {account} to a group (分组设置 → 管理客服 → 增加客服)."))
    causes.sort(key=lambda c: STATE_ORDER.index(c.code) if c.code in STATE_ORDER else 99)
    return causes, info


def plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def _named(cfg, gid: str) -> str:
    g = cfg.group(gid)
    return f"{g.name} {gid}" if g is not None and g.name and g.name != gid else gid


WINDOW_ADVICE = {
    "recent_contact_elsewhere": "Buyers return to the agent they spoke to in the last {hours:g} h (最近联系人优先). "
                                "Keep online times even, or shorten recent_contact_hours.",
    "exclusive_elsewhere": "These buyers have an exclusive agent (专属客服); change the exclusive list if needed.",
    "robot_priority": "Robot priority sends these consults to the assistant first; turn it off for the shop or group.",
    "lost_selection": "It was a candidate but another agent was picked ({strategies}); raise its weight, or check "
                      "busy-ness: agents with more than {busy} open sessions get fewer buyers.",
    "group_unmatched": "{groups_text}",
    "no_traffic": "No consult reached the shop in the window: nothing to route.",
}


def _group_advice(account, cfg, states: Counter, total: int, went: Counter, passed: int) -> str:
    parts = []
    for g in cfg.groups_of(account):
        b = g.bind
        if b.order_states:
            n = sum(states[s] for s in b.order_states)
            names = "/".join(ORDER_STATES.get(s, (s,))[0] for s in b.order_states)
            parts.append(f"its group {g.name} ({g.id}) is bound to {names}: {n:,} of {total:,} consults had that state")
        if b.items:
            parts.append(f"its group {g.name} is bound to item(s) {', '.join(b.items)}")
        if b.intents:
            parts.append(f"its group {g.name} is bound to intent(s) {', '.join(b.intents)}")
    if went:  # each consult once, under the group that took it: the counts add up to `passed`
        top = ", ".join(f"{_named(cfg, gid)} {n:,}" for gid, n in went.most_common())
        parts.append(f"the {passed:,} {plural(passed, 'consult')} went to group(s) {top}")
    parts.append("bind its group to more order states or items, or add the account to the busy groups")
    return "; ".join(parts) + "."


def why_silent(conn, shop_id: int, account: str, at: int | None, window_ms: int, quick: bool = True) -> Silent:
    """`quick=False` runs the rules for every consult of the window (the check of the quick path:
    same answer)."""
    shop, tzname = store.shop_info(conn, shop_id)
    tz = timeutil.zone(tzname)
    if at is None:
        at = store.last_event_ts(conn, shop_id) or 0
    if not store.account_exists(conn, shop_id, account):
        raise NotFound(f"no account {account!r} in shop {shop}", store.nearest_accounts(conn, shop_id, account))
    now = state_now(conn, shop_id, at)
    sessions = store.open_sessions(conn, shop_id, account, at, at - window_ms)
    causes, info = state_causes(shop, account, now, tz, sessions)
    t = tally(conn, shop_id, account, at - window_ms, at, tz, quick) if is_shop_account(shop, account) else Tally()
    have = {c.code for c in causes}
    window_causes = []
    cfg = now.config
    for code, n in t.counts.most_common():
        if code in have:
            continue  # already said by the state now; the count is in `window`
        msg = f"{n:,} of {t.total:,} {plural(t.total, 'consult')} in the window passed it by: {t.examples[code][0]['why']}"
        advice = WINDOW_ADVICE.get(code, "")
        if cfg is not None:
            advice = advice.format(
                hours=cfg.settings.recent_contact_hours, busy=cfg.settings.busy_threshold,
                strategies=", ".join(sorted(t.strategies)) or cfg.settings.strategy,
                groups_text=_group_advice(account, cfg, t.states, t.total, t.went, n) if code == "group_unmatched" else "",
            )
        window_causes.append(Cause(code, msg, advice=advice or None, count=n, share=n / t.total if t.total else 0.0,
                                   examples=tuple(t.examples[code])))
    if t.total == 0 and is_shop_account(shop, account):
        window_causes.append(Cause("no_traffic", "No consult reached the shop in the window.",
                                   advice=WINDOW_ADVICE["no_traffic"], count=0, share=0.0))
    receiving = not causes
    window = {"from": timeutil.to_iso(at - window_ms, tz), "to": timeutil.to_iso(at, tz), **t.window()}
    data, notes = coverage(conn, shop_id, at, now, tz)
    return Silent(shop=shop, tz=tzname, account=account, at=at, window_ms=window_ms, receiving=receiving,
                  causes=tuple(causes + window_causes), state=info, window=window, data=data, notes=notes)
