"""Every performance goal of issue 7, each beside its baseline, in one table.

    python bench/bench_all.py                    # 1M and 10M events (10M: ~30 min on 2 cores)
    python bench/bench_all.py --sizes 1M         # one size
    python bench/bench_all.py --quick            # 200k events, 3 runs per point question
    python bench/bench_all.py --keep DIR         # keep logs and databases in DIR

For each size N: `shunt generate` writes N events (~182k consults a day, N / 1M days, so the
10M log is ten days of history), then
- load: `shunt load` against `sqlite-utils insert --nl --alter` of the same file: events/s,
  peak RSS (the child's ru_maxrss), database size / JSONL size;
- point questions: `shunt trace` and `shunt why-received` for a busy buyer of the last day,
  whole process, against the import floor of shunt's own dependencies (`python -c "import
  typer, rich, sqlite_utils, dateutil"`, same environment): once every size is loaded, in
  rounds (floor, then each question on each size): median times, and each ratio (to the floor,
  10M to 1M) the median of the rounds' own ratios;
- `shunt --help` against the same floor;
then once, on a 150,000-consult day (whole process): `shunt why-silent` over its 24 h window, and
`shunt balance`, `shunt simulate` (recent contacts off) and `shunt audit` over the day (median of 3, its peak RSS).
Every child is timed by wall clock; peak RSS comes from os.wait4's rusage of that child (for
`shunt load`, which forks, the sampled sum over its processes when that is higher).
shunt's sources are byte-compiled first (as a pip install does; the dev environment may set
PYTHONDONTWRITEBYTECODE, which would make every run compile shunt from source).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
SHUNT = str(BIN / "shunt")
FLOOR = [sys.executable, "-c", "import typer, rich, sqlite_utils, dateutil"]
EVENTS_PER_CONSULT = 5.49  # shunt generate's mix (measured: 916,278 events for 167,000 consults)
CONSULTS_PER_DAY = 182_000
ROWS: list[tuple] = []


def parse_size(s: str) -> int:
    s = s.strip().upper()
    mult = {"K": 1_000, "M": 1_000_000}.get(s[-1], 1)
    return int(float(s[:-1] if s[-1] in "KM" else s) * mult)


def _tree_rss(pid: int) -> int:
    """kB resident in a process and its descendants (Linux /proc; 0 elsewhere)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next((int(ln.split()[1]) for ln in fh if ln.startswith("VmRSS:")), 0)
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(x) for x in fh.read().split()]
        except (OSError, ValueError):
            pass
    return total


def wait_sampled(proc: subprocess.Popen, tree: bool = True) -> tuple[int, float]:
    """Wait for `proc`. → (its wait status, its peak RSS MB: os.wait4's, or with `tree` the peak of
    the sum over it and its children, sampled every 20 ms, when that is higher — shunt load forks a
    second process; pages they share are counted twice, so this is an upper bound)."""
    import threading

    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if tree:
        sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    stop.set()
    if tree:
        sampler.join()
    return status, max(usage.ru_maxrss, peak[0]) / 1024


