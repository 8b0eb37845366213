"""Issue 14 item 3: every command, fuzzed over its options, never prints a traceback.

The commands and their options are read from the CLI itself (click's parameters), so a command added later
is fuzzed too. Each option gets values of its kind (dates, moments, windows, numbers, paths) mixed with
edge values (year 1 and 9999, 400-digit numbers, negative numbers), and strings with control characters.
Runs in-process (CliRunner) against the demo sample: SHUNT_FUZZ_CLI_EXAMPLES (default 150) examples in all.
"""

from __future__ import annotations

import json
import os
import shutil

import click
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_helpers import SAMPLE, runner
from shunt.cli import app

EXAMPLES = int(os.environ.get("SHUNT_FUZZ_CLI_EXAMPLES", "150"))
SKIP = {"demo", "ui"}  # demo: a whole load and three answers (tested apart); ui: interactive
SCRATCH = {"load", "forget"}  # commands that write: their own copy of the database
OK_CODES = {0, 1, 2, 3, 4}
# the change files simulate --config is given (their parse errors are checked in test_simulate*.py too)
CONFIG_FILES = ("change.json", "garbage.json", "utf16.json", "missing.json")
STATS = {"examples": 0, "tracebacks": 0}

# no NUL: a process's arguments cannot hold one (C strings), only an in-process call could pass it
TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs", "Cc", "Cf"), exclude_characters="\x00"),
               max_size=24)
HUGE = st.one_of(st.integers(10**9, 10**30), st.integers(-(10**30), -1), st.just(int("9" * 400)))
DATES = st.one_of(
    st.sampled_from(["2026-11-11", "2026-11-10", "0001-01-01", "9999-12-31", "1990-01-01", "2099-12-31",
                     "2100-01-01", "today", "yesterday", "2026-02-30", "11/11/2026", "20261111", "",
                     "2026年11月11日", "11月11日", "２０２６－１１－１１", "13月40日", "9999年1月1日", "今天"]),
    st.dates().map(lambda d: d.isoformat()), TEXT)
MOMENTS = st.one_of(
    st.sampled_from(["2026-11-11 10:25:07", "2026-11-11 21:00", "0001-01-01", "9999-12-31 23:59:59",
                     "2026-11-11T10:23:45+14:00", "2026-11-11 24:00:00", "1794363825000", "99999999999999",
                     "Nov 11 2026", "2026-13-45", "",
                     "２０２６－１１－１１　１０：２３：４５", "11月11日 21：00", "2026年11月11日25时", "0000年1月1日"]),
    st.datetimes().map(lambda d: d.isoformat(sep=" ")), st.integers(-(10**15), 10**15).map(str), TEXT)
WINDOWS = st.one_of(
    st.tuples(st.one_of(st.integers(0, 100), HUGE.map(abs)), st.sampled_from(["", "s", "m", "h", "d", "w"]))
    .map(lambda t: f"{t[0]}{t[1]}"),
    st.sampled_from(["24h", "1.5h", "0", "-3h", "1e9d", "nan", "inf"]), TEXT)
INTS = st.one_of(st.integers(-5, 40), HUGE).map(str)
FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                   st.sampled_from(["0", "0.5", "1", "-1", "2", "nan", "1e400"]))
BUYERS = st.one_of(st.sampled_from(["tb_buyer05", "tb_buyer20", "tb_vip01", "tb_buyer0"]), TEXT)
ACCOUNTS = st.one_of(st.sampled_from(["zhenpin:小丙", "zhenpin:小李", "zhenpin", "zhenpin:店小蜜", "cainiao_zto:客服07",
                                      "小丙", "客服07", ":"]),
                     TEXT)
