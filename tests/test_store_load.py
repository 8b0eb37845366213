"""The loader: time forms, encodings, duplicates, bad lines, unknown types and fields, strict mode."""

from __future__ import annotations

import gzip
import json
import sqlite3

import pytest

from shunt.store import load_files, open_db
from shunt.store.load import LoadReport
from tests.test_store_gen import SHOP, T0, events, iso, local, mixed_forms, write


def _q(db, sql, *args):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def status(ts, account="zhenpin:小美", st="online", **kw):
    return {"type": "agent_status", "ts": ts, "shop": SHOP, "account": account, "status": st, **kw}


def test_each_time_form_is_the_same_instant(tmp_path):
    db = tmp_path / "s.db"
    f = write(tmp_path / "a.jsonl", [
        status(T0, id="a"), status(iso(T0), id="b"), status(local(T0), id="c"),
        status("2026-11-10T16:00:00Z", id="d"), status(str(T0), id="e"), status("2026-11-11T00:00:00.000+08:00", id="f"),
    ])
    rep = load_files(db, [f])
    assert rep.rejected == []
    assert _q(db, "SELECT DISTINCT ts FROM statuses") == [(T0,)]


def test_same_event_in_two_time_forms_is_one_event(tmp_path):
    db = tmp_path / "s.db"
    f = write(tmp_path / "a.jsonl", [status(T0), status(iso(T0)), status(local(T0)), status(T0 + 1000)])
    rep = load_files(db, [f])
    assert rep.loaded["agent_status"] == 2 and rep.duplicates_by_type["agent_status"] == 2 and rep.duplicates == 2
    uids = [u for (u,) in _q(db, "SELECT uid FROM statuses ORDER BY ts")]
    assert all(u.startswith("~") and len(u) == 25 for u in uids)


def test_duplicates_within_and_across_files_and_reload(tmp_path):
    db = tmp_path / "s.db"
    evs = events(50)
    a = write(tmp_path / "a.jsonl", evs + evs[:10])
    b = write(tmp_path / "b.jsonl", mixed_forms(evs[5:30]))
    r1 = load_files(db, [a, b])
    n = len({(e["type"], e.get("id") or json.dumps(e, sort_keys=True)) for e in evs})
    assert r1.total_loaded == n
    assert r1.total_duplicates == 10 + 25
    r2 = load_files(db, [a])
    assert r2.total_loaded == 0 and r2.total_duplicates == len(evs) + 10


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings(tmp_path, encoding):
    db = tmp_path / "s.db"
    evs = [{"type": "shop_config", "ts": T0, "shop": SHOP, "settings": {}, "agents": [{"account": "zhenpin:小美"}]}] + \
          [status(T0 + i, id=f"x{i}") for i in range(50)] + \
          [{"type": "message", "ts": T0, "shop": SHOP, "buyer": "买家一号", "sender": "buyer", "account": "zhenpin:小美"}]
    f = write(tmp_path / "a.jsonl", evs, encoding=encoding)
    rep = load_files(db, [f])
    assert rep.rejected == []
    assert rep.total_loaded == 52
    assert _q(db, "SELECT buyer FROM messages") == [("买家一号",)]
    assert _q(db, "SELECT DISTINCT account FROM statuses") == [("zhenpin:小美",)]


def test_gzip(tmp_path):
    db = tmp_path / "s.db"
    plain = write(tmp_path / "a.jsonl", events(40))
    gz = tmp_path / "a.jsonl.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    r1 = load_files(db, [gz])
    assert r1.rejected == [] and r1.total_loaded > 40
    r2 = load_files(db, [plain])
    assert r2.total_loaded == 0


def test_forced_encoding(tmp_path):
    db = tmp_path / "s.db"
    f = tmp_path / "a.jsonl"
    f.write_bytes(json.dumps(status(T0, account="zhenpin:小美"), ensure_ascii=False).encode("gb18030") + b"\n")
    rep = load_files(db, [f], encoding="gb18030")
    assert rep.rejected == [] and _q(db, "SELECT account FROM statuses") == [("zhenpin:小美",)]


def test_bad_lines_are_reported_with_line_numbers(tmp_path):
    db = tmp_path / "s.db"
    good = json.dumps(status(T0)).encode()
    lines = [
        good,                                                                   # 1
        b'{"type":"agent_status","ts":1,',                                      # 2 invalid JSON
        b'{"type":"message","ts":1794355200000,"shop":"zhenpin","sender":"buyer"}',  # 3 missing buyer
        json.dumps(status("yesterday at noon")).encode(),                       # 4 bad ts
        b'{"type":"message","ts":1794355200000,"shop":"zhenpin","sender":"buyer","buyer":"\xff\xfe"}',  # 5 bytes
        b'{"type":"message","ts":1794355200000,"shop":"zhenpin","sender":"buyer","buyer":"\\ud800"}',  # 6
        b'{"type":"consult","ts":1794355200000,"shop":"zhenpin","buyer":"b","routed":{"reason":"x"},'
        b'"order":{"state":"shipped","packages":99999999999999999999}}',       # 7 int range
        json.dumps(status(T0, st="busy")).encode(),                             # 8 enum
        b'{"type":"agent_status","ts":1794355200000,"shop":"zhenpin","account":"x","status":"online","pad":"'
        + b"x" * (1 << 20) + b'"}',                                             # 9 too long
        b"[1,2]",                                                               # 10 not an object
        b"",                                                                    # 11 blank: ignored
        json.dumps(status(T0 + 1)).encode(),                                    # 12
        b'{"ts":1794355200000,"shop":"zhenpin"}',                               # 13 no type
        json.dumps({**status(T0 + 2), "ts": 12}).encode(),                      # 14 ts out of range
    ]
    f = tmp_path / "bad.jsonl"
    f.write_bytes(b"\n".join(lines) + b"\n")
    rep = load_files(db, [f])
    why = {n: w for _, n, w in rep.rejected}
    assert sorted(why) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14]
    assert why[2].startswith("invalid JSON")
    assert why[3] == "missing field `buyer`"
    assert why[4].startswith("`ts`: not an ISO 8601 time")
    assert "invalid UTF-8 bytes" in why[5]
    assert why[6] == "lone surrogate in `buyer`"
    assert "integer out of range" in why[7]
    assert why[8].startswith("`status`: invalid value 'busy'")
    assert why[9] == "line longer than 1 MiB"
    assert why[10].startswith("not a JSON object")
    assert why[13] == "missing field `type`"
    assert why[14].startswith("`ts`:")
    assert all(fn == str(f) for fn, _, _ in rep.rejected)
    assert rep.loaded["agent_status"] == 2


