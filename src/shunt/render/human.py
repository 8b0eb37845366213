"""Human views (rich) of the result objects. Every name from the log is printed through `safe()`."""

from __future__ import annotations

import os

from shunt import timeutil
from shunt.diagnose.results import Node, Received, Replay, Silent, Trace
from shunt.engine import labels
from shunt.i18n import N_, _, ngettext, tr
from shunt.render import words
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
        return Text(_("– not replayable"), style="yellow")
    if r.match:
        return Text(_("✓ match"), style="green")
    return Text(_("✗ mismatch"), style="bold red")


def _kv(rows):
    """Key / value lines (the key bold); a value wraps under its own column, never cut."""
    from rich.table import Table

    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold", no_wrap=True)
    t.add_column(overflow="fold")
    for k, v in rows:
        t.add_row(safe(k), v if not isinstance(v, str) else safe(v))
    return t


MAX_CANDIDATE_ROWS = 30  # a group of 1000 members is not read row by row: --json lists them all


def shown_candidates(r: Replay, recorded: str | None = None) -> tuple[list, dict[str, int]]:
    """The candidates the human view lists, in their order, and the count of the others by why they
    were not eligible ("" for eligible, "win" for a winner). Up to MAX_CANDIDATE_ROWS: the recorded
    agent, then the winners by their odds, then the other eligible ones; the ineligible ones only when
    all fit."""
    cands = list(r.candidates)
    if len(cands) <= MAX_CANDIDATE_ROWS:
        return cands, {}
    keep = {i for i, c in enumerate(cands) if c.account == recorded}
    by_odds = sorted((i for i, c in enumerate(cands) if c.account in r.odds), key=lambda i: -r.odds[cands[i].account])
    for i in [*by_odds, *(i for i, c in enumerate(cands) if c.eligible)]:
        if len(keep) >= MAX_CANDIDATE_ROWS:
            break
        keep.add(i)
    hidden: dict[str, int] = {}
    for i, c in enumerate(cands):
        if i not in keep:
            why = "win" if c.account in r.odds else "" if c.eligible else (c.why_not or "no")
            hidden[why] = hidden.get(why, 0) + 1
    return [c for i, c in enumerate(cands) if i in keep], hidden


def _why_hidden(why: str) -> str:
    if why == "win":
        return _("could win")
    if why == "":
        return _("eligible")
    return _("no") if why == "no" else words.why_not(why)


def _hidden_note(hidden: dict[str, int]):
    if not hidden:
        return None
    n = sum(hidden.values())
    parts = [str(k) + " " + _why_hidden(why) for why, k in sorted(hidden.items(), key=lambda kv: -kv[1])]
    return ngettext("{n} more candidate not listed ({why}); --json lists every candidate.",
                    "{n} more candidates not listed ({why}); --json lists every candidate.", n).format(
        n=f"{n:,}", why=_(", ").join(parts))


def candidates_table(r: Replay, recorded: str | None = None):
    cols = [Col(_("account"), "name"), Col(_("groups"), "name"), Col(_("status"), "name"), Col(_("load"), "num"),
            Col(_("limit"), "num"), Col(_("weight"), "num"), Col(_("conv."), "num"), Col(_("busy"), "name"),
            Col(_("eligible")), Col(_("win"), "num")]
    shown, hidden = shown_candidates(r, recorded)
    rows = []
    for c in shown:
        win = r.odds.get(c.account)
        rows.append([
            c.account, words.groups(c.groups), words.label(labels.STATUSES, c.status),
            str(c.load), "-" if c.max_sessions is None else str(c.max_sessions), f"{c.weight:g}",
            f"{c.conversion:.2f}", _("busy") if c.busy else "", _("yes") if c.eligible else (words.why_not(c.why_not) if c.why_not else _("no")),
            f"{win:.0%}" if win is not None else "",
        ])
    return Fold(_("candidates 候选客服"), cols, rows, caption=_hidden_note(hidden))


def steps_table(r: Replay):
    rows = []
    for s in r.steps:
        style = {"decide": "bold green", "drop": "yellow", "fail": "red"}.get(s.outcome, "")
        rows.append([f"{s.rule} {s.name}", safe(_(s.outcome), style), tr(s.detail)])
    return Fold(_("routing process 分流过程"), [Col(_("rule"), "name"), Col(_("outcome"), "name"), Col(_("detail"))], rows,
                lead=2)


def _group_cell(n: Node) -> str:
    """The node's group by the rules; the recorded one beside it when the log disagrees."""
    g = words.group(n.group)
    return _("{group} (log: {logged})").format(group=g, logged=words.group(n.routed.group)) if n.recorded_group_differs else g


