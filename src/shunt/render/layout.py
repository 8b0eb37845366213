"""Layout of the human views at any width: tables that never cut a name, lines wrapped under their indent.

`Fold` is a table that decides at print time: the rich table when it fits the width (names on one
line, free text wrapped at words), else a stacked list, one block per row (`key: value` items packed
on lines under the row's name). At 80 columns and below a table that does not fit whole is stacked.

The width: `COLUMNS` when set; the terminal's when the output is a terminal; else (piped, redirected)
a wide layout (`WIDE`), so a file or a pipe is not forced to 80 columns.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Iterable, Sequence

from rich.cells import cell_len

from shunt.engine.frozen import frozen

NARROW = 80  # at this width and below, a table that does not fit whole folds into the stacked layout
WIDE = 200  # piped or redirected output without COLUMNS
TEXT_MIN = 24  # a free-text column is not squeezed narrower than this (else the table stacks)


def out_width(stderr: bool = False) -> int | None:
    """The width to lay out for: COLUMNS, else None (the terminal's) on a terminal, else WIDE."""
    cols = os.environ.get("COLUMNS", "").strip()
    if cols.isdigit() and int(cols) > 0:
        return max(20, int(cols))
    stream = sys.stderr if stderr else sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return None if tty else WIDE


@frozen
class Col:
    """A column: `name` (an account, a group, a time: never wrapped nor cut), `num` (right-aligned, never
    wrapped) or `text` (free text: wraps at words)."""

    header: str
    kind: str = "text"


def _text(cell: Any):
    from rich.text import Text

    from shunt.render.text import safe

    if isinstance(cell, Text):
        return cell
    return safe("" if cell is None else cell)


class Fold:
    """A table that is printed as a rich table when it fits, else stacked (see the module's doc)."""

    def __init__(self, title: Any, cols: Sequence[Col], rows: Iterable[Sequence[Any]], *, caption: Any = None,
                 box: bool = True, headers: bool = True, lead: int = 1) -> None:
        self.title = None if title is None else _text(title)
        self.cols = list(cols)
        self.rows = [[_text(c) for c in r] for r in rows]
        self.caption = None if caption is None else _text(caption)
        self.box = box
        self.headers = headers
        self.lead = max(1, lead)  # stacked: the row's heading is its first `lead` cells

    def table(self):
        from rich import box as boxes
        from rich.table import Table

        t = Table(title=self.title, caption=self.caption, title_justify="left", caption_justify="left",
                  show_header=self.headers, box=boxes.HEAVY_HEAD if self.box else None)
        for i, c in enumerate(self.cols):
            longest = max((x.cell_len for x in (r[i] for r in self.rows)), default=1)
            word = max((cell_len(w) for w in c.header.split()), default=1)
            if c.kind == "text":
                t.add_column(self._header(c), overflow="fold", min_width=max(word, min(longest, TEXT_MIN)))
            else:  # the cells never wrap; the header may, at its spaces
                t.add_column(self._header(c), no_wrap=True, min_width=max(longest, word),
                             justify="right" if c.kind == "num" else "left")
        for r in self.rows:
            t.add_row(*r)
        return t

    @staticmethod
    def _header(c: Col):
        from rich.text import Text

        return Text(c.header, no_wrap=False, overflow="fold")

    def fits(self, console, width: int) -> tuple[bool, Any]:
        from rich.measure import Measurement

        t = self.table()
        m = Measurement.get(console, console.options.update_width(max(width, 10_000)), t)
        if m.maximum <= width:
            return True, t
        return (width > NARROW and m.minimum <= width), t

    def __rich_console__(self, console, options):
        width = options.max_width
        ok, t = self.fits(console, width)
        if ok:
            yield t
            return
        yield from self.stacked(console, width)

    def stacked(self, console, width: int):
        from rich.text import Text

        if self.title is not None:
            title = self.title.copy()
            if not title.style:
                title.stylize("bold")
            yield from wrap_under(console, title, width, 0, 0)
        for r in self.rows:
            head = Text(SEP, style="dim").join(x for x in r[:self.lead] if x.plain.strip())
            head.stylize("bold", 0, len(r[0].plain))
            yield from wrap_under(console, head, width, 0, 2)
            items = []
            for c, cell in zip(self.cols[self.lead:], r[self.lead:]):
                if not cell.plain.strip():
                    continue
                items.append(Text.assemble((c.header + ": ", "dim"), cell) if c.header else cell)
            yield from pack(console, items, width, indent=2)
        if self.caption is not None:
            yield from wrap_under(console, self.caption, width, 0, 0)


# Names with a space in them ("zhenpin:Ann Lee"): wrapped text keeps them whole (see keep_names).
_KEEP: set[str] = set()
_GLUE = "\ue000"  # stands for a name's space while a line is wrapped (one cell, not whitespace)
NAME_KEYS = frozenset({"account", "accounts", "agent", "agents", "went_to", "from", "to", "members", "name",
                       "group", "group_name", "groups", "top", "bottom", "buyer", "recorded_agent"})


_PLAIN_TYPES = frozenset({int, float, bool, type(None)})  # values keep_names has nothing to look into
_FIELDS_OF: dict[type, tuple[str, ...] | None] = {}  # a class → its dataclass fields' names (None: not one)


def keep_names(result: Any) -> None:
    """Remember the names with a space held under a name key or field of `result` (dataclasses, dicts,
    lists) so that wrapped lines never break inside one. (A why-received at 1000 candidates walks ~50k
    values: numbers skipped at once, a class's fields listed once.)"""
    import dataclasses

    def fields_of(t: type) -> tuple[str, ...] | None:
        names = _FIELDS_OF.get(t, _PLAIN_TYPES)
        if names is _PLAIN_TYPES:
            names = _FIELDS_OF[t] = (tuple(f.name for f in dataclasses.fields(t))
                                     if dataclasses.is_dataclass(t) and not issubclass(t, type) else None)
        return names

    def name(o: str) -> None:
        if " " in o.strip() and len(o) <= 80:
            _KEEP.add(o.strip())

    def walk(o, key=None, depth=0):
        # (a plain str under a name is looked at here, not through another call: a why-received at 1000
        # candidates has several lists of 1000 names)
        if depth > 8:
            return
        if isinstance(o, str):
            if key in NAME_KEYS:
                name(o)
        elif (names := fields_of(type(o))) is not None:
            for name_ in names:
                v = getattr(o, name_)
                t = type(v)
                if t is str:
                    if name_ in NAME_KEYS and depth < 8:
                        name(v)
                elif t not in _PLAIN_TYPES:
                    walk(v, name_, depth + 1)
        elif isinstance(o, dict):
            for k, v in o.items():
                t = type(v)
                if t is str:
                    if (k if isinstance(k, str) else key) in NAME_KEYS and depth < 8:
                        name(v)
                elif t not in _PLAIN_TYPES:
                    walk(v, k if isinstance(k, str) else key, depth + 1)
        elif isinstance(o, (list, tuple, set, frozenset)):
            named = key in NAME_KEYS and depth < 8
            for v in o:
                t = type(v)
                if t is str:
                    if named:
                        name(v)
                elif t not in _PLAIN_TYPES:
                    walk(v, key, depth + 1)

    walk(result)


def _glued(text):
    plain = text.plain
    if not _KEEP or " " not in plain:
        return text, False
    glued = plain
    for name in sorted(_KEEP, key=len, reverse=True):
        if name in glued:
            glued = glued.replace(name, name.replace(" ", _GLUE))
    if glued == plain:
        return text, False
    text = text.copy()
    text.plain = glued  # same length: the styles stay where they were
    return text, True


def wrap_under(console, text, width: int, first: int, rest: int):
    """`text` wrapped at words to `width`, its first line indented by `first` spaces, the others by `rest`;
    a name of the result (keep_names) is never broken at its space."""
    from rich.text import Text

    text, glued = _glued(text)
    lines = text.wrap(console, max(10, width - max(first, rest)), overflow="fold")
    for i, line in enumerate(lines):
        line.rstrip()
        if glued:
            line.plain = line.plain.replace(_GLUE, " ")
        yield Text(" " * (first if i == 0 else rest)) + line


SEP = " · "


def pack(console, items, width: int, indent: int = 2):
    """Short items packed on lines (`a · b · c`) under `indent`; an item too long for a line of its own
    share is printed alone, wrapped under the indent. No item is cut or split across a packed line."""
    from rich.text import Text

    room = max(10, width - indent)
    line: Text | None = None
    for item in items:
        if item.cell_len > room // 2 and item.cell_len > 30 or item.cell_len > room:
            if line is not None:
                yield Text(" " * indent) + line
                line = None
            yield from wrap_under(console, item, width, indent, indent + 2)
            continue
        if line is None:
            line = item.copy()
        elif line.cell_len + len(SEP) + item.cell_len <= room:
            line.append(SEP, style="dim")
            line.append_text(item)
        else:
            yield Text(" " * indent) + line
            line = item.copy()
    if line is not None:
        yield Text(" " * indent) + line


class Under:
    """A renderable: `text` wrapped under a hanging indent (`first` spaces, then `rest`)."""

    def __init__(self, text, first: int = 0, rest: int | None = None) -> None:
        self.text = _text(text)
        self.first = first
        self.rest = first + 2 if rest is None else rest

    def __rich_console__(self, console, options):
        yield from wrap_under(console, self.text, options.max_width, self.first, self.rest)


def readable(v: Any) -> str:
    """A value for people, never a Python repr: lists joined, booleans yes/no, floats without a useless .0."""
    if v is None:
        return "-"
    if isinstance(v, bool):
        from shunt.i18n import _

        return _("yes") if v else _("no")
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, dict):
        return ", ".join(f"{k} {readable(x)}" for k, x in v.items()) or "-"
    if isinstance(v, (list, tuple, set, frozenset)):
        return ", ".join(readable(x) for x in v) or "-"
    return str(v)
