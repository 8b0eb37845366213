"""Human views (rich) of the result objects. Every name from the log is printed through `safe()`."""

from __future__ import annotations

import os

from shunt import timeutil
from shunt.diagnose.results import Node, Received, Replay, Silent, Trace
from shunt.engine import labels
from shunt.i18n import _
from shunt.render.funnel import Bars, funnel
from shunt.render.funnel import Bars, funnel
from shunt.render.layout import Col, Fold, Under, keep_names, readable
from shunt.render.text import safe


def console(stderr: bool = False):
    from rich.console import Console

    from shunt.render.text import color_off

    # --no-color or NO_COLOR (any non-empty value): no escape sequence at all, neither colors nor bold
    from shunt.render.layout import out_width

    plain_text = color_off() or bool(os.environ.get("NO_COLOR"))
    out = Console(stderr=stderr, highlight=False, emoji=False, width=out_width(stderr),
                  **({"no_color": True, "color_system": None} if plain_text else {}))
    # rich asks the terminal for its size at every measure (a failing ioctl on each of 3 fds when piped);
    # the same size, asked once
    width, height = out.size
    out.size = (width + out.legacy_windows, height)
    return out


def verdict(r: Replay):
    from rich.text import Text

    if r.match is None:
        return Text("– not replayable", style="yellow")
    if r.match:
        return Text("✓ match", style="green")
    return Text("✗ mismatch", style="bold red")


def _kv(rows):
    """Key / value lines (the key bold); a value wraps under its own column, never cut."""
    from rich.table import Table

    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold", no_wrap=True)
    t.add_column(overflow="fold")
    for k, v in rows:
        t.add_row(safe(k), v if not isinstance(v, str) else safe(v))
    return t


def candidates_table(r: Replay):
    cols = [Col("account", "name"), Col("groups", "name"), Col("status", "name"), Col("load", "num"),
            Col("limit", "num"), Col("weight", "num"), Col("conv.", "num"), Col("busy", "name"),
            Col("eligible"), Col("win", "num")]
    rows = []
    for c in r.candidates:
        win = r.odds.get(c.account)
        rows.append([
            c.account, ", ".join(c.groups) or "-", labels.label(labels.STATUSES, c.status),
            str(c.load), "-" if c.max_sessions is None else str(c.max_sessions), f"{c.weight:g}",
            f"{c.conversion:.2f}", "busy" if c.busy else "", "yes" if c.eligible else (c.why_not or "no"),
            f"{win:.0%}" if win is not None else "",
        ])
    return Fold("candidates 候选客服", cols, rows)


def steps_table(r: Replay):
    rows = []
    for s in r.steps:
        style = {"decide": "bold green", "drop": "yellow", "fail": "red"}.get(s.outcome, "")
        rows.append([f"{s.rule} {s.name}", safe(s.outcome, style), s.detail])
    return Fold("routing process 分流过程", [Col("rule", "name"), Col("outcome", "name"), Col("detail")], rows, lead=2)


def _group_cell(n: Node) -> str:
    """The node's group by the rules; the recorded one beside it when the log disagrees."""
    g = n.group or "-"
    return f"{g} (log: {n.routed.group or '-'})" if n.recorded_group_differs else g


def group_note(n: Node) -> str:
    rule = n.group or "none (routing-rules.md: no group for the assistant, an account in no group, a logistics account)"
    return f"The log records group {n.routed.group or 'none'}; by the rules the node's group is {rule}."


def node_detail(n: Node, tz, out) -> None:
    from rich.panel import Panel

    c = n.consult
    order = "-"
    if c.order:
        order = f"{c.order.id or '?'} ({labels.label(labels.ORDER_STATES, c.order.state)})"
        if c.order.carrier:
            order += f", {c.order.carrier}, {c.order.packages if c.order.packages is not None else '?'} package(s)"
    rows = [
        ("consult", c.id),
        ("time", timeutil.to_iso(c.ts, tz)),
        ("source 来源", labels.label(labels.SOURCES, c.source)),
        ("item 商品", c.item or "-"),
        ("order 订单", order),
        ("intent 意图", c.intent or "-"),
        ("by / target", f"{c.by or '-'} → {c.target or '-'}"),
        ("recorded 记录", f"{n.routed.agent or '-'}  group {n.routed.group or '-'}  {labels.reason(n.routed.reason)}"),
        ("replayed 回放", f"{', '.join(n.replay.agents) or '-'}  {labels.reason(n.replay.reason)}"),
    ]
    if n.replay.group_known:
        rows.append(("group 分组", n.group or "- (none applies)"))
    out.print(Panel(_kv(rows), title=safe(f"node {c.id}"), title_align="left", expand=False))
    if n.recorded_group_differs:
        out.print(safe(group_note(n), "yellow"))
    r = n.replay
    if r.note:
        out.print(safe(r.note, "yellow"))
    if r.steps:
        out.print(steps_table(r))
    if r.candidates:
        out.print(candidates_table(r))
    if r.match:
        out.print(safe("✓ the recorded decision follows the rules.", "green"))
    for f in r.findings:
        out.print(Under(safe("✗ " + f, "red")))


