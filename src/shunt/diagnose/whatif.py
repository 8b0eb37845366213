"""Shared machinery of `balance` and `simulate`: counterfactual replays of a period.

- `FastTracker`: the engine's Tracker, with a `state_for` that does not copy the shop's maps
  (the State is read and dropped before the next event is fed), a config `transform` (simulate
  substitutes the changed configuration) and an `override` of the recorded decision fed back
  (simulate feeds its own picks, so loads and recent contacts follow the simulated assignment).
  It is driven by `store.sweep(..., tracker=...)`, so seeding and the event order are the store's.
- `DecisionCache`: `engine.decide` memoised on what the decision depends on, in the engine's
  rule order (docs/balance.md, Speed): rules 1–5's few inputs; past them, which accounts are
  eligible and the groups matched; where rule 7 chose among several, what its strategy read.
  A cached decision is made without step texts (`explain=False`) and keeps only its eligible
  candidates; `match_step` gives the group-matching step balance reads.
- config variants, config bodies and merging, the period of a command, status timelines.
"""

from __future__ import annotations

import dataclasses
import os
from itertools import repeat
from typing import Any, Callable, Iterable, Mapping

from shunt import engine
from shunt.engine.context import Context
from shunt.engine.eligibility import listed_eligibility
from shunt.engine.groups import match_groups, node_group
from shunt.engine.model import Bind, Candidate, Config, Consult, Decision, Routed, State
from shunt.engine.recent import contacts_in_window
from shunt.engine.rules import RULES
from shunt.engine.tracker import HOUR_MS, Tracker
from shunt.diagnose.flag_watch import FlagWatch, flags_of

HOUR = 3_600_000
DAY = 24 * HOUR
_UNSET: Any = object()  # "not given" (None is a value)
_ZEROS = repeat(0)
# memory bounds of a DecisionCache, whatever the shop's size: bytes of eligibility flags held as
# keys, and candidate rows + odds held by the remembered decisions
MAX_FLAG_BYTES = 16_000_000
MAX_ROWS = 1_000_000
_INF = float("inf")


# ---- a tracker for replays ----------------------------------------------------------------

class FastTracker(Tracker):
    """Tracker whose states share its live maps (read each State before feeding the next event)."""

    def __init__(self, transform: Callable[[Config], Config] | None = None) -> None:
        super().__init__()
        self.transform = transform
        self.recorded_config: Config | None = None  # the config the log says was in force
        self.override: Routed | None = None  # the decision to record for the next consult fed
        self.extra_hours = 0.0  # keep recent contacts at least this long (the other config's hours)
        self._wide_ms = 0  # set with each config (set_config)
        # eligibility watch (DecisionCache): `flags_gen` changes whenever a status changes or a
        # watched account's load reaches or leaves one of its watched limits (`watch`)
        self.flags_gen = 0
        self.resets = 0  # moves when every flag may have changed (seed)
        self._limits: dict[str, set[int]] = {}
        self._dirty: list[set[str]] = []  # the watchers' sets of accounts whose flag may have changed

    def watch(self, limits: Mapping[str, int]) -> set[str]:
        """Also move `flags_gen` when one of these accounts' load crosses its limit. → the set
        the accounts whose flag may have changed are added to (the watcher empties it)."""
        for account, n in limits.items():
            self._limits.setdefault(account, set()).add(n)
        self.flags_gen += 1
        self._dirty.append(set())
        return self._dirty[-1]

    def live_maps(self) -> tuple[Mapping[str, str], Mapping[str, int]]:
        return self._status, self._load

    def _changed(self, account: str) -> None:
        self.flags_gen += 1
        for d in self._dirty:
            d.add(account)

    def status(self, ts: int, account: str, status: str) -> None:
        super().status(ts, account, status)
        self._changed(account)

    def seed(self, *args: Any, **kw: Any) -> None:
        super().seed(*args, **kw)
        self.flags_gen += 1
        self.resets += 1

    def _close(self, cid: str, keep_buyer: bool = False) -> None:
        agent = self._open[cid][1]
        limits = self._limits.get(agent)
        if limits is not None and self._load[agent] in limits:  # from the limit to below it
            self._changed(agent)
        super()._close(cid, keep_buyer)

    def set_config(self, cfg: Config) -> None:
        self.recorded_config = cfg
        new = self.transform(cfg) if self.transform is not None else cfg
        super().set_config(new)
        self._max_hours = max(self._max_hours, float(cfg.settings.recent_contact_hours or 0), self.extra_hours)
        # the recent-contact window states carry: the wider of the replayed and the recorded config's
        self._wide_ms = int(round(max(float(new.settings.recent_contact_hours or 0),
                                      float(cfg.settings.recent_contact_hours or 0)) * HOUR_MS))

    def consult(self, consult: Consult, routed: Routed) -> None:
        if self.override is not None:
            routed, self.override = self.override, None
        super().consult(consult, routed)
        agent = routed.agent
        if agent is not None and agent in self._limits and consult.id in self._open:  # a session opened
            if self._load.get(agent, 0) in self._limits[agent]:  # it reached a limit
                self._changed(agent)

    def state_for(self, consult: Consult) -> State:
        cfg = self._config
        recent = self._recent_for(consult, cfg, self._wide_ms) if consult.buyer in self._recent else ()
        return State(cfg, self._status, self._since, self.load_for(consult), recent, self._conversion, self._last_pick)


