"""The layers of docs/architecture.md, checked: import-linter contracts (.importlinter) and no SQL outside store/.

engine (pure) <- store (all SQL) <- diagnose (plain data) <- render (views) <- commands / cli / ui (wiring).
A function-level import counts as much as a top-level one (import-linter reads both)."""

from __future__ import annotations

import ast
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


# Sizes (issue #16): no module in src/ over MODULE_LINES lines, no function over FUNCTION_LINES. The
# allow-lists hold today's offenders at their size as a ceiling: one may shrink (and leaves the list
# once within the limit: the test says so), never grow; anything new must fit. docs/architecture.md.
MODULE_LINES = 400
FUNCTION_LINES = 80
BIG_MODULES: dict[str, int] = {  # module -> lines (the ceiling)
}
LONG_FUNCTIONS: dict[str, int] = {  # module:qualified name -> lines (the ceiling)
}


def _functions(tree: ast.AST) -> list[tuple[str, int]]:
    """(qualified name, lines) of every function, methods and nested ones included (`Class.method`)."""
    out: list[tuple[str, int]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for ch in ast.iter_child_nodes(node):
            if isinstance(ch, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out.append((prefix + ch.name, ch.end_lineno - ch.lineno + 1))
                walk(ch, f"{prefix}{ch.name}.")
            elif isinstance(ch, ast.ClassDef):
                walk(ch, f"{prefix}{ch.name}.")
            else:
                walk(ch, prefix)

    walk(tree, "")
    return out


def sizes(src: Path = SRC) -> tuple[dict[str, int], dict[str, int]]:
    """(modules over MODULE_LINES, functions over FUNCTION_LINES) of the package under `src`."""
    modules: dict[str, int] = {}
    functions: dict[str, int] = {}
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).as_posix()
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MODULE_LINES:
            modules[rel] = len(text.splitlines())
        for name, n in _functions(ast.parse(text)):
            if n > FUNCTION_LINES:
                functions[f"{rel}:{name}"] = n
    return modules, functions


def _over(found: dict[str, int], allowed: dict[str, int]) -> tuple[dict, dict]:
    grown = {k: (allowed.get(k), n) for k, n in found.items() if n > allowed.get(k, 0)}
    paid = sorted(k for k in allowed if k not in found)
    return grown, paid


def test_no_module_and_no_function_too_long():
    modules, functions = sizes()
    grown, paid = _over(modules, BIG_MODULES)
    assert not grown, (f"modules over {MODULE_LINES} lines (allowed -> now): {grown}: split by role into new "
                       "modules (docs/architecture.md, sizes)")
    assert not paid, f"within {MODULE_LINES} lines now: {paid}: take them out of BIG_MODULES"
    grown, paid = _over(functions, LONG_FUNCTIONS)
    assert not grown, (f"functions over {FUNCTION_LINES} lines (allowed -> now): {grown}: split into named steps "
                       "(docs/architecture.md, sizes)")
    assert not paid, f"within {FUNCTION_LINES} lines now: {paid}: take them out of LONG_FUNCTIONS"


def test_the_size_check_can_fail(tmp_path):
    """A new long method, a nested one, and an allow-listed module grown past its ceiling are all found."""
    (tmp_path / "engine").mkdir()
    body = "\n".join(f"        x{i} = {i}" for i in range(FUNCTION_LINES))
    (tmp_path / "engine" / "long.py").write_text(f"class A:\n    def f(self):\n{body}\n", encoding="utf-8")
    allowed = {"big.py": MODULE_LINES + 50, "gone.py": MODULE_LINES + 10}  # an allow-list like BIG_MODULES
    (tmp_path / "big.py").write_text("x = 1\n" * (allowed["big.py"] + 1), encoding="utf-8")
    modules, functions = sizes(tmp_path)
    assert functions == {"engine/long.py:A.f": FUNCTION_LINES + 1}
    grown, paid = _over(modules, allowed)
    assert grown == {"big.py": (allowed["big.py"], allowed["big.py"] + 1)}
    assert "gone.py" in paid  # not in this tree: the test would say to take it out
    assert _over(functions, LONG_FUNCTIONS)[0]["engine/long.py:A.f"] == (None, FUNCTION_LINES + 1)
