"""Questions off the UI thread: a Textual thread worker computes, the UI thread shows.

A tab calls `ask_in_background(self, busy, compute, show)`: `busy` (the pane the answer goes to) shows Textual's
loading indicator, `compute()` runs in a worker thread holding the session's lock on a fresh read snapshot, and
`show(result)` (or the error view) runs back on the UI thread. A newer question of the same tab cancels the
older one's display (`exclusive`); the older thread finishes its SQL but its answer is dropped.
"""

from __future__ import annotations

from typing import Callable

from textual.widget import Widget
from textual.worker import get_current_worker

from shunt.ui.session import as_domain_error


def ask_in_background(owner: Widget, busy: Widget, compute: Callable[[], object], show: Callable[[object], None],
                      fail: Callable[[Exception], None]) -> None:
    """Run `compute` in a thread worker of `owner`; `show(result)` or `fail(domain error)` on the UI thread."""
    session = owner.session
    busy.loading = True

    def work() -> None:
        worker = get_current_worker()
        try:
            with session.lock:
                session.fresh()
                result = compute()
        except Exception as exc:  # a domain error or the storage's: said in the pane, as on stderr
            err = as_domain_error(exc, session.db)
            if err is None:
                raise  # a programming error: Textual ends the app and prints the traceback
            if not worker.is_cancelled:
                owner.app.call_from_thread(_finish, busy, fail, err)
            return
        if not worker.is_cancelled:
            owner.app.call_from_thread(_finish, busy, show, result)

    owner.run_worker(work, thread=True, exclusive=True, group=f"ask-{owner.id or id(owner)}", name="question")


def _finish(busy: Widget, fn: Callable, value) -> None:
    busy.loading = False
    fn(value)
