"""What every reading command does first: open the database and find the shop."""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from pathlib import Path

from shunt.commands.options import account, day, duration, moment  # noqa: F401 - re-exported (ui/ reads them here)
from shunt.errors import NotFound, ShuntError, StorageError, UsageError  # noqa: F401 - StorageError: re-exported
from shunt.i18n import N_, _
from shunt.store.shop import Shop


def open_shop(db: Path, shop: str | None) -> Shop:
    """The shop's handle for one answer (store.shop.Shop: one read snapshot, the config timeline, the
    lookups). It unpacks as the tuple it was before, `conn, sid, nick, tz = open_shop(db, shop)`.
    Raises NotFound / BadData as cli.md says."""
    return Shop.open(db, shop)


def masked(result, buyers, mask: bool):
    """With `mask`: `result` with the given buyers' nicks, and every nick under a `buyer` key or field in it
    (window examples, open sessions, exclusive entries...), masked everywhere, free text included."""
    if not mask:
        return result
    from shunt.render.text import buyers_in, mask_all

    return mask_all(result, set(buyers) | buyers_in(result))


def exclusive_buyers(config) -> list[str]:
    """The buyer nicks of a config body's (or change file's) exclusive entries, whatever its shape."""
    found: list[str] = []

    def walk(o, key=None):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "buyer" and isinstance(v, str):
                    found.append(v)
                walk(v, k)
        elif isinstance(o, (list, tuple)):
            for v in o:
                walk(v, key)
        elif dataclasses.is_dataclass(o) and not isinstance(o, type):
            walk(dataclasses.asdict(o), key)

    walk(config)
    return found


@contextmanager
def masked_errors(mask: bool, buyers, conn=None, shop_id=None):
    """With `mask`: a NotFound raised inside shows no buyer nick (the one asked, nor the nearest ones).

    The error carries its values (errors.NotFound's template): a nick is masked before it is quoted, so
    a nick with a backslash, a quote, a tab or a control character is hidden as surely as a plain one."""
    try:
        yield
    except NotFound as exc:
        if not mask:
            raise
        from shunt import store
        from shunt.render.text import mask_all, mask_nick

        near = [n for n in exc.nearest if conn is not None and store.buyer_exists(conn, shop_id, n)]
        nicks = set(buyers) | set(near) | {v for k, v in exc.values.items() if k == "buyer"}
        if exc.template is not None:
            raise exc.masked(nicks, mask_nick) from None
        out = NotFound(mask_all(str(exc), nicks), [mask_nick(n) if n in nicks else n for n in exc.nearest])
        if leaks(str(out), nicks):  # a message made as text, quoting a nick: say less rather than leak
            out = NotFound("nothing to answer (the details name a buyer: run without --mask to see them)",
                           out.nearest)
        raise out from None


@contextmanager
def writing(target):
    """An OS error while writing `target` (an output file, "the standard output"): exit 4 naming it,
    e.g. "the disk is full: could not write balance.html", never the database."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise storage_error(exc, target) from None


def write_html(path, make) -> None:
    """A report `make()` written to `path` (UTF-8), told on stderr; an OS error exits 4 naming the file."""
    import sys

    from shunt.render.text import plain

    with writing(path):
        Path(path).write_text(make(), encoding="utf-8")
    print(f"wrote {plain(path)}", file=sys.stderr)


def leaks(text: str, nicks) -> bool:
    """Whether `text` shows one of `nicks` in any usual spelling: as is, Python-quoted, JSON-escaped,
    with its control characters made visible."""
    import json

    from shunt.render.text import plain

    for n in nicks:
        if len(n) < 2:
            continue
        forms = {n, repr(n)[1:-1], json.dumps(n)[1:-1], json.dumps(n, ensure_ascii=False)[1:-1], plain(n),
                 n.encode("unicode_escape").decode("ascii")}
        if any(f in text for f in forms):
            return True
    return False


RERUN = (N_("the batches committed before the error are kept whole") + "; "
         + N_("make room and run the same `shunt load` again to complete it (it adds nothing twice)"))
RERUN_FIXED = (N_("the batches committed before the error are kept whole") + "; "
               + N_("once that is fixed, run the same `shunt load` again to complete it (it adds nothing twice)"))


def is_storage_error(exc: BaseException) -> bool:
    """An error of the storage, not of shunt: sqlite3's operational errors (full, I/O, locked), a damaged
    database file, an OS error on a file. Programming errors (IntegrityError...) stay tracebacks."""
    import sqlite3

    if isinstance(exc, OSError):
        return not isinstance(exc, BrokenPipeError)
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def _disk_full(db) -> bool:
    from shunt.store.dbpath import disk_full

    return disk_full(Path(db))


def storage_error(exc: BaseException, db=None, *, load: bool = False) -> ShuntError:
    """A clear domain error for an sqlite3 / OS error met while using the database `db`."""
    import errno
    import sqlite3

    from shunt.errors import BadData
    from shunt.render.text import plain

    where = f" {plain(db)}" if db is not None else " the database"
    text = plain(exc.strerror if isinstance(exc, OSError) and exc.strerror else exc)
    low = text.lower()
    if type(exc) is sqlite3.DatabaseError:  # "database disk image is malformed", "file is not a database"
        return BadData(f"{where.strip()} is damaged or not a shunt database ({text}); "
                       "load the logs into a new database")
    if "full" in low or (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)) or \
            ("disk i/o error" in low and db is not None and _disk_full(db)):
        msg = f"the disk is full: could not write{where} ({text})"
    elif "locked" in low or "busy" in low:
        msg = f"{where.strip()} is busy: another shunt kept it locked too long ({text}); try again"
    elif "readonly" in low or "read-only" in low or (isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES)):
        name = plain(getattr(exc, "filename", None) or db or "the database")
        msg = f"cannot write {name}: {text} (check its permissions, or the file system's)"
    else:
        name = plain(getattr(exc, "filename", None) or db or "the database")
        msg = f"cannot use {name}: {text}"
    if load:
        msg += "; " + (RERUN if msg.startswith("the disk is full") else RERUN_FIXED)
    return StorageError(msg)


def csv_wanted(as_json: bool, as_csv, output) -> bool:
    """Whether the answer is a CSV table: --csv, or -o FILE (which writes the table). Not with --json."""
    wanted = bool(as_csv) or output is not None
    if wanted and as_json:
        raise UsageError("give either --json or --csv (-o writes the CSV table), not both")
    return wanted


def emit(as_csv: bool, as_json: bool, doc, human, command: str, table=None, output=None) -> None:
    """An answer in the format asked: `doc()` (its --json document) as CSV or JSON, else `human()`."""
    if as_csv:
        emit_csv(doc(), command, table, output)
    elif as_json:
        from shunt.render.jsonout import dump

        dump(doc())
    else:
        human()


def emit_csv(doc, command: str, table=None, output=None) -> None:
    """`command`'s table of its --json `doc` as CSV on stdout, or into `output` (with a BOM), told on stderr."""
    import sys

    from shunt.render import csvout
    from shunt.render.text import plain

    body = csvout.text(*csvout.rows_of(doc, command, table))
    if output is None:
        csvout.to_stdout(body)
        return
    with writing(output):
        csvout.to_file(body, output)
    print(_("wrote {file}").format(file=plain(output)), file=sys.stderr)
