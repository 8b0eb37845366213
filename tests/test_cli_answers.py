"""Right answers for a new user (issue 15 items 00, 1, 2, 5-11; issue 14 item 7's shop without a
shop_config): each through the CLI, on the demo sample or a small hand-built log."""

from __future__ import annotations

import json
import re

import pytest

from cli_helpers import load_sample, shunt, shunt_json

SHOP = "zhenpin"
A, B, BOT = f"{SHOP}:甲", f"{SHOP}:乙", f"{SHOP}:店小蜜"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("answers") / "shunt.db"
    load_sample(db)
    return db


def _load(tmp_path, events, name="shop"):
    log = tmp_path / f"{name}.jsonl"
    log.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in events) + "\n", encoding="utf-8")
    db = tmp_path / f"{name}.db"
    res = shunt("load", str(log), db=db)
    assert res.exit_code == 0, res.stderr
    return db


def _config(ts):
    return {"type": "shop_config", "ts": ts, "shop": SHOP, "id": "cfg1", "timezone": "Asia/Shanghai",
            "settings": {"recent_contact_hours": 72, "robot_priority": "shop", "assistant": BOT,
                         "strategy": "reception_rate", "main_account_fallback": True},
            "agents": [{"account": A, "max_sessions": 10}, {"account": B, "max_sessions": 10}],
            "groups": [{"id": "g1", "name": "售前", "members": [A, B], "bind": {}}]}


def _status(ts, account, st="online"):
    return {"type": "agent_status", "ts": ts, "shop": SHOP, "account": account, "status": st}


def _consult(ts, cid, buyer, agent, group, reason):
    return {"type": "consult", "ts": ts, "shop": SHOP, "id": cid, "buyer": buyer, "source": "item_page",
            "routed": {"agent": agent, "group": group, "reason": reason}}


