from __future__ import annotations

import sys
from pathlib import Path

from shunt.commands.common import writing
from shunt.errors import UsageError
from shunt.i18n import _, ngettext  # noqa: F401


def run(out: Path | None, escape_json: bool = False, encoding: str = "utf-8", **opts) -> None:
    from shunt.commands.genopts import check
    from shunt.generate import generate
    from shunt.generate.forms import FORMS_ENCODINGS

    if encoding.lower().replace("_", "-") not in FORMS_ENCODINGS:
        from shunt.render.text import plain

        raise UsageError(_("--encoding must be one of {names}, not {value}").format(
            names=", ".join(FORMS_ENCODINGS), value=plain(repr(encoding))))
    check(opts)
    opts["form"] = (escape_json, encoding.lower().replace("_", "-"))

    bar = progress = None
    if sys.stderr.isatty() and opts.get("consults", 0) >= 100_000:
        from rich.progress import Progress

        from shunt.render.human import console

        bar = Progress(console=console(stderr=True), transient=True)
        task = bar.add_task(_("generating"), total=opts["consults"])

        def progress(done: int) -> None:
            bar.update(task, completed=done)

        bar.start()
    try:
        with writing(out if out is not None else _("the standard output")):
            report = _write(out, generate, progress, opts)
    except ValueError as exc:  # the generator's own argument checks
        raise UsageError(str(exc)) from None
    finally:
        if bar is not None:
            bar.stop()
    faults = report.faults or ()
    counts = ngettext("{n} consult", "{n} consults", report.consults).format(n=f"{report.consults:,}")
    if faults:
        counts += _(", {n} faulted decisions").format(n=f"{len(faults):,}")
    said = _("generated {events} events ({counts})").format(events=f"{report.total:,}", counts=counts)
    print(said + (_(" to {file}").format(file=out) if out else ""), file=sys.stderr)


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
