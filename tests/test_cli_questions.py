"""The three questions through the CLI's --json, on a small hand-built shop where each branch is known."""

from __future__ import annotations

import json

import pytest

from cli_helpers import shunt, shunt_json

SHOP = "zhenpin"
A, B, C, D, E, F, G, H, I = (f"{SHOP}:{n}" for n in ("甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬"))
BOT = f"{SHOP}:店小蜜"
CARRIER = "cainiao_zto:客服07"


def t(hhmmss: str) -> str:
    return f"2026-11-11T{hhmmss}+08:00"


def config(ts, cid, **settings):
    base = {"recent_contact_hours": 72, "robot_priority": "off", "assistant": BOT, "strategy": "reception_rate",
            "busy_threshold": 4, "main_account_fallback": True,
            "logistics_cs": {"enabled": True, "hours": ["09:00", "21:00"], "carriers": ["ZTO"]}}
    base.update(settings)
    return {"type": "shop_config", "ts": ts, "shop": SHOP, "id": cid, "timezone": "Asia/Shanghai",
            "settings": base,
            "agents": [{"account": A, "weight": 1, "max_sessions": 10}, {"account": B, "max_sessions": 10},
                       {"account": C, "max_sessions": 10}, {"account": D, "routing": False},
                       {"account": E, "max_sessions": 0}, {"account": F, "proxy": True},
                       {"account": G, "max_sessions": 1}, {"account": H}, {"account": I}],
            "groups": [{"id": "g1", "name": "售前", "members": [A, G, H, I], "bind": {"order_states": ["no_active_order"]}},
                       {"id": "g2", "name": "售后", "members": [B, D, E, F], "bind": {"order_states": ["refunding"]}}],
            "exclusive": [{"buyer": "tb_vip", "agent": A, "mode": "priority"}]}


def status(ts, account, st):
    return {"type": "agent_status", "ts": ts, "shop": SHOP, "account": account, "status": st}


def consult(ts, cid, buyer, agent, group, reason, **kw):
    ev = {"type": "consult", "ts": ts, "shop": SHOP, "id": cid, "buyer": buyer, "source": kw.pop("source", "item_page"),
          "routed": {"agent": agent, "group": group, "reason": reason}}
    ev.update(kw)
    return ev


def message(ts, buyer, account, cid=None, sender="buyer"):
    ev = {"type": "message", "ts": ts, "shop": SHOP, "buyer": buyer, "sender": sender, "account": account}
    if cid:
        ev["consult"] = cid
    return ev


EVENTS = [
    config(t("08:00:00"), "cfg1"),
    *[status(t("08:00:00"), acc, "online") for acc in (A, B, C, D, E, F, G, BOT)],
    status(t("08:00:00"), H, "suspended"),
    consult(t("09:00:00"), "k1", "tb_b1", A, "g1", "reception_rate"),
    message(t("09:00:05"), "tb_b1", A, "k1"),
    consult(t("09:01:00"), "k2", "tb_b2", G, "g1", "reception_rate",
            source="order_page", order={"id": "O-1", "state": "no_active_order"}),
    message(t("09:01:07"), "tb_b2", G),
    consult(t("09:02:00"), "k3", "tb_b3", A, "g1", "reception_rate", source="order_page",
            order={"id": "O-3", "state": "shipped", "carrier": "ZTO", "packages": 1}, intent="logistics.eta"),
    {"type": "logistics", "ts": t("09:02:10"), "shop": SHOP, "consult": "k3", "action": "invite", "by": "platform",
     "account": CARRIER, "carrier": "ZTO", "order": "O-3"},
    {"type": "logistics", "ts": t("09:02:20"), "shop": SHOP, "consult": "k3", "action": "join", "by": "platform",
     "account": CARRIER, "carrier": "ZTO", "order": "O-3"},
    message(t("09:02:30"), "tb_b3", CARRIER, "k3"),
    {"type": "session_end", "ts": t("09:40:00"), "shop": SHOP, "consult": "k2"},
    consult(t("10:00:00"), "k4", "tb_b1", A, "g1", "recent_contact"),
    consult(t("11:00:00"), "k5", "tb_vip", A, "g1", "exclusive_priority"),
    config(t("12:00:00"), "cfg2", robot_priority="shop"),
    consult(t("12:10:00"), "k6", "tb_b6", BOT, None, "robot_priority_shop"),
    config(t("13:00:00"), "cfg3", strategy="conversion_rate"),
    {"type": "agent_stats", "ts": t("13:00:00"), "shop": SHOP, "account": A, "conversion_rate": 0.5},
    {"type": "agent_stats", "ts": t("13:00:00"), "shop": SHOP, "account": G, "conversion_rate": 0.1},
    consult(t("13:10:00"), "k7", "tb_b7", A, "g1", "conversion_rate"),
    status(t("14:00:00"), A, "offline"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    d = tmp_path_factory.mktemp("q")
    log = d / "shop.jsonl"
    log.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in EVENTS) + "\n", encoding="utf-8")
    path = d / "shunt.db"
    res = shunt("load", str(log), db=path)
    assert res.exit_code == 0, res.stderr
    return path


