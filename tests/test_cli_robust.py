"""Issue 14 items 3 and 7, issue 15 items 13, 16, 18: no traceback whatever the options, output errors that
name the file written, --version, bad paths as usage errors, a bare `pytest` that collects everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import reliability_helpers as rh
from cli_helpers import ROOT, SAMPLE, runner
from shunt.cli import app

FOUR_HUNDRED = "9" * 400


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("robust") / "s.db"
    res = runner().invoke(app, ["load", str(SAMPLE / "zhenpin.jsonl"), "--db", str(path)], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    return path


def invoke(args, db=None):
    argv = [*map(str, args), *(["--db", str(db)] if db is not None else [])]
    return runner().invoke(app, argv, catch_exceptions=True)


def one_line_usage_error(res):
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code == 2, (res.exit_code, res.stdout, res.stderr)
    assert "Traceback" not in res.stdout + res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("shunt:")]
    assert len(lines) == 1 and len(res.stderr.strip().splitlines()) <= 2, res.stderr
    return lines[0]


# Each of these printed a traceback (issue 14 item 3), balance --date 0001-01-01 after half a table.
OUT_OF_RANGE = [
    (["why-silent", "zhenpin:小丙", "--at", "0001-01-01"], "0001-01-01"),
    (["why-received", "tb_buyer20", "--at", "0001-01-01"], "0001-01-01"),
    (["why-silent", "zhenpin:小丙", "--window", "100000000d"], "100000000d"),
    (["why-silent", "zhenpin:小丙", "--window", "99999999999999d"], "99999999999999d"),
    (["why-silent", "zhenpin:小丙", "--window", FOUR_HUNDRED + "d"], "too long"),
    (["trace", "tb_buyer05", "--date", "9999-12-31"], "9999-12-31"),
    (["balance", "--date", "9999-12-31"], "9999-12-31"),
    (["balance", "--date", "0001-01-01"], "0001-01-01"),
    (["balance", "--from", "0001-01-01", "--to", "9999-12-31"], "0001-01-01"),
    (["simulate", "--config", str(ROOT / "pyproject.toml"), "--from", "0001-01-01", "--to", "9999-12-31"], None),
    (["why-silent", "zhenpin:小丙", "--at", "4102444800001"], "4102444800001"),
]


@pytest.mark.parametrize("args,named", OUT_OF_RANGE, ids=lambda a: " ".join(a)[:50] if isinstance(a, list) else "")
def test_out_of_range_values_are_one_line_usage_errors(db, args, named):
    res = invoke(args, db)
    line = one_line_usage_error(res)
    assert res.stdout == "", "validated before anything is printed"
    if named:
        assert named in line


def test_the_edges_of_the_range_are_answered(db):
    """1990-01-01 and 2100-01-01 are accepted (a day of slack for local midnights in any zone), and a
    100-year window."""
    for args in (["balance", "--from", "1990-01-01", "--to", "2100-01-01", "--json"],
                 ["why-silent", "zhenpin:小丙", "--at", "2100-01-01", "--window", "36500d", "--json"],
                 ["trace", "tb_buyer05", "--date", "1990-01-01", "--json"]):
        res = invoke(args, db)
        assert res.exit_code in (0, 1), (args, res.stderr)
        assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)


GENERATE_BAD = [
    (["--groups", "1000", "--agents", "2"], None),  # was an IndexError: now answered (groups share the agents)
    (["--start", "9999-12-31"], "--start"),
    (["--start", "2099-12-31", "--days", "2"], "--start"),
    (["--shop", ""], "--shop"),
    (["--shop", "a:b"], "--shop"),
    (["--shop", "a\x1bb"], "--shop"),
    (["--agents", "1000000"], "--agents"),
    (["--groups", "-1"], "groups"),
]


@pytest.mark.parametrize("args,named", GENERATE_BAD, ids=lambda a: " ".join(map(repr, a)) if isinstance(a, list) else "")
def test_generate_refuses_what_load_would_reject(tmp_path, args, named):
    out = tmp_path / "g.jsonl"
    res = invoke(["generate", "--consults", "30", "-o", out, *args])
    if named is None:
        assert res.exit_code == 0, res.stderr
        load = invoke(["load", out], tmp_path / "g.db")
        assert load.exit_code == 0, load.stderr  # and load takes every line
        return
    assert named in one_line_usage_error(res)
    assert not out.exists() or out.stat().st_size == 0, "nothing written before the check"


# ---- non-UTF-8 stdout ------------------------------------------------------------------------------

HUMAN_VIEWS = [
    ["trace", "tb_buyer05", "--date", "2026-11-11", "--detail"],
    ["why-silent", "zhenpin:小丙", "--at", "2026-11-11 21:00:00"],
    ["why-received", "tb_buyer20", "--at", "2026-11-11 10:25:07"],
    ["balance", "--date", "2026-11-11"],
    ["trace", "nobody_at_all"],
]


@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
def test_human_views_degrade_on_a_console_that_is_not_utf8(db, encoding):
    """A GBK console (plausible for this user base) or an ASCII one: characters the encoding lacks are
    replaced (✓ -> v, others as \\uXXXX), never a UnicodeEncodeError."""
    env = rh.env() | {"PYTHONIOENCODING": encoding, "COLUMNS": "120"}
    for args in HUMAN_VIEWS:
        p = subprocess.run(rh.shunt_cmd(*args, "--db", db), env=env, capture_output=True, timeout=60)
        err = p.stderr.decode(encoding, "replace")
        assert "Traceback" not in err and "UnicodeEncodeError" not in err, err
        assert p.returncode in (0, 1), (args, err)
        text = p.stdout.decode(encoding)  # what was written is valid in the console's encoding
        if p.returncode == 0:
            assert "2026-11-1" in text or "balance" in text, text[:300]
    # GBK writes the Chinese names as they are; ASCII shows them as escapes
    p = subprocess.run(rh.shunt_cmd(*HUMAN_VIEWS[1], "--db", db), env=env, capture_output=True, timeout=60)
    shown = p.stdout.decode(encoding)
    assert ("小丙" in shown) if encoding == "gbk" else ("\\u5c0f\\u4e19" in shown), shown[:200]


# ---- a full disk while writing an output -----------------------------------------------------------

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


@needs_dev_full
@pytest.mark.parametrize("args", [["trace", "tb_buyer05", "--date", "2026-11-11"],
                                  ["trace", "tb_buyer05", "--date", "2026-11-11", "--json"],
                                  ["balance", "--date", "2026-11-11"], ["generate", "--consults", "200"]])
def test_a_full_stdout_is_named_not_the_database(db, args):
    with open("/dev/full", "wb") as full:
        dbarg = ["--db", db] if args[0] != "generate" else []
        p = subprocess.run(rh.shunt_cmd(*args, *dbarg), env=rh.env(), stdout=full, stderr=subprocess.PIPE,
                           text=True, timeout=60)
    assert p.returncode == 4, p.stderr
    assert "could not write the standard output" in p.stderr and str(db) not in p.stderr, p.stderr
    assert "Traceback" not in p.stderr


@needs_dev_full
@pytest.mark.parametrize("args", [["balance", "--date", "2026-11-11", "--html", "/dev/full"],
                                  ["generate", "--consults", "200", "-o", "/dev/full"]])
def test_a_full_output_file_is_named_not_the_database(db, args):
    res = invoke(args, db if args[0] != "generate" else None)
    assert res.exit_code == 4, (res.stderr, res.exception)
    assert "the disk is full: could not write /dev/full" in res.stderr, res.stderr
    assert str(db) not in res.stderr and "the database" not in res.stderr


# ---- --version, bad paths, pytest ------------------------------------------------------------------

def test_version_and_V_print_the_package_version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        want = version("shunt")
    except PackageNotFoundError:
        from shunt import __version__ as want
    for flag in ("--version", "-V"):
        res = invoke([flag])
        assert res.exit_code == 0 and res.stdout == f"shunt {want}\n", (res.stdout, res.stderr)


def test_a_missing_input_or_config_file_is_a_usage_error(db, tmp_path):
    for args in (["load", tmp_path / "nope.jsonl"], ["simulate", "--config", tmp_path / "nope.json"]):
        res = invoke(args, db)
        assert res.exit_code == 2, (args, res.stderr)
        assert "nope.json" in res.stderr and "Traceback" not in res.stderr


def test_pytest_options_let_a_bare_pytest_collect_and_print_its_summary():
    """`from tests.x import ...` needs the clone's root on sys.path; `-q` in addopts plus the README's
    `pytest -q` made -qq, which hides the 'N passed' line."""
    opts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert {"src", "."} <= set(opts.get("pythonpath", []))
    assert "-q" not in opts.get("addopts", "").split()
    bare = Path(sys.executable).parent / "pytest"  # the script: unlike `python -m`, it puts no cwd on sys.path
    if not bare.exists():
        pytest.skip("no pytest script beside the interpreter")
    env = {k: v for k, v in rh.env().items() if k != "PYTHONPATH"}
    p = subprocess.run([str(bare), "-q", "-p", "no:cacheprovider", "--co",
                        "tests/test_store_db.py", "tests/test_timeutil.py"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    assert " collected" in p.stdout.splitlines()[-1] or "tests collected" in p.stdout, p.stdout[-500:]
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "pytest -q" in ci and "pytest -q" in readme and "-qq" not in ci + readme
