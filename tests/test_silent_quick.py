"""why-silent's quick path: a cause known without running the rules (`known_without_decision`)
is the cause the full replay gives, consult by consult, and the whole answer is the same."""

from __future__ import annotations

import gzip

import pytest

from shunt import engine, store
from shunt.diagnose.passed_by import known_without_decision, passed_by
from shunt.diagnose.silent import why_silent
from shunt.engine.tracker import Tracker
from shunt.generate import generate

H = 3_600_000


@pytest.fixture(scope="module", params=[(31, 12, 4, 0.05), (32, 5, 1, 0.0), (33, 20, 6, 0.08)])
def shop(request, tmp_path_factory):
    seed, agents, groups, faults = request.param
    tmp = tmp_path_factory.mktemp("quick")
    path = tmp / "log.jsonl.gz"
    with gzip.open(path, "wb") as f:
        generate(f, consults=1200, days=2, seed=seed, agents=agents, groups=groups, faults=faults)
    db = tmp / "shop.db"
    store.load_files(db, [path])
    conn = store.open_db(db)
    store.ensure_derived(conn)
    sid = store.shop_id(conn, None)
    return conn, sid


def _accounts(conn, sid) -> list[str]:
    names = {r[0] for r in conn.execute("SELECT DISTINCT account FROM statuses WHERE shop_id = ?", (sid,))}
    names |= {r[0] for r in conn.execute("SELECT DISTINCT agent FROM consults WHERE shop_id = ? AND agent IS NOT NULL",
                                         (sid,))}
    cfg = store.config_at(conn, sid, 2**62)
    if cfg is not None:
        names |= {a.account for a in cfg.agents} | {cfg.shop}
        if cfg.settings.assistant:
            names.add(cfg.settings.assistant)
    return sorted(names)


def test_known_causes_equal_the_full_replay(shop):
    conn, sid = shop
    accounts = _accounts(conn, sid)
    tracker = Tracker()
    known = 0
    for consult, _routed, _none, _uid in store.sweep(conn, sid, 0, 2**62, tracker=tracker, states=False):
        peek = tracker.peek(consult)
        state = tracker.state_for(consult)
        d = engine.decide(state, consult, explain=False)
        for a in accounts:
            code = known_without_decision(peek, consult, a)
            if code is not None:
                known += 1
                assert code == passed_by(state, consult, d, a)[0], (consult.id, a)
    assert known > 0


def test_why_silent_quick_equals_full(shop):
    conn, sid = shop
    last = store.last_event_ts(conn, sid)
    for a in _accounts(conn, sid):
        for at, window in ((last, 24 * H), (last - 20 * H, 6 * H)):
            assert why_silent(conn, sid, a, at, window) == why_silent(conn, sid, a, at, window, quick=False), a


def test_the_sweeps_rows_read_as_its_consults(shop):
    """store.sweep(rows=True) (why-silent's tally): each row reads as the Consult the plain sweep yields
    (id, ts, buyer, source, order state, and the whole Consult it makes), with the same routing."""
    conn, sid = shop
    plain = list(store.sweep(conn, sid, 0, 2**62, states=False))
    rows = list(store.sweep(conn, sid, 0, 2**62, states=False, rows=True))
    assert len(rows) == len(plain) > 0
    orders = 0
    for (c, routed, _n, uid), (r, r_routed, _m, r_uid) in zip(plain, rows):
        assert (r.id, r.ts, r.buyer, r.source, r.order_state) == (c.id, c.ts, c.buyer, c.source, c.order_state)
        assert r.consult() == c and (r_routed, r_uid) == (routed, uid)
        orders += c.order is not None
    assert 0 < orders < len(rows)  # with and without an order
