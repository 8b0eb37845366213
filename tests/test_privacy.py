"""Buyers' personal data (issue 6): owner-only files, and `--mask` for sharing a diagnosis outside the shop."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
from collections import Counter

import pytest

import reliability_helpers as rh
from cli_helpers import SAMPLE, load_sample, runner, shunt
from shunt.cli import app
from shunt.render.text import mask_all, mask_nick

MASK_RE = re.compile(r"\*\*\*|\*#")


# ---- files ---------------------------------------------------------------------------------------

def _modes(db):
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in db.parent.glob(db.name + "*")}


def test_database_wal_and_shm_are_owner_only_even_with_a_loose_umask(tmp_path):
    db = tmp_path / "s.db"
    old = os.umask(0o000)  # the most permissive umask a user could have
    try:
        # a load in another process, held open by a reader so that -wal and -shm exist while we look
        p = subprocess.run(rh.shunt_cmd("load", SAMPLE / "zhenpin.jsonl", "--db", db), env=rh.env(),
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        from shunt.store import open_db

        conn = open_db(db)
        conn.execute("SELECT count(*) FROM consults").fetchone()
        modes = _modes(db)
        conn.close()
    finally:
        os.umask(old)
    assert {"s.db", "s.db-wal", "s.db-shm"} <= set(modes), modes
    assert all(m == 0o600 for m in modes.values()), {k: oct(v) for k, v in modes.items()}


def test_side_files_made_loose_by_someone_else_are_tightened_on_open(tmp_path):
    db = tmp_path / "s.db"
    load_sample(db)
    os.chmod(db, 0o644)  # e.g. copied with cp without -p, or a restored backup
    res = shunt("trace", "tb_buyer05", "--date", "2026-11-11", "--json", db=db)
    assert res.exit_code == 0
    assert all(m == 0o600 for m in _modes(db).values()), {k: oct(v) for k, v in _modes(db).items()}


# ---- --mask -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("mask") / "s.db"
    load_sample(db)
    c = sqlite3.connect(db)
    buyers = {r[0] for r in c.execute("SELECT buyer FROM consults UNION SELECT buyer FROM messages")}
    c.close()
    return db, buyers


def run_both(args, db):
    """stdout + stderr of the human and the JSON view (with exit codes)."""
    out = []
    for extra in ((), ("--json",)):
        res = runner().invoke(app, [*args, *extra, "--db", str(db)], catch_exceptions=False,
                              env={"COLUMNS": "300"})
        out.append((res.exit_code, res.stdout + "\n" + res.stderr))
    return out


MASKED_QUESTIONS = [
    ("trace", "tb_buyer05", "--date", "2026-11-11"),
    ("trace", "tb_vip01", "--date", "2026-11-11", "--detail"),
    ("trace", "tb_buyer36", "--date", "2026-11-10", "--detail"),
    ("why-received", "tb_buyer20", "--at", "2026-11-11 10:25:07"),
    ("why-received", "tb_buyer36", "--at", "2026-11-10 16:05:34", "--expected", "zhenpin:小美"),
    ("why-silent", "zhenpin:小李", "--at", "2026-11-11 09:45:00"),  # at capacity: lists open sessions' buyers
    ("why-silent", "zhenpin:阿乙", "--at", "2026-11-09 09:25:00"),
    ("why-silent", "zhenpin:小丙", "--at", "2026-11-11 21:00:00"),
    # nothing to answer: the messages on stderr must not show nicks either
    ("trace", "tb_buyer0", "--date", "2026-11-11"),  # unknown buyer: nearest buyers listed
    ("trace", "tb_buyer05", "--date", "2026-11-01"),  # no nodes that day
    ("why-received", "tb_buyer05", "--at", "2026-11-11 03:00:00"),  # no message then: nearest times
    ("why-received", "tb_nobody", "--at", "2026-11-11 03:00:00"),
]


@pytest.mark.parametrize("q", MASKED_QUESTIONS, ids=lambda q: " ".join(q[:2]) + " " + q[-1])
def test_mask_leaves_no_buyer_nick_in_any_output(sample_db, q):
    db, buyers = sample_db
    asked = q[1] if not q[1].startswith("zhenpin:") else None
    nicks = buyers | ({asked} if asked else set())
    for code, text in run_both([*q, "--mask"], db):
        assert code in (0, 1), text
        leaked = sorted(n for n in nicks if n in text)
        assert not leaked, f"{leaked} in the --mask output:\n{text}"
        if asked:
            assert mask_nick(asked) in text
    # and without --mask the nick is there: the check above can fail
    plain = run_both(list(q), db)
    if asked:
        assert all(asked in text for _, text in plain)


def test_mask_json_keeps_the_shape_and_masks_every_buyer_field(sample_db):
    import json

    db, buyers = sample_db
    res = shunt("why-silent", "zhenpin:小李", "--at", "2026-11-11 09:45:00", "--json", "--mask", db=db)
    doc = json.loads(res.stdout)
    seen = []

    def walk(o, key=None):
        if isinstance(o, dict):
            for k, v in o.items():
                walk(v, k)
        elif isinstance(o, list):
            for v in o:
                walk(v, key)
        elif key == "buyer" and isinstance(o, str):
            seen.append(o)

    walk(doc)
    assert seen, "the at_capacity cause lists its open sessions' buyers"
    assert all(MASK_RE.search(b) for b in seen), seen


def test_mask_is_stable_and_two_buyers_never_share_one():
    nicks = [f"tb_buyer{i:06d}" for i in range(200_000)]
    nicks += ["t", "tt", "t1", "1t", "买家", "买家1号", "买家2号", "a" * 100, "a" * 101, "\x00", "tb\x00a", "tb a"]
    masks = [mask_nick(n) for n in nicks]
    dup = [m for m, k in Counter(masks).items() if k > 1]
    assert not dup, f"{len(dup)} masks shared by two buyers, e.g. {dup[:3]}"
    assert masks == [mask_nick(n) for n in nicks]  # stable
    for n, m in zip(nicks, masks):
        assert n not in m or len(n) <= 1 and n == m[:1], (n, m)


def test_mask_all_replaces_longer_nicks_first_and_inside_text():
    out = mask_all({"buyer": "tb_1", "note": "tb_12 then tb_1", "list": ["tb_12"]}, ["tb_1", "tb_12"])
    assert "tb_1" not in repr(out).replace(mask_nick("tb_1"), "").replace(mask_nick("tb_12"), "")
    assert out["note"] == f"{mask_nick('tb_12')} then {mask_nick('tb_1')}"


def test_mask_covers_a_generated_shop(tmp_path):
    """On a generated shop: why-silent --mask over a busy window shows no buyer of the shop."""
    from shunt.generate import generate
    from shunt.store import load_files

    log = tmp_path / "g.jsonl"
    with open(log, "wb") as f:
        generate(f, consults=1500, seed=3)
    db = tmp_path / "g.db"
    load_files(db, [log])
    c = sqlite3.connect(db)
    buyers = {r[0] for r in c.execute("SELECT DISTINCT buyer FROM consults")}
    accounts = [r[0] for r in c.execute(
        "SELECT agent FROM consults WHERE agent LIKE '%:%' GROUP BY agent ORDER BY count(*) DESC LIMIT 3")]
    c.close()
    assert len({mask_nick(b) for b in buyers}) == len(buyers)
    for acc in accounts:
        for code, text in run_both(["why-silent", acc, "--at", "2026-11-11 12:00:00", "--mask"], db):
            assert code == 0, text
            words = set(re.findall(r"[^\s\"',()=\[\]{}:;]+", text))
            assert not (words & buyers), sorted(words & buyers)[:5]
