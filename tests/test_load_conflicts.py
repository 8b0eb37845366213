"""One id, two contents: an exact duplicate is skipped and counted, a conflicting one is reported with
where the first copy came from, counted apart, exit 3, the first copy kept (issue 14 item 4) — the
same report whether the load goes row by row, in bulk, or split over two processes."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from cli_helpers import shunt
from load_input_helpers import q, write
from shunt.store import load as load_mod
from shunt.store import split, stage

SHOP = "zhenpin"


def _cfg(**settings):
    return {"type": "shop_config", "ts": "2026-11-11T00:00:00+08:00", "shop": SHOP, "id": "cfg-1",
            "timezone": "Asia/Shanghai", "settings": {"strategy": "round_robin", **settings},
            "agents": [{"account": "zhenpin:小美"}, {"account": "zhenpin:小王"}], "groups": [], "exclusive": []}


def _consult(i, minute, buyer="tb_买家", agent="zhenpin:小美"):
    return {"type": "consult", "ts": f"2026-11-11T10:{minute:02d}:00+08:00", "shop": SHOP, "id": i, "buyer": buyer,
            "source": "item_page", "routed": {"agent": agent, "group": None, "reason": "round_robin"}}


def _status(i, minute, st="online"):
    return {"type": "agent_status", "ts": f"2026-11-11T09:{minute:02d}:00+08:00", "shop": SHOP, "id": i,
            "account": "zhenpin:小王", "status": st}


def _message(i, minute):
    return {"type": "message", "ts": f"2026-11-11T10:{minute:02d}:30+08:00", "shop": SHOP, "id": i,
            "buyer": "tb_买家", "sender": "buyer", "account": "zhenpin:小美"}


def _files(tmp_path):
    first = [_cfg()] + [_status(f"s-{k}", k) for k in range(10)] + [_consult(7, 1)]
    first += [_consult(f"c-{k}", k % 60) for k in range(40)] + [_message(f"m-{k}", k % 60) for k in range(40)]
    pad = [_message(f"p-{k}", k % 60) for k in range(200)]  # the split's cut falls in here
    second = [
        _consult("c-3", 3),                                               # exact duplicate
        _consult("c-5", 5, buyer="tb_other", agent="zhenpin:小王"),         # conflict: buyer, agent
        _status("s-2", 2, st="offline"),                                   # conflict: status
        _consult("7", 1),                                                  # "7" and 7: one id, same content
    ]
    c = write(tmp_path / "c.jsonl", first + pad + second)
    d = write(tmp_path / "d.jsonl", [_cfg(strategy="reception_rate"), _consult("c-10", 59), _message("m-1", 1)])
    return c, d, len(first) + len(pad)


def _load(db, *files):
    res = shunt("load", *files, "--json", db=db)
    return res.exit_code, json.loads(res.stdout), res.stderr


PATHS = ["into_data", "one_by_one", "bulk", "split", "staged", "staged_split"]


@pytest.mark.parametrize("path", PATHS)
def test_conflicting_duplicates_are_reported_the_same_on_every_path(tmp_path, monkeypatch, path):
    c, d, n = _files(tmp_path)
    db = tmp_path / f"{path}.db"
    if path.startswith("staged"):  # into a database with data through part files (store/stage.py)
        monkeypatch.setattr(stage, "STAGE_BYTES", 0)
        if path == "staged_split":
            monkeypatch.setattr(split, "PARALLEL_BYTES", 0)
            monkeypatch.delenv("SHUNT_WORKERS", raising=False)
    if path in ("into_data", "staged", "staged_split"):  # a database with data: the batches' upserts
        other = write(tmp_path / "other.jsonl", [dict(_consult("x-1", 1), shop="other"),
                                                 dict(_message("x-2", 1), shop="other")])
        assert _load(db, other)[0] == 0
    if path in ("bulk", "split"):
        monkeypatch.setattr(load_mod, "BULK_BYTES", 0)
    if path == "bulk":
        monkeypatch.setenv("SHUNT_WORKERS", "1")
    if path == "split":
        if not hasattr(os, "fork"):
            pytest.skip("the split forks")
        monkeypatch.setattr(split, "PARALLEL_BYTES", 0)
        monkeypatch.delenv("SHUNT_WORKERS", raising=False)
        merges = []
        real = split.merge
        monkeypatch.setattr(split, "merge", lambda loader, out: (merges.append(1), real(loader, out))[1])
    code, out, err = _load(db, c, d)
    if path == "split":
        assert merges, "the file was not split"
    assert code == 3
    got = [(x["file"], x["line"], x["id"], x["first_file"], x["first_line"], x["fields"]) for x in out["conflicting"]]
    assert got == [
        (str(c), n + 2, "c-5", str(c), 13 + 5, ["buyer", "routed.agent"]),
        (str(c), n + 3, "s-2", str(c), 2 + 2, ["status"]),
        (str(d), 1, "cfg-1", str(c), 1, ["settings"]),
        (str(d), 2, "c-10", str(c), 13 + 10, ["ts"]),
    ]
    assert out["conflicts"] == 4
    assert out["duplicates"] == 3  # c-3, "7", m-1
    assert f"{d}:2: id c-10 already loaded from {c}:23 with different content (fields ts)" in err
    assert "4 conflicting duplicates (the first copy kept)" in err
    # the first copy is kept
    assert q(db, "SELECT buyer, agent FROM consults WHERE uid = 'c-5'") == [("tb_买家", "zhenpin:小美")]
    assert q(db, "SELECT status FROM statuses WHERE uid = 's-2'") == [("online",)]
    assert json.loads(q(db, "SELECT body FROM configs")[0][0])["settings"]["strategy"] == "round_robin"


def test_reloading_a_file_is_exact_duplicates_only(tmp_path):
    c, d, n = _files(tmp_path)
    c = write(tmp_path / "first.jsonl", [json.loads(line) for line in c.read_text(encoding="utf-8").splitlines()[:n]])
    db = tmp_path / "s.db"
    _load(db, c)
    code, out, err = _load(db, c)
    assert code == 0 and out["conflicts"] == 0 and out["events"] == 0, err
    assert out["duplicates"] == sum(1 for line in c.read_text(encoding="utf-8").splitlines() if line)


def test_rows_loaded_before_origins_were_kept_report_an_unknown_place(tmp_path):
    c, d, _ = _files(tmp_path)
    db = tmp_path / "s.db"
    _load(db, c)
    con = sqlite3.connect(db)
    con.execute("UPDATE consults SET origin = NULL")  # as a version-1 database migrated
    con.commit()
    con.close()
    code, out, err = _load(db, d)
    assert code == 3
    assert f"{d}:2: id c-10 already loaded from an unknown place" in err
    assert [x["first_file"] for x in out["conflicting"]] == [str(c), None]
