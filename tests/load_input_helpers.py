"""Small logs for the load-input tests: generated shops moved to other time zones, and a digest of
a whole database that ignores what may differ between equal loads (rowids, shop ids, load history)."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cli_helpers import shunt

_SH = ZoneInfo("Asia/Shanghai")
_TABLES = ("configs", "statuses", "stats", "consults", "session_ends", "messages", "logistics", "other_events",
           "load_steps")


def generated(tmp: Path, consults: int = 40, seed: int = 1) -> list[dict]:
    out = tmp / f"gen-{consults}-{seed}.jsonl"
    res = shunt("generate", "--consults", consults, "--agents", 4, "--groups", 1, "--seed", seed, "-o", out)
    assert res.exit_code == 0, res.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]


def local(events: list[dict], shop: str, tz: str) -> list[dict]:
    """The events of a generated shop as shop `shop` in zone `tz`, every time written without offset
    (the same wall-clock times: the shop now lives in `tz`)."""
    out = []
    for e in events:
        e = dict(json.loads(json.dumps(e)), shop=shop)  # (a deep copy: settings are changed below)
        t = e["ts"]
        dt = datetime.fromtimestamp(t / 1000, _SH) if isinstance(t, int) else datetime.fromisoformat(t)
        e["ts"] = dt.replace(tzinfo=None).isoformat(sep=" ")
        if e["type"] == "shop_config":
            e["timezone"] = tz
            for key in ("agents", "groups", "exclusive"):
                e[key] = json.loads(json.dumps(e.get(key) or []).replace('"zhenpin', f'"{shop}'))
            s = e["settings"]
            if s.get("assistant"):
                s["assistant"] = s["assistant"].replace("zhenpin", shop, 1)
        for key in ("account", "by", "target"):
            if isinstance(e.get(key), str) and e[key].startswith("zhenpin"):
                e[key] = shop + e[key][len("zhenpin"):]
        if e["type"] == "consult" and e["routed"].get("agent", "") and e["routed"]["agent"].startswith("zhenpin"):
            e["routed"] = dict(e["routed"], agent=shop + e["routed"]["agent"][len("zhenpin"):])
        out.append(e)
    return out


def write(path: Path, events: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return path


def shuffled(events: list[dict], seed: int) -> list[dict]:
    out = list(events)
    random.Random(seed).shuffle(out)
    return out


def digest(db: Path) -> str:
    """Every event and derived table, rows as (shop nick, columns...) in sorted order; the shops
    with their zone. Not: rowids, shop ids, `loads`, `meta`."""
    c = sqlite3.connect(db)
    try:
        h = hashlib.sha256()
        nick = dict(c.execute("SELECT id, nick FROM shops"))
        h.update(repr(sorted(c.execute("SELECT nick, timezone, tz_ts, tz_uid FROM shops"))).encode())
        for t in _TABLES:
            cols = [r[1] for r in c.execute(f"PRAGMA table_info({t})") if r[1] not in ("shop_id", "origin")]
            rows = sorted((nick[r[0]], *r[1:]) for r in c.execute(f"SELECT shop_id, {', '.join(cols)} FROM {t}"))
            h.update(f"{t}:{len(rows)}:{rows!r}".encode())
        return h.hexdigest()
    finally:
        c.close()


def q(db: Path, sql: str, *args) -> list[tuple]:
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()
