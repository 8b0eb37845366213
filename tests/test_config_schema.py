"""A shop_config is validated as a whole when loaded (store/config_schema.py): each value that used to crash or
fool the questions (issue 14.2) is a rejected line naming the field, exit 3, the other lines kept; any config
the schema accepts is answered by every question without a traceback."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_helpers import SAMPLE, shunt, shunt_json

LINES = (SAMPLE / "zhenpin.jsonl").read_text(encoding="utf-8").splitlines()
BASE = json.loads(LINES[0])  # cfg-01, in force from 2026-11-09 00:00


def _bad(mutate):
    cfg = copy.deepcopy(BASE)
    cfg["id"], cfg["ts"] = "cfg-bad", "2026-11-10T00:00:00+08:00"
    mutate(cfg)
    return cfg


def _set(path, value):
    def mutate(cfg):
        cur = cfg
        for k in path[:-1]:
            cur = cur[k]
        cur[path[-1]] = value
    return mutate


CASES = [  # (what is set, the field named, the reason's words)
    (("agents", 0, "weight"), "nan", "agents[0].weight", 'got "nan" (a string)'),
    (("agents", 0, "weight"), "inf", "agents[0].weight", 'got "inf" (a string)'),
    (("groups", 2, "members"), [1], "groups[2].members[0]", 'expected a string account "zhenpin:name", got 1'),
    (("groups", 2, "members"), "zhenpin:小王", "groups[2].members", 'got "zhenpin:小王"'),
    (("groups", 2, "members"), ["cainiao_zto:客服07"], "groups[2].members[0]", "expected an account of this shop"),
    (("settings", "recent_contact_hours"), 1e300, "settings.recent_contact_hours", "from 0 to 8760"),
    (("settings", "strategy"), 1, "settings.strategy", "one of reception_rate, conversion_rate, round_robin, got 1"),
    (("settings", "strategy"), "fastest", "settings.strategy", 'got "fastest"'),
    (("settings", "robot_priority"), "sometimes", "settings.robot_priority", "one of off, shop, group"),
    (("agents", 1, "proxy"), "false", "agents[1].proxy", 'expected true or false, got "false" (a string)'),
    (("agents", 1, "routing"), "false", "agents[1].routing", 'expected true or false, got "false" (a string)'),
    (("agents", 1, "max_sessions"), -1, "agents[1].max_sessions", "got -1"),
    (("settings", "busy_threshold"), 4.5, "settings.busy_threshold", "a whole number"),
    (("exclusive", 0, "mode"), "vip", "exclusive[0].mode", "one of priority, 1v1"),
    (("groups", 0, "bind", "order_states"), ["paid"], "groups[0].bind.order_states[0]", 'got "paid"'),
]


@pytest.mark.parametrize("path,value,field,why", CASES, ids=[c[2] + "=" + json.dumps(c[1]) for c in CASES])
def test_a_bad_shop_config_is_a_rejected_line_naming_the_field(tmp_path, path, value, field, why):
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join([LINES[0], json.dumps(_bad(_set(path, value)), ensure_ascii=False)] + LINES[1:]) + "\n",
                   encoding="utf-8")
    db = tmp_path / "t.db"
    res = shunt("load", str(log), "--json", db=db)
    assert res.exit_code == 3, res.stderr
    line = next(x for x in res.stderr.splitlines() if ":2:" in x)
    assert line.startswith(f"{log}:2: shop_config {field}: ") and why in line, line
    report = json.loads(res.stdout)
    assert report["events"] == len(LINES)  # every other line kept
    # the bad config did not enter: on 11-10 the config in force is still cfg-01
    doc = shunt_json("config", "show", "--at", "2026-11-10 12:00", db=db)
    assert doc["ts"] == "2026-11-09T00:00:00+08:00"


def test_a_number_too_large_for_a_double_is_rejected(tmp_path):
    text = json.dumps(_bad(lambda c: None), ensure_ascii=False).replace('"busy_threshold": 4', '"busy_threshold": 1e400')
    log = tmp_path / "log.jsonl"
    log.write_text(text + "\n", encoding="utf-8")
    res = shunt("load", str(log), db=tmp_path / "t.db")
    assert res.exit_code == 3 and "settings.busy_threshold" in res.stderr, res.stderr


def test_unknown_extra_fields_are_kept(tmp_path):
    cfg = _bad(lambda c: None)
    cfg["note"] = {"by": "店长"}
    cfg["agents"][0]["nickname"] = "美美"
    cfg["groups"][0]["bind"]["channels"] = ["app"]
    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps(cfg, ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "t.db"
    res = shunt("load", str(log), db=db)
    assert res.exit_code == 0, res.stderr
    from shunt import store

    conn = store.open_db(db, create=False)
    (body,) = conn.execute("SELECT body FROM configs").fetchone()
    assert json.loads(body)["note"] == {"by": "店长"} and json.loads(body)["agents"][0]["nickname"] == "美美"


# ---- any config the schema accepts is answered, never a traceback -------------------------------------

SHOP = "zhenpin"
ACCOUNTS = [f"{SHOP}:{n}" for n in ("小美", "小李", "阿甲", "代理01")] + [SHOP]
finite = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
count = st.integers(0, 1_000_000)
opt = lambda s: st.one_of(st.none(), s)  # noqa: E731

agent = st.fixed_dictionaries({"account": st.sampled_from(ACCOUNTS)}, optional={
    "weight": opt(finite), "max_sessions": opt(count), "routing": st.booleans(), "proxy": st.booleans()})
group = st.fixed_dictionaries({"id": st.sampled_from(["g1", "g2", "g3"])}, optional={
    "name": opt(st.sampled_from(["售前", "g1", ""])), "members": opt(st.lists(st.sampled_from(ACCOUNTS), max_size=4)),
    "robot_priority": st.booleans(),
    "bind": opt(st.fixed_dictionaries({}, optional={
        "order_states": opt(st.lists(st.sampled_from(["no_active_order", "unpaid", "shipped", "refunding"]), max_size=3)),
        "items": opt(st.lists(st.sampled_from(["6243001", 6243001, ""]), max_size=2)),
        "intents": opt(st.lists(st.sampled_from(["logistics.eta", "x"]), max_size=2))}))})
cfg_settings = st.fixed_dictionaries({}, optional={
    "recent_contact_hours": opt(st.floats(0, 8760)), "robot_priority": opt(st.sampled_from(["off", "shop", "group"])),
    "assistant": opt(st.sampled_from(ACCOUNTS + [""])), "intent_routing": st.booleans(),
    "offline_to_assistant": st.booleans(), "main_account_fallback": st.booleans(),
    "strategy": opt(st.sampled_from(["reception_rate", "conversion_rate", "round_robin"])),
    "busy_threshold": opt(count),
    "logistics_cs": opt(st.fixed_dictionaries({}, optional={
        "enabled": st.booleans(), "hours": opt(st.sampled_from([["00:00", "24:00"], ["21:00", "09:00"], ["09:00", "09:00"]])),
        "carriers": opt(st.lists(st.sampled_from(["ZTO", "zto", ""]), max_size=2))}))})
body = st.fixed_dictionaries({}, optional={
    "settings": opt(cfg_settings), "agents": opt(st.lists(agent, max_size=5)), "groups": opt(st.lists(group, max_size=3)),
    "exclusive": opt(st.lists(st.fixed_dictionaries({"buyer": st.just("tb_buyer01"), "agent": st.sampled_from(ACCOUNTS)},
                                                    optional={"mode": opt(st.sampled_from(["priority", "1v1"]))}),
                              max_size=2))})


def _day(tmp_path, cfg: dict):
    cfg = {"type": "shop_config", "ts": "2026-11-11T00:00:00+08:00", "shop": SHOP, "id": "cfg", **cfg}
    ev = [cfg]
    for i, acc in enumerate(ACCOUNTS[:3]):
        ev.append({"type": "agent_status", "ts": f"2026-11-11T08:0{i}:00+08:00", "shop": SHOP, "account": acc,
                   "status": "online"})
    for i in range(6):
        ev.append({"type": "consult", "ts": f"2026-11-11T09:{10 + i}:00+08:00", "shop": SHOP, "id": f"c{i}",
                   "buyer": "tb_buyer01" if i % 2 else f"tb_b{i}", "source": "order_page" if i % 3 else "item_page",
                   "item": "6243001", "order": {"id": f"O{i}", "state": "shipped", "carrier": "ZTO", "packages": 1},
                   "intent": "logistics.eta",
                   "routed": {"agent": ACCOUNTS[i % 3], "group": "g1", "reason": "reception_rate"}})
        ev.append({"type": "message", "ts": f"2026-11-11T09:{10 + i}:05+08:00", "shop": SHOP, "buyer": "tb_buyer01"
                   if i % 2 else f"tb_b{i}", "sender": "buyer", "account": ACCOUNTS[i % 3], "consult": f"c{i}"})
    log = tmp_path / "day.jsonl"
    log.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in ev), encoding="utf-8")
    return log


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cfg=body)
def test_every_question_answers_any_config_the_schema_accepts(tmp_path_factory, cfg):
    tmp = tmp_path_factory.mktemp("cfg")
    db = tmp / "t.db"
    res = shunt("load", str(_day(tmp, cfg)), db=db)
    assert res.exit_code == 0, res.stderr
    empty = tmp / "change.json"
    empty.write_text("{}", encoding="utf-8")
    for argv in (["trace", "tb_buyer01", "--date", "2026-11-11", "--detail"],
                 ["why-silent", ACCOUNTS[1], "--at", "2026-11-11 10:00"],
                 ["why-received", "tb_buyer01", "--at", "2026-11-11 09:11:05", "--expected", ACCOUNTS[0]],
                 ["balance", "--date", "2026-11-11"],
                 ["simulate", "--config", str(empty), "--date", "2026-11-11"],
                 ["config", "show"]):
        for fmt in ([], ["--json"]):
            res = shunt(*argv, *fmt, db=db)  # catch_exceptions=False: a traceback fails the test
            assert res.exit_code in (0, 1), (argv, res.exit_code, res.stderr)
