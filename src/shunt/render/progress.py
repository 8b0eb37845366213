"""Progress on stderr for answers that can take more than a second (balance, simulate, why-silent over a
large window): a spinner with the elapsed time, shown only on a terminal and only once the work has
lasted `DELAY` seconds, gone when the answer is printed (stdout stays clean for the answer)."""

from __future__ import annotations

import os
import sys
import threading
from contextlib import contextmanager

DELAY = 0.8  # seconds before the spinner shows (a quick answer shows none)


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def working(what: str):
    """Run the body; on a terminal, show `what` with a spinner on stderr once it has taken DELAY seconds."""
    if not _stderr_is_tty() or os.environ.get("SHUNT_NO_PROGRESS"):
        yield
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from shunt.render.human import console
    from shunt.render.text import plain

    out = console(stderr=True)
    state: dict = {"status": None, "done": False}
    lock = threading.Lock()

    def start() -> None:
        with lock:
            if not state["done"]:
                bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=out,
                               transient=True)
                bar.add_task(plain(what), total=None)
                bar.start()
                state["status"] = bar

    timer = threading.Timer(DELAY, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            timer.cancel()
            if state["status"] is not None:
                state["status"].stop()
