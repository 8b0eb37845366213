"""The bulk path of the loader (indexes, unique ones included, built after the insert) gives
the same database and report as the ordinary path, duplicates included."""

from __future__ import annotations

import sqlite3

from shunt.store import load_files, schema
from shunt.store import load as load_mod
from tests.test_store_gen import events, mixed_forms, write

TABLES = ("configs", "statuses", "stats", "consults", "session_ends", "messages", "logistics", "other_events")


def dump(db):
    c = sqlite3.connect(db)
    try:
        out = {t: sorted(map(repr, c.execute(f"SELECT * FROM {t}"))) for t in TABLES}
        out["load_steps"] = sorted(map(repr, c.execute("SELECT * FROM load_steps")))
        out["indexes"] = sorted(r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                                           "AND name NOT LIKE 'sqlite_%'"))
        return out
    finally:
        c.close()


def test_bulk_load_equals_ordinary_load_with_duplicates(tmp_path, monkeypatch):
    evs = events(300)
    a = write(tmp_path / "a.jsonl", evs + evs[:40])
    b = write(tmp_path / "b.jsonl", mixed_forms(evs[100:160]))
    slow = load_files(tmp_path / "slow.db", [a, b])
    monkeypatch.setattr(load_mod, "BULK_BYTES", 0)
    fast = load_files(tmp_path / "fast.db", [a, b])
    assert fast.loaded == slow.loaded
    assert fast.duplicates_by_type == slow.duplicates_by_type and fast.duplicates > 0
    assert dump(tmp_path / "fast.db") == dump(tmp_path / "slow.db")
    again = load_files(tmp_path / "fast.db", [a])  # the unique indexes are back: nothing added
    assert again.total_loaded == 0


def test_missing_unique_index_is_rebuilt_keeping_the_first_copy(tmp_path):
    db = tmp_path / "s.db"
    load_files(db, [write(tmp_path / "a.jsonl", events(50))])
    c = sqlite3.connect(db)
    schema.drop_indexes(c, {"consults"}, unique=True)
    first = c.execute("SELECT rowid, * FROM consults ORDER BY rowid LIMIT 1").fetchone()
    c.execute("INSERT INTO consults SELECT * FROM consults WHERE rowid = ?", (first[0],))
    c.commit()
    removed = schema.create_indexes(c)
    assert removed == {"consults": 1}
    assert c.execute("SELECT rowid FROM consults WHERE uid = ?", (first[3],)).fetchall() == [(first[0],)]
    c.close()
