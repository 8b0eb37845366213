"""A day loaded into a database that already holds days, against the same day into an empty one.

    PYTHONPATH=src python bench/bench_load_days.py --consults 1650000 --days 11 --rounds 2 --dir /tmp/days

Generates `--days` days (`shunt generate --agents 300 --groups 20 --seed 7`), cuts off the last day,
loads the others into a base database once, then alternates, in one run: the last day into an
empty database, and into a copy of the base (the copy is made outside the timing). Each run is a
`shunt load` subprocess: wall seconds, CPU seconds of the process tree (user + sys) and peak RSS
summed over the tree (sampled every 50 ms: the split's two processes). Use the ratios on a shared
machine; CPU seconds hold better than wall seconds there.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tree_rss_kb(pid: int) -> int:
    kids: dict[int, list[int]] = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as fh:
                    kids.setdefault(int(fh.read().rsplit(")", 1)[1].split()[1]), []).append(int(p))
            except OSError:
                pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next((int(x.split()[1]) for x in fh if x.startswith("VmRSS:")), 0)
        except OSError:
            pass
        todo.extend(kids.get(p, []))
    return total


def run(cmd: list[str], env: dict) -> tuple[float, float, int]:
    """→ (wall s, CPU s of the tree, peak summed RSS MB)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def sample() -> None:
        while p.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kb(p.pid))
            time.sleep(0.05)

    th = threading.Thread(target=sample)
    th.start()
    err = p.communicate()[1]
    th.join()
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit(f"{cmd} failed: {err[-800:]!r}")
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), peak[0] >> 10


def _mark(db: Path) -> None:
    """The copy as the load that made the base left it (store/closemark.py): a daily load does not check
    the whole file again (a copy's new modification time would make it)."""
    sys.path.insert(0, str(ROOT / "src"))
    from shunt.store import closemark

    closemark.stamp(db)


def _clean(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def _cut_last_day(log: Path, head: Path, day: Path, days: int) -> None:
    """The log's lines before its last day (Shanghai midnight, the generated shop's zone), and from it on
    (the generator writes in time order)."""
    sys.path.insert(0, str(ROOT / "src"))
    from shunt.timeutil import parse_ts, zone

    tz = zone("Asia/Shanghai")
    lines = log.read_bytes().splitlines(keepends=True)
    local = parse_ts(json.loads(lines[0])["ts"], tz) + 8 * 3_600_000
    start = local - local % 86_400_000 - 8 * 3_600_000 + (days - 1) * 86_400_000
    cut = next(i for i, ln in enumerate(lines) if parse_ts(json.loads(ln)["ts"], tz) >= start)
    head.write_bytes(b"".join(lines[:cut]))
    day.write_bytes(b"".join(lines[cut:]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--consults", type=int, default=165_000, help="consults over all the days")
    ap.add_argument("--days", type=int, default=11)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/shunt-bench-days"))
    args = ap.parse_args()
    d = args.dir
    d.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    py = sys.executable
    log, head, day, base = d / "all.jsonl", d / "head.jsonl", d / "day.jsonl", d / "base.db"
    if not log.exists():
        subprocess.run([py, "-m", "shunt", "generate", "--consults", str(args.consults), "--days", str(args.days),
                        "--agents", "300", "--groups", "20", "--seed", "7", "-o", str(log)], env=env, check=True)
    if not day.exists():
        _cut_last_day(log, head, day, args.days)
    if not base.exists():
        run([py, "-m", "shunt", "load", "--db", str(base), str(head)], env)
    results: dict[str, list] = {"empty": [], "into": []}
    for _ in range(args.rounds):
        for mode in ("empty", "into"):
            db = d / f"run_{mode}.db"
            _clean(db)
            if mode == "into":
                shutil.copy(base, db)
                _mark(db)
            results[mode].append(run([py, "-m", "shunt", "load", "--db", str(db), str(day)], env))
            print(mode, "wall %.2f s, CPU %.2f s, RSS %d MB" % results[mode][-1], flush=True)
            _clean(db)
    for i in range(2):
        a = sorted(r[i] for r in results["into"])
        b = sorted(r[i] for r in results["empty"])
        print(("wall" if i == 0 else "CPU"), "ratio (medians, into / empty): %.2f" % (a[len(a) // 2] / b[len(b) // 2]))


if __name__ == "__main__":
    main()
