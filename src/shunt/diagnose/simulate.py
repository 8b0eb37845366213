"""`shunt simulate`: replay a period's recorded consults against a changed configuration.

Traffic (who arrives when, with which item, order, intent, source) and agents' statuses are held
as recorded; every config in force during the period gets the change file applied (config_patch). One pass
(store.sweep driving the engine's ReplayTracker): for each consult the engine decides under the new config
(`after`) and under the recorded one (`before`), both on the simulated state. The simulated pick
keeps the recorded agent whenever the new odds allow it, as a maximal coupling of the two odds
(kept with probability min(1, p_after / p_before); otherwise drawn from the odds the new config
adds), so an unchanged config moves nobody and a changed one moves only what it must. The pick is
fed back to the tracker: loads, recent contacts and round-robin pointers follow the simulated
assignment; a session lasts as long as the recorded one. Seeded: same seed, same answer.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Mapping

from shunt import store, timeutil
from shunt.diagnose.config_patch import apply_override
from shunt.diagnose.variants import decision_cache
from shunt.engine.replay_tracker import ReplayTracker
from shunt.engine.model import Config, Decision, Routed
from shunt.engine.tracker import MIN_HORIZON_HOURS
from shunt.gcpause import paused_gc, release

CAVEATS = (
    "Buyers' reactions cannot be known: the same buyers arrive at the same moments with the same items, orders "
    "and intents whoever would have served them; a different agent might have changed whether and when they "
    "came back, transferred or bought.",
    "Session lengths under a new assignment cannot be known: each session ends when the recorded one ended.",
    "Agents' statuses are as recorded: nobody logs in, suspends or leaves differently because their load changed.",
    "Transfers and chats started by agents keep their recorded targets, and conversion-rate figures stay as "
    "recorded.",
    "The sampled run is one draw (seeded); expected counts add up the odds along that run's states.",
)


@dataclass(frozen=True)
class Row:
    name: str
    recorded: int
    expected_before: float
    expected_after: float
    sampled: int

    @property
    def change(self) -> float:
        return self.expected_after - self.expected_before


@dataclass(frozen=True)
class Simulation:
    shop: str
    tz: str
    start: int
    end: int
    label: str
    seed: int
    changed: dict[str, Any]  # the new fields, as given
    configs: int  # configurations in force during the period (each got the new fields)
    consults: int
    replayable: int
    accounts: tuple[Row, ...]
    groups: tuple[Row, ...]
    reasons: dict[str, dict[str, float]]  # reason → recorded / expected_before / expected_after / sampled
    moved: dict[str, Any]
    caveats: tuple[str, ...]
    stats: dict[str, Any] = field(default_factory=dict)


def _odds(d: Decision) -> Mapping[str | None, float]:
    if not d.agents:
        return {None: 1.0}
    odds = d.odds
    if odds and min(odds.values()) > 0:  # (most of them: no copy)
        return odds
    return {a: p for a, p in odds.items() if p > 0} or {d.agents[0]: 1.0}


def _odds_entry(memo: dict, d: Decision) -> tuple:
    """(d, _odds(d), its (account, odds, group) in order), remembered in `memo`."""
    if len(memo) >= 50_000:
        memo.clear()
    odds = _odds(d)
    groups = d.groups
    e = memo[id(d)] = (d, odds, [(x, p, groups.get(x) if x else None) for x, p in odds.items()])
    return e


def _coupled(rng: random.Random, a: str | None, before: dict, after: dict) -> str | None:
    """A draw from `after` that keeps `a` (a draw from `before`) as often as possible."""
    q = before.get(a, 0.0)
    if q <= 0:  # the record does not follow `before` here: draw afresh
        return _draw(rng, after)
    if before == after:
        return a
    p = after.get(a, 0.0)
    if p >= q or rng.random() < p / q:
        return a
    extra = [(x, after[x] - before.get(x, 0.0)) for x in after if after[x] > before.get(x, 0.0)]
    total = sum(w for _, w in extra)
    if total <= 0:
        return a
    return _draw(rng, dict(extra), total)


def _draw(rng: random.Random, odds: dict, total: float = 1.0):
    r = rng.random() * total
    acc = 0.0
    last = None
    for x, w in odds.items():
        last = x
        acc += w
        if r < acc:
            return x
    return last


def simulate(conn, sid: int, start: int, end: int, label: str, new: dict[str, Any], seed: int = 0,
             limit: int = 50) -> Simulation:
    # the cyclic collector stays paused until the tracker and the cache are freed (see balance)
    with paused_gc():
        return _simulate(conn, sid, start, end, label, new, seed, limit)


def _simulate(conn, sid: int, start: int, end: int, label: str, new: dict[str, Any], seed: int,
              limit: int) -> Simulation:
    nick, tzname = store.shop_info(conn, sid)
    made: dict[int, tuple[Config, Config]] = {}

    def transform(cfg: Config) -> Config:
        e = made.get(id(cfg))
        if e is None or e[0] is not cfg:
            e = made[id(cfg)] = (cfg, apply_override(cfg, new))
        return e[1]

    new_hours = (new.get("settings") or {}).get("recent_contact_hours")
    tracker = ReplayTracker(transform, float(new_hours) if isinstance(new_hours, (int, float)) else 0.0)
    cache = decision_cache(tracker)
    sums = _Sums(random.Random(seed), timeutil.zone(tzname), limit)
    shared: dict[int, tuple] = {}  # id(after) → (after, before, their keys the same (_same_keys), _alike)
    decide, base_of, recent_key, first_recent = cache.decide, cache.base, cache.recent_key, cache.first_recent
    for c, routed, state, _uid in store.sweep(conn, sid, start, end, tracker=tracker):
        cfg_after, cfg_before = state.config, tracker.recorded_config
        if cfg_after is None or cfg_before is None:
            sums.kept(routed)  # not replayable: the recorded decision is kept
            continue
        e = shared.get(id(cfg_after))
        if e is None or e[0] is not cfg_after or e[1] is not cfg_before:
            same = _same_keys(cfg_after, cfg_before)
            # (decided once where it must be the same: not with the cache off, the engine's own answer to compare with)
            e = shared[id(cfg_after)] = (cfg_after, cfg_before, same, _alike(cfg_after, cfg_before) if same and cache.enabled
                                         else None)
        if e[2]:  # one base and rule 4's pick for both
            base = base_of(state, c, cfg_before)
            recent = (recent_key(state, c, cfg_before)
                      if c.source != "transfer_to_group" and cfg_before.settings.recent_contact_hours else ())
            first = first_recent(state, recent, cfg_before) if recent else None
            d_before = decide(state, c, cfg_before, base, first=first)
            if e[3] is _EQUAL or (e[3] is _STRATEGY and d_before.reason not in _BY_STRATEGY):
                d_after = d_before  # (see _alike)
            else:
                d_after = decide(state, c, cfg_after, base, first=first)
        else:
            d_after, d_before = decide(state, c, cfg_after), decide(state, c, cfg_before)
        override = sums.replayed(c, routed, d_after, d_before)
        if override is not None:
            tracker.override = override  # else the tracker records `routed`
    stats = {"decisions": cache.hits + cache.misses, "engine_runs": cache.misses}
    release(tracker, cache)
    return Simulation(shop=nick, tz=tzname, start=start, end=end, label=label, seed=seed, changed=dict(new),
                      configs=len(made), **sums.result(new_hours), stats=stats)


def _same_keys(a: Config, b: Config) -> bool:
    """Whether what the decision cache reads of a config for a consult's keys (DecisionCache.base)
    and rule 4's pick (the recent contacts in its window, the first eligible) is the same under `a`
    and `b`: the shop, agents, exclusive list, groups and their bindings, assistant, intent routing
    and recent-contact hours. Then the keys made once serve both (a change of strategy, threshold
    or fallbacks, as most simulations)."""
    sa, sb = a.settings, b.settings
    return (a.shop == b.shop and sa.assistant == sb.assistant and sa.intent_routing == sb.intent_routing
            and sa.recent_contact_hours == sb.recent_contact_hours and a.agents == b.agents
            and a.exclusive == b.exclusive and a.groups == b.groups)


_EQUAL, _STRATEGY = "equal", "strategy"
_BY_STRATEGY = frozenset(("reception_rate", "conversion_rate", "round_robin"))  # rule 7's reasons by strategy


def _alike(a: Config, b: Config) -> str | None:
    """_EQUAL: the change left the config as it was, so every decision is the same (the engine reads
    the state and the config); _STRATEGY: they differ in settings.strategy only, which the engine reads
    only where rule 7 chooses among several candidates (engine/select.py: each strategy then gives its
    own reason), so a decision with another reason is the same under both; None: neither."""
    if a == b:
        return _EQUAL
    sa, sb = a.settings, b.settings
    if sa.strategy != sb.strategy and dataclasses.replace(a, settings=dataclasses.replace(sa, strategy=sb.strategy)) == b:
        return _STRATEGY
    return None


class _Sums:
    """What simulate adds up over the period: recorded, expected (before / after) and sampled
    counts per account, group and reason, and the consults the sampled run moved."""

    def __init__(self, rng: random.Random, tz, limit: int) -> None:
        self.rng, self.tz, self.limit = rng, tz, limit
        self.rec_acc: Counter = Counter()
        self.samp_acc: Counter = Counter()
        self.exp_b: dict = defaultdict(float)
        self.exp_a: dict = defaultdict(float)
        self.rec_grp: Counter = Counter()
        self.samp_grp: Counter = Counter()
        self.gexp_b: dict = defaultdict(float)
        self.gexp_a: dict = defaultdict(float)
        self.reasons: dict[str, dict[str, float]] = defaultdict(
            lambda: {"recorded": 0, "expected_before": 0, "expected_after": 0, "sampled": 0})
        self.moved_n = self.certain = self.broken = self.n = self.replayable = 0
        self.buyers: set[str] = set()
        self.by_rule: Counter = Counter()
        self.flows: Counter = Counter()
        self.examples: list[dict] = []
        self.odds_of: dict[int, tuple] = {}  # id(decision) → _odds_entry (cached decisions recur)

    def _recorded(self, routed: Routed) -> None:
        self.n += 1
        self.rec_acc[routed.agent] += 1
        self.rec_grp[routed.group] += 1
        self.reasons[routed.reason]["recorded"] += 1

    def kept(self, routed: Routed) -> None:
        """A consult with no configuration in force: kept as recorded."""
        self._recorded(routed)
        self.samp_acc[routed.agent] += 1
        self.samp_grp[routed.group] += 1
        self.reasons[routed.reason]["sampled"] += 1

    def _entry(self, d: Decision) -> tuple:
        e = self.odds_of.get(id(d))
        if e is None or e[0] is not d:
            e = _odds_entry(self.odds_of, d)
        return e

    def replayed(self, c, routed: Routed, d_after: Decision, d_before: Decision) -> Routed | None:
        """A replayed consult: its expected counts and the sampled pick. → the node to record in
        place of the logged one (None: the logged one)."""
        self._recorded(routed)
        self.replayable += 1
        a = routed.agent
        ob, oa = self._entry(d_before), self._entry(d_after)
        before, after = ob[1], oa[1]
        if a not in before:
            self.broken += 1
        pick = _coupled(self.rng, a, before, after)
        exp_b, gexp_b, exp_a, gexp_a = self.exp_b, self.gexp_b, self.exp_a, self.gexp_a
        for x, p, g in ob[2]:
            exp_b[x] += p
            gexp_b[g] += p
        for x, p, g in oa[2]:
            exp_a[x] += p
            gexp_a[g] += p
        self.reasons[d_before.reason or "?"]["expected_before"] += 1
        self.reasons[d_after.reason or "?"]["expected_after"] += 1
        if pick == a and a in before:
            # kept: the recorded node as it is (its recorded group and reason)
            grp, reason = routed.group, routed.reason
            if a not in after or d_after.reason != routed.reason:
                reason = d_after.reason or routed.reason
                grp = d_after.groups.get(a) if a else None
        else:
            grp, reason = (d_after.groups.get(pick) if pick else None), (d_after.reason or routed.reason)
        self.samp_acc[pick] += 1
        self.samp_grp[grp] += 1
        self.reasons[reason]["sampled"] += 1
        if pick != a:
            self._moved(c, routed, d_after, after, pick, reason)
        if pick != a or grp != routed.group or reason != routed.reason:
            return Routed(agent=pick, group=grp, reason=reason)
        return None

    def _moved(self, c, routed: Routed, d_after: Decision, after: dict, pick, reason: str) -> None:
        a = routed.agent
        self.moved_n += 1
        sure = a not in after
        self.certain += sure
        self.buyers.add(c.buyer)
        self.by_rule[reason] += 1
        self.flows[(a, pick, reason)] += 1
        if len(self.examples) < self.limit:
            self.examples.append({
                "consult": c.id, "ts": timeutil.to_iso(c.ts, self.tz), "buyer": c.buyer, "source": c.source,
                "from": a, "recorded_reason": routed.reason, "to": pick, "reason": reason, "rule": d_after.rule,
                "certain": sure, "odds_recorded_agent": round(after.get(a, 0.0), 4),
                "why": _why(routed, d_after, a, pick, reason, sure),
            })

    def result(self, new_hours: Any) -> dict[str, Any]:
        """Simulation's fields made of the sums."""
        rec_acc, samp_acc, exp_b, exp_a = self.rec_acc, self.samp_acc, self.exp_b, self.exp_a
        names = sorted({x for x in rec_acc} | {x for x in samp_acc} | set(exp_b) | set(exp_a),
                       key=lambda x: (x is None, x or ""))
        accounts = tuple(sorted(
            (Row(name=x if x is not None else "(offline queue)", recorded=rec_acc.get(x, 0),
                 expected_before=round(exp_b.get(x, 0.0), 3), expected_after=round(exp_a.get(x, 0.0), 3),
                 sampled=samp_acc.get(x, 0)) for x in names),
            key=lambda r: (r.name.startswith("("), -r.recorded, r.name)))
        rec_grp, samp_grp, gexp_b, gexp_a = self.rec_grp, self.samp_grp, self.gexp_b, self.gexp_a
        gnames = sorted(set(rec_grp) | set(samp_grp) | set(gexp_b) | set(gexp_a), key=lambda x: (x is None, x or ""))
        groups = tuple(Row(name=g if g is not None else "(no group)", recorded=rec_grp.get(g, 0),
                           expected_before=round(gexp_b.get(g, 0.0), 3), expected_after=round(gexp_a.get(g, 0.0), 3),
                           sampled=samp_grp.get(g, 0)) for g in gnames)
        moved = {
            "consults": self.moved_n, "buyers": len(self.buyers), "certain": self.certain,
            "by_chance": self.moved_n - self.certain, "by_rule": dict(self.by_rule.most_common()),
            "flows": [{"from": f, "to": t, "reason": r, "consults": k} for (f, t, r), k in self.flows.most_common(20)],
            "examples": self.examples,
        }
        return {"consults": self.n, "replayable": self.replayable, "accounts": accounts, "groups": groups,
                "reasons": {k: {kk: round(vv, 3) for kk, vv in v.items()} for k, v in sorted(self.reasons.items())},
                "moved": moved, "caveats": tuple(self._caveats(new_hours))}

    def _caveats(self, new_hours: Any) -> list[str]:
        caveats = list(CAVEATS)
        if self.broken:
            caveats.append(f"{self.broken:,} recorded decisions do not follow the rules under the recorded "
                           "configuration (on the simulated state); for those the new pick was drawn afresh from "
                           "the new odds.")
        if isinstance(new_hours, (int, float)) and new_hours > MIN_HORIZON_HOURS:
            caveats.append(f"Recent contacts are known from {MIN_HORIZON_HOURS:g} h (or the recorded configs' hours) "
                           f"before the period; with {new_hours:g} h, older contacts are missing at its start.")
        if self.n and self.replayable < self.n:
            caveats.append(f"{self.n - self.replayable:,} consults had no configuration in force: kept as recorded.")
        return caveats


def _why(routed: Routed, d: Decision, a, pick, reason, sure: bool) -> str:
    to = pick or "nobody (offline queue)"
    if sure:
        return (f"under the new config {a or 'the offline queue'} could not get it: rule {d.rule} ({reason}) sends it "
                f"to {', '.join(d.agents) or 'nobody'}")
    return (f"under the new config {a} keeps only a {d.odds.get(a, 0.0):.0%} chance ({reason}); the sampled run "
            f"gave it to {to}")
