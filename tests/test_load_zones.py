"""Local times without offset are read in the shop's zone whatever the order of lines and files
(issue 15 item 0): shops in America/Los_Angeles, Europe/Berlin and Asia/Kathmandu (UTC+5:45)."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from cli_helpers import shunt
from load_input_helpers import digest, generated, local, q, shuffled, write

ZONES = {"lax": "America/Los_Angeles", "ber": "Europe/Berlin", "ktm": "Asia/Kathmandu"}


def _shops(tmp_path):
    base = generated(tmp_path, consults=30, seed=3)
    return {shop: local(base, shop, tz) for shop, tz in ZONES.items()}


def _load(db, *files, extra=()):
    res = shunt("load", *files, *extra, "--json", db=db)
    return res.exit_code, json.loads(res.stdout) if res.stdout.strip() else None, res.stderr


def test_shuffled_lines_give_the_ordered_database(tmp_path):
    shops = _shops(tmp_path)
    ordered = [e for evs in shops.values() for e in evs]
    code, _, err = _load(tmp_path / "ordered.db", write(tmp_path / "ordered.jsonl", ordered))
    assert code == 0, err
    want = digest(tmp_path / "ordered.db")
    # the instants are the wall-clock times in each shop's own zone
    first = next(e for e in shops["ktm"] if e["type"] == "agent_status" and "id" not in e)
    ms = int(datetime.fromisoformat(first["ts"]).replace(tzinfo=ZoneInfo("Asia/Kathmandu")).timestamp() * 1000)
    sid = q(tmp_path / "ordered.db", "SELECT id FROM shops WHERE nick = 'ktm'")[0][0]
    assert (ms,) in q(tmp_path / "ordered.db", "SELECT ts FROM statuses WHERE shop_id = ?", sid)
    for seed in range(3):  # the shop_config lines land anywhere, often after the lines they govern
        f = write(tmp_path / f"shuffled{seed}.jsonl", shuffled(ordered, seed))
        db = tmp_path / f"shuffled{seed}.db"
        code, out, err = _load(db, f)
        assert code == 0, err
        assert digest(db) == want, seed
        assert out.get("warnings") == []


def test_events_split_over_two_files_in_either_order(tmp_path):
    evs = shuffled(_shops(tmp_path)["lax"], 7)
    cfg = [e for e in evs if e["type"] == "shop_config"]
    rest = [e for e in evs if e["type"] != "shop_config"]
    a = write(tmp_path / "a.jsonl", rest[:len(rest) // 2] + cfg + rest[len(rest) // 2: len(rest) * 2 // 3])
    b = write(tmp_path / "b.jsonl", rest[len(rest) // 3:])  # overlaps a: the shared events stored once
    digests = set()
    for name, files in {"ab": (a, b), "ba": (b, a)}.items():
        db = tmp_path / f"{name}.db"
        code, out, err = _load(db, *files)
        assert code == 0, err
        digests.add(digest(db))
    # two loads, config in the first one
    db = tmp_path / "a_then_b.db"
    assert _load(db, a)[0] == 0 and _load(db, b)[0] == 0
    digests.add(digest(db))
    assert len(digests) == 1
    assert q(db, "SELECT count(*) FROM consults") == [(len([e for e in rest if e["type"] == "consult"]),)]


def test_a_later_load_that_moves_the_zone_says_so(tmp_path):
    evs = _shops(tmp_path)["ber"]
    cfg = [e for e in evs if e["type"] == "shop_config"]
    rest = [e for e in evs if e["type"] != "shop_config"]
    events_only = write(tmp_path / "events.jsonl", rest)
    config_only = write(tmp_path / "config.jsonl", cfg)
    db = tmp_path / "s.db"
    assert _load(db, events_only)[0] == 0  # no config yet: Asia/Shanghai, the log format's default
    code, out, err = _load(db, config_only)
    assert code == 3
    assert out["warnings"] and "Europe/Berlin" in out["warnings"][0] and "Asia/Shanghai" in out["warnings"][0]
    assert str(config_only) in err and "not moved" in err
    # the remedy it names: all of the shop's files into a new database
    db2 = tmp_path / "new.db"
    assert _load(db2, events_only, config_only)[0] == 0
    want = tmp_path / "want.db"
    assert _load(want, write(tmp_path / "all.jsonl", evs))[0] == 0
    assert digest(db2) == digest(want)


def test_tz_still_overrides(tmp_path):
    evs = shuffled(_shops(tmp_path)["lax"], 2)
    f = write(tmp_path / "a.jsonl", evs)
    db = tmp_path / "utc.db"
    code, out, err = _load(db, f, extra=("--tz", "UTC"))
    assert code == 0, err
    e = next(e for e in evs if e["type"] == "consult")
    ms = int(datetime.fromisoformat(e["ts"]).replace(tzinfo=ZoneInfo("UTC")).timestamp() * 1000)
    assert q(db, "SELECT ts FROM consults WHERE uid = ?", e["id"]) == [(ms,)]
