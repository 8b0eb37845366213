"""Views of `balance` and `simulate`: rich tables and the hourly chart, JSON (their HTML: render/html.py).

Every name from the log goes through `safe()`.
"""

from __future__ import annotations

from typing import Any

from shunt import timeutil
from shunt.diagnose.balance import CATEGORIES, Balance
from shunt.diagnose.groupname import group_label
from shunt.diagnose.simulate import Simulation
from shunt.i18n import _
from shunt.render.layout import Col, Fold, Under, keep_names
from shunt.render.text import safe

CATEGORY_LABELS = {
    "recent_contact": "recent 最近联系人", "bound_group": "bound 绑定分组", "selection": "selection 分配",
    "exclusive": "exclusive 专属", "transfer": "transfer 转交", "fallback": "fallback 兜底", "robot": "robot 机器人",
}
SHORT = {"recent_contact": "recent", "bound_group": "bound", "selection": "select", "exclusive": "excl.",
         "transfer": "transfer", "fallback": "fallback", "robot": "robot"}


def _hours(ms: int) -> str:
    return f"{ms / 3_600_000:.1f}"


# ---- JSON ---------------------------------------------------------------------------------

def balance_json(b: Balance) -> dict[str, Any]:
    tz = timeutil.zone(b.tz)
    out: dict[str, Any] = {
        "shop": b.shop, "period": b.label, "from": timeutil.to_iso(b.start, tz), "to": timeutil.to_iso(b.end, tz),
        "group": b.group, "group_name": b.group_name, "consults": b.consults, "replayable": b.replayable, "routed": b.routed,
        "accounts": [{
            "account": a.account, "received": a.received, "share": round(a.share, 4),
            "online_hours": round(a.online_ms / 3_600_000, 3),
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
    days = b.end - b.start > 24 * 3_600_000
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
    return chart.render(rows, hour_labels(b), b.bucket_ms / 3_600_000, width, title, caption)


def _accounts_table(b: Balance):
    cols = [Col("account", "name"), *(Col(c, "num") for c in ("received", "share", "online h", "per online h", "expected"))]
    rows = [[a.account, f"{a.received:,}", f"{a.share:.1%}", _hours(a.online_ms),
             "-" if a.per_online_hour is None else f"{a.per_online_hour:.1f}", f"{a.expected:,.1f}"] for a in b.accounts]
    title = f"balance · {b.shop} · {b.label}" + (f" · group {group_label(b.group, b.group_name)}" if b.group else "")
    return Fold(title, cols, rows)


def balance_human(b: Balance, out=None) -> None:
    from shunt.render.human import console

    out = out or console()
    keep_names(b)
    out.print(_accounts_table(b))
    out.print(Fold("received by reason", [Col("account", "name"), *(Col(SHORT[c], "num") for c in CATEGORIES)],
                   [[a.account, *(f"{a.by_reason.get(c, 0):,}" for c in CATEGORIES)] for a in b.accounts]))
    r = b.routed
    out.print(Under(f"{b.consults:,} consults: {r['accounts']:,} to these accounts, {r['assistant']:,} to the assistant, "
                    f"{r['offline_queue']:,} to the offline queue, {r['others']:,} to other accounts.", 0, 0))
    at = b.attribution
    if at is not None:
        out.print()
        out.print(Under(safe(at.summary, "bold"), 0, 0))
        out.print(Fold("why · 原因 (share of the expected difference)",
                       [Col("factor", "name"), Col("consults", "num"), Col("share", "num"), Col("what")],
                       [[f.code, f"{f.consults:+,.1f}", "-" if f.share is None else f"{f.share:.0%}", f.message]
                        for f in at.factors]))
        names = list(b.accounts[0].effects) if b.accounts else []
        out.print(Fold("effect of each factor on each account's expected count (Shapley)",
                       [Col("account", "name"), *(Col(n, "num") for n in names)],
                       [[a.account, *(f"{a.effects[n]:+,.1f}" for n in names)] for a in b.accounts]))
    for n in b.notes:
        out.print(Under(safe(n, "yellow"), 0, 0))
    out.print(Chart(b))
    out.print(Under(safe("Method: " + b.method, "dim"), 0, 0))


def _sim_table(title, rows):
    cols = [Col("", "name"), *(Col(c, "num") for c in ("recorded", "expected now", "expected new", "change", "sampled new"))]
    return Fold(title, cols, [[r.name, f"{r.recorded:,}", f"{r.expected_before:,.1f}", f"{r.expected_after:,.1f}",
                               f"{r.change:+,.1f}", f"{r.sampled:,}"] for r in rows])


def simulate_human(s: Simulation, out=None) -> None:
    from shunt.render.human import console

    out = out or console()
    keep_names(s)
    out.print(Under(safe(f"simulate · {s.shop} · {s.label} · seed {s.seed} · {s.configs} configuration"
                         f"{'' if s.configs == 1 else 's'} changed", "bold"), 0, 0))
    out.print(_sim_table("per account", s.accounts))
    out.print(_sim_table("per group", s.groups))
    out.print(Fold("reasons", [Col("reason", "name"), Col("recorded", "num"), Col("sampled new", "num")],
                   [[k, f"{v['recorded']:,.0f}", f"{v['sampled']:,.0f}"] for k, v in s.reasons.items()]))
    m = s.moved
    out.print(Under(f"{m['consults']:,} consults of {s.consults:,} ({m['buyers']:,} buyers) would have landed elsewhere: "
                    f"{m['certain']:,} certainly (the recorded agent could not get them), {m['by_chance']:,} by the "
                    "sampled pick.", 0, 0))
    if m["flows"]:
        out.print(Fold("moves (from → to, by the rule that moved them)",
                       [Col("from", "name"), Col("to", "name"), Col("rule", "name"), Col("consults", "num")],
                       [[f["from"] or "-", f["to"] or "-", f["reason"], f"{f['consults']:,}"] for f in m["flows"][:10]]))
    if m["examples"]:
        out.print(Fold("examples", [Col("time", "name"), Col("buyer", "name"), Col("from", "name"), Col("to", "name"),
                                    Col("why")],
                       [[e["ts"][11:19], e["buyer"], e["from"] or "-", e["to"] or "-", e["why"]]
                        for e in m["examples"][:10]], lead=2))
    out.print(safe("What cannot be known:", "yellow"))
    for c in s.caveats:
        out.print(Under(safe("• " + c, "yellow")))
