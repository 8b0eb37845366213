"""Exact sums of float terms in memory flat in the number of terms.

balance counts its terms `(sum, key, amount) → how many times` (a Counter): many consults add the
same amounts. Folded here, each (sum, key) keeps one exact binary fraction, numerator / 2**exp (a
float is one), so the Counter can be emptied whenever it grows: the total is the same rational
number whatever the order or the batches, rounded once to a float at the end — the same float as
Σ count · Fraction(amount) over the whole period."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Iterable


class ExactSums:
    """(sum, key) → [numerator, exponent]: the exact total numerator / 2**exponent."""

    __slots__ = ("totals",)

    def __init__(self) -> None:
        self.totals: dict[tuple, list[int]] = {}

    def fold(self, terms: Iterable[tuple[tuple, int]]) -> None:
        """Add `terms`: ((sum, key, amount), count) pairs (a Counter's items)."""
        totals = self.totals
        for (slot, x, v), cnt in terms:
            n, d = float(v).as_integer_ratio()
            e = d.bit_length() - 1
            t = totals.get((slot, x))
            if t is None:
                totals[(slot, x)] = [n * cnt, e]
                continue
            tn, te = t
            if e > te:
                t[0] = (tn << (e - te)) + n * cnt
                t[1] = e
            else:
                t[0] = tn + ((n * cnt) << (te - e))

    def add(self, slot: Any, pairs: Iterable[tuple[Any, float]], count: int) -> None:
        """Add `count` times each (key, amount) of `pairs` to the sums (slot, key)."""
        totals = self.totals
        for x, v in pairs:
            n, d = float(v).as_integer_ratio()
            n *= count
            e = d.bit_length() - 1
            t = totals.get((slot, x))
            if t is None:
                totals[(slot, x)] = [n, e]
                continue
            te = t[1]
            if e > te:
                t[0] = (t[0] << (e - te)) + n
                t[1] = e
            else:
                t[0] += n << (te - e)

    def merge(self, other: "ExactSums") -> None:
        totals = self.totals
        for k, (n, e) in other.totals.items():
            t = totals.get(k)
            if t is None:
                totals[k] = [n, e]
            elif e > t[1]:
                t[0] = (t[0] << (e - t[1])) + n
                t[1] = e
            else:
                t[0] += n << (t[1] - e)

    def floats(self) -> dict[tuple, float]:
        """{(sum, key): the total, rounded once to a float}, in the order the keys were first seen."""
        return {k: float(Fraction(n, 1 << e)) for k, (n, e) in self.totals.items()}
