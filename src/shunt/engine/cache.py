"""DecisionCache: `decide` memoised on the rules' declared inputs — the engine's fast path for
replays that ask about many consults of a period (balance, simulate).

Looked up in the engine's rule order (docs/balance.md, Speed): rules 1–5 read only the consult's
source / by / transfer target, the target's status, the buyer's exclusive agent, rule 4's pick
and the assistant's status; past them, rules 6–8 read the groups matched and the eligible pools:
for a tracker's live States the matched groups' pool versions (`engine/pool_keys.py`: O(matched
groups) a decision), else the eligibility flags (kept up to date by the tracker's eligibility
watch, `engine/flags.py`); where rule 7 chose among several, what its strategy read
(`StrategyKey`). A decision made by the cache is `decide(state, consult, explain=False,
candidates="pool")` (rules 6–8 only when rules 1–5 are known to pass: `decide_past_5`): no step
texts, and as candidates its pool. `match_step` gives the group-matching step that matched.
tests/test_decision_cache.py compares it with `decide` on generated shops.

Sharing (for callers that add up odds): while the memo holds it, a decision asked again with the
same keys is the SAME Decision object — same rules 1–5 inputs, or the same matched groups at the
same pool contents (pool versions are equal for equal contents) and the same strategy key. Rule
7's pool (`candidates`), its winners and odds by weight are moreover the same objects for every
decision made on one pool object (one version of the kept groups' pools, `PoolView.merged`), even
across cache misses (e.g. a balance variant with the same weights object). Never mutate them.

Memory is bounded whatever the shop's size: `MAX_FLAG_BYTES` of eligibility flags held as keys,
`MAX_ROWS` candidate rows and odds held by remembered decisions (each shared object once: held.py).
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any

from .cache_keys import ConfigKeys, StrategyKey, eligible
from .context import Context
from .decide import decide as engine_decide, decide_past_5
from .flags import FlagSource
from .groups import match_groups
from .held import Held
from .lookup import lookup
from .pool_keys import late_key, plan_stamp
from .pools import PoolView
from .model import Config, Consult, Decision, State
from .recent import contacts_in_window
from .tracker import Tracker

# (1000 agents, 20 groups, 100k consults: balance's two processes peak 40 MB lower with these than
# with 16 MB / 1M rows, at the same CPU time within noise; same answers)
MAX_FLAG_BYTES = 4_000_000
MAX_ROWS = 200_000
MAX_MATCHED = 20_000  # (config, matching fields) → the groups they match, remembered
_UNSET: Any = object()  # "not given" (None is a value)

_CHOOSING = ("reception_rate", "conversion_rate", "round_robin")
_EARLY = ("R1", "R2", "R3", "R4", "R5")
_LATE: Any = object()  # memo: rules 1-5 passed with these inputs (look further)

_FIELDS = tuple(f.name for f in dataclasses.fields(State))
assert _FIELDS[0] == "config"
_REST = attrgetter(*_FIELDS[1:])


def _with_config(state: State, cfg: Config) -> State:
    """`dataclasses.replace(state, config=cfg)`, faster (a cache miss under a variant makes one)."""
    return state if cfg is state.config else State(cfg, *_REST(state))


class DecisionCache:
    """`decide(state, consult)` memoised; `enabled=False` runs the engine every time (for checking).

    Emptied when it holds `max_entries`: hits come from nearby states, so 10,000 entries miss
    about as rarely as 100,000 on a 150,000-consult day, at a fraction of the memory."""

    def __init__(self, enabled: bool = True, max_entries: int = 10_000, tracker: Tracker | None = None) -> None:
        """`tracker`: the tracker whose live states are asked about (optional): it tells when
        eligibility may have changed, so the flags are not made again for every consult."""
        self.tracker = tracker
        self._flag_source = FlagSource(tracker)  # eligibility flags, for states without the tracker's pools
        self.enabled = enabled
        self._infos: dict[int, ConfigKeys] = {}
        self._last = ConfigKeys(Config(shop="", ts=0))  # the last one asked for
        # rules 1–5's inputs → their decision, or _LATE; rules 6–8's key → a decision or a StrategyKey
        # (apart: the bound on the rows held by the second does not empty the first)
        self._early: dict[tuple, Any] = {}
        self._memo: dict[tuple, Any] = {}
        self._match: dict[tuple, str] = {}
        # (config, matching fields) → [matched group ids, their members' positions, the last flags,
        # the number of the key's part for them (`_parts`), the spec of those flags]
        self._groups: dict[tuple, list] = {}
        self._parts: dict[tuple, int] = {}  # (eligibility flags,) or (the members' flags, 1) → a number
        self._specs: dict[tuple, tuple] = {}
        self._held = Held()  # candidate rows and odds held by the memo's decisions (bounded: MAX_ROWS)
        self._plans: dict[tuple, tuple] = {}  # decide_many's entries
        self._keys: tuple = (None, None, None)  # (state, the strategy keys found for it, its rates' stamp)
        self._flag_ids: dict[tuple, int] = {}  # eligibility flags → a number, for the plans' keys
        self._last_flags, self._last_n = None, -1  # the last flags asked about, their number
        self.max_entries = max_entries
        self.calls = self.misses = 0  # decisions asked for; engine runs

    @property
    def hits(self) -> int:
        return self.calls - self.misses

    def info(self, cfg: Config) -> ConfigKeys:
        inf = self._last
        if inf.cfg is cfg:
            return inf
        inf = self._infos.get(id(cfg))
        if inf is None or inf.cfg is not cfg:
            inf = self._infos[id(cfg)] = ConfigKeys(cfg)
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

    def _late(self, state: State, consult: Consult, inf: "ConfigKeys") -> tuple:
        """What rules 6–8 read: the groups' eligible pools with their versions (`PoolView`, for a
        tracker's live state) or else which listed accounts that may take consults are online and
        not full (their eligibility flags; a proxy's as rule 8 sees it), and the consult's
        group-matching fields (those that can match a binding of `inf`'s config, or of a variant
        with fewer bindings)."""
        stamp = self._view(state, consult, inf.cfg)
        if stamp is None:
            stamp = self._flags(state, consult, inf)
        c = consult
        src = c.source
        item = c.item if c.item is not None and str(c.item) in inf.items else None
        intent = c.intent if src == "bot_transfer" and c.intent in inf.intents else None
        ostate = c.order_state if c.order_state in inf.states else None
        gtarget = c.target if src == "transfer_to_group" and c.target in inf.groups else None
        return stamp, (src, item, intent, ostate, gtarget)

    @staticmethod
    def _view(state: State, consult: Consult, cfg: Config) -> PoolView | None:
        """The pools `cfg`'s groups have in `state` (a tracker's live one), or None."""
        if state.pools is None or not cfg.groups:
            return None
        return state.pools.view(lookup(cfg), state.status, state.load, consult.buyer)

    def _flags(self, state: State, consult: Consult, inf: "ConfigKeys") -> bytes:
        """The eligibility flags of `inf.spec`'s accounts in `state` (engine/flags.py)."""
        return self._flag_source.flags(state, consult, inf.spec)

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
        several candidates also on what its strategy read (`StrategyKey`)."""
        cfg = cfg or state.config
        self.calls += 1
        if cfg is None or not self.enabled:
            self.misses += 1
            return engine_decide(_with_config(state, cfg), consult)
        if base is None:
            base = self.base(state, consult, cfg)
            if base is None:
                self.misses += 1
                return engine_decide(_with_config(state, cfg), consult)
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
        stamp = late[0]
        if stamp.__class__ is PoolView:
            n = plan_stamp(stamp, base[2], state)
        else:
            if stamp is not self._last_flags:  # a number for them (they change far less often than consults)
                n = self._flag_ids.get(stamp)
                if n is None:
                    if len(self._flag_ids) >= min(10 * self.max_entries, MAX_FLAG_BYTES // (len(stamp) or 1)):
                        # (the plans' keys hold these numbers)
                        self._flag_ids.clear()
                        self._plans.clear()
                    n = self._flag_ids[stamp] = len(self._flag_ids)
                self._last_flags, self._last_n = stamp, n
            n = self._last_n
        pk = (id(cfgs[0]), masks, base[0], first, n, late[1])
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
            if e.__class__ is StrategyKey:
                e = self._resolve(e, state, consult, cfgs[m])
            out.append(e)
        return out

    def _resolve(self, e: "Decision | StrategyKey", state: State, consult: Consult, cfg: Config) -> Decision:
        if e.__class__ is not StrategyKey:
            return e
        dk = self._strategy_key(e, state, consult, cfg)
        d = e.by.get(dk)
        if d is None:
            d = e.by[dk] = self._run(state, consult, cfg, past_5=True)
            self._held.add(d)
        return d

    def _strategy_key(self, e: StrategyKey, state: State, consult: Consult, cfg: Config) -> Any:
        """`e`'s key in `state` (found once per state for the same pool and strategy)."""
        memo = self._keys
        if memo[0] is not state:  # the strategies' keys found for this state (balance: 16 variants)
            tr = self.tracker
            rates = tr.stats_gen if tr is not None and state.conversion is tr.live_conversion else None
            memo = self._keys = (state, {}, rates)
        return e.key(state, memo[1], memo[2], self._view(state, consult, cfg) if e.reads_view else None)

    def _entry(self, state: State, consult: Consult, cfg: Config, inf: "ConfigKeys", base: list,
               first: str | None) -> "Decision | StrategyKey":
        """The memo's entry for the decision under `cfg` (made, by the engine, if missing): the
        decision, or the `StrategyKey` that holds it (the one for `state` is in it)."""
        early = self._early
        cid = id(cfg)
        k = (cid, base[0], first)
        d = early.get(k)
        if d is None:  # rules 1–5 not seen with these inputs: the engine decides
            d = self._run(state, consult, cfg)
            if len(early) >= 2 * self.max_entries:  # (small entries: rules 1–5 choose one account)
                early.clear()
            if d.rule in _EARLY:
                early[k] = d
                return d
            early[k] = _LATE
            return self._keep(self._late_key(cid, base, state, consult, cfg, inf), d, inf, state, consult)
        if d is not _LATE:
            return d
        k2 = self._late_key(cid, base, state, consult, cfg, inf)
        d = self._memo.get(k2)
        if d is None:
            d = self._run(state, consult, cfg, past_5=True)
            return self._keep(k2, d, inf, state, consult)
        return d

    def _late_key(self, cid: int, base: list, state: State, consult: Consult, cfg: Config, inf: "ConfigKeys") -> tuple:
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
            if len(self._groups) >= MAX_MATCHED:  # (consults' matching fields are many: items, orders)
                self._groups.clear()
            g = self._groups[mk] = [*self._matched(cfg, consult, inf), None, None, None]
        tail = (late[1][0] == "bot_transfer", base[0][5])
        stamp = late[0]
        if stamp.__class__ is PoolView:
            # (a variant of base's config, same accounts and limits: the same groups' pools)
            view = stamp if inf is base[2] or inf.spec is base[2].spec else self._view(state, consult, cfg)
            if view is not None:
                return late_key(view, cid, g[0], g[2], tail, inf, state)
            stamp = self._flags(state, consult, base[2])
        if g[3] is not stamp or g[5] is not base[2].spec:  # (flags change far less often than consults)
            part = (stamp,)
            members = g[1]
            if members and inf.spec is base[2].spec:  # the flags are the accounts of `inf.spec`
                sub = bytes(map(stamp.__getitem__, members))
                if 1 in sub:
                    part = (sub, 1)
            ids = self._parts
            if len(ids) >= min(20 * self.max_entries, MAX_FLAG_BYTES // (len(stamp) or 1)):
                # (the memo's keys and `_groups` hold these numbers)
                ids.clear()
                self._memo.clear()
                self._groups.clear()
                g = self._groups[mk] = [g[0], g[1], g[2], None, None, None]
            g[3], g[4], g[5] = stamp, ids.setdefault(part, len(ids)), base[2].spec
        return (cid, g[0], g[4], *tail)

    def _matched(self, cfg: Config, consult: Consult, inf: "ConfigKeys") -> tuple:
        """(the groups 6a–f match, the positions in `inf.spec` of their members that rule 7 may
        choose: not proxies, their positions in the config's groups)."""
        if not cfg.groups:
            return (), (), ()
        found, _basis = match_groups(Context(state=State(config=cfg), consult=consult, explain=False))
        # (one shared triple per matched groups, by their ids, or the tuple's own id when many: held)
        key = id(found) if len(found) > 4 else tuple(map(id, found))
        e = inf.chooseable.get(key)
        if e is None or (len(found) > 4 and e[1] is not found):
            pos, at, memo = inf.positions(), lookup(cfg).position, inf.chooseable
            members = tuple(sorted({pos[m] for g in found for m in g.members if m in pos and not inf.conf[m].proxy}))
            e = memo[key] = ((tuple(g.id for g in found), members, tuple(at[id(g)] for g in found)), found)
        return e[0]

    def _forget(self) -> None:
        """Empty the memo of rules 6–8 (and the plans that hold its entries)."""
        self._memo.clear()
        self._plans.clear()
        self._held.clear()

    def _keep(self, k2: tuple, d: Decision, inf: ConfigKeys, state: State, consult: Consult) -> "Decision | StrategyKey":
        """Remember a decision that went past rule 5 under its rules 6–8 key."""
        memo = self._memo
        if len(memo) >= self.max_entries or self._held.n > MAX_ROWS:
            self._forget()
        self._held.add(d)
        if d.rule == "R7" and d.reason in _CHOOSING:  # rule 7 chose among several: keyed on what it read
            sel = memo.get(k2)
            if sel.__class__ is not StrategyKey:
                sel = memo[k2] = StrategyKey(inf, d, self._view(state, consult, inf.cfg))
            sel.by[self._strategy_key(sel, state, consult, inf.cfg)] = d
            return sel
        return memo.setdefault(k2, d)

    def _run(self, state: State, consult: Consult, cfg: Config, past_5: bool = False) -> Decision:
        """The engine's decision (`past_5`: rules 1–5 are known to pass with this consult's inputs)."""
        self.misses += 1
        if past_5:
            return decide_past_5(_with_config(state, cfg), consult)
        return engine_decide(_with_config(state, cfg), consult, explain=False, candidates="pool")

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
