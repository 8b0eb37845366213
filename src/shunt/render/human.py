"""Human views (rich) of the result objects. Every name from the log is printed through `safe()`."""

from __future__ import annotations

import os

from shunt import timeutil
from shunt.diagnose.results import Node, Received, Replay, Silent, Trace
from shunt.engine import labels
from shunt.render.text import safe


def console(stderr: bool = False):
    from rich.console import Console

    from shunt.render.text import color_off

    # --no-color or NO_COLOR (any non-empty value): no escape sequence at all, neither colors nor bold
    plain_text = color_off() or bool(os.environ.get("NO_COLOR"))
    out = Console(stderr=stderr, highlight=False, emoji=False, **({"no_color": True, "color_system": None}
                                                                  if plain_text else {}))
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
    from rich.table import Table

    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column()
    for k, v in rows:
        t.add_row(safe(k), v if not isinstance(v, str) else safe(v))
    return t


def candidates_table(r: Replay):
    from rich.table import Table

    t = Table(title="candidates 候选客服", title_justify="left", show_lines=False)
    for col in ("account", "groups", "status", "load", "limit", "weight", "conv.", "busy", "eligible", "win"):
        t.add_column(col)
    for c in r.candidates:
        win = r.odds.get(c.account)
        t.add_row(
            safe(c.account), safe(",".join(c.groups) or "-"), safe(labels.label(labels.STATUSES, c.status)),
            str(c.load), "-" if c.max_sessions is None else str(c.max_sessions), f"{c.weight:g}",
            f"{c.conversion:.2f}", "busy" if c.busy else "", "yes" if c.eligible else safe(c.why_not or "no"),
            f"{win:.0%}" if win is not None else "",
        )
    return t


def steps_table(r: Replay):
    from rich.table import Table

    t = Table(title="routing process 分流过程", title_justify="left")
    t.add_column("rule")
    t.add_column("outcome")
    t.add_column("detail", overflow="fold")  # wrap whole words; never cut a fact to "…"
    for s in r.steps:
        style = {"decide": "bold green", "drop": "yellow", "fail": "red"}.get(s.outcome, "")
        t.add_row(safe(f"{s.rule} {s.name}"), safe(s.outcome, style), safe(s.detail))
    return t


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
    out.print(Panel(_kv(rows), title=safe(f"node {c.id}"), title_align="left"))
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
        out.print(safe("✗ " + f, "red"))


def trace(t: Trace, detail: bool = False, out=None) -> None:
    from rich.table import Table

    out = out or console()
    tz = timeutil.zone(t.tz)
    if not t.nodes:
        out.print(safe(f"{t.buyer} has no routing nodes on {t.date} (shop {t.shop})."))
        if t.dates:
            out.print(safe("Dates with nodes: " + ", ".join(t.dates)))
        return
    tab = Table(title=safe(f"{t.buyer} · {t.date} · {t.shop}"), title_justify="left")
    for col in ("time", "source 来源", "reason 原因", "agent 客服", "group 分组", "replay 回放"):
        tab.add_column(col, overflow="fold", no_wrap=col.startswith(("time", "replay")))
    for n in t.nodes:
        c = n.consult
        tab.add_row(
            timeutil.to_clock(c.ts, tz)[6:], safe(labels.label(labels.SOURCES, c.source)),
            safe(labels.reason(n.routed.reason)), safe(n.routed.agent or "-"), safe(_group_cell(n)),
            verdict(n.replay),
        )
    out.print(tab)
    bad = [n for n in t.nodes if n.replay.match is False]
    if detail or len(t.nodes) == 1:
        for n in t.nodes:
            node_detail(n, tz, out)
    else:
        for n in bad:
            out.print(safe(f"✗ {n.consult.id}: " + "; ".join(n.replay.findings), "red"))
        out.print(safe(f"Open a node: shunt trace {t.buyer} --date {t.date} --node {t.nodes[0].consult.id}", "dim"))


def silent(s: Silent, out=None) -> None:
    out = out or console()
    tz = timeutil.zone(s.tz)
    head = "receiving 可接待" if s.receiving else "not receiving 收不到消息"
    out.print(safe(f"{s.account} at {timeutil.to_iso(s.at, tz)}: {head}", "bold green" if s.receiving else "bold red"))
    st = s.state
    if st:
        out.print(_kv([(k, str(v)) for k, v in st.items() if v is not None and v != [] and v != {}]))
    for note in s.notes:
        out.print(safe("! " + note, "yellow"))
    for c in s.causes:
        count = (f" — {c.count:,} consult{'' if c.count == 1 else 's'} ({c.share:.0%})"
                 if c.count is not None and c.share is not None else "")
        out.print(safe(f"• {labels.label(labels.CAUSES, c.code)} [{c.code}]{count}", "bold"))
        out.print(safe(f"  {c.message}"))
        if c.advice:
            out.print(safe(f"  → {c.advice}", "cyan"))
        for ex in c.examples[:3]:
            out.print(safe("    e.g. " + " ".join(f"{k}={v}" for k, v in ex.items()), "dim"))
    window_lines(s, out)


def window_lines(s: Silent, out) -> None:
    """The window's tally: received as the log recorded it, the ties lost apart, what the data covers."""
    w = s.window
    if not w:
        return
    out.print(safe(f"window {w['from']} – {w['to']}: {w['consults']:,} consult{'' if w['consults'] == 1 else 's'}; "
                   f"received {w['received']:,} (as the log recorded)", "bold"))
    lines = [("lost_draw", "could have received, lost the draw (one of several tied winners)"),
             ("rules_give_it", "the rules give it to this account alone, the log to another (a mismatch)"),
             ("received_against_rules", "received although the rules give it to another (a mismatch)"),
             ("direct", "direct (qianniu-initiated or transferred to a named agent)")]
    for key, text in lines:
        if w.get(key):
            out.print(safe(f"  {text}: {w[key]:,}"))
            for ex in w.get("examples", {}).get(key, [])[:3]:
                out.print(safe("    e.g. " + " ".join(f"{k}={v}" for k, v in ex.items()), "dim"))
    d = s.data
    if d and d.get("first_event"):
        out.print(safe(f"data: {d['first_event']} – {d['last_event']}", "dim"))


def received(r: Received, out=None) -> None:
    out = out or console()
    tz = timeutil.zone(r.tz)
    m = r.message
    out.print(safe(f"{r.buyer}'s message at {m.get('ts')} was received by {r.account or '-'}", "bold"))
    if r.logistics is not None:
        lg = r.logistics
        out.print(safe("reason: 物流客服三方会话 logistics_invited — a carrier's agent invited into the consult", "bold"))
        for s in lg.get("steps", []):
            mark = "✓" if s.get("outcome") == "pass" else "✗"
            out.print(safe(f"  {mark} {s.get('detail')}"))
        for line in lg.get("rules", []):
            out.print(safe(f"  • {line}", "dim"))
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
            out.print(safe(f"  → {e.advice}", "cyan"))
