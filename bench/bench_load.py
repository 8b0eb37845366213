"""Load benchmark: shunt's loader against `sqlite-utils insert --nl --alter`.

    python bench/bench_load.py                 # generate 1,000,000 events, run both
    python bench/bench_load.py -n 200000       # smaller
    python bench/bench_load.py --file x.jsonl  # an existing export
    python bench/bench_load.py --profile       # cProfile shunt's loader in-process (top 25)

Each tool runs in its own child process; wall time and peak RSS are measured per child
(os.wait4 rusage). Prints events/s, seconds, peak RSS, database size / JSONL size, speed-up.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TZ = timezone(timedelta(hours=8))
REASONS = ["recent_contact", "reception_rate", "only_one_online", "main_account_fallback", "exclusive_priority"]
SOURCES = ["item_page", "order_page", "unknown", "bot_transfer", "transfer_to_group", "offline_pool"]
STATES = ["no_active_order", "unpaid", "not_shipped", "shipped", "signed", "refunding"]


def generate(path: Path, n: int, seed: int = 7) -> int:
    """A realistic mix for two shops over a few days: ~1/4 consults, ~1/2 messages,
    session ends, statuses, stats and a config per shop per day. Returns the events written."""
    rnd = random.Random(seed)
    shops = ["zhenpin", "mingdian"]
    agents = {s: [f"{s}:客服{i:02d}" for i in range(40)] for s in shops}
    start = datetime(2026, 11, 10, 0, 0, tzinfo=TZ)
    span_s = 3 * 86400
    written = 0
    open_consults: list[tuple[str, str, str, int]] = []
    with open(path, "w", encoding="utf-8") as out:
        def emit(ev: dict) -> None:
            nonlocal written
            out.write(json.dumps(ev, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            written += 1

        for shop in shops:
            for day in range(3):
                emit({"type": "shop_config", "ts": (start + timedelta(days=day)).isoformat(), "shop": shop,
                      "id": f"cfg-{shop}-{day}", "timezone": "Asia/Shanghai",
                      "settings": {"recent_contact_hours": 72, "assistant": f"{shop}:店小蜜", "strategy": "reception_rate",
                                   "busy_threshold": 4, "logistics_cs": {"enabled": True}},
                      "agents": [{"account": a, "weight": 1, "max_sessions": 30} for a in agents[shop]],
                      "groups": [{"id": "g_pre", "name": "售前", "members": agents[shop][:20],
                                  "bind": {"order_states": ["no_active_order", "unpaid"]}},
                                 {"id": "g_post", "name": "售后", "members": agents[shop][20:],
                                  "bind": {"order_states": ["shipped", "signed", "refunding"]}}]})
        i = 0
        while written < n:
            i += 1
            t = start + timedelta(seconds=span_s * i / (n / 2.2))
            shop = shops[i % 2]
            r = rnd.random()
            ts = t.isoformat(timespec="seconds")
            if r < 0.03:
                emit({"type": "agent_status", "ts": ts, "shop": shop, "id": f"st-{i}",
                      "account": rnd.choice(agents[shop]), "status": rnd.choice(["online", "online", "suspended", "offline"])})
            elif r < 0.035:
                emit({"type": "agent_stats", "ts": ts, "shop": shop, "account": rnd.choice(agents[shop]),
                      "conversion_rate": round(rnd.random(), 3)})
            elif r < 0.30:
                buyer = f"tb_{rnd.randrange(n // 8 + 1):07d}"
                cid = f"c-{i:08d}"
                ev = {"type": "consult", "ts": ts, "shop": shop, "id": cid, "buyer": buyer,
                      "source": rnd.choice(SOURCES), "item": str(6243000 + rnd.randrange(50)),
                      "intent": rnd.choice([None, "logistics.eta", "presale.size"]), "by": None, "target": None,
                      "routed": {"agent": rnd.choice(agents[shop]), "group": rnd.choice(["g_pre", "g_post"]),
                                 "reason": rnd.choice(REASONS)}}
                if rnd.random() < 0.6:
                    ev["order"] = {"id": f"O-{i}", "state": rnd.choice(STATES), "carrier": "ZTO", "packages": 1}
                emit(ev)
                open_consults.append((shop, cid, buyer, ev["routed"]["agent"]))
            elif r < 0.45 and open_consults:
                shop2, cid, buyer, agent = open_consults.pop(rnd.randrange(len(open_consults)))
                emit({"type": "session_end", "ts": ts, "shop": shop2, "id": f"se-{cid}", "consult": cid})
            elif open_consults:
                shop2, cid, buyer, agent = open_consults[-1 - rnd.randrange(min(50, len(open_consults)))]
                emit({"type": "message", "ts": ts, "shop": shop2, "buyer": buyer,
                      "sender": rnd.choice(["buyer", "agent"]), "account": agent,
                      **({"consult": cid} if rnd.random() < 0.5 else {})})
    return written


def run_child(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Run cmd; (wall seconds, peak RSS MB of that child, or of it and its children together when
    that is higher: shunt's loader forks for a big file; bench_all.wait_sampled)."""
    sys.path.insert(0, str(HERE))
    from bench_all import wait_sampled

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    status, rss = wait_sampled(proc)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if status != 0 and os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"{cmd[:3]} failed ({status}): {err[-2000:]}")
    return wall, rss


def shunt_cmd(db: Path, src: Path) -> list[str]:
    code = ("import sys; from shunt.store import load_files; "
            "r = load_files(sys.argv[1], [sys.argv[2]]); "
            "print(r.total_loaded, r.total_duplicates, len(r.rejected), file=sys.stderr)")
    return [sys.executable, "-c", code, str(db), str(src)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=1_000_000, help="events to generate")
    ap.add_argument("--file", type=Path, help="use this JSONL instead of generating one")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--skip-sqlite-utils", action="store_true")
    ap.add_argument("--profile", action="store_true", help="cProfile shunt's loader in-process")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="shunt-bench-"))
    try:
        if args.file:
            src = args.file
            n = sum(1 for _ in open(src, "rb"))
        else:
            src = work / "events.jsonl"
            t0 = time.perf_counter()
            n = generate(src, args.n)
            print(f"generated {n:,} events ({src.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f}s",
                  file=sys.stderr)
        size = src.stat().st_size
        if args.profile:
            import cProfile
            import pstats
            sys.path.insert(0, str(ROOT / "src"))
            from shunt.store import load_files
            prof = cProfile.Profile()
            prof.enable()
            load_files(work / "profile.db", [src])
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
            return
        rows = []
        if not args.skip_sqlite_utils:
            su = shutil.which("sqlite-utils", path=str(Path(sys.executable).parent)) or shutil.which("sqlite-utils")
            db = work / "su.db"
            wall, rss = run_child([su, "insert", str(db), "events", str(src), "--nl", "--alter"])
            rows.append(("sqlite-utils insert --nl --alter", wall, rss, db))
        db = work / "shunt.db"
        wall, rss = run_child(shunt_cmd(db, src))
        rows.append(("shunt load", wall, rss, db))
        base = rows[0][1]
        print(f"{n:,} events, JSONL {size / 1e6:.1f} MB")
        print(f"{'tool':34} {'events/s':>10} {'seconds':>8} {'peak RSS MB':>12} {'DB/JSONL':>9} {'speed-up':>9}")
        for name, wall, rss, dbp in rows:
            dbsize = sum(p.stat().st_size for p in dbp.parent.glob(dbp.name + "*"))
            print(f"{name:34} {n / wall:10,.0f} {wall:8.1f} {rss:12.0f} {dbsize / size:9.2f} {base / wall:8.1f}x")
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