def trace(t: Trace, detail: bool = False, out=None) -> None:
    out = out or console()
    keep_names(t)
    tz = timeutil.zone(t.tz)
    if not t.nodes:
        out.print(safe(f"{t.buyer} has no routing nodes on {t.date} (shop {t.shop})."))
        if t.dates:
            out.print(safe("Dates with nodes: " + ", ".join(t.dates)))
        return
    cols = [Col("time", "name"), Col("source 来源"), Col("reason 原因"), Col("agent 客服", "name"),
            Col("group 分组", "name"), Col("replay 回放", "name")]
    rows = [[timeutil.to_clock(n.consult.ts, tz)[6:], labels.label(labels.SOURCES, n.consult.source),
             labels.reason(n.routed.reason), n.routed.agent or "-", _group_cell(n), verdict(n.replay)]
            for n in t.nodes]
    out.print(Fold(f"{t.buyer} · {t.date} · {t.shop}", cols, rows))
    bad = [n for n in t.nodes if n.replay.match is False]
    if detail or len(t.nodes) == 1:
        for n in t.nodes:
            node_detail(n, tz, out)
    else:
        for n in bad:
            out.print(Under(safe(f"✗ {n.consult.id}: " + "; ".join(n.replay.findings), "red")))
        out.print(safe(f"Open a node: shunt trace {t.buyer} --date {t.date} --node {t.nodes[0].consult.id}", "dim"))


def silent(s: Silent, out=None) -> None:
    out = out or console()
    keep_names(s)
    tz = timeutil.zone(s.tz)
    head = "receiving 可接待" if s.receiving else "not receiving 收不到消息"
    out.print(safe(f"{s.account} at {timeutil.to_iso(s.at, tz)}: {head}", "bold green" if s.receiving else "bold red"))
    st = s.state
    if st:
        out.print(_kv([(k, readable(v)) for k, v in st.items() if v is not None and v != [] and v != {}]))
    for note in s.notes:
        out.print(Under(safe("! " + note, "yellow")))
    for c in s.causes:
        count = (f" — {c.count:,} consult{'' if c.count == 1 else 's'} ({c.share:.0%})"
                 if c.count is not None and c.share is not None else "")
        out.print(Under(safe(f"• {labels.label(labels.CAUSES, c.code)} [{c.code}]{count}", "bold")))
        out.print(Under(safe(c.message), 2, 2))
        if c.advice:
            out.print(Under(safe(f"→ {c.advice}", "cyan"), 2, 4))
        for ex in c.examples[:3]:
            out.print(example(ex, tz))
    steps = funnel(s)
    if steps:
        out.print(Bars(steps, _("funnel: consults still open to the account after each rule")))
    window_lines(s, out)


def example(ex: dict, tz) -> Under:
    """An example consult as a readable line: `c-0044 11-11 08:20:33 tb_buyer40 → zhenpin:阿甲: why`."""
    ex = dict(ex)
    head = " ".join(str(x) for x in (ex.pop("consult", None), _clock(ex.pop("ts", None), tz), ex.pop("buyer", None))
                    if x)
    to = ex.pop("went_to", None)
    why = ex.pop("why", None)
    text = _("e.g.") + " " + head + (f" → {readable(to)}" if to else "") + (f": {why}" if why else "")
    rest = " · ".join(f"{k} {readable(v)}" for k, v in ex.items() if v not in (None, "", [], {}))
    return Under(safe(text + (f" ({rest})" if rest else ""), "dim"), 4, 6)


def _clock(ts, tz) -> str | None:
    """An ISO moment of an example shown as `11-11 08:20:33`; anything else as given."""
    if not isinstance(ts, str) or len(ts) < 19 or ts[10] != "T":
        return ts
    return f"{ts[5:10]} {ts[11:19]}"


def window_lines(s: Silent, out) -> None:
    """The window's tally: received as the log recorded it, the ties lost apart, what the data covers."""
    tz = timeutil.zone(s.tz)
    w = s.window
    if not w:
        return
    out.print(Under(safe(f"window {w['from']} – {w['to']}: {w['consults']:,} consult{'' if w['consults'] == 1 else 's'}; "
                         f"received {w['received']:,} (as the log recorded)", "bold")))
    lines = [("lost_draw", "could have received, lost the draw (one of several tied winners)"),
             ("rules_give_it", "the rules give it to this account alone, the log to another (a mismatch)"),
             ("received_against_rules", "received although the rules give it to another (a mismatch)"),
             ("direct", "direct (qianniu-initiated or transferred to a named agent)")]
    for key, text in lines:
        if w.get(key):
            out.print(Under(safe(f"{text}: {w[key]:,}"), 2, 4))
            for ex in w.get("examples", {}).get(key, [])[:3]:
                out.print(example(ex, tz))
    d = s.data
    if d and d.get("first_event"):
        out.print(Under(safe(f"data: {d['first_event']} – {d['last_event']}", "dim")))


def received(r: Received, out=None) -> None:
    out = out or console()
    keep_names(r)
    tz = timeutil.zone(r.tz)
    m = r.message
    out.print(safe(f"{r.buyer}'s message at {m.get('ts')} was received by {r.account or '-'}", "bold"))
    if r.logistics is not None:
        lg = r.logistics
        out.print(safe("reason: 物流客服三方会话 logistics_invited — a carrier's agent invited into the consult", "bold"))
        for s in lg.get("steps", []):
            mark = "✓" if s.get("outcome") == "pass" else "✗"
            out.print(Under(safe(f"{mark} {s.get('detail')}"), 2, 4))
        for line in lg.get("rules", []):
            out.print(Under(safe(f"• {line}", "dim"), 2, 4))
    elif r.node is not None:
        n = r.node
        out.print(safe(f"routed by node {n.consult.id} at {timeutil.to_iso(n.consult.ts, tz)}: {labels.reason(n.routed.reason)}"))
        node_detail(n, tz, out)
    for note in r.notes:
        out.print(safe(note, "yellow"))
    if r.expected is not None:
        e = r.expected
        out.print(safe(f"Why not {e.facts.get('account', '')}: {labels.label(labels.CAUSES, e.code)} — {e.message}", "bold yellow"))
        if e.advice:
            out.print(Under(safe(f"→ {e.advice}", "cyan"), 2, 4))
