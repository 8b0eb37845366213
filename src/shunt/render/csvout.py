"""CSV views of the commands' tables (--csv): the rows of their --json, flattened, so a spreadsheet and a
script read the same values. UTF-8 with a header row on stdout; written with -o FILE, with a BOM, so
Excel opens the Chinese names right."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any, Iterable

# Which table of which command, and where its rows are in the command's --json.
TABLES = {
    "trace": "nodes",
    "balance": "accounts",
    "simulate": ("accounts", "moved"),
    "info": "days",
}
_TRACE_COLUMNS = ("consult", "ts", "source", "reason", "agent", "group", "item", "order.id", "order.state",
                  "intent", "by", "target", "replay.match", "replay.reason", "replay.agents", "replay.rule",
                  "replay.finding_codes")


def cell(v: Any) -> str:
    """One value as a cell: nothing for null, true/false, a list of plain values space-separated."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return " ".join(cell(x) for x in v)
    return str(v)


def flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}, "c": [1, 2]} → {"a.b": 1, "c": [1, 2]}: nested objects become dotted columns;
    lists of objects (a replay's steps...) are left to --json."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "."))
        elif isinstance(v, (list, tuple)) and any(isinstance(x, (dict, list)) for x in v):
            continue
        else:
            out[key] = v
    return out


def rows_of(doc: dict[str, Any], command: str, table: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, flattened rows) of `command`'s table in its --json document `doc`."""
    if command == "trace":
        rows = [flatten(n) for n in doc["nodes"]]
        return list(_TRACE_COLUMNS), rows
    if command == "info":
        return ["shop", "date", "consults"], [{"shop": s["shop"], **d} for s in doc["shops"] for d in s["days"]]
    if command == "simulate" and table == "moved":
        rows = [flatten(x) for x in doc["moved"]["examples"]]
    else:
        rows = [flatten(x) for x in doc["accounts"]]
    columns: dict[str, None] = {}
    for r in rows:
        columns.update(dict.fromkeys(r))
    return list(columns), rows


def text(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    columns = list(columns)
    w.writerow(columns)
    for r in rows:
        w.writerow([cell(r.get(c)) for c in columns])
    return buf.getvalue()


def to_stdout(body: str) -> None:
    sys.stdout.buffer.write(body.encode("utf-8", "backslashreplace"))
    sys.stdout.flush()


def to_file(body: str, output: Path) -> None:
    """UTF-8 with a BOM: Excel reads a BOM-less CSV in the machine's ANSI code page (mojibake for 小丙)."""
    Path(output).write_bytes(body.encode("utf-8-sig", "backslashreplace"))
