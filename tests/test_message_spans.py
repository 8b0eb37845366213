"""Each shop's first and last message time is kept by the loader (store/spans.py, `meta` keys
msg_first:<shop_id> / msg_last:<shop_id>): it must equal min/max(ts) of the shop's messages after every way rows come in
or go (batches, the bulk path's duplicate removal, a load into a database with data, `forget`), and
a database made before it gets it filled by its migration."""

from __future__ import annotations

import sqlite3

from cli_helpers import shunt_json
from shunt.store import load as load_mod
from shunt.store import load_files
from shunt.store.db import open_db
from tests.test_store_gen import T0, events, write
from tests.test_store_split import splitting  # noqa: F401 - fixture

H = 3_600_000


def _scan(db) -> list[tuple]:
    c = sqlite3.connect(db)
    try:
        return c.execute("SELECT shop_id, min(ts), max(ts) FROM messages GROUP BY shop_id ORDER BY shop_id").fetchall()
    finally:
        c.close()


def _kept(db) -> list[tuple]:
    """The kept spans, checked to be in force (msg_top is the messages' largest rowid)."""
    c = sqlite3.connect(db)
    try:
        got = dict(c.execute("SELECT key, value FROM meta WHERE key GLOB 'msg_*'"))
        assert got.pop("msg_top") == c.execute("SELECT max(rowid) FROM messages").fetchone()[0]
        sids = sorted({int(k.split(":")[1]) for k in got})
        assert set(got) == {f"{w}:{s}" for s in sids for w in ("msg_first", "msg_last")}
        return [(s, got[f"msg_first:{s}"], got[f"msg_last:{s}"]) for s in sids]
    finally:
        c.close()


def _msg(shop: str, ts: int, uid: str, buyer: str = "b1") -> dict:
    return {"type": "message", "ts": ts, "shop": shop, "id": uid, "buyer": buyer, "sender": "buyer"}


def _log(tmp_path, name: str, extra: list[dict]) -> object:
    return write(tmp_path / name, events(60) + extra)


def test_spans_equal_the_messages_after_each_load_path(tmp_path, monkeypatch):
    # a second shop's messages, and later copies of stored ids with other times (conflicts: not stored,
    # so they must not widen the span), one far before and one far after every real message
    other = [_msg("other", T0 + k * H, f"o{k}") for k in range(3)]
    other += [_msg(f"shop{k}", T0 + k * H, f"s{k}") for k in range(4)]  # (over 4 shops: counted by one grouping)
    conflicting = [_msg("zhenpin", T0 - 400 * H, "o-x"), _msg("other", T0 + 900 * H, "o1")]
    a = _log(tmp_path, "a.jsonl", other + [_msg("zhenpin", T0 + 5 * H, "o-x")])
    b = write(tmp_path / "b.jsonl", conflicting + [_msg("other", T0 + 50 * H, "o9")])
    for bulk in (False, True):
        db = tmp_path / f"s{bulk:d}.db"
        if bulk:  # both files in one load into an empty database: the copies removed at the index build
            monkeypatch.setattr(load_mod, "BULK_BYTES", 0)
            load_files(db, [a, b])
        else:  # batches, then a second load into the database with data
            load_files(db, [a])
            assert _kept(db) == _scan(db) and len(_scan(db)) == 6
            load_files(db, [b])
        assert _kept(db) == _scan(db), bulk
        assert _scan(db)[1][1:] == (T0, T0 + 50 * H)  # (o1's copy far after was not stored)
        monkeypatch.undo()


def test_forget_and_a_database_made_before(tmp_path):
    db = tmp_path / "s.db"
    a = _log(tmp_path, "a.jsonl", [_msg("other", T0 + 3 * H, "o1")])
    load_files(db, [a])
    doc = shunt_json("forget", "other", "--yes", db=db)
    assert "meta" not in doc["removed"]  # (bookkeeping, not counted as the shop's rows)
    assert _kept(db) == _scan(db) and len(_scan(db)) == 1
    # a database made before the spans (no keys) or changed by an older shunt (msg_top behind):
    # the readers read the messages; the next load that adds messages counts them all again
    c = sqlite3.connect(db)
    c.execute("UPDATE meta SET value = value - 1 WHERE key = 'msg_top'")
    c.execute("UPDATE meta SET value = 0 WHERE key GLOB 'msg_first:*'")
    c.commit()
    c.close()
    from shunt.store.lookups import first_event_ts
    conn = open_db(db)
    try:
        assert first_event_ts(conn, _scan(db)[0][0]) > 0
    finally:
        conn.close()
    status = {"type": "agent_status", "ts": T0 + 7 * H, "shop": "zhenpin", "account": "zhenpin:小美", "status": "online"}
    load_files(db, [write(tmp_path / "b.jsonl", [status])])  # (no message in it: counted at the load's end)
    assert _kept(db) == _scan(db)


def test_why_silent_reads_the_kept_span(tmp_path):
    """The coverage's first/last event come from the kept span when messages are the first and last events."""
    db = tmp_path / "s.db"
    evs = events(60)
    early, late = T0 - 300 * H, T0 + 300 * H
    load_files(db, [write(tmp_path / "a.jsonl", evs + [_msg("zhenpin", early, "m-early"), _msg("zhenpin", late, "m-late")])])
    c = sqlite3.connect(db)
    c.execute("UPDATE meta SET value = value - 1000 WHERE key GLOB 'msg_first:*'")  # (read, not rescanned)
    c.execute("UPDATE meta SET value = value + 1000 WHERE key GLOB 'msg_last:*'")
    c.commit()
    c.close()
    from shunt.store.lookups import first_event_ts, last_event_ts
    conn = open_db(db)
    try:
        sid = conn.execute("SELECT id FROM shops WHERE nick = 'zhenpin'").fetchone()[0]
        assert (first_event_ts(conn, sid), last_event_ts(conn, sid)) == (early - 1000, late + 1000)
    finally:
        conn.close()


def test_spans_of_a_split_load(tmp_path, splitting):
    """The second half's messages come in by the split's copy (no duplicate to recount them after)."""
    evs = [e for e in events(120) if e["type"] != "message"]
    msgs = [_msg("zhenpin", T0 + k * 60_000, f"m{k}", buyer=f"b{k % 7}") for k in range(400)]
    msgs[-1]["ts"] = T0 + 500 * H  # (the latest message in the second half)
    db = tmp_path / "s.db"
    load_files(db, [write(tmp_path / "a.jsonl", evs + msgs)])
    assert splitting, "the load did not split"
    assert _kept(db) == _scan(db) and _scan(db)[0][2] == T0 + 500 * H
