from __future__ import annotations

import sys
from pathlib import Path

from shunt.commands.common import writing
from shunt.errors import UsageError


def run(out: Path | None, escape_json: bool = False, encoding: str = "utf-8", **opts) -> None:
    from shunt.commands.genopts import check
    from shunt.generate import generate
    from shunt.generate.forms import FORMS_ENCODINGS

    if encoding.lower().replace("_", "-") not in FORMS_ENCODINGS:
        from shunt.render.text import plain

        raise UsageError(f"--encoding must be one of {', '.join(FORMS_ENCODINGS)}, not {plain(repr(encoding))}")
    check(opts)
    opts["form"] = (escape_json, encoding.lower().replace("_", "-"))

    bar = progress = None
    if sys.stderr.isatty() and opts.get("consults", 0) >= 100_000:
        from rich.progress import Progress

        from shunt.render.human import console

        bar = Progress(console=console(stderr=True), transient=True)
        task = bar.add_task("generating", total=opts["consults"])

        def progress(done: int) -> None:
            bar.update(task, completed=done)

        bar.start()
    try:
        with writing(out if out is not None else "the standard output"):
            report = _write(out, generate, progress, opts)
    except ValueError as exc:  # the generator's own argument checks
        raise UsageError(str(exc)) from None
    finally:
        if bar is not None:
            bar.stop()
    faults = report.faults or ()
    print(f"generated {report.total:,} events ({report.consults:,} consults"
          + (f", {len(faults):,} faulted decisions" if faults else "") + ")"
          + (f" to {out}" if out else ""), file=sys.stderr)


def _write(out: Path | None, generate, progress, opts):
    from shunt.generate.forms import wrap

    escape, encoding = opts.pop("form")
    if out is None:
        return generate(wrap(sys.stdout.buffer, escape=escape, encoding=encoding), progress=progress, **opts)
    if out.suffix == ".gz":
        import gzip

        with gzip.open(out, "wb", compresslevel=3) as fh:
            return generate(wrap(fh, escape=escape, encoding=encoding), progress=progress, **opts)
    with open(out, "wb", buffering=1 << 20) as fh:
        return generate(wrap(fh, escape=escape, encoding=encoding), progress=progress, **opts)
