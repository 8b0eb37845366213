"""Tracker: the incremental state of a time-ordered sweep, checked by hand and against a naive
from-scratch reading of docs/semantics.md (hypothesis)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_helpers import BOT, HOUR, MIN, SHOP, T0, a, agent, config, consult, group
from shunt.engine import Tracker, compare, decide, pick
from shunt.engine.codes import RULE_OF_REASON
from shunt.engine.model import SELECTION_REASONS, SOURCES, LastPick, RecentContact, Routed


def R(name, reason="reception_rate", g="g"):
    return Routed(a(name) if name else None, g, reason)


CFG = config(agents=["甲", "乙", "丙"], groups=(group("g", ["甲", "乙", "丙"]),))


def fresh(cfg=CFG, online=("甲", "乙", "丙")):
    t = Tracker()
    t.set_config(cfg)
    for n in online:
        t.status(T0 - HOUR, a(n), "online")
    return t


def test_config_change_between_two_nodes():
    t = fresh()
    c1 = consult(cid="c1", ts=T0)
    assert t.state_for(c1).config is CFG
    t.consult(c1, R("甲"))
    cfg2 = config(agents=["甲"], groups=(group("g", ["甲"]),), recent_contact_hours=0, ts=T0 + MIN)
    t.set_config(cfg2)
    c2 = consult(cid="c2", ts=T0 + 2 * MIN)
    s2 = t.state_for(c2)
    assert s2.config is cfg2
    assert s2.recent == ()  # 0 h window: the contact 2 min ago is out
    d = decide(s2, c2)
    assert d.reason == "only_one_online"


def test_no_config_state_is_not_replayable():
    t = Tracker()
    t.status(T0, a("甲"), "online")
    s = t.state_for(consult())
    assert s.config is None and s.status == {a("甲"): "online"}
    assert decide(s, consult()).replayable is False


def test_buyers_next_consult_closes_the_earlier_session():
    t = fresh()
    t.consult(consult(cid="c1", ts=T0), R("甲"))
    assert t.state_for(consult(buyer="other", cid="c2", ts=T0 + MIN)).load == {a("甲"): 1}
    # for the buyer's own next consult its earlier session ends at that consult: not open then
    assert t.state_for(consult(cid="c2", ts=T0 + MIN)).load == {}
    # 甲 transfers the buyer to 乙: the transfer is the buyer's next consult
    c2 = consult("transfer_to_agent", cid="c2", ts=T0 + MIN, by="甲", target=a("乙"))
    t.consult(c2, Routed(a("乙"), "g", "transfer_to_agent"))
    s = t.state_for(consult(buyer="other", cid="c3", ts=T0 + 2 * MIN))
    assert s.load == {a("乙"): 1}
    # a late session_end for the transferred consult changes nothing
    t.session_end(T0 + 3 * MIN, "c1")
    assert t.state_for(consult(buyer="other", cid="c4", ts=T0 + 4 * MIN)).load == {a("乙"): 1}


def test_equal_ts_next_consult_is_not_in_the_cut():
    t = fresh()
    t.consult(consult(cid="c1", ts=T0), R("甲"))
    # another buyer at T0+1 min, ordered before tb_b1's next consult at the same ms (uid c3)
    assert t.state_for(consult(buyer="b2", cid="c2", ts=T0 + MIN)).load == {a("甲"): 1}
    t.consult(consult(buyer="b2", cid="c2", ts=T0 + MIN), R("乙"))
    assert t.state_for(consult(cid="c3", ts=T0 + MIN)).load == {a("乙"): 1}  # its own session ends now


def test_session_end():
    t = fresh()
    t.consult(consult(cid="c1", ts=T0), R("甲"))
    t.consult(consult(buyer="b2", cid="c2", ts=T0), R("甲"))
    assert t.state_for(consult(buyer="b3", cid="c3", ts=T0 + 1)).load == {a("甲"): 2}
    t.session_end(T0 + MIN, "c1")
    assert t.state_for(consult(buyer="b3", cid="c3", ts=T0 + MIN)).load == {a("甲"): 1}
    # an end fed before its consult (same ts: non-consult events first): a zero-length session
    t.session_end(T0 + 2 * MIN, "c9")
    t.consult(consult(buyer="b9", cid="c9", ts=T0 + 2 * MIN), R("乙"))
    s = t.state_for(consult(buyer="b3", cid="c10", ts=T0 + 2 * MIN))
    assert s.load == {a("甲"): 1}
    assert t.state_for(consult(buyer="b9", cid="c11", ts=T0 + 3 * MIN)).recent[0].account == a("乙")  # still a contact


def test_recent_contacts_72h_window_edge():
    t = fresh()
    t.consult(consult(cid="c1", ts=T0), R("甲"))
    t.consult(consult(buyer="b2", cid="c2", ts=T0 + 10), R("乙"))
    t.consult(consult(cid="c3", ts=T0 + 20), Routed(BOT, None, "robot_priority_shop"))
    at_edge = consult(cid="c4", ts=T0 + 72 * HOUR)
    assert t.state_for(at_edge).recent == (RecentContact(a("甲"), T0),)
    assert t.state_for(consult(cid="c4", ts=T0 + 72 * HOUR + 1)).recent == ()


def test_recent_contacts_order_and_exclusions():
    t = fresh()
    for i, (who, reason) in enumerate([("甲", "reception_rate"), ("乙", "recent_contact"), ("甲", "recent_contact")]):
        t.consult(consult(cid=f"c{i}", ts=T0 + i * MIN), R(who, reason))
    t.consult(consult(cid="cx", ts=T0 + 5 * MIN), Routed("cainiao_zto:客服07", None, "transfer_to_agent"))
    t.consult(consult(cid="cy", ts=T0 + 6 * MIN), Routed(None, None, "offline_queue"))
    rec = t.state_for(consult(cid="cz", ts=T0 + 7 * MIN)).recent
    assert [(r.account, r.ts) for r in rec] == [(a("甲"), T0 + 2 * MIN), (a("乙"), T0 + MIN)]


def test_round_robin_pointer():
    cfg = config(agents=["甲", "乙", "丙"], groups=(group("g", ["甲", "乙", "丙"]),), strategy="round_robin")
    t = fresh(cfg)
    got = []
    for i in range(5):
        c = consult(buyer=f"b{i}", cid=f"c{i}", ts=T0 + i * MIN)
        d = decide(t.state_for(c), c)
        w = pick(d, random.Random(0))
        got.append(w)
        t.consult(c, Routed(w, d.groups[w], d.reason))
    assert got == [a("甲"), a("乙"), a("丙"), a("甲"), a("乙")]
    assert t.state_for(consult(cid="z", ts=T0 + HOUR)).last_pick["g"] == LastPick(T0 + 4 * MIN, "c4", a("乙"))
    # a non-selection reason does not move the pointer
    t.consult(consult(buyer="bq", cid="cq", ts=T0 + HOUR), Routed(a("甲"), "g", "qianniu_initiated"))
    assert t.state_for(consult(cid="z", ts=T0 + HOUR)).last_pick["g"].account == a("乙")


def test_seed_mid_history():
    t = Tracker()
    t.set_config(CFG)
    t.seed(open_sessions=[("c1", "tb_b1", a("甲"), T0 - MIN), ("c2", "b2", a("甲"), T0 - MIN)],
           statuses=[(T0 - HOUR, a("甲"), "online"), (T0 - 2 * HOUR, a("甲"), "offline")],
           stats=[(T0 - HOUR, a("甲"), 0.3)],
           last_picks={"g": LastPick(T0 - MIN, "c2", a("甲"))},
           recent=[(T0 - MIN, "tb_b1", a("甲"))])
    assert t.state_for(consult(buyer="x", cid="c3", ts=T0)).load == {a("甲"): 2}
    s = t.state_for(consult(cid="c3", ts=T0))  # tb_b1's own session ends at its next consult
    assert s.status == {a("甲"): "online"} and s.load == {a("甲"): 1} and s.conversion == {a("甲"): 0.3}
    assert s.recent == (RecentContact(a("甲"), T0 - MIN),) and s.last_pick["g"].consult == "c2"
    t.consult(consult(cid="c3", ts=T0), R("乙"))  # closes tb_b1's seeded session
    assert t.state_for(consult(buyer="x", cid="c4", ts=T0)).load == {a("甲"): 1, a("乙"): 1}


def test_history_is_pruned():
    t = fresh()
    for i in range(200):
        t.consult(consult(buyer=f"b{i}", cid=f"c{i}", ts=T0 + i * MIN), R("甲"))
        t.session_end(T0 + i * MIN + 1, f"c{i}")
    t.consult(consult(buyer="late", cid="late", ts=T0 + 100 * HOUR), R("甲"))
    assert set(t._recent) == {"late"} and len(t._recent_order) == 1
    assert not t._closed.items and not t._pending_end.items and set(t._open) == {"late"}


# ---- property: a simulated shop, replayed by a second Tracker and by a naive reading -----------------
NAMES = ["甲", "乙", "丙", "丁"]
ACCOUNTS = [a(n) for n in NAMES] + [a("外"), BOT, SHOP]
GROUPS = [
    group("g1", ["甲", "乙"], states=["no_active_order", "unpaid"], items=["i1"], robot=True),
    group("g2", ["丙", "丁", "外"], states=["shipped"], intents=["logistics.eta"]),
    group("g3", ["乙", "丁"], items=["i2"]),
]


@st.composite
def configs(draw, ts):
    groups = tuple(g for g in GROUPS if draw(st.booleans())) or (GROUPS[0],)
    agents = tuple(
        agent(n, weight=draw(st.sampled_from([0.0, 1.0, 2.0])), max_sessions=draw(st.sampled_from([None, None, 0, 1, 2, 3])),
              routing=draw(st.integers(0, 5)) > 0, proxy=(n == "外"))
        for n in NAMES + ["外"] if draw(st.integers(0, 5)) > 0
    )
    ex = tuple(("b1", n, m) for n, m in [(draw(st.sampled_from(NAMES)), draw(st.sampled_from(["1v1", "priority"])))]
               if draw(st.integers(0, 3)) == 0)
    return config(
        agents=agents, groups=groups, exclusive=ex, ts=ts,
        recent_contact_hours=draw(st.sampled_from([0, 1, 24, 72])),
        robot_priority=draw(st.sampled_from(["off", "shop", "group"])),
        assistant=draw(st.sampled_from([BOT, BOT, None])),
        intent_routing=draw(st.booleans()), offline_to_assistant=draw(st.booleans()),
        main_account_fallback=draw(st.booleans()),
        strategy=draw(st.sampled_from(["reception_rate", "conversion_rate", "round_robin"])),
        busy_threshold=draw(st.sampled_from([0, 1, 2])),
    )


@st.composite
def histories(draw):
    n = draw(st.integers(5, 45))
    ts = T0
    events = []  # (ts, kind_rank, uid, kind, payload)
    k = 0
    for i in range(n):
        ts += draw(st.sampled_from([0, 0, 1, 1000, 5 * MIN, 40 * MIN, 3 * HOUR, 30 * HOUR]))
        kind = draw(st.sampled_from(["config", "status", "status", "status", "stats", "end", "consult", "consult",
                                     "consult", "consult"]))
        if i == 0 and draw(st.integers(0, 5)) > 0:  # most shops start with a config...
            kind = "config"
        if 0 < i < 6 and kind != "consult":  # ...and some agents online
            events.append((ts, 0, f"s{i:03d}", "status", (a(draw(st.sampled_from(NAMES))), "online")))
            continue
        if kind == "config":
            events.append((ts, 0, f"s{i:03d}", "config", draw(configs(ts))))
        elif kind == "status":
            events.append((ts, 0, f"s{i:03d}", "status",
                           (draw(st.sampled_from(ACCOUNTS)), draw(st.sampled_from(["online"] * 4 + ["suspended", "offline"])))))
        elif kind == "stats":
            events.append((ts, 0, f"s{i:03d}", "stats", (draw(st.sampled_from(ACCOUNTS)), draw(st.sampled_from([0.1, 0.2, 0.3])))))
        elif kind == "end":
            events.append((ts, 0, f"s{i:03d}", "end", f"c{draw(st.integers(0, n)):03d}"))
        else:
            source = draw(st.sampled_from(SOURCES))
            target = by = None
            if source == "transfer_to_agent":
                target = draw(st.sampled_from(ACCOUNTS))
            if source == "transfer_to_group":
                target = draw(st.sampled_from(["g1", "g2", "g3", "gx"]))
            if source in ("qianniu_initiated", "transfer_to_agent", "transfer_to_group"):
                by = draw(st.sampled_from(ACCOUNTS))
            c = consult(source, buyer=draw(st.sampled_from(["b1", "b2", "b3"])), ts=ts, cid=f"c{k:03d}",
                        item=draw(st.sampled_from([None, "i1", "i2", "i3"])),
                        order_state=draw(st.sampled_from([None, "unpaid", "shipped", "signed"])),
                        intent=draw(st.sampled_from([None, "logistics.eta", "presale"])), by=by, target=target)
            k += 1
            events.append((ts, 1, c.id, "consult", c))
    events.sort(key=lambda e: e[:3])
    return events, draw(st.integers(0, 2**32 - 1)), draw(st.integers(0, len(events)))


def feed(t: Tracker, kind, ts, payload):
    if kind == "config":
        t.set_config(payload)
    elif kind == "status":
        t.status(ts, *payload)
    elif kind == "stats":
        t.stats(ts, *payload)
    elif kind == "end":
        t.session_end(ts, payload)


def naive(recorded, i):
    """The state of consult `i` read from scratch, per docs/semantics.md."""
    T, _, _, _, c = recorded[i][:5]
    prior = recorded[:i]
    cfg = None
    status, conv, load, last = {}, {}, {}, {}
    for e in prior:
        if e[3] == "config":
            cfg = e[4]
        elif e[3] == "status":
            status[e[4][0]] = e[4][1]
        elif e[3] == "stats":
            conv[e[4][0]] = e[4][1]
    consults = [(j, e) for j, e in enumerate(recorded) if e[3] == "consult"]
    for j, e in consults:
        if j >= i or e[5].agent is None:
            continue
        cc = e[4]
        # closed by a session_end in the cut (ts <= T), or by the buyer's next consult at or before C
        ended = any(x[3] == "end" and x[4] == cc.id for x in prior)
        ended = ended or any(x[4].buyer == cc.buyer for jj, x in consults if j < jj <= i)
        if not ended:
            load[e[5].agent] = load.get(e[5].agent, 0) + 1
        r = e[5]
        if r.reason in SELECTION_REASONS and r.group:
            last[r.group] = LastPick(e[0], cc.id, r.agent)
    recent, seen = [], set()
    if cfg is not None:
        lo = T - int(cfg.settings.recent_contact_hours * HOUR)
        for e in reversed(prior):
            if e[3] != "consult" or e[4].buyer != c.buyer or e[5].agent is None or e[0] < lo:
                continue
            acc = e[5].agent
            if acc in seen or acc == cfg.settings.assistant or not (acc == SHOP or acc.startswith(SHOP + ":")):
                continue
            seen.add(acc)
            recent.append(RecentContact(acc, e[0]))
    return cfg, status, load, tuple(recent), conv, last


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(histories())
def test_tracker_reproduces_decide_for_a_simulated_shop(h):
    events, seed, split = h
    rng = random.Random(seed)
    # 1. simulate: decide, pick, record
    t1, recorded = Tracker(), []
    for ts, rank, uid, kind, payload in events:
        if kind != "consult":
            feed(t1, kind, ts, payload)
            recorded.append((ts, rank, uid, kind, payload, None))
            continue
        d = decide(t1.state_for(payload), payload)
        if d.replayable:
            w = pick(d, rng)
            routed = Routed(w, d.groups.get(w), d.reason)
        else:  # whatever the platform did
            routed = Routed(rng.choice(ACCOUNTS + [None]), rng.choice(["g1", "g2", None]),
                            rng.choice(sorted(SELECTION_REASONS) + ["recent_contact"]))
        t1.consult(payload, routed)
        recorded.append((ts, rank, uid, kind, payload, routed))

    # 2. replay with a second Tracker, seeded mid-history at `split` from the naive reading
    t2 = Tracker()
    start = 0
    if split < len(recorded):
        nxt = next((j for j in range(split, len(recorded)) if recorded[j][3] == "consult"), None)
        if nxt is not None:
            cfg, status, load, _, conv, last = naive(recorded, nxt)
            # seed from the prefix before `split`: open sessions, statuses, stats, picks, contacts
            prefix = recorded[:split]
            if any(e[3] == "config" for e in prefix):
                t2.set_config([e for e in prefix if e[3] == "config"][-1][4])
            opens = []
            for j, e in enumerate(prefix):
                if e[3] != "consult" or e[5].agent is None:
                    continue
                cc = e[4]
                closed = any(x[3] == "end" and x[4] == cc.id for x in prefix) or any(
                    x[3] == "consult" and x[4].buyer == cc.buyer for x in prefix[j + 1:])
                if not closed:
                    opens.append((cc.id, cc.buyer, e[5].agent, e[0]))
            t2.seed(open_sessions=opens,
                    statuses=[(e[0], *e[4]) for e in prefix if e[3] == "status"],
                    stats=[(e[0], *e[4]) for e in prefix if e[3] == "stats"],
                    last_picks={g: p for g, p in _picks(prefix).items()},
                    recent=[(e[0], e[4].buyer, e[5].agent) for e in prefix if e[3] == "consult"])
            # ends fed before the split for consults after it are still owed to the tracker
            later = {e[4].id for e in recorded[split:] if e[3] == "consult"}
            for e in prefix:
                if e[3] == "end" and e[4] in later:
                    t2.session_end(e[0], e[4])
            start = split
    for i in range(start, len(recorded)):
        ts, _, _, kind, payload, routed = recorded[i]
        if kind != "consult":
            feed(t2, kind, ts, payload)
            continue
        s = t2.state_for(payload)
        cfg, status, load, recent, conv, last = naive(recorded, i)
        assert s.config is cfg
        assert dict(s.status) == status and dict(s.load) == load and s.recent == recent
        assert dict(s.conversion) == conv and dict(s.last_pick) == last
        d = decide(s, payload)
        v = compare(s, payload, d, routed)
        assert v.match is (None if cfg is None else True), (v.findings, routed, d.reason, d.agents)
        # any other record: compare never fails, and a mismatch always says why
        other = Routed(rng.choice(ACCOUNTS + [None]), rng.choice(["g1", "g2", None]), rng.choice(sorted(RULE_OF_REASON)))
        v = compare(s, payload, d, other)
        assert v.match in (None, True, False) and (v.match is not False or v.findings)
        assert all(isinstance(f, str) and f for f in v.findings)
        t2.consult(payload, routed)


def _picks(prefix):
    last = {}
    for e in prefix:
        if e[3] == "consult" and e[5].reason in SELECTION_REASONS and e[5].group and e[5].agent:
            last[e[5].group] = LastPick(e[0], e[4].id, e[5].agent)
    return last
