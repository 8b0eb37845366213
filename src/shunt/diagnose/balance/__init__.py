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

The package, by concern: `scope` (the accounts shown and compared), `passes` (the sweep, in two
halves from SPLIT_AT consults), `shapley` (what the decisions add: expected counts and effects),
`sums` (a span's tallies, exact), `hourly` (the chart), `attribution` (the pair's "why"),
`results` (the answer's types). This module puts them together.
"""

from __future__ import annotations

from datetime import date as Date

from shunt import store, timeutil
from shunt.diagnose.balance.attribution import PairFacts, attribute, contact_day
from shunt.diagnose.balance.hourly import hourly_status
from shunt.diagnose.balance.passes import Shared, sweep_period
from shunt.diagnose.balance.results import (
    CATEGORIES, CAUSES, FACTOR_NAMES, METHOD, AccountLoad, Attribution, Balance, Factor, category, short,
)
from shunt.diagnose.balance.scope import compared_pair, shown_accounts
from shunt.diagnose.balance.sums import SpanSums
from shunt.diagnose.groupname import group_name
from shunt.diagnose.hours import HOUR, buckets, online_ms
from shunt.diagnose.variants import ALL, FACTORS
from shunt.engine.model import Config
from shunt.gcpause import paused_gc
from shunt.store import periods

__all__ = ["CATEGORIES", "CAUSES", "FACTOR_NAMES", "METHOD", "SPLIT_AT", "AccountLoad", "Attribution", "Balance",
           "Factor", "balance", "category", "short"]

SPLIT_AT = 50_000  # consults in the period from which it is swept in two halves


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
    cfgs = store.configs_in(conn, sid, start, end)
    recorded = periods.received_by_agent(conn, sid, start, end)
    scope = shown_accounts(cfgs, nick, recorded, group, label)
    acc = scope.accounts
    bucket_ms, nb = buckets(start, end)
    tl = store.timelines(conn, sid, acc, start, end)
    online = {a: online_ms(tl[a]) for a in acc}
    rec = {a: recorded.get(a, 0) for a in acc}
    top, bottom = compared_pair(scope, rec, online, pair, label)
    # the pass: one sweep, or two halves (docs/balance.md, Speed)
    P = Shared(acc, {a: i for i, a in enumerate(acc)}, scope.assistants, start, nb, bucket_ms, top, bottom, tz)
    R = sweep_period(conn, sid, start, end, P, SPLIT_AT)
    exp, eff, causes, chance, broken = R.sums()
    last = cfgs[-1] if cfgs else None
    attribution = None
    if top is not None:
        pf = PairFacts(top, bottom, (rec[top], rec[bottom]), online, last, cfgs, eff, causes, R.cause_n, chance, broken,
                       R.recent_days, _day_online(conn, sid, tz, contact_day(eff, R.recent_days, top, bottom), top, bottom))
        attribution = attribute(pf)
    return Balance(shop=nick, tz=tzname, start=start, end=end, label=label, group=scope.group, consults=R.n,
                   replayable=R.replayable, routed={k: R.routed_to.get(k, 0) for k in ("accounts", "assistant",
                                                                                        "offline_queue", "others")},
                   accounts=_loads(P, R, last, rec, online, tl, end, exp, eff), attribution=attribution,
                   bucket_ms=bucket_ms, buckets=nb, notes=_notes(R, label),
                   stats={"decisions": R.decisions, "engine_runs": R.engine_runs, "spans": R.spans},
                   group_name=group_name(cfgs, scope.group))


def _day_online(conn, sid: int, tz, day: str | None, top: str, bottom: str) -> dict[str, int] | None:
    """The pair's online ms on `day` (local), read for the recent-contact sentence."""
    if day is None:
        return None
    s, e = timeutil.day_bounds(Date.fromisoformat(day), tz)
    tls = store.timelines(conn, sid, [top, bottom], s, e)
    return {top: online_ms(tls[top]), bottom: online_ms(tls[bottom])}


def _loads(P: Shared, R: SpanSums, last: Config | None, rec: dict[str, int], online: dict[str, int], tl: dict,
           end: int, exp: dict, eff: dict) -> tuple[AccountLoad, ...]:
    """Each shown account's line, most received first."""
    total_rec = sum(rec.values())
    loads = []
    for a in P.acc:
        hon, hst = hourly_status(tl[a], P.start, end, P.nb, P.bucket_ms)
        conf = last.agent(a) if last else None
        loads.append(AccountLoad(
            account=a, received=rec[a], share=rec[a] / total_rec if total_rec else 0.0, online_ms=online[a],
            per_online_hour=(rec[a] / (online[a] / HOUR)) if online[a] else None,
            by_reason={k: R.by_reason[a].get(k, 0) for k in CATEGORIES},
            expected=exp[0].get(a, 0.0),
            expected_without={**{name: exp[f].get(a, 0.0) for f, name in FACTORS}, "all": exp[ALL].get(a, 0.0)},
            effects={name: eff[f].get(a, 0.0) for f, name in FACTORS},
            weight=conf.weight if conf else None,
            groups=tuple(g.id for g in last.groups_of(a)) if last else (),
            hourly_received=tuple(R.hourly[P.idx[a]]), hourly_online_min=hon, hourly_status=hst,
        ))
    loads.sort(key=lambda x: (-x.received, x.account))
    return tuple(loads)


def _notes(R: SpanSums, label: str) -> tuple[str, ...]:
    notes = []
    if R.n and R.replayable < R.n:
        notes.append(f"{R.n - R.replayable:,} consults had no configuration in force and could not be replayed.")
    if not R.n:
        notes.append(f"No consult in {label}.")
    return tuple(notes)