def _times_in(doc, path=""):
    """Every (path, value) of a key naming a time (ts, at, since, *_ts, *_at) in a JSON document."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k in ("ts", "at", "since") or k.endswith(("_ts", "_at")):
                yield f"{path}.{k}", v
            yield from _times_in(v, f"{path}.{k}")
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _times_in(v, f"{path}[{i}]")


# ---- 00: the node's group follows routing-rules.md --------------------------------------------

def test_assistant_node_has_no_group_and_the_recorded_one_is_told(tmp_path):
    db = _load(tmp_path, [_config("2026-11-11T08:00:00+08:00"), _status("2026-11-11T08:00:00+08:00", BOT),
                          _consult("2026-11-11T09:00:00+08:00", "k1", "tb_b1", BOT, "g1", "robot_priority_shop")])
    doc = shunt_json("trace", "tb_b1", "--date", "2026-11-11", db=db)
    node = doc["nodes"][0]
    assert node["replay"]["match"] is True
    assert node["group"] is None and node["recorded_group"] == "g1"
    human = shunt("trace", "tb_b1", "--date", "2026-11-11", db=db).stdout
    assert "g1" in human and "log" in human  # the table shows the recorded group beside the rule's


def test_matching_groups_add_no_recorded_group(sample_db):
    doc = shunt_json("trace", "tb_buyer05", "--date", "2026-11-11", db=sample_db)
    assert doc["nodes"][0]["group"] == "g_yi" and "recorded_group" not in doc["nodes"][0]


# ---- 1, 2: balance prints each table once; a group by id or name ------------------------------

def test_balance_prints_its_main_table_once(sample_db):
    res = shunt("balance", "--date", "2026-11-11", db=sample_db)
    assert res.exit_code == 0
    assert res.stdout.count("balance · zhenpin · 2026-11-11") == 1
    assert res.stdout.count("per online h") == 1


@pytest.mark.parametrize("name", ["售后", "g_post"])
def test_balance_group_by_name_or_id(sample_db, name):
    doc = shunt_json("balance", "--date", "2026-11-11", "--group", name, db=sample_db)
    assert doc["group"] == "g_post" and doc["group_name"] == "售后"
    assert [a["account"] for a in doc["accounts"]] == [f"{SHOP}:小丙"]


def test_unknown_group_lists_names_and_ids(sample_db):
    res = shunt("balance", "--date", "2026-11-11", "--group", "售x", db=sample_db)
    assert res.exit_code == 1 and "售后 (g_post)" in res.stderr


# ---- 5: why-silent's received is the log's; ties apart; counts add up --------------------------

def test_why_silent_received_is_what_the_log_recorded(sample_db):
    doc = shunt_json("why-silent", f"{SHOP}:小丙", "--at", "2026-11-11 21:00:00", db=sample_db)
    w = doc["window"]
    bal = shunt_json("balance", "--from", w["from"], "--to", w["to"], db=sample_db)
    got = {a["account"]: a["received"] for a in bal["accounts"]}
    assert w["received"] == got[f"{SHOP}:小丙"] == 0
    assert w["lost_draw"] == 1
    assert (w["received"] + w["lost_draw"] + w["rules_give_it"] + w["direct"] + sum(w["passed_by"].values())
            == w["consults"])


def test_group_counts_of_the_advice_add_up(sample_db):
    doc = shunt_json("why-silent", f"{SHOP}:小丙", "--at", "2026-11-11 21:00:00", db=sample_db)
    cause = next(c for c in doc["causes"] if c["code"] == "group_unmatched")
    went = re.search(r"went to group\(s\) ([^;]+);", cause["advice"]).group(1)
    assert sum(int(n) for n in re.findall(r" (\d+)(?:,|$)", went)) == cause["count"]


def test_a_consult_the_account_received_is_not_passed_by(sample_db):
    doc = shunt_json("why-silent", f"{SHOP}:小李", "--at", "2026-11-11 09:45:00", db=sample_db)
    listed = [e["consult"] for c in doc["causes"] for e in c["examples"]]
    assert "c-0040" not in listed
    assert doc["window"]["received_against_rules"] == 1
    assert doc["window"]["examples"]["received_against_rules"][0]["consult"] == "c-0040"


def test_the_planted_mismatch_is_told_from_the_side_of_the_account_the_rules_name(sample_db):
    """c-0040: the rules give it to 小美 alone, the log to 小李 (offline): for 小美 it is neither
    received nor passed by, but `rules_give_it`."""
    doc = shunt_json("why-silent", f"{SHOP}:小美", "--at", "2026-11-10 17:00:00", "--window", "2h", db=sample_db)
    w = doc["window"]
    assert w["rules_give_it"] == 1 and w["examples"]["rules_give_it"][0]["consult"] == "c-0040"
    assert "c-0040" not in [e["consult"] for c in doc["causes"] for e in c["examples"]]
    assert w["received"] + w["rules_give_it"] + sum(w["passed_by"].values()) + w["direct"] + w["lost_draw"] == w["consults"]


def test_one_consult_is_singular(sample_db):
    out = shunt("why-silent", f"{SHOP}:小丙", "--at", "2026-11-11 21:00:00", db=sample_db).stdout
    assert "— 1 consult (" in out and "1 consults" not in out
    assert "lost the draw" in out


# ---- 6: an unknown --expected account ---------------------------------------------------------

def test_unknown_expected_account_exits_1_with_nearest(sample_db):
    res = shunt("why-received", "tb_buyer05", "--at", "2026-11-11 14:50:26", "--expected", f"{SHOP}:小冰",
                db=sample_db)
    assert res.exit_code == 1 and res.stdout == ""
    assert "小冰" in res.stderr and f"{SHOP}:小" in res.stderr.split("nearest:")[1]


# ---- 7: what the data covers -----------------------------------------------------------------

def test_at_before_the_first_event_is_not_receiving_and_says_where_data_starts(sample_db):
    doc = shunt_json("why-silent", f"{SHOP}:小丙", "--at", "2026-11-01 10:00", db=sample_db)
    assert doc["receiving"] is False and doc["causes"][0]["code"] == "offline"
    assert doc["data"]["first_event"] == "2026-11-09T00:00:00+08:00"
    assert any("starts at 2026-11-09T00:00:00+08:00" in n for n in doc["notes"])


def test_at_after_the_last_event_says_where_data_ends(sample_db):
    doc = shunt_json("why-silent", f"{SHOP}:小丙", "--at", "2026-11-20 10:00", db=sample_db)
    assert any("ends at " + doc["data"]["last_event"] in n for n in doc["notes"])
    human = shunt("why-silent", f"{SHOP}:小丙", "--at", "2026-11-20 10:00", db=sample_db).stdout
    assert "ends at" in human


def test_shop_without_config_is_not_receiving_while_offline(tmp_path):
    db = _load(tmp_path, [_status("2026-11-11T08:00:00+08:00", A), _status("2026-11-11T12:00:00+08:00", A, "offline"),
                          _consult("2026-11-11T09:00:00+08:00", "k1", "tb_b1", A, None, "reception_rate")])
    doc = shunt_json("why-silent", A, "--at", "2026-11-11 13:00", db=db)
    assert doc["receiving"] is False and doc["causes"][0]["code"] == "offline"
    assert any("no shop_config" in n for n in doc["notes"])
    assert doc["data"]["first_config"] is None


# ---- 8: every JSON time is ISO 8601; one replay in why-received ---------------------------------

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?[+-]\d\d:\d\d$")


@pytest.mark.parametrize("args", [
    ("trace", "tb_buyer05", "--date", "2026-11-11"),  # a recent contact: replay facts hold contacts' times
    ("trace", "tb_buyer50", "--date", "2026-11-11"),
    ("why-received", "tb_buyer05", "--at", "2026-11-11 14:50:26"),
    ("why-received", "tb_buyer20", "--at", "2026-11-11 10:25:07"),
    ("why-silent", f"{SHOP}:小李", "--at", "2026-11-11 09:45:00"),
])
def test_every_json_time_is_iso_with_offset(sample_db, args):
    doc = shunt_json(*args, db=sample_db)
    times = list(_times_in(doc))
    assert times
    bad = [(p, v) for p, v in times if v is not None and not (isinstance(v, str) and ISO.match(v))]
    assert not bad


def test_why_received_has_one_replay(sample_db):
    doc = shunt_json("why-received", "tb_buyer05", "--at", "2026-11-11 14:50:26", db=sample_db)
    assert doc["replay"]["match"] is True and "replay" not in doc["node"]
    assert doc["node"]["consult"] == doc["consult"] == "c-0061"


# ---- 9: an empty period ------------------------------------------------------------------------

@pytest.mark.parametrize("cmd", ["balance", "simulate"])
def test_empty_period_exits_1_with_the_dates_that_have_data(sample_db, tmp_path, cmd):
    extra = []
    if cmd == "simulate":
        change = tmp_path / "change.json"
        change.write_text('{"settings": {"strategy": "round_robin"}}', encoding="utf-8")
        extra = ["--config", str(change)]
    res = shunt(cmd, *extra, "--date", "2026-11-20", "--json", db=sample_db)
    assert res.exit_code == 1 and res.stdout == ""
    assert "2026-11-20" in res.stderr
    assert all(d in res.stderr for d in ("2026-11-09", "2026-11-10", "2026-11-11"))


# ---- 10: one default period, told on stderr -----------------------------------------------------

def _spill_log(tmp_path):
    """23 consults on 11-11 and one at 00:20 on 11-12: the next day's only consult is a spill-over."""
    ev = [_config("2026-11-11T08:00:00+08:00"), _status("2026-11-11T08:00:00+08:00", A),
          _status("2026-11-11T08:00:00+08:00", B)]
    for i in range(23):
        ev.append(_consult(f"2026-11-11T{9 + i // 3:02d}:{(i % 3) * 10:02d}:00+08:00", f"k{i:02d}", f"tb_b{i}",
                           A if i % 2 else B, "g1", "reception_rate"))
    ev.append(_consult("2026-11-12T00:20:00+08:00", "k99", "tb_late", A, "g1", "reception_rate"))
    ev.append(_status("2026-11-12T00:30:00+08:00", A, "offline"))
    return _load(tmp_path, ev, "spill")


