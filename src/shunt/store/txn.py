"""The store's write transaction: `with immediate(conn): ...` is one BEGIN IMMEDIATE ... COMMIT.

- The body's work is committed when it ends normally; on ANY exception (KeyboardInterrupt and
  SystemExit included: a Ctrl-C or a signal handler's exit mid-batch) it is rolled back and the
  exception goes on as it was.
- The ROLLBACK never hides the first error: when it fails (SQLite ends the transaction by itself on
  some errors, disk full or I/O among them, and a ROLLBACK then fails with "no transaction is active";
  or the ROLLBACK meets an I/O error of its own), the body's error is the one raised.
- A lock held by another writer surfaces from BEGIN IMMEDIATE, after the connection's busy timeout
  (10 s: store/db.py), as sqlite3.OperationalError "database is locked"; nothing was begun, so nothing
  is rolled back, and the commands turn it into exit 4 (commands.common.storage_error). No retry here.
- A connection already in a transaction: refused by SQLite's own BEGIN ("cannot start a transaction
  within a transaction"), the outer transaction left untouched, unless `join=True`: then the body joins
  the caller's transaction, which commits or rolls it back (schema.create_indexes when called by a
  load's error path).

Its own module, not store/db.py's: db imports schema, which imports spans, and both write through it.
The read transactions (one snapshot per answer) are store/snapshot.py's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def immediate(conn: sqlite3.Connection, *, join: bool = False) -> Iterator[None]:
    """One write transaction around the block (see the module's doc)."""
    if join and conn.in_transaction:
        yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:  # (already ended by SQLite, or failing itself): the body's error is the one to tell
            pass
        raise