def run(cmd: list[str], *, out=subprocess.DEVNULL, check: bool = True, tree: bool = False) -> tuple[float, float]:
    """Run a child; → (wall seconds, peak RSS MB: see wait_sampled)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
    status, rss = wait_sampled(proc, tree)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if check and os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed ({os.waitstatus_to_exitcode(status)}): {err[-2000:]}")
    return wall, rss


def median_of(cmd: list[str], runs: int) -> float:
    run(cmd, check=False)  # warm the page cache
    return statistics.median(run(cmd, check=False)[0] for _ in range(runs))


def db_size(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))


def row(size: str, what: str, value: str, baseline: str, ratio: str, goal: str, ok: bool | None) -> None:
    ROWS.append((size, what, value, baseline, ratio, goal, "" if ok is None else ("met" if ok else "NOT met")))
    print("  " + " | ".join(str(x) for x in ROWS[-1]), file=sys.stderr, flush=True)


def generate(path: Path, consults: int, days: int, agents: int = 40, groups: int = 6) -> tuple[int, float, float]:
    """→ (events written, wall seconds, peak RSS MB)."""
    wall, rss = run([SHUNT, "generate", "--consults", str(consults), "--days", str(days), "--agents", str(agents),
                     "--groups", str(groups), "--seed", "7", "-o", str(path)])
    with open(path, "rb") as f:
        n = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    return n, wall, rss


def busy_buyer(db: Path) -> tuple[str, str, str, str]:
    """(shop nick, buyer, date of its last consult, a second it sent a message) on the last day."""
    c = sqlite3.connect(db)
    try:
        nick, sid = c.execute("SELECT nick, id FROM shops LIMIT 1").fetchone()
        last = c.execute("SELECT max(ts) FROM consults WHERE shop_id = ?", (sid,)).fetchone()[0]
        buyer = c.execute("SELECT buyer FROM consults WHERE shop_id = ? AND ts >= ? GROUP BY buyer "
                          "ORDER BY count(*) DESC, buyer LIMIT 1", (sid, last - 86_400_000)).fetchone()[0]
        ts = c.execute("SELECT ts FROM messages WHERE shop_id = ? AND buyer = ? AND sender = 'buyer' "
                       "ORDER BY ts DESC LIMIT 1", (sid, buyer)).fetchone()[0]
        day = c.execute("SELECT date(? / 1000, 'unixepoch', '+8 hours'), datetime(? / 1000, 'unixepoch', '+8 hours')",
                        (ts, ts)).fetchone()
        return nick, buyer, day[0], day[1]
    finally:
        c.close()


def bench_size(n: int, label: str, work: Path, skip_su: bool, lookups: dict[str, dict[str, list[str]]]) -> None:
    log = work / f"events-{label}.jsonl"
    consults = max(1, round(n / EVENTS_PER_CONSULT))
    days = max(1, round(consults / CONSULTS_PER_DAY))
    events, gen_s, gen_rss = generate(log, consults, days)
    size = log.stat().st_size
    print(f"[{label}] generated {events:,} events ({size / 1e6:.0f} MB, {days} day(s)) in {gen_s:.1f} s",
          file=sys.stderr, flush=True)
    row(label, "generate events/s", f"{events / gen_s:,.0f}", "", f"{gen_s:.0f} s", "10M in <= 150 s",
        (events / gen_s) >= 10_000_000 / 150)
    row(label, "generate: peak RSS", f"{gen_rss:.0f} MB", "", "", "reported", None)

    db = work / f"shunt-{label}.db"
    wall, rss = run([SHUNT, "load", str(log), "--db", str(db)], tree=True)
    su_wall = None
    if not skip_su:
        su = shutil.which("sqlite-utils", path=str(BIN)) or "sqlite-utils"
        sdb = work / f"su-{label}.db"
        su_wall, su_rss = run([su, "insert", str(sdb), "events", str(log), "--nl", "--alter"])
        su_ratio = db_size(sdb) / size
        sdb.unlink()
        for p in sdb.parent.glob(sdb.name + "-*"):
            p.unlink()
        row(label, "load: sqlite-utils insert --nl --alter", f"{events / su_wall:,.0f} ev/s", f"{su_wall:.1f} s",
            f"RSS {su_rss:.0f} MB, DB/JSONL {su_ratio:.2f}", "baseline", None)
    speed = f"{su_wall / wall:.1f}x" if su_wall else "-"
    row(label, "load: shunt load", f"{events / wall:,.0f} ev/s", f"{wall:.1f} s", speed, ">= 6x", (su_wall / wall >= 6) if su_wall else None)
    row(label, "load: peak RSS (both processes)", f"{rss:.0f} MB", "", "", "<= 100 MB", rss <= 100)
    row(label, "load: DB size / JSONL", f"{db_size(db) / size:.2f}", f"{db_size(db) / 1e6:.0f} MB", "", "reported", None)

    nick, buyer, day, at = busy_buyer(db)
    lookups[label] = {
        "trace": [SHUNT, "trace", buyer, "--date", day, "--db", str(db), "--shop", nick],
        "why-received": [SHUNT, "why-received", buyer, "--at", at, "--db", str(db), "--shop", nick],
    }
    log.unlink()


def rounds(cmds: dict, runs: int) -> dict:
    """Each command run once per round, `runs` rounds (after one warm-up run each). → key: its times."""
    for cmd in cmds.values():
        run(cmd, check=False)  # warm the page cache
    times: dict = {k: [] for k in cmds}
    for _ in range(runs):
        for k, cmd in cmds.items():
            times[k].append(run(cmd, check=False)[0])
    return times


def ratio(times: dict, a, b) -> float:
    """The median over the rounds of a's time / b's time in the same round: the VM's speed drifts by
    tens of percent over minutes, and a ratio within one round is what it drifts least."""
    return statistics.median(x / y for x, y in zip(times[a], times[b]))


def point_questions(lookups: dict[str, dict[str, list[str]]], runs: int) -> None:
    """trace and why-received on every size, and the import floor, in rounds: each round runs each
    command once. → rows of median times, their ratios to the floor and the growth from the first
    size to the last (each a median of the rounds' own ratios)."""
    cmds = {("-", "floor"): FLOOR}
    for label, by in lookups.items():
        for name, cmd in by.items():
            cmds[(label, name)] = cmd
    times = rounds(cmds, runs)
    floor = statistics.median(times[("-", "floor")])
    row("-", f"import floor, in the rounds of the point questions ({runs} rounds)", f"{floor * 1000:.0f} ms", "",
        "", "", None)
    for key, ts in times.items():
        label, name = key
        if label != "-":
            r = ratio(times, key, ("-", "floor"))
            row(label, name, f"{statistics.median(ts) * 1000:.0f} ms", f"floor {floor * 1000:.0f} ms", f"{r:.2f}x",
                "<= 1.3x floor", r <= 1.3)
    labels = list(lookups)
    if len(labels) >= 2:
        a, b = labels[0], labels[-1]
        for name in lookups[a]:
            r = ratio(times, (b, name), (a, name))
            row(f"{b}/{a}", f"{name} growth", f"{r:.2f}x", "", "", "<= 1.2x", r <= 1.2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1M,10M", help="event counts, e.g. 1M,10M or 200k")
    ap.add_argument("--quick", action="store_true", help="200k events, 3 runs per point question")
    ap.add_argument("--runs", type=int, default=11, help="rounds of the point questions (median)")
    ap.add_argument("--skip-sqlite-utils", action="store_true")
    ap.add_argument("--keep", type=Path, help="work in this directory and keep it")
    args = ap.parse_args()
    sizes = ["200k"] if args.quick else [s for s in args.sizes.split(",") if s]
    runs = 3 if args.quick else args.runs
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "shunt")],
                   stdout=subprocess.DEVNULL, check=False)
    work = args.keep or Path(tempfile.mkdtemp(prefix="shunt-bench-all-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        times = rounds({"floor": FLOOR, "help": [SHUNT, "--help"]}, max(runs, 5))
        floor, t = statistics.median(times["floor"]), statistics.median(times["help"])
        r = ratio(times, "help", "floor")
        row("-", "import floor (typer, rich, sqlite_utils, dateutil)", f"{floor * 1000:.0f} ms", "", "", "", None)
        row("-", "shunt --help", f"{t * 1000:.0f} ms", f"floor {floor * 1000:.0f} ms", f"{r:.2f}x",
            "<= 1.2x floor", r <= 1.2)
        lookups: dict[str, dict[str, list[str]]] = {}
        for label in sizes:
            bench_size(parse_size(label), label, work, args.skip_sqlite_utils, lookups)
        point_questions(lookups, runs)
        for label in sizes:
            db = work / f"shunt-{label}.db"
            for p in [db, *db.parent.glob(db.name + "-*")]:
                p.unlink()
        # why-silent: the 24 h window of a 150,000-consult day
        day_log = work / "day150k.jsonl"
        generate(day_log, 150_000, 1)
        day_db = work / "day150k.db"
        run([SHUNT, "load", str(day_log), "--db", str(day_db)])
        c = sqlite3.connect(day_db)
        # an account that CAN receive (issue 17: the least-served one had routing off, which the
        # rules skip), at a busy moment of the day
        from shape_pick import receiving_account

        account, at = receiving_account(day_db)
        # the day itself, in generate's zone (Asia/Shanghai); the last consult's day is the next one
        day = c.execute("SELECT date(ts / 1000, 'unixepoch', '+8 hours') AS d FROM consults "
                        "GROUP BY d ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        c.close()
        t = median_of([SHUNT, "why-silent", account, "--at", at, "--window", "24h", "--db", str(day_db)], min(runs, 3))
        row("150k/day", "why-silent 24 h window", f"{t:.2f} s", "", "", "<= 3 s", t <= 3.0)
        # balance and simulate over the whole day (issue 8: "in a few seconds")
        new = work / "new.json"
        new.write_text('{"settings": {"recent_contact_hours": 0}}', encoding="utf-8")
        for name, cmd in (("balance", [SHUNT, "balance", "--date", day, "--json", "--db", str(day_db)]),
                          ("simulate", [SHUNT, "simulate", "--config", str(new), "--date", day, "--seed", "7",
                                        "--json", "--db", str(day_db)]),
                          ("audit", [SHUNT, "audit", "--date", day, "--json", "--db", str(day_db)])):
            run(cmd)  # warm the page cache
            got = sorted(run(cmd) for _ in range(3))
            t, rss = got[1]
            row("150k/day", f"{name}, whole day (peak RSS {rss:.0f} MB)", f"{t:.2f} s", "", "", "<= 5 s", t <= 5.0)
        day_log.unlink()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores")
    head = ("size", "measure", "value", "baseline / time", "ratio", "goal", "")
    widths = [max(len(str(r[i])) for r in [head, *ROWS]) for i in range(len(head))]
    for r in [head, *ROWS]:
        print("  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip())


if __name__ == "__main__":
    main()
