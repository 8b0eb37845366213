"""Shared by the reliability tests: a generated log, a clean load of it, and a comparable snapshot of a database."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from cli_helpers import ROOT, shunt

# Event tables and the derived table; `loads` (history) and `meta` are compared apart.
TABLES = ("shops", "configs", "statuses", "stats", "consults", "session_ends", "messages", "logistics",
          "other_events", "load_steps")
ORDER = {"shops": "nick", "load_steps": "1, 2, 3, 4, 5, 6"}


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + e.get("PYTHONPATH", "")
    e.pop("SHUNT_DB", None)
    return e


def shunt_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "shunt", *map(str, args)]


def generate(path: Path, consults: int = 20_000, seed: int = 11) -> Path:
    subprocess.run(shunt_cmd("generate", "--consults", consults, "--seed", seed, "-o", path), env=env(),
                   check=True, capture_output=True, timeout=120)
    return path


def integrity(db: Path) -> str:
    c = sqlite3.connect(db)
    try:
        return ";".join(r[0] for r in c.execute("PRAGMA integrity_check"))
    finally:
        c.close()


def snapshot(db: Path) -> dict:
    """Counts and content digests of every event table and the derived tables (rowids left out)."""
    c = sqlite3.connect(db)
    try:
        out: dict = {}
        for t in TABLES:
            h = hashlib.sha256()
            n = 0
            order = ORDER.get(t, "shop_id, uid")
            # (not `origin`: where a row was first loaded differs between a killed load's re-run and a clean load)
            cols = ", ".join(r[1] for r in c.execute(f"PRAGMA table_info({t})") if r[1] != "origin")
            for row in c.execute(f"SELECT {cols} FROM {t} ORDER BY {order}"):  # noqa: S608 - table names are constants
                h.update(repr(row).encode("utf-8", "surrogatepass"))
                n += 1
            out[t] = (n, h.hexdigest()[:16])
        out["dirty"] = c.execute("SELECT count(*) FROM meta WHERE key LIKE 'dirty:%'").fetchone()[0]
        # each shop's first/last message time (store/spans.py), and whether they are in force (not msg_top: a rowid)
        out["spans"] = c.execute("SELECT key, value FROM meta WHERE key GLOB 'msg_*' AND key != 'msg_top' "
                                 "ORDER BY key").fetchall()
        out["spans_kept"] = c.execute("SELECT (SELECT value FROM meta WHERE key = 'msg_top') "
                                      "IS (SELECT coalesce(max(rowid), 0) FROM messages)").fetchone()[0]
        out["indexes"] = sorted(r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'index'"))
        return out
    finally:
        c.close()


def event_rows(db: Path) -> int:
    c = sqlite3.connect(db)
    try:
        return sum(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                   for t in TABLES if t not in ("shops", "load_steps"))
    finally:
        c.close()


def pick_questions(db: Path) -> list[tuple[str, ...]]:
    """A few trace / why-silent / why-received questions with answers on this database."""
    from shunt.timeutil import to_iso, zone

    c = sqlite3.connect(db)
    try:
        buyers = [r[0] for r in c.execute(
            "SELECT buyer FROM consults WHERE buyer GLOB 'tb_*' GROUP BY buyer ORDER BY count(*) DESC, buyer LIMIT 3")]
        agents = [r[0] for r in c.execute(
            "SELECT agent FROM consults WHERE agent LIKE '%:%' GROUP BY agent ORDER BY count(*) DESC, agent LIMIT 2")]
        msg = c.execute("SELECT buyer, ts FROM messages WHERE sender = 'buyer' AND buyer = ? ORDER BY ts LIMIT 1",
                        (buyers[0],)).fetchone()
    finally:
        c.close()
    tz = zone("Asia/Shanghai")
    qs = [("trace", b, "--date", "2026-11-11") for b in buyers]
    qs += [("why-silent", a, "--at", "2026-11-11 15:00:00", "--window", "2h") for a in agents]
    qs.append(("why-received", msg[0], "--at", to_iso(msg[1] - msg[1] % 1000, tz)))
    return qs


def answer(db: Path, q: tuple[str, ...]):
    res = shunt(*q, "--json", db=db)
    return res.exit_code, (json.loads(res.stdout) if res.exit_code == 0 else res.stderr)


def answers(db: Path, questions) -> list:
    return [answer(db, q) for q in questions]
