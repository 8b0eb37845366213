"""state_at against hand-computed states; out-of-order loads equal a sorted load; the sweep."""

from __future__ import annotations

import random
import sqlite3

import pytest

from shunt.engine.model import LastPick, RecentContact
from shunt.store.lazy_state import settled
from shunt.store import (
    consult_of_message, consult_row, consults_of_buyer, load_files, lookups, message_at, open_db, shop_id,
    state_at, sweep,
)
from tests.test_store_gen import AGENTS, ASSISTANT, H, SHOP, T0, config, events, mixed_forms, write

A, B, C = AGENTS[0], AGENTS[1], AGENTS[2]
M = 60_000


def consult(cid, ts, buyer, agent, reason="reception_rate", group="g_pre", **kw):
    return {"type": "consult", "ts": ts, "shop": SHOP, "id": cid, "buyer": buyer,
            "routed": {"agent": agent, "group": group, "reason": reason}, **kw}


def st(ts, account, status, uid):
    return {"type": "agent_status", "ts": ts, "shop": SHOP, "account": account, "status": status, "id": uid}


def end(ts, cid, uid):
    return {"type": "session_end", "ts": ts, "shop": SHOP, "consult": cid, "id": uid}


@pytest.fixture
def store_db(tmp_path):
    def make(evs, name="s.db"):
        db = tmp_path / name
        rep = load_files(db, [write(tmp_path / (name + ".jsonl"), evs)])
        assert rep.rejected == []
        conn = open_db(db)
        return conn, shop_id(conn, None)
    return make


def _state(conn, sid, cid):
    c, _routed, uid = consult_row(conn, sid, cid)
    return state_at(conn, sid, c, uid)


def test_load_and_session_closing(store_db):
    conn, sid = store_db([
        config(T0 - H),
        consult("c1", T0, "b1", A),
        consult("c2", T0 + M, "b2", A),
        consult("c3", T0 + 2 * M, "b1", B),          # closes c1 (same buyer's next consult)
        end(T0 + 3 * M, "c2", "e2"),                 # closes c2
        consult("c4", T0 + 3 * M, "b3", A),          # at the end's ts: c2 already closed
        consult("c5", T0 + 4 * M, "b4", A),
        end(T0 + 4 * M - 1, "c5", "e5"),             # end before start: zero-length session
        consult("c6", T0 + 5 * M, "b5", C),
    ])
    assert _state(conn, sid, "c2").load == {A: 1}
    assert _state(conn, sid, "c3").load == {A: 1}  # c1 ends at c3 itself: end > T fails
    assert _state(conn, sid, "c4").load == {B: 1}
    assert _state(conn, sid, "c6").load == {A: 1, B: 1}  # c4 open; c5 zero-length
    assert conn.execute("SELECT end_ts FROM consults WHERE uid = 'c5'").fetchone()[0] == T0 + 4 * M
    assert conn.execute("SELECT end_ts FROM consults WHERE uid = 'c6'").fetchone()[0] is None


def test_equal_ts_consults_ordered_by_uid(store_db):
    conn, sid = store_db([config(T0 - H), consult("k1", T0, "b1", A), consult("k2", T0, "b2", A),
                          consult("k3", T0, "b3", A)])
    assert _state(conn, sid, "k1").load == {}
    assert _state(conn, sid, "k2").load == {A: 1}
    assert _state(conn, sid, "k3").load == {A: 2}


def test_status_at_equal_ts_and_since(store_db):
    conn, sid = store_db([
        config(T0 - H),
        st(T0 - 30 * M, A, "online", "s1"), st(T0 - 20 * M, A, "online", "s2"),
        st(T0 - 10 * M, A, "suspended", "s3"), st(T0, A, "online", "s4"),
        st(T0, B, "offline", "s5"), st(T0, B, "online", "s6"),
        consult("c1", T0, "b1", A),
        st(T0 + M, A, "offline", "s7"),
    ])
    s = _state(conn, sid, "c1")
    assert s.status == {A: "online", B: "online"}  # status events at the consult's ts count
    assert s.status_since[A] == T0 and s.status_since[B] == T0
    assert s.status_of(C) == "offline"
    assert lookups.status_at(conn, sid, A, T0 - 15 * M) == ("online", T0 - 30 * M)


