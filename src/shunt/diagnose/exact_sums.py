"""Exact sums of float terms in memory flat in the number of terms.

balance counts its terms `(sum, key, amount) → how many times` (a Counter): many consults add the
same amounts. Folded here, each (sum, key) keeps one exact binary fraction, numerator / 2**exp (a
float is one), so the Counter can be emptied whenever it grows: the total is the same rational
number whatever the order or the batches, rounded once to a float at the end — the same float as
Σ count · Fraction(amount) over the whole period.

A float's (numerator, exponent) is found once per distinct float (`Ratios`), and a list of them
(`ratios`) can be added to several sums: a decision's odds, added for every sum it counts in."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Iterable


class Ratios:
    """float → (numerator, exponent) with float == numerator / 2**exponent; remembered (odds
    repeat: 1/k over k tied accounts), forgotten when `limit` are held."""

    __slots__ = ("memo", "limit")

    def __init__(self, limit: int = 50_000) -> None:
        self.memo: dict[float, tuple[int, int]] = {}
        self.limit = limit

    def of(self, v: float) -> tuple[int, int]:
        r = self.memo.get(v)
        if r is None:
            n, d = float(v).as_integer_ratio()
            r = (n, d.bit_length() - 1)
            if len(self.memo) >= self.limit:
                self.memo.clear()
            self.memo[v] = r
        return r

    def ratios(self, pairs: Iterable[tuple[Any, float]]) -> list[tuple[Any, int, int]]:
        """[(key, numerator, exponent)] of (key, amount) pairs."""
        of = self.of
        return [(x, *of(v)) for x, v in pairs]


class ExactSums:
    """sum → key → [numerator, exponent]: the exact total numerator / 2**exponent."""

    __slots__ = ("sums",)

    def __init__(self) -> None:
        self.sums: dict[Any, dict[Any, list[int]]] = {}

    def sum_of(self, slot: Any) -> dict[Any, list[int]]:
        """The sum `slot`'s totals: key → [numerator, exponent] (made empty when new)."""
        t = self.sums.get(slot)
        if t is None:
            t = self.sums[slot] = {}
        return t

    def fold(self, terms: Iterable[tuple[tuple, int]]) -> None:
        """Add `terms`: ((sum, key, amount), count) pairs (a Counter's items)."""
        for (slot, x, v), cnt in terms:
            n, d = float(v).as_integer_ratio()
            _add(self.sum_of(slot), x, n * cnt, d.bit_length() - 1)

    def add(self, slot: Any, pairs: Iterable[tuple[Any, float]], count: int) -> None:
        """Add `count` times each (key, amount) of `pairs` to the sums (slot, key)."""
        totals = self.sum_of(slot)
        get = totals.get
        for x, v in pairs:
            n, d = float(v).as_integer_ratio()
            n *= count
            e = d.bit_length() - 1
            t = get(x)
            if t is None:
                totals[x] = [n, e]
                continue
            te = t[1]
            if e > te:
                t[0] = (t[0] << (e - te)) + n
                t[1] = e
            else:
                t[0] += n << (te - e)

    def add_ratios(self, slot: Any, ratios: list[tuple[Any, int, int]], count: int) -> None:
        """Add `count` times each (key, numerator, exponent) of `ratios` (`Ratios.ratios`) to the sums (slot, key)."""
        totals = self.sum_of(slot)
        get = totals.get
        for x, n, e in ratios:
            t = get(x)
            if t is None:
                totals[x] = [n * count, e]
                continue
            te = t[1]
            if e > te:
                t[0] = (t[0] << (e - te)) + n * count
                t[1] = e
            else:
                t[0] += (n * count) << (te - e)

    def merge(self, other: "ExactSums") -> None:
        for slot, theirs in other.sums.items():
            totals = self.sum_of(slot)
            for x, (n, e) in theirs.items():
                _add(totals, x, n, e)

    def floats(self) -> dict[tuple, float]:
        """{(sum, key): the total, rounded once to a float}, sum by sum in the order they were
        first added to, each's keys in the order they were first seen."""
        return {(slot, x): float(Fraction(n, 1 << e)) for slot, totals in self.sums.items()
                for x, (n, e) in totals.items()}


def _add(totals: dict[Any, list[int]], x: Any, n: int, e: int) -> None:
    """totals[x] += n / 2**e, exactly."""
    t = totals.get(x)
    if t is None:
        totals[x] = [n, e]
    elif e > t[1]:
        t[0] = (t[0] << (e - t[1])) + n
        t[1] = e
    else:
        t[0] += n << (t[1] - e)
