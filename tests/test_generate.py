"""shunt.generate: determinism, coverage of the format, sizes, validity, faults, and a replay.

The replay here (`_replay`) reads the generated lines back, orders them by the cut of
docs/semantics.md and runs a fresh engine Tracker + decide over them: every consult must
match its recorded decision except the faulted ones, which must not. It checks the
generator against the engine, not the store (the store-based replay test is separate).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from shunt.engine.decide import decide
from shunt.engine.model import ORDER_STATES, SOURCES, Config, Consult, Order, Routed
from shunt.engine.tracker import Tracker
from shunt.generate import GenerateReport, generate
from shunt.timeutil import parse_ts, to_iso, zone
from shunt.generate.clock import Clock

TZ = zone("Asia/Shanghai")
TYPES = {"shop_config", "agent_status", "consult", "session_end", "message", "logistics", "agent_stats"}
REASONS = {
    "recent_contact", "robot_priority_shop", "robot_priority_group", "main_account_fallback",
    "offline_to_assistant", "proxy_account", "qianniu_initiated", "offline_queue", "exclusive_priority",
    "exclusive_1v1", "only_one_online", "reception_rate", "conversion_rate", "round_robin", "transfer_to_agent",
}


def _gen(**kw) -> tuple[bytes, GenerateReport]:
    buf = io.BytesIO()
    kw.setdefault("consults", 3000)
    rep = generate(buf, **kw)
    return buf.getvalue(), rep


@pytest.fixture(scope="module")
def day() -> tuple[bytes, GenerateReport, list[dict]]:
    data, rep = _gen(consults=4000, seed=11, faults=0.02)
    return data, rep, [json.loads(line) for line in data.splitlines()]


def _consult(e: dict, ts: int) -> Consult:
    o = e.get("order")
    order = Order(id=o.get("id"), state=o.get("state"), carrier=o.get("carrier"), packages=o.get("packages")) if o else None
    return Consult(id=e["id"], ts=ts, buyer=e["buyer"], source=e["source"], item=e.get("item"), order=order,
                   intent=e.get("intent"), by=e.get("by"), target=e.get("target"))


def _replay(events: list[dict]) -> tuple[int, list[str]]:
    """Feed the events to a fresh Tracker in cut order; → (consults checked, ids that do not match)."""
    rows = []
    for e in events:
        ts = parse_ts(e["ts"], TZ)
        if e["type"] in ("message", "logistics"):
            continue
        uid = e.get("id") or json.dumps(e, sort_keys=True, ensure_ascii=False)
        rows.append((ts, 1 if e["type"] == "consult" else 0, uid, e))
    rows.sort(key=lambda r: r[:3])
    tr = Tracker()
    n, bad = 0, []
    for ts, _k, _uid, e in rows:
        t = e["type"]
        if t == "shop_config":
            tr.set_config(Config.from_body(e["shop"], ts, e))
        elif t == "agent_status":
            tr.status(ts, e["account"], e["status"])
        elif t == "agent_stats":
            tr.stats(ts, e["account"], e["conversion_rate"])
        elif t == "session_end":
            tr.session_end(ts, e["consult"])
        elif t == "consult":
            c = _consult(e, ts)
            d = decide(tr.state_for(c), c)
            r = e["routed"]
            ok = d.reason == r["reason"] and (r["agent"] in d.agents if d.agents else r["agent"] is None)
            n += 1
            if not ok:
                bad.append(c.id)
            tr.consult(c, Routed(agent=r["agent"], group=r["group"], reason=r["reason"]))
    return n, bad


# ---- determinism ------------------------------------------------------------------------------

def test_same_seed_same_bytes_other_seed_differs():
    a, ra = _gen(consults=1500, seed=3, faults=0.05)
    b, rb = _gen(consults=1500, seed=3, faults=0.05)
    c, _ = _gen(consults=1500, seed=4, faults=0.05)
    assert a == b
    assert ra == rb
    assert a != c


def test_same_bytes_across_processes_and_hash_seeds(tmp_path: Path):
    """No dependence on str hash order (PYTHONHASHSEED) or on anything in the process."""
    code = ("import sys,hashlib,io; from shunt.generate import generate; b=io.BytesIO(); "
            "generate(b, consults=800, seed=5, faults=0.1, days=2); print(hashlib.sha256(b.getvalue()).hexdigest())")
    digests = set()
    for hs in ("1", "2", "random"):
        env = dict(os.environ, PYTHONHASHSEED=hs)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        digests.add(out.stdout.strip())
    data, _ = _gen(consults=800, seed=5, faults=0.1, days=2)
    digests.add(hashlib.sha256(data).hexdigest())
    assert len(digests) == 1


# ---- coverage -----------------------------------------------------------------------------------

def test_every_event_type_source_and_logistics_action(day):
    _data, rep, evs = day
    types = Counter(e["type"] for e in evs)
    assert set(types) == TYPES
    assert dict(types) == rep.events
    sources = Counter(e["source"] for e in evs if e["type"] == "consult")
    assert set(sources) == set(SOURCES)
    assert dict(sources) == rep.sources
    actions = {e["action"] for e in evs if e["type"] == "logistics"}
    assert actions == {"invite", "join", "decline", "end"}
    assert {e["by"] for e in evs if e["type"] == "logistics" and e["action"] == "invite"} == {"platform", "merchant"}
    statuses = {e["status"] for e in evs if e["type"] == "agent_status"}
    assert statuses == {"online", "suspended", "offline"}
    assert {e["sender"] for e in evs if e["type"] == "message"} == {"buyer", "agent", "logistics"}
    assert any("consult" not in e for e in evs if e["type"] == "message")
    reasons = {e["routed"]["reason"] for e in evs if e["type"] == "consult"}
    for r in ("recent_contact", "offline_queue", "proxy_account", "only_one_online", "reception_rate",
              "conversion_rate", "round_robin", "robot_priority_shop", "robot_priority_group", "qianniu_initiated",
              "transfer_to_agent", "exclusive_1v1"):
        assert r in reasons, r
    assert sum(1 for e in evs if e["type"] == "shop_config") >= 2  # a config change mid-run
    intents = {e.get("intent") for e in evs if e["type"] == "consult" and e["source"] == "bot_transfer"}
    assert any(i and i.startswith("logistics.") for i in intents)


def test_fallback_night_and_returning_buyers():
    _data, rep = _gen(consults=3000, seed=2, days=2)
    assert rep.reasons.get("main_account_fallback", 0) > 0
    assert rep.reasons.get("offline_queue", 0) > 0
    assert rep.reasons.get("offline_to_assistant", 0) > 0
    assert rep.reasons.get("recent_contact", 0) > 0
    assert rep.buyers < rep.consults  # buyers come back


def test_all_three_time_forms_mostly_iso(day):
    _data, _rep, evs = day
    forms = Counter("ms" if isinstance(e["ts"], int) else ("iso" if e["ts"].endswith("+08:00") else "local") for e in evs)
    assert set(forms) == {"ms", "iso", "local"}
    assert forms["iso"] > 0.7 * len(evs)


# ---- sizes --------------------------------------------------------------------------------------

@pytest.mark.parametrize("consults,days", [(500, 1), (3000, 1), (2000, 3)])
def test_sizes_roughly_as_asked(consults, days):
    data, rep = _gen(consults=consults, days=days, seed=1)
    lines = data.splitlines()
    assert rep.consults == consults == sum(1 for ln in lines if b'"type":"consult"' in ln)
    assert rep.total == len(lines)
    assert 4 * consults <= len(lines) <= 8 * consults
    first, last = rep.first_ts, rep.last_ts
    assert first is not None and last is not None
    assert (days - 1) * 86_400_000 < last - first < (days + 1) * 86_400_000


def test_zero_consults():
    data, rep = _gen(consults=0)
    assert rep.consults == 0 and "consult" not in rep.events
    for ln in data.splitlines():
        json.loads(ln)


def test_bad_arguments():
    for kw in ({"consults": -1}, {"consults": 1, "faults": 1.5}, {"consults": 1, "agents": 0},
               {"consults": 1, "days": 0}, {"consults": 1, "start": "11/11"}):
        with pytest.raises(ValueError):
            generate(io.BytesIO(), **kw)


# ---- validity -----------------------------------------------------------------------------------

def test_lines_are_valid_log_format(day):
    data, _rep, evs = day
    assert data.endswith(b"\n")
    data.decode("utf-8")
    consult_ts: dict[str, int] = {}
    shop = "zhenpin"
    for e in evs:
        assert e["type"] in TYPES and e["shop"] == shop
        ts = parse_ts(e["ts"], TZ)
        t = e["type"]
        if t == "shop_config":
            assert e["timezone"] == "Asia/Shanghai"
            s = e["settings"]
            assert s["assistant"] == "zhenpin:店小蜜" and s["logistics_cs"]["enabled"] is True
            assert s["strategy"] in ("reception_rate", "conversion_rate", "round_robin")
            assert any(a["proxy"] for a in e["agents"])
            assert any(not g["bind"]["order_states"] and not g["bind"]["items"] and not g["bind"]["intents"]
                       for g in e["groups"])
            assert e["exclusive"]
            members = {m for g in e["groups"] for m in g["members"]}
            assert members <= {a["account"] for a in e["agents"]}
        elif t == "agent_status":
            assert e["status"] in ("online", "suspended", "offline")
            assert e["account"] == shop or e["account"].startswith(shop + ":")
        elif t == "agent_stats":
            assert 0 <= e["conversion_rate"] <= 1
        elif t == "consult":
            assert e["id"] not in consult_ts
            consult_ts[e["id"]] = ts
            assert e["source"] in SOURCES and isinstance(e["buyer"], str)
            if "order" in e:
                assert e["order"]["state"] in ORDER_STATES and e["order"]["id"]
            r = e["routed"]
            assert set(r) == {"agent", "group", "reason"} and r["reason"] in REASONS
            if e["source"] == "transfer_to_agent":
                assert e["by"] and e["target"]
            if e["source"] == "transfer_to_group":
                assert e["by"] and e["target"]
            if e["source"] == "qianniu_initiated":
                assert e["by"]
        elif t == "session_end":
            assert e["consult"] in consult_ts and ts >= consult_ts[e["consult"]]
        elif t == "message":
            assert e["sender"] in ("buyer", "agent", "logistics")
            if "consult" in e:
                assert e["consult"] in consult_ts and ts > consult_ts[e["consult"]]
            if e["sender"] == "logistics":
                assert e["account"].startswith("cainiao_")
        elif t == "logistics":
            assert e["action"] in ("invite", "join", "decline", "end")
            assert e["consult"] in consult_ts and e["account"].startswith("cainiao_")
            assert e["carrier"] in ("ZTO", "STO", "YUNDA", "YTO")
            if e["action"] == "invite":
                assert e["by"] in ("platform", "merchant")
    # ids sort in time order: at equal ts, consults by id; a later id is never earlier
    ordered = sorted(consult_ts.items())
    assert all(a[1] <= b[1] for a, b in zip(ordered, ordered[1:]))


def test_messages_without_consult_belong_to_the_latest(day):
    """A message without `consult` is the buyer's latest consult at or before its ts — and the
    generator only leaves it out where that is the consult it was written for (no tie, no later one)."""
    _data, _rep, evs = day
    by_buyer: dict[str, list[tuple[int, str]]] = {}
    for e in evs:
        if e["type"] == "consult":
            by_buyer.setdefault(e["buyer"], []).append((parse_ts(e["ts"], TZ), e["id"]))
    n = 0
    for e in evs:
        if e["type"] == "message" and "consult" not in e:
            ts = parse_ts(e["ts"], TZ)
            before = [c for c in by_buyer[e["buyer"]] if c[0] <= ts]
            assert before and not any(c[0] == ts for c in by_buyer[e["buyer"]])
            n += 1
    assert n > 50


def test_logistics_follow_the_service_rules(day):
    _data, _rep, evs = day
    consults = {e["id"]: e for e in evs if e["type"] == "consult"}
    for e in evs:
        if e["type"] == "logistics" and e["action"] == "invite":
            c = consults[e["consult"]]
            assert c["order"]["state"] in ("shipped", "partially_shipped") and c["order"]["packages"] == 1
            hour = int(to_iso(parse_ts(e["ts"], TZ), TZ)[11:13])
            assert 9 <= hour < 21
            if e["by"] == "platform":
                assert c["intent"].startswith("logistics.")


def test_clock_matches_timeutil():
    clock = Clock(TZ)
    for ms in (1794326400000, 1794326400123, 1794369845000, 1794412799999, 0 + 1794326400000 + 86_400_000 * 40):
        assert clock.iso(ms) == to_iso(ms, TZ)
        assert parse_ts(clock.local(ms), TZ) == ms
    kolkata = zone("Asia/Kolkata")
    ck = Clock(kolkata)
    for ms in range(1794326400000, 1794326400000 + 3 * 3_600_000, 7 * 60_000 + 1000):
        assert ck.iso(ms) == to_iso(ms, kolkata)


# ---- faults and replay ------------------------------------------------------------------------

def test_faults_reported(day):
    _data, rep, evs = day
    ids = {e["id"] for e in evs if e["type"] == "consult"}
    assert rep.faults and set(rep.fault_ids) <= ids
    assert len(set(rep.fault_ids)) == len(rep.faults)
    assert 0.005 * rep.consults < len(rep.faults) < 0.05 * rep.consults
    assert {k for _c, k in rep.faults} <= {"offline_agent", "over_capacity", "wrong_reason", "routing_disabled"}
    _d, clean = _gen(consults=1000, seed=11)
    assert clean.faults == []


def test_replay_matches_everything_but_the_faults(day):
    _data, rep, evs = day
    n, bad = _replay(evs)
    assert n == rep.consults
    assert sorted(bad) == sorted(rep.fault_ids)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(consults=st.integers(0, 600), agents=st.integers(1, 7), groups=st.integers(0, 6), days=st.integers(1, 3),
       seed=st.integers(0, 10_000), faults=st.sampled_from([0.0, 0.05, 0.3]))
def test_replay_property(consults, agents, groups, days, seed, faults):
    data, rep = _gen(consults=consults, agents=agents, groups=groups, days=days, seed=seed, faults=faults)
    evs = [json.loads(line) for line in data.splitlines()]
    n, bad = _replay(evs)
    assert n == rep.consults == consults
    assert sorted(bad) == sorted(rep.fault_ids)


def test_progress_is_called():
    seen = []
    _gen(consults=25_000 // 10, seed=1, progress=seen.append)
    assert seen and seen[-1] == 2500
