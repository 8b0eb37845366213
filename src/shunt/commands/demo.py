from __future__ import annotations

import sys
from pathlib import Path

from shunt.errors import NotFound

# The three questions the demo answers on the bundled shop (sample_data/README.md tells the story).
QUESTIONS = [
    ("trace", ["tb_buyer05", "--date", "2026-11-11"]),
    ("why-silent", ["zhenpin:小丙", "--at", "2026-11-11 21:00:00"]),
    ("why-received", ["tb_buyer20", "--at", "2026-11-11 10:25:07"]),
]


def sample_dir() -> Path:
    here = Path(__file__).resolve()
    for base in (here.parents[3], Path.cwd()):
        d = base / "sample_data"
        if d.is_dir() and any(d.glob("*.jsonl")):
            return d
    raise NotFound("the bundled sample_data/ folder was not found (run from a clone of the repository)")


def run(db: Path) -> None:
    from shunt import store
    from shunt.cli import app
    from shunt.render.human import console

    out = console()
    files = sorted(sample_dir().glob("*.jsonl"))
    report = store.load_files(db, files)
    print(f"loaded {sum(report.loaded.values()):,} events from {', '.join(f.name for f in files)} into {db} "
          f"({report.duplicates:,} already there)", file=sys.stderr)
    for cmd, args in QUESTIONS:
        argv = [cmd, *args, "--db", str(db)]
        out.rule("shunt " + " ".join(a if " " not in a else repr(a) for a in argv[:-2]))
        try:
            app(argv, standalone_mode=False)
        except SystemExit:
            pass
    out.rule("next")
    out.print("Try:  shunt trace tb_buyer36 --date 2026-11-10 --detail   (a recorded decision that breaks the rules)\n"
              "      shunt why-silent zhenpin:小丙 --json | jq .causes\n"
              "      shunt generate --consults 150000 -o day.jsonl && shunt load day.jsonl --db big.db\n"
              "The story behind the sample shop: sample_data/README.md", markup=False, highlight=False)
