"""why-silent's funnel as bars: the window's consults, how many each rule passed the account by, the draws it
lost, what it received (from `Silent.window`, the command's JSON `window`)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from shunt.engine import labels
from shunt.render.text import safe

_AFTER = (("lost_draw", "平局落选", "lost the draw"),
          ("rules_give_it", "规则给它、日志给了别人", "the rules give it, the log another"),
          ("received_against_rules", "违反规则收到", "received against the rules"),
          ("direct", "直接分配", "direct (qianniu, to a named agent)"))


def funnel_rows(window: dict) -> list[tuple[str, int]]:
    """(label, consults): the window, each rule that passed the account by (in the rules' order), the draws
    lost, the mismatches, what it received."""
    from shunt.i18n import pick

    if not window:
        return []
    rows = [(pick("窗口内咨询", "consults in the window"), window["consults"])]
    passed = window.get("passed_by", {})
    order = [c for c in labels.CAUSES if c in passed] + sorted(c for c in passed if c not in labels.CAUSES)
    rows += [(pick("被跳过：", "passed by: ") + labels.label(labels.CAUSES, c), passed[c]) for c in order]
    rows += [(pick(zh, en), window[key]) for key, zh, en in _AFTER if window.get(key)]
    rows.append((pick("收到", "received"), window["received"]))
    return rows


def funnel(window: dict, width: int) -> Table | None:
    """The rows as a label, a bar (scaled to the window's consults) and the count; None without a window."""
    rows = funnel_rows(window)
    if not rows:
        return None
    from shunt.i18n import pick

    from rich.cells import cell_len

    top = max(n for _, n in rows) or 1
    count_w = len(f"{top:,}")
    label_w = min(max(cell_len(label) for label, _ in rows), max(12, width * 3 // 5))  # longer labels wrap
    bar_w = max(6, min(40, width - label_w - count_w - 2))
    t = Table.grid(padding=(0, 1))
    t.title = pick("漏斗", "funnel")
    t.title_justify = "left"
    t.add_column(width=label_w, overflow="fold")
    t.add_column(width=bar_w, no_wrap=True)
    t.add_column(justify="right", no_wrap=True)
    for i, (label, n) in enumerate(rows):
        cells = round(bar_w * n / top)
        style = "cyan" if i == 0 else ("green" if i == len(rows) - 1 else "yellow")
        t.add_row(safe(label), Text("█" * cells or ("▏" if n else ""), style=style), f"{n:,}")
    return t