def codes(doc):
    return [c["code"] for c in doc["causes"]]


# ---- why-silent: the account's state -------------------------------------------------------

@pytest.mark.parametrize("account,at,code", [
    (I, "09:30:00", "offline"),
    (H, "09:30:00", "suspended"),
    (D, "09:30:00", "routing_disabled"),
    (C, "09:30:00", "not_in_group"),
    (G, "09:30:00", "at_capacity"),
    (E, "09:30:00", "no_capacity"),
    (F, "09:30:00", "proxy_only"),
    (BOT, "09:30:00", "assistant_account"),
    (CARRIER, "09:30:00", "logistics_account"),
    (A, "14:30:00", "offline"),
])
def test_state_causes_come_first(db, account, at, code):
    doc = shunt_json("why-silent", account, "--at", f"2026-11-11 {at}", db=db)
    assert doc["receiving"] is False
    assert codes(doc)[0] == code
    assert doc["at"] == f"2026-11-11T{at}+08:00"


def test_at_capacity_is_over_once_the_session_ends(db):
    doc = shunt_json("why-silent", G, "--at", "2026-11-11 09:45:00", db=db)
    assert doc["receiving"] is True and doc["state"]["load"] == 0
    # the window still tells that a consult passed it by while it was full
    assert doc["window"]["passed_by"].get("at_capacity") == 1


def test_offline_cause_says_since_when(db):
    doc = shunt_json("why-silent", A, "--at", "2026-11-11 14:30:00", db=db)
    assert "2026-11-11T14:00:00+08:00" in doc["causes"][0]["message"]


# ---- why-silent: the window replay ---------------------------------------------------------

@pytest.mark.parametrize("account,at,window,code", [
    (B, "09:30:00", "1h", "group_unmatched"),
    (B, "10:30:00", "30m", "recent_contact_elsewhere"),
    (B, "11:30:00", "30m", "exclusive_elsewhere"),
    (B, "12:30:00", "30m", "robot_priority"),
    (G, "13:30:00", "30m", "lost_selection"),
    (B, "15:00:00", "30m", "no_traffic"),
])
def test_window_causes(db, account, at, window, code):
    doc = shunt_json("why-silent", account, "--at", f"2026-11-11 {at}", "--window", window, db=db)
    assert doc["receiving"] is True
    assert codes(doc)[0] == code
    cause = doc["causes"][0]
    if code != "no_traffic":
        assert cause["count"] >= 1 and 0 < cause["share"] <= 1
        assert cause["examples"] and cause["examples"][0]["consult"].startswith("k")
        assert cause["advice"]


