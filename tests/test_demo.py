"""`shunt demo` (issue 15 items 3, 12, 15): its own database, never the user's; exit code of its answers;
the sample shipped in the package; "Try:" lines that run as printed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cli_helpers import ROOT, SAMPLE, shunt

PACKAGE_SAMPLE = ROOT / "src" / "shunt" / "sample"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_packaged_sample_is_the_repository_sample():
    """sample_data/ is the source; src/shunt/sample/ is the copy the wheel ships (resync: cp the files)."""
    for name in ("zhenpin.jsonl", "README.md"):
        assert (PACKAGE_SAMPLE / name).read_bytes() == (SAMPLE / name).read_bytes(), (
            f"src/shunt/sample/{name} differs from sample_data/{name}: cp sample_data/{name} src/shunt/sample/")


def test_every_package_data_pattern_matches_a_file():
    """The package-data globs of pyproject.toml name files that exist (they pointed at a missing folder)."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = conf["tool"]["setuptools"]["package-data"]["shunt"]
    assert any("sample" in p for p in patterns)
    for pattern in patterns:
        assert list((ROOT / "src" / "shunt").glob(pattern)), pattern


def test_sample_resolves_through_importlib_resources():
    from shunt.commands.demo import SAMPLE_FILES, sample_files

    with sample_files() as files:
        assert [f.name for f in files] == list(SAMPLE_FILES)
        assert all(f.is_file() and f.stat().st_size > 10_000 for f in files)


def test_demo_module_does_not_import_the_cli():
    code = "import sys, shunt.commands.demo; sys.exit('shunt.cli' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


@pytest.fixture()
def user_db(tmp_path):
    """A user's database holding another shop."""
    log = tmp_path / "other.jsonl"
    assert shunt("generate", "--consults", "40", "--shop", "othershop", "-o", str(log)).exit_code == 0
    db = tmp_path / "user.db"
    assert shunt("load", str(log), db=db).exit_code == 0
    return db


def test_demo_never_touches_the_users_database(tmp_path, user_db, monkeypatch):
    data = tmp_path / "xdg"
    work = tmp_path / "empty"
    work.mkdir()
    monkeypatch.chdir(work)
    before = _digest(user_db)
    res = shunt_env({"XDG_DATA_HOME": str(data), "SHUNT_DB": str(user_db)}, "demo")
    assert res.exit_code == 0, res.stderr
    demo_db = data / "shunt" / "demo.db"
    assert f"demo database: {demo_db}" in res.stderr
    assert demo_db.is_file()
    assert _digest(user_db) == before
    assert list(work.iterdir()) == []  # no ./shunt.db either
    # run twice: the same answers (its database is rebuilt, not added to)
    again = shunt_env({"XDG_DATA_HOME": str(data), "SHUNT_DB": str(user_db)}, "demo")
    assert again.exit_code == 0 and again.stdout == res.stdout


def test_demo_refuses_db_option():
    assert shunt("demo", "--db", "x.db").exit_code == 2


def test_demo_exits_non_zero_when_an_answer_fails(tmp_path, monkeypatch):
    from shunt.commands import demo

    monkeypatch.setattr(demo, "QUESTIONS", [*demo.QUESTIONS[:1], ("trace", "trace", "no_such_buyer", {"date": "2026-11-11"}),
                                            *demo.QUESTIONS[1:]])
    res = shunt_env({"XDG_DATA_HOME": str(tmp_path)}, "demo")
    assert res.exit_code == 1
    assert "1 of 4 demo answers failed: trace" in res.stderr


def test_demo_refuses_a_foreign_file_at_its_path(tmp_path):
    (tmp_path / "shunt").mkdir()
    foreign = tmp_path / "shunt" / "demo.db"
    foreign.write_bytes(b"my notes, not a database\n" * 10)
    res = shunt_env({"XDG_DATA_HOME": str(tmp_path)}, "demo")
    assert res.exit_code == 3 and "refusing" in res.stderr
    assert foreign.read_bytes() == b"my notes, not a database\n" * 10


def test_try_lines_run_as_printed(tmp_path):
    """Each "Try" line is one whole command that runs in a shell as printed, in any folder."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "XDG_DATA_HOME": str(tmp_path / "xdg"), "COLUMNS": "60"}
    env.pop("SHUNT_DB", None)
    work = tmp_path / "work"
    work.mkdir()
    out = subprocess.run([sys.executable, "-m", "shunt", "demo"], cwd=work, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Try"))
    tries = [line for line in lines[start + 1:] if line.startswith("  ")]
    assert len(tries) >= 3
    for line in tries:
        assert "--db " in line and "python" in line  # whole: the program, the arguments, the demo's database
        run = subprocess.run(["sh", "-c", line], cwd=work, env={**env, "PYTHONPATH": ""}, capture_output=True,
                             text=True)
        assert run.returncode == 0, (line, run.stderr)
        assert run.stdout.strip(), line
    assert list(work.iterdir()) == []


def shunt_env(env: dict, *args: str):
    from cli_helpers import runner
    from shunt.cli import app

    return runner().invoke(app, list(args), env=env, catch_exceptions=False)
