"""balance adds odds that are the same for many accounts by set, at the cost of the sets' changes
(diagnose/balance/setsums.py, issue 17): the totals must be the very sums of every amount added
to every account — exactly, so the same floats — whatever the sets, the order, the flushes."""

from __future__ import annotations

import io
import random

import pytest

from shunt.diagnose.balance import setsums, shapley
from shunt.diagnose.balance.setsums import SetSums
from shunt.diagnose.exact_sums import ExactSums, Ratios
from shunt.generate import generate
from tests.cli_helpers import shunt, shunt_json


@pytest.mark.parametrize("max_marks", [3, 40, 10_000])
def test_set_sums_equal_the_amounts_added_account_by_account(max_marks):
    rng = random.Random(max_marks)
    accounts = [f"a{i}" for i in range(30)]
    amounts = [1 / 3, 0.1, 2.0 ** -60, -0.7, 1e-300, 5e-324, 12345.678, 1.0]
    by_set, one_by_one = ExactSums(), ExactSums()
    sets, ratios = SetSums(by_set, max_marks), Ratios(limit=3)
    current: dict = {}
    for _ in range(600):
        slot, kind = rng.choice((0, 1, "x")), rng.randrange(3)
        keys = current.setdefault((slot, kind), set(rng.sample(accounts, 12)))
        for _ in range(rng.randrange(3)):  # a few accounts join or leave, as between decisions
            keys ^= {rng.choice(accounts)}
        if not keys:
            continue
        amount, count = rng.choice(amounts) * rng.choice((1, 1, 3.5)), rng.randrange(1, 5)
        sets.add(slot, kind, dict.fromkeys(keys).keys() if rng.random() < 0.5 else set(keys),
                 *ratios.of(amount), count)
        one_by_one.add(slot, [(x, amount) for x in keys], count)
    sets.flush()
    assert sets.marks == 0 and not sets.kinds
    got, want = by_set.floats(), one_by_one.floats()
    assert got == want
    assert len(want) > 30  # several sums, many accounts


def test_classes_by_amount():
    odds = {"a": 0.25, "b": 0.5, "c": 0.25, "d": 0.25, "e": 0.5, "f": 0.25, "g": 0.25, "h": 0.25}
    assert setsums.classes(odds) == ((0.25, {"a", "c", "d", "f", "g", "h"}), (0.5, {"b", "e"}))
    assert setsums.classes(dict.fromkeys("abcdefgh", 0.125)) == ((0.125, dict.fromkeys("abcdefgh").keys()),)
    assert setsums.classes({"a": 1.0}) == ((1.0, {"a": None}.keys()),)
    assert setsums.classes({}) == ()
    assert setsums.classes({str(i): float(i) for i in range(1, 20)}) is None  # many amounts


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    d = tmp_path_factory.mktemp("setsums")
    buf = io.BytesIO()
    generate(buf, consults=1500, agents=60, groups=3, seed=5)
    (d / "log.jsonl").write_bytes(buf.getvalue())
    assert shunt("load", str(d / "log.jsonl"), db=d / "s.db").exit_code == 0
    return d / "s.db"


def test_balance_the_same_whether_odds_are_added_by_set_or_one_by_one(shop, monkeypatch):
    monkeypatch.setenv("SHUNT_WORKERS", "1")
    monkeypatch.setattr(setsums, "SMALL", 10**9)  # every decision's odds account by account
    one_by_one = shunt_json("balance", "--date", "2026-11-11", db=shop)
    monkeypatch.setattr(setsums, "SMALL", 1)  # every decision with few amounts by set ...
    monkeypatch.setattr(setsums, "MAX_MARKS", 50)  # ... flushed often
    monkeypatch.setattr(shapley, "MAX_COMBOS", 30)
    by_set = shunt_json("balance", "--date", "2026-11-11", db=shop)
    assert by_set == one_by_one
    assert any(a["expected"] for a in by_set["accounts"])
    assert any(v for a in by_set["accounts"] for v in a["effects"].values())


class _D:
    """A decision as the tally reads it (each made anew: alike ones are distinct objects)."""

    def __init__(self, odds: dict, rule: str = "R7") -> None:
        self.odds, self.rule, self.candidates = odds, rule, ()
        self.matched_groups = self.remaining_groups = ("g",)


def _by_definition(consults) -> dict:
    """Every consult's amounts added one by one (docs/balance.md): the expected counts of each
    shown removed set M, and each factor's Shapley differences."""
    from math import factorial

    out = ExactSums()
    for act, got in consults:
        at = {m: i for i, m in enumerate(shapley.SUBMASKS[act])}
        n = bin(act).count("1")
        for M in shapley.EXPECTED:
            out.add(M, got[at[M & act]].odds.items(), 1)
        for f in (1, 2, 4, 8):
            if not act & f:
                continue
            for S in shapley.SUBMASKS[act & ~f]:
                s = bin(S).count("1")
                wt = factorial(s) * factorial(n - s - 1) / factorial(n)
                oS, oF = got[at[S]].odds, got[at[S | f]].odds
                out.add(shapley.EFFECT + f, [(x, wt * (oS.get(x, 0.0) - oF.get(x, 0.0)))
                                             for x in {**oS, **oF} if oS.get(x, 0.0) != oF.get(x, 0.0)], 1)
    return out.floats()


@pytest.mark.parametrize("small", [1, 8, 10**9])
def test_tally_counts_decisions_with_the_same_odds_as_one_exactly(small, monkeypatch):
    """A fold counts decisions with the same odds once (shapley._Alike): the totals must be the
    per-consult sums whatever the objects, including alike odds in another order, other odds
    on the same accounts, and pairs of two alike decisions (a difference of 0)."""
    monkeypatch.setattr(setsums, "SMALL", small)
    rng = random.Random(small)
    accts = [f"a{i}" for i in range(12)]
    shapes = [{}, {"a1": 1.0}, {"a2": 1.0}, dict.fromkeys(accts[:9], 1 / 9), dict.fromkeys(accts[3:], 1 / 9),
              {"a1": 0.25, "a2": 0.75}, {"a2": 0.75, "a1": 0.25}, {"a1": 0.75, "a2": 0.25},
              {x: (i + 1) / 78 for i, x in enumerate(accts)}]
    exact = ExactSums()
    tally = shapley.Tally(exact, max_rows=10**9, max_combos=40)
    consults = []
    for _ in range(500):
        act = rng.choice((1, 2, 3, 6, 7, 15))
        got = [_D(dict(rng.choice(shapes))) for _ in shapley.SUBMASKS[act]]
        if rng.random() < 0.3:
            got[0] = got[-1]  # the same object twice
        consults.append((act, got))
        tally.add(act, got)
        if rng.random() < 0.5:  # the very same decisions again (a combination counted twice)
            consults.append((act, got))
            tally.add(act, got)
    tally.close()
    assert exact.floats() == _by_definition(consults)
