"""Views of `shunt audit`: JSON, CSV rows of the breaking nodes (streamed), a compact rich view.

Buyer nicks are masked here when asked (each example and row names one buyer); every name from
the log is printed through `safe()`."""

from __future__ import annotations

import csv
import io
import sys
from typing import Any

from shunt import timeutil
from shunt.diagnose.audit import Audit, Break, Finding
from shunt.engine.codes import FINDINGS
from shunt.render.layout import Under, keep_names
from shunt.render.text import mask_all, mask_nick, safe
from shunt.i18n import _, current_lang, ngettext, tr
from shunt.render import words

CSV_COLUMNS = ("consult", "ts", "buyer", "code", "fact", "recorded_reason", "recorded_agent", "recorded_group",
               "replayed_reason", "replayed_agents", "replayed_rule", "codes", "findings")


def _masked(b: Break, mask: bool) -> tuple[str, tuple[str, ...]]:
    """(buyer, findings) as shown: the buyer's nick masked everywhere with `mask`."""
    buyer = b.consult.buyer
    if not mask:
        return buyer, b.findings
    return mask_nick(buyer), mask_all(b.findings, {buyer})


def example_json(b: Break, tz, mask: bool = False) -> dict[str, Any]:
    buyer, findings = _masked(b, mask)
    code = b.code
    return {
        "consult": b.consult.id, "buyer": buyer, "ts": timeutil.to_iso(b.consult.ts, tz),
        "recorded": {"reason": b.routed.reason, "agent": b.routed.agent, "group": b.routed.group},
        "replayed": {"reason": b.reason, "agents": list(b.agents), "rule": b.rule},
        "fact": next((f for c, f in zip(b.codes, findings) if c == code), ""),
        "codes": list(b.codes), "findings": list(findings),
    }


def audit_json(a: Audit, mask: bool = False) -> dict[str, Any]:
    tz = timeutil.zone(a.tz)
    return {
        "shop": a.shop, "period": a.label, "from": timeutil.to_iso(a.start, tz), "to": timeutil.to_iso(a.end, tz),
        "group": a.group, "account": a.account,
        "checked": a.checked, "matching": a.matching, "breaking": a.breaking,
        "not_replayable": {
            "count": sum(u.count for u in a.not_replayable),
            "reasons": [{"code": u.code, "message": u.message, "count": u.count,
                         "first": timeutil.to_iso(u.first, tz), "last": timeutil.to_iso(u.last, tz),
                         "examples": list(u.examples)} for u in a.not_replayable],
        },
        "findings": [{
            "code": f.code, "title": f.title, "count": f.count, "share": f.share,
            "accounts": [{"account": acc, "count": n} for acc, n in f.accounts],
            "hours": [{"hour": h, "count": n} for h, n in f.hours],
            "examples": [example_json(b, tz, mask) for b in f.examples],
        } for f in a.findings],
    }


class CsvRows:
    """Writes the breaking nodes as CSV (UTF-8, header first) to stdout, one row as each is found."""

    def __init__(self, tz, mask: bool = False, out=None) -> None:
        self.tz, self.mask = tz, mask
        self.out = out if out is not None else sys.stdout.buffer
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf, lineterminator="\n")
        self.started = False

    def _header(self) -> None:
        if not self.started:  # once the answer is sure (an error writes nothing)
            self.started = True
            self._emit(CSV_COLUMNS)

    def _write(self, row) -> None:
        self._header()
        self._emit(row)

    def _emit(self, row) -> None:
        self.writer.writerow(row)
        self.out.write(self.buf.getvalue().encode("utf-8", "backslashreplace"))
        self.buf.seek(0)
        self.buf.truncate()

    def __call__(self, b: Break) -> None:
        buyer, findings = _masked(b, self.mask)
        code = b.code
        fact = next((f for c, f in zip(b.codes, findings) if c == code), "")
        self._write((b.consult.id, timeutil.to_iso(b.consult.ts, self.tz), buyer, code, fact, b.routed.reason,
                     b.routed.agent or "", b.routed.group or "", b.reason or "", " ".join(b.agents), b.rule or "",
                     " ".join(b.codes), " | ".join(findings)))

    def close(self) -> None:
        self._header()
        self.out.flush()


# ---- human ----------------------------------------------------------------------------------



