"""Winners' odds: equal, or in proportion to weight."""

from __future__ import annotations

from itertools import compress, repeat
from operator import lt, truediv
from typing import Iterable, Mapping


def equal(accounts: Iterable[str]) -> tuple[tuple[str, ...], dict[str, float]]:
    acc = tuple(accounts)
    return acc, dict.fromkeys(acc, 1.0 / len(acc)) if acc else {}


def weighted(accounts: Iterable[str], weights: Mapping[str, float]) -> tuple[tuple[str, ...], dict[str, float]]:
    """Odds in proportion to weight. A weight of 0 (or less) loses to any positive weight;
    when no weight is positive, all win with equal odds. (At C speed: a pool may be large.)"""
    acc = tuple(accounts)
    positive = tuple(compress(acc, map(lt, repeat(0), map(weights.get, acc, repeat(0)))))  # weight > 0
    if not positive:
        return equal(acc)
    ws = list(map(weights.__getitem__, positive))
    total = sum(ws)
    return positive, dict(zip(positive, map(truediv, ws, repeat(total))))
