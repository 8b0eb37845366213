"""balance's attribution: the difference between the two compared accounts split into the factors'
Shapley effects and the causes of the rest, each with a sentence, and the summary ("why").

Plain data in (`PairFacts`, gathered by the answer beforehand: no database here), an
`Attribution` out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

from shunt.diagnose.balance.results import CAUSES, Attribution, Factor, short
from shunt.diagnose.hours import HOUR
from shunt.diagnose.variants import FACTORS, RECENT
from shunt.engine.labels import ORDER_STATES
from shunt.engine.model import Config

# causes whose sentence says it all
_FIXED = {
    "exclusive": "exclusive buyers (专属客服)",
    "capacity": "reception limits (接待上限): one of them was full",
    "group_membership": "group membership (only one of them was in the groups that took the consults)",
    "routing_disabled": "routing switched off or not listed for one of them",
    "proxy": "proxy (代理) accounts",
    "transfer": "transfers and chats started by agents (转交 / 千牛发起)",
    "fallback": "fallback routing (兜底)",
}


@dataclass(frozen=True)
class PairFacts:
    """What the attribution of `top` against `bottom` reads."""

    top: str
    bottom: str
    received: tuple[int, int]
    online: dict[str, int]  # account → online ms over the period
    cfg: Config | None  # the last configuration of the period
    cfgs: list[Config]  # every configuration of the period
    effects: dict[int, dict[str, float]]  # factor → account → Shapley effect
    causes: dict[str, float]  # cause → its part of the expected difference
    cause_n: Counter  # cause → consults involved
    chance: float
    broken: float
    recent_days: dict[str, Counter]  # account → local day → its recent-contact wins
    day_online: dict[str, int] | None = None  # the pair's online ms on `contact_day`'s day


def contact_day(effects: dict[int, dict[str, float]], recent_days: dict[str, Counter], top: str,
                bottom: str) -> str | None:
    """The day on which the account favoured by recent contacts won most of them, when recent
    contacts are a factor of the difference (its sentence then gives the pair's online hours that day)."""
    amt = effects[RECENT].get(top, 0.0) - effects[RECENT].get(bottom, 0.0)
    if abs(amt) <= 1e-9:
        return None
    days = recent_days.get(top if amt > 0 else bottom)
    return days.most_common(1)[0][0] if days else None


def attribute(pf: PairFacts) -> Attribution:
    top, bottom = pf.top, pf.bottom
    parts: list[tuple[str, float, dict]] = []
    for f, name in FACTORS:
        amt = pf.effects[f].get(top, 0.0) - pf.effects[f].get(bottom, 0.0)
        if abs(amt) > 1e-9:
            parts.append((name, amt, {}))
    for cause in CAUSES:
        amt = pf.causes.get(cause, 0.0)
        if abs(amt) > 1e-9:
            parts.append((cause, amt, {"consults_involved": pf.cause_n.get(cause, 0)}))
    expected = sum(p[1] for p in parts)
    factors = []
    for code, amt, facts in sorted(parts, key=lambda p: -abs(p[1])):
        share = amt / expected if abs(expected) > 1e-9 else None
        msg, more = _message(pf, code, top if amt > 0 else bottom)
        factors.append(Factor(code=code, consults=round(amt, 3), share=None if share is None else round(share, 4),
                              message=msg, facts={**facts, **more}))
    rt, rb = pf.received
    ratio = rt / rb if rb else None
    return Attribution(top=top, bottom=bottom, received=(rt, rb), ratio=None if ratio is None else round(ratio, 3),
                       difference=rt - rb, expected_difference=round(expected, 3), chance=round(pf.chance, 3),
                       broken=round(pf.broken, 3), factors=tuple(factors),
                       summary=_summary(pf, factors, expected, ratio))


def _summary(pf: PairFacts, factors: list[Factor], expected: float, ratio: float | None) -> str:
    """The "why" sentence: the received ratio, the main parts of the difference, and what the
    rules' odds leave to chance and to broken rules."""
    T, B = short(pf.top), short(pf.bottom)
    rt, rb = pf.received
    head = (f"{T} received {ratio:.1f}x {B} ({rt:,} vs {rb:,})" if ratio is not None
            else f"{T} received {rt:,} consults, {B} none")
    if not factors:
        summary = head + ": the odds give them the same expected load; the difference is chance."
    else:
        shown = [f for f in factors if f.share is not None and abs(f.share) >= 0.005][:4]
        bits = [f"{f.share:.0%} of the difference from {f.message}" if i == 0 else f"{f.share:.0%} from {f.message}"
                for i, f in enumerate(shown)]
        summary = head + ": " + ", ".join(bits) + "." if bits else head + "."
    diff = rt - rb
    if abs(diff - expected) >= 0.5:
        summary += (f" The rules' odds account for {expected:,.1f} of the recorded difference of {diff:,}; "
                    f"{pf.chance:+,.1f} is chance in random picks")
        summary += (f" and {pf.broken:+,.1f} comes from recorded decisions that break the rules."
                    if abs(pf.broken) >= 0.5 else ".")
    return summary


def _hours(ms: int) -> str:
    h = ms / HOUR
    return f"{h:.0f} h" if abs(h - round(h)) < 0.05 else f"{h:.1f} h"


def _message(pf: PairFacts, code: str, favoured: str) -> tuple[str, dict]:
    """A part's sentence and its facts; `favoured`: the account it adds consults to."""
    if code in _FIXED:
        return _FIXED[code], {}
    made = _MESSAGES.get(code)
    return made(pf, favoured) if made is not None else (code, {})


def _recent_contact(pf: PairFacts, favoured: str) -> tuple[str, dict]:
    days = pf.recent_days.get(favoured) or Counter()
    facts: dict[str, Any] = {"contact_days": dict(days.most_common(5))}
    if days and pf.day_online is not None:
        day = days.most_common(1)[0][0]
        ht, hb = pf.day_online[pf.top], pf.day_online[pf.bottom]
        facts.update({"day": day, "online_ms": {pf.top: ht, pf.bottom: hb}})
        return (f"recent contacts accumulated on {day[5:]} ({short(pf.top)} online {_hours(ht)} vs {_hours(hb)})",
                facts)
    return "recent contacts (最近联系人)", facts


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


def _group_binding(pf: PairFacts, favoured: str) -> tuple[str, dict]:
    bound: list[tuple[str, str, str]] = []
    if pf.cfg is not None:
        for acct in (favoured, pf.top if favoured == pf.bottom else pf.bottom):
            for g in pf.cfg.groups_of(acct):
                if not g.bind.empty and g.name not in [b[0] for b in bound]:
                    bound.append((g.name, _bind_text(g), acct))
    if bound:
        name, text, _ = bound[0]
        return f"{name} being bound to {text}", {"groups": [{"group": b[0], "bind": b[1], "member": b[2]} for b in bound]}
    return "group bindings (分组绑定)", {}


def _weights(pf: PairFacts, favoured: str) -> tuple[str, dict]:
    def ws(acct: str) -> list[float]:
        seen: list[float] = []
        for c in pf.cfgs:
            a = c.agent(acct)
            if a is not None and a.weight not in seen:
                seen.append(a.weight)
        return seen

    wt, wb = ws(pf.top), ws(pf.bottom)
    if wt and wb:
        return (f"weights ({short(pf.top)} {'/'.join(f'{w:g}' for w in wt)} vs "
                f"{short(pf.bottom)} {'/'.join(f'{w:g}' for w in wb)})", {"weights": {pf.top: wt, pf.bottom: wb}})
    return "weights", {}


def _online_time(pf: PairFacts, favoured: str) -> tuple[str, dict]:
    on = pf.online
    return (f"online time ({short(pf.top)} online {_hours(on[pf.top])} vs {short(pf.bottom)} {_hours(on[pf.bottom])})",
            {"online_ms": {pf.top: on[pf.top], pf.bottom: on[pf.bottom]}})


def _busyness(pf: PairFacts, favoured: str) -> tuple[str, dict]:
    thr = pf.cfg.settings.busy_threshold if pf.cfg else 4
    return f"busy-ness (繁忙度: more than {thr} open sessions, the less loaded wins)", {}


def _strategy(pf: PairFacts, favoured: str) -> tuple[str, dict]:
    return f"the {pf.cfg.settings.strategy if pf.cfg else ''} strategy", {}


_MESSAGES: dict[str, Callable[[PairFacts, str], tuple[str, dict]]] = {
    "recent_contact": _recent_contact, "group_binding": _group_binding, "weights": _weights,
    "online_time": _online_time, "busyness": _busyness, "strategy": _strategy,
}
