"""The shape matrix of issue 17: the analytic commands on shops of several shapes, each beside
its floor measured in the same run.

    python bench/bench_shapes.py                               # 40/300/1000 agents x 1/20/300 groups, 100k
    python bench/bench_shapes.py --shapes 40x6,300x20,1000x20 --consults 100000,150000
    python bench/bench_shapes.py --keep DIR                    # keep logs and databases

For each shape (agents x groups) and day size: `shunt generate` writes one day, `shunt load`
loads it, then, each as a whole process, rounds of (median of --runs):
- floor: reading the day's consults and statuses from the database in Python (sqlite3, every
  column, fetchall) — what any replay must at least do;
- why-silent over a 24 h window, for an account that CAN receive (listed, routing on, not a
  proxy, in a group, online at --at: bench/shape_pick.py), --at a busy moment of the day;
- balance over the day; simulate over the day with the strategy changed to round_robin;
- trace of the day's busiest buyer, beside the import floor (`python -c "import typer, rich,
  sqlite_utils, dateutil"`, bench_all's) — a point question is judged against start-up. shunt's
  modules are byte-compiled first (as installed), else a PYTHONDONTWRITEBYTECODE run compiles them.
Each line: wall seconds (median), CPU seconds (user + sys of the child and its forks, median: the
steadier figure on a shared machine), peak RSS (the child's ru_maxrss, or the sampled sum over it
and its forked half for balance), and the ratio to the floor of the same shape (by CPU). At the
end, each command's CPU at the most agents over the 40-agent figure of the same groups/size (goal
<= 1.5x). `--commands` picks the commands; `--keep DIR` reuses a{A}g{G}c{N}.db found there.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench_all import FLOOR as IMPORT_FLOOR, SHUNT as _SHUNT, run
from shape_pick import busiest_day, busy_buyer, receiving_account

FLOOR_CODE = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
lo, hi = c.execute("SELECT min(ts), max(ts) + 1 FROM consults").fetchone()
c.execute("SELECT * FROM consults WHERE ts >= ? AND ts < ? ORDER BY ts, uid", (lo, hi)).fetchall()
c.execute("SELECT * FROM statuses WHERE ts < ? ORDER BY ts, uid", (hi,)).fetchall()
"""
# the installed script, else this Python's `-m shunt` (a dev tree: set PYTHONPATH=src)
SHUNT = [_SHUNT] if Path(_SHUNT).exists() else [sys.executable, "-m", "shunt"]
GOALS = {"why-silent": 3.0, "balance": 5.0, "simulate": 5.0, "trace": None}
COMMANDS = tuple(GOALS)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def median_run(cmd: list[str], runs: int, tree: bool = False) -> tuple[float, float, float]:
    """→ (median wall s, peak RSS MB, median CPU s of the child and its reaped forks)."""
    got = []
    for _ in range(runs):
        c0 = _cpu()
        t, rss = run(cmd, tree=tree)
        got.append((t, rss, _cpu() - c0))
    return (statistics.median(t for t, _, _ in got), max(r for _, r, _ in got),
            statistics.median(c for _, _, c in got))


