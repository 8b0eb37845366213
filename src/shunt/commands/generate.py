from __future__ import annotations

import sys
from pathlib import Path

from shunt.errors import UsageError


def run(out: Path | None, **opts) -> None:
    from shunt.generate import generate

    if not 0.0 <= opts.get("faults", 0.0) <= 1.0:
        raise UsageError("--faults takes a share between 0 and 1")
    if opts.get("consults", 1) < 0:
        raise UsageError("--consults must be 0 or more")
    bar = None
    progress = None
    if sys.stderr.isatty() and opts.get("consults", 0) >= 100_000:
        from rich.progress import Progress

        from shunt.render.human import console

        bar = Progress(console=console(stderr=True), transient=True)
        task = bar.add_task("generating", total=opts["consults"])

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done)

        bar.start()
    try:
        if out is None:
            report = generate(sys.stdout.buffer, progress=progress, **opts)
        elif out.suffix == ".gz":
            import gzip

            with gzip.open(out, "wb", compresslevel=3) as fh:
                report = generate(fh, progress=progress, **opts)
        else:
            with open(out, "wb", buffering=1 << 20) as fh:
                report = generate(fh, progress=progress, **opts)
    finally:
        if bar is not None:
            bar.stop()
    events = getattr(report, "events", {}) or {}
    total = sum(events.values()) if isinstance(events, dict) else events
    faults = getattr(report, "faults", ()) or ()
    print(f"generated {total:,} events" + (f" ({len(faults):,} faulted decisions)" if faults else "")
          + (f" to {out}" if out else ""), file=sys.stderr)
