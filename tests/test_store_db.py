"""Opening databases: permissions, refusing what is not shunt's, schema versions."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from shunt import errors
from shunt.store import load_files, open_db
from shunt.store import schema
from tests.test_store_gen import events, write


def test_new_database_is_owner_only_and_marked(tmp_path):
    db = tmp_path / "s.db"
    load_files(db, [write(tmp_path / "a.jsonl", events(10))])
    for p in [db, *tmp_path.glob("s.db-*")]:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    c = sqlite3.connect(db)
    assert c.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert c.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    c.close()
    conn = open_db(db)
    assert stat.S_IMODE(os.stat(str(db) + "-wal").st_mode) == 0o600
    conn.close()


def test_missing_database(tmp_path):
    with pytest.raises(errors.NotFound, match="run shunt load first"):
        open_db(tmp_path / "none.db")
    assert not (tmp_path / "none.db").exists()


def test_foreign_sqlite_database_refused_untouched(tmp_path):
    db = tmp_path / "other.db"
    c = sqlite3.connect(db)
    c.execute("CREATE TABLE t(x)")
    c.execute("INSERT INTO t VALUES (1)")
    c.commit()
    c.close()
    before = db.read_bytes()
    mtime = db.stat().st_mtime_ns
    for create in (False, True):
        with pytest.raises(errors.BadData, match="not a shunt database"):
            open_db(db, create=create)
    with pytest.raises(errors.BadData):
        load_files(db, [write(tmp_path / "a.jsonl", events(5))])
    assert db.read_bytes() == before and db.stat().st_mtime_ns == mtime
    assert not (tmp_path / "other.db-wal").exists()


def test_not_sqlite_refused_untouched(tmp_path):
    db = tmp_path / "notes.txt"
    db.write_text("just some text, not a database\n" * 10)
    before = db.read_bytes()
    with pytest.raises(errors.BadData, match="not an SQLite file"):
        open_db(db, create=True)
    assert db.read_bytes() == before


def test_other_application_id_refused(tmp_path):
    db = tmp_path / "x.db"
    c = sqlite3.connect(db)
    c.execute("PRAGMA application_id = 12345")
    c.execute("CREATE TABLE t(x)")
    c.commit()
    c.close()
    before = db.read_bytes()
    with pytest.raises(errors.BadData, match="another application"):
        open_db(db, create=True)
    assert db.read_bytes() == before


def test_newer_schema_refused(tmp_path):
    db = tmp_path / "s.db"
    open_db(db, create=True).close()
    c = sqlite3.connect(db)
    c.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    c.commit()
    c.close()
    before = db.read_bytes()
    with pytest.raises(errors.BadData, match="newer shunt"):
        open_db(db)
    assert db.read_bytes() == before


def test_older_schema_migrated(tmp_path, monkeypatch):
    db = tmp_path / "s.db"
    open_db(db, create=True).close()
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + ["CREATE TABLE added_later(x);"])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    conn = open_db(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'added_later'").fetchone()[0] == 1
    conn.close()


def test_empty_file_becomes_a_database(tmp_path):
    db = tmp_path / "s.db"
    db.touch()
    open_db(db, create=True).close()
    assert sqlite3.connect(db).execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
