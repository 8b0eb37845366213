"""--no-color on every command, beside NO_COLOR (#18): with colors forced (FORCE_COLOR, as a terminal
would), the human view carries escape sequences; with --no-color (after the command or before it) or
NO_COLOR, none; and the flag of one invocation does not stick to the next."""

from __future__ import annotations

import pytest

from cli_helpers import SAMPLE, load_sample, runner, shunt
from shunt.cli import app

ESC = "\x1b["
COMMANDS = [
    ["trace", "tb_buyer05", "--date", "2026-11-11"],
    ["why-silent", "zhenpin:小丙", "--at", "2026-11-11 21:00"],
    ["why-received", "tb_buyer05", "--at", "2026-11-11 14:50:26"],
    ["balance", "--date", "2026-11-11"],
    ["simulate", "--config", str(SAMPLE / "change-raise-limit.json"), "--date", "2026-11-11"],
    ["audit", "--date", "2026-11-10"],
    ["info"],
    ["config", "show"],
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("no_color") / "shunt.db"
    load_sample(path)
    return path


def _run(argv, db, **env):
    res = runner().invoke(app, [*argv, "--db", str(db)], env={"FORCE_COLOR": "1", "NO_COLOR": None, **env},
                          catch_exceptions=False)
    assert res.exit_code == 0, (argv, res.stderr)
    return res.stdout


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_no_color_everywhere(db, argv):
    styled = argv[0] != "config"  # config show prints no style at all
    assert (ESC in _run(argv, db)) is styled  # colors forced: the test can fail
    assert ESC not in _run([*argv, "--no-color"], db)
    assert ESC not in _run(["--no-color", *argv], db)
    assert ESC not in _run(argv, db, NO_COLOR="1")
    assert (ESC in _run(argv, db)) is styled  # the flag of the previous invocation is gone


def test_every_command_takes_no_color():
    import typer

    group = typer.main.get_command(app)
    names = [(n,) for n in group.commands if n != "config"] + [("config", n) for n in group.commands["config"].commands]
    assert len(names) >= 13
    for path in names:
        res = shunt(*path, "--help")
        assert res.exit_code == 0 and "--no-color" in res.stdout, path


def test_no_color_keeps_the_text(db):
    argv = ["trace", "tb_buyer05", "--date", "2026-11-11"]
    plain = _run([*argv, "--no-color"], db)
    assert "tb_buyer05" in plain and "zhenpin" in plain
    assert plain == _run(argv, db, NO_COLOR="1")
