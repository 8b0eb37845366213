"""A big file loaded into a database that already has data goes through part files and one merge
(store/stage.py). It must leave the database row for row as the row-by-row batches do (rowid order,
origins, derived session ends and load steps, the loads history) and give the same report: with and
without the split, with duplicates, conflicts, rejected lines and a new shop in the file."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys

import pytest

import reliability_helpers as rh
from shunt.store import load as load_mod
from shunt.store import load_files, split, stage
from shunt.timeutil import parse_ts, zone

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the split forks")


def _digest(db) -> dict:
    """Every table in rowid order (its key for a table without rowid), every column (loads: not its times)."""
    c = sqlite3.connect(db)
    try:
        out = {}
        # (not sqlite_stat1: PRAGMA optimize's statistics depend on the queries run)
        for name, sql in c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                                   "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
            cols = [r[1] for r in c.execute(f'PRAGMA table_info("{name}")')
                    if not (name == "loads" and r[1] in ("started", "finished"))]
            order = ", ".join(cols) if "WITHOUT ROWID" in sql else "rowid"
            h = hashlib.sha256()
            rows = c.execute(f'SELECT {", ".join(cols)} FROM "{name}" ORDER BY {order}').fetchall()  # noqa: S608
            h.update(repr(rows).encode("utf-8", "surrogatepass"))
            out[name] = (len(rows), h.hexdigest()[:16])
        return out
    finally:
        c.close()


@pytest.fixture(scope="module")
def days(tmp_path_factory):
    """A generated 3-day log: days 1-2, day 3 (with some of days 1-2's session_ends), and a file mixing day 3's lines with changed copies
    (conflicts), day 2's lines (duplicates), a bad line and a shop not seen before."""
    d = tmp_path_factory.mktemp("staged")
    log = d / "all.jsonl"
    subprocess.run(rh.shunt_cmd("generate", "--consults", "700", "--days", "3", "--agents", "20", "--groups", "4",
                                "--seed", "5", "-o", log), env=rh.env(), check=True, capture_output=True, timeout=120)
    lines = log.read_bytes().splitlines(keepends=True)
    tz = zone("Asia/Shanghai")
    day3_ms = parse_ts("2026-11-13T00:00:00+08:00", tz)
    cut = next(i for i, ln in enumerate(lines) if parse_ts(json.loads(ln)["ts"], tz) >= day3_ms)
    head, day3 = d / "head.jsonl", d / "day3.jsonl"
    # some consults of days 1-2 never get their session_end while their buyer comes back on day 3:
    # day 3's first consult of that buyer ends them (the merge must derive the consult before it)
    evs = [json.loads(ln) for ln in lines]
    back = {str(e["id"]) for e in evs[:cut] if e["type"] == "consult" and "id" in e
            and e["buyer"] in {f["buyer"] for f in evs[cut:] if f["type"] == "consult"}}
    open_ends = {i for i in range(cut) if evs[i]["type"] == "session_end" and evs[i]["consult"] in back}
    open_ends = set(sorted(open_ends)[-40::4])
    assert len(open_ends) >= 5
    lines = [ln for i, ln in enumerate(lines) if i not in open_ends]
    cut -= len(open_ends)
    # a few session_end lines arrive a day late: they end sessions of consults loaded before
    # (of buyers with no consult on day 3: only the session_end itself makes the merge derive them)
    evs = [json.loads(ln) for ln in lines]
    buyer_of = {str(e["id"]): e["buyer"] for e in evs if e["type"] == "consult" and "id" in e}
    day3_buyers = {e["buyer"] for e in evs[cut:] if e["type"] == "consult"}
    late = [i for i in range(cut // 2, cut) if evs[i]["type"] == "session_end"
            and buyer_of.get(evs[i]["consult"], "") not in day3_buyers][::3][:12]
    assert len(late) >= 5
    head.write_bytes(b"".join(ln for i, ln in enumerate(lines[:cut]) if i not in late))
    day3.write_bytes(b"".join([lines[i] for i in late] + lines[cut:]))
    mixed = []
    for i, ln in enumerate(lines[cut - 1500:cut + 300]):
        e = json.loads(ln)
        if i % 7 == 0 and e["type"] == "message":
            e["sender"] = "agent" if e["sender"] == "buyer" else "buyer"  # a conflict (or a new event, id-less)
        if i % 11 == 0:
            e["shop"] = "newshop"
        mixed.append(json.dumps(e, ensure_ascii=False).encode() + b"\n")
    mixed.insert(5, b'{"type": "message", "oops"\n')
    other = d / "mixed.jsonl"
    other.write_bytes(b"".join(mixed))
    return head, day3, other


def _run(tmp_path, monkeypatch, days, mode):
    head, day3, other = days
    db = tmp_path / f"{mode}.db"
    monkeypatch.setattr(stage, "STAGE_BYTES", 1 << 50)
    load_files(db, [head])  # (row by row: a small first load)
    merges, takes = [], []
    if mode != "row":
        monkeypatch.setattr(stage, "STAGE_BYTES", 0)
        real_merge, real_take = stage.Stage.merge, stage.Stage.take
        monkeypatch.setattr(stage.Stage, "merge", lambda self, *a: (merges.append(1), real_merge(self, *a))[1])
        monkeypatch.setattr(stage.Stage, "take", lambda self, out: (takes.append(1), real_take(self, out))[1])
    monkeypatch.setattr(split, "PARALLEL_BYTES", 0 if mode == "split" else 1 << 50)
    monkeypatch.setenv("SHUNT_WORKERS", "2")
    rep = load_files(db, [day3, other]).as_dict() | {"seconds": 0}
    again = load_files(db, [other]).as_dict() | {"seconds": 0}  # all duplicates or conflicts now
    assert len(merges) == (0 if mode == "row" else 3)
    assert len(takes) == (3 if mode == "split" else 0)  # (the split: each file's second half)
    assert not list(tmp_path.glob("*.part-*"))
    return rep, again, _digest(db), rh.snapshot(db)


def test_staged_load_equals_the_batches(tmp_path, monkeypatch, days):
    row = _run(tmp_path, monkeypatch, days, "row")
    rep = row[0]
    assert rep["conflicts"] > 0 and rep["duplicates"] > 0, rep
    assert any("invalid JSON" in r["why"] for r in rep["rejected"]), rep["rejected"]
    assert row[1]["duplicates"] > 0 and sum(row[1]["loaded"].values()) == 0
    for mode in ("staged", "split"):
        got = _run(tmp_path, monkeypatch, days, mode)
        assert got[0] == row[0], mode
        assert got[1] == row[1], mode
        assert got[2] == row[2], mode
    one = tmp_path / "one.db"  # the same lines in one bulk load: the derivation from scratch agrees
    monkeypatch.setattr(load_mod, "BULK_BYTES", 0)
    load_files(one, [*days, days[2]])
    assert rh.snapshot(one) == row[3]


def test_a_failed_merge_leaves_the_database_as_it_was(tmp_path, monkeypatch, days):
    head, day3, _ = days
    db = tmp_path / "s.db"
    load_files(db, [head])
    before = _digest(db)
    monkeypatch.setattr(stage, "STAGE_BYTES", 0)

    def boom(conn, with_first):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(stage, "_derive", boom)  # the last step of the merge's transaction
    with pytest.raises(sqlite3.OperationalError):
        load_files(db, [day3])
    assert _digest(db) == before
    assert not list(tmp_path.glob("*.part-*"))
    monkeypatch.undo()
    monkeypatch.setattr(stage, "STAGE_BYTES", 0)
    load_files(db, [day3])  # run again: completes it
    ref = tmp_path / "ref.db"
    monkeypatch.setattr(stage, "STAGE_BYTES", 1 << 50)
    load_files(ref, [head])
    load_files(ref, [day3])
    assert _digest(db) == _digest(ref)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


def test_a_damaged_database_is_refused_before_the_staged_merge_writes(tmp_path, monkeypatch, days):
    """The damage check runs beside the staging (db.DamageCheck): still exit 3, the file untouched."""
    head, day3, _ = days
    db = tmp_path / "s.db"
    load_files(db, [head])
    data = bytearray(db.read_bytes())
    pages = len(data) // 4096
    data[4096 * (pages - 3):] = bytes(len(data) - 4096 * (pages - 3))  # the last pages zeroed
    db.write_bytes(bytes(data))
    monkeypatch.setattr(stage, "STAGE_BYTES", 0)
    monkeypatch.setattr(split, "PARALLEL_BYTES", 0)
    monkeypatch.setenv("SHUNT_WORKERS", "2")
    merges = []
    real_take = stage.Stage.take
    monkeypatch.setattr(stage.Stage, "take", lambda self, out: (merges.append(1), real_take(self, out))[1])
    from cli_helpers import shunt

    res = shunt("load", str(day3), db=db)
    assert res.exit_code == 3, (res.exit_code, res.stderr)
    assert "damaged" in res.stderr and "Traceback" not in res.stderr
    assert merges, "the file was not split and staged"
    assert db.read_bytes() == bytes(data)
    assert not list(tmp_path.glob("*.part-*"))
