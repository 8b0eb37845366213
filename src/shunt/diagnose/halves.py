"""A span of a sweep computed in a forked process (the second half of a long period), on its own
connection to the same database file, under the same snapshot. Its result comes back pickled.

(balance's two halves do the same with their own copy; this is the generic form audit uses.)
"""

from __future__ import annotations

import os
from typing import Any, Callable

from shunt.store.periods import fingerprint


def in_child(conn, work: Callable[[Any], Any]) -> Callable[[], Any] | None:
    """Start `work(connection)` in a forked process. → a function that returns its result, or None
    when it could not give one (the caller then does the work itself): no file, a fork that failed,
    an error in the child, or a load that committed since this answer's snapshot was taken."""
    import pickle

    row = conn.execute("PRAGMA database_list").fetchone()
    path = row[2] if row else ""
    if not path:
        return None
    mark = fingerprint(conn)
    try:
        rfd, wfd = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(rfd)
            from shunt.store.periods import open_reader

            c2 = open_reader(path)
            out = work(c2) if fingerprint(c2) == mark else None
            data = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - reported as "no result": the parent does the work
            data = pickle.dumps(None)
            code = 1
        try:
            with os.fdopen(wfd, "wb") as fh:
                fh.write(data)
        finally:
            os._exit(code)
    os.close(wfd)

    def result() -> Any:
        with os.fdopen(rfd, "rb") as fh:
            data = fh.read()
        os.waitpid(pid, 0)
        try:
            return pickle.loads(data) if data else None
        except Exception:  # noqa: BLE001
            return None

    return result
