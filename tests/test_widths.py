"""Every human view at 60, 80 and 120 columns and piped (no COLUMNS): no name cut (`zhen…`) nor broken
across lines, no line wider than the width, no Python repr (`['g_pre']`, `True`), and a pipe gets the wide
layout (issue #18, width and layout). On the sample shop and on a copy with long and hostile names."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len

from cli_helpers import SAMPLE, runner
from shunt.cli import app

# hostile copies of the sample's accounts: long (CJK + ASCII), rich markup, a space inside
RENAME = {
    "zhenpin:小美": "zhenpin:客服主管售前夜班梅林长名字MeiLin",
    "zhenpin:小李": "zhenpin:[bold]小李[/bold]",
    "zhenpin:阿甲": "zhenpin:Ann Lee",
    '"name":"售前"': '"name":"售前[red]大促专用分组[/red]"',
}
SAMPLE_NAMES = ["zhenpin:小美", "zhenpin:小李", "zhenpin:阿甲", "zhenpin:小丙", "zhenpin:代理01", "zhenpin:店小蜜",
                "cainiao_zto:客服07", "tb_buyer36"]
HOSTILE_NAMES = [RENAME.get(n, n) for n in SAMPLE_NAMES] + ["售前[red]大促专用分组[/red]"]


def _views(names):
    li = names[1]
    return {
        "trace": ["trace", "tb_buyer36", "--date", "2026-11-10", "--detail"],
        "why-silent": ["why-silent", li, "--at", "2026-11-11 09:45:00"],
        "why-silent-window": ["why-silent", "zhenpin:小丙", "--at", "2026-11-11 21:00"],
        "why-received": ["why-received", "tb_buyer05", "--at", "2026-11-11 14:50:26", "--expected", names[0]],
        "why-received-logistics": ["why-received", "tb_buyer20", "--at", "2026-11-11 10:25:07"],
        "balance": ["balance", "--date", "2026-11-11"],
        "simulate": ["simulate", "-c", str(SAMPLE / "change-raise-limit.json"), "--date", "2026-11-11"],
        "info": ["info"],
        "config": ["config", "show"],
        "audit": ["audit", "--date", "2026-11-10"],
    }


def _load(tmp_path_factory, text: str, name: str):
    d = tmp_path_factory.mktemp(name)
    (d / "log.jsonl").write_text(text, encoding="utf-8")
    res = runner().invoke(app, ["load", str(d / "log.jsonl"), "--db", str(d / "s.db")])
    assert res.exit_code == 0, res.stderr
    return d / "s.db"


_CURRENT: dict[str, object] = {}


@pytest.fixture(scope="module")
def memo():
    """Each answer computed once per shop and arguments, then laid out at every width: the views go through
    the CLI each time; only the diagnose computations are not repeated (suite time)."""
    import importlib

    cache: dict = {}
    with pytest.MonkeyPatch.context() as mp:
        for mod, name in (("shunt.diagnose.balance", "balance"), ("shunt.diagnose.simulate", "simulate"),
                          ("shunt.diagnose.trace", "trace"), ("shunt.diagnose.silent", "why_silent"),
                          ("shunt.diagnose.received", "why_received"), ("shunt.diagnose.audit", "audit")):
            m = importlib.import_module(mod)
            fn = getattr(m, name, None)
            if fn is None:
                continue

            def cached(conn, *args, _fn=fn, _name=name, **kw):
                key = (_name, _CURRENT.get("db"), repr(args), repr(sorted(kw.items())))
                if key not in cache:
                    cache[key] = _fn(conn, *args, **kw)
                return cache[key]

            mp.setattr(m, name, cached)
        yield


@pytest.fixture(scope="module")
def shops(tmp_path_factory, memo):
    text = (SAMPLE / "zhenpin.jsonl").read_text(encoding="utf-8")
    hostile = text
    for old, new in RENAME.items():
        hostile = hostile.replace(old, new)
    return {"sample": (_load(tmp_path_factory, text, "sample"), SAMPLE_NAMES),
            "hostile": (_load(tmp_path_factory, hostile, "hostile"), HOSTILE_NAMES)}


def _run(argv, db, columns):
    _CURRENT["db"] = str(db)
    env = {"COLUMNS": columns, "NO_COLOR": "1", "LINES": None}
    res = runner().invoke(app, [*argv, "--db", str(db)], env=env, catch_exceptions=False)
    assert res.exit_code == 0, (argv, res.stdout, res.stderr)
    return res.stdout


REPR = re.compile(r"\[\s*'|'\s*\]|\bTrue\b|\bFalse\b|\bNone\b|\{'")


@pytest.mark.parametrize("shop", ["sample", "hostile"])
@pytest.mark.parametrize("columns", ["60", "80", "120", None])
def test_views_at_width(shops, shop, columns):
    db, names = shops[shop]
    for view, argv in _views(names).items():
        out = _run(argv, db, columns)
        where = f"{view} at {columns or 'piped'}:\n{out}"
        assert "…" not in out, where
        assert not REPR.search(out), where
        if columns is not None:
            widest = max(cell_len(line) for line in out.splitlines())
            assert widest <= int(columns), where
        joined = re.sub(r"[ \t]*\n[ \t]*", "", out)
        spaced = re.sub(r"\s*\n\s*", " ", out)
        for name in names:  # mentioned (even across a line break) -> whole on one line
            if name in joined or name in spaced:
                assert name in out, (name, where)


def test_narrow_stacks_and_pipe_is_wide(shops):
    db, _ = shops["sample"]
    argv = _views(SAMPLE_NAMES)["trace"]
    narrow = _run(argv, db, "60")
    assert "┃" not in narrow and "  agent 客服: zhenpin:小李" in narrow  # stacked: key: value under the row
    piped = _run(argv, db, None)
    assert any("┃ time" in line for line in piped.splitlines())  # the table, wider than 80
    assert max(cell_len(line) for line in piped.splitlines()) > 80


@pytest.mark.parametrize("columns", ["60", "120"])
def test_terminal_chart_has_an_hour_axis_and_a_status_strip(shops, columns):
    db, _ = shops["sample"]
    lines = _run(["balance", "--date", "2026-11-11"], db, columns).splitlines()
    axis = [line for line in lines if re.fullmatch(r"\s*(\d\d\s+){3,}\d\d\s*", line)]
    assert axis and {"00", "12"} <= set(axis[0].split())
    strips = [line for line in lines if line.strip() and set(line.strip()) <= set("━╍·")]
    assert len(strips) == 7 and "━" in "".join(strips) and "·" in "".join(strips)  # a strip per account
    starts = {len(line) - len(line.lstrip()) for line in strips}
    assert len(starts) == 1 and starts == {len(axis[0]) - len(axis[0].lstrip())}  # rows on the axis's columns


def test_why_silent_funnel_as_bars(shops):
    db, _ = shops["sample"]
    out = _run(["why-silent", "zhenpin:小丙", "--at", "2026-11-11 21:00"], db, "140")
    funnel = out[out.index("funnel"):out.index("\nwindow ")].splitlines()[1:]
    counts = [int(line.split()[0]) for line in funnel]
    assert counts[0] == 24 and counts[-1] == 0 and counts == sorted(counts, reverse=True)
    assert "−18 所在分组未匹配" in out and all("█" in line for line, n in zip(funnel, counts) if n)