def test_group_unmatched_advice_names_the_binding_and_counts(db):
    doc = shunt_json("why-silent", B, "--at", "2026-11-11 09:30:00", "--window", "1h", db=db)
    advice = doc["causes"][0]["advice"]
    assert "售后/退款中" in advice and "0 of 3 consults" in advice


def test_why_silent_defaults_to_the_last_event(db):
    doc = shunt_json("why-silent", B, db=db)
    assert doc["at"] == "2026-11-11T14:00:00+08:00"


def test_unknown_account_exits_1_with_nearest_names(db):
    res = shunt("why-silent", f"{SHOP}:甲x", db=db)
    assert res.exit_code == 1
    assert A in res.stderr and res.stdout == ""


# ---- why-received ----------------------------------------------------------------------------

def test_why_received_replays_the_node(db):
    doc = shunt_json("why-received", "tb_b1", "--at", "2026-11-11 09:00:05", db=db)
    assert doc["message"] == {"ts": "2026-11-11T09:00:05+08:00", "account": A, "sender": "buyer"}
    assert doc["consult"] == "k1" and doc["account"] == A and doc["reason"] == "reception_rate"
    assert doc["replay"]["match"] is True and A in doc["replay"]["agents"]


def test_message_without_consult_field_belongs_to_the_latest_consult(db):
    doc = shunt_json("why-received", "tb_b2", "--at", "2026-11-11 09:01:07", db=db)
    assert doc["consult"] == "k2" and doc["account"] == G


def test_logistics_account_reason_and_conditions(db):
    doc = shunt_json("why-received", "tb_b3", "--at", "2026-11-11 09:02:30", db=db)
    assert doc["account"] == CARRIER and doc["reason"] == "logistics_invited"
    lg = doc["logistics"]
    assert lg["consent"] == "joined" and lg["invited_by"] == "platform" and lg["conditions_met"] is True
    assert all(s["outcome"] == "pass" for s in lg["steps"])
    assert any("KPI" in r for r in lg["rules"])


def test_expected_account_says_why_not(db):
    doc = shunt_json("why-received", "tb_b1", "--at", "2026-11-11 09:00:05", "--expected", B, db=db)
    assert doc["expected"]["code"] == "group_unmatched"


def test_no_message_at_that_second_lists_nearest_times(db):
    res = shunt("why-received", "tb_b1", "--at", "2026-11-11 09:00:06", db=db)
    assert res.exit_code == 1
    assert "2026-11-11T09:00:05+08:00" in res.stderr


def test_unknown_buyer_in_why_received(db):
    res = shunt("why-received", "tb_nobody", "--at", "2026-11-11 09:00:05", db=db)
    assert res.exit_code == 1


def test_unreadable_moment_is_a_usage_error(db):
    res = shunt("why-received", "tb_b1", "--at", "half past nine-ish", db=db)
    assert res.exit_code == 2


# ---- trace -------------------------------------------------------------------------------------

def test_trace_nodes_in_time_order_with_replay(db):
    doc = shunt_json("trace", "tb_b1", "--date", "2026-11-11", db=db)
    assert [n["consult"] for n in doc["nodes"]] == ["k1", "k4"]
    assert [n["reason"] for n in doc["nodes"]] == ["reception_rate", "recent_contact"]
    k4 = doc["nodes"][1]
    assert k4["replay"]["match"] is True and k4["replay"]["agents"] == [A]
    assert any(s["rule"] == "R4" and s["outcome"] == "decide" for s in k4["replay"]["steps"])


def test_trace_flags_a_recorded_decision_that_breaks_the_rules(tmp_path):
    events = [e for e in EVENTS if e.get("id") != "k4"]
    events.append(consult(t("10:00:00"), "k4", "tb_b1", B, "g2", "reception_rate"))  # should be A, recent contact
    log = tmp_path / "bad.jsonl"
    log.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in events), encoding="utf-8")
    db = tmp_path / "s.db"
    assert shunt("load", str(log), db=db).exit_code == 0
    doc = shunt_json("trace", "tb_b1", "--date", "11/11/2026", db=db)
    k4 = doc["nodes"][1]
    assert k4["replay"]["match"] is False and k4["replay"]["reason"] == "recent_contact"
    assert k4["replay"]["findings"]


