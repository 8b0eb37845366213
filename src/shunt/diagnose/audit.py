"""`shunt audit`: every node of a period replayed with trace's engine and verdicts, the breaking
ones grouped by the recorded fact that breaks them.

One pass (store.sweep driving an engine Tracker): each consult is decided once against the state
it was routed in (`explain=False`, the outcome only); a node whose record differs is decided again
with its whole process and compared (engine.compare, as trace does), which names the facts that
break it, each with a stable code (engine.codes.FINDINGS). A node counts under its first finding
(the recorded agent's facts come first, then the recorded reason's, then rule precedence).
Memory is flat in the period's length: counters per code, account and hour of day, and the first
N examples per code; each breaking node is handed to `on_break` (the CSV view streams them).
From SPLIT_AT consults (and no `on_break`) the second half is swept in a forked process
(SHUNT_WORKERS=1: one process), seeded from the store at its start as any period is.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Callable

from shunt import engine, store
from shunt.engine.codes import FINDINGS, NOT_REPLAYABLE
from shunt.engine.frozen import frozen
from shunt.engine.model import Consult, Routed
from shunt.engine.replay import matches
from shunt.engine.tracker import Tracker
from shunt.diagnose import halves
from shunt.errors import NotFound
from shunt.store.shop import Shop
from shunt.workers import workers

EXAMPLES = 3  # examples per finding code, by default
GENERIC = "decision_differs"  # the summary finding every mismatch ends with
SPLIT_AT = 50_000  # consults in the period from which two processes sweep its halves (not for --csv)


@frozen
class Break:
    """One node that breaks the rules: the record, the replay, and the findings (code, sentence)."""

    consult: Consult
    routed: Routed
    reason: str | None  # replayed
    agents: tuple[str, ...]  # replayed winners
    rule: str | None  # the replay's deciding rule
    codes: tuple[str, ...]
    findings: tuple[str, ...]

    @property
    def code(self) -> str:
        """The finding it is counted under: the first one more specific than `decision_differs`."""
        return next((c for c in self.codes if c != GENERIC), GENERIC)

    @property
    def fact(self) -> str:
        code = self.code
        return next((f for c, f in zip(self.codes, self.findings) if c == code), "")


@frozen
class Finding:
    """The breaking nodes counted under one code."""

    code: str
    title: str  # what those nodes did, after "N consults ..." (codes.FINDINGS)
    count: int
    share: float  # of the breaking nodes
    accounts: tuple[tuple[str | None, int], ...]  # recorded account (None: nobody) → nodes, most first
    hours: tuple[tuple[int, int], ...]  # hour of day in the shop's zone → nodes, by hour
    examples: tuple[Break, ...]


@frozen
class Unreplayable:
    code: str
    message: str
    count: int
    first: int | None  # ts of the first and last such node
    last: int | None
    examples: tuple[str, ...]  # consult ids


@frozen
class Audit:
    shop: str
    tz: str
    start: int
    end: int
    label: str
    group: str | None
    account: str | None
    checked: int
    matching: int
    breaking: int
    not_replayable: tuple[Unreplayable, ...]
    findings: tuple[Finding, ...]


class _Tally:
    def __init__(self, examples: int, tz) -> None:
        self.n_examples, self.tz = examples, tz
        self.checked = self.matching = 0
        self.codes: Counter[str] = Counter()
        self.accounts: dict[str, Counter] = {}
        self.hours: dict[str, Counter] = {}
        self.examples: dict[str, list[Break]] = {}
        self.unreplayable: dict[str, list] = {}  # code → [count, first, last, ids]

    def broken(self, b: Break) -> None:
        code = b.code
        self.codes[code] += 1
        self.accounts.setdefault(code, Counter())[b.routed.agent] += 1
        self.hours.setdefault(code, Counter())[datetime.fromtimestamp(b.consult.ts / 1000, self.tz).hour] += 1
        ex = self.examples.setdefault(code, [])
        if len(ex) < self.n_examples:
            ex.append(b)

    def not_replayable(self, code: str, c: Consult) -> None:
        u = self.unreplayable.setdefault(code, [0, c.ts, c.ts, []])
        u[0] += 1
        u[2] = c.ts
        if len(u[3]) < self.n_examples:
            u[3].append(c.id)

    def merge(self, o: "_Tally") -> None:
        """Add the tally of the span right after this one (examples stay the first N in time order)."""
        self.checked += o.checked
        self.matching += o.matching
        self.codes.update(o.codes)
        for code, c in o.accounts.items():
            self.accounts.setdefault(code, Counter()).update(c)
        for code, c in o.hours.items():
            self.hours.setdefault(code, Counter()).update(c)
        for code, ex in o.examples.items():
            mine = self.examples.setdefault(code, [])
            mine.extend(ex[: self.n_examples - len(mine)])
        for code, (n, first, last, ids) in o.unreplayable.items():
            u = self.unreplayable.setdefault(code, [0, first, last, []])
            u[0] += n
            u[2] = last
            u[3].extend(ids[: self.n_examples - len(u[3])])

    def findings(self) -> tuple[Finding, ...]:
        total = sum(self.codes.values())
        out = []
        for code, n in sorted(self.codes.items(), key=lambda kv: (-kv[1], kv[0])):
            accounts = sorted(self.accounts[code].items(), key=lambda kv: (-kv[1], kv[0] or ""))
            out.append(Finding(code=code, title=FINDINGS.get(code, ("", code))[1], count=n, share=round(n / total, 4),
                               accounts=tuple(accounts), hours=tuple(sorted(self.hours[code].items())),
                               examples=tuple(self.examples[code])))
        return tuple(out)

    def unreplayables(self) -> tuple[Unreplayable, ...]:
        return tuple(Unreplayable(code=code, message=NOT_REPLAYABLE.get(code, ("", code))[1], count=u[0],
                                  first=u[1], last=u[2], examples=tuple(u[3]))
                     for code, u in sorted(self.unreplayable.items(), key=lambda kv: (-kv[1][0], kv[0])))


def audit(shop: Shop, start: int, end: int, label: str, *, group: str | None = None,
          account: str | None = None, examples: int = EXAMPLES,
          on_break: Callable[[Break], None] | None = None) -> Audit:
    """Every node with start <= ts < end (of group `group` — id or name — and/or of `account`, by the
    record or the replay) replayed and checked. NotFound: an unknown group or account (the command
    first refuses a period without consults: diagnose.period.require_consults)."""
    conn, sid = shop.conn, shop.sid
    n = shop.count_consults(start, end)
    gid = _group_id(shop, start, end, group, label) if group is not None else None
    if account is not None:
        shop.require_account(account)
    P = _Pass(gid, account, max(0, examples), shop.tz, on_break)
    mid = shop.split_ts(start, end, n) if on_break is None and n >= SPLIT_AT and workers() > 1 else None
    # two halves, the second in a forked process: the same answer (the sweep seeds at any point)
    tally, other = halves.in_halves(conn, start, end, mid, lambda c, lo, hi: P.run(c, sid, lo, hi), parallel=True)
    if other is not None:
        tally.merge(other)
    findings = tally.findings()
    return Audit(shop=shop.nick, tz=shop.tzname, start=start, end=end, label=label, group=gid, account=account,
                 checked=tally.checked, matching=tally.matching, breaking=sum(f.count for f in findings),
                 not_replayable=tally.unreplayables(), findings=findings)


class _Pass:
    """The sweep over a span: each node decided, filtered, checked, tallied."""

    def __init__(self, gid: str | None, account: str | None, examples: int, tz, on_break) -> None:
        self.gid, self.account, self.examples, self.tz, self.on_break = gid, account, examples, tz, on_break

    def run(self, conn, sid: int, start: int, end: int) -> _Tally:
        gid, account, tz, on_break = self.gid, self.account, self.tz, self.on_break
        tally = _Tally(self.examples, tz)
        tracker = Tracker()
        decide, compare = engine.decide, engine.compare
        for c, routed, _none, _uid in store.sweep(conn, sid, start, end, tracker=tracker, states=False):
            state = tracker.state_for(c, live_load=True)  # read before the sweep feeds the next event
            d = decide(state, c, explain=False, candidates=False)
            if gid is not None and routed.group != gid and gid not in d.groups.values():
                continue
            if account is not None and routed.agent != account and account not in d.agents:
                continue
            tally.checked += 1
            if not d.replayable:
                tally.not_replayable("no_config", c)
                continue
            if matches(d, routed):
                tally.matching += 1
                continue
            full = decide(state, c)  # the whole process, as trace replays it
            v = compare(state, c, full, routed, tz=tz)
            if v.match:  # pragma: no cover - the outcome does not depend on explain
                tally.matching += 1
                continue
            b = Break(consult=c, routed=routed, reason=full.reason, agents=full.agents, rule=full.rule,
                      codes=v.codes, findings=v.findings)
            tally.broken(b)
            if on_break is not None:
                on_break(b)
        return tally


def _group_id(shop: Shop, start: int, end: int, group: str, label: str) -> str:
    cfgs = shop.configs_in(start, end)
    for cfg in cfgs:
        for g in cfg.groups:
            if group in (g.id, g.name):
                return g.id
    names = sorted({g.id for c in cfgs for g in c.groups} | {g.name for c in cfgs for g in c.groups if g.name})
    raise NotFound(f"no group {group!r} in the configurations of {label}", names)