def group_note(n: Node) -> str:
    rule = words.group(n.group) if n.group else _(
        "none (routing-rules.md: no group for the assistant, an account in no group, a logistics account)")
    return _("The log records group {logged}; by the rules the node's group is {rule}.").format(
        logged=words.group(n.routed.group) if n.routed.group else _("none"), rule=rule)


def node_detail(n: Node, tz, out) -> None:
    from rich.panel import Panel

    c = n.consult
    order = "-"
    if c.order:
        order = f"{c.order.id or '?'} ({words.label(labels.ORDER_STATES, c.order.state)})"
        if c.order.carrier:
            packages = c.order.packages if c.order.packages is not None else "?"
            order += ", " + c.order.carrier + ", " + ngettext("{n} package", "{n} packages",
                                                               packages if isinstance(packages, int) else 2).format(n=packages)
    rows = [
        (_("consult"), c.id),
        (_("time"), timeutil.to_iso(c.ts, tz)),
        (_("source 来源"), words.label(labels.SOURCES, c.source)),
        (_("item 商品"), c.item or "-"),
        (_("order 订单"), order),
        (_("intent 意图"), c.intent or "-"),
        (_("by / target"), f"{c.by or '-'} → {c.target or '-'}"),
        (_("recorded 记录"), _("{agent}  group {group}  {reason}").format(
            agent=n.routed.agent or "-", group=words.group(n.routed.group), reason=words.reason(n.routed.reason))),
        (_("replayed 回放"), f"{', '.join(n.replay.agents) or '-'}  {words.reason(n.replay.reason)}"),
    ]
    if n.replay.group_known:
        rows.append((_("group 分组"), words.group(n.group) if n.group else _("- (none applies)")))
    out.print(Panel(_kv(rows), title=safe(_("node {id}").format(id=c.id)), title_align="left", expand=False))
    if n.recorded_group_differs:
        out.print(safe(group_note(n), "yellow"))
    r = n.replay
    if r.note:
        out.print(safe(tr(r.note), "yellow"))
    if r.steps:
        out.print(steps_table(r))
    if r.candidates:
        out.print(candidates_table(r, n.routed.agent))
    if r.match:
        out.print(safe(_("✓ the recorded decision follows the rules."), "green"))
    for f in r.findings:
        out.print(Under(safe("✗ " + tr(f), "red")))


def trace(t: Trace, detail: bool = False, out=None) -> None:
    out = out or console()
    keep_names(t)
    tz = timeutil.zone(t.tz)
    if not t.nodes:
        out.print(safe(_("{buyer} has no routing nodes on {date} (shop {shop}).").format(
            buyer=t.buyer, date=t.date, shop=t.shop)))
        if t.dates:
            out.print(safe(_("Dates with nodes: {dates}").format(dates=", ".join(t.dates))))
        return
    cols = [Col(_("time"), "name"), Col(_("source 来源")), Col(_("reason 原因")), Col(_("agent 客服"), "name"),
            Col(_("group 分组"), "name"), Col(_("replay 回放"), "name")]
    rows = [[timeutil.to_clock(n.consult.ts, tz)[6:], words.label(labels.SOURCES, n.consult.source),
             words.reason(n.routed.reason), n.routed.agent or "-", _group_cell(n), verdict(n.replay)]
            for n in t.nodes]
    out.print(Fold(f"{t.buyer} · {t.date} · {t.shop}", cols, rows))
    bad = [n for n in t.nodes if n.replay.match is False]
    if detail or len(t.nodes) == 1:
        for n in t.nodes:
            node_detail(n, tz, out)
    else:
        for n in bad:
            out.print(Under(safe(f"✗ {n.consult.id}: " + _("; ").join(tr(f) for f in n.replay.findings), "red")))
        out.print(safe(_("Open a node: {command}").format(
            command=f"shunt trace {t.buyer} --date {t.date} --node {t.nodes[0].consult.id}"), "dim"))


def silent(s: Silent, out=None) -> None:
    out = out or console()
    keep_names(s)
    tz = timeutil.zone(s.tz)
    head = _("receiving 可接待") if s.receiving else _("not receiving 收不到消息")
    out.print(safe(_("{account} at {at}: {state}").format(account=s.account, at=timeutil.to_iso(s.at, tz), state=head),
                   "bold green" if s.receiving else "bold red"))
    st = s.state
    if st:
        out.print(_kv([(state_key(k), state_value(k, v)) for k, v in st.items() if v is not None and v != [] and v != {}]))
    for note in s.notes:
        out.print(Under(safe("! " + tr(note), "yellow")))
    for c in s.causes:
        count = (" — " + ngettext("{n} consult", "{n} consults", c.count).format(n=f"{c.count:,}") + f" ({c.share:.0%})"
                 if c.count is not None and c.share is not None else "")
        out.print(Under(safe(f"• {words.label(labels.CAUSES, c.code)} [{c.code}]{count}", "bold")))
        out.print(Under(safe(tr(c.message)), 2, 2))
        if c.advice:
            out.print(Under(safe(f"→ {tr(c.advice)}", "cyan"), 2, 4))
        for ex in c.examples[:3]:
            out.print(example(ex, tz))
    from shunt.render.funnel import Bars, funnel  # why-silent's chart only

    steps = funnel(s)
    if steps:
        out.print(Bars(steps, _("funnel 漏斗: consults still open to the account after each rule")))
    window_lines(s, out)


