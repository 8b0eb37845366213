"""`shunt audit`, through the CLI: every node of a period replayed as trace replays it.

On generated shops the generator's own list of injected faults is the truth: audit must find each
of them and nothing else (several seeds, shapes, and the three strategies the generated configs
cycle through); on the sample, only the deliberate c-0040, with its fact.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from cli_helpers import ROOT, SAMPLE, load_sample, shunt, shunt_json
from shunt.engine.codes import FINDINGS
from shunt.engine.replay import NEEDS_ELIGIBLE
from shunt.generate import generate

ALL = ("--from", "2000-01-01", "--to", "2100-01-01")


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("audit_sample") / "shunt.db"
    load_sample(db)
    return db


def _shop(tmp: Path, **kw) -> tuple[Path, Path, object]:
    log, db = tmp / "g.jsonl", tmp / "g.db"
    with log.open("wb") as f:
        rep = generate(f, **kw)
    res = shunt("load", str(log), db=db)
    assert res.exit_code == 0, res.stderr
    return log, db, rep


def _csv(*args, db) -> list[dict]:
    res = shunt("audit", *args, "--csv", db=db)
    assert res.exit_code == 0, (res.exit_code, res.stderr)
    return list(csv.DictReader(io.StringIO(res.stdout)))


# ---- the sample ---------------------------------------------------------------------------

def test_sample_finds_only_c0040_with_its_fact(sample_db):
    doc = shunt_json("audit", *ALL, db=sample_db)
    assert (doc["checked"], doc["matching"], doc["breaking"], doc["not_replayable"]["count"]) == (66, 65, 1, 0)
    [f] = doc["findings"]
    assert f["code"] == "agent_offline" and f["count"] == 1 and f["share"] == 1.0
    assert f["accounts"] == [{"account": "zhenpin:小李", "count": 1}] and f["hours"] == [{"hour": 16, "count": 1}]
    [ex] = f["examples"]
    assert ex["consult"] == "c-0040" and ex["buyer"] == "tb_buyer36" and ex["ts"] == "2026-11-10T16:05:30+08:00"
    assert ex["recorded"] == {"reason": "reception_rate", "agent": "zhenpin:小李", "group": "g_pre"}
    assert ex["replayed"] == {"reason": "only_one_online", "agents": ["zhenpin:小美"], "rule": "R7"}
    assert ex["fact"] == "the recorded agent zhenpin:小李 was offline since 16:02:11 per the status log"
    # the same findings as trace gives for that node
    node = shunt_json("trace", "tb_buyer36", "--date", "2026-11-10", "--node", "c-0040", db=sample_db)["nodes"][0]
    assert ex["findings"] == node["replay"]["findings"] and node["replay"]["match"] is False
    assert ex["codes"] == node["replay"]["finding_codes"] == ["agent_offline", "only_one_eligible", "decision_differs"]


def test_exit_codes(sample_db):
    assert shunt("audit", "--date", "2026-11-10", db=sample_db).exit_code == 0
    assert shunt("audit", "--date", "2026-11-10", "--fail-on-mismatch", db=sample_db).exit_code == 5
    assert shunt("audit", "--date", "2026-11-11", "--fail-on-mismatch", db=sample_db).exit_code == 0
    res = shunt("audit", "--date", "2026-11-20", db=sample_db)
    assert res.exit_code == 1 and res.stdout == ""
    assert "2026-11-09" in res.stderr and "2026-11-11" in res.stderr  # the dates that have data
    assert shunt("audit", "--date", "2026-11-10", "--json", "--csv", db=sample_db).exit_code == 2
    assert shunt("audit", "--date", "2026-11-10", "--examples", "-1", db=sample_db).exit_code == 2
    res = shunt("audit", "--group", "g_nope", *ALL, db=sample_db)
    assert res.exit_code == 1 and "g_pre" in res.stderr
    res = shunt("audit", "--account", "zhenpin:小", *ALL, db=sample_db)
    assert res.exit_code == 1 and "zhenpin:小李" in res.stderr


def test_filters_keep_the_nodes_recorded_or_replayed_there(sample_db):
    everything = shunt_json("audit", *ALL, db=sample_db)
    li = shunt_json("audit", *ALL, "--account", "zhenpin:小李", db=sample_db)
    assert 0 < li["checked"] < everything["checked"] and li["breaking"] == 1  # c-0040 was recorded to 小李
    mei = shunt_json("audit", *ALL, "--account", "zhenpin:小美", db=sample_db)
    assert mei["breaking"] == 1  # and replayed to 小美
    jia = shunt_json("audit", *ALL, "--account", "zhenpin:阿甲", db=sample_db)
    assert jia["breaking"] == 0 and jia["checked"] == jia["matching"] > 0
    pre = shunt_json("audit", *ALL, "--group", "售前", db=sample_db)  # a name, answered as its id
    assert pre["group"] == "g_pre" and pre["breaking"] == 1 and pre["checked"] < everything["checked"]
    hot = shunt_json("audit", *ALL, "--group", "g_hot", db=sample_db)
    assert hot["breaking"] == 0 and 0 < hot["checked"] < pre["checked"]


def test_views_mask_and_csv(sample_db):
    res = shunt("audit", *ALL, "--csv", db=sample_db)
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert rows[0][:5] == ["consult", "ts", "buyer", "code", "fact"] and len(rows) == 2
    assert rows[1][:4] == ["c-0040", "2026-11-10T16:05:30+08:00", "tb_buyer36", "agent_offline"]
    for args in (("--csv",), ("--json",), ()):
        res = shunt("audit", *ALL, *args, "--mask", db=sample_db)
        assert res.exit_code == 0 and "tb_buyer36" not in res.stdout and "c-0040" in res.stdout
    human = shunt("audit", *ALL, db=sample_db).stdout
    assert "agent_offline" in human and "c-0040" in human and "offline since 16:02:11" in human
    assert "shunt trace tb_buyer36 --date 2026-11-10 --node c-0040" in human
    empty = shunt("audit", "--date", "2026-11-11", "--csv", db=sample_db)
    assert empty.exit_code == 0 and empty.stdout.splitlines() == [",".join(rows[0])]  # the header alone


# ---- generated shops with injected faults -------------------------------------------------

CASES = [  # seed, consults, agents, groups, days, faults
    (3, 1500, 12, 4, 1, 0.05),
    (8, 1200, 6, 2, 2, 0.1),
    (21, 1000, 4, 1, 1, 0.08),
    (5, 1000, 12, 0, 1, 0.05),
    (13, 1200, 12, 4, 1, 0.0),
]
STATUS_CODES = {"agent_offline", "agent_suspended", "agent_no_status", "agent_not_online"}


@pytest.mark.parametrize("seed,consults,agents,groups,days,faults", CASES)
def test_finds_every_injected_fault_and_nothing_else(tmp_path, seed, consults, agents, groups, days, faults):
    log, db, rep = _shop(tmp_path, consults=consults, agents=agents, groups=groups, days=days, seed=seed,
                         faults=faults)
    strategies = {json.loads(line)["settings"]["strategy"] for line in log.read_text(encoding="utf-8").splitlines()
                  if '"shop_config"' in line}
    assert strategies == {"reception_rate", "conversion_rate", "round_robin"}  # every strategy is audited
    rows = _csv(*ALL, db=db)
    injected = dict(rep.faults)
    assert (faults == 0) == (not injected)
    assert {r["consult"] for r in rows} == set(injected)
    assert len(rows) == len(injected)
    for r in rows:  # a recorded agent that had to be eligible: the fault's own fact comes first
        kind = injected[r["consult"]]
        if r["recorded_reason"] not in NEEDS_ELIGIBLE - {"proxy_account"}:
            continue
        want = {"offline_agent": STATUS_CODES, "over_capacity": {"agent_at_capacity"},
                "routing_disabled": {"agent_routing_off"}}.get(kind)
        if want is not None:
            assert r["code"] in want, (kind, r)
    doc = shunt_json("audit", *ALL, "--examples", "1", db=db)
    assert doc["breaking"] == len(injected) and doc["checked"] == rep.consults
    assert doc["checked"] == doc["matching"] + doc["breaking"] + doc["not_replayable"]["count"]
    assert sum(f["count"] for f in doc["findings"]) == len(injected)
    counts = [f["count"] for f in doc["findings"]]
    assert counts == sorted(counts, reverse=True) and all(len(f["examples"]) == 1 for f in doc["findings"])
    res = shunt("audit", *ALL, "--fail-on-mismatch", db=db)
    assert res.exit_code == (5 if injected else 0)


def test_same_verdicts_and_findings_as_trace(tmp_path):
    """Every node: audit's verdict and findings are trace's (one replay_node per consult, as trace does)."""
    from shunt import store, timeutil
    from shunt.diagnose.replay import replay_node

    _log, db, rep = _shop(tmp_path, consults=500, agents=8, groups=3, seed=17, faults=0.1)
    rows = {r["consult"]: r for r in _csv(*ALL, db=db)}
    conn = store.open_db(db, create=False)
    sid = store.shop_id(conn, None)
    tz = timeutil.zone(store.shop_info(conn, sid)[1])
    n = 0
    for (uid,) in conn.execute("SELECT uid FROM consults WHERE shop_id = ? ORDER BY ts, uid", (sid,)).fetchall():
        consult, routed, u = store.consult_row(conn, sid, uid)
        _, rep_ = replay_node(conn, sid, consult, routed, u, tz)
        n += 1
        if rep_.match is False:
            assert " | ".join(rep_.findings) == rows.pop(consult.id)["findings"]
        else:
            assert rep_.match is True and consult.id not in rows
    assert not rows and n == rep.consults


def test_two_halves_give_the_same_answer(tmp_path, monkeypatch):
    """From SPLIT_AT consults the second half is swept in a forked process: same counts, same first
    examples (merged in time order), same not-replayable spans as one pass."""
    import shunt.diagnose.audit as mod

    _log, db, rep = _shop(tmp_path, consults=1200, agents=8, groups=3, seed=29, faults=0.1)
    monkeypatch.setattr(mod, "SPLIT_AT", 100)
    monkeypatch.setenv("SHUNT_WORKERS", "1")
    one = shunt("audit", *ALL, "--json", "--examples", "4", db=db).stdout
    monkeypatch.setenv("SHUNT_WORKERS", "2")
    calls = []
    real = mod.halves.in_child
    monkeypatch.setattr(mod.halves, "in_child", lambda *a: calls.append(1) or real(*a))
    two = shunt("audit", *ALL, "--json", "--examples", "4", db=db).stdout
    assert calls and json.loads(one)["breaking"] == len(rep.faults) > 8
    assert one == two


def test_human_view_fits_80_columns_and_cuts_no_name(tmp_path, monkeypatch):
    from rich.cells import cell_len

    _log, db, _rep = _shop(tmp_path, consults=800, agents=8, groups=3, seed=31, faults=0.1)
    monkeypatch.setenv("COLUMNS", "80")
    out = shunt("audit", *ALL, db=db).stdout
    lines = out.splitlines()
    assert all(cell_len(line) <= 80 and line == line.rstrip() for line in lines)
    assert "…" not in out and re.search(r"^✗ \d+ went to", out, re.M)
    assert re.search(r"^\d+ nodes checked: \d+ follow the rules, \d+ break them, 0 not replayable$", out, re.M)


def test_memory_does_not_hold_the_breaking_nodes(tmp_path):
    """audit keeps counters and N examples, not its breaking nodes: on a log where 80% of the nodes
    break, its peak (tracemalloc) stays near the bare sweep's, far below a run that keeps them all."""
    import tracemalloc

    from shunt import store
    from shunt.diagnose import audit as mod
    from shunt.engine.tracker import Tracker
    from shunt.store.shop import Shop

    _log, db, rep = _shop(tmp_path, consults=1500, agents=8, groups=3, seed=41, faults=0.8)
    conn = store.open_db(db, create=False)
    sid = store.shop_id(conn, None)
    lo, hi = conn.execute("SELECT min(ts), max(ts) + 1 FROM consults").fetchone()

    def peak(fn) -> int:
        tracemalloc.start()
        try:
            fn()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def sweep_only():
        tr = Tracker()
        for c, _r, _s, _u in store.sweep(conn, sid, lo, hi, tracker=tr, states=False):
            tr.state_for(c, live_load=True)

    held: list = []
    base = peak(sweep_only)
    shop = Shop.of(conn, sid)
    mine = peak(lambda: mod.audit(shop, lo, hi, "all", examples=1))
    keeping = peak(lambda: mod.audit(shop, lo, hi, "all", examples=1, on_break=held.append))
    assert len(held) == len(rep.faults) > 1000
    assert mine - base < 0.5 * (keeping - base), (base, mine, keeping)


