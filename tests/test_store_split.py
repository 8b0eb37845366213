"""A big file loaded by two processes (store/split.py) gives the same database, row for row and in
the same rowid order, and the same report as one process: duplicates across the halves, bad lines in
each half (with their line numbers), local times whose zone a shop_config of the first half set, a
shop_config the child cannot see (then the parent reads the half itself), a child that fails."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from shunt.store import load as load_mod
from shunt.store import load_files, split
from tests.test_store_gen import config, events, local, write

TABLES = ("shops", "configs", "statuses", "stats", "consults", "session_ends", "messages", "logistics",
          "other_events", "load_steps", "meta")


def rows(db) -> dict:
    c = sqlite3.connect(db)
    try:
        plain = {n for n, sql in c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
                 if "WITHOUT ROWID" not in sql.upper()}
        out = {t: c.execute(f"SELECT * FROM {t}" + (" ORDER BY rowid" if t in plain else "")).fetchall()
               for t in TABLES}
        out["indexes"] = sorted(r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'index'"))
        return out
    finally:
        c.close()


def report(rep) -> dict:
    d = rep.as_dict()
    d.pop("seconds")
    return d


def log_lines(tmp_path, escaped_config: bool = False):
    """A log whose second half repeats some events of the first, has bad lines in both halves and
    consults in local time, which a shop_config of the first half puts in another zone."""
    evs = events(900, seed=11)
    half = len(evs) // 2
    lines = [json.dumps(e, ensure_ascii=False) for e in evs]
    latest = max(e["ts"] for e in evs if e["type"] == "shop_config")
    tz = config(latest + 1, 48, "cfg-ny", tz="America/New_York")  # the zone from line 6 on
    tz_line = json.dumps(tz)
    if escaped_config:  # the same event, its type written with an escape: not found by its bytes
        tz_line = tz_line.replace('"shop_config"', '"shop\\u005fconfig"')
    lines.insert(5, tz_line)
    lines.insert(40, "{not json")
    lines.insert(half + 50, '{"type": "consult"}')
    lines.insert(half + 60, "")
    local_ts = [json.dumps(dict(e, ts=local(e["ts"]), id=e["id"] + "-local"), ensure_ascii=False)
                for e in evs[half:half + 200] if e["type"] == "consult"]
    lines[half + 100:half + 100] = local_ts
    lines += lines[100:160]  # duplicates of first-half events, at the end
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def splitting(monkeypatch):
    """Every load splits (tiny thresholds); → the list of merges done."""
    monkeypatch.setattr(load_mod, "BULK_BYTES", 0)
    monkeypatch.setattr(split, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(split, "MERGE_ROWS", 97)  # several copy transactions
    monkeypatch.setattr(load_mod, "BATCH_LINES", 113)
    monkeypatch.delenv("SHUNT_WORKERS", raising=False)
    merges = []
    real = split.merge

    def merge(loader, out):
        merges.append(out["lines"])
        return real(loader, out)

    monkeypatch.setattr(split, "merge", merge)
    return merges


def one_process(path, db, monkeypatch):
    monkeypatch.setenv("SHUNT_WORKERS", "1")
    try:
        return load_files(db, [path])
    finally:
        monkeypatch.delenv("SHUNT_WORKERS")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the split forks")
@pytest.mark.parametrize("escaped", [False, True])
def test_split_load_equals_one_process(tmp_path, monkeypatch, splitting, escaped):
    path = log_lines(tmp_path, escaped_config=escaped)
    one = one_process(path, tmp_path / "one.db", monkeypatch)
    two = load_files(tmp_path / "two.db", [path])
    if escaped:  # the child decoded with the wrong zone: its half was read again by the parent
        assert splitting == []
    else:
        assert len(splitting) == 1 and 0 < splitting[0] < one.lines
    assert report(two) == report(one)
    assert one.duplicates >= 60 and len(one.rejected) == 2
    assert [n for _, n, _ in two.rejected] == [_line_of(path, "{not json"), _line_of(path, '{"type": "consult"}')]
    assert rows(tmp_path / "two.db") == rows(tmp_path / "one.db")
    c = sqlite3.connect(tmp_path / "two.db")  # the local times were read in New York's zone
    assert c.execute("SELECT timezone FROM shops").fetchone()[0] == "America/New_York"
    c.close()
    assert not list(tmp_path.glob("*.part-*")), "the part file is removed"


def _line_of(path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the split forks")
def test_a_failing_child_leaves_the_half_to_the_parent(tmp_path, monkeypatch, splitting):
    path = log_lines(tmp_path)
    one = one_process(path, tmp_path / "one.db", monkeypatch)

    def broken(*args, **kwargs):
        raise OSError("no room for the part")

    monkeypatch.setattr(split, "_child", broken)
    two = load_files(tmp_path / "two.db", [path])
    assert splitting == []
    assert report(two) == report(one)
    assert rows(tmp_path / "two.db") == rows(tmp_path / "one.db")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the split forks")
def test_stale_part_files_are_removed(tmp_path, splitting):
    db = tmp_path / "s.db"
    stale = tmp_path / "s.db.part-999999999"  # no such process
    for suffix in ("", "-wal"):
        (tmp_path / (stale.name + suffix)).write_bytes(b"left by a killed load")
    mine = tmp_path / f"s.db.part-{os.getpid()}-x"  # a running process's: kept
    mine.write_bytes(b"")
    load_files(db, [write(tmp_path / "a.jsonl", events(200))])
    assert len(splitting) == 1
    assert sorted(p.name for p in tmp_path.glob("*.part-*")) == [mine.name]
