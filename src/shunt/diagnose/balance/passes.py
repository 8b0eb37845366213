"""balance's passes: the period swept once, or in two halves (`sweep_period`), each half a
`SpanPass` — every consult decided under the recorded configuration and under its variants with
the factors it was subject to removed, and what those decisions add to the sums (`SpanSums`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shunt import store, timeutil
from shunt.diagnose import halves
from shunt.diagnose.balance.results import category
from shunt.diagnose.balance.shapley import SUBMASKS
from shunt.diagnose.balance.sums import SpanSums
from shunt.diagnose.variants import BINDING, EXCLUSIVE, RECENT, WEIGHTS, Variants, decision_cache
from shunt.engine.cache_keys import eligible
from shunt.engine.replay_tracker import ReplayTracker
from shunt.engine.model import SELECTION_REASONS, Config
from shunt.engine.weights_read import equal_weights, positive_weights, read_weights
from shunt.gcpause import release
from shunt.store import periods
from shunt.workers import workers

# why one of the pair was not eligible → the cause of the difference
_NOT_ELIGIBLE = {"offline": "online_time", "suspended": "online_time", "at_capacity": "capacity",
                 "no_capacity": "capacity", "not_listed": "routing_disabled", "routing_disabled": "routing_disabled",
                 "proxy": "proxy"}


EQUAL_MEMO = 256  # decisions remembered with their equal-weights one (the cache's recur while a pool holds)


@dataclass(frozen=True)
class Shared:
    """What every span's pass reads (made before the pass)."""

    acc: list[str]
    idx: dict[str, int]
    assistants: set[str]
    start: int
    nb: int
    bucket_ms: int
    top: str | None
    bottom: str | None
    tz: Any


def sweep_period(conn, sid: int, start: int, end: int, P: Shared, split_at: int) -> SpanSums:
    """The period's sums: one pass, or — from `split_at` consults — two halves split at the median
    consult's ts, each swept from the store's state at its start, their sums added. The halves
    are the same whether they run one after the other (SHUNT_WORKERS=1) or in two processes."""
    n = periods.count_consults(conn, sid, start, end)
    periods.for_sweeping(conn)
    mid = periods.split_ts(conn, sid, start, end, n) if n >= split_at else None
    first, second = halves.in_halves(conn, start, end, mid, lambda c, lo, hi: SpanPass(P).run(c, sid, lo, hi),
                                     parallel=workers() > 1)
    if second is not None:
        first.merge(second)
    return first


