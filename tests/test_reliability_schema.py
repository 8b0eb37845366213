"""Schema versions through the CLI: an older database is migrated (atomically), a newer one is refused (exit 3)."""

from __future__ import annotations

import sqlite3

import pytest

from cli_helpers import SAMPLE, load_sample, shunt, shunt_json
from shunt.store import schema

QUESTIONS = [
    ("trace", "tb_buyer05", "--date", "2026-11-11"),
    ("why-silent", "zhenpin:小丙", "--at", "2026-11-11 21:00:00"),
    ("why-received", "tb_buyer20", "--at", "2026-11-11 10:25:07"),
]


@pytest.fixture()
def sample_db(tmp_path):
    db = tmp_path / "s.db"
    load_sample(db)
    return db


def _version(db) -> int:
    c = sqlite3.connect(db)
    try:
        return c.execute("PRAGMA user_version").fetchone()[0]
    finally:
        c.close()


def _set_version(db, v: int) -> None:
    c = sqlite3.connect(db)
    c.execute(f"PRAGMA user_version = {int(v):d}")
    c.commit()
    c.close()


@pytest.mark.parametrize("command", ["trace", "why-silent", "why-received", "load"])
def test_newer_schema_refused_exit_3_untouched(sample_db, command):
    _set_version(sample_db, schema.SCHEMA_VERSION + 1)
    before = sample_db.read_bytes()
    args = (str(SAMPLE / "zhenpin.jsonl"),) if command == "load" else next(q for q in QUESTIONS if q[0] == command)[1:]
    res = shunt(command, *args, db=sample_db)
    assert res.exit_code == 3, (res.exit_code, res.stderr)
    assert "newer shunt" in res.stderr and "upgrade" in res.stderr
    assert f"schema version {schema.SCHEMA_VERSION + 1}" in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert sample_db.read_bytes() == before


def test_older_schema_migrated_and_answers_unchanged(sample_db, monkeypatch):
    before = [shunt_json(*q, db=sample_db) for q in QUESTIONS]
    # The next shunt adds a migration: this database is now one version behind.
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + [
        "CREATE TABLE added_later(x INTEGER);\nINSERT INTO added_later VALUES (1);\n"])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    after = [shunt_json(*q, db=sample_db) for q in QUESTIONS]
    assert after == before
    assert _version(sample_db) == schema.SCHEMA_VERSION
    c = sqlite3.connect(sample_db)
    assert c.execute("SELECT x FROM added_later").fetchall() == [(1,)]
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()


def test_a_failing_migration_changes_nothing_and_is_reported(sample_db, monkeypatch):
    v = _version(sample_db)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + [
        "CREATE TABLE half_done(x);\nINSERT INTO no_such_table VALUES (1);\n"])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    res = shunt(*QUESTIONS[0], db=sample_db)
    assert res.exit_code != 0 and "Traceback" not in res.stderr
    assert "no_such_table" in res.stderr
    c = sqlite3.connect(sample_db)
    assert c.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    c.close()
    assert _version(sample_db) == v
    monkeypatch.undo()
    assert shunt(*QUESTIONS[0], "--json", db=sample_db).exit_code == 0


def test_version_0_database_of_shunt_is_migrated(tmp_path):
    """An empty SQLite file (as left by a first open killed before its migration) becomes a shunt database."""
    db = tmp_path / "blank.db"
    sqlite3.connect(db).execute("PRAGMA user_version = 0").connection.close()
    load_sample(db)
    assert _version(db) == schema.SCHEMA_VERSION


def test_damaged_database_is_a_clear_error(sample_db):
    # keep the header (a shunt database by its magic and application_id) and overwrite the pages after it
    data = bytearray(sample_db.read_bytes())
    for p in (sample_db.parent / (sample_db.name + "-wal"), sample_db.parent / (sample_db.name + "-shm")):
        if p.exists():
            p.unlink()
    data[4096:4096 * 6] = b"\xa5" * (4096 * 5)
    sample_db.write_bytes(bytes(data))
    res = shunt(*QUESTIONS[0], "--json", db=sample_db)
    assert res.exit_code in (3, 4), (res.exit_code, res.stderr)
    assert "Traceback" not in res.stderr and res.stderr.startswith("shunt:")


def test_newer_schema_still_in_the_wal_is_refused_with_the_same_message(sample_db):
    """The version change not yet checkpointed into the file's header (it is in the -wal file)."""
    c = sqlite3.connect(sample_db)
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("PRAGMA wal_autocheckpoint = 0")
    c.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1:d}")
    c.commit()
    res = shunt(*QUESTIONS[0], db=sample_db)
    c.close()
    assert res.exit_code == 3 and "newer shunt" in res.stderr and "upgrade" in res.stderr, res.stderr
