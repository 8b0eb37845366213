"""Views of `balance` and `simulate`: rich tables and the hourly chart, JSON (their HTML: render/html.py).

Every name from the log goes through `safe()`.
"""

from __future__ import annotations

from typing import Any

from shunt import timeutil
from shunt.diagnose.balance import CATEGORIES, Balance
from shunt.diagnose.groupname import group_label
from shunt.diagnose.simulate import Simulation
from shunt.engine.model import HOUR_MS
from shunt.i18n import _
from shunt.render.layout import Col, Fold, Under, keep_names
from shunt.i18n import N_, _, current_lang, ngettext, tr
from shunt.render import words
from shunt.render.text import safe

CATEGORY_LABELS = {
    "recent_contact": N_("recent 最近联系人"), "bound_group": N_("bound 绑定分组"), "selection": N_("selection 分配"),
    "exclusive": N_("exclusive 专属"), "transfer": N_("transfer 转交"), "fallback": N_("fallback 兜底"),
    "robot": N_("robot 机器人"),
}
SHORT = {"recent_contact": N_("recent"), "bound_group": N_("bound"), "selection": N_("select"), "exclusive": N_("excl."),
         "transfer": N_("transfer"), "fallback": N_("fallback"), "robot": N_("robot")}
FACTORS = {"recent_contact": N_("recent contacts"), "group_binding": N_("group bindings"), "weights": N_("weights"),
           "exclusive": N_("exclusive agents"), "online_time": N_("online time"), "capacity": N_("reception limits"),
           "busyness": N_("busy-ness"), "strategy": N_("the strategy"), "group_membership": N_("group membership"),
           "routing_disabled": N_("routing off or not listed"), "proxy": N_("proxy accounts"),
           "transfer": N_("transfers and chats started by agents"), "fallback": N_("fallback routing"),
           "other": N_("other")}
# the factors' codes (balance's Shapley switches and the causes of the rest): the code in English (it is the
# JSON's), its label in Chinese


def factor(code: str) -> str:
    return _(FACTORS[code]) if current_lang() == "zh" and code in FACTORS else code


def _hours(ms: int) -> str:
    return f"{ms / HOUR_MS:.1f}"


# ---- JSON ---------------------------------------------------------------------------------

def balance_json(b: Balance) -> dict[str, Any]:
    tz = timeutil.zone(b.tz)
    out: dict[str, Any] = {
        "shop": b.shop, "period": b.label, "from": timeutil.to_iso(b.start, tz), "to": timeutil.to_iso(b.end, tz),
        "group": b.group, "group_name": b.group_name, "consults": b.consults, "replayable": b.replayable, "routed": b.routed,
        "accounts": [{
            "account": a.account, "received": a.received, "share": round(a.share, 4),
            "online_hours": round(a.online_ms / HOUR_MS, 3),
            "per_online_hour": None if a.per_online_hour is None else round(a.per_online_hour, 3),
            "by_reason": a.by_reason, "expected": round(a.expected, 3),
            "expected_without": {k: round(v, 3) for k, v in a.expected_without.items()},
            "effects": {k: round(v, 3) for k, v in a.effects.items()},
            "weight": a.weight, "groups": list(a.groups),
        } for a in b.accounts],
        "attribution": None,
        "hourly": {
            "bucket_minutes": b.bucket_ms // 60_000,
            "starts": [timeutil.to_iso(b.start + i * b.bucket_ms, tz) for i in range(b.buckets)],
            "accounts": {a.account: {"received": list(a.hourly_received), "online_minutes": list(a.hourly_online_min),
                                     "status": list(a.hourly_status)} for a in b.accounts},
        },
        "notes": list(b.notes),
        "method": b.method,
    }
    at = b.attribution
    if at is not None:
        out["attribution"] = {
            "top": at.top, "bottom": at.bottom, "received": list(at.received), "ratio": at.ratio,
            "difference": at.difference, "expected_difference": at.expected_difference,
            "chance": at.chance, "broken_rules": at.broken,
            "factors": [{"factor": f.code, "consults": f.consults, "share": f.share, "message": f.message,
                         "facts": f.facts} for f in at.factors],
            "summary": at.summary,
        }
    return out


def _row(r) -> dict[str, Any]:
    return {"name": r.name, "recorded": r.recorded, "expected_before": r.expected_before,
            "expected_after": r.expected_after, "sampled": r.sampled, "change": round(r.change, 3)}


def simulate_json(s: Simulation) -> dict[str, Any]:
    tz = timeutil.zone(s.tz)
    return {
        "shop": s.shop, "period": s.label, "from": timeutil.to_iso(s.start, tz), "to": timeutil.to_iso(s.end, tz),
        "seed": s.seed, "config": s.changed, "configs_changed": s.configs,
        "consults": s.consults, "replayable": s.replayable,
        "accounts": [{**_row(r), "account": r.name} for r in s.accounts],
        "groups": [{**_row(r), "group": r.name} for r in s.groups],
        "reasons": s.reasons,
        "moved": s.moved,
        "caveats": list(s.caveats),
    }


