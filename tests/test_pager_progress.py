"""The pager (like git's: only on a terminal, --no-pager, SHUNT_PAGER / PAGER, only when the answer is
taller than the screen) and progress on stderr (only on a terminal, never on stdout)."""

from __future__ import annotations

import io
import time

import pytest

from cli_helpers import SAMPLE, runner
from shunt.cli import app
from shunt.render import pager, progress


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    d = tmp_path_factory.mktemp("pager")
    res = runner().invoke(app, ["load", str(SAMPLE / "zhenpin.jsonl"), "--db", str(d / "s.db")])
    assert res.exit_code == 0, res.stderr
    return d / "s.db"


def _invoke(db, tmp_path, argv, monkeypatch, tty=True, lines="10", pager_cmd=None):
    """→ (stdout, what the pager got or None). The pager: a shell command writing what it reads to a file."""
    monkeypatch.setattr(pager, "_stdout_is_tty", lambda: tty)
    paged = tmp_path / "paged.txt"
    paged.unlink(missing_ok=True)
    env = {"SHUNT_PAGER": pager_cmd if pager_cmd is not None else f"cat > '{paged}'", "PAGER": None,
           "LINES": lines, "NO_COLOR": "1", "COLUMNS": "100"}
    res = runner().invoke(app, [*argv, "--db", str(db)], env=env, catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    return res.stdout, (paged.read_text(encoding="utf-8") if paged.exists() else None)


def test_a_long_answer_on_a_terminal_goes_through_the_pager(db, tmp_path, monkeypatch):
    out, paged = _invoke(db, tmp_path, ["info"], monkeypatch)
    assert out == "" and "shop zhenpin" in paged and "zhenpin:代理01" in paged


@pytest.mark.parametrize("argv,kw", [
    (["info", "--no-pager"], {}),
    (["--no-pager", "info"], {}),
    (["info"], {"lines": "1000"}),  # fits the screen
    (["info"], {"tty": False}),  # piped or redirected
    (["info", "--json"], {}),
    (["info"], {"pager_cmd": "cat"}),
    (["info"], {"pager_cmd": ""}),
])
def test_no_pager_when_asked_when_it_fits_piped_or_json(db, tmp_path, monkeypatch, argv, kw):
    out, paged = _invoke(db, tmp_path, argv, monkeypatch, **kw)
    assert paged is None and ("shop zhenpin" in out or '"shop": "zhenpin"' in out)


def test_a_pager_that_does_not_exist_prints_the_answer(db, tmp_path, monkeypatch):
    out, paged = _invoke(db, tmp_path, ["info"], monkeypatch, pager_cmd="no-such-pager-here 2>/dev/null")
    assert "shop zhenpin" in out and paged is None


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_stderr_only_while_working(monkeypatch):
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("SHUNT_NO_PROGRESS", raising=False)
    with progress.working("balance: replaying 2026-11-11"):
        deadline = time.monotonic() + 10
        while "replaying" not in err.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
    assert "balance: replaying 2026-11-11" in err.getvalue()


def test_no_progress_when_stderr_is_not_a_terminal(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    with progress.working("balance: replaying"):
        pass
    assert err.getvalue() == ""