def test_trace_node_before_any_config_is_not_replayable(tmp_path):
    log = tmp_path / "early.jsonl"
    log.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        consult(t("07:00:00"), "k0", "tb_early", A, "g1", "reception_rate"), *EVENTS]), encoding="utf-8")
    db = tmp_path / "s.db"
    assert shunt("load", str(log), db=db).exit_code == 0
    doc = shunt_json("trace", "tb_early", "--date", "2026-11-11", db=db)
    assert doc["nodes"][0]["replay"]["match"] is None


def test_trace_unknown_buyer_exits_1_with_nearest(db):
    res = shunt("trace", "tb_b", "--date", "2026-11-11", db=db)
    assert res.exit_code == 1 and "tb_b1" in res.stderr


def test_trace_date_without_nodes_lists_dates(db):
    res = shunt("trace", "tb_b1", "--date", "2026-11-12", "--json", db=db)
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    assert doc["nodes"] == [] and doc["dates"] == ["2026-11-11"]
    assert "2026-11-11" in res.stderr


def test_trace_unreadable_date_is_usage_error(db):
    assert shunt("trace", "tb_b1", "--date", "the eleventh", db=db).exit_code == 2


def test_trace_single_node_detail_in_human_view(db):
    res = shunt("trace", "tb_b1", "--date", "2026-11-11", "--node", "k4", db=db)
    assert res.exit_code == 0
    assert "R4" in res.stdout and "最近联系人" in res.stdout and A in res.stdout


def test_human_why_silent_names_the_decisive_fact(db):
    res = shunt("why-silent", G, "--at", "2026-11-11 09:30:00", db=db)
    assert res.exit_code == 0
    assert "1 open sessions, its limit is 1" in res.stdout and "k2 (tb_b2" in res.stdout
    doc = shunt_json("why-silent", G, "--at", "2026-11-11 09:30:00", db=db)
    assert [s["consult"] for s in doc["causes"][0]["facts"]["open_sessions"]] == ["k2"]


def test_human_why_received_names_the_rule(db):
    res = shunt("why-received", "tb_b1", "--at", "2026-11-11 10:00:00", db=db)
    assert res.exit_code == 1  # no message then
    res = shunt("why-received", "tb_b3", "--at", "2026-11-11 09:02:30", db=db)
    assert "logistics_invited" in res.stdout and CARRIER in res.stdout


# ---- load and the database ---------------------------------------------------------------------

def test_load_reports_bad_lines_with_file_and_line_and_exits_3(tmp_path):
    log = tmp_path / "mixed.jsonl"
    good = json.dumps(status(t("08:00:00"), A, "online"), ensure_ascii=False)
    log.write_text(good + "\n{not json\n" + json.dumps({"type": "consult", "shop": SHOP}) + "\n", encoding="utf-8")
    res = shunt("load", str(log), "--json", db=tmp_path / "s.db")
    assert res.exit_code == 3
    assert f"{log}:2:" in res.stderr and f"{log}:3:" in res.stderr
    doc = json.loads(res.stdout)
    assert doc["events"] == 1 and [r["line"] for r in doc["rejected"]] == [2, 3]


def test_not_a_shunt_database_is_refused_untouched(tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()
    before = other.read_bytes()
    res = shunt("trace", "tb_b1", "--date", "2026-11-11", db=other)
    assert res.exit_code == 3
    res = shunt("load", "sample_data/zhenpin.jsonl", db=other)
    assert res.exit_code == 3 and other.read_bytes() == before


def test_missing_database_exits_1(tmp_path):
    res = shunt("trace", "tb_b1", "--date", "2026-11-11", db=tmp_path / "none.db")
    assert res.exit_code == 1 and "shunt load" in res.stderr
