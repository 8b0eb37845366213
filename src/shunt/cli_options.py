"""The CLI's shared options (--db, --shop, --json, --mask, --csv, -o, --no-color, --no-pager, --lang,
--version) and how a command is run: the pager around a reading command's human answer, domain errors
printed on stderr with their exit code (cli.md), storage errors as exit 4. `cli.py` wires the commands.
"""

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from shunt.cli_lang import lang_option
from shunt.errors import ShuntError
from shunt.i18n import N_, _, listing

DbOpt = typer.Option(None, "--db", help=N_("Database file (else $SHUNT_DB, else ./shunt.db)."), show_default=False)
ShopOpt = typer.Option(None, "--shop", help=N_("Shop nick (may be left out when the database holds one shop)."))
JsonOpt = typer.Option(False, "--json", help=N_("Print JSON on stdout (for jq and scripts)."))
MaskOpt = typer.Option(False, "--mask", help=N_("Mask buyer nicks (stable, e.g. t***3#a1f2) for sharing outside the shop."))

OutputOpt = typer.Option(None, "--output", "-o", help=N_("Write the --csv table to this file, UTF-8 with a BOM for Excel (implies --csv)."))


def csv_opt(help_text: str):
    return typer.Option(False, "--csv", help=help_text)


def _no_color(value: bool) -> None:
    if value:
        from shunt.render.text import set_no_color

        set_no_color(True)


NoColorOpt = typer.Option(False, "--no-color", callback=_no_color, is_eager=True, expose_value=False,
                          help=N_("No colors nor styles (as the NO_COLOR environment variable)."))
LangOpt = lang_option()


def _no_pager(value: bool) -> None:
    if value:
        from shunt.render.pager import set_no_pager

        set_no_pager(True)


NoPagerOpt = typer.Option(False, "--no-pager", callback=_no_pager, is_eager=True, expose_value=False,
                          help=N_("Print long output straight to the terminal, without a pager ($SHUNT_PAGER, $PAGER, less)."))

# commands whose human answer goes through the pager on a terminal (render/pager.py)
PAGED = {f"shunt.commands.{m}" for m in ("trace", "silent", "received", "balance", "simulate", "audit", "info", "config")}


def print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("shunt")
        except PackageNotFoundError:  # run from a source tree that was never installed
            from shunt import __version__ as v
        print(f"shunt {v}")
        raise typer.Exit(0)


def path_exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long, a NUL byte
        return False


def db_path(db: Optional[Path]) -> Path:
    return Path(db or os.environ.get("SHUNT_DB") or "shunt.db")


def fail(exc: ShuntError) -> None:
    """Print a domain error on stderr and exit with its code (cli.md)."""
    from shunt.i18n import tr
    from shunt.render.text import plain

    lists = getattr(exc, "lists", None)
    text = _(exc.template).format_map({k: listing(v) for k, v in lists.items()}) if lists else tr(str(exc))
    msg = f"shunt: {plain(text)}"
    nearest = getattr(exc, "nearest", None)
    if nearest:
        msg += "\n  " + _("nearest: {names}").format(names=listing(plain(n) for n in nearest))
        msg += "\n  " + _("(see `shunt info` for the shops, days, accounts and groups the database holds)")
    print(msg, file=sys.stderr)
    raise typer.Exit(exc.exit_code)


def _paging(fn, kwargs):
    """The pager for a reading command's human answer (not its --json, --csv or -o); else nothing."""
    from contextlib import nullcontext

    if fn.__module__ not in PAGED or kwargs.get("as_json") or kwargs.get("as_csv") or kwargs.get("output"):
        return nullcontext()
    from shunt.render.pager import paged

    return paged()


def run(fn, *args, **kwargs):
    try:
        with _paging(fn, kwargs):
            return fn(*args, **kwargs)
    except ShuntError as exc:
        fail(exc)
    except Exception as exc:  # a full disk, an I/O error, a lock held too long: a clear message, exit 4
        from shunt.commands.common import is_storage_error, storage_error

        if not is_storage_error(exc):
            raise
        db = args[0] if args and isinstance(args[0], Path) and fn.__module__ != "shunt.commands.generate" else None
        if isinstance(exc, OSError) and exc.filename is None and exc.errno is not None:
            db = _("the standard output")  # SQLite's errors are sqlite3's, a file's carry its name: a write to stdout
        fail(storage_error(exc, db))
