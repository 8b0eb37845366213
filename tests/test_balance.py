"""shunt balance on hand-built logs whose cause of imbalance is known."""

from __future__ import annotations

import pytest

from balance_logs import A, B, binding_log, online_log, recent_log, weight_log, write
from cli_helpers import shunt, shunt_json


def load(tmp_path, events):
    db = tmp_path / "t.db"
    res = shunt("load", str(write(tmp_path / "log.jsonl", events)), db=db)
    assert res.exit_code == 0, res.stderr
    return db


def balance(db, *args):
    return shunt_json("balance", "--date", "2026-11-11", *args, db=db)


def acc(doc, name):
    return next(a for a in doc["accounts"] if a["account"] == name)


def factor(doc, code):
    return next((f for f in doc["attribution"]["factors"] if f["factor"] == code), None)


def test_group_binding_seed_001(tmp_path):
    doc = balance(load(tmp_path, binding_log()))
    a, b = acc(doc, A), acc(doc, B)
    assert (a["received"], b["received"]) == (45, 15)
    assert a["share"] == pytest.approx(0.75)
    assert a["by_reason"]["bound_group"] == 30 and a["by_reason"]["selection"] == 15
    assert b["by_reason"]["selection"] == 15
    assert a["expected"] == pytest.approx(45) and b["expected"] == pytest.approx(15)
    # with bindings cleared, every state is spread over both groups
    assert a["expected_without"]["group_binding"] == pytest.approx(30)
    assert a["effects"]["group_binding"] == pytest.approx(15)
    at = doc["attribution"]
    assert (at["top"], at["bottom"], at["received"], at["ratio"]) == (A, B, [45, 15], 3.0)
    assert at["expected_difference"] == pytest.approx(30)
    f = at["factors"][0]
    assert f["factor"] == "group_binding" and f["share"] == pytest.approx(1.0)
    assert "甲组" in f["message"] and "3 order states" in f["message"]
    assert "100% of the difference from 甲组 being bound to 3 order states" in at["summary"]


def test_recent_contact_pile_up(tmp_path):
    doc = balance(load(tmp_path, recent_log()))
    a, b = acc(doc, A), acc(doc, B)
    assert (a["received"], b["received"]) == (30, 10)
    assert a["by_reason"]["recent_contact"] == 20
    assert a["online_hours"] == pytest.approx(15) and b["online_hours"] == pytest.approx(15)
    assert a["expected_without"]["recent_contact"] == pytest.approx(20)
    at = doc["attribution"]
    assert at["expected_difference"] == pytest.approx(20)
    f = factor(doc, "recent_contact")
    assert f["share"] == pytest.approx(1.0)
    assert f["facts"]["day"] == "2026-11-10"
    assert "accumulated on 11-10 (阿甲 online 12 h vs 0 h)" in f["message"]


def test_weights(tmp_path):
    doc = balance(load(tmp_path, weight_log()))
    at = doc["attribution"]
    assert at["received"] == [30, 10] and at["expected_difference"] == pytest.approx(20)
    f = factor(doc, "weights")
    assert f["share"] == pytest.approx(1.0)
    assert "阿甲 3 vs 阿乙 1" in f["message"]
    assert acc(doc, A)["expected_without"]["weights"] == pytest.approx(20)


def test_online_time_is_exposure(tmp_path):
    doc = balance(load(tmp_path, online_log()))
    at = doc["attribution"]
    assert at["received"] == [30, 10]
    f = factor(doc, "online_time")
    assert f["share"] == pytest.approx(1.0) and f["consults"] == pytest.approx(20)
    assert acc(doc, B)["online_hours"] == pytest.approx(10)
    assert acc(doc, A)["online_hours"] == pytest.approx(15)


def test_group_filter_pair_hourly_and_html(tmp_path):
    db = load(tmp_path, binding_log())
    doc = balance(db, "--group", "g_a")
    assert [a["account"] for a in doc["accounts"]] == [A]
    assert doc["attribution"] is None
    doc = balance(db, "--pair", f"{B},{A}")
    assert doc["attribution"]["top"] == B and doc["attribution"]["expected_difference"] == pytest.approx(-30)
    h = doc["hourly"]
    assert h["bucket_minutes"] == 60 and len(h["starts"]) == 24
    assert sum(h["accounts"][A]["received"]) == 45 and h["accounts"][A]["status"][10] == "online"
    out = tmp_path / "r.html"
    res = shunt("balance", "--date", "2026-11-11", "--html", str(out), db=db)
    assert res.exit_code == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "甲组" in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "阿甲" in res.stdout


def test_errors(tmp_path):
    db = load(tmp_path, binding_log())
    assert shunt("balance", "--group", "nope", db=db).exit_code == 1
    assert shunt("balance", "--date", "2026-11-11", "--from", "2026-11-11 00:00", db=db).exit_code == 2
    assert shunt("balance", "--pair", "x", db=db).exit_code == 2


def test_untrusted_names_are_not_markup(tmp_path):
    import json

    # an account nick with rich markup and an escape sequence in it
    text = json.dumps(binding_log(), ensure_ascii=False).replace("阿乙", "[bold]x\\u001b[31m")
    db = load(tmp_path, json.loads(text))
    res = shunt("balance", "--date", "2026-11-11", db=db)
    assert res.exit_code == 0
    assert "[bold]x\\x1b[31m" in res.stdout and "\x1b[31m" not in res.stdout



def test_two_halves_same_answer(tmp_path, monkeypatch):
    """From SPLIT_AT consults the period is swept in two halves, each seeded from the store: the
    same answer as one sweep (sums are exact, then rounded), in one process or two."""
    from shunt.diagnose import balance as bal

    log = tmp_path / "g.jsonl"
    assert shunt("generate", "--consults", "3000", "--seed", "5", "-o", str(log)).exit_code == 0
    db = tmp_path / "g.db"
    assert shunt("load", str(log), db=db).exit_code == 0
    one = shunt_json("balance", "--date", "2026-11-11", db=db)
    assert one["consults"] > 1000
    monkeypatch.setattr(bal, "SPLIT_AT", 1000)
    monkeypatch.setenv("SHUNT_WORKERS", "1")
    seq = shunt_json("balance", "--date", "2026-11-11", db=db)
    monkeypatch.setenv("SHUNT_WORKERS", "2")
    par = shunt_json("balance", "--date", "2026-11-11", db=db)
    assert par == seq == one