def _indented(out, text, indent: int) -> None:
    """Print the rich Text `text` wrapped under its own indent (no trailing spaces)."""
    out.print(Under(text, indent, indent))


def _short(account: str | None, shop: str) -> str:
    if account is None:
        return _("nobody")
    return account[len(shop) + 1:] if account.startswith(shop + ":") else account


def _counts(pairs, fmt=str, limit: int = 6) -> str:
    shown = ", ".join(f"{fmt(k)} {n}" for k, n in pairs[:limit])
    return shown + (_(", +{n} more").format(n=len(pairs) - limit) if len(pairs) > limit else "")


def _finding(f: Finding, a: Audit, tz, mask: bool, out) -> None:
    zh = FINDINGS.get(f.code, ("",))[0]
    title = ngettext("{n} node {finding}", "{n} nodes {finding}", f.count).format(n=f.count, finding=zh) \
        if current_lang() == "zh" else f"{f.count} {f.title}"
    out.print(safe(f"✗ {title}", "bold red"))
    _indented(out, safe(_("{code} {label} · {share} of the breaking nodes").format(
        code=f.code, label=zh if current_lang() != "zh" else "", share=f"{f.share:.0%}").replace("  ", " "), "dim"), 2)
    _indented(out, safe(_("accounts: {counts}").format(
        counts=_counts(list(f.accounts), lambda acc: _short(acc, a.shop)))), 2)
    hours = sorted(f.hours, key=lambda hn: (-hn[1], hn[0]))
    _indented(out, safe(_("hours: {counts}").format(counts=_counts(hours, lambda h: f"{h:02d}h")), "dim"), 2)
    for b in f.examples:
        buyer, findings = _masked(b, mask)
        fact = next((x for c, x in zip(b.codes, findings) if c == b.code), "")
        _indented(out, safe(f"{b.consult.id} {timeutil.to_iso(b.consult.ts, tz)} {buyer}"), 2)
        _indented(out, safe(_("recorded {reason} → {agent}; replay {replayed} → {agents}").format(
            reason=words.reason(b.routed.reason), agent=_short(b.routed.agent, a.shop), replayed=words.reason(b.reason),
            agents=", ".join(_short(x, a.shop) for x in b.agents) or _("nobody")), "dim"), 4)
        _indented(out, safe(tr(fact)), 4)


def audit_human(a: Audit, mask: bool = False, out=None) -> None:
    from shunt.render.human import console

    out = out or console()
    keep_names(a)
    tz = timeutil.zone(a.tz)
    scope = "".join(f" · {k} {v}" for k, v in ((_("group"), words.group(a.group) if a.group else None),
                                                 (_("account"), a.account)) if v)
    out.print(safe(_("audit 分流自查 · {shop} · {period}{scope}").format(shop=a.shop, period=tr(a.label), scope=scope),
                   "bold"))
    nr = sum(u.count for u in a.not_replayable)
    out.print(Under(ngettext("{n} node checked", "{n} nodes checked", a.checked).format(n=a.checked) + ": "
                    + ngettext("{n} follows the rules", "{n} follow the rules", a.matching).format(n=a.matching) + ", "
                    + ngettext("{n} breaks them", "{n} break them", a.breaking).format(n=a.breaking) + ", "
                    + _("{n} not replayable").format(n=nr), 0, 0))
    for u in a.not_replayable:
        out.print(safe(_("– {n} not replayable [{code}]: {message} (from {first} to {last})").format(
            n=u.count, code=u.code, message=tr(u.message), first=timeutil.to_iso(u.first, tz),
            last=timeutil.to_iso(u.last, tz)), "yellow"))
    if not a.findings:
        if a.checked:
            out.print(safe(_("✓ every replayable node follows the rules."), "green"))
        return
    for f in a.findings:
        _finding(f, a, tz, mask, out)
    first = a.findings[0].examples[:1]
    if first and not mask:  # a masked nick would not run
        import shlex

        b = first[0]
        day = timeutil.local_date(b.consult.ts, tz).isoformat()
        out.print(Under(safe(_("Open a node: {command}").format(
            command=f"shunt trace {shlex.quote(b.consult.buyer)} --date {day} --node {shlex.quote(b.consult.id)}"),
            "dim"), 0, 2))
