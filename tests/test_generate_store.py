"""Replay through the store: load a generated log with `shunt.store.load_files`, rebuild each
consult's state by point lookups (`state_at`) and by the sweep, run the engine, and find that
every node matches except the faulted ones.

(Added by the generator's author once the store existed; the lead may extend it.)
"""

from __future__ import annotations

import gzip

import pytest

from shunt.engine.decide import decide
from shunt.generate import generate

store = pytest.importorskip("shunt.store")


def _matches(d, routed) -> bool:
    if d.reason != routed.reason:
        return False
    return routed.agent in d.agents if d.agents else routed.agent is None


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gen")
    path = tmp / "log.jsonl.gz"
    with gzip.open(path, "wb") as f:
        rep = generate(f, consults=1500, days=2, seed=21, faults=0.04)
    db = tmp / "shop.db"
    store.load_files(db, [path])
    conn = store.open_db(db)
    store.ensure_derived(conn)
    return rep, conn, path


def test_load_is_complete_and_idempotent(loaded, tmp_path):
    rep, conn, path = loaded
    sid = store.shop_id(conn, "zhenpin")
    n = conn.execute("SELECT count(*) FROM consults WHERE shop_id = ?", (sid,)).fetchone()[0]
    assert n == rep.consults
    db2 = tmp_path / "again.db"
    store.load_files(db2, [path])
    store.load_files(db2, [path])  # a re-load adds nothing
    c2 = store.open_db(db2)
    assert c2.execute("SELECT count(*) FROM consults").fetchone()[0] == rep.consults


def test_point_lookup_replay_matches_all_but_faults(loaded):
    rep, conn, _path = loaded
    sid = store.shop_id(conn, "zhenpin")
    bad = []
    n = 0
    for consult, routed, uid in store.lookups.consults_between(conn, sid, 0, 2**62):
        d = decide(store.state_at(conn, sid, consult, uid), consult)
        n += 1
        if not _matches(d, routed):
            bad.append(consult.id)
    assert n == rep.consults
    assert sorted(bad) == sorted(rep.fault_ids)


def test_sweep_replay_matches_all_but_faults(loaded):
    rep, conn, _path = loaded
    sid = store.shop_id(conn, "zhenpin")
    bad = [c.id for c, routed, state, _uid in store.sweep(conn, sid, 0, 2**62) if not _matches(decide(state, c), routed)]
    assert sorted(bad) == sorted(rep.fault_ids)
