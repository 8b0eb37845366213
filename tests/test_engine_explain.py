"""decide(state, consult, explain=False) — the fast path for sweeps —, explain=False,
candidates=False — generate's — and candidates="eligible" — balance's and simulate's — yield the
same outcome as the full decision (the last one its table's eligible rows), on random simulated
shops and on generated logs."""

from __future__ import annotations

import io
import random

from hypothesis import HealthCheck, given, settings

from shunt import generate as gen_mod
from shunt.generate import consults as gen_consults
from shunt.engine.decide import decide
from shunt.engine.model import Routed
from shunt.engine.pick import pick
from shunt.engine.tracker import Tracker

from test_engine_tracker import feed, histories


def outcome(d):
    return (d.replayable, d.reason, d.rule, d.agents, dict(d.odds), dict(d.groups), d.matched_groups,
            d.remaining_groups, d.candidates)


def same(state, c):
    full, fast = decide(state, c), decide(state, c, explain=False)
    lean = decide(state, c, explain=False, candidates=False)
    few = decide(state, c, explain=False, candidates="eligible")
    assert outcome(fast) == outcome(full)
    assert full.steps and (fast.steps == () or not fast.replayable)
    assert outcome(lean)[:-1] == outcome(full)[:-1] and lean.candidates == () and lean.steps == fast.steps
    assert outcome(few)[:-1] == outcome(full)[:-1] and few.steps == fast.steps
    assert few.candidates == tuple(r for r in full.candidates if r.eligible)
    return full


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(histories())
def test_both_modes_agree_on_a_simulated_shop(h):
    events, seed, _split = h
    rng = random.Random(seed)
    t = Tracker()
    for ts, _rank, _uid, kind, payload in events:
        if kind != "consult":
            feed(t, kind, ts, payload)
            continue
        d = same(t.state_for(payload), payload)
        w = pick(d, rng) if d.replayable else None
        t.consult(payload, Routed(w, d.groups.get(w) if w else None, d.reason or "reception_rate"))


def test_both_modes_agree_on_generated_shops(monkeypatch):
    seen = []

    def checked(state, c, explain=True, candidates=True):
        seen.append(c.id)
        return same(state, c)

    monkeypatch.setattr(gen_consults, "decide", checked)  # the generator routes each consult there
    for seed, agents, groups in [(1, 3, 0), (2, 12, 4), (3, 6, 1), (4, 20, 6)]:
        gen_mod.generate(io.BytesIO(), consults=400, agents=agents, groups=groups, seed=seed, faults=0.05)
    assert len(seen) >= 1600