def test_not_replayable_before_the_first_config(tmp_path):
    src = (SAMPLE / "zhenpin.jsonl").read_text(encoding="utf-8").splitlines()
    early = {"type": "consult", "ts": "2026-11-08T23:00:00+08:00", "shop": "zhenpin", "id": "c-early",
             "buyer": "tb_early", "source": "unknown",
             "routed": {"agent": "zhenpin:阿甲", "group": "g_jia", "reason": "reception_rate"}}
    log = tmp_path / "early.jsonl"
    log.write_text("\n".join([json.dumps(early, ensure_ascii=False), *src]) + "\n", encoding="utf-8")
    db = tmp_path / "e.db"
    assert shunt("load", str(log), db=db).exit_code == 0
    doc = shunt_json("audit", *ALL, db=db)
    assert doc["checked"] == 67 and doc["breaking"] == 1 and doc["not_replayable"]["count"] == 1
    [u] = doc["not_replayable"]["reasons"]
    assert u["code"] == "no_config" and u["examples"] == ["c-early"] and u["first"] == "2026-11-08T23:00:00+08:00"
    assert "not replayable" in shunt("audit", *ALL, db=db).stdout


# ---- the codes ----------------------------------------------------------------------------

def test_every_finding_code_is_registered_and_in_the_readme():
    """The codes engine.compare can give (read from its source) are FINDINGS' keys, all listed in the README."""
    src = (ROOT / "src/shunt/engine/replay.py").read_text(encoding="utf-8")
    literal = set(re.findall(r'self\.add\("([a-z_]+)"', src))
    roles = set(re.findall(r'self\.status_fact\("([a-z]+)"', src))
    emitted = literal | {f"{r}_{k}" for r in roles for k in ("offline", "suspended", "not_online", "no_status")}
    from shunt.engine.codes import RULE_NAMES

    emitted |= {f"skipped_{RULE_NAMES[r]}" for r in ("R1", "R2", "R3", "R4", "R5", "R6", "R7")}
    assert len(literal) > 40 and emitted == set(FINDINGS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Audit finding codes", 1)[1].split("\n## ", 1)[0]
    missing = [c for c in FINDINGS if f"`{c}`" not in section]
    assert not missing and "`no_config`" in section
