"""Helpers for the store tests: a small, deterministic, adversarial routing log (no tests here)."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

SHOP = "zhenpin"
T0 = 1794326400000  # 2026-11-11T00:00:00+08:00
H = 3_600_000
CN = timezone(timedelta(hours=8))
AGENTS = [f"{SHOP}:小美", f"{SHOP}:小王", f"{SHOP}:阿强", f"{SHOP}:代理1"]
ASSISTANT = f"{SHOP}:店小蜜"
SEL = ["only_one_online", "reception_rate", "conversion_rate", "round_robin"]


def config(ts: int, hours: float = 72, uid: str | None = None, tz: str = "Asia/Shanghai") -> dict:
    ev = {"type": "shop_config", "ts": ts, "shop": SHOP, "timezone": tz,
          "settings": {"recent_contact_hours": hours, "assistant": ASSISTANT, "strategy": "round_robin"},
          "agents": [{"account": a, "max_sessions": 30, "proxy": a.endswith("代理1")} for a in AGENTS],
          "groups": [{"id": "g_pre", "name": "售前", "members": AGENTS[:2]},
                     {"id": "g_post", "name": "售后", "members": AGENTS[1:3]}]}
    if uid:
        ev["id"] = uid
    return ev


def events(n_consults: int = 300, seed: int = 3, buyers: int = 25) -> list[dict]:
    """A log of a few days: configs, statuses (with ties), stats, consults (same-ts consults,
    null agents, the assistant, a logistics account), session_ends (late, early, unknown)."""
    rnd = random.Random(seed)
    evs: list[dict] = [config(T0 - 2 * H, 72, "cfg-1"), config(T0 + 30 * H, 2, "cfg-2")]
    accounts = AGENTS + [ASSISTANT]
    t = T0 - H
    for i in range(60):
        t += rnd.randrange(0, 2 * H)
        evs.append({"type": "agent_status", "ts": t, "shop": SHOP, "id": f"s{i:03d}",
                    "account": rnd.choice(accounts), "status": rnd.choice(["online", "online", "suspended", "offline"])})
        if rnd.random() < 0.3:  # same ts, other status
            evs.append({"type": "agent_status", "ts": t, "shop": SHOP, "id": f"s{i:03d}b",
                        "account": evs[-1]["account"], "status": rnd.choice(["online", "offline"])})
    for i in range(10):
        evs.append({"type": "agent_stats", "ts": T0 + rnd.randrange(0, 60 * H), "shop": SHOP,
                    "account": rnd.choice(AGENTS), "conversion_rate": round(rnd.random(), 2)})
    t = T0
    last_ts_of_buyer: dict[str, int] = {}
    for i in range(n_consults):
        t += rnd.choice([0, 0, 1000, 60_000, 20 * 60_000, 2 * H])
        buyer = f"tb_{rnd.randrange(buyers):03d}"
        if last_ts_of_buyer.get(buyer) == t:
            t += 1
        last_ts_of_buyer[buyer] = t
        agent = rnd.choice(AGENTS + [None, ASSISTANT, "cainiao_zto:客服07", SHOP])
        reason = rnd.choice(SEL + ["recent_contact", "main_account_fallback", "offline_queue"])
        ev = {"type": "consult", "ts": t, "shop": SHOP, "id": f"c{i:04d}", "buyer": buyer,
              "source": rnd.choice(["item_page", "order_page", "unknown", "qianniu_initiated"]),
              "routed": {"agent": agent, "group": rnd.choice(["g_pre", "g_post", None]), "reason": reason}}
        if rnd.random() < 0.5:
            ev["order"] = {"id": f"O{i}", "state": "shipped", "carrier": "ZTO", "packages": 1}
        evs.append(ev)
        r = rnd.random()
        if r < 0.5:
            evs.append({"type": "session_end", "ts": t + rnd.choice([0, 1000, 10 * 60_000, 5 * H, -60_000]),
                        "shop": SHOP, "id": f"e{i:04d}", "consult": ev["id"]})
        elif r < 0.55:
            evs.append({"type": "session_end", "ts": t, "shop": SHOP, "consult": f"nope{i}"})
        if rnd.random() < 0.5:
            evs.append({"type": "message", "ts": t + 5000, "shop": SHOP, "buyer": buyer, "sender": "buyer",
                        "account": agent})
    return evs


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, CN).isoformat(timespec="milliseconds" if ms % 1000 else "seconds")


def local(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, CN).strftime("%Y-%m-%d %H:%M:%S")


def mixed_forms(evs: list[dict], seed: int = 5) -> list[dict]:
    """The same events with `ts` in a random form (epoch ms, ISO with offset, local without offset)."""
    rnd = random.Random(seed)
    out = []
    for ev in evs:
        ev = dict(ev)
        form = rnd.randrange(3)
        if form == 1:
            ev["ts"] = iso(ev["ts"])
        elif form == 2 and ev["ts"] % 1000 == 0:
            ev["ts"] = local(ev["ts"])
        out.append(ev)
    return out


def write(path: Path, evs: list[dict], encoding: str = "utf-8") -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in evs), encoding=encoding)
    return path
