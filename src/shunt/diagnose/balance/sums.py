"""A span's tallies (`SpanSums`): what one sweep over part of the period counts — received per
account and hour, reasons, where consults were routed — and its sums: the expected counts and
Shapley effects (the tally, `shapley.Tally`), and the compared pair's causes, chance and broken
rules, counted as (sum, key, amount) terms. Both are folded into exact sums (`ExactSums`), so two
spans' tallies add up exactly (`merge`) and memory stays flat in the period's length."""

from __future__ import annotations

from collections import Counter, defaultdict

from shunt.diagnose.balance.shapley import EFFECT, EXPECTED, Tally
from shunt.diagnose.exact_sums import ExactSums
from shunt.diagnose.variants import FACTORS

# the pair's terms (chance, broken rules, causes) counted before they are folded into the exact
# totals (the expected counts and effects: shapley's bounds)
MAX_TERMS = 50_000


class SpanSums:
    """A span's tallies. Two spans' tallies are added with `merge` (counts only: exact)."""

    def __init__(self, accounts: int, nb: int) -> None:
        self.hourly = [[0] * nb for _ in range(accounts)]
        self.by_reason: dict[str, Counter] = defaultdict(Counter)
        # (sum, key, amount) → how many times it is added: the pair's causes / chance / broken rules
        self.terms: Counter = Counter()
        self.exact = ExactSums()  # the terms folded (`fold`): exact totals, flat in the period's length
        self.tally = Tally(self.exact)  # the expected counts and effects, folded into `exact` as it fills
        self.cause_n: Counter = Counter()
        self.recent_days: dict[str, Counter] = defaultdict(Counter)
        self.routed_to: Counter = Counter()
        self.n = self.replayable = self.decisions = self.engine_runs = 0
        self.spans = 1

    def term(self, key: tuple) -> None:
        """Count one pair term (sum, key, amount); folded when there are more than MAX_TERMS."""
        terms = self.terms
        terms[key] += 1
        if len(terms) > MAX_TERMS:
            self.fold(MAX_TERMS)

    def merge(self, o: "SpanSums") -> None:
        for mine, theirs in zip(self.hourly, o.hourly):
            for b, v in enumerate(theirs):
                mine[b] += v
        for a, cnt in o.by_reason.items():
            self.by_reason[a].update(cnt)
        o.fold()
        self.fold()
        self.exact.merge(o.exact)
        self.cause_n.update(o.cause_n)
        for a, cnt in o.recent_days.items():
            self.recent_days[a].update(cnt)
        self.routed_to.update(o.routed_to)
        self.n += o.n
        self.replayable += o.replayable
        self.decisions += o.decisions
        self.engine_runs += o.engine_runs
        self.spans += o.spans

    def fold(self, above: int = 0) -> None:
        """Fold the counted terms into the exact totals when there are more than `above` of them
        (and, with `above` 0, the tally)."""
        if not above:
            self.tally.close()
        if len(self.terms) > above:
            self.exact.fold(self.terms.items())
            self.terms.clear()

    def sums(self) -> tuple[dict, dict, dict, float, float]:
        """(expected counts by removed set, effects by factor, causes, chance, broken)."""
        self.fold()
        tot = self.exact.floats()
        exp: dict[int, dict[str, float]] = {m: {} for m in EXPECTED}
        eff: dict[int, dict[str, float]] = {f: {} for f, _ in FACTORS}
        causes: dict[str, float] = {}
        chance = broken = 0.0
        for (slot, x), v in tot.items():
            if slot == "chance":
                chance = v
            elif slot == "broken":
                broken = v
            elif slot == "cause":
                causes[x] = v
            elif slot >= EFFECT:
                eff[slot - EFFECT][x] = v
            else:
                exp[slot][x] = v
        return exp, eff, causes, chance, broken