def test_account_states_equal_the_point_lookups(tmp_path):
    """state_at reads status, since, load and conversion of all accounts in one statement: the same answers
    as status_at / load_at / conversion_at, account by account, at every consult's cut."""
    db = tmp_path / "s.db"
    load_files(db, [write(tmp_path / "a.jsonl", events(300))])
    conn = open_db(db)
    sid = shop_id(conn, SHOP)
    accounts = [*AGENTS, ASSISTANT, SHOP, "zz:nobody", "名字 \"quoted\""]
    n = 0
    for c, _routed, uid in lookups.consults_between(conn, sid, 0, 2**62):
        got = lookups.account_states(conn, sid, accounts, c.ts, uid)
        assert list(got) == accounts
        for a in accounts:
            st = lookups.status_at(conn, sid, a, c.ts)
            status, since, load, rate = got[a]
            assert (status, since) == (st if st is not None else (None, None)), a
            assert (load or 0) == lookups.load_at(conn, sid, a, c.ts, uid), a
            assert rate == lookups.conversion_at(conn, sid, a, c.ts), a
        n += 1
    assert n > 100
    conn.close()


def test_recent_contacts_window_edge(store_db):
    conn, sid = store_db([
        config(T0 - 100 * H),
        consult("c0", T0 - 72 * H - 1, "b1", C),       # just outside 72 h
        consult("c1", T0 - 72 * H, "b1", A),           # exactly at the edge: in
        consult("c2", T0 - 10 * H, "b1", ASSISTANT),   # the assistant: never
        consult("c3", T0 - 5 * H, "b1", "cainiao_zto:客服07"),  # logistics: never
        consult("c4", T0 - 4 * H, "b1", B),
        consult("c5", T0 - 3 * H, "b1", A, source="qianniu_initiated", reason="qianniu_initiated"),
        consult("c6", T0 - 2 * H, "b1", None, reason="offline_queue"),
        consult("c7", T0, "b1", B),
        consult("c8", T0, "b2", C),
    ])
    s = _state(conn, sid, "c7")
    assert s.recent == (RecentContact(A, T0 - 3 * H), RecentContact(B, T0 - 4 * H))
    assert _state(conn, sid, "c8").recent == ()


def test_recent_hours_of_the_config_in_force(store_db):
    conn, sid = store_db([
        config(T0 - 100 * H, 72, "cfg-a"), config(T0 - H, 2, "cfg-b"),
        consult("c1", T0 - 3 * H, "b1", A), consult("c2", T0 - H, "b1", B), consult("c3", T0, "b1", C),
    ])
    s = _state(conn, sid, "c3")
    assert s.config.settings.recent_contact_hours == 2
    assert [r.account for r in s.recent] == [B]


def test_last_pick_and_conversion(store_db):
    conn, sid = store_db([
        config(T0 - H),
        consult("c1", T0, "b1", A, reason="round_robin", group="g_pre"),
        consult("c2", T0 + M, "b2", B, reason="recent_contact", group="g_pre"),
        consult("c3", T0 + 2 * M, "b3", B, reason="only_one_online", group="g_post"),
        {"type": "agent_stats", "ts": T0 + 2 * M, "shop": SHOP, "account": A, "conversion_rate": 0.4},
        consult("c4", T0 + 2 * M, "b4", C),
    ])
    s = _state(conn, sid, "c4")
    assert s.last_pick == {"g_pre": LastPick(T0, "c1", A), "g_post": LastPick(T0 + 2 * M, "c3", B)}
    assert s.conversion == {A: 0.4}
    assert _state(conn, sid, "c1").last_pick == {}


def test_no_config_before(store_db):
    conn, sid = store_db([consult("c1", T0, "b1", A), config(T0 + H)])
    s = _state(conn, sid, "c1")
    assert s.config is None and s.recent == ()


def _derived(db):
    c = sqlite3.connect(db)
    try:
        return (c.execute("SELECT uid, end_ts, end_uid FROM consults ORDER BY uid").fetchall(),
                c.execute("SELECT account, ts, okey, phase, uid, load FROM load_steps ORDER BY 1, 2, 3, 4, 5").fetchall())
    finally:
        c.close()


def _states(db):
    conn = open_db(db)
    sid = shop_id(conn, None)
    out = {}
    for c, _r, uid in lookups.consults_between(conn, sid, 0, 2**62):
        out[uid] = settled(state_at(conn, sid, c, uid))  # (it reads on first use: before the close)
    conn.close()
    return out


def test_out_of_order_files_equal_one_sorted_file(tmp_path):
    evs = events(250)
    sorted_db = tmp_path / "sorted.db"
    load_files(sorted_db, [write(tmp_path / "sorted.jsonl", sorted(evs, key=lambda e: e["ts"]))])
    shuffled = mixed_forms(evs)
    random.Random(1).shuffle(shuffled)
    parts = [shuffled[i::3] for i in range(3)]
    files = [write(tmp_path / f"p{i}.jsonl", p) for i, p in enumerate(parts)]
    ooo_db = tmp_path / "ooo.db"
    for f in reversed(files):  # one load per file: incremental derivation
        load_files(ooo_db, [f])
    assert _derived(ooo_db) == _derived(sorted_db)
    assert _states(ooo_db) == _states(sorted_db)


