"""`shunt demo`: the bundled sample shop, loaded into a database of the demo's own, and three questions
answered on it by the commands themselves (trace, why-silent, why-received).

The demo never touches the user's database (`--db`, `$SHUNT_DB`, `./shunt.db`): it rebuilds its own at
`demo_db_path()` on every run and says where on stderr. The sample ships inside the package
(`shunt/sample/`, a copy of the repository's `sample_data/` checked by tests/test_demo.py), so the
demo works from an installed wheel in any folder.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from shunt.errors import NotFound, ShuntError
from shunt.i18n import N_, _, tr

SHOP = "zhenpin"
SAMPLE_FILES = ("zhenpin.jsonl",)

# The three questions the demo answers on the bundled shop (sample_data/README.md tells the story):
# (command name, module in shunt.commands, positional argument, keyword arguments of its run()).
QUESTIONS = [
    ("trace", "trace", "tb_buyer05", {"date": "2026-11-11"}),
    ("why-silent", "silent", "zhenpin:小丙", {"at": "2026-11-11 21:00:00"}),
    ("why-received", "received", "tb_buyer20", {"at": "2026-11-11 10:25:07"}),
]

# What to try next: (arguments after `shunt`, a comment). Each runs as printed on the demo database.
TRY = [
    (["trace", "tb_buyer36", "--date", "2026-11-10", "--detail"], N_("a recorded decision that breaks the rules")),
    (["why-silent", "zhenpin:小李", "--at", "2026-11-11 09:45:00", "--json"], N_("an account at its reception limit, as JSON")),
    (["balance", "--date", "2026-11-11"], N_("how evenly 双11's consults were spread, and why")),
    (["info"], N_("what the database holds: days, accounts, groups, loads")),
]


class DemoFailed(ShuntError):
    """One of the demo's answers failed: exit with that answer's code."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def demo_db_path() -> Path:
    """The demo's own database: $XDG_DATA_HOME/shunt/demo.db (default ~/.local/share/shunt/demo.db;
    %LOCALAPPDATA%\\shunt\\demo.db on Windows), else, when that folder cannot be made, a new temp folder."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    folder = base / "shunt"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder / "demo.db"
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="shunt-demo-")) / "demo.db"


@contextmanager
def sample_files():
    """The bundled sample's log files as real paths (importlib.resources: works from a wheel, a zip too)."""
    from contextlib import ExitStack
    from importlib import resources

    root = resources.files("shunt") / "sample"
    with ExitStack() as stack:
        paths = []
        for name in SAMPLE_FILES:
            res = root / name
            if not res.is_file():
                raise NotFound(f"the bundled sample {name} is missing from the installed shunt package; reinstall it")
            paths.append(stack.enter_context(resources.as_file(res)))
        yield paths


def story_path() -> str:
    """Where to read the sample shop's story: the installed copy of sample_data/README.md."""
    from importlib import resources

    res = resources.files("shunt") / "sample" / "README.md"
    return str(res) if isinstance(res, Path) else "sample_data/README.md in shunt's repository"


def shunt_prog() -> list[str]:
    """How to run the shunt that runs now, as shell words a user can paste: `shunt` when that is on PATH,
    else the full path of the script, else `python -m shunt` with this interpreter (and PYTHONPATH)."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    if argv0.name.lower() in ("shunt", "shunt.exe", "shunt-script.py"):  # the console script
        script = argv0.absolute()
        found = shutil.which("shunt")
        if found and Path(found).resolve() == script.resolve():
            return ["shunt"]
        return [shlex.quote(str(script))]
    words = []
    if os.environ.get("PYTHONPATH"):
        paths = os.pathsep.join(str(Path(p).absolute()) for p in os.environ["PYTHONPATH"].split(os.pathsep) if p)
        words.append("PYTHONPATH=" + shlex.quote(paths))
    return [*words, shlex.quote(sys.executable), "-m", "shunt"]


def command_line(prog: list[str], args: list[str], db: Path) -> str:
    return " ".join([*prog, *(shlex.quote(a) for a in args), "--db", shlex.quote(str(db))])


def run() -> None:
    from shunt import store
    from shunt.render.human import console
    from shunt.render.text import plain
    from shunt.store.remove import remove_database

    db = demo_db_path()
    remove_database(db)  # ours: rebuilt on every run so the answers are the sample's
    print(_("demo database: {db} (the demo's own, rebuilt on every run; your --db and $SHUNT_DB are not used)")
          .format(db=db), file=sys.stderr)
    with sample_files() as files:
        report = store.load_files(db, files)
    print(_("loaded {events} events of the sample shop {shop} ({files})").format(
        events=f"{report.total_loaded:,}", shop=SHOP, files=", ".join(f.name for f in files)), file=sys.stderr)
    out = console()
    prog = shunt_prog()
    failed: list[tuple[str, ShuntError]] = []
    for name, module, arg, kwargs in QUESTIONS:
        words = [name, arg, *(w for k, v in kwargs.items() for w in (f"--{k}", v))]
        out.rule("shunt " + " ".join(shlex.quote(w) for w in words))
        try:
            _command(module)(db, arg, shop=SHOP, **kwargs)
        except ShuntError as exc:
            print(f"shunt: {plain(tr(str(exc)))}", file=sys.stderr)
            failed.append((name, exc))
        sys.stdout.flush()
    out.rule(_("next"))
    lines = [_("Try (each line runs as shown):")]
    lines += [f"  {command_line(prog, args, db)}    # {_(note)}" for args, note in TRY]
    lines.append(_("The story behind the sample shop: {path}").format(path=story_path()))
    print("\n".join(lines), flush=True)  # plain print: a command is never folded across lines
    if failed:
        raise DemoFailed(_("{failed} of {asked} demo answers failed: {names}").format(
            failed=len(failed), asked=len(QUESTIONS), names=", ".join(name for name, _exc in failed)),
            failed[0][1].exit_code)


def _command(module: str):
    import importlib

    return importlib.import_module(f"shunt.commands.{module}").run
