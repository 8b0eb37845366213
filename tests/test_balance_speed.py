"""The decision cache of balance and simulate gives the same answers as the engine run for every
decision (SHUNT_NO_DECISION_CACHE=1), on generated days of small and crowded shops."""

from __future__ import annotations

import json

import pytest

from cli_helpers import shunt, shunt_json


def _day(tmp_path, seed: int, agents: int, groups: int, faults: float):
    log = tmp_path / "g.jsonl"
    args = ["generate", "--consults", "2500", "--seed", str(seed), "--agents", str(agents), "--groups", str(groups),
            "--faults", str(faults), "-o", str(log)]
    assert shunt(*args).exit_code == 0
    db = tmp_path / "g.db"
    assert shunt("load", str(log), db=db).exit_code == 0
    return db, log


def _changed(log) -> dict:
    """A new config that changes agents (weights, limits, routing, a second listing), swaps two
    groups' bindings and sets a low busy threshold."""
    first = next(json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()
                 if '"shop_config"' in line)
    agents = first["agents"]
    for i, a in enumerate(agents):
        a["weight"] = 1 + i % 3
        if i % 4 == 2 and a.get("max_sessions"):
            a["max_sessions"] = max(1, a["max_sessions"] // 4)
    if len(agents) > 3:
        agents[3]["routing"] = False
        agents.append(dict(agents[1], weight=7))
    groups = first["groups"]
    if len(groups) > 2:
        groups[0]["bind"], groups[1]["bind"] = groups[1]["bind"], groups[0]["bind"]
    settings = dict(first["settings"], busy_threshold=2, strategy="reception_rate")
    return {"agents": agents, "groups": groups, "settings": settings}


@pytest.mark.parametrize("seed,agents,groups,faults", [(3, 6, 2, 0.0), (11, 12, 4, 0.05), (21, 4, 1, 0.0)])
def test_cache_same_answers(tmp_path, monkeypatch, seed, agents, groups, faults):
    db, log = _day(tmp_path, seed, agents, groups, faults)
    new = tmp_path / "new.json"
    new.write_text(json.dumps(_changed(log)), encoding="utf-8")
    off = tmp_path / "off.json"
    off.write_text(json.dumps({"settings": {"recent_contact_hours": 0}}), encoding="utf-8")
    monkeypatch.setenv("SHUNT_WORKERS", "1")

    def run():
        return (shunt_json("balance", "--date", "2026-11-11", db=db),
                shunt_json("simulate", "--config", str(new), "--date", "2026-11-11", "--seed", "3", db=db),
                shunt_json("simulate", "--config", str(off), "--date", "2026-11-11", "--seed", "3", db=db))

    cached = run()
    assert cached[0]["consults"] > 1000
    monkeypatch.setenv("SHUNT_NO_DECISION_CACHE", "1")
    assert run() == cached