def test_balance_default_skips_the_after_midnight_spill(tmp_path):
    db = _spill_log(tmp_path)
    res = shunt("balance", "--json", db=db)
    assert res.exit_code == 0
    assert json.loads(res.stdout)["period"] == "2026-11-11"
    assert "period: 2026-11-11" in res.stderr and "2026-11-12" in res.stderr


def test_every_command_takes_the_same_default_day(tmp_path):
    db = _spill_log(tmp_path)
    change = tmp_path / "c.json"
    change.write_text('{"settings": {"strategy": "round_robin"}}', encoding="utf-8")
    sim = shunt("simulate", "--config", str(change), "--json", db=db)
    assert sim.exit_code == 0 and "period: 2026-11-11" in sim.stderr
    tr = shunt("trace", "tb_b3", "--json", db=db)
    assert tr.exit_code == 0 and json.loads(tr.stdout)["date"] == "2026-11-11" and "2026-11-11" in tr.stderr
    ws = shunt("why-silent", B, "--json", db=db)
    assert ws.exit_code == 0
    at = json.loads(ws.stdout)["at"]
    assert at.startswith("2026-11-11T") and at in ws.stderr


def test_why_silent_default_is_still_the_last_event_without_spill(sample_db):
    res = shunt("why-silent", f"{SHOP}:小丙", "--json", db=sample_db)
    assert json.loads(res.stdout)["at"] == "2026-11-11T23:59:00+08:00"
    assert "at: 2026-11-11T23:59:00+08:00" in res.stderr


def test_choose_day_rule():
    from datetime import date

    from shunt.diagnose.period import DayCount, choose_day

    d11, d12 = date(2026, 11, 11), date(2026, 11, 12)
    assert choose_day([]) is None
    assert choose_day([DayCount(d12, 30, 25), DayCount(d11, 150_000, 1439)]).day == d11  # spill
    assert choose_day([DayCount(d12, 30, 23 * 60), DayCount(d11, 150_000, 1439)]).day == d12  # a late, real day
    assert choose_day([DayCount(d12, 9_000, 25), DayCount(d11, 150_000, 1439)]).day == d12  # 6%: a day of its own
    assert choose_day([DayCount(d12, 30, 25), DayCount(date(2026, 11, 10), 150_000, 1439)]).day == d12  # a gap


# ---- 11: trace --node finds its date -----------------------------------------------------------

def test_trace_node_without_date_finds_the_consults_day(sample_db):
    res = shunt("trace", "tb_buyer05", "--node", "c-0029", "--json", db=sample_db)
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["date"] == "2026-11-10" and [n["consult"] for n in doc["nodes"]] == ["c-0029"]


def test_trace_node_of_another_buyer_still_exits_1(sample_db):
    res = shunt("trace", "tb_buyer05", "--node", "c-0040", db=sample_db)
    assert res.exit_code == 1
