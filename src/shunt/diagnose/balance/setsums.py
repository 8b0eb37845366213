"""Sums of the same amount over sets of accounts, at the cost of the sets' changes.

Most of balance's decisions give the same odds to every winner (reception rate, round robin
and one-winner rules: 1/k over k accounts), and a decision differs from the previous one of the
same kind (the same removed factors, rule and groups) by a few accounts: a load or a status
changed. Adding k x p to each of the k accounts costs the pool per decision; here each kind keeps
a running total T (Σ count x amount over its decisions so far) and, per account of its current
set, T when it joined: an account that leaves the set gets T - its mark, the ones that stay cost
nothing (the sets' difference is taken at C speed). The totals go to the exact sums: the same
rational numbers as adding every amount to every account, exactly, so the same floats.

Memory: the kinds' current sets, at most `max_marks` accounts in all (then every kind is flushed
into the exact sums and starts afresh).
"""

from __future__ import annotations

from typing import Any

from shunt.diagnose.exact_sums import ExactSums

FIX = 1100  # amounts kept as integers over 2**FIX: every float (down to 2**-1074) is one exactly
MAX_MARKS = 200_000
SMALL = 8  # odds of fewer accounts are added one by one (cheaper than a set's difference)
MAX_CLASSES = 4  # amounts of a decision's odds added by set (weights: a few distinct)


class SetSums:
    """(sum, kind) → [T, {account: T when it joined}]; flushed into `exact`."""

    __slots__ = ("exact", "kinds", "marks", "max_marks")

    def __init__(self, exact: ExactSums, max_marks: int | None = None) -> None:
        self.exact = exact
        self.kinds: dict[tuple, list] = {}
        self.marks = 0
        self.max_marks = MAX_MARKS if max_marks is None else max_marks

    def add(self, slot: Any, kind: Any, keys: Any, numerator: int, exponent: int, count: int) -> None:
        """Add `count` x numerator / 2**exponent to the sum (slot, x) of every x of `keys` (a set
        or a dict's keys); `kind`: the decisions whose sets are alike (any value: a key)."""
        e = self.kinds.get((slot, kind))
        if e is None:
            if self.marks + len(keys) > self.max_marks:
                self.flush()
            e = self.kinds[(slot, kind)] = [0, {}]
        t, marks = e
        if marks.keys() != keys:
            gone = marks.keys() - keys
            if gone:
                totals = self.exact.sum_of(slot)
                for x in gone:
                    _add_fixed(totals, x, t - marks.pop(x))
                self.marks -= len(gone)
            new = keys - marks.keys()
            if new:
                marks.update(dict.fromkeys(new, t))
                self.marks += len(new)
        e[0] = t + ((numerator * count) << (FIX - exponent))

    def flush(self) -> None:
        """Every kind's totals into the exact sums; forget the kinds."""
        for (slot, _kind), (t, marks) in self.kinds.items():
            totals = self.exact.sum_of(slot)
            for x, m in marks.items():
                _add_fixed(totals, x, t - m)
        self.kinds.clear()
        self.marks = 0


def _add_fixed(totals: dict[Any, list[int]], x: Any, n: int) -> None:
    """totals[x] += n / 2**FIX, exactly."""
    t = totals.get(x)
    if t is None:
        totals[x] = [n, FIX]
    elif FIX >= t[1]:
        t[0] = (t[0] << (FIX - t[1])) + n
        t[1] = FIX
    else:  # (not reached: no float has more than FIX binary digits after the point)
        t[0] += n << (t[1] - FIX)


def classes(odds: Any, most: int = MAX_CLASSES) -> tuple | None:
    """`odds` (a mapping) by amount: ((amount, its accounts), ...) smallest amount first; the
    accounts a dict's keys or a set. None: more than `most` amounts."""
    if not odds:
        return ()
    vals = set(odds.values())
    if len(vals) == 1:
        return ((next(iter(vals)), odds.keys()),)
    if len(vals) > most:
        return None
    by: dict[float, set] = {v: set() for v in sorted(vals)}
    for x, v in odds.items():
        by[v].add(x)
    return tuple(by.items())
