"""balance's tally: what the consults' decisions add to the expected counts and to the factors'
Shapley effects, kept in memory bounded by size, not by the period's length nor by consults x
accounts.

A consult adds, for each shown removed set M, the odds of its decision with M's factors removed,
and for each factor f it was subject to and each subset S of its other factors, the weighted
difference of the decisions without S and without S + f (docs/balance.md). Two consults with the
same decisions add the same amounts, and a decision adds its odds whatever consult it came from:
so a consult is counted per combination of decisions (`add`), and a fold counts each
(sum, decision) and each (factor, weight, pair of decisions) once, then adds its amounts to the
exact sums (`ExactSums`: Σ count x amount, exact, whatever the grouping). Nothing is held per
consult: the decisions are held (their ids stay unique) until the next fold, which comes when
they hold `max_rows` rows (odds and candidates) or `max_combos` combinations.

A decision's odds mostly give one amount to every winner (1/k; with unequal weights, a few
amounts): those are added by set (`SetSums`: at the cost of the set's changes since the previous
decision of the same rule and groups, not of the pool), the others account by account; the
Shapley differences of two such decisions likewise, by the sets of accounts of both, of the
first only, of the second only. Exact either way: the same floats.
"""

from __future__ import annotations

from math import factorial
from typing import Sequence

from shunt.diagnose.balance import setsums
from shunt.diagnose.balance.setsums import SetSums, classes
from shunt.diagnose.exact_sums import ExactSums, Ratios
from shunt.diagnose.variants import ALL, BINDING, EXCLUSIVE, FACTORS, RECENT, WEIGHTS

EXPECTED = (0, RECENT, BINDING, WEIGHTS, EXCLUSIVE, ALL)  # the removed sets whose expected counts are shown
EFFECT = 16  # sums EFFECT + f: factor f's Shapley effects

# memory bounds (flat in the period's length and the shop's size): rows of the decisions held
# (odds + candidates), and combinations of decisions counted, between two folds
MAX_ROWS = 150_000
MAX_COMBOS = 20_000


def _submasks(m: int) -> list[int]:
    out, s = [], m
    while True:
        out.append(s)
        if s == 0:
            return out
        s = (s - 1) & m


# Shapley weights: _W[k][s] for a player among k, a coalition of s others
_W = {k: {s: factorial(s) * factorial(k - s - 1) / factorial(k) for s in range(k)} for k in range(1, 5)}
SUBMASKS = tuple(tuple(_submasks(m)) for m in range(16))


def _plan(act: int) -> tuple[tuple, tuple]:
    """For a consult subject to `act` (its decisions in SUBMASKS[act]'s order): (the position of
    each EXPECTED set's decision, [(factor, Shapley weight, position without S, position without
    S + f)] for each factor f of `act` and each subset S of its other factors)."""
    at = {m: i for i, m in enumerate(SUBMASKS[act])}
    expected = tuple(at[M & act] for M in EXPECTED)
    n = bin(act).count("1")
    effects = tuple((f, _W[n][bin(S).count("1")], at[S], at[S | f])
                    for f, _name in FACTORS if act & f for S in SUBMASKS[act & ~f])
    return expected, effects


PLANS = tuple(_plan(act) for act in range(16))


