"""engine/weights_read.py against the engine: a decision that read no weight is the decision of the
same config with every weight 1 (balance's "weights" factor removed), consult by consult, on
generated shops — reception rate with a low busy threshold (busy and not busy pools),
conversion rate with coarse rates (ties), round robin; weights 0 to 3 and proxies of unequal
weights (rule 8's proxies by weight). The decision cache's form (candidates: rule 7's pool) and the
explained form (the candidate table) must give the same answer.

balance (diagnose/balance/passes.py) takes such a decision for the weights-removed variant without
asking the engine: a wrong "read no weight" changes balance's sums, and fails here first."""

from __future__ import annotations

import dataclasses

import pytest
from engine_helpers import generated_rows, replay_states

from shunt.diagnose.variants import WEIGHTS, variant
from shunt.engine import decide
from shunt.engine.model import Config
from shunt.engine.replay_tracker import ReplayTracker
from shunt.engine.weights_read import equal_weights, positive_weights, read_weights


def _transform(strategy: str, threshold: int, positive: bool = False):
    def transform(cfg: Config) -> Config:
        agents = tuple(dataclasses.replace(a, weight=float((i * 7) % 3 + 1 if positive else (i * 7) % 4),
                                           proxy=a.proxy or i % 9 == 4)
                       for i, a in enumerate(cfg.agents))
        s = dataclasses.replace(cfg.settings, strategy=strategy, busy_threshold=threshold)
        return dataclasses.replace(cfg, settings=s, agents=agents)
    return transform


def _outcome(d):
    return (d.rule, d.reason, d.agents, list(d.odds.items()), dict(d.groups), d.matched_groups,
            d.remaining_groups, [x.account for x in d.candidates])


# (strategy, busy threshold, every weight > 0): weights 0-3, or 1-3
MODES = [("reception_rate", 1, False), ("conversion_rate", 2, False), ("round_robin", 2, False),
         ("conversion_rate", 2, True), ("reception_rate", 1, True)]


@pytest.mark.parametrize("mode", MODES, ids=lambda m: f"{m[0]}-t{m[1]}{'-positive' if m[2] else ''}")
def test_a_decision_that_read_no_weight_or_won_by_weight_whole_gives_the_equal_weights_one(mode):
    rows = generated_rows(12, 60, 6, 300)
    tracker = ReplayTracker(_transform(*mode))
    variants: dict[int, Config] = {}
    unread = read = differs = derived = 0
    by_reason: dict[str, int] = {}
    for state, c in replay_states(rows, tracker):
        cfg = state.config
        if cfg is None:
            continue
        eq = variants.get(id(cfg))
        if eq is None:
            eq = variants[id(cfg)] = variant(cfg, WEIGHTS)
        st = dataclasses.replace(state, pools=None)
        d = decide(st, c, explain=False, candidates="pool")
        t = cfg.settings.busy_threshold
        r = read_weights(d, st, t)
        assert read_weights(decide(st, c), st, t) == r, c.id  # the table form: the same answer
        d_eq = decide(dataclasses.replace(st, config=eq), c, explain=False, candidates="pool")
        if not r:
            unread += 1
            assert _outcome(d) == _outcome(d_eq), (c.id, d.rule, d.reason)
        else:
            read += 1
            differs += _outcome(d) != _outcome(d_eq)
            positive = positive_weights(cfg)
            assert positive == mode[2]
            made = equal_weights(d, positive)
            if made is not None:  # made without deciding again: the engine's, field by field
                assert _outcome(made) == _outcome(d_eq), (c.id, d.reason)
                assert equal_weights(decide(st, c), positive) is not None, c.id  # the table form too
                derived += 1
                by_reason[d.reason] = by_reason.get(d.reason, 0) + 1
    # both answers given, and the weights did change some of the decisions that read them
    assert unread > 20 and read > 20, (unread, read)
    if mode[0] != "round_robin":
        assert differs > 0
    if mode[0] == "reception_rate":
        assert derived > 20, derived
    if mode[2]:  # every weight > 0: rule 8's proxies and conversion rate's ties are made too
        assert by_reason.get("proxy_account", 0) > 5, by_reason
        if mode[0] == "conversion_rate":
            assert by_reason.get("conversion_rate", 0) > 20, by_reason
    else:
        assert "conversion_rate" not in by_reason and "proxy_account" not in by_reason, by_reason