def test_unknown_type_kept_and_counted_unknown_field_kept(tmp_path):
    db = tmp_path / "s.db"
    f = write(tmp_path / "a.jsonl", [
        {"type": "robot_reply", "ts": T0, "shop": SHOP, "text": "您好"},
        {"type": "robot_reply", "ts": T0 + 1, "shop": SHOP, "text": "在的"},
        {**status(T0), "device": "pc"},
        {"type": "consult", "ts": T0, "shop": SHOP, "id": "c1", "buyer": "b", "vip": 3,
         "order": {"state": "unpaid", "amount": 12.5}, "routed": {"agent": None, "reason": "offline_queue", "queue": 2}},
    ])
    rep = load_files(db, [f])
    assert rep.rejected == []
    assert rep.unknown_types == {"robot_reply": 2} and rep.unknown == 2
    assert _q(db, "SELECT type, json_extract(body, '$.text') FROM other_events ORDER BY ts") == [
        ("robot_reply", "您好"), ("robot_reply", "在的")]
    assert json.loads(_q(db, "SELECT extra FROM statuses")[0][0]) == {"device": "pc"}
    assert json.loads(_q(db, "SELECT extra FROM consults")[0][0]) == {
        "vip": 3, "order": {"amount": 12.5}, "routed": {"queue": 2}}
    assert _q(db, "SELECT order_state, reason FROM consults") == [("unpaid", "offline_queue")]


def test_strict_mode_loads_nothing_from_a_bad_file(tmp_path):
    db = tmp_path / "s.db"
    good = write(tmp_path / "good.jsonl", [status(T0, id="g1")])
    bad = write(tmp_path / "bad.jsonl", [status(T0, id="b1"), status(T0, id="b2", st="nope")])
    rep = load_files(db, [good, bad], strict=True)
    assert rep.skipped_files == [str(bad)]
    assert [(n, w.split(":")[0]) for _, n, w in rep.rejected] == [(2, "`status`")]
    assert _q(db, "SELECT uid FROM statuses") == [("g1",)]
    rep2 = load_files(db, [bad])  # not strict: the good line goes in
    assert rep2.loaded["agent_status"] == 1


def test_local_time_uses_shop_zone_and_tz_forces(tmp_path):
    db = tmp_path / "s.db"
    f = write(tmp_path / "a.jsonl", [
        {"type": "shop_config", "ts": "2026-11-11 00:00:00", "shop": SHOP, "timezone": "Europe/Paris"},
        status("2026-11-11 10:00:00", id="p"),
        {**status("2026-11-11 10:00:00", id="q"), "shop": "other"},
    ])
    load_files(db, [f])
    rows = dict(_q(db, "SELECT uid, ts FROM statuses"))
    assert rows["p"] == 1794387600000  # 10:00 Paris (UTC+1)
    assert rows["q"] == 1794362400000  # other shop: 10:00 Asia/Shanghai
    assert _q(db, "SELECT ts FROM configs") == [(1794351600000,)]
    db2 = tmp_path / "t.db"
    load_files(db2, [f], tz="UTC")
    assert dict(_q(db2, "SELECT uid, ts FROM statuses"))["q"] == 1794391200000


def test_progress_and_report(tmp_path):
    db = tmp_path / "s.db"
    f = write(tmp_path / "a.jsonl", events(30))
    seen = []
    rep = load_files(db, [f], progress=lambda done, total, name: seen.append((done, total, name)))
    assert isinstance(rep, LoadReport) and rep.files == [str(f)]
    assert seen[-1][0] == seen[-1][1] == f.stat().st_size
    assert json.loads(_q(db, "SELECT counts FROM loads")[0][0])["loaded"]["consult"] == 30
    assert rep.as_dict()["rejected"] == []


def test_killed_derivation_is_finished_by_readers(tmp_path):
    from shunt.store import ensure_derived
    db = tmp_path / "s.db"
    f = write(tmp_path / "a.jsonl", events(40))
    load_files(db, [f])
    before = _q(db, "SELECT * FROM load_steps ORDER BY 1,2,3,4,5,6")
    conn = open_db(db)
    conn.execute("DELETE FROM load_steps")
    conn.execute("UPDATE consults SET end_ts = NULL, end_uid = NULL")
    conn.execute("INSERT INTO meta(key, value) VALUES ('dirty:1', 0)")
    ensure_derived(conn)
    conn.close()
    assert _q(db, "SELECT * FROM load_steps ORDER BY 1,2,3,4,5,6") == before
    assert _q(db, "SELECT count(*) FROM meta WHERE key LIKE 'dirty:%'") == [(0,)]