class Tally:
    """Consults counted per combination of decisions, folded into `exact` (see the module)."""

    __slots__ = ("exact", "ratios", "sets", "combos", "held", "rows", "max_rows", "max_combos")

    def __init__(self, exact: ExactSums, max_rows: int | None = None, max_combos: int | None = None) -> None:
        self.exact = exact
        self.ratios = Ratios()
        self.sets = SetSums(exact)  # uniform odds' sums, flushed into `exact` by `close`
        self.combos: dict[tuple, list] = {}  # (act, ids of the decisions) → [decisions, consults]
        self.held: dict[int, object] = {}  # id → a decision held by the combinations
        self.rows = 0
        self.max_rows = MAX_ROWS if max_rows is None else max_rows
        self.max_combos = MAX_COMBOS if max_combos is None else max_combos

    def add(self, act: int, got: Sequence) -> None:
        """One consult subject to the factors `act`, decided `got` with the factors of each submask
        of `act` removed (SUBMASKS[act]'s order)."""
        ck = (act, *map(id, got))
        e = self.combos.get(ck)
        if e is not None:
            e[1] += 1
            return
        if len(self.combos) >= self.max_combos or self.rows > self.max_rows:
            self.fold()
        held = self.held
        for d in got:
            if id(d) not in held:
                held[id(d)] = d
                self.rows += len(d.odds) + len(d.candidates)
        self.combos[ck] = [got, 1]

    def fold(self) -> None:
        """Add the counted consults to the exact sums; forget them and their decisions.

        Decisions with the same odds (in the same order) add the same amounts: each is counted as
        the first of them held (`_alike`), so a fold costs the distinct odds, not the decisions
        (~3x fewer at 40 accounts: the cache's keys tell apart states that give the same odds)."""
        expected: dict[int, dict[int, int]] = {}  # id of a decision → {M: consults}
        effects: dict[tuple, int] = {}  # (f, weight, id without S, id without S + f) → consults
        alike = _Alike()
        same, known = alike.same, alike.first.get
        for (act, *_ids), (got, k) in self.combos.items():
            at, pairs = PLANS[act]
            ids = [known(id(d)) or same(d) for d in got]
            for M, i in zip(EXPECTED, at):
                slots = expected.get(ids[i])
                if slots is None:
                    expected[ids[i]] = {M: k}
                else:
                    slots[M] = slots.get(M, 0) + k
            for f, wt, i, j in pairs:
                iS, iF = ids[i], ids[j]
                if iS != iF:  # (the same odds: a difference of 0 everywhere, nothing to add)
                    key = (f, wt, iS, iF)
                    effects[key] = effects.get(key, 0) + k
        by: dict[int, tuple | None] = {}  # id of a decision → its odds by amount (setsums.classes)
        self._expected(expected, by)
        self._effects(effects, by)
        self.combos.clear()
        self.held.clear()
        self.rows = 0

    def _classes(self, by: dict, i: int) -> tuple | None:
        c = by.get(i, _UNSEEN)
        if c is _UNSEEN:
            c = by[i] = classes(self.held[i].odds)
        return c

    def _expected(self, expected: dict[int, dict[int, int]], by: dict) -> None:
        """Each decision's odds added to the expected counts of the removed sets M it was counted for."""
        held, exact, ratios, sets, of = self.held, self.exact, self.ratios.ratios, self.sets, self.ratios.of
        small = setsums.SMALL
        for i, slots in expected.items():
            d = held[i]
            odds = d.odds
            if len(odds) >= small and (cl := self._classes(by, i)) is not None:
                # few amounts: each added to its accounts at the cost of their set's changes
                kind = _kind(d)
                for r, (p, keys) in enumerate(cl):
                    n, e = of(p)
                    for M, k in slots.items():
                        sets.add(M, (r, kind), keys, n, e, k)
            elif len(slots) == 1:
                for M, k in slots.items():
                    exact.add(M, odds.items(), k)
            elif odds:
                rs = ratios(odds.items())  # once per decision, for every sum it counts in
                for M, k in slots.items():
                    exact.add_ratios(M, rs, k)

    def _effects(self, effects: dict[tuple, int], by: dict) -> None:
        """Each pair's weighted difference of odds added to factor f's effects: by set (the accounts
        of an amount of both, of the first only, of the second only) when each has few amounts."""
        held, exact, sets, of = self.held, self.exact, self.sets, self.ratios.of
        small = setsums.SMALL
        for (f, wt, i, j), k in effects.items():
            dS, dF = held[i], held[j]
            oS, oF = dS.odds, dF.odds
            if len(oS) < small and len(oF) < small:
                cS = cF = None
            else:
                cS, cF = self._classes(by, i), self._classes(by, j)
            if cS is None or cF is None:
                exact.add(EFFECT + f, [(x, d) for x in set(oS) | set(oF)
                                       if (d := wt * (oS.get(x, 0.0) - oF.get(x, 0.0)))], k)
                continue
            slot, kind, kS, kF = EFFECT + f, (wt, _kind(dS), _kind(dF)), oS.keys(), oF.keys()
            for a, (p, A) in enumerate(cS):
                for b, (q, B) in enumerate(cF):
                    _part(sets, of, slot, (a, b, kind), A & B, wt * (p - q), k)
                _part(sets, of, slot, (a, -1, kind), A - kF, wt * (p - 0.0), k)
            for b, (q, B) in enumerate(cF):
                _part(sets, of, slot, (-1, b, kind), B - kS, wt * (0.0 - q), k)

    def close(self) -> None:
        """Fold, and flush the uniform odds' running sums: the exact sums are then complete."""
        self.fold()
        self.sets.flush()


_UNSEEN = object()


class _Alike:
    """id of a decision → id of the first decision seen with the same odds (items in the same
    order): their amounts are the same floats, so counting one for the other is exact."""

    __slots__ = ("first", "by_odds")

    def __init__(self) -> None:
        self.first: dict[int, int] = {}
        self.by_odds: dict[tuple, int] = {}

    def same(self, d) -> int:
        i = id(d)
        r = self.first.get(i)
        if r is None:
            odds = d.odds  # (its accounts and its amounts, in order: cheaper to hash than its items)
            r = self.first[i] = self.by_odds.setdefault((tuple(odds), tuple(odds.values())), i)
        return r


def _kind(d) -> tuple:
    """Decisions whose winners are alike (SetSums' kinds): the same rule over the same matched
    groups. (Not the remaining groups too: at 300 groups, a decision over every group keeps the
    ones with an eligible member, which change with nearly every status change; each new kind
    then cost its whole set, 18k kinds of ~100 accounts on a 1000 x 300 day, against 2.8k kinds
    whose sets change by a few accounts. Any key gives the same sums.)"""
    return (d.rule, d.matched_groups)


def _part(sets: SetSums, of, slot: int, kind: tuple, keys, amount: float, k: int) -> None:
    if keys and amount:
        sets.add(slot, kind, keys, *of(amount), k)
