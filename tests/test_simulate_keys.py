"""simulate decides each consult under the new and the recorded config; when the two configs agree on
everything the decision cache's keys and rule 4's pick read (diagnose/simulate.py `_same_keys`), the
keys are made once for both. A config that differs in any of those inputs must not share them, and a
simulation that shares them answers as the engine deciding every consult (the cache off)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from cli_helpers import shunt, shunt_json
from engine_helpers import agent, config, group

from shunt.diagnose.config_patch import apply_override
from shunt.diagnose.simulate import _same_keys
from shunt.engine.model import Exclusive


def _cfg():
    return config(["a1", "a2", agent("a3", max_sessions=2)], [group("g1", ["a1", "a2"], states=("unpaid",)),
                                                              group("g2", ["a2", "a3"])],
                  [("buyer1", "a1", "priority")], recent_contact_hours=24.0, intent_routing=True)


def _settings(cfg, **kw):
    return dataclasses.replace(cfg, settings=dataclasses.replace(cfg.settings, **kw))


def test_configs_that_differ_in_what_the_keys_read_do_not_share_them():
    cfg = _cfg()
    assert _same_keys(apply_override(cfg, {"settings": {"strategy": "round_robin"}}), cfg)  # equal, not the same objects
    assert _same_keys(_settings(cfg, busy_threshold=1, main_account_fallback=True), cfg)
    others = [
        dataclasses.replace(cfg, shop="other"),
        _settings(cfg, assistant="zhenpin:other"),
        _settings(cfg, intent_routing=False),
        _settings(cfg, recent_contact_hours=2.0),
        dataclasses.replace(cfg, agents=cfg.agents[:2] + (dataclasses.replace(cfg.agents[2], max_sessions=3),)),
        dataclasses.replace(cfg, exclusive=(Exclusive(buyer="buyer1", agent=cfg.agents[1].account, mode="priority"),)),
        dataclasses.replace(cfg, groups=(dataclasses.replace(cfg.groups[0], bind=cfg.groups[1].bind), cfg.groups[1])),
    ]
    for other in others:
        assert not _same_keys(other, cfg) and not _same_keys(cfg, other), other


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("simkeys")
    log, db = tmp / "g.jsonl", tmp / "g.db"
    assert shunt("generate", "--consults", "1200", "--seed", "11", "--agents", "12", "--groups", "4",
                 "-o", str(log)).exit_code == 0
    assert shunt("load", str(log), db=db).exit_code == 0
    return tmp, db


@pytest.mark.parametrize("change", [{"settings": {"strategy": "round_robin", "busy_threshold": 1}},
                                    {"settings": {"recent_contact_hours": 2}},
                                    {"settings": {"strategy": "round_robin"}}, {"settings": {"strategy": "conversion_rate"}}],
                         ids=["shared", "hours", "some-unchanged", "strategy-only"])
def test_simulate_with_keys_made_once_answers_as_the_engine(day, monkeypatch, change):
    tmp, db = day
    new = tmp / "new.json"
    new.write_text(json.dumps(change), encoding="utf-8")
    monkeypatch.setenv("SHUNT_WORKERS", "1")
    args = ("simulate", "--config", str(new), "--date", "2026-11-11", "--seed", "5")
    cached = shunt_json(*args, db=db)
    assert cached["moved"]["consults"] > 0
    monkeypatch.setenv("SHUNT_NO_DECISION_CACHE", "1")
    assert shunt_json(*args, db=db) == cached