def _same(a, b, accounts):
    assert a.config == b.config
    for x in accounts:
        assert a.status_of(x) == b.status_of(x), x
        assert a.load_of(x) == b.load_of(x), x
        assert a.conversion.get(x, 0) == b.conversion.get(x, 0), x
        if x in a.status:
            assert a.status_since[x] == b.status_since[x], x
    assert a.recent == b.recent
    groups = [g.id for g in a.config.groups] if a.config else []
    assert {g: a.last_pick.get(g) for g in groups} == {g: b.last_pick.get(g) for g in groups}


@pytest.mark.parametrize("start_h", [0, 20, 40])
def test_sweep_equals_point_lookups(tmp_path, start_h):
    db = tmp_path / "s.db"
    load_files(db, [write(tmp_path / "a.jsonl", events(300))])
    conn = open_db(db)
    sid = shop_id(conn, SHOP)
    start, stop = T0 + start_h * H, T0 + (start_h + 30) * H
    got = list(sweep(conn, sid, start, stop))
    expected = list(lookups.consults_between(conn, sid, start, stop))
    assert [u for *_, u in got] == [u for *_, u in expected] and got
    accounts = AGENTS + [ASSISTANT, SHOP]
    for c, routed, state, uid in got:
        _same(state, state_at(conn, sid, c, uid), accounts)
    conn.close()


def test_messages_and_buyers(store_db):
    conn, sid = store_db([
        config(T0 - H),
        consult("c1", T0, "tb_buyer01", A), consult("c2", T0 + H, "tb_buyer01", B),
        {"type": "message", "ts": T0 + 5500, "shop": SHOP, "buyer": "tb_buyer01", "sender": "buyer", "account": A},
        {"type": "message", "ts": T0 + 2 * H, "shop": SHOP, "buyer": "tb_buyer01", "sender": "buyer",
         "account": A, "consult": "c1"},
        {"type": "logistics", "ts": T0 + M, "shop": SHOP, "consult": "c1", "action": "invite", "by": "platform",
         "account": "cainiao_zto:客服07", "carrier": "ZTO", "order": "O-1"},
    ])
    m = message_at(conn, sid, "tb_buyer01", T0 + 5000)
    assert m["ts"] == T0 + 5500 and m["account"] == A
    assert message_at(conn, sid, "tb_buyer01", T0 + 6000) is None
    assert lookups.nearest_messages(conn, sid, "tb_buyer01", T0 + 6000)[0] == T0 + 5500
    assert lookups.shop_info(conn, sid) == (SHOP, "Asia/Shanghai")
    assert lookups.buyer_exists(conn, sid, "tb_buyer01") and not lookups.buyer_exists(conn, sid, "nobody")
    assert lookups.account_exists(conn, sid, A) and not lookups.account_exists(conn, sid, "zhenpin:nobody")
    assert consult_of_message(conn, sid, m)[0].id == "c1"
    late = lookups.message_at(conn, sid, "tb_buyer01", T0 + 2 * H)
    assert consult_of_message(conn, sid, late)[0].id == "c1"  # explicit consult wins
    assert [c.id for c, _, _ in consults_of_buyer(conn, sid, "tb_buyer01", T0, T0 + 2 * H)] == ["c1", "c2"]
    assert "tb_buyer01" in lookups.nearest_buyers(conn, sid, "tb_buyer1")
    assert A in lookups.nearest_accounts(conn, sid, "小美")
    assert lookups.buyer_days(conn, sid, "tb_buyer01")[0].isoformat() == "2026-11-11"
    assert lookups.logistics_events(conn, sid, "c1")[0]["action"] == "invite"
    assert lookups.last_event_ts(conn, sid) == T0 + 2 * H
    assert lookups.config_at(conn, sid, T0).shop == SHOP


def test_shop_id_several_shops(tmp_path):
    from shunt import errors
    db = tmp_path / "s.db"
    load_files(db, [write(tmp_path / "a.jsonl", [st(T0, A, "online", "x"), {**st(T0, "m", "online", "y"), "shop": "mingdian"}])])
    conn = open_db(db)
    with pytest.raises(errors.UsageError, match="mingdian"):
        shop_id(conn, None)
    with pytest.raises(errors.NotFound) as e:
        shop_id(conn, "zhenpim")
    assert "zhenpin" in e.value.nearest
    assert shop_id(conn, "mingdian") != shop_id(conn, SHOP)
