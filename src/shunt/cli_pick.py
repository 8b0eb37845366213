"""The app for one invocation: typer builds the click command of every registered command on each run
(their signatures read, their options made: ~15 ms for shunt's 14), though a run uses one. When the
arguments name a command (after the global flags), only that command is built; anything else — no
command, `--help` before it, a misspelt name, shell completion — gets the whole app, as before."""

from __future__ import annotations

import copy
import os

import typer

_FLAGS = ("--no-color", "--no-pager")  # the app's global options that take no value (--version exits at once)


def named_command(argv: list[str]) -> str | None:
    """The command the arguments name: the first one after the global flags and `--lang X`; None when
    something else (an option the group must parse, e.g. --help or --version) comes first."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _FLAGS or arg.startswith("--lang="):
            continue
        elif arg == "--lang":
            skip = True
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def app_for(app: typer.Typer, argv: list[str]) -> typer.Typer:
    """`app`, or a copy of it that registers only the command `argv` names (same callback and settings)."""
    from typer.main import get_command_name

    name = named_command(argv)
    if name is None or any(k.endswith("_COMPLETE") for k in os.environ):
        return app
    commands = [c for c in app.registered_commands
                if (c.name or get_command_name(c.callback.__name__)) == name]  # type: ignore[union-attr]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    one = copy.copy(app)
    one.registered_commands = commands
    one.registered_groups = groups
    return one
