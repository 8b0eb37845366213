"""Self-contained HTML reports (one file: inline CSS and SVG, no script, no network), readable on a phone.

Charts put every account on one axis: each row is an SVG of the same viewBox stretched to the page's
width, and the axis labels are HTML placed at the same percentages, so rows and labels line up at any
width. Names are HTML text above their row (never cut: they wrap). Every name from the log goes
through `html.escape` (`_e`)."""

from __future__ import annotations

import html
from typing import Any, Iterable

from shunt import timeutil
from shunt.engine.model import HOUR_MS
from shunt.i18n import _, ngettext
from shunt.render.text import plain
from shunt.i18n import N_, _, current_lang, ngettext, tr  # noqa: F401
from shunt.render import words

COLORS = {"online": "#3a3", "suspended": "#e0a800", "offline": "#c8c8c8"}
BAR = "#36c"
CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0 auto;padding:12px;
max-width:1100px;color:#222;line-height:1.45;-webkit-text-size-adjust:100%}
h1{font-size:1.3em;margin:.3em 0;overflow-wrap:anywhere} h2{font-size:1.1em;margin:1.2em 0 .4em}
.scroll{overflow-x:auto;max-width:100%} table{border-collapse:collapse;margin:.4em 0}
td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}
th:first-child,td.l{text-align:left} td.w{white-space:normal;text-align:left;min-width:14em}
tbody th:first-child{position:sticky;left:0;background:#fff}
.summary{font-weight:bold} .note{color:#a60} .muted{color:#666;font-size:.9em}
.legend span.k{display:inline-block;width:.8em;height:.8em;margin:0 .25em 0 .8em;vertical-align:-.05em}
.chart{margin:.6em 0 1em}
.axis{position:relative;height:1.3em;font-size:.8em;color:#444;margin:0}
.tick{position:absolute;top:0;white-space:nowrap;border-left:1px solid #999;padding-left:2px;line-height:1.2}
.acct{margin:.15em 0 .35em}
.name{font-size:.9em;overflow-wrap:anywhere}
svg.row{display:block;width:100%;height:34px}
svg.hbar{display:block;width:100%;height:22px}
.flow{margin:.2em 0}
"""


def _e(x: object) -> str:
    return html.escape(plain(x), quote=True)


def page(title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="{current_lang()}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>\n<h1>{_e(title)}</h1>\n{body}\n</body></html>\n")


def table(head: Iterable[str], rows: Iterable[Iterable[Any]], wide: Iterable[int] = ()) -> str:
    """A table in a sideways-scrolling box (a phone scrolls it, the page does not); the first cell of a row
    is its heading (kept in view while scrolling). `wide`: columns of free text (they wrap)."""
    wide = set(wide)
    hs = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = []
    for r in rows:
        cells = list(r)
        tds = "".join(f"<td{' class=w' if i + 1 in wide else ''}>{_e(c)}</td>" for i, c in enumerate(cells[1:]))
        body.append(f"<tr><th>{_e(cells[0])}</th>{tds}</tr>")
    return f"<div class=scroll><table><thead><tr>{hs}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"


def axis(ticks: list[tuple[float, str]], cls: str = "axis") -> str:
    """Labels at fractions (0..1) of the chart's width."""
    spans = "".join(f'<span class=tick style="left:{100 * f:.3f}%">{_e(t)}</span>' for f, t in ticks)
    return f'<div class="{cls}">{spans}</div>'


def ticks_every(labels: list[str], most: int = 8) -> list[tuple[float, str]]:
    """At most `most` of the buckets' labels, evenly spaced, the last one not at the right edge."""
    n = len(labels)
    if not n:
        return []
    step = 1
    for s in (1, 2, 3, 4, 6, 8, 12, 24, 48, 96):
        step = s
        if -(-n // s) <= most:
            break
    return [(i / n, labels[i]) for i in range(0, n, step) if i / n <= 0.92]


def _span(consults: int, start: int, end: int, tz) -> str:
    return ngettext("{n} consult from {start} to {end}.", "{n} consults from {start} to {end}.", consults).format(
        n=f"{consults:,}", start=timeutil.to_iso(start, tz), end=timeutil.to_iso(end, tz))


# ---- balance ------------------------------------------------------------------------------

def hourly(b) -> str:
    """One row per account on one hour axis: bars (consults received) over the status strip."""
    from shunt.render.balance import hour_labels

    labels = hour_labels(b)
    n = max(1, b.buckets)
    top = max((max(a.hourly_received or (0,)) for a in b.accounts), default=0) or 1
    tz = timeutil.zone(b.tz)
    rows = []
    for a in b.accounts:
        parts = []
        for i, (v, st, mins) in enumerate(zip(a.hourly_received, a.hourly_status, a.hourly_online_min)):
            h = 22 * v / top
            tip = _e(_("{at}: {n} consults, {status}, online {minutes} min").format(
                at=timeutil.to_clock(b.start + i * b.bucket_ms, tz)[:11], n=v, status=_(st), minutes=f"{mins:g}"))
            parts.append(f'<rect x="{i}" y="24" width="1" height="6" fill="{COLORS.get(st, "#bbb")}"><title>{tip}</title></rect>')
            if v:
                parts.append(f'<rect x="{i + 0.12:.2f}" y="{23 - h:.2f}" width="0.76" height="{h:.2f}" fill="{BAR}">'
                             f"<title>{tip}</title></rect>")
        rows.append(f'<div class=acct><div class=name>{_e(a.account)}</div>'
                    f'<svg class=row viewBox="0 0 {n} 30" preserveAspectRatio="none" role="img" '
                    f'aria-label="{_e(a.account)}">{"".join(parts)}</svg></div>')
    ticks = ticks_every(labels)
    legend = ('<p class="legend muted">' + _e(_("bars: consults received (highest bar {top}); strip:").format(top=top))
              + "".join(f'<span class=k style="background:{c}"></span>{_e(name)}' for name, c in _status_colors())
              + "</p>")
    heading = _("Load per {minutes} min · hours of the day ({tz})").format(minutes=b.bucket_ms // 60_000, tz=b.tz)
    return (f"<h2>{_e(heading)}</h2>{legend}"
            f'<div class=chart>{axis(ticks)}{"".join(rows)}{axis(ticks)}</div>')


def balance_html(b) -> str:
    from shunt.diagnose.balance import CATEGORIES
    from shunt.diagnose.groupname import group_label
    from shunt.render.balance import CATEGORY_LABELS, factor, why_sentence

    tz = timeutil.zone(b.tz)
    title = _("balance · {shop} · {period}").format(shop=b.shop, period=tr(b.label)) + (
        _(" · group {group}").format(group=group_label(b.group, b.group_name)) if b.group else "")
    head = [_(h) for h in ("account", "received", "share", "online h", "per online h", "expected")] + [
        _(CATEGORY_LABELS[c]) for c in CATEGORIES]
    rows = [[a.account, f"{a.received:,}", f"{a.share:.1%}", f"{a.online_ms / HOUR_MS:.1f}",
             "-" if a.per_online_hour is None else f"{a.per_online_hour:.1f}", f"{a.expected:,.1f}",
             *(f"{a.by_reason.get(c, 0):,}" for c in CATEGORIES)] for a in b.accounts]
    parts = [f"<p>{_e(_consults_from(b.consults, timeutil.to_iso(b.start, tz), timeutil.to_iso(b.end, tz)))}.</p>",
             hourly(b), h2(_("Accounts")), table(head, rows)]
    at = b.attribution
    if at is not None:
        parts += [h2(_("Why")) + f"<p class=summary>{_e(why_sentence(at))}</p>",
                  table([_(h) for h in ("factor", "consults", "share", "what")],
                        [[factor(f.code), f"{f.consults:+,.1f}", "-" if f.share is None else f"{f.share:.0%}",
                          tr(f.message)] for f in at.factors], wide=[3])]
    parts += [f"<p class=note>{_e(tr(n))}</p>" for n in b.notes]
    parts.append(h2(_("Method")) + f"<p class=muted>{_e(tr(b.method))}</p>")
    return page(title, "\n".join(parts))


# ---- simulate -----------------------------------------------------------------------------

def _scale_ticks(top: float) -> tuple[float, list[tuple[float, str]]]:
    """A round top of the scale and its ticks (0, a fifth, ...)."""
    step = 1.0
    for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 50_000, 100_000):
        step = s
        if top / s <= 5:
            break
    end = step * max(1, -(-top // step))
    return end, [(v / end, f"{v:g}") for v in [step * i for i in range(int(end // step) + 1)] if v / end <= 0.92]


def before_after(rows, title: str) -> str:
    """Per row: the expected count now and under the change as two bars on one shared count axis."""
    top = max([max(r.expected_before, r.expected_after, r.recorded) for r in rows] + [1])
    end, ticks = _scale_ticks(top)
    out = []
    for r in rows:
        w0, w1 = 100 * r.expected_before / end, 100 * r.expected_after / end
        tip = _e(_("{name}: recorded {recorded}, expected now {now}, expected new {new} ({change})").format(
            name=r.name, recorded=r.recorded, now=f"{r.expected_before:.1f}", new=f"{r.expected_after:.1f}",
            change=f"{r.change:+.1f}"))
        out.append(f'<div class=acct><div class=name>{_e(r.name)} <span class=muted>{r.expected_before:,.1f} → '
                   f'{r.expected_after:,.1f} ({r.change:+,.1f})</span></div>'
                   f'<svg class=hbar viewBox="0 0 100 22" preserveAspectRatio="none" role="img" aria-label="{tip}">'
                   f'<rect x="0" y="1" width="{w0:.3f}" height="9" fill="#999"><title>{tip}</title></rect>'
                   f'<rect x="0" y="12" width="{w1:.3f}" height="9" fill="{BAR}"><title>{tip}</title></rect></svg></div>')
    expected, now, new = _e(_("expected consults:")), _e(_("now")), _e(_("with the change"))
    legend = (f'<p class="legend muted">{expected}<span class=k style="background:#999"></span>'
              f'{now}<span class=k style="background:{BAR}"></span>{new}</p>')
    return f"<h2>{_e(title)}</h2>{legend}<div class=chart>{axis(ticks)}{''.join(out)}{axis(ticks)}</div>"


def flows(moved: dict) -> str:
    fl = moved.get("flows") or []
    if not fl:
        return "<p>" + _e(_("No consult would have moved.")) + "</p>"
    top = max(f["consults"] for f in fl) or 1
    out = []
    for f in fl[:20]:
        w = 100 * f["consults"] / top
        out.append(f'<div class=flow><div class=name>{_e(f["from"] or "-")} → {_e(f["to"] or "-")} '
                   f'<span class=muted>({_e(words.reason(f["reason"]))}) {f["consults"]:,}</span></div>'
                   f'<svg class=hbar viewBox="0 0 100 10" preserveAspectRatio="none"><rect x="0" y="1" '
                   f'width="{w:.3f}" height="8" fill="{BAR}"/></svg></div>')
    return "".join(out)


def simulate_html(s, changes: list[dict] | None = None) -> str:
    tz = timeutil.zone(s.tz)
    m = s.moved
    title = _("simulate · {shop} · {period}").format(shop=s.shop, period=tr(s.label))
    changed = ngettext("{n} configuration changed", "{n} configurations changed", s.configs).format(n=s.configs)
    parts = [f"<p>{_e(_consults_from(s.consults, timeutil.to_iso(s.start, tz), timeutil.to_iso(s.end, tz)))}; "
             + _e(_("seed {seed}").format(seed=s.seed)) + f"; {_e(changed)}.</p>"]
    if changes:
        parts.append(h2(_("The change")) + "<ul>" + "".join(f"<li>{_e(tr(c['text']))}</li>" for c in changes)
                     + "</ul>")
    moved = _("{moved} of {consults} ({buyers}) would have landed elsewhere: {certain} certainly, {by_chance} by the "
              "sampled pick.").format(
        moved=ngettext("{n} consult", "{n} consults", m["consults"]).format(n=f"{m['consults']:,}"),
        consults=f"{s.consults:,}", buyers=ngettext("{n} buyer", "{n} buyers", m["buyers"]).format(n=f"{m['buyers']:,}"),
        certain=f"{m['certain']:,}", by_chance=f"{m['by_chance']:,}")
    parts += [before_after(s.accounts, _("Per account: now and with the change")),
              before_after([_grouped(r) for r in s.groups], _("Per group")),
              h2(_("Moved consults")) + f"<p>{_e(moved)}</p>",
              flows(m),
              table([_(h) for h in ("account", "recorded", "expected now", "expected new", "change", "sampled new")],
                    [[r.name, f"{r.recorded:,}", f"{r.expected_before:,.1f}", f"{r.expected_after:,.1f}",
                      f"{r.change:+,.1f}", f"{r.sampled:,}"] for r in s.accounts])]
    if m.get("examples"):
        parts.append(h2(_("Examples")) + table(
            [_(h) for h in ("time", "buyer", "from", "to", "why")],
            [[e["ts"][11:19], e["buyer"], e["from"] or "-", e["to"] or "-", tr(e["why"])] for e in m["examples"][:20]],
            wide=[4]))
    parts.append(h2(_("What cannot be known")) + "<ul>"
                 + "".join(f"<li class=muted>{_e(tr(c))}</li>" for c in s.caveats) + "</ul>")
    return page(title, "\n".join(parts))


# ---- why-silent ---------------------------------------------------------------------------

def silent_html(s) -> str:
    from shunt.engine import labels
    from shunt.render.funnel import funnel

    tz = timeutil.zone(s.tz)
    head = _("receiving 可接待") if s.receiving else _("not receiving 收不到消息")
    title = f"why-silent · {s.account}"
    said = _("{account} at {at}: {state}").format(account=s.account, at=timeutil.to_iso(s.at, tz), state=head)
    parts = [f"<p class=summary>{_e(said)}</p>"]
    steps = funnel(s)
    if steps:
        top = max(st.left for st in steps) or 1
        end, ticks = _scale_ticks(top)
        rows = "".join(f'<div class=acct><div class=name><b>{st.left:,}</b> '
                       f'{f"<span class=note>−{st.passed:,}</span> " if st.passed else ""}{_e(st.label)}</div>'
                       f'<svg class=hbar viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
                       f'aria-label="{_e(st.label)}: {st.left}"><rect x="0" y="1" width="{100 * st.left / end:.3f}" '
                       f'height="8" fill="{BAR}"/></svg></div>' for st in steps)
        parts.append(h2(_("funnel 漏斗: consults still open to the account after each rule"))
                     + f"<div class=chart>{axis(ticks)}{rows}</div>")
    for c in s.causes:
        count = (" — " + ngettext("{n} consult", "{n} consults", c.count).format(n=f"{c.count:,}")
                 if c.count is not None else "")
        parts.append(f"<h2>{_e(words.label(labels.CAUSES, c.code))}{_e(count)}</h2><p>{_e(tr(c.message))}</p>"
                     + (f"<p class=note>→ {_e(tr(c.advice))}</p>" if c.advice else ""))
    parts += [f"<p class=note>{_e(tr(n))}</p>" for n in s.notes]
    return page(title, "\n".join(parts))


def _consults_from(n: int, start: str, end: str) -> str:
    return ngettext("{n} consult from {start} to {end}", "{n} consults from {start} to {end}", n).format(
        n=f"{n:,}", start=start, end=end)


def _grouped(r):
    from shunt.render.balance import _grouped as named

    return named(r)


def h2(text: str) -> str:
    return f"<h2>{_e(text)}</h2>"


def _status_colors():
    """The status strip's legend: (label in the chosen language, color)."""
    return [(_(name), color) for name, color in COLORS.items()]
