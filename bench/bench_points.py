"""The point questions (trace, why-received, why-silent) of one or more source trees, alternated in one run
beside the import floor, on databases already loaded (bench_shapes.py --keep DIR makes them).

    python bench/bench_points.py --db DIR/a1000g1c100000.db,DIR/a40g1c100000.db \\
        --trees main=/tmp/main/src,branch=src --runs 9

Each round runs the import floor (`python -c "import typer, rich, sqlite_utils, dateutil"`), then each
command of each tree, in turn: on a shared machine a slow moment hits every column alike. Each tree is
byte-compiled first (an installed shunt has its .pyc; a tree run with PYTHONDONTWRITEBYTECODE=1 would
compile every module at each run). The questions are bench_shapes.py's: trace of the busiest buyer of
the last day (its human summary), why-received of its last message, why-silent over 24 h of an account
that can receive (bench/shape_pick.py). Each cell: the median CPU seconds (user + sys of the child) and
its ratio to the floor's median of the same run.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

from bench_all import FLOOR, busy_buyer
from shape_pick import busy_buyer as day_buyer, receiving_account


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cpu_of(cmd: list[str], env: dict) -> float:
    c0 = _cpu()
    res = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:5])} failed ({res.returncode}): {res.stderr.decode()[-1000:]}")
    return _cpu() - c0


def questions(db: Path, commands: tuple[str, ...]) -> dict[str, list[str]]:
    buyer, day = day_buyer(db)
    _nick, rbuyer, _rday, at = busy_buyer(db)
    account, moment = receiving_account(db)
    qs = {"trace": ["trace", buyer, "--date", day],
          "why-received": ["why-received", rbuyer, "--at", at],
          "why-silent": ["why-silent", account, "--at", moment, "--window", "24h"]}
    return {k: [*v, "--db", str(db)] for k, v in qs.items() if k in commands}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="comma list of loaded databases")
    ap.add_argument("--trees", required=True, help="comma list of name=path/to/src")
    ap.add_argument("--commands", default="trace,why-received")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    trees = dict(t.split("=", 1) for t in args.trees.split(","))
    for src in trees.values():
        compileall.compile_dir(Path(src) / "shunt", quiet=1)
    commands = tuple(c for c in args.commands.split(",") if c)
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    print("| database | floor (CPU) | " + " | ".join(f"{c} {t}" for c in commands for t in trees) + " |")
    print("|---|---|" + "---|" * (len(commands) * len(trees)))
    for db in (Path(d) for d in args.db.split(",")):
        qs = questions(db, commands)
        cells: dict[tuple[str, str], list[float]] = {}
        floor: list[float] = []
        for r in range(args.runs + 1):  # the first round warms the page cache and is dropped
            f = cpu_of(FLOOR, base_env)
            got = {(c, t): cpu_of([sys.executable, "-m", "shunt", *q], {**base_env, "PYTHONPATH": src})
                   for c, q in qs.items() for t, src in trees.items()}
            if r:
                floor.append(f)
                for k, v in got.items():
                    cells.setdefault(k, []).append(v)
        fl = statistics.median(floor)
        row = [db.name, f"{fl * 1000:.0f} ms"]
        for c in commands:
            for t in trees:
                m = statistics.median(cells[c, t])
                row.append(f"{m * 1000:.0f} ms, {m / fl:.2f}x")
                print(f"  {db.name} {c} {t}: {m * 1000:.0f} ms CPU = {m / fl:.2f}x the floor ({fl * 1000:.0f} ms)",
                      file=sys.stderr, flush=True)
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
