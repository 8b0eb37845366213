"""Question 3: why an account received a buyer's message — the node that routed it, replayed."""

from __future__ import annotations

from shunt import engine, timeutil
from shunt.diagnose.passed_by import RECEIVED, passed_by
from shunt.engine.accounts import is_shop_account
from shunt.diagnose.replay import from_decision
from shunt.diagnose.results import Cause, Node, Received, Replay
from shunt.errors import NotFound
from shunt.store.shop import Shop

KPI_RULES = (
    "A carrier's logistics account never becomes the buyer's recent contact (最近联系人).",
    "Messages in the three-party session count toward no shop KPI (3-minute response rate, marketing 5-message limit).",
    "A logistics account is the carrier's, never a shop account: it takes no routed consults.",
)


def _logistics(shop: Shop, consult, account) -> tuple[dict, Replay]:
    tz = shop.tz
    events = shop.logistics_events(consult.id)
    invite = next((e for e in events if e["action"] == "invite" and e.get("account") in (account, None)), None)
    invite = invite or next((e for e in events if e["action"] == "invite"), None)
    joined = next((e for e in events if e["action"] == "join"), None)
    declined = next((e for e in events if e["action"] == "decline"), None)
    cfg = shop.config_at(invite["ts"] if invite else consult.ts)
    steps = ()
    ok = None
    if cfg is not None and invite is not None:
        ok, steps = engine.logistics_check(cfg, consult, invite.get("by") or "platform", invite["ts"], tz)
    info = {
        "invited_by": invite.get("by") if invite else None,
        "invited_at": timeutil.to_iso(invite["ts"], tz) if invite else None,
        "carrier": invite.get("carrier") if invite else None,
        "order": invite.get("order") if invite else None,
        "consent": "joined" if joined else ("declined" if declined else "unknown"),
        "joined_at": timeutil.to_iso(joined["ts"], tz) if joined else None,
        "conditions_met": ok,
        "steps": [{"rule": s.rule, "name": s.name, "outcome": s.outcome, "detail": s.detail, "facts": dict(s.facts)}
                  for s in steps],
        "rules": list(KPI_RULES),
    }
    match = None if ok is None else bool(ok and joined)
    rep = Replay(match=match, reason="logistics_invited", agents=(account,), steps=tuple(steps),
                 findings=() if match or match is None else tuple(
                     ["the buyer's consent (join) is not in the log"] if ok else
                     [s.detail for s in steps if s.outcome == "fail"]))
    return info, rep


def why_received(shop: Shop, buyer: str, second_ms: int, expected: str | None = None) -> Received:
    tz = shop.tz
    shop.require_buyer(buyer)
    if expected:
        shop.require_account(expected, "--expected")
    msg = shop.message_at(buyer, second_ms)
    if msg is None:
        near = [timeutil.to_iso(t, tz) for t in shop.nearest_messages(buyer, second_ms)]
        raise NotFound("{buyer!r} sent no message at {at}", near, buyer=buyer, at=timeutil.to_iso(second_ms, tz))
    account = msg["account"]
    message = {"ts": timeutil.to_iso(msg["ts"], tz), "account": account, "sender": msg["sender"]}
    found = shop.consult_of_message(msg)
    if found is None:
        raise NotFound("no routing node at or before the message at {at} for {buyer!r}", buyer=buyer, at=message["ts"])
    consult, routed, uid = found
    notes: list[str] = []
    if account and not is_shop_account(shop.nick, account):
        info, rep = _logistics(shop, consult, account)
        node = Node(consult=consult, routed=routed, replay=rep)
        return Received(shop=shop.nick, tz=shop.tzname, buyer=buyer, message=message, account=account, node=node,
                        reason="logistics_invited", replay=rep, logistics=info, notes=tuple(notes))
    state = shop.state_at(consult, uid)
    decision = engine.decide(state, consult)
    rep = from_decision(state, consult, routed, decision, tz)
    if account and routed.agent and account != routed.agent:
        notes.append(f"The node routed the buyer to {routed.agent}; this message was received by {account} "
                     "(a later hand-over inside the session).")
    exp = None
    if expected:
        code, why = passed_by(state, consult, decision, expected)
        if code == RECEIVED:
            why = f"{expected} was among the replayed winners; the pick among equals is random ({why})"
        exp = Cause(code=code, message=why, facts={"account": expected})
    return Received(shop=shop.nick, tz=shop.tzname, buyer=buyer, message=message, account=account,
                    node=Node(consult=consult, routed=routed, replay=rep), reason=routed.reason, replay=rep,
                    expected=exp, notes=tuple(notes))