def example(ex: dict, tz) -> Under:
    """An example consult as a readable line: `c-0044 11-11 08:20:33 tb_buyer40 → zhenpin:阿甲: why`."""
    ex = dict(ex)
    head = " ".join(str(x) for x in (ex.pop("consult", None), _clock(ex.pop("ts", None), tz), ex.pop("buyer", None))
                    if x)
    to = ex.pop("went_to", None)
    why = ex.pop("why", None)
    text = _("e.g. ") + head + (f" → {readable(to)}" if to else "") + (f": {tr(why)}" if why else "")
    rest = " · ".join(f"{state_key(k)} {readable(v)}" for k, v in ex.items() if v not in (None, "", [], {}))
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
    consults = ngettext("{n} consult", "{n} consults", w["consults"]).format(n=f"{w['consults']:,}")
    out.print(Under(safe(_("window {start} – {end}: {consults}; received {received} (as the log recorded)").format(
        start=w["from"], end=w["to"], consults=consults, received=f"{w['received']:,}"), "bold")))
    lines = [("lost_draw", _("could have received, lost the draw (one of several tied winners)")),
             ("rules_give_it", _("the rules give it to this account alone, the log to another (a mismatch)")),
             ("received_against_rules", _("received although the rules give it to another (a mismatch)")),
             ("direct", _("direct (qianniu-initiated or transferred to a named agent)"))]
    for key, text in lines:
        if w.get(key):
            out.print(Under(safe(f"{text}: {w[key]:,}"), 2, 4))
            for ex in w.get("examples", {}).get(key, [])[:3]:
                out.print(example(ex, tz))
    d = s.data
    if d and d.get("first_event"):
        out.print(Under(safe(_("data: {first} – {last}").format(first=d["first_event"], last=d["last_event"]), "dim")))


def received(r: Received, out=None) -> None:
    out = out or console()
    keep_names(r)
    tz = timeutil.zone(r.tz)
    m = r.message
    out.print(safe(_("{buyer}'s message at {at} was received by {account}").format(
        buyer=r.buyer, at=m.get("ts"), account=r.account or "-"), "bold"))
    if r.logistics is not None:
        lg = r.logistics
        out.print(safe(_("reason: 物流客服三方会话 logistics_invited — a carrier's agent invited into the consult"), "bold"))
        for s in lg.get("steps", []):
            mark = "✓" if s.get("outcome") == "pass" else "✗"
            out.print(Under(safe(f"{mark} {tr(s.get('detail'))}"), 2, 4))
        for line in lg.get("rules", []):
            out.print(Under(safe(f"• {tr(line)}", "dim"), 2, 4))
    elif r.node is not None:
        n = r.node
        out.print(safe(_("routed by node {id} at {at}: {reason}").format(
            id=n.consult.id, at=timeutil.to_iso(n.consult.ts, tz), reason=words.reason(n.routed.reason))))
        node_detail(n, tz, out)
    for note in r.notes:
        out.print(safe(tr(note), "yellow"))
    if r.expected is not None:
        e = r.expected
        out.print(safe(_("Why not {account}: {cause} — {message}").format(
            account=e.facts.get("account", ""), cause=words.label(labels.CAUSES, e.code), message=tr(e.message)),
            "bold yellow"))
        if e.advice:
            out.print(Under(safe(f"→ {tr(e.advice)}", "cyan"), 2, 4))


OUTCOMES = (N_("skip"), N_("pass"), N_("decide"), N_("match"), N_("drop"), N_("fail"), N_("info"))  # steps' outcomes
STATE_KEYS = {"status": N_("status"), "since": N_("since"), "load": N_("load"), "listed": N_("listed"),
              "groups": N_("groups"), "routing": N_("routing"), "max_sessions": N_("max_sessions"),
              "weight": N_("weight"), "proxy": N_("proxy")}


def state_key(key: str) -> str:
    """A why-silent state key in the chosen language (the JSON keeps the key)."""
    return _(STATE_KEYS[key]) if key in STATE_KEYS else key


def state_value(key: str, value) -> str:
    """A state value readable: the status's label, group names beside ids, yes/no."""
    if key == "status":
        return words.label(labels.STATUSES, value)
    if key == "groups" and isinstance(value, (list, tuple)):
        return words.groups(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return readable(value)
