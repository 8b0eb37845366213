"""shunt simulate: config changes with a known effect."""

from __future__ import annotations

import json

import pytest

from balance_logs import A, B, binding_log, recent_log, write
from cli_helpers import shunt, shunt_json


def load(tmp_path, events):
    db = tmp_path / "t.db"
    res = shunt("load", str(write(tmp_path / "log.jsonl", events)), db=db)
    assert res.exit_code == 0, res.stderr
    return db


def sim(db, tmp_path, body, *args):
    cfg = tmp_path / "new.json"
    cfg.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return shunt_json("simulate", "--config", str(cfg), "--date", "2026-11-11", *args, db=db)


def row(doc, name):
    return next(a for a in doc["accounts"] if a["account"] == name)


# the groups replaced whole ("groups!"), with no binding
UNBOUND = {"groups!": [{"id": "g_a", "name": "甲组", "members": [A]}, {"id": "g_b", "name": "乙组", "members": [B]}]}


def test_unbinding_a_group_equalises(tmp_path):
    db = load(tmp_path, binding_log())
    doc = sim(db, tmp_path, UNBOUND, "--seed", "3")
    a, b = row(doc, A), row(doc, B)
    assert (a["recorded"], b["recorded"]) == (45, 15)
    assert a["expected_before"] == pytest.approx(45) and b["expected_before"] == pytest.approx(15)
    assert a["expected_after"] == pytest.approx(30) and b["expected_after"] == pytest.approx(30)
    assert a["sampled"] + b["sampled"] == 60
    m = doc["moved"]
    assert m["consults"] >= abs(a["sampled"] - a["recorded"]) and m["consults"] > 0
    assert {(f["from"], f["to"]) for f in m["flows"]} <= {(A, B), (B, A)}
    assert m["certain"] == 0 and set(m["by_rule"]) <= {"reception_rate"}
    assert all(e["reason"] == "reception_rate" for e in m["examples"])
    assert doc["caveats"] and any("reactions" in c for c in doc["caveats"])
    # same seed, same answer
    assert sim(db, tmp_path, UNBOUND, "--seed", "3") == doc


def test_recent_contact_off_removes_recent_reasons(tmp_path):
    db = load(tmp_path, recent_log())
    doc = sim(db, tmp_path, {"settings": {"recent_contact_hours": 0}}, "--seed", "1")
    assert doc["reasons"]["recent_contact"]["recorded"] == 20
    assert doc["reasons"]["recent_contact"]["sampled"] == 0
    assert doc["reasons"]["recent_contact"]["expected_after"] == 0
    a, b = row(doc, A), row(doc, B)
    assert a["expected_before"] == pytest.approx(30)
    assert a["expected_after"] == pytest.approx(20) and b["expected_after"] == pytest.approx(20)
    assert doc["moved"]["by_rule"] == {"reception_rate": doc["moved"]["consults"]}


def test_unchanged_config_moves_nobody(tmp_path):
    db = load(tmp_path, recent_log())
    doc = sim(db, tmp_path, {}, "--seed", "5")
    assert doc["moved"]["consults"] == 0
    for r in doc["accounts"]:
        assert r["sampled"] == r["recorded"]
        assert r["expected_after"] == pytest.approx(r["expected_before"])


def test_human_output_and_bad_config(tmp_path):
    db = load(tmp_path, binding_log())
    cfg = tmp_path / "new.json"
    cfg.write_text(json.dumps(UNBOUND, ensure_ascii=False), encoding="utf-8")
    res = shunt("simulate", "--config", str(cfg), "--date", "2026-11-11", db=db)
    assert res.exit_code == 0, res.stderr
    assert "cannot be known" in res.stdout and "阿甲" in res.stdout
    cfg.write_text('{"setting": {}}', encoding="utf-8")
    assert shunt("simulate", "--config", str(cfg), db=db).exit_code == 2
    cfg.write_text("not json", encoding="utf-8")
    assert shunt("simulate", "--config", str(cfg), db=db).exit_code == 2
    assert shunt("simulate", "--config", str(tmp_path / "missing.json"), db=db).exit_code == 2
