from __future__ import annotations

import sys
from pathlib import Path

from shunt.commands.common import is_storage_error, storage_error
from shunt.errors import Interrupted
from shunt.i18n import tr

INTERRUPTED = ("interrupted (Ctrl-C): the batches committed before are kept whole; run the same `shunt load` "
               "again to finish it (it adds nothing twice)")


def _interrupted(exc: BaseException) -> bool:
    while exc is not None:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc = exc.__context__
    return False


BAR_MIN_BYTES = 8 * 1024 * 1024  # draw a progress bar for inputs larger than this


def run(db: Path, files: list[Path], *, encoding=None, strict=False, tz=None, as_json=False, check=False) -> int:
    from shunt import store
    from shunt.render.text import plain
    from shunt.store import inputs

    if encoding:
        inputs.check_encoding(encoding)
    inputs.check_files(files)
    total = sum(f.stat().st_size for f in files)
    progress = None
    bar = None
    if total >= BAR_MIN_BYTES and sys.stderr.isatty():
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        from shunt.render.human import console

        bar = Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                       TimeRemainingColumn(), console=console(stderr=True), transient=True)
        task = bar.add_task("loading", total=total)
        done_before: dict[str, int] = {}

        def progress(done: int, _total: int, file) -> None:  # bytes of this file
            done_before[str(file)] = done
            bar.update(task, completed=sum(done_before.values()))

        bar.start()
    try:
        report = store.load_files(db, files, encoding=encoding, strict=strict, tz=tz, progress=progress, check=check,
                                  on_wait=lambda: print(tr(f"shunt: another shunt is writing {plain(db)}; waiting for it "
                                                        "to finish (Ctrl-C to stop)"), file=sys.stderr))
    except KeyboardInterrupt:
        raise Interrupted(INTERRUPTED) from None
    except Interrupted:  # (its own message: e.g. stopped while waiting for another load)
        raise
    except Exception as exc:  # disk full, I/O error, locked too long: a clear message, exit 4
        if _interrupted(exc):  # Ctrl-C, then an error while stopping
            raise Interrupted(INTERRUPTED) from None
        if not is_storage_error(exc):
            raise
        raise storage_error(exc, db, load=True) from None
    finally:
        if bar is not None:
            bar.stop()
    for file, line, why in report.rejected:
        print(f"{plain(file)}:{line}: {plain(tr(why))}", file=sys.stderr)
    for file in report.skipped_files:
        print(tr(f"{plain(file)}: skipped whole (--strict: it has a bad line); nothing of it was loaded"), file=sys.stderr)
    for c in report.conflicts:
        print(f"{plain(c.file)}:{c.line}: {plain(tr(c.message()))}", file=sys.stderr)
    for warning in report.warnings:
        print(plain(tr(warning)), file=sys.stderr)
    loaded = sum(report.loaded.values())
    by_type = ", ".join(f"{k} {v:,}" for k, v in sorted(report.loaded.items()) if v)
    print(tr(
        f"loaded {loaded:,} events ({by_type or 'none'}); {report.duplicates:,} duplicates skipped; "
        f"{len(report.rejected):,} lines rejected" + (f"; {report.unknown:,} of unknown type kept" if report.unknown else "")
        + (f"; {len(report.skipped_files):,} files skipped (--strict)" if report.skipped_files else "")
        + (f"; {len(report.conflicts):,} conflicting duplicates (the first copy kept)" if report.conflicts else "")),
        file=sys.stderr,
    )
    if as_json:
        from shunt.render.jsonout import dump

        dump({
            "db": str(db), "files": [str(f) for f in files], "loaded": dict(sorted(report.loaded.items())),
            "events": loaded,
            "duplicates": report.duplicates, "unknown_types": report.unknown, "skipped_files": report.skipped_files,
            "rejected": [{"file": str(f), "line": n, "why": w} for f, n, w in report.rejected],
            "warnings": report.warnings, "conflicts": len(report.conflicts),
            "conflicting": [c.as_dict() for c in report.conflicts],
        })
    return 3 if report.rejected or report.warnings or report.conflicts else 0
