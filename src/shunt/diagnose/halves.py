"""The one place diagnose forks: a span of a sweep computed in a forked process (the second half
of a long period), on its own connection to the same database file, under the same snapshot. Its
result comes back pickled. `in_halves` is the pattern balance and audit share: the first half
here, the second in the child (or here after the first when the child gives no result)."""

from __future__ import annotations

import os
from typing import Any, Callable

from shunt.store.periods import db_file, fingerprint

_forked = False  # True in the child `in_child` started: it ends with os._exit, nothing is freed


def forked() -> bool:
    """Whether this process is a child started by `in_child`: what it made is never freed one by
    one (it ends with os._exit once its result is written), so a pass need not release it."""
    return _forked


def in_halves(conn, start: int, end: int, mid: int | None, run: Callable[[Any, int, int], Any], *,
              parallel: bool) -> tuple[Any, Any]:
    """`run(connection, lo, hi)` over [start, end) when `mid` is None → (its result, None); else over
    [start, mid) here and [mid, end) in a forked child when `parallel` → (first, second)."""
    if mid is None:
        return run(conn, start, end), None
    second = in_child(conn, lambda c2: run(c2, mid, end)) if parallel else None
    first = run(conn, start, mid)
    other = second() if second is not None else None
    if other is None:
        other = run(conn, mid, end)
    return first, other


def in_child(conn, work: Callable[[Any], Any]) -> Callable[[], Any] | None:
    """Start `work(connection)` in a forked process. → a function that returns its result, or None
    when it could not give one (the caller then does the work itself): no file, a fork that failed,
    an error in the child, or a load that committed since this answer's snapshot was taken."""
    import pickle

    path = db_file(conn)
    if not path:
        return None
    mark = fingerprint(conn)
    try:
        rfd, wfd = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: never returns
        global _forked
        _forked = True
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
