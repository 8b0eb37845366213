"""store.txn.immediate, the one write transaction of the store (batches, derive, merges, migrations, forget):
each test stands for one branch of it (commit, rollback on any exception, the first error kept, a busy lock,
a connection already in a transaction)."""

from __future__ import annotations

import sqlite3

import pytest

from shunt.store.txn import immediate


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "t.db"
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("CREATE TABLE t(x INTEGER)")
    c.close()
    return path


def _open(path, timeout=10.0):
    return sqlite3.connect(path, isolation_level=None, timeout=timeout)


def _rows(path) -> list[int]:
    c = _open(path)
    try:
        return [r[0] for r in c.execute("SELECT x FROM t ORDER BY x")]
    finally:
        c.close()


def test_the_block_is_committed_when_it_ends(db):
    conn = _open(db)
    with immediate(conn):
        assert conn.in_transaction
        conn.execute("INSERT INTO t VALUES (1)")
    assert not conn.in_transaction
    assert _rows(db) == [1]  # seen by another connection: committed


@pytest.mark.parametrize("kind", [ValueError, KeyboardInterrupt, SystemExit])
def test_any_exception_rolls_the_block_back_and_goes_on(db, kind):
    conn = _open(db)
    conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(kind):
        with immediate(conn):
            conn.execute("INSERT INTO t VALUES (2)")
            raise kind()
    assert not conn.in_transaction
    assert [r[0] for r in conn.execute("SELECT x FROM t")] == [1]
    with immediate(conn):  # the connection is usable again
        conn.execute("INSERT INTO t VALUES (3)")
    assert _rows(db) == [1, 3]


def test_the_first_error_is_kept_when_sqlite_already_ended_the_transaction(db):
    """SQLite rolls back by itself on some errors (disk full, I/O): a ROLLBACK then would fail with
    'no transaction is active' and hide the error that matters."""
    conn = _open(db)
    with pytest.raises(ValueError, match="disk full stand-in"):
        with immediate(conn):
            conn.execute("INSERT INTO t VALUES (1)")
            conn.execute("ROLLBACK")  # as SQLite does on SQLITE_FULL
            raise ValueError("disk full stand-in")
    assert _rows(db) == []


class _FailingRollback:
    """A connection whose ROLLBACK fails (an I/O error while rolling back)."""

    def __init__(self, conn):
        self.conn = conn

    @property
    def in_transaction(self):
        return self.conn.in_transaction

    def execute(self, sql, *args):
        if sql == "ROLLBACK":
            raise sqlite3.OperationalError("disk I/O error")
        return self.conn.execute(sql, *args)


def test_a_failing_rollback_does_not_hide_the_first_error(db):
    conn = _open(db)
    with pytest.raises(ValueError, match="the body's error"):
        with immediate(_FailingRollback(conn)):
            conn.execute("INSERT INTO t VALUES (1)")
            raise ValueError("the body's error")
    conn.close()  # (closing rolls back what the failed ROLLBACK left)
    assert _rows(db) == []


def test_a_lock_held_by_another_writer_surfaces_as_sqlites_busy_error(db):
    other = _open(db)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (7)")
    conn = _open(db, timeout=0.05)
    ran = []
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        with immediate(conn):
            ran.append(1)
    assert ran == [] and not conn.in_transaction
    assert other.in_transaction  # the other writer's transaction untouched
    other.execute("COMMIT")
    with immediate(conn):  # free again
        conn.execute("INSERT INTO t VALUES (8)")
    assert _rows(db) == [7, 8]


def test_inside_a_transaction_it_refuses_unless_told_to_join(db):
    conn = _open(db)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="within a transaction"):
        with immediate(conn):
            pass
    assert conn.in_transaction  # the caller's transaction left as it was
    with immediate(conn, join=True):
        conn.execute("INSERT INTO t VALUES (2)")
    assert conn.in_transaction and _rows(db) == []  # joined: the caller commits
    with pytest.raises(ValueError):
        with immediate(conn, join=True):
            conn.execute("INSERT INTO t VALUES (3)")
            raise ValueError
    assert conn.in_transaction  # nor rolled back: the caller's to do
    conn.execute("COMMIT")
    assert _rows(db) == [1, 2, 3]
