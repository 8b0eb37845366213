"""`shunt forget SHOP` and `shunt info` (issue 15 items 3 and 17), through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cli_helpers import ROOT, SAMPLE, load_sample, shunt, shunt_json


@pytest.fixture()
def two_shops(tmp_path):
    """The sample shop and a generated one in one database."""
    log = tmp_path / "other.jsonl"
    assert shunt("generate", "--consults", "40", "--shop", "othershop", "--seed", "3", "-o", str(log)).exit_code == 0
    db = tmp_path / "two.db"
    for f in (SAMPLE / "zhenpin.jsonl", log):
        assert shunt("load", str(f), db=db).exit_code == 0
    return db


def test_forget_removes_one_shop_and_leaves_the_other(two_shops):
    before = shunt_json("trace", "tb_buyer05", "--date", "2026-11-11", "--shop", "zhenpin", db=two_shops)
    doc = shunt_json("forget", "othershop", "--yes", db=two_shops)
    assert doc["shop"] == "othershop" and doc["events"] > 40 and doc["removed"]["consults"] == 40
    info = shunt_json("info", db=two_shops)
    assert [s["shop"] for s in info["shops"]] == ["zhenpin"]
    # every row of it is gone, in every table that has a shop_id (derived ones too)
    import sqlite3
    conn = sqlite3.connect(two_shops)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for t in tables:
        cols = [c[1] for c in conn.execute(f'PRAGMA table_info("{t}")')]
        if "shop_id" in cols:
            assert conn.execute(f'SELECT count(*) FROM "{t}" WHERE shop_id NOT IN (SELECT id FROM shops)').fetchone()[0] == 0, t
    conn.close()
    # the remaining shop answers as before, now without --shop
    assert shunt_json("trace", "tb_buyer05", "--date", "2026-11-11", db=two_shops)["nodes"] == before["nodes"]


def test_forget_overwrites_the_removed_rows_in_the_file(two_shops):
    assert b"othershop" in two_shops.read_bytes()
    assert shunt("forget", "othershop", "--yes", db=two_shops).exit_code == 0
    data = two_shops.read_bytes() + (two_shops.with_name(two_shops.name + "-wal").read_bytes()
                                     if two_shops.with_name(two_shops.name + "-wal").exists() else b"")
    assert b"othershop" not in data


def test_forget_asks_on_a_terminal(two_shops, monkeypatch):
    from shunt.commands import forget

    monkeypatch.setattr(forget, "interactive", lambda: True)
    from cli_helpers import runner
    from shunt.cli import app

    no = runner().invoke(app, ["forget", "othershop", "--db", str(two_shops)], input="n\n")
    assert no.exit_code == 0 and "nothing removed" in no.stderr and "[y/N]" in no.stderr
    assert len(shunt_json("info", db=two_shops)["shops"]) == 2
    yes = runner().invoke(app, ["forget", "othershop", "--db", str(two_shops)], input="y\n")
    assert yes.exit_code == 0 and "removed shop othershop" in yes.stderr
    assert len(shunt_json("info", db=two_shops)["shops"]) == 1


def test_forget_without_a_terminal_needs_yes(two_shops):
    before = two_shops.read_bytes()
    res = shunt("forget", "othershop", db=two_shops)
    assert res.exit_code == 2 and "--yes" in res.stderr
    assert len(shunt_json("info", db=two_shops)["shops"]) == 2
    assert two_shops.read_bytes() == before


def test_forget_unknown_shop_or_database(tmp_path, two_shops):
    res = shunt("forget", "other_shop", "--yes", db=two_shops)
    assert res.exit_code == 1 and "nearest: othershop" in res.stderr
    assert shunt("forget", "zhenpin", "--yes", db=tmp_path / "none.db").exit_code == 1
    assert not (tmp_path / "none.db").exists()


def test_info_lists_every_shop_and_picks_one(two_shops):
    doc = shunt_json("info", db=two_shops)
    assert [s["shop"] for s in doc["shops"]] == ["othershop", "zhenpin"]
    other = doc["shops"][0]
    assert sum(d["consults"] for d in other["days"]) == other["events"]["consults"] == 40
    assert [x["file"].endswith(("zhenpin.jsonl", "other.jsonl")) for x in doc["loads"]] == [True, True]
    assert doc["tables"]["consults"] == 66 + 40
    one = shunt_json("info", "--shop", "zhenpin", db=two_shops)
    assert [s["shop"] for s in one["shops"]] == ["zhenpin"]
    res = shunt("info", "--shop", "zhenpim", db=two_shops)
    assert res.exit_code == 1 and "nearest: zhenpin" in res.stderr
    human = shunt("info", db=two_shops)
    assert human.exit_code == 0 and "售前" in human.stdout and "2026-11-11" in human.stdout


def test_info_days_in_the_shops_zone(tmp_path):
    """A consult at 2026-11-10 23:30 local time counts on 11-10 in a shop of another zone."""
    cfg = {"type": "shop_config", "id": "c1", "ts": "2026-11-10T00:00:00-05:00", "shop": "nyshop",
           "timezone": "America/New_York", "settings": {}, "agents": [{"account": "nyshop:a"}], "groups": []}
    lines = [cfg] + [{"type": "consult", "id": f"k{i}", "ts": ts, "shop": "nyshop", "buyer": "b1",
                      "source": "item_page", "routed": {"agent": "nyshop:a", "group": None, "reason": "main_account_fallback"}}
                     for i, ts in enumerate(["2026-11-10T23:30:00-05:00", "2026-11-11T00:30:00-05:00",
                                             "2026-11-11T08:00:00-05:00"])]
    log = tmp_path / "ny.jsonl"
    log.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    db = tmp_path / "ny.db"
    res = shunt("load", str(log), db=db)
    assert res.exit_code == 0, res.stderr
    doc = shunt_json("info", db=db)
    assert doc["shops"][0]["timezone"] == "America/New_York"
    assert doc["shops"][0]["days"] == [{"date": "2026-11-10", "consults": 1}, {"date": "2026-11-11", "consults": 2}]
    assert doc["shops"][0]["first_event"] == "2026-11-10T00:00:00-05:00"


def test_info_on_an_empty_database(tmp_path):
    db = tmp_path / "empty.db"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert shunt("load", str(empty), db=db).exit_code == 0
    assert shunt_json("info", db=db)["shops"] == []
    assert "no shop yet" in shunt("info", db=db).stdout


def test_other_commands_do_not_import_sqlite_utils(tmp_path):
    """info's introspection costs nothing to the point questions' start-up."""
    db = tmp_path / "s.db"
    load_sample(db)
    code = ("import sys\nfrom shunt.cli import app\n"
            f"try:\n  app(['trace', 'tb_buyer05', '--date', '2026-11-11', '--json', '--db', {str(db)!r}])\n"
            "except SystemExit:\n  pass\nsys.exit(3 if 'sqlite_utils' in sys.modules else 0)")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True).returncode == 0


def test_several_shops_without_shop_names_them_as_a_list_of_the_language(two_shops):
    # would catch: the shops joined in the store's English ("othershop, zhenpin") inside a Chinese sentence
    en = shunt("why-silent", "zhenpin:小美", db=two_shops)
    assert en.exit_code == 2 and "pick one with --shop (othershop, zhenpin)" in en.stderr
    zh = shunt("why-silent", "zhenpin:小美", "--lang", "zh", db=two_shops)
    assert zh.exit_code == 2 and "请用 --shop 选择一个（othershop，zhenpin）" in zh.stderr
    assert "pick one" not in zh.stderr and "Traceback" not in zh.stderr
