"""The layers of docs/architecture.md, checked: import-linter contracts (.importlinter) and no SQL outside store/.

engine (pure) <- store (all SQL) <- diagnose (plain data) <- render (views) <- commands / cli / ui (wiring).
A function-level import counts as much as a top-level one (import-linter reads both)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "shunt"

pytest.importorskip("importlinter", reason="the test extra: pip install -e '.[test]' (import-linter)")


def lint(src_root: Path) -> subprocess.CompletedProcess:
    """lint-imports with the project's contracts, on the `shunt` package found under `src_root`."""
    env = {**os.environ, "PYTHONPATH": str(src_root)}
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run([sys.executable, "-c", code, "--config", str(ROOT / ".importlinter"), "--no-cache"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_import_contracts_are_kept():
    r = lint(ROOT / "src")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


@pytest.mark.parametrize("module, leak", [
    ("store/db.py", "from shunt.render.text import plain"),  # store reaching up to a view
    ("diagnose/silent.py", "from shunt.commands import common"),  # diagnose reaching up to wiring
    ("engine/decide.py", "from shunt.store import db"),  # the engine touching the store
    ("render/human.py", "from shunt import cli"),  # a view reaching up to the CLI
])
def test_a_leak_breaks_a_contract_even_inside_a_function(tmp_path, module, leak):
    """The contracts can fail: a copy of the package with one upward import, made inside a function."""
    shutil.copytree(SRC, tmp_path / "shunt", ignore=shutil.ignore_patterns("__pycache__", "sample"))
    path = tmp_path / "shunt" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef _leak():\n    {leak}\n", encoding="utf-8")
    r = lint(tmp_path)
    assert r.returncode != 0 and "BROKEN" in r.stdout, r.stdout + r.stderr


# SQL outside store/: each entry is DEBT named in docs/architecture.md ("Known debt"). The counts are
# today's; a new call fails this test, and fixing one lowers the count here (the test says so).
SQL_OUTSIDE_STORE: dict[str, int] = {}  # none left

_EXECUTE = re.compile(r"\.(execute|executemany|executescript)\(|sqlite3\.connect\(")


def sql_calls_outside_store() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("store/"):
            continue
        n = sum(len(_EXECUTE.findall(line)) for line in path.read_text(encoding="utf-8").splitlines()
                if not line.lstrip().startswith("#"))
        if n:
            found[rel] = n
    return found


def test_no_new_sql_outside_store():
    found = sql_calls_outside_store()
    grown = {m: n for m, n in found.items() if n > SQL_OUTSIDE_STORE.get(m, 0)}
    assert not grown, f"SQL outside store/ (put it in store/ and call it): {grown} (allowed debt: {SQL_OUTSIDE_STORE})"
    shrunk = {m: (SQL_OUTSIDE_STORE[m], found.get(m, 0)) for m in SQL_OUTSIDE_STORE if found.get(m, 0) < SQL_OUTSIDE_STORE[m]}
    assert not shrunk, f"debt paid (allowed -> now): {shrunk}: lower SQL_OUTSIDE_STORE and docs/architecture.md"