# ---- terminal -----------------------------------------------------------------------------

class Chart:
    """The hourly chart (render/chart.py) laid out for the width it is printed at."""

    def __init__(self, b: Balance) -> None:
        self.b = b

    def __rich_console__(self, console, options):
        from shunt.render.layout import wrap_under

        for line in chart_lines(self.b, options.max_width):
            if line.cell_len <= options.max_width:
                yield line
            else:
                yield from wrap_under(console, line, options.max_width, 0, 2)


def hour_labels(b: Balance) -> list[str]:
    """The axis label of each bucket's start: its hour (`09`), or its date (`11-11`) at midnight when the
    period spans more than a day."""
    tz = timeutil.zone(b.tz)
    days = b.end - b.start > 24 * HOUR_MS
    out = []
    for i in range(b.buckets):
        clock = timeutil.to_clock(b.start + i * b.bucket_ms, tz)  # MM-DD HH:MM:SS
        out.append(clock[:5] if days and clock[6:11] == "00:00" else clock[6:8])
    return out


def chart_lines(b: Balance, width: int):
    from shunt.render import chart

    rows = [chart.Row(a.account, tuple(a.hourly_received), tuple(a.hourly_status)) for a in b.accounts]
    top = max((max(a.hourly_received or (0,)) for a in b.accounts), default=0)
    title = _("load per {minutes} min · hours of the day ({tz})").format(minutes=b.bucket_ms // 60_000, tz=b.tz)
    caption = _("bar height: consults received (highest bar {top}); strip: ━ online, ╍ suspended, · offline").format(
        top=top)
    return chart.render(rows, hour_labels(b), b.bucket_ms / HOUR_MS, width, title, caption)


def _accounts_table(b: Balance):
    cols = [Col(_("account"), "name"),
            *(Col(_(c), "num") for c in (N_("received"), N_("share"), N_("online h"), N_("per online h"), N_("expected")))]
    rows = [[a.account, f"{a.received:,}", f"{a.share:.1%}", _hours(a.online_ms),
             "-" if a.per_online_hour is None else f"{a.per_online_hour:.1f}", f"{a.expected:,.1f}"] for a in b.accounts]
    title = _("balance · {shop} · {period}").format(shop=b.shop, period=tr(b.label)) + (
        _(" · group {group}").format(group=group_label(b.group, b.group_name)) if b.group else "")
    return Fold(title, cols, rows)


def balance_human(b: Balance, out=None, with_chart: bool = True) -> None:
    """The terminal view; `with_chart=False` leaves the hourly chart out (shunt ui shows it above the tables)."""
    from shunt.render.human import console

    out = out or console()
    keep_names(b)
    out.print(_accounts_table(b))
    out.print(Fold(_("received by reason"), [Col(_("account"), "name"), *(Col(_(SHORT[c]), "num") for c in CATEGORIES)],
                   [[a.account, *(f"{a.by_reason.get(c, 0):,}" for c in CATEGORIES)] for a in b.accounts]))
    r = b.routed
    out.print(Under(ngettext("{n} consult", "{n} consults", b.consults).format(n=f"{b.consults:,}") + _(
        ": {accounts} to these accounts, {assistant} to the assistant, {queue} to the offline queue, {others} to "
        "other accounts.").format(accounts=f"{r['accounts']:,}", assistant=f"{r['assistant']:,}",
                                  queue=f"{r['offline_queue']:,}", others=f"{r['others']:,}"), 0, 0))
    at = b.attribution
    if at is not None:
        out.print()
        out.print(Under(safe(why_sentence(at), "bold"), 0, 0))
        out.print(Fold(_("why · 原因 (share of the expected difference)"),
                       [Col(_("factor"), "name"), Col(_("consults"), "num"), Col(_("share"), "num"), Col(_("what"))],
                       [[factor(f.code), f"{f.consults:+,.1f}", "-" if f.share is None else f"{f.share:.0%}", tr(f.message)]
                        for f in at.factors]))
        names = list(b.accounts[0].effects) if b.accounts else []
        out.print(Fold(_("effect of each factor on each account's expected count (Shapley)"),
                       [Col(_("account"), "name"), *(Col(factor(n), "num") for n in names)],
                       [[a.account, *(f"{a.effects[n]:+,.1f}" for n in names)] for a in b.accounts]))
    for n in b.notes:
        out.print(Under(safe(tr(n), "yellow"), 0, 0))
    if with_chart:
        out.print(Chart(b))
    out.print(Under(safe(_("Method: {text}").format(text=tr(b.method)), "dim"), 0, 0))


def why_sentence(at) -> str:
    """balance's "why" sentence: the diagnose's own (English) as it is, or said again in the chosen language
    from the attribution's numbers (the same facts, the same order)."""
    if current_lang() == "en":
        return at.summary
    T, B = (a.split(":", 1)[-1] for a in (at.top, at.bottom))
    rt, rb = at.received
    head = (_("{top} received {ratio}x {bottom} ({rt} vs {rb})").format(
        top=T, bottom=B, ratio=f"{at.ratio:.1f}", rt=f"{rt:,}", rb=f"{rb:,}") if at.ratio is not None
        else _("{top} received {rt} consults, {bottom} none").format(top=T, bottom=B, rt=f"{rt:,}"))
    if not at.factors:
        text = head + _(": the odds give them the same expected load; the difference is chance.")
    else:
        shown = [f for f in at.factors if f.share is not None and abs(f.share) >= 0.005][:4]
        bits = [(_("{share} of the difference from {what}") if i == 0 else _("{share} from {what}")).format(
            share=f"{f.share:.0%}", what=tr(f.message)) for i, f in enumerate(shown)]
        text = head + (_(": {reasons}.").format(reasons=_(", ").join(bits)) if bits else _("."))
    if abs(at.difference - at.expected_difference) >= 0.5:
        text += _(" The rules' odds account for {expected} of the recorded difference of {diff}; {chance} is chance in "
                  "random picks").format(expected=f"{at.expected_difference:,.1f}", diff=f"{at.difference:,}",
                                         chance=f"{at.chance:+,.1f}")
        text += (_(" and {broken} comes from recorded decisions that break the rules.").format(broken=f"{at.broken:+,.1f}")
                 if abs(at.broken) >= 0.5 else _("."))
    return text


def _sim_table(title, rows):
    cols = [Col("", "name"), *(Col(_(c), "num") for c in (N_("recorded"), N_("expected now"), N_("expected new"),
                                                         N_("change"), N_("sampled new")))]
    return Fold(title, cols, [[r.name, f"{r.recorded:,}", f"{r.expected_before:,.1f}", f"{r.expected_after:,.1f}",
                               f"{r.change:+,.1f}", f"{r.sampled:,}"] for r in rows])


def simulate_human(s: Simulation, out=None) -> None:
    from shunt.render.human import console

    out = out or console()
    keep_names(s)
    out.print(Under(safe(_("simulate · {shop} · {period} · seed {seed} · {changed}").format(
        shop=s.shop, period=tr(s.label), seed=s.seed, changed=ngettext(
            "{n} configuration changed", "{n} configurations changed", s.configs).format(n=s.configs)), "bold"), 0, 0))
    out.print(_sim_table(_("per account"), s.accounts))
    out.print(_sim_table(_("per group"), [_grouped(r) for r in s.groups]))
    out.print(Fold(_("reasons"), [Col(_("reason"), "name"), Col(_("recorded"), "num"), Col(_("sampled new"), "num")],
                   [[words.reason(k), f"{v['recorded']:,.0f}", f"{v['sampled']:,.0f}"] for k, v in s.reasons.items()]))
    m = s.moved
    out.print(Under(_("{moved} of {consults} ({buyers}) would have landed elsewhere: {certain} certainly (the recorded "
                      "agent could not get them), {by_chance} by the sampled pick.").format(
        moved=ngettext("{n} consult", "{n} consults", m["consults"]).format(n=f"{m['consults']:,}"),
        consults=f"{s.consults:,}", buyers=ngettext("{n} buyer", "{n} buyers", m["buyers"]).format(n=f"{m['buyers']:,}"),
        certain=f"{m['certain']:,}", by_chance=f"{m['by_chance']:,}"), 0, 0))
    if m["flows"]:
        out.print(Fold(_("moves (from → to, by the rule that moved them)"),
                       [Col(_("from"), "name"), Col(_("to"), "name"), Col(_("rule"), "name"), Col(_("consults"), "num")],
                       [[tr(f["from"]) or "-", tr(f["to"]) or "-", words.reason(f["reason"]), f"{f['consults']:,}"]
                        for f in m["flows"][:10]]))
    if m["examples"]:
        out.print(Fold(_("examples"), [Col(_("time"), "name"), Col(_("buyer"), "name"), Col(_("from"), "name"),
                                       Col(_("to"), "name"), Col(_("why"))],
                       [[e["ts"][11:19], e["buyer"], tr(e["from"]) or "-", tr(e["to"]) or "-", tr(e["why"])]
                        for e in m["examples"][:10]], lead=2))
    out.print(safe(_("What cannot be known:"), "yellow"))
    for c in s.caveats:
        out.print(Under(safe("• " + tr(c), "yellow")))


def _grouped(r):
    """A per-group row named `售前 g_pre` (the name beside the id)."""
    import dataclasses

    return dataclasses.replace(r, name=tr(words.group(r.name))) if dataclasses.is_dataclass(r) else r
