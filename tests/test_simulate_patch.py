"""`simulate --config` is a patch on the config in force (issue 15.4), checked by the loader's schema, and
hostile change files are usage errors (issue 14.3); `shunt config show` is the starting point of a change."""

from __future__ import annotations

import json

import pytest

from cli_helpers import load_sample, shunt, shunt_json


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("patch") / "shunt.db"
    load_sample(path)
    return path


def _file(tmp_path, content, name="change.json"):
    f = tmp_path / name
    if isinstance(content, bytes):
        f.write_bytes(content)
    else:
        f.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return f


def sim(db, tmp_path, change, *args):
    return shunt_json("simulate", "--config", str(_file(tmp_path, change)), "--date", "2026-11-11", *args, db=db)


def fails(db, tmp_path, change, *, date="2026-11-11"):
    f = change if hasattr(change, "exists") else _file(tmp_path, change)
    res = shunt("simulate", "--config", str(f), "--date", date, db=db)  # a traceback would raise here
    assert res.exit_code == 2, (res.exit_code, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr and res.stdout == ""
    return res.stderr


def texts(doc):
    return [c["text"] for c in doc["changes"]]


def test_raising_one_limit_keeps_every_other_agent(db, tmp_path):
    """The issue's example: it used to drop the 8 other agents and move 22 of 23 consults to 小丙."""
    doc = sim(db, tmp_path, {"agents": [{"account": "zhenpin:小丙", "max_sessions": 50}]})
    assert texts(doc) == ["小丙 max_sessions 20 -> 50"]
    assert doc["changes"][0] | {"configs": None} == {
        "what": "agent", "key": "zhenpin:小丙", "field": "max_sessions", "before": 20, "after": 50,
        "text": "小丙 max_sessions 20 -> 50", "configs": None}
    assert doc["moved"]["consults"] == 0
    assert sim(db, tmp_path, {}) | {"changes": [], "config": {}} == doc | {"changes": [], "config": {}}


def test_binding_one_group_keeps_the_other_groups(db, tmp_path):
    doc = sim(db, tmp_path, {"groups": [{"id": "g_post", "bind": {"order_states": ["refunding", "signed"]}}]})
    assert texts(doc) == ["group 售后 (g_post) bind.order_states [refunding] -> [refunding, signed]"]  # both configs
    assert doc["changes"][0]["configs"] == ["2026-11-09T00:00:00+08:00", "2026-11-11T13:30:00+08:00"]
    groups = {g["group"] for g in doc["groups"]}
    assert {"g_pre", "g_jia", "g_logi"} <= groups
    assert doc["moved"]["consults"] < 5


def test_a_group_by_its_name_and_a_new_group(db, tmp_path):
    doc = sim(db, tmp_path, {"groups": [{"name": "售后", "members": ["zhenpin:小丙", "zhenpin:小李"]},
                                        {"id": "g_new", "name": "新组", "members": ["zhenpin:小张"]}]})
    assert texts(doc) == ["group 售后 (g_post) members [小丙] -> [小丙, 小李]",
                          "add group 新组 (g_new) (members [小张], robot_priority false)"]


def test_remove_and_replace_whole(db, tmp_path):
    doc = sim(db, tmp_path, {"agents": [{"account": "zhenpin:小美", "remove": True}],
                             "exclusive": [{"buyer": "tb_vip01", "remove": True}]})
    assert texts(doc) == ["remove agent 小美", "remove exclusive tb_vip01"]
    assert doc["moved"]["certain"] >= 9  # 小美 had 9 consults that day and is no longer listed
    doc = sim(db, tmp_path, {"agents!": [{"account": "zhenpin:小美"}, {"account": "zhenpin:阿甲"}]})
    removed = {c["key"] for c in doc["changes"] if c["text"].startswith("remove agent")}
    assert removed == {"zhenpin:小李", "zhenpin:小刘", "zhenpin:阿乙", "zhenpin:小王", "zhenpin:小丙", "zhenpin:小张",
                       "zhenpin:代理01"}
    assert "小美 max_sessions 30 -> null" in texts(doc)  # a replaced entry takes the defaults for what it omits


def test_the_changes_come_first_in_the_human_view(db, tmp_path):
    f = _file(tmp_path, {"agents": [{"account": "zhenpin:小丙", "max_sessions": 50}]})
    res = shunt("simulate", "--config", str(f), "--date", "2026-11-11", db=db)
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].startswith("change applied") and lines[1].strip() == "小丙 max_sessions 20 -> 50"