# ---- the decision cache -------------------------------------------------------------------

class _Info:
    __slots__ = ("cfg", "agents", "conf", "live_accounts", "caps", "spec", "threshold", "strategy", "items", "intents",
                 "states", "exclusive", "assistant", "hours", "groups", "round_robin", "_pos",
                 "chooseable")

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg  # keeps the object alive: ids stay unique
        self.agents = tuple((a.account, a.max_sessions) for a in cfg.agents)
        self.conf = {a.account: a for a in reversed(cfg.agents)}  # first listing wins, as Config.agent
        # the listed accounts that can ever be eligible (routing on, capacity not 0), once each
        live = [(acc, a.max_sessions) for acc, a in reversed(list(self.conf.items()))
                if a.routing and (a.max_sessions is None or a.max_sessions > 0)]
        self.live_accounts = tuple(acc for acc, _mx in live)
        self.caps = tuple(_INF if mx is None else mx for _acc, mx in live)  # a load below it: not full
        self.spec = (self.live_accounts, self.caps)  # made shared by DecisionCache.info: same flags
        s = cfg.settings
        self.threshold = s.busy_threshold
        self.strategy = s.strategy
        self.items = frozenset(i for g in cfg.groups for i in g.bind.items)
        self.intents = frozenset(i for g in cfg.groups for i in g.bind.intents) if s.intent_routing else frozenset()
        self.states = frozenset(st for g in cfg.groups for st in g.bind.order_states)
        self.exclusive = {}
        for e in reversed(cfg.exclusive):
            self.exclusive[e.buyer] = e
        self.assistant = s.assistant
        self.hours = float(s.recent_contact_hours or 0)
        self.groups = {g.id for g in cfg.groups}
        self.round_robin = s.strategy == "round_robin"
        self._pos: dict[str, int] | None = None
        self.chooseable: dict[tuple, tuple[int, ...]] = {}  # the matched groups' ids → `_matched`'s positions

    def positions(self) -> dict[str, int]:
        """A live account → its position in `live_accounts` (in the flags)."""
        if self._pos is None:
            self._pos = {a: i for i, a in enumerate(self.live_accounts)}
        return self._pos


