"""How many processes a command may use: `SHUNT_WORKERS` (1 = one process), else 2 where the
machine has two cores or more and can fork (load's split, balance's two halves)."""

from __future__ import annotations

import os


def workers() -> int:
    w = os.environ.get("SHUNT_WORKERS", "")
    if w.strip().isdigit():
        return int(w)
    return 2 if hasattr(os, "fork") and (os.cpu_count() or 1) > 1 else 1