@pytest.mark.parametrize("change,field,why", [
    ({"settings": {"strategy": "fastest"}}, "settings.strategy", 'got "fastest"'),
    ({"settings": {"robot_priority": "sometimes"}}, "settings.robot_priority", "one of off, shop, group"),
    ({"agents": [{"account": "zhenpin:小丙", "max_sessions": -1}]}, 'agents["zhenpin:小丙"].max_sessions', "got -1"),
    ({"agents": [{"account": "zhenpin:小丙", "routing": "false"}]}, 'agents["zhenpin:小丙"].routing',
     'got "false" (a string)'),
    ({"agents": [{"account": "zhenpin:小丙", "weight": "nan"}]}, 'agents["zhenpin:小丙"].weight', "finite"),
    ({"groups": [{"id": "g_pre", "members": [1]}]}, 'groups["g_pre"].members[0]', 'a string account "zhenpin:name"'),
    ({"groups": [{"id": "g_pre", "members": "zhenpin:小美"}]}, 'groups["g_pre"].members', "a list of accounts"),
    ({"agents": [{"account": "zhenpin:小x", "remove": True}]}, "agents[0]", "no such entry"),
    ({"agents": [{"account": "zhenpin:小丙", "max_session": 50}]}, "agents[0].max_session", "unknown field"),
    ({"agents": [{"max_sessions": 50}]}, "agents[0]", 'needs "account"'),
    ({"agent": []}, "agent", "unknown field"),
    ({"agents": [], "agents!": []}, "", "give agents (merged) or agents! (replaced whole), not both"),
    ({"shop": "other"}, "", "for shop other, not zhenpin"),
])
def test_an_invalid_change_is_exit_2_naming_the_field(db, tmp_path, change, field, why):
    err = fails(db, tmp_path, change)
    assert f"change.json: {field}" in err or field == "", err
    assert why in err, err


def test_hostile_change_files_are_usage_errors(db, tmp_path):
    body = '{"settings": {"strategy": "round_robin"}}'
    assert "is UTF-16: save it as UTF-8" in fails(db, tmp_path, _file(tmp_path, body.encode("utf-16"), "a.json"))
    assert "is UTF-16: save it as UTF-8" in fails(db, tmp_path, _file(tmp_path, body.encode("utf-16-le"), "b.json"))
    assert "not UTF-8" in fails(db, tmp_path, _file(tmp_path, '{"groups": [{"name": "售后"}]}'.encode("gbk"), "c.json"))
    deep = '{"settings": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert "nested too deeply" in fails(db, tmp_path, _file(tmp_path, deep, "d.json"))
    err = fails(db, tmp_path, _file(tmp_path, '{"settings": {"busy_threshold": 1e400}}', "e.json"))
    assert "settings.busy_threshold: expected a whole number" in err and "out of range" in err
    assert "not JSON" in fails(db, tmp_path, _file(tmp_path, '{"settings": {"busy_threshold": NaN}}', "f.json"))
    assert "no such file" in fails(db, tmp_path, tmp_path / "missing.json")
    assert "not a regular file" in fails(db, tmp_path, tmp_path)
    assert "not JSON" in fails(db, tmp_path, _file(tmp_path, "", "g.json"))


def test_config_show_json_is_a_complete_change_file(db, tmp_path):
    doc = shunt_json("config", "show", "--at", "2026-11-11 12:00", db=db)
    assert doc["ts"] == "2026-11-09T00:00:00+08:00" and doc["settings"]["strategy"] == "reception_rate"
    assert len(doc["agents"]) == 9 and [g["id"] for g in doc["groups"]][:2] == ["g_jia", "g_pre"]
    later = shunt_json("config", "show", db=db)  # default: the last event's moment
    assert later["settings"]["strategy"] == "conversion_rate"
    out = sim(db, tmp_path, later)  # used as it is: nothing changes in the config of 13:30
    assert [c for c in out["changes"] if "2026-11-11T13:30:00+08:00" in c["configs"]] == []
    doc["groups"][1]["members"].append("zhenpin:阿甲")
    out = sim(db, tmp_path, doc)
    assert "group 售前 (g_pre) members [小美, 小李, 小刘] -> [小美, 小李, 小刘, 阿甲]" in texts(out)


def test_config_show_human_and_mask(db):
    res = shunt("config", "show", db=db)
    assert res.exit_code == 0 and "zhenpin:小丙" in res.stdout and "tb_vip01" in res.stdout
    res = shunt("config", "show", "--mask", "--json", db=db)
    assert "tb_vip01" not in res.stdout and json.loads(res.stdout)["exclusive"][0]["agent"] == "zhenpin:小美"
    res = shunt("config", "show", "--at", "2020-01-01", db=db)
    assert res.exit_code == 1 and "the first one starts 2026-11-09" in res.stderr