BY_FLAG = {
    "--date": DATES, "--start": DATES, "--at": MOMENTS, "--from": MOMENTS, "--to": MOMENTS, "--window": WINDOWS,
    "--shop": st.one_of(st.sampled_from(["zhenpin", "nope", ""]), TEXT),
    "--group": st.one_of(st.sampled_from(["g_pre", "售前", "g_nope"]), TEXT),
    "--pair": st.one_of(st.sampled_from(["zhenpin:小丙,zhenpin:小李", "zhenpin:小丙", "a,b,c"]), TEXT),
    "--csv": st.sampled_from(["accounts", "moved", "nope", ""]),
    "--node": st.one_of(st.sampled_from(["c-0029", "c-0040", "nope"]), TEXT),
    "--expected": ACCOUNTS, "--account": ACCOUNTS,
    "--encoding": st.one_of(st.sampled_from(["utf-8", "gb18030", "utf-16", "rot13", "base64", "idna"]), TEXT),
    "--tz": st.one_of(st.sampled_from(["Asia/Shanghai", "UTC", "Mars/Olympus", "../../etc/passwd"]), TEXT),
}
BY_ARG = {"buyer": BUYERS, "account": ACCOUNTS, "shop": st.one_of(st.sampled_from(["zhenpin", "nope"]), TEXT)}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzzcli")
    db = d / "s.db"
    res = runner().invoke(app, ["load", str(SAMPLE / "zhenpin.jsonl"), "--db", str(db)], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    (d / "change.json").write_text(json.dumps({"settings": {"strategy": "round_robin"}}), encoding="utf-8")
    (d / "garbage.json").write_text('{"settings": {"busy_threshold": 1e400}, "agents": 7}', encoding="utf-8")
    (d / "utf16.json").write_bytes('{"settings": {}}'.encode("utf-16"))
    return d, db


def commands(group: click.Group, prefix=()):
    """(argv prefix, click command) for every leaf command, sub-apps included (`config show`)."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if name in SKIP or cmd is None or getattr(cmd, "hidden", False):
            continue
        if isinstance(cmd, click.Group):
            yield from commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


def value_for(param: click.Parameter, d, db):
    """A strategy for one parameter's value (None: leave it out)."""
    flag = max(param.opts, key=len) if param.opts else ""
    t = param.type
    if flag == "--db":
        return None
    if isinstance(t, click.Path) or "PATH" in getattr(t, "name", "").upper():
        if param.name == "files":
            return st.sampled_from([str(SAMPLE / "zhenpin.jsonl"), str(d / "missing.jsonl"), str(d), "/dev/null"])
        if flag == "--config":
            return st.sampled_from([str(d / n) for n in CONFIG_FILES]
                                   + [str(d)])
        return st.sampled_from([str(d / "out.html"), str(d / "out.jsonl"), str(d / "no" / "dir" / "x"), str(d)])
    if flag in BY_FLAG:
        return BY_FLAG[flag]
    if isinstance(param, click.Argument):
        return BY_ARG.get(param.name, TEXT)
    if isinstance(t, click.Choice):
        return st.one_of(st.sampled_from(list(t.choices)), TEXT)
    if t is click.INT or isinstance(t, click.IntRange):
        return INTS
    if t is click.FLOAT or isinstance(t, click.FloatRange):
        return FLOATS
    return TEXT


def argv_strategy(path, cmd, d, db):
    parts = []
    for p in cmd.params:
        if isinstance(p, click.Option) and (p.is_flag or p.count):
            flag = p.opts[0]
            parts.append(st.sampled_from([[], [flag]]))
            continue
        strat = value_for(p, d, db)
        if strat is None:
            continue
        if isinstance(p, click.Argument):
            n = 1 if p.nargs in (1, -1) else p.nargs
            parts.append(st.lists(strat, min_size=n, max_size=n))
        elif p.required:
            parts.append(strat.map(lambda v, f=p.opts[0]: [f, v]))
        else:
            parts.append(st.one_of(st.just([]), strat.map(lambda v, f=p.opts[0]: [f, v])))
    return st.tuples(*parts).map(lambda xs: [a for x in xs for a in x])


def _cases(d, db):
    cmds = list(commands(typer.main.get_command(app)))
    assert {"trace", "why-silent", "why-received", "balance", "simulate", "generate", "load"} <= {c[0][-1] for c in cmds}
    return st.sampled_from(cmds).flatmap(
        lambda pc: argv_strategy(pc[0], pc[1], d, db).map(lambda argv, pc=pc: (pc[0], pc[1], argv)))


@pytest.mark.parametrize("seed_db", [None])
def test_no_command_prints_a_traceback_whatever_its_options(world, seed_db, tmp_path_factory):
    d, db = world
    scratch = d / "scratch.db"
    shutil.copy(db, scratch)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                     HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(case=_cases(d, db))
    def check(case):
        path, cmd, argv = case
        name = path[-1]
        has_db = any("--db" in p.opts for p in cmd.params if isinstance(p, click.Option))
        target = scratch if name in SCRATCH else db
        full = [*path, *argv, *(["--db", str(target)] if has_db else [])]
        if name == "generate" and "-o" not in argv and "--out" not in argv:
            full += ["-o", str(d / "gen.jsonl")]
        res = runner().invoke(app, full, catch_exceptions=True, env={"COLUMNS": "100"})
        STATS["examples"] += 1
        out = (res.stdout or "") + (res.stderr if res.stderr_bytes is not None else "")
        crashed = res.exception is not None and not isinstance(res.exception, SystemExit)
        if crashed or "Traceback" in out:
            STATS["tracebacks"] += 1
        assert not crashed, (full, repr(res.exception), out[-2000:])
        assert "Traceback" not in out, (full, out[-2000:])
        allowed = OK_CODES | ({5} if name == "audit" else set())
        assert res.exit_code in allowed, (full, res.exit_code, out[-1000:])

    check()
    print(f"\nCLI fuzz: {STATS['examples']} examples, {STATS['tracebacks']} tracebacks")
