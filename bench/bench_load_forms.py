"""A day's load by file form, against `sqlite-utils insert --nl --alter`, alternated in one run.

    PYTHONPATH=src python bench/bench_load_forms.py --dir /tmp/forms --rounds 2 [--base /path/to/other/tree]

The forms of one generated day (`shunt generate --consults 150000 --agents 300 --groups 20 --seed 7`):
plain UTF-8, escaped JSON (`--escape-json`, all ASCII), GB18030 (`--encoding gb18030`), gzip of the
plain file, the plain file after a UTF-8 BOM, and 10 messages per consult (`--messages 10`, 120k
consults). Made once in --dir. Each round runs, form by form: this tree's `shunt load` into an empty
database, the --base tree's (when given), and (the first --su-rounds rounds) sqlite-utils, fed through `iconv`, `zcat`
or `tail -c +4` for the forms it cannot read. Wall seconds, CPU seconds of the process tree (user +
sys, the split's two processes) and peak RSS summed over the tree (bench_load_days.run). The ratio to
read on a shared machine is the CPU one; on an idle one the wall one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load_days import ROOT, _clean, run  # noqa: E402

GEN = ["--agents", "300", "--groups", "20", "--seed", "7"]
FORMS = {  # form → (file, how it is made: generate options, or from the plain file; sqlite-utils feed)
    "plain": ("plain.jsonl", ["--consults", "150000"], None),
    "escaped": ("escaped.jsonl", ["--consults", "150000", "--escape-json"], None),
    "gb18030": ("gb18030.jsonl", ["--consults", "150000", "--encoding", "gb18030"], "iconv -f gb18030 -t utf-8 {f}"),
    "gzip": ("plain.jsonl.gz", "gzip", "zcat {f}"),
    "bom": ("bom.jsonl", "bom", "tail -c +4 {f}"),
    "msg10": ("msg10.jsonl", ["--consults", "120000", "--messages", "10"], None),
}


def make(d: Path, env: dict) -> None:
    for form, (name, how, _) in FORMS.items():
        f = d / name
        if f.exists():
            continue
        if how == "gzip":
            subprocess.run(f"gzip -6 -c {d / 'plain.jsonl'} > {f}", shell=True, check=True)
        elif how == "bom":
            f.write_bytes(b"\xef\xbb\xbf" + (d / "plain.jsonl").read_bytes())
        else:
            subprocess.run([sys.executable, "-m", "shunt", "generate", *GEN, *how, "-o", str(f)], env=env,
                           check=True, stdout=subprocess.DEVNULL)
        print(f"made {form}: {f.stat().st_size:,} bytes", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=Path("/tmp/shunt-forms"))
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--forms", default=",".join(FORMS))
    ap.add_argument("--base", type=Path, help="another source tree to time alongside (its src/ is used)")
    ap.add_argument("--su-rounds", type=int, default=1, help="rounds that also run sqlite-utils (the first ones)")
    ap.add_argument("--sqlite-utils", default=str(Path(sys.executable).parent / "sqlite-utils"))
    a = ap.parse_args()
    a.dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    make(a.dir, env)
    trees = [("this", env)] + ([("base", dict(os.environ, PYTHONPATH=str(a.base / "src")))] if a.base else [])
    db = a.dir / "bench.db"
    for r in range(a.rounds):
        for form in a.forms.split(","):
            name, _, feed = FORMS[form]
            f = a.dir / name
            for label, tenv in trees:
                _clean(db)
                wall, cpu, rss = run([sys.executable, "-m", "shunt", "load", "--db", str(db), str(f)], tenv)
                print(f"{form:8s} shunt {label:5s}  wall {wall:7.2f} s  cpu {cpu:6.2f} s  rss {rss:4d} MB  "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
            _clean(db)
            if r < a.su_rounds:
                cmd = (f"{feed.format(f=f)} | {a.sqlite_utils} insert {db} events - --nl --alter" if feed
                       else f"{a.sqlite_utils} insert {db} events {f} --nl --alter")
                try:
                    wall, cpu, rss = run(["sh", "-c", cmd], dict(os.environ))
                except SystemExit as exc:  # (its error, cut)
                    print(f"{form:8s} sqlite-utils  failed: {str(exc)[:300]}", flush=True)
                    _clean(db)
                    continue
                print(f"{form:8s} sqlite-utils  wall {wall:7.2f} s  cpu {cpu:6.2f} s  rss {rss:4d} MB  "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
                _clean(db)


if __name__ == "__main__":
    main()
