"""Benchmark of `shunt balance` and `shunt simulate` on a generated 150,000-consult day.

    python bench/bench_balance.py                  # generate, load, time both (whole process)
    python bench/bench_balance.py --db big.db      # reuse a loaded database
    python bench/bench_balance.py -n 50000         # smaller day

Each command runs as its own child process (`python -m shunt ...`), so the figures include
interpreter start-up, imports, opening the database and writing the JSON. Wall time, CPU time
(user + system, the child's and its own children's: balance sweeps a large period in two halves,
in two processes when there are two cores — docs/balance.md, Speed) and peak RSS (os.wait4
rusage: the largest of those processes, not their sum) per child.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run(argv: list[str], out: Path | None = None) -> tuple[float, float, int, float]:
    t = time.perf_counter()
    with open(out or os.devnull, "wb") as fh:
        p = subprocess.Popen([sys.executable, "-m", "shunt", *argv], stdout=fh, stderr=subprocess.PIPE,
                             cwd=ROOT)
        _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read().decode("utf-8", "replace") if p.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"shunt {' '.join(argv)} failed ({code}): {err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, code, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--consults", type=int, default=150_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--db", type=Path, help="an already loaded database (skips generate and load)")
    ap.add_argument("--date", default="2026-11-11")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="shunt-bench-balance-"))
    db = args.db
    if db is None:
        db = tmp / "day.db"
        log = tmp / "day.jsonl"
        wall, rss, _, _ = run(["generate", "--consults", str(args.consults), "--seed", str(args.seed), "-o", str(log)])
        print(f"generate {args.consults:,} consults: {wall:.1f} s")
        wall, rss, _, _ = run(["load", str(log), "--db", str(db)])
        print(f"load: {wall:.1f} s, peak RSS {rss:.0f} MB")
    new = tmp / "new.json"
    new.write_text(json.dumps({"settings": {"recent_contact_hours": 0}}), encoding="utf-8")
    print(f"{'command':<58} {'seconds':>8} {'CPU s':>7} {'peak RSS MB':>12}")
    for argv in (["balance", "--date", args.date, "--json"],
                 ["simulate", "--config", str(new), "--date", args.date, "--seed", "7", "--json"]):
        out = tmp / f"{argv[0]}.json"
        wall, rss, _, cpu = run([*argv, "--db", str(db)], out)
        doc = json.loads(out.read_text(encoding="utf-8"))
        print(f"shunt {' '.join(a if '/' not in a else Path(a).name for a in argv):<52} {wall:>8.1f} {cpu:>7.1f} {rss:>12.0f}"
              f"   ({doc['consults']:,} consults)")


if __name__ == "__main__":
    main()
