"""The demo shop's hand-checked answers (sample_data/expected.json), through the CLI's --json."""

from __future__ import annotations

import json
import sqlite3

import pytest

from cli_helpers import ROOT, SAMPLE, load_sample, path_get, shunt, shunt_json

EXPECTED = json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("sample") / "shunt.db"
    load_sample(db)
    return db


def test_sample_loads_cleanly_and_idempotently(sample_db):
    res = shunt("load", str(SAMPLE / "zhenpin.jsonl"), "--json", db=sample_db)
    assert res.exit_code == 0
    report = json.loads(res.stdout)
    assert report["events"] == 0 and report["rejected"] == []


@pytest.mark.parametrize("case", EXPECTED, ids=[" ".join(c["command"][:2]) + f" q{c['question']}" for c in EXPECTED])
def test_expected_answer(sample_db, case, tmp_path):
    """`expect`: JSON paths into the --json output; `exit` (default 0) and `stderr` (texts it must hold)
    for the answers that are a refusal (an empty period) or that tell a default on stderr; `"db": "copy"`
    for a command that changes the database (run on a copy); `then` / `then_expect`: a command run after."""
    db = sample_db
    if case.get("db") == "copy":
        db = tmp_path / "copy.db"
        with sqlite3.connect(sample_db) as src, sqlite3.connect(db) as dst:
            src.backup(dst)  # with what the WAL holds, unlike a file copy
    # sample_data/... (the change files of simulate) from the repository, wherever pytest runs
    command = [str(ROOT / a) if a.startswith("sample_data/") else a for a in case["command"]]
    res = shunt(*command, "--json", db=db)
    assert res.exit_code == case.get("exit", 0), (res.exit_code, res.stderr, case["about"])
    for text in case.get("stderr", []):
        assert text in res.stderr, (text, res.stderr, case["about"])
    if res.exit_code != 0:
        assert res.stdout == ""
        return
    _check(json.loads(res.stdout), case.get("expect", {}), case["about"])
    if "then" in case:
        _check(shunt_json(*case["then"], db=db), case["then_expect"], case["about"])


def _check(doc, expect: dict, about: str) -> None:
    for path, want in expect.items():
        got = path_get(doc, path)
        if path.endswith(".agents"):
            assert sorted(got) == sorted(want), (path, got, about)
        else:
            assert got == want, (path, got, about)


def test_every_node_but_the_planted_one_replays_as_a_match(sample_db):
    """All 66 consults: only c-0040 (question 9) breaks the rules."""
    from shunt import store
    from shunt.diagnose.replay import replay_node

    conn = store.open_db(sample_db, create=False)
    sid = store.shop_id(conn, None)
    bad = []
    rows = conn.execute("SELECT uid FROM consults WHERE shop_id=? ORDER BY ts, uid", (sid,)).fetchall()
    assert len(rows) == 66
    for (uid,) in rows:
        consult, routed, u = store.consult_row(conn, sid, uid)
        _, rep = replay_node(conn, sid, consult, routed, u)
        if rep.match is not True:
            bad.append(consult.id)
    assert bad == ["c-0040"]
