"""What the decision cache's memo holds (engine/cache.py's bound on rows): the candidate rows and
odds of the decisions it keeps, each rows tuple and odds dict counted once (the decisions made on
one pool object share them: at 1000 agents counting them per decision emptied the memo every few
hundred decisions)."""

from __future__ import annotations

from typing import Any


class Held:
    """The rows and odds held (`n`), counted once per object while held (ids stay unique: the
    memo holds the decisions that hold them; `clear` with the memo)."""

    __slots__ = ("n", "_ids")

    def __init__(self) -> None:
        self.n = 0
        self._ids: set[int] = set()

    def add(self, d: Any) -> None:
        """Count what decision `d` holds that is not counted yet."""
        ids = self._ids
        for part in (d.candidates, d.odds):
            if part and id(part) not in ids:
                ids.add(id(part))
                self.n += len(part)

    def clear(self) -> None:
        self.n = 0
        self._ids.clear()
