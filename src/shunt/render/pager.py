"""A pager for long human output on a terminal, as git and gh do.

While a reading command runs, its standard output is kept (the views still see a terminal: colours and
width as on the real one); at the end, output taller than the terminal goes through the pager:
`SHUNT_PAGER`, else `PAGER`, else `less` (with `LESS=FRX` unless LESS is set: quit when it fits, keep
colours, leave the text on the screen). Never when stdout is not a terminal, with `--no-pager`, or
when the pager is empty or `cat`. Errors still go to stderr at once."""

from __future__ import annotations

import io
import os
import sys
from contextlib import contextmanager

_OFF = {"on": False}  # --no-pager of this invocation (the CLI resets it at each start)


def set_no_pager(value: bool) -> None:
    _OFF["on"] = bool(value)


def _stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def command() -> str | None:
    """The pager to run, or None (no paging)."""
    for var in ("SHUNT_PAGER", "PAGER"):
        value = os.environ.get(var)
        if value is not None:
            value = value.strip()
            return None if value in ("", "cat") else value
    return "less"


def _height() -> int:
    lines = os.environ.get("LINES", "")
    if lines.isdigit() and int(lines) > 0:
        return int(lines)
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).lines
    except (OSError, ValueError, AttributeError):
        return 24


class _Held(io.StringIO):
    """Standard output held for the pager; looks like the terminal it stands for."""

    def __init__(self, real) -> None:
        super().__init__()
        self.real = real

    @property
    def encoding(self) -> str:
        return getattr(self.real, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.real.fileno()

    @property
    def buffer(self):  # bytes written (JSON, CSV) bypass the pager: never paged
        return self.real.buffer


@contextmanager
def paged():
    """Run the body with stdout held; page it at the end when it is taller than the terminal."""
    cmd = None if _OFF["on"] or not _stdout_is_tty() else command()
    if cmd is None:
        yield
        return
    real = sys.stdout
    held = _Held(real)
    sys.stdout = held
    try:
        yield
    finally:
        sys.stdout = real
        text = held.getvalue()
        if text:
            show(text, cmd, real)


def show(text: str, cmd: str, out) -> None:
    """`text` through the pager `cmd` when it is taller than the terminal, else straight to `out`."""
    import subprocess

    if text.count("\n") < _height() - 1:
        out.write(text)
        out.flush()
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    out.flush()
    try:
        proc = subprocess.Popen(cmd, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:  # the pager cannot start: print as if there were none
        out.write(text)
        out.flush()
        return
    try:
        proc.stdin.write(text.encode(getattr(out, "encoding", None) or "utf-8", "replace"))
        proc.stdin.close()
    except BrokenPipeError:  # the reader quit the pager early
        pass
    while True:
        try:
            code = proc.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (less handles it), as in git
            continue
    if code == 127:  # the shell found no such pager: print as if there were none
        out.write(text)
        out.flush()
