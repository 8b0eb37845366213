"""Winners' odds: equal, or in proportion to weight."""

from __future__ import annotations

from typing import Iterable, Mapping


def equal(accounts: Iterable[str]) -> tuple[tuple[str, ...], dict[str, float]]:
    acc = tuple(accounts)
    return acc, {a: 1.0 / len(acc) for a in acc} if acc else {}


def weighted(accounts: Iterable[str], weights: Mapping[str, float]) -> tuple[tuple[str, ...], dict[str, float]]:
    """Odds in proportion to weight. A weight of 0 (or less) loses to any positive weight;
    when no weight is positive, all win with equal odds."""
    acc = tuple(accounts)
    positive = tuple(a for a in acc if weights.get(a, 0) > 0)
    if not positive:
        return equal(acc)
    total = sum(weights[a] for a in positive)
    return positive, {a: weights[a] / total for a in positive}