class SpanPass:
    """The sweep over one span [lo, hi): every consult's decisions and what they add to the sums."""

    def __init__(self, P: Shared) -> None:
        self.P = P
        self.V = Variants()
        self.weights_unequal: dict[int, bool] = {}
        self.positive: dict[int, tuple[Config, bool]] = {}  # config → (it, every weight > 0: weights_read)
        self.variants: dict[int, list[Config]] = {}  # config → its 16 variants
        self.equal_weights: dict[int, tuple] = {}  # id(decision) → (it, its equal-weights decision or None)
        self.R = SpanSums(len(P.acc), P.nb)

    def run(self, conn, sid: int, lo: int, hi: int) -> SpanSums:
        P, R = self.P, self.R
        tracker = ReplayTracker()
        cache = decision_cache(tracker)
        idx, by_reason, top, hourly, assistants = P.idx, R.by_reason, P.top, R.hourly, P.assistants
        start, bucket_ms, last = P.start, P.bucket_ms, P.nb - 1
        # (per consult: the methods called are looked up once, the small steps written out)
        info, recent_key, first_recent, base_of = cache.info, cache.recent_key, cache.first_recent, cache.base
        decide_many, match_step, factors, pair = cache.decide_many, cache.match_step, self._factors, self._pair
        add, variants_of = R.tally.add, self._variants
        self.decide_many, derive = decide_many, cache.enabled  # (off: every variant decided by the engine)
        n = replayable = 0
        routed_to = [0, 0, 0, 0]  # accounts, assistant, offline_queue, others
        for c, routed, state, _uid in store.sweep(conn, sid, lo, hi, tracker=tracker):
            n += 1
            a = routed.agent
            i = idx.get(a)
            if i is not None:  # where the consult was routed, and the account's hourly count
                routed_to[0] += 1
                hourly[i][min(last, (c.ts - start) // bucket_ms)] += 1
            else:
                routed_to[2 if a is None else 1 if a in assistants else 3] += 1
            cfg = state.config
            if cfg is None:
                if i is not None:
                    by_reason[a][category(routed.reason, None)] += 1
                continue
            replayable += 1
            inf = info(cfg)
            recent = recent_key(state, c) if inf.hours > 0 and c.source != "transfer_to_group" else ()
            first = first_recent(state, recent, cfg) if recent else None  # rule 4's pick
            act = factors(state, c, cfg, inf, first)
            base = base_of(state, c, cfg)
            vs = variants_of(cfg)
            if act & WEIGHTS and derive:
                got = self._weights_derived(state, c, vs, act, base, first)
            else:
                got = decide_many(state, c, vs, SUBMASKS[act], base, first)  # SUBMASKS: act down to 0
            if i is not None:  # (the matching step only tells apart the selection reasons)
                r = routed.reason
                by_reason[a][category(r, match_step(cfg, c, got[-1], base) if r in SELECTION_REASONS else None)] += 1
            add(act, got)  # what these decisions add to the expected counts and effects
            if top is not None:
                pair(state, c, a, cfg, inf, got)
        R.fold()
        for k, v in zip(("accounts", "assistant", "offline_queue", "others"), routed_to):
            if v:
                R.routed_to[k] += v
        R.n, R.replayable = n, replayable
        R.decisions, R.engine_runs = cache.hits + cache.misses, cache.misses
        if not halves.forked():  # (a forked half exits without freeing anything)
            release(tracker, cache)
        return R

    def _factors(self, state, c, cfg: Config, inf, first: str | None) -> int:
        """The factors (bits) that can change this consult's decision: the others are null players."""
        src = c.source
        if src == "qianniu_initiated" or (
                src == "transfer_to_agent" and c.target is not None and state.status.get(c.target) == "online"):
            return 0
        act = 0
        if first is not None:
            act |= RECENT
        if c.buyer in inf.exclusive:
            act |= EXCLUSIVE
        if len(cfg.groups) > 1 and not (src == "transfer_to_group" and c.target in inf.groups) and (
                (c.item is not None and str(c.item) in inf.items) or c.order_state in inf.states
                or (src == "bot_transfer" and c.intent in inf.intents)):
            act |= BINDING
        wu = self.weights_unequal.get(id(cfg))
        if wu is None:
            # weights only set odds among several winners: rule 7 (not round robin) and rule 8's proxies
            wu = self.weights_unequal[id(cfg)] = (
                (cfg.settings.strategy != "round_robin" and len({x.weight for x in cfg.agents if not x.proxy}) > 1)
                or len({x.weight for x in cfg.agents if x.proxy}) > 1)
        return act | WEIGHTS if wu else act

    def _weights_derived(self, state, c, vs: list[Config], act: int, base, first: str | None) -> list:
        """decide_many(state, c, vs, SUBMASKS[act], base, first) for a consult subject to weights:
        the decisions without the weights factor first; a decision that read no weight is also the
        one with the weights removed too, and one by weight over its whole pool gives it (every
        member wins at 1/k: engine/weights_read.py); the others are asked."""
        lo = SUBMASKS[act & ~WEIGHTS]
        got = self.decide_many(state, c, vs, lo, base, first)
        cfg = vs[0]
        t = cfg.settings.busy_threshold
        by = dict(zip(lo, got))
        need = []
        for m, d in zip(lo, got):
            if read_weights(d, state, t):
                memo = self.equal_weights
                e = memo.get(id(d))
                if e is None or e[0] is not d:  # (made once per decision: the cache's recur)
                    if len(memo) >= EQUAL_MEMO:  # (a pool's odds each: at 1000 agents, ~50 kB an entry)
                        memo.clear()
                    pos = self.positive.get(id(cfg))
                    if pos is None or pos[0] is not cfg:
                        pos = self.positive[id(cfg)] = (cfg, positive_weights(cfg))
                    e = memo[id(d)] = (d, equal_weights(d, pos[1]))  # (holds d: its id stays unique)
                if e[1] is None:
                    need.append(m | WEIGHTS)
                else:
                    by[m | WEIGHTS] = e[1]
            else:
                by[m | WEIGHTS] = d
        if need:
            by.update(zip(need, self.decide_many(state, c, vs, tuple(need), base, first)))
        return [by[m] for m in SUBMASKS[act]]

    def _variants(self, cfg: Config) -> list[Config]:
        vs = self.variants.get(id(cfg))
        if vs is None or vs[0] is not cfg:
            vs = self.variants[id(cfg)] = [self.V.get(cfg, m) for m in range(16)]
        return vs

    def _pair(self, state, c, a: str | None, cfg: Config, inf, got: list) -> None:
        """The compared pair: chance, broken rules, recent-contact days, and the rest by cause."""
        P, R = self.P, self.R
        top, bottom = P.top, P.bottom
        d0 = got[-1]  # the recorded configuration's decision
        p0 = d0.odds.get(top, 0.0) - d0.odds.get(bottom, 0.0)
        r = (a == top) - (a == bottom)
        if r or p0:
            R.term(("chance" if a in d0.agents or (a is None and not d0.agents) else "broken", None, r - p0))
        if d0.rule == "R4" and d0.agents and d0.agents[0] in (top, bottom):
            for rc in state.recent:
                if rc.account == d0.agents[0]:
                    R.recent_days[rc.account][timeutil.local_date(rc.ts, P.tz).isoformat()] += 1
                    break
        dF = got[0]  # with every factor it was subject to removed
        diff = dF.odds.get(top, 0.0) - dF.odds.get(bottom, 0.0)
        if diff:
            cause = _cause(inf, state, cfg, dF, top, bottom)
            R.term(("cause", cause, diff))
            R.cause_n[cause] += 1


def _cause(inf, state, cfg: Config, dF, top: str, bottom: str) -> str:
    """Why the decision without the replayable factors treats the pair differently."""
    rule = dF.rule
    if rule in ("R1", "R2"):
        return "transfer"
    if rule == "R8":
        return "fallback"
    ok_t, why_t = eligible(inf, state, top)
    ok_b, why_b = eligible(inf, state, bottom)
    if ok_t and ok_b:
        cands = {x.account for x in dF.candidates if x.eligible}
        if top in cands and bottom in cands:
            return "busyness" if cfg.settings.strategy not in ("conversion_rate", "round_robin") else "strategy"
        return "group_membership"
    why = why_b if ok_t else why_t if ok_b else None
    return _NOT_ELIGIBLE.get(why or "", "other")
