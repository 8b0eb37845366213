"""`shunt balance`: who received how much, and why the load is uneven between accounts.

Method (docs/balance.md): one pass over the period with the recorded states (store.sweep; two
halves, each seeded from the store, for a large period).
For every consult the engine decides under the recorded configuration and under counterfactual
variants with factors removed — recent contact off, group bindings cleared, weights equal,
exclusive agents removed. Expected counts add up the decisions' odds (no random picks).
The effect of each factor on each account is its Shapley value, computed per consult (a factor
that cannot change a consult's decision is a null player there and costs no replay) and summed.
What is left once every replayable factor is removed is split consult by consult by why the two
compared accounts differed: one of them offline or suspended (online time: exposure), at its
reception limit, busy-ness, not in the matched groups, transfers, fallback. The recorded
difference minus the expected one is chance (random picks) and recorded decisions that break
the rules.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from shunt import store, timeutil
from shunt.diagnose import halves
from shunt.diagnose.balance_tally import EFFECT, EXPECTED, SUBMASKS, Tally
from shunt.diagnose.exact_sums import ExactSums
from shunt.diagnose.hours import HOUR, buckets, online_ms
from shunt.diagnose.variants import ALL, BINDING, EXCLUSIVE, FACTORS, RECENT, WEIGHTS, Variants, decision_cache
from shunt.engine.cache_keys import eligible
from shunt.engine.replay_tracker import ReplayTracker
from shunt.engine.accounts import is_shop_account
from shunt.engine.model import SELECTION_REASONS, Config
from shunt.diagnose.groupname import group_name, resolve_group
from shunt.errors import NotFound, UsageError
from shunt.gcpause import paused_gc
from shunt.workers import workers
from shunt.engine.labels import ORDER_STATES

CATEGORIES = ("recent_contact", "bound_group", "selection", "exclusive", "transfer", "fallback", "robot")
CAUSES = ("online_time", "capacity", "busyness", "strategy", "group_membership", "routing_disabled", "proxy",
          "transfer", "fallback", "other")
FACTOR_NAMES = tuple(n for _, n in FACTORS)
METHOD = ("Expected counts add up the engine's odds for every consult of the period, replayed against the "
          "recorded state (statuses, loads, recent contacts as logged). Factor effects are Shapley values over "
          "four counterfactual switches (recent contact off, group bindings cleared, weights equal, exclusive "
          "agents removed), computed per consult and summed. The rest of the expected difference, with all four "
          "removed, is split per consult by why the two accounts differed (one offline/suspended = online time, "
          "reception limit, busy-ness, group membership, transfers, fallback). Recorded minus expected is chance "
          "plus decisions that break the rules. See docs/balance.md.")


def category(reason: str | None, matched: str | None) -> str:
    if reason == "recent_contact":
        return "recent_contact"
    if reason in ("exclusive_priority", "exclusive_1v1"):
        return "exclusive"
    if reason in ("transfer_to_agent", "qianniu_initiated"):
        return "transfer"
    if reason in ("robot_priority_shop", "robot_priority_group"):
        return "robot"
    if reason in SELECTION_REASONS:
        if matched in ("R6c", "R6d", "R6e"):
            return "bound_group"
        if matched == "R6a":
            return "transfer"
        return "selection"
    return "fallback"


@dataclass(frozen=True)
class AccountLoad:
    account: str
    received: int
    share: float
    online_ms: int
    per_online_hour: float | None
    by_reason: dict[str, int]
    expected: float
    expected_without: dict[str, float]  # factor (or "all") → expected count with it removed
    effects: dict[str, float]  # factor → its Shapley effect on the expected count
    weight: float | None = None
    groups: tuple[str, ...] = ()
    hourly_received: tuple[int, ...] = ()
    hourly_online_min: tuple[float, ...] = ()
    hourly_status: tuple[str, ...] = ()


@dataclass(frozen=True)
class Factor:
    code: str
    consults: float  # this factor's part of the expected difference (top minus bottom)
    share: float | None  # of the expected difference
    message: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Attribution:
    top: str
    bottom: str
    received: tuple[int, int]
    ratio: float | None
    difference: int
    expected_difference: float
    chance: float
    broken: float  # part of recorded minus expected from nodes that break the rules
    factors: tuple[Factor, ...]
    summary: str


@dataclass(frozen=True)
class Balance:
    shop: str
    tz: str
    start: int
    end: int
    label: str
    group: str | None
    consults: int
    replayable: int
    routed: dict[str, int]  # accounts shown / assistant / offline_queue / others
    accounts: tuple[AccountLoad, ...]
    attribution: Attribution | None
    bucket_ms: int
    buckets: int
    notes: tuple[str, ...] = ()
    method: str = METHOD
    stats: dict[str, Any] = field(default_factory=dict)
    group_name: str | None = None  # the group's name, beside its id `group`


def short(account: str) -> str:
    return account.split(":", 1)[1] if ":" in account else account


# memory bound of a pass: the pair's terms (chance, broken rules, causes) counted before they are
# folded into the exact totals (the expected counts and effects: balance_tally's bounds)
MAX_TERMS = 50_000


def _configs(conn, sid: int, nick: str, start: int, end: int) -> list[Config]:
    import json

    out = []
    first = store.config_at(conn, sid, start)
    if first is not None:
        out.append(first)
    for ts, body in conn.execute("SELECT ts, body FROM configs WHERE shop_id = ? AND ts > ? AND ts < ? "
                                 "ORDER BY ts, uid", (sid, start, end)):
        out.append(Config.from_body(nick, ts, json.loads(body)))
    return out


def _bind_text(g) -> str:
    parts = []
    b = g.bind
    if b.order_states:
        names = ", ".join(ORDER_STATES.get(s, (s,))[0] for s in b.order_states)
        parts.append(f"{len(b.order_states)} order state{'s' if len(b.order_states) > 1 else ''} ({names})")
    if b.items:
        parts.append(f"{len(b.items)} item{'s' if len(b.items) > 1 else ''}")
    if b.intents:
        parts.append(f"{len(b.intents)} intent{'s' if len(b.intents) > 1 else ''}")
    return " and ".join(parts)


def balance(conn, sid: int, start: int, end: int, label: str, group: str | None = None,
            pair: tuple[str, str] | None = None) -> Balance:
    # the cyclic collector stays paused until the pass's caches are freed: re-enabled at the end
    # of a sweep, its first collection would rescan all of them (~8% of the CPU time)
    with paused_gc():
        return _balance(conn, sid, start, end, label, group, pair)


def _balance(conn, sid: int, start: int, end: int, label: str, group: str | None,
             pair: tuple[str, str] | None) -> Balance:
    nick, tzname = store.shop_info(conn, sid)
    tz = timeutil.zone(tzname)
    cfgs = _configs(conn, sid, nick, start, end)
    assistants = {c.settings.assistant for c in cfgs if c.settings.assistant}
    recorded = dict(conn.execute("SELECT agent, count(*) FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ? "
                                 "AND agent IS NOT NULL GROUP BY agent", (sid, start, end)).fetchall())
    accounts: dict[str, None] = {}
    for c in cfgs:
        for a in c.agents:
            if a.routing and not a.proxy and a.account not in assistants and (a.max_sessions is None or a.max_sessions > 0):
                accounts[a.account] = None
    ordinary = set(accounts)  # the accounts compared by default: listed to take routed consults
    for a in sorted(recorded, key=lambda x: -recorded[x]):
        if a not in assistants and is_shop_account(nick, a):
            accounts[a] = None
    if group is not None:
        group = resolve_group(cfgs, group, label)  # an id or a name → the id
        members: dict[str, None] = {}
        for c in cfgs:
            for g in c.groups:
                if g.id == group:
                    for m in g.members:
                        if m not in assistants:
                            members[m] = None
        accounts = members
    acc = list(accounts)
    bucket_ms, nb = buckets(start, end)
    tl = store.timelines(conn, sid, acc, start, end)
    online = {a: online_ms(tl[a]) for a in acc}
    rec = {a: recorded.get(a, 0) for a in acc}

    # the pair compared
    top = bottom = None
    if pair is not None:
        for a in pair:
            if a not in accounts:
                raise NotFound(f"{a!r} is not among the accounts of {label}" + (f" in group {group}" if group else ""),
                               [x for x in acc if short(a) in x][:5] or acc[:10])
        top, bottom = pair
    elif len([a for a in acc if a in ordinary] or acc) >= 2:
        order = sorted([a for a in acc if a in ordinary] or acc, key=lambda a: (-rec[a], -online[a], a))
        top = order[0]
        pool = [a for a in order[1:] if online[a] > 0] or order[1:]
        bottom = min(pool, key=lambda a: (rec[a], online[a], a))

    # the pass: one sweep, or two halves (docs/balance.md, Speed)
    idx = {a: i for i, a in enumerate(acc)}
    P = _Shared(acc, idx, assistants, start, nb, bucket_ms, top, bottom, tz)
    R = _passes(conn, sid, start, end, P)
    n, replayable = R.n, R.replayable
    hourly, by_reason, cause_n, recent_days, routed_to = R.hourly, R.by_reason, R.cause_n, R.recent_days, R.routed_to
    exp, eff, causes, chance, broken = R.sums()

    last = cfgs[-1] if cfgs else None
    total_rec = sum(rec.values())
    loads = []
    for a in acc:
        i = idx[a]
        hon, hst = [], []
        for b in range(nb):
            lo, hi = start + b * bucket_ms, min(end, start + (b + 1) * bucket_ms)
            per = Counter()
            for t0, t1, s in tl[a]:
                ov = min(t1, hi) - max(t0, lo)
                if ov > 0:
                    per[s] += ov
            hon.append(round(per["online"] / 60_000, 1))
            hst.append(per.most_common(1)[0][0] if per else "offline")
        conf = last.agent(a) if last else None
        loads.append(AccountLoad(
            account=a, received=rec[a], share=rec[a] / total_rec if total_rec else 0.0, online_ms=online[a],
            per_online_hour=(rec[a] / (online[a] / HOUR)) if online[a] else None,
            by_reason={k: by_reason[a].get(k, 0) for k in CATEGORIES},
            expected=exp[0].get(a, 0.0),
            expected_without={**{name: exp[f].get(a, 0.0) for f, name in FACTORS}, "all": exp[ALL].get(a, 0.0)},
            effects={name: eff[f].get(a, 0.0) for f, name in FACTORS},
            weight=conf.weight if conf else None,
            groups=tuple(g.id for g in last.groups_of(a)) if last else (),
            hourly_received=tuple(hourly[i]), hourly_online_min=tuple(hon), hourly_status=tuple(hst),
        ))
    loads.sort(key=lambda x: (-x.received, x.account))
    attribution = None
    if top is not None:
        attribution = _attribute(conn, sid, tz, last, cfgs, top, bottom, rec, online, eff, causes, cause_n, chance, broken,
                                 recent_days, tl)
    notes = []
    if n and replayable < n:
        notes.append(f"{n - replayable:,} consults had no configuration in force and could not be replayed.")
    if not n:
        notes.append(f"No consult in {label}.")
    return Balance(shop=nick, tz=tzname, start=start, end=end, label=label, group=group, consults=n,
                   replayable=replayable, routed={k: routed_to.get(k, 0) for k in ("accounts", "assistant",
                                                                                    "offline_queue", "others")},
                   accounts=tuple(loads), attribution=attribution, bucket_ms=bucket_ms, buckets=nb, notes=tuple(notes),
                   stats={"decisions": R.decisions, "engine_runs": R.engine_runs, "spans": R.spans},
                   group_name=group_name(cfgs, group))


SPLIT_AT = 50_000  # consults in the period from which it is swept in two halves


@dataclass(frozen=True)
class _Shared:
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


class _Acc:
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

    def merge(self, o: "_Acc") -> None:
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
            self.tally.fold()
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


def _passes(conn, sid: int, start: int, end: int, P: _Shared) -> _Acc:
    """The period's sums: one pass, or — from SPLIT_AT consults — two halves split at the median
    consult's ts, each swept from the store's state at its start, their sums added. The halves
    are the same whether they run one after the other (SHUNT_WORKERS=1) or in two processes."""
    n = conn.execute("SELECT count(*) FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ?",
                     (sid, start, end)).fetchone()[0]
    mid = None
    if n >= SPLIT_AT:
        mid = conn.execute("SELECT ts FROM consults WHERE shop_id = ? AND ts >= ? AND ts < ? ORDER BY ts, uid "
                           "LIMIT 1 OFFSET ?", (sid, start, end, n // 2)).fetchone()[0]
        if mid <= start:
            mid = None
    if mid is None:
        return _pass(conn, sid, start, end, P)
    second = halves.in_child(conn, lambda c2: _pass(c2, sid, mid, end, P)) if workers() > 1 else None
    R = _pass(conn, sid, start, mid, P)
    other = second() if second is not None else None
    if other is None:
        other = _pass(conn, sid, mid, end, P)
    R.merge(other)
    return R


def _pass(conn, sid: int, lo: int, hi: int, P: "_Shared") -> "_Acc":
    """The sweep over [lo, hi): every consult's decisions and what they add to the sums."""
    acc_, idx, assistants, start, nb, bucket_ms, top, bottom, tz = (
        P.acc, P.idx, P.assistants, P.start, P.nb, P.bucket_ms, P.top, P.bottom, P.tz)
    R = _Acc(len(acc_), nb)
    hourly, by_reason, terms, cause_n, recent_days, routed_to = (
        R.hourly, R.by_reason, R.terms, R.cause_n, R.recent_days, R.routed_to)
    tracker = ReplayTracker()
    cache = decision_cache(tracker)
    V = Variants()
    n = replayable = 0
    weights_unequal: dict[int, bool] = {}
    variants: dict[int, list[Config]] = {}  # config → its 16 variants
    for c, routed, state, _uid in store.sweep(conn, sid, lo, hi, tracker=tracker):
        n += 1
        a = routed.agent
        if a is None:
            routed_to["offline_queue"] += 1
        elif a in idx:
            routed_to["accounts"] += 1
        elif a in assistants:
            routed_to["assistant"] += 1
        else:
            routed_to["others"] += 1
        if a in idx:
            hourly[idx[a]][min(nb - 1, (c.ts - start) // bucket_ms)] += 1
        cfg = state.config
        if cfg is None:
            if a in idx:
                by_reason[a][category(routed.reason, None)] += 1
            continue
        replayable += 1
        inf = cache.info(cfg)
        src = c.source
        recent = cache.recent_key(state, c) if inf.hours > 0 and src != "transfer_to_group" else ()
        first = cache.first_recent(state, recent, cfg) if recent else None  # rule 4's pick
        act = 0
        direct = src == "qianniu_initiated" or (
            src == "transfer_to_agent" and c.target is not None and state.status.get(c.target) == "online")
        if not direct:
            if first is not None:
                act |= RECENT
            if c.buyer in inf.exclusive:
                act |= EXCLUSIVE
            if len(cfg.groups) > 1 and not (src == "transfer_to_group" and c.target in inf.groups) and (
                    (c.item is not None and str(c.item) in inf.items) or c.order_state in inf.states
                    or (src == "bot_transfer" and c.intent in inf.intents)):
                act |= BINDING
            wu = weights_unequal.get(id(cfg))
            if wu is None:
                # weights only set odds among several winners: rule 7 (not round robin) and rule 8's proxies
                wu = weights_unequal[id(cfg)] = (
                    (cfg.settings.strategy != "round_robin" and len({x.weight for x in cfg.agents if not x.proxy}) > 1)
                    or len({x.weight for x in cfg.agents if x.proxy}) > 1)
            if wu:
                act |= WEIGHTS
        vs = variants.get(id(cfg))
        if vs is None or vs[0] is not cfg:
            vs = variants[id(cfg)] = [V.get(cfg, m) for m in range(16)]
        subs = SUBMASKS[act]
        base = cache.base(state, c, cfg)
        got = cache.decide_many(state, c, vs, subs, base, first)
        d0 = got[-1]  # subs run from act down to 0
        if a in idx:
            by_reason[a][category(routed.reason, cache.match_step(cfg, c, d0, base))] += 1
        R.tally.add(act, got)  # what these decisions add to the expected counts and effects
        if top is None:
            continue
        if len(terms) > MAX_TERMS:
            R.fold(MAX_TERMS)
        # the pair: chance, broken rules, recent-contact days, and the rest by exposure
        p0 = d0.odds.get(top, 0.0) - d0.odds.get(bottom, 0.0)
        r = (a == top) - (a == bottom)
        if r or p0:
            if a in d0.agents or (a is None and not d0.agents):
                terms["chance", None, r - p0] += 1
            else:
                terms["broken", None, r - p0] += 1
        if d0.rule == "R4" and d0.agents and d0.agents[0] in (top, bottom):
            for rc in state.recent:
                if rc.account == d0.agents[0]:
                    recent_days[rc.account][timeutil.local_date(rc.ts, tz).isoformat()] += 1
                    break
        dF = got[0]
        diff = dF.odds.get(top, 0.0) - dF.odds.get(bottom, 0.0)
        if not diff:
            continue
        rule = dF.rule
        if rule in ("R1", "R2"):
            cause = "transfer"
        elif rule == "R8":
            cause = "fallback"
        else:
            ok_t, why_t = eligible(inf, state, top)
            ok_b, why_b = eligible(inf, state, bottom)
            if ok_t and ok_b:
                cands = {x.account for x in dF.candidates if x.eligible}
                if top in cands and bottom in cands:
                    cause = "busyness" if cfg.settings.strategy not in ("conversion_rate", "round_robin") else "strategy"
                else:
                    cause = "group_membership"
            else:
                why = why_b if ok_t else why_t if ok_b else None
                cause = {"offline": "online_time", "suspended": "online_time", "at_capacity": "capacity",
                         "no_capacity": "capacity", "not_listed": "routing_disabled",
                         "routing_disabled": "routing_disabled", "proxy": "proxy"}.get(why or "", "other")
        terms["cause", cause, diff] += 1
        cause_n[cause] += 1

    R.fold()
    R.n, R.replayable = n, replayable
    R.decisions, R.engine_runs = cache.hits + cache.misses, cache.misses
    return R


def _attribute(conn, sid, tz, cfg, cfgs, top, bottom, rec, online, eff, causes, cause_n, chance, broken, recent_days, tl
               ) -> Attribution:
    T, B = short(top), short(bottom)
    rt, rb = rec[top], rec[bottom]
    parts: list[tuple[str, float, dict]] = []
    for f, name in FACTORS:
        amt = eff[f].get(top, 0.0) - eff[f].get(bottom, 0.0)
        if abs(amt) > 1e-9:
            parts.append((name, amt, {}))
    for cause in CAUSES:
        amt = causes.get(cause, 0.0)
        if abs(amt) > 1e-9:
            parts.append((cause, amt, {"consults_involved": cause_n.get(cause, 0)}))
    expected = sum(p[1] for p in parts)
    factors = []
    for code, amt, facts in sorted(parts, key=lambda p: -abs(p[1])):
        share = amt / expected if abs(expected) > 1e-9 else None
        msg, more = _message(conn, sid, tz, cfg, cfgs, code, amt, top, bottom, T, B, online, recent_days, tl)
        factors.append(Factor(code=code, consults=round(amt, 3), share=None if share is None else round(share, 4),
                              message=msg, facts={**facts, **more}))
    diff = rt - rb
    ratio = rt / rb if rb else None
    head = (f"{T} received {ratio:.1f}x {B} ({rt:,} vs {rb:,})" if ratio is not None
            else f"{T} received {rt:,} consults, {B} none")
    if not factors:
        summary = head + ": the odds give them the same expected load; the difference is chance."
    else:
        shown = [f for f in factors if f.share is not None and abs(f.share) >= 0.005][:4]
        bits = [f"{f.share:.0%} of the difference from {f.message}" if i == 0 else f"{f.share:.0%} from {f.message}"
                for i, f in enumerate(shown)]
        summary = head + ": " + ", ".join(bits) + "." if bits else head + "."
    gap = diff - expected
    if abs(gap) >= 0.5:
        summary += (f" The rules' odds account for {expected:,.1f} of the recorded difference of {diff:,}; "
                    f"{chance:+,.1f} is chance in random picks")
        summary += f" and {broken:+,.1f} comes from recorded decisions that break the rules." if abs(broken) >= 0.5 else "."
    return Attribution(top=top, bottom=bottom, received=(rt, rb), ratio=None if ratio is None else round(ratio, 3),
                       difference=diff, expected_difference=round(expected, 3), chance=round(chance, 3),
                       broken=round(broken, 3), factors=tuple(factors), summary=summary)


def _hours(ms: int) -> str:
    h = ms / HOUR
    return f"{h:.0f} h" if abs(h - round(h)) < 0.05 else f"{h:.1f} h"


def _message(conn, sid, tz, cfg, cfgs, code, amt, top, bottom, T, B, online, recent_days, tl) -> tuple[str, dict]:
    favoured = top if amt > 0 else bottom
    if code == "recent_contact":
        days = recent_days.get(favoured) or Counter()
        facts: dict[str, Any] = {"contact_days": dict(days.most_common(5))}
        if days:
            day = days.most_common(1)[0][0]
            from datetime import date as Date

            s, e = timeutil.day_bounds(Date.fromisoformat(day), tz)
            tls = store.timelines(conn, sid, [top, bottom], s, e)
            ht, hb = online_ms(tls[top]), online_ms(tls[bottom])
            facts.update({"day": day, "online_ms": {top: ht, bottom: hb}})
            return (f"recent contacts accumulated on {day[5:]} ({T} online {_hours(ht)} vs {_hours(hb)})", facts)
        return "recent contacts (最近联系人)", facts
    if code == "group_binding":
        bound = []
        if cfg is not None:
            for acct in (favoured, top if favoured == bottom else bottom):
                for g in cfg.groups_of(acct):
                    if not g.bind.empty and g.name not in [b[0] for b in bound]:
                        bound.append((g.name, _bind_text(g), acct))
        if bound:
            name, text, _ = bound[0]
            return f"{name} being bound to {text}", {"groups": [{"group": b[0], "bind": b[1], "member": b[2]} for b in bound]}
        return "group bindings (分组绑定)", {}
    if code == "weights":
        def ws(acct):
            seen = []
            for c in cfgs:
                a = c.agent(acct)
                if a is not None and a.weight not in seen:
                    seen.append(a.weight)
            return seen
        wt, wb = ws(top), ws(bottom)
        if wt and wb:
            return (f"weights ({T} {'/'.join(f'{w:g}' for w in wt)} vs {B} {'/'.join(f'{w:g}' for w in wb)})",
                    {"weights": {top: wt, bottom: wb}})
        return "weights", {}
    if code == "exclusive":
        return "exclusive buyers (专属客服)", {}
    if code == "online_time":
        return (f"online time ({T} online {_hours(online[top])} vs {B} {_hours(online[bottom])})",
                {"online_ms": {top: online[top], bottom: online[bottom]}})
    if code == "capacity":
        return "reception limits (接待上限): one of them was full", {}
    if code == "busyness":
        thr = cfg.settings.busy_threshold if cfg else 4
        return f"busy-ness (繁忙度: more than {thr} open sessions, the less loaded wins)", {}
    if code == "strategy":
        return f"the {cfg.settings.strategy if cfg else ''} strategy", {}
    if code == "group_membership":
        return "group membership (only one of them was in the groups that took the consults)", {}
    if code == "routing_disabled":
        return "routing switched off or not listed for one of them", {}
    if code == "proxy":
        return "proxy (代理) accounts", {}
    if code == "transfer":
        return "transfers and chats started by agents (转交 / 千牛发起)", {}
    if code == "fallback":
        return "fallback routing (兜底)", {}
    return code, {}


def check_pair(text: str | None) -> tuple[str, str] | None:
    if not text:
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not all(parts) or parts[0] == parts[1]:
        raise UsageError("--pair takes two different accounts separated by a comma: 'zhenpin:阿甲,zhenpin:阿乙'")
    return parts[0], parts[1]
