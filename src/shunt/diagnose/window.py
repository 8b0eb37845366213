"""why-silent's window: each consult before the moment, tallied for one account.

What the account received is what the log recorded (its `routed.agent`), as balance counts it.
A consult the log gave to another account is either a tie the account lost (it was one of several
replayed winners: "could have received, lost the draw"), a node the rules give to this account
alone (a recorded decision that breaks the rules), a direct consult, or a cause code of cli.md
(at which rule it passed the account by)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from shunt import engine, store, timeutil
from shunt.diagnose.passed_by import DIRECT, RECEIVED, Quick, passed_by
from shunt.diagnose.replay import rule_group
from shunt.engine.tracker import Tracker

EXAMPLES = 3


@dataclass
class Tally:
    total: int = 0
    received: int = 0  # recorded as received by the account (the log)
    received_against_rules: int = 0  # ... of which the replay gives to others (a mismatch)
    lost_draw: int = 0  # one of several tied replayed winners; the log picked another
    rules_give_it: int = 0  # the only replayed winner; the log gave it to another (a mismatch)
    direct: int = 0
    counts: Counter = field(default_factory=Counter)  # cause code → consults passed by
    examples: dict = field(default_factory=lambda: defaultdict(list))  # code (or a tally name) → examples
    states: Counter = field(default_factory=Counter)  # order state → consults
    went: Counter = field(default_factory=Counter)  # group_unmatched: the node's group → consults
    strategies: set = field(default_factory=set)

    def example(self, key: str, consult, routed, why: str, tz) -> None:
        if len(self.examples[key]) < EXAMPLES:
            self.examples[key].append({"consult": consult.id, "ts": timeutil.to_iso(consult.ts, tz),
                                       "buyer": consult.buyer, "went_to": routed.agent, "why": why})

    def window(self) -> dict:
        """The JSON-ready counts (the keys of `window` in why-silent's output)."""
        out = {"consults": self.total, "received": self.received, "lost_draw": self.lost_draw,
               "rules_give_it": self.rules_give_it, "received_against_rules": self.received_against_rules,
               "direct": self.direct, "passed_by": dict(self.counts)}
        ex = {k: list(v) for k, v in self.examples.items() if k in ("lost_draw", "rules_give_it",
                                                                      "received_against_rules")}
        if ex:
            out["examples"] = ex
        return out


def tally(conn, shop_id: int, account: str, start: int, end: int, tz, quick: bool = True) -> Tally:
    """Every consult in [start, end) replayed (or known without the rules, `quick`) for `account`.

    The sweep yields rows (`store.Row`): a Consult is made only for the consults whose rules run."""
    t = Tally()
    tracker = Tracker()
    quick_code = Quick(account).code if quick else None
    peek_at, live_state, decide, examples = tracker.peek, tracker.live_state, engine.decide, t.examples
    counts, states, strategies = t.counts, Counter(), t.strategies
    cfg = None
    for row, routed, _none, _uid in store.sweep(conn, shop_id, start, end, tracker=tracker, states=False, rows=True):
        states[row[6]] += 1  # (the order state; None: no order)
        if routed.agent == account:
            _received(t, tracker, row.consult(), routed, account, tz)
            continue
        peek = peek_at(row, account)  # (only `account`'s load is read)
        code = quick_code(peek, row) if quick_code is not None else None
        d = None
        if code is None or len(examples[code]) < EXAMPLES:  # the rules run: for the cause, or its sentence
            consult = row.consult()
            state = live_state(consult)  # read before the sweep feeds the next event
            d = decide(state, consult, explain=False, candidates=False)  # passed_by reads no step, no table
            code, why = passed_by(state, consult, d, account, words=False)
            if len(examples[code]) < EXAMPLES:  # an example still to give: its sentence
                why = passed_by(state, consult, d, account)[1]
        if code == RECEIVED:
            key = "lost_draw" if len(d.agents) > 1 else "rules_give_it"
            setattr(t, key, getattr(t, key) + 1)
            if len(t.examples[key]) < EXAMPLES:  # (its sentence only while an example is still to give)
                t.example(key, row, routed, (f"one of {len(d.agents)} tied winners ({d.reason}); the log's pick was "
                                             f"{routed.agent or 'nobody'}") if key == "lost_draw" else
                          f"the rules give it to this account alone ({d.reason}); the log gave it to "
                          f"{routed.agent or 'nobody'}", tz)
            continue
        if code == DIRECT:
            t.direct += 1
            continue
        if peek.config is not cfg:
            cfg = peek.config
            if cfg is not None:
                strategies.add(cfg.settings.strategy)
        if code == "group_unmatched":
            t.went[rule_group(state, d, routed.agent) or (d.remaining_groups or ("-",))[0]] += 1
        counts[code] += 1
        if d is not None:
            t.example(code, row, routed, why, tz)
    t.total = sum(states.values())
    for s, n in states.items():
        t.states["no_active_order" if s is None else s] += n
    return t


def _received(t: Tally, tracker: Tracker, consult, routed, account: str, tz) -> None:
    """A consult the log gave to `account`: received; the rules run to tell whether they agree."""
    t.received += 1
    state = tracker.live_state(consult)  # read before the sweep feeds the next event
    d = engine.decide(state, consult, explain=False, candidates=False)  # (no table: only the winners are read)
    if d.replayable and account not in d.agents:
        t.received_against_rules += 1
        winners = ", ".join(d.agents) or "nobody (offline pool)"
        t.example("received_against_rules", consult, routed,
                  f"the log gave it to {account}, the rules give it to {winners} ({d.reason})", tz)
