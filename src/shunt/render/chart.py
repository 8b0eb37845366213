"""balance's hourly chart in the terminal: one row per account on one labelled hour axis, a bar per bucket
(height: consults received) over a status strip (online / suspended / offline) readable without colour.

Wide enough, the account names sit in a column left of the bars; else each name gets a line of its own
and the bars of every account start at the same indent, so the rows always share one axis. When there
are more buckets than columns, neighbouring buckets are merged (received summed, the status the one the
account spent most of them in)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

from shunt.i18n import _

BARS = " ▁▂▃▄▅▆▇█"
STRIP = {"online": ("━", "green"), "suspended": ("╍", "yellow"), "offline": ("·", "grey50")}
RANK = {"online": 2, "suspended": 1, "offline": 0}
STEPS = (1, 2, 3, 4, 6, 8, 12, 24, 48)  # hours between two axis labels


@dataclass(frozen=True)
class Row:
    name: str
    received: tuple[int, ...]
    status: tuple[str, ...]


def merge(row: Row, k: int) -> Row:
    """`k` neighbouring buckets as one: received summed, the status most of them had (online first on ties)."""
    if k <= 1:
        return row
    rec, st = [], []
    for i in range(0, len(row.received), k):
        rec.append(sum(row.received[i:i + k]))
        part = row.status[i:i + k]
        st.append(max(part, key=lambda s: (part.count(s), RANK.get(s, -1))) if part else "offline")
    return Row(row.name, tuple(rec), tuple(st))


def bar(n: int, top: int) -> str:
    if n <= 0 or top <= 0:
        return BARS[0]
    return BARS[max(1, min(8, round(8 * n / top)))]


def label_step(bucket_h: float, cell: int) -> int:
    """Buckets between two labels: labels 2-5 characters wide, at least one blank between them."""
    for hours in STEPS:
        k = max(1, round(hours / bucket_h))
        if k * cell >= 4 and abs(k * bucket_h - hours) < 1e-9:
            return k
    return max(1, round(24 / bucket_h))


def render(rows: list[Row], labels: list[str], bucket_h: float, width: int, title: str, caption: str):
    """→ rich Text lines. `labels[i]`: the clock label of bucket i's start (`00`, `11-11`); the caption says
    how many buckets a column holds when they had to be merged."""
    from rich.text import Text

    from shunt.render.text import safe

    n = max((len(r.received) for r in rows), default=0) or 1
    name_w = max((cell_len(r.name) for r in rows), default=0)
    side = name_w + 2 <= width // 3 and name_w + 2 + n <= width  # names beside the bars
    indent = name_w + 2 if side else 2
    room = max(8, width - indent)
    k = -(-n // room)  # buckets merged per column
    rows = [merge(r, k) for r in rows]
    cols = -(-n // k)
    cell = 2 if cols * 2 <= room else 1
    merged_labels = labels[::k]
    top = max((max(r.received or (0,)) for r in rows), default=0)
    step = label_step(bucket_h * k, cell)

    out = [Text(title, style="bold")]
    axis = Text(" " * indent)
    pos = 0
    for i in range(0, cols, step):
        lab = merged_labels[i] if i < len(merged_labels) else ""
        at = i * cell
        if at < pos or at + len(lab) > cols * cell + 3:
            continue
        axis.append(" " * (at - pos))
        axis.append(lab, style="bold")
        pos = at + len(lab)
    out.append(axis)
    for r in rows:
        bars, strip = Text(), Text()
        for v, st in zip(r.received, r.status):
            glyph, style = STRIP.get(st, ("?", ""))
            bars.append(bar(v, top) * cell, style="cyan")
            strip.append(glyph * cell, style=style)
        if side:
            out.append(safe(r.name) + Text(" " * (indent - cell_len(r.name))) + bars)
            out.append(Text(" " * indent) + strip)
        else:
            out.append(safe(r.name, "bold"))
            out.append(Text(" " * indent) + bars)
            out.append(Text(" " * indent) + strip)
    merged = _("{k} hours merged per column; ").format(k=k) if k > 1 and bucket_h == 1 else (
        _("{k} buckets merged per column; ").format(k=k) if k > 1 else "")
    out.append(Text(merged + caption, style="dim"))
    return out