def shape(work: Path, agents: int, groups: int, consults: int, runs: int,
          commands: tuple[str, ...] = COMMANDS) -> dict[str, tuple[float, float, float, float]]:
    log, db = work / f"a{agents}g{groups}c{consults}.jsonl", work / f"a{agents}g{groups}c{consults}.db"
    if not db.exists():
        run([*SHUNT, "generate", "--consults", str(consults), "--agents", str(agents), "--groups", str(groups),
             "--seed", "17", "-o", str(log)])
        run([*SHUNT, "load", str(log), "--db", str(db)], tree=True)
        log.unlink()
    account, at = receiving_account(db)
    day = busiest_day(db)
    buyer, bday = busy_buyer(db)
    new = work / "round_robin.json"
    new.write_text('{"settings": {"strategy": "round_robin"}}', encoding="utf-8")
    cmds = {
        "floor": [sys.executable, "-c", FLOOR_CODE, str(db)],
        "why-silent": [*SHUNT, "why-silent", account, "--at", at, "--window", "24h", "--db", str(db)],
        "balance": [*SHUNT, "balance", "--date", day, "--db", str(db)],
        "simulate": [*SHUNT, "simulate", "--config", str(new), "--date", day, "--db", str(db)],
        "import floor": IMPORT_FLOOR,
        "trace": [*SHUNT, "trace", buyer, "--date", bday, "--db", str(db)],
    }
    cmds = {k: v for k, v in cmds.items() if k in ("floor", "import floor") + commands}
    run(cmds["floor"])  # warm the page cache
    out: dict[str, tuple[float, float, float, float]] = {}
    for name, cmd in cmds.items():
        t, rss, cpu = median_run(cmd, max(runs, 3) if name in ("import floor", "trace") else runs,
                                 tree=name == "balance")
        base = out["import floor" if name == "trace" else "floor"][2] if name not in ("floor", "import floor") else cpu
        out[name] = (t, rss, cpu, cpu / base if base else 0.0)
        print(f"  {agents:>5} agents {groups:>3} groups {consults:>7,} consults | {name:<12} | {t:6.2f} s wall | "
              f"{cpu:6.2f} s CPU | {rss:6.0f} MB | {out[name][3]:5.1f}x floor (CPU)", file=sys.stderr, flush=True)
    return out


def compiled() -> None:
    """Byte-compile the shunt this runs, as an installed one is: a dev tree run with
    PYTHONDONTWRITEBYTECODE=1 compiles every module it imports at each run (trace: ~2x its time)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("shunt")
    if spec is not None and spec.origin:
        compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shapes", default="40x1,40x20,300x1,300x20,300x300,1000x1,1000x20,1000x300")
    ap.add_argument("--consults", default="100000")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--commands", default=",".join(COMMANDS), help=f"a comma list of {', '.join(COMMANDS)}")
    args = ap.parse_args()
    commands = tuple(c for c in args.commands.split(",") if c)
    compiled()
    work = args.keep or Path(tempfile.mkdtemp(prefix="shunt-shapes-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    try:
        for n in (int(x) for x in args.consults.split(",")):
            for s in args.shapes.split(","):
                agents, groups = (int(x) for x in s.split("x"))
                results[agents, groups, n] = shape(work, agents, groups, n, args.runs, commands)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    names = [c for c in COMMANDS if c in commands]
    print("| agents | groups | consults | floor (CPU) | " + " | ".join(names) + " |")
    print("|---|---|---|---|" + "---|" * len(names))
    for (a, g, n), r in results.items():
        cells = [f"{r['floor'][0]:.2f} s ({r['floor'][2]:.2f} s)"]
        for name in names:
            t, rss, cpu, ratio = r[name]
            if name == "trace":
                cells.append(f"{t * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms = {ratio:.2f}x import floor "
                             f"({r['import floor'][2] * 1000:.0f} ms)")
                continue
            goal = GOALS[name]
            mark = "" if t <= goal and ratio <= 10 and (name == "why-silent" or rss <= 300) else " **"
            cells.append(f"{t:.2f} s, CPU {cpu:.2f} s, {rss:.0f} MB, {ratio:.1f}x{mark}")
        print(f"| {a} | {g} | {n:,} | " + " | ".join(cells) + " |")
    for (a, g, n), r in results.items():
        base = min((k for k in results if k[2] == n and k[0] < a), default=None)
        if base is not None:
            b = results[base]
            print(f"{a} agents x {g} groups / {base[0]} x {base[1]}, {n:,} consults (CPU): " + ", ".join(
                f"{name} {r[name][2] / b[name][2]:.2f}x" for name in names))


if __name__ == "__main__":
    main()
