"""Hand-built routing logs for the balance and simulate tests (seed 001's cases)."""

from __future__ import annotations

import json
from pathlib import Path

SHOP = "s"
A, B = "s:阿甲", "s:阿乙"


def ts(day: int, h: int, m: int = 0, s: int = 0) -> str:
    return f"2026-11-{day:02d}T{h:02d}:{m:02d}:{s:02d}+08:00"


def config(*, day=10, groups=None, weights=(1, 1), hours=0, strategy="reception_rate", exclusive=()):
    return {"type": "shop_config", "ts": ts(day, 0), "shop": SHOP, "id": f"cfg-{day}", "timezone": "Asia/Shanghai",
            "settings": {"recent_contact_hours": hours, "robot_priority": "off", "assistant": None,
                         "main_account_fallback": False, "strategy": strategy, "busy_threshold": 1000},
            "agents": [{"account": A, "weight": weights[0]}, {"account": B, "weight": weights[1]}],
            "groups": groups if groups is not None else [
                {"id": "g_all", "name": "全员", "members": [A, B], "bind": {}}],
            "exclusive": list(exclusive)}


def status(account, day, h, st, m=0):
    return {"type": "agent_status", "ts": ts(day, h, m), "shop": SHOP, "account": account, "status": st}


def consult(cid, buyer, when, agent, reason, group, state=None):
    ev = {"type": "consult", "ts": when, "shop": SHOP, "id": cid, "buyer": buyer, "source": "item_page",
          "routed": {"agent": agent, "group": group, "reason": reason}}
    if state and state != "no_active_order":
        ev["order"] = {"id": f"O-{cid}", "state": state}
    return ev


def end(cid, when):
    return {"type": "session_end", "ts": when, "shop": SHOP, "consult": cid}


def write(path: Path, events) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return path


BOUND = ("no_active_order", "not_shipped", "shipped")
UNBOUND = ("unpaid", "signed", "refunding")
GROUPS_AB = [
    {"id": "g_a", "name": "甲组", "members": [A], "bind": {"order_states": list(BOUND)}},
    {"id": "g_b", "name": "乙组", "members": [B], "bind": {}},
]


def binding_log():
    """Seed 001's example: A's group bound to 3 order states, B's unbound. 10 consults per state:
    A gets its 30 and half of the other 30."""
    ev = [config(day=11, groups=GROUPS_AB), status(A, 11, 9, "online"), status(B, 11, 9, "online")]
    n = 0
    flip = 0
    for _ in range(10):
        for st in BOUND + UNBOUND:
            n += 1
            when = ts(11, 10, n // 60, n % 60)
            cid = f"c{n:03d}"
            if st in BOUND:
                ev.append(consult(cid, f"b{n:03d}", when, A, "only_one_online", "g_a", st))
            else:
                flip ^= 1
                ev.append(consult(cid, f"b{n:03d}", when, A if flip else B, "reception_rate", "g_a" if flip else "g_b", st))
            ev.append(end(cid, ts(11, 12, n // 60, n % 60)))
    return ev


def recent_log():
    """Recent contacts pile up: on 11-10 only A works (12 h) and serves 20 buyers; on 11-11 both work,
    the 20 come back to A (recent contact), 20 new buyers split evenly."""
    ev = [config(day=10, hours=72), status(A, 10, 9, "online"), status(A, 10, 21, "offline"),
          status(A, 11, 9, "online"), status(B, 11, 9, "online")]
    for i in range(20):
        cid = f"d1-{i:02d}"
        ev.append(consult(cid, f"old{i:02d}", ts(10, 10, i), A, "only_one_online", "g_all"))
        ev.append(end(cid, ts(10, 11, i)))
    for i in range(20):
        cid = f"d2r-{i:02d}"
        ev.append(consult(cid, f"old{i:02d}", ts(11, 10, i), A, "recent_contact", "g_all"))
        ev.append(end(cid, ts(11, 11, i)))
    for i in range(20):
        cid = f"d2n-{i:02d}"
        ev.append(consult(cid, f"new{i:02d}", ts(11, 12, i), A if i % 2 else B, "reception_rate", "g_all"))
        ev.append(end(cid, ts(11, 13, i)))
    return ev


def weight_log():
    """A weight 3, B weight 1, one group: A gets 3/4."""
    ev = [config(day=11, weights=(3, 1)), status(A, 11, 9, "online"), status(B, 11, 9, "online")]
    for i in range(40):
        cid = f"w{i:02d}"
        ev.append(consult(cid, f"w{i:02d}", ts(11, 10, i), B if i % 4 == 0 else A, "reception_rate", "g_all"))
        ev.append(end(cid, ts(11, 11, i)))
    return ev


def online_log():
    """Equal weights, B online only from 14:00: the morning's 20 consults all go to A."""
    ev = [config(day=11), status(A, 11, 9, "online"), status(B, 11, 14, "online")]
    for i in range(20):
        cid = f"m{i:02d}"
        ev.append(consult(cid, f"m{i:02d}", ts(11, 10, i), A, "only_one_online", "g_all"))
        ev.append(end(cid, ts(11, 11, i)))
    for i in range(20):
        cid = f"p{i:02d}"
        ev.append(consult(cid, f"p{i:02d}", ts(11, 15, i), A if i % 2 else B, "reception_rate", "g_all"))
        ev.append(end(cid, ts(11, 16, i)))
    return ev
