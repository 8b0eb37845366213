"""Every example a user can copy runs on the demo's database (issue 15 item 14): each `shunt ...` line of
README.md's fenced code blocks (also `$ shunt ...` and the `// shunt ...` captions of the JSON shapes) and each example of the
commands' `--help`. An example exits 0 unless its line says `# exit N`.

Examples run in one scratch folder (an example may use a file an earlier one wrote, e.g. generate then
load), with `sample_data/` linked in and `$SHUNT_DB` a fresh copy of the demo's database for each.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys

import pytest

from cli_helpers import ROOT, SAMPLE, runner

SHELL = re.compile(r"&&|\|\||[|;<>`$]")  # lines that need a shell (chains, pipes, redirections)


def readme_examples() -> list[str]:
    out, fenced = [], False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        text = line.strip()
        if text.startswith("$ "):  # a shell prompt before a command and its output
            text = text[2:]
        if text.startswith("// "):
            text = re.split(r"\s{2,}\(", text[3:])[0].strip()  # a caption: "// shunt ... --json   (abridged)"
        if fenced and text.startswith("shunt "):
            out.append(text)
    return out


def help_examples() -> list[str]:
    import typer.main

    from shunt.cli import app

    found: list[str] = []

    def walk(cmd) -> None:
        for line in (cmd.help or "").splitlines():
            text = line.strip()
            if text.startswith("Example:"):
                text = text[len("Example:"):].strip()
            if text.startswith("shunt ") and text not in found:
                found.append(text)
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    # a file an example reads is written by an example first (generate -o X before load X)
    return sorted(found, key=lambda t: not t.startswith("shunt generate"))


README = readme_examples()
HELP = help_examples()


# What an answer about nothing says on stderr while it exits 0 (trace of a buyer on a date without nodes):
# an example must answer about something that is in the sample.
EMPTY = ("has no routing nodes",)


def check(line: str, code: int, err: str) -> None:
    assert code == expected_exit(line), (line, err)
    if code == 0:
        assert not any(e in err for e in EMPTY), (line, err)


def expected_exit(line: str) -> int:
    m = re.search(r"#\s*exit\s+(\d+)", line)
    return int(m.group(1)) if m else 0


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """(work folder, demo database, environment): the demo run for real, in a folder of its own."""
    base = tmp_path_factory.mktemp("examples")
    env = {"XDG_DATA_HOME": str(base / "xdg"), "COLUMNS": "120"}
    from shunt.cli import app

    res = runner().invoke(app, ["demo"], env=env, catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    demo_db = base / "xdg" / "shunt" / "demo.db"
    assert demo_db.is_file()
    work = base / "work"
    work.mkdir()
    (work / "sample_data").symlink_to(SAMPLE)
    bin_dir = base / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "shunt"
    wrapper.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m shunt \"$@\"\n", encoding="utf-8")
    wrapper.chmod(0o755)
    env.update({"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONPATH": str(ROOT / "src")})
    return work, demo_db, env


def run_example(line: str, scratch) -> tuple[int, str]:
    work, demo_db, env = scratch
    db = work / "demo-copy.db"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{db}{suffix}"):
            os.remove(f"{db}{suffix}")
    with sqlite3.connect(demo_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    env = {**env, "SHUNT_DB": str(db)}
    if SHELL.search(line.split("#")[0]):
        shell = ["bash", "-o", "pipefail", "-c"] if shutil.which("bash") else ["sh", "-c"]  # shunt's own exit code
        res = subprocess.run([*shell, line], cwd=work, env={**os.environ, **env}, capture_output=True, text=True)
        return res.returncode, res.stderr
    from shunt.cli import app

    cwd = os.getcwd()
    os.chdir(work)
    try:
        res = runner().invoke(app, shlex.split(line, comments=True)[1:], env=env, catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return res.exit_code, res.stderr


def test_there_are_examples():
    assert len(README) >= 10 and len(HELP) >= 10
    assert any(x.startswith("shunt demo") for x in HELP)


@pytest.mark.parametrize("line", README)
def test_readme_example_runs_on_the_demo_database(line, scratch):
    if "| jq" in line and shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    check(line, *run_example(line, scratch))


@pytest.mark.parametrize("line", HELP)
def test_help_example_runs_on_the_demo_database(line, scratch):
    check(line, *run_example(line, scratch))


def test_help_never_folds_an_example():
    """Each --help example shows on one line, whole, even at 60 columns (a folded command cannot be pasted)."""
    import typer.main

    from shunt.cli import app

    shown = ""

    def walk(cmd, path: list[str]) -> None:
        nonlocal shown
        shown += runner().invoke(app, [*path, "--help"], terminal_width=60).stdout
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    for line in HELP:
        assert line in shown, line