class DecisionCache:
    """`decide(state, consult)` memoised; SHUNT_NO_DECISION_CACHE=1 turns it off (for checking).

    Emptied when it holds `max_entries`: hits come from nearby states, so 10,000 entries miss
    about as rarely as 100,000 on a 150,000-consult day, at a fraction of the memory."""

    def __init__(self, enabled: bool | None = None, max_entries: int = 10_000,
                 tracker: FastTracker | None = None) -> None:
        """`tracker`: the FastTracker whose states are asked about (optional): it tells when
        eligibility may have changed, so the flags are not made again for every consult."""
        self.tracker = tracker
        self._tracked: dict[int, FlagWatch] = {}  # id(spec) → its flags over the tracker's live maps
        self.enabled = (os.environ.get("SHUNT_NO_DECISION_CACHE", "") in ("", "0")) if enabled is None else enabled
        self._infos: dict[int, _Info] = {}
        self._last = _Info(Config(shop="", ts=0))  # the last one asked for
        self._memo: dict[tuple, Decision] = {}
        self._match: dict[tuple, str] = {}
        # (config, matching fields) → [matched group ids, their members' positions, the last flags,
        # the number of the key's part for them (`_parts`), the spec of those flags]
        self._groups: dict[tuple, list] = {}
        self._parts: dict[tuple, int] = {}  # (eligibility flags,) or (the members' flags, 1) → a number
        self._specs: dict[tuple, tuple] = {}
        self._flags: tuple = (None, None, None)  # the last (state, spec, eligibility flags)
        self._rows = 0  # candidate rows and odds held by the memo's decisions (bounded: MAX_ROWS)
        self._plans: dict[tuple, tuple] = {}  # decide_many's entries
        self._flag_ids: dict[tuple, int] = {}  # eligibility flags → a number, for the plans' keys
        self._last_flags: tuple | None = None
        self._last_n = -1
        self.max_entries = max_entries
        self.calls = self.misses = 0  # decisions asked for; engine runs

    @property
    def hits(self) -> int:
        return self.calls - self.misses

    def info(self, cfg: Config) -> _Info:
        inf = self._last
        if inf.cfg is cfg:
            return inf
        inf = self._infos.get(id(cfg))
        if inf is None or inf.cfg is not cfg:
            inf = self._infos[id(cfg)] = _Info(cfg)
            inf.spec = self._specs.setdefault(inf.spec, inf.spec)  # configs with the same accounts share it
        self._last = inf
        return inf

    def recent_key(self, state: State, consult: Consult, cfg: Config | None = None) -> tuple[str, ...]:
        """The accounts of the buyer's recent contacts as rule 4 sees them under `cfg` (default
        the state's), most recent first, without a State for `cfg`."""
        return tuple(rc.account for rc in contacts_in_window(state.recent, cfg or state.config, consult.ts))

    def base(self, state: State, consult: Consult, cfg: Config | None = None) -> list | None:
        """The keys of `consult`'s decision apart from the config itself and rule 4's pick, shared
        by every variant of `cfg` (same agents in the same order); None: do not cache.
        [rules 1–5's inputs, rules 6–8's inputs (made when first needed), `cfg`'s lookups]."""
        cfg = cfg or state.config
        if cfg is None:
            return None
        inf = self.info(cfg)
        status = state.status
        c = consult
        src = c.source
        by = c.by if src == "qianniu_initiated" else None
        target = tstat = None
        if src == "transfer_to_agent" and c.target:
            target = c.target
            tstat = status.get(target, "offline") == "online"
        ex = inf.exclusive.get(c.buyer)
        exk = None
        if ex is not None:
            exk = (ex.agent, ex.mode, ex.mode == "1v1" or eligible(inf, state, ex.agent)[0])
        asst = status.get(inf.assistant, "offline") == "online" if inf.assistant else None
        return [(src, by, target, tstat, exk, asst), None, inf]  # [1]: _late's, when first needed

    def _late(self, state: State, consult: Consult, inf: "_Info") -> tuple:
        """What rules 6–8 read: which listed accounts that may take consults are online and not
        full (their eligibility; a proxy's as rule 8 sees it), and the consult's group-matching
        fields (those that can match a binding of `inf`'s config, or of a variant with fewer
        bindings)."""
        tr = self.tracker
        if tr is not None and state.status is tr._status:
            flags = self._tracked_flags(tr, inf.spec, state, consult)
        else:
            last = self._flags
            if last[0] is state and last[1] is inf.spec:  # simulate: the other config of this consult
                flags = last[2]
            else:
                flags = self._flags_of(inf.spec, state.status, state.load)
                self._flags = (state, inf.spec, flags)
        c = consult
        src = c.source
        item = c.item if c.item is not None and str(c.item) in inf.items else None
        intent = c.intent if src == "bot_transfer" and c.intent in inf.intents else None
        ostate = c.order_state if c.order_state in inf.states else None
        gtarget = c.target if src == "transfer_to_group" and c.target in inf.groups else None
        return flags, (src, item, intent, ostate, gtarget)

    def _flags_of(self, spec: tuple, status: Mapping[str, str], load: Mapping[str, int]) -> bytes:
        """The eligibility flags of `spec`'s accounts (a byte each), made whole."""
        return flags_of(spec, status, load)

    def _tracked_flags(self, tr: FastTracker, spec: tuple, state: State, consult: Consult) -> bytes:
        """`_flags_of` for a state of `tr`: kept up to date account by account (`FlagWatch`)."""
        w = self._tracked.get(id(spec))
        if w is None:
            w = self._tracked[id(spec)] = FlagWatch(spec, tr)
        flags = w.current(tr)
        if state.load is not tr._load:
            # without the buyer's own open sessions (they end at this consult): an account full in
            # the live loads may not be full here
            limits, live = w.limits, tr._load
            for cid in tr._buyer_open.get(consult.buyer, ()):
                agent = tr._open[cid][1]
                n = limits.get(agent)
                if n is not None and live.get(agent, 0) >= n:
                    return self._flags_of(spec, state.status, state.load)
        return flags

    def first_recent(self, state: State, recent: tuple[str, ...], cfg: Config | None = None) -> str | None:
        """Rule 4's pick among the in-window recent contacts: the first eligible one (nothing else
        about them matters)."""
        inf = self.info(cfg or state.config)
        for r in recent:
            if eligible(inf, state, r)[0]:
                return r
        return None

    def decide(self, state: State, consult: Consult, cfg: Config | None = None, base: list | None = None,
               recent: tuple[str, ...] | None = None, first: Any = _UNSET) -> Decision:
        """decide() against `state` with its config replaced by `cfg` (a variant: same agents, same
        order). `base` (of `cfg` or of the config it is a variant of), `recent` (or rule 4's
        `first` eligible recent contact) may be passed in when already computed for this consult.

        Looked up in stages, in the engine's rule order: rules 1–5 read only the consult's
        source / by / transfer target, the target's status, the buyer's exclusive agent, rule 4's
        pick and the assistant's status, so a decision made there is keyed on those; a decision
        that went past rule 5 is keyed on what rules 6–8 read; one where rule 7 chose among
        several candidates also on what its strategy read (`_Choice`)."""
        cfg = cfg or state.config
        self.calls += 1
        if cfg is None or not self.enabled:
            self.misses += 1
            return engine.decide(state if cfg is state.config else dataclasses.replace(state, config=cfg), consult)
        if base is None:
            base = self.base(state, consult, cfg)
            if base is None:
                self.misses += 1
                return engine.decide(state if cfg is state.config else dataclasses.replace(state, config=cfg), consult)
        inf = self.info(cfg)
        if inf.hours <= 0 or consult.source == "transfer_to_group":
            first = None
        elif first is _UNSET:
            if recent is None:
                recent = self.recent_key(state, consult, cfg)
            first = self.first_recent(state, recent, cfg)
        return self._resolve(self._entry(state, consult, cfg, inf, base, first), state, consult, cfg)

    def decide_many(self, state: State, consult: Consult, cfgs: list[Config], masks: tuple[int, ...],
                    base: list, first: str | None) -> list[Decision]:
        """[decide(state, consult, cfgs[m], base, first=first) for m in masks]: `cfgs` are the
        variants of one config (index 0 itself), `base` that config's. The memo's entries for
        them are looked up once per combination of `masks`, the consult's keys and the late
        inputs (they are the same for every state with these keys); only rule 7's choices are
        then looked up per state."""
        if not self.enabled:
            return [self.decide(state, consult, cfgs[m], base, first=first) for m in masks]
        self.calls += len(masks)
        late = base[1]
        if late is None:
            late = base[1] = self._late(state, consult, base[2])
        flags = late[0]
        if flags is not self._last_flags:  # a number for them (they change far less often than consults)
            n = self._flag_ids.get(flags)
            if n is None:
                if len(self._flag_ids) >= min(10 * self.max_entries, MAX_FLAG_BYTES // (len(flags) or 1)):
                    # (the plans' keys hold these numbers)
                    self._flag_ids.clear()
                    self._plans.clear()
                n = self._flag_ids[flags] = len(self._flag_ids)
            self._last_flags, self._last_n = flags, n
        pk = (id(cfgs[0]), masks, base[0], first, self._last_n, late[1])
        plan = self._plans.get(pk)
        if plan is None:
            if len(self._plans) >= self.max_entries:
                self._plans.clear()
            plan = []
            for m in masks:
                cfg = cfgs[m]
                inf = self.info(cfg)
                f = None if inf.hours <= 0 or consult.source == "transfer_to_group" else first
                plan.append(self._entry(state, consult, cfg, inf, base, f))
            self._plans[pk] = plan = (cfgs[0], plan)  # holds the config: its id stays unique
        out = []
        for m, e in zip(masks, plan[1]):
            if e.__class__ is _Choice:
                e = self._resolve(e, state, consult, cfgs[m])
            out.append(e)
        return out

    def _resolve(self, e: "Decision | _Choice", state: State, consult: Consult, cfg: Config) -> Decision:
        if e.__class__ is not _Choice:
            return e
        dk = e.key(state)
        d = e.by.get(dk)
        if d is None:
            d = e.by[dk] = self._run(state, consult, cfg)
            self._rows += len(d.candidates) + len(d.odds)
        return d

    def _entry(self, state: State, consult: Consult, cfg: Config, inf: "_Info", base: list,
               first: str | None) -> "Decision | _Choice":
        """The memo's entry for the decision under `cfg` (made, by the engine, if missing): the
        decision, or the `_Choice` that holds it (the one for `state` is in it)."""
        memo = self._memo
        cid = id(cfg)
        k = (cid, base[0], first)
        d = memo.get(k)
        if d is None:  # rules 1–5 not seen with these inputs: the engine decides
            d = self._run(state, consult, cfg)
            if len(memo) >= self.max_entries or self._rows > MAX_ROWS:
                self._forget()
            if d.rule in _EARLY:
                memo[k] = d
                return d
            memo[k] = _LATE
            return self._keep(self._late_key(cid, base, state, consult, cfg, inf), d, inf, state)
        if d is not _LATE:
            return d
        k2 = self._late_key(cid, base, state, consult, cfg, inf)
        d = memo.get(k2)
        if d is None:
            d = self._run(state, consult, cfg)
            return self._keep(k2, d, inf, state)
        return d

    def _late_key(self, cid: int, base: list, state: State, consult: Consult, cfg: Config, inf: "_Info") -> tuple:
        """Rules 6–8's key: the groups matched (6a–f: they depend on the config and the consult's
        matching fields only), whether the assistant may take it by group robot priority (source
        not bot_transfer, assistant online) and the eligibility flags — only those of the matched
        groups' members when one of them is eligible: rule 6 then keeps some of these groups, and
        rule 7 chooses among their eligible members (nobody else's eligibility is read)."""
        late = base[1]
        if late is None:
            late = base[1] = self._late(state, consult, base[2])
        mk = (cid, late[1])
        g = self._groups.get(mk)
        if g is None:
            g = self._groups[mk] = [*self._matched(cfg, consult, inf), None, None, None]
        flags = late[0]
        if g[2] is not flags or g[4] is not base[2].spec:  # (flags change far less often than consults)
            part = (flags,)
            members = g[1]
            if members and inf.spec is base[2].spec:  # the flags are the accounts of `inf.spec`
                sub = bytes(map(flags.__getitem__, members))
                if 1 in sub:
                    part = (sub, 1)
            ids = self._parts
            if len(ids) >= min(20 * self.max_entries, MAX_FLAG_BYTES // (len(flags) or 1)):
                # (the memo's keys and `_groups` hold these numbers)
                ids.clear()
                self._memo.clear()
                self._groups.clear()
                g = self._groups[mk] = [g[0], g[1], None, None, None]
            g[2], g[3], g[4] = flags, ids.setdefault(part, len(ids)), base[2].spec
        return (cid, g[0], g[3], late[1][0] == "bot_transfer", base[0][5])

    def _matched(self, cfg: Config, consult: Consult, inf: "_Info") -> tuple[tuple[str, ...], tuple[int, ...]]:
        """(the groups 6a–f match, the positions in `inf.spec` of their members that rule 7 may
        choose: not proxies)."""
        if not cfg.groups:
            return (), ()
        found, _basis = match_groups(Context(state=State(config=cfg), consult=consult, explain=False))
        ids = tuple(g.id for g in found)
        key = tuple(map(id, found))  # (the config holds its groups: their ids stay unique)
        members = inf.chooseable.get(key)  # (the same for every consult matching these groups)
        if members is None:
            pos = inf.positions()
            members = inf.chooseable[key] = tuple(sorted({pos[m] for g in found for m in g.members
                                                          if m in pos and not inf.conf[m].proxy}))
        return ids, members

    def _forget(self) -> None:
        """Empty the memo (and the plans that hold its entries)."""
        self._memo.clear()
        self._plans.clear()
        self._rows = 0

    def _keep(self, k2: tuple, d: Decision, inf: "_Info", state: State) -> "Decision | _Choice":
        """Remember a decision that went past rule 5 under its rules 6–8 key."""
        memo = self._memo
        self._rows += len(d.candidates) + len(d.odds)
        if len(memo) >= self.max_entries or self._rows > MAX_ROWS:
            self._forget()
        if d.rule == "R7" and d.reason in _CHOOSING:  # rule 7 chose among several: keyed on what it read
            sel = memo.get(k2)
            if sel.__class__ is not _Choice:
                sel = memo[k2] = _Choice(inf, d)
            sel.by[sel.key(state)] = d
            return sel
        return memo.setdefault(k2, d)

    def _run(self, state: State, consult: Consult, cfg: Config) -> Decision:
        self.misses += 1
        return _slim(state if cfg is state.config else dataclasses.replace(state, config=cfg), consult)

    def match_step(self, cfg: Config, consult: Consult, d: Decision, base: list | None = None) -> str | None:
        """The group-matching step (R6a–R6f) that matched, if rule 6 ran for `d` (decided under
        `cfg`). It depends on the config and the consult's routing fields only: found once per
        such combination by the engine's own matching (with its step codes). `base`: this
        consult's under `cfg`, whose matching fields (those that can match a binding of `cfg`)
        are then the key."""
        if d.rule not in ("R6", "R7", "R8") or not cfg.groups:
            return None
        c = consult
        if base is not None and base[1] is not None and base[2].cfg is cfg:
            key = (id(cfg), base[1][1])  # (the info holds cfg: its id stays unique)
        else:
            self.info(cfg)  # holds cfg: its id stays unique while the memo has it
            key = (id(cfg), c.source, c.target, c.intent, c.item, c.order_state)
        code = self._match.get(key)
        if code is None:
            ctx = Context(state=State(config=cfg), consult=c, explain=True)
            match_groups(ctx)
            code = self._match[key] = next(s.rule for s in ctx.steps if s.outcome == "match")
        return code


_CHOOSING = ("reception_rate", "conversion_rate", "round_robin")
_EARLY = ("R1", "R2", "R3", "R4", "R5")
_LATE: Any = object()  # memo: rules 1-5 passed with these inputs (look further)


class _Choice:
    """A cached decision in which rule 7 chose among several eligible candidates (the `pool`):
    the outcome then also depends on what the strategy reads, and only on that —
    reception rate: whether a pool member is busy and, if so, which pool members have the least
    load; conversion rate: which pool members have the highest rate; round robin: the account of
    the most recent pick among the remaining groups. `by`: that key → the decision."""

    __slots__ = ("pool", "strategy", "threshold", "remaining", "by")

    def __init__(self, inf: "_Info", d: Decision) -> None:
        self.pool = tuple(c.account for c in d.candidates if c.eligible)
        self.strategy = inf.strategy
        self.threshold = inf.threshold
        self.remaining = d.remaining_groups
        self.by: dict[Any, Decision] = {}

    def key(self, state: State) -> Any:
        if self.strategy == "round_robin":
            best = None
            picks = state.last_pick
            for g in self.remaining:
                p = picks.get(g)
                if p is not None and (best is None or (p.ts, p.consult) > (best.ts, best.consult)):
                    best = p
            return None if best is None else best.account
        if self.strategy == "conversion_rate":
            rates = list(map(float, map(state.conversion.get, self.pool, _ZEROS)))
            return tuple(map(max(rates).__eq__, rates))  # (floats: == gives a bool)
        loads = list(map(state.load.get, self.pool, _ZEROS))
        if max(loads) <= self.threshold:  # nobody busy: by weight
            return None
        return tuple(map(min(loads).__eq__, loads))  # (ints)


def _slim(state: State, consult: Consult) -> Decision:
    """`engine.decide(state, consult, explain=False, candidates="eligible")` as a cached decision
    keeps it: its outcome, and as candidates its pool — the accounts of the eligible rows of rule
    7's table, in the same order — as rows that say only that (`_pooled`: their other figures are
    not the state's). Rule 7's table is not built (about a third of an engine run)."""
    ctx = Context(state, consult, explain=False, table=False)
    for rule in RULES:
        result = rule.fn(ctx)
        if result is not None:
            break
    code = rule.code
    if code == "R7":  # as engine.decide
        groups = {a: ctx.node.get(a) for a in result.agents}
    else:
        remaining = ctx.remaining if code == "R6" else ()
        groups = {a: node_group(state.config, a, remaining) for a in result.agents}
    odds = result.odds if type(result.odds) is dict else dict(result.odds)
    # no groups: the pool may list an account twice, as the table does
    pool = tuple(map(_POOLED.get, ctx.pool)) if ctx.pool else ()
    if not all(pool):  # (a row is true: this tests for None at C speed)
        pool = tuple(map(_pooled, ctx.pool))
    return Decision(True, result.reason, code, result.agents, odds, groups, ctx.matched, ctx.remaining, pool, ())


_POOLED: dict[str, Candidate] = {}


def _pooled(account: str) -> Candidate:
    """An eligible candidate row that gives only its account (made once per account)."""
    row = _POOLED.get(account)
    if row is None:
        if len(_POOLED) >= 100_000:
            _POOLED.clear()
        row = _POOLED[account] = Candidate(account, (), "online", 0, None, 0.0, 0.0, False, True)
    return row


def eligible(inf: _Info, state: State, account: str) -> tuple[bool, str | None]:
    """engine.eligibility through the cached per-config lookup."""
    return listed_eligibility(inf.conf.get(account), state, account)


# ---- configurations -----------------------------------------------------------------------

def to_body(cfg: Config) -> dict[str, Any]:
    """A Config back to a `shop_config` body (what Config.from_body reads)."""
    s = cfg.settings
    return {
        "timezone": cfg.timezone,
        "settings": {
            "recent_contact_hours": s.recent_contact_hours, "robot_priority": s.robot_priority,
            "assistant": s.assistant, "intent_routing": s.intent_routing,
            "offline_to_assistant": s.offline_to_assistant, "main_account_fallback": s.main_account_fallback,
            "strategy": s.strategy, "busy_threshold": s.busy_threshold,
            "logistics_cs": {"enabled": s.logistics.enabled, "hours": list(s.logistics.hours),
                             "carriers": list(s.logistics.carriers)},
        },
        "agents": [{"account": a.account, "weight": a.weight, "max_sessions": a.max_sessions,
                    "routing": a.routing, "proxy": a.proxy} for a in cfg.agents],
        "groups": [{"id": g.id, "name": g.name, "members": list(g.members), "robot_priority": g.robot_priority,
                    "bind": {"order_states": list(g.bind.order_states), "items": list(g.bind.items),
                             "intents": list(g.bind.intents)}} for g in cfg.groups],
        "exclusive": [{"buyer": e.buyer, "agent": e.agent, "mode": e.mode} for e in cfg.exclusive],
    }


# Counterfactual factors of `balance`, one bit each.
RECENT, BINDING, WEIGHTS, EXCLUSIVE = 1, 2, 4, 8
FACTORS = ((RECENT, "recent_contact"), (BINDING, "group_binding"), (WEIGHTS, "weights"), (EXCLUSIVE, "exclusive"))
ALL = RECENT | BINDING | WEIGHTS | EXCLUSIVE


def variant(cfg: Config, mask: int) -> Config:
    """`cfg` with the factors of `mask` removed: recent contact off, bindings cleared, weights 1, no exclusive."""
    if not mask:
        return cfg
    kw: dict[str, Any] = {}
    if mask & RECENT:
        kw["settings"] = dataclasses.replace(cfg.settings, recent_contact_hours=0.0)
    if mask & BINDING:
        kw["groups"] = tuple(dataclasses.replace(g, bind=Bind()) for g in cfg.groups)
    if mask & WEIGHTS:
        kw["agents"] = tuple(dataclasses.replace(a, weight=1.0) for a in cfg.agents)
    if mask & EXCLUSIVE:
        kw["exclusive"] = ()
    return dataclasses.replace(cfg, **kw)


class Variants:
    """Every config's 16 variants, made once."""

    def __init__(self) -> None:
        self._v: dict[int, tuple[Config, dict[int, Config]]] = {}

    def get(self, cfg: Config, mask: int) -> Config:
        e = self._v.get(id(cfg))
        if e is None or e[0] is not cfg:
            e = self._v[id(cfg)] = (cfg, {})
        v = e[1].get(mask)
        if v is None:
            v = e[1][mask] = variant(cfg, mask)
        return v


# ---- the period ---------------------------------------------------------------------------

# ---- statuses over a period ---------------------------------------------------------------

def status_accounts(conn, sid: int) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT account FROM statuses WHERE shop_id = ?", (sid,))]


def timelines(conn, sid: int, accounts: Iterable[str], start: int, end: int) -> dict[str, list[tuple[int, int, str]]]:
    """Each account's status segments (t0, t1, status) covering [start, end)."""
    from shunt.store.lookups import status_at

    cur: dict[str, tuple[int, str]] = {}
    out: dict[str, list[tuple[int, int, str]]] = {}
    for a in accounts:
        st = status_at(conn, sid, a, start - 1)
        cur[a] = (start, st[0] if st else "offline")
        out[a] = []
    for ts, a, st in conn.execute("SELECT ts, account, status FROM statuses WHERE shop_id = ? AND ts >= ? AND ts < ? "
                                  "ORDER BY ts, uid", (sid, start, end)):
        if a not in cur:
            continue
        t0, old = cur[a]
        if ts > t0:
            out[a].append((t0, ts, old))
        cur[a] = (ts, st)
    for a, (t0, st) in cur.items():
        if end > t0:
            out[a].append((t0, end, st))
    return out


def online_ms(segments: list[tuple[int, int, str]], lo: int | None = None, hi: int | None = None) -> int:
    total = 0
    for t0, t1, st in segments:
        if st != "online":
            continue
        a = t0 if lo is None else max(t0, lo)
        b = t1 if hi is None else min(t1, hi)
        if b > a:
            total += b - a
    return total


def buckets(start: int, end: int) -> tuple[int, int]:
    """(bucket length ms, count) for the hourly chart: 1 h, or more for long periods (≤ 96 buckets)."""
    span = end - start
    size = HOUR
    while span / size > 96:
        size *= 2 if size < 4 * HOUR else 3
    return size, max(1, -(-span // size))


def fmt_hours(ms: float) -> str:
    return f"{ms / HOUR:.1f}"

