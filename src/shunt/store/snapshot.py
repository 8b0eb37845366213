"""Read transactions: one snapshot per answer, so a load committing meanwhile (WAL) changes nothing it reads."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


def hold_snapshot(conn: sqlite3.Connection, tries: int = 20) -> None:
    """Hold one read transaction for the whole answer, on a snapshot whose derived tables are up to date:
    a load committing batches meanwhile (WAL) changes nothing the answer reads, so it never mixes rows of
    a new batch with derived tables of the old one."""
    from shunt.store.derive import ensure_derived

    for _ in range(tries):
        ensure_derived(conn)
        conn.execute("BEGIN")
        if conn.execute("SELECT 1 FROM meta WHERE key LIKE 'dirty:%' LIMIT 1").fetchone() is None:
            return
        conn.execute("ROLLBACK")  # a batch came in between: derive it too
    ensure_derived(conn)
    conn.execute("BEGIN")


def fresh_snapshot(conn: sqlite3.Connection) -> None:
    """End the read transaction held (if any) and hold a new one (a load may have committed since)."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    hold_snapshot(conn)


@contextmanager
def one_snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Everything read inside the block comes from one snapshot (committed at the end; an error leaves it
    to the connection's close)."""
    conn.execute("BEGIN")
    yield
    conn.execute("COMMIT")
