"""why-silent's funnel: the consults of the window, then how many each rule passed the account by, in
the order the rules run, down to what it received (the window's tally is a partition: consults =
direct + passed by at each rule + lost draws + the rules' own mismatches + received)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

from shunt.engine import labels
from shunt.i18n import _, ngettext
from shunt.render import words

# the routing order: direct consults (R1/R2), exclusive (R3), recent contact (R4), robot priority (R5/R6),
# group matching (R6), then the selection's eligibility and draw
ORDER = ("exclusive_elsewhere", "recent_contact_elsewhere", "robot_priority", "group_unmatched", "not_in_group",
         "routing_disabled", "offline", "suspended", "at_capacity", "no_capacity", "proxy_only",
         "assistant_account", "logistics_account", "lost_selection")


@dataclass(frozen=True)
class Step:
    label: str
    passed: int  # consults this step passed the account by (0 for the first and last line)
    left: int  # consults still open to the account after it


def funnel(s) -> list[Step]:
    """The funnel of a Silent's window; [] without a window (or no consult in it)."""
    w = s.window or {}
    total = w.get("consults") or 0
    if not total:
        return []
    stages: list[tuple[str, int]] = [(_("direct (qianniu-initiated or transferred to a named agent)"), w.get("direct", 0))]
    passed = dict(w.get("passed_by") or {})
    for code in [*ORDER, *sorted(set(passed) - set(ORDER))]:
        if passed.get(code):
            stages.append((f"{words.label(labels.CAUSES, code)} [{code}]", passed[code]))
    stages += [(_("lost the draw (one of several tied winners)"), w.get("lost_draw", 0)),
               (_("the rules give it to this account, the log to another"), w.get("rules_give_it", 0))]
    out = [Step(ngettext("{n} consult in the window", "{n} consults in the window", total).format(n=f"{total:,}"),
                0, total)]
    left = total
    for label, n in stages:
        if n:
            left -= n
            out.append(Step(label, n, left))
    out.append(Step(_("received {n} (as the log recorded)").format(n=f"{w.get('received', 0):,}"), 0,
                    w.get("received", 0)))
    return out


class Bars:
    """The funnel in the terminal: per step its bar (consults still open), the count, then the label;
    narrow, the label goes on its own line above the bar."""

    def __init__(self, steps: list[Step], title: str) -> None:
        self.steps, self.title = steps, title

    def __rich_console__(self, console, options):
        from rich.text import Text

        from shunt.render.layout import wrap_under

        width = options.max_width
        top = max((s.left for s in self.steps), default=0) or 1
        num_w = max(len(f"{s.left:,}") for s in self.steps)
        bar_w = max(8, min(30, width - num_w - 6))
        yield from wrap_under(console, Text(self.title, style="bold"), width, 0, 2)
        lines = []
        for s in self.steps:
            n = round(bar_w * s.left / top)
            bar = Text("█" * n if n else ("▏" if s.left else ""), style="cyan")
            bar.append(" " * (bar_w - bar.cell_len))
            line = Text(f"  {s.left:>{num_w},} ") + bar + Text(" ")
            label = Text(f"−{s.passed:,} " if s.passed else "", style="red") + Text(s.label)
            lines.append((line, label))
        if all(line.cell_len + label.cell_len <= width for line, label in lines):
            for line, label in lines:
                yield line + label
            return
        for line, label in lines:  # narrow: each label on its own line, the bars still on one axis
            yield from wrap_under(console, label, width, 2, 4)
            line.rstrip()
            yield line
