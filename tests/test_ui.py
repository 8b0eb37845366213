"""`shunt ui` driven headless with Textual's pilot on the demo shop: each tab shows what the command answers, and
its screens at 120x40 and 80x24 are pinned as text in tests/snapshots/ui/ (SHUNT_UPDATE_SNAPSHOTS=1 rewrites them).

One app session (the `tour` fixture) asks every tab's questions once and records what the tests below check:
starting Textual costs ~0.6 s, so the tests share it instead of each starting its own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cli_helpers import ROOT, load_sample, shunt, shunt_json
from ui_helpers import check_snapshot, drive, fill, settle, steady_screen, text_of

pytest.importorskip("textual")

TABS = ("trace", "silent", "received", "audit", "balance")
SIZES = ((120, 40), (80, 24))
SILENT = dict(account="zhenpin:小李", at="2026-11-11 09:45:00")
RECEIVED = dict(buyer="tb_buyer36", at="2026-11-10 16:05:34", expected="zhenpin:小美")
AUDIT = dict(date="2026-11-10")
BALANCE = dict(date="2026-11-11")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The demo shop in a directory of its own, as ./shunt.db: the screens then show no temporary path."""
    path = tmp_path_factory.mktemp("ui") / "shunt.db"
    load_sample(path)
    return path


@pytest.fixture(scope="module")
def tour(db):
    """One session through every tab; returns what each step showed. Its audit question is held in the worker
    thread on an event, to see the app while a question runs."""
    seen: dict = {}
    release, threads = threading.Event(), []

    async def script(app, pilot):
        from textual.widgets import DataTable, Select

        detail = lambda: text_of(app.query_one("#detail"))  # noqa: E731
        command = lambda: text_of(app.query_one("#trace-command"))  # noqa: E731
        # trace: completion, the latest date, an older one picked
        await pilot.press(*"tb_vi")
        await pilot.press("right")  # accept the suggestion
        seen["completed"] = app.query_one("#buyer").value
        await pilot.press("enter")
        await settle(app, pilot)
        seen["latest"] = detail()
        select = app.query_one("#date", Select)
        seen["dates"] = [value for _label, value in select._options if isinstance(value, str)]
        select.value = seen["dates"][1]
        await settle(app, pilot)
        seen["older"] = detail(), command()
        # a day with two nodes: the second one selected with the keyboard, then copied with y
        await fill(app, pilot, buyer="tb_buyer13")
        table = app.query_one("#nodes", DataTable)
        seen["rows"] = table.row_count
        table.focus()
        await pilot.press("down")
        await pilot.pause()
        seen["second"] = detail(), command()
        await pilot.press("escape", "y")
        seen["copied"] = app.clipboard
        # an unknown buyer, then a mismatch (its screen pinned)
        await fill(app, pilot, buyer="tb_buyr05")
        seen["unknown"] = detail()
        await fill(app, pilot, buyer="tb_buyer36")
        seen["mismatch"] = detail()
        await other_tabs_and_screens(app, pilot, seen, hold_audit)
        await pilot.press("f5")
        await pilot.click("#balance .command")  # a click on the command line copies it too
        seen["clicked"] = app.clipboard
        await pilot.press("escape", "q")
        await pilot.pause()
        seen["running"] = app.is_running
        return seen

    async def hold_audit(app, pilot, pane, values):
        pane.query_one("#date").value = values["date"]
        pane.query_one("#date").focus()
        await pilot.press("enter", "tab", "x")  # ask, then type into the next field while it works
        seen["while"] = (pane.query_one("#group").value, pane.query_one(".answer-scroll").loading,
                         release.is_set())
        pane.query_one("#group").value = ""
        release.set()
        await settle(app, pilot)
        seen["after"] = pane.query_one(".answer-scroll").loading

    import shunt.diagnose.audit as audit_mod

    real = audit_mod.audit

    def held_audit(*args, **kw):
        threads.append(threading.get_ident())
        release.wait(10)
        return real(*args, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(audit_mod, "audit", held_audit)
        mp.chdir(db.parent)
        drive(Path("shunt.db"), script)
    seen["threads"] = threads
    return seen


async def other_tabs_and_screens(app, pilot, seen, hold_audit=None):
    """Ask the trace tab's mismatch and every other tab's question, each screen recorded at 120x40, then at
    80x24 (the answers re-laid out at the new width). `hold_audit` asks audit its own way."""
    await fill(app, pilot, buyer="tb_buyer36")
    seen["screen", "trace", 120, 40] = await steady_screen(app, pilot)
    for key, tab, values in (("f2", "silent", SILENT), ("f3", "received", RECEIVED), ("f4", "audit", AUDIT),
                             ("f5", "balance", BALANCE)):
        await pilot.press(key)
        pane = app.query_one(f"#{tab}")
        if tab == "audit" and hold_audit is not None:
            await hold_audit(app, pilot, pane, values)
        else:
            await fill(app, pilot, **values)
        seen[tab] = text_of(pane.query_one(".answer")), text_of(pane.query_one(".command"))
        seen["screen", tab, 120, 40] = await steady_screen(app, pilot)
    await pilot.resize_terminal(80, 24)
    for n, tab in ((5, "balance"), (1, "trace"), (2, "silent"), (3, "received"), (4, "audit")):
        await pilot.press(f"f{n}")  # the tab, its first field focused
        await pilot.pause()  # (its re-layout at the new width, however busy the machine)
        seen["screen", tab, 80, 24] = await steady_screen(app, pilot)


@pytest.fixture(scope="module")
def tour_zh(db):
    """The same questions and screens with --lang zh (the app takes the language chosen before it starts)."""
    from shunt import i18n

    seen: dict = {}

    async def script(app, pilot):
        await other_tabs_and_screens(app, pilot, seen)
        return seen

    i18n.set_lang("zh")
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.chdir(db.parent)
            return drive(Path("shunt.db"), script)
    finally:
        i18n.set_lang(None)


def test_trace_completion_its_dates_and_an_older_one(db, tour):
    latest = shunt_json("trace", "tb_vip01", "--date", "2026-11-11", db=db)["nodes"][0]["consult"]
    other = shunt_json("trace", "tb_vip01", "--date", "2026-11-10", db=db)["nodes"][0]["consult"]
    assert tour["completed"] == "tb_vip01"  # the first nick in the database starting tb_vi
    assert tour["dates"] == ["2026-11-11", "2026-11-10", "2026-11-09"]  # its dates, latest first
    assert f"node {latest}" in tour["latest"]
    detail, command = tour["older"]
    assert f"node {other}" in detail
    assert f"shunt trace tb_vip01 --date 2026-11-10 --node {other}" in command


def test_trace_select_a_node_see_its_steps(db, tour):
    want = shunt_json("trace", "tb_buyer13", "--date", "2026-11-09", db=db)
    second = want["nodes"][1]
    assert tour["rows"] == len(want["nodes"]) == 2
    detail, command = tour["second"]
    assert f"node {second['consult']}" in detail
    for step in second["replay"]["steps"]:
        assert step["rule"] in detail
    assert f"shunt trace tb_buyer13 --date 2026-11-09 --node {second['consult']}" in command


def test_y_copies_the_equivalent_command_and_it_answers_the_same_node(db, tour):
    copied = tour["copied"]
    assert copied.startswith("shunt trace tb_buyer13 --date 2026-11-09 --node ")
    argv = copied.split()[1:]
    assert shunt_json(*argv, db=db)["nodes"][0]["consult"] == tour["second"][0].split("node ")[1].split()[0]


def test_trace_unknown_buyer_shows_the_nearest_names(db, tour):
    res = shunt("trace", "tb_buyr05", db=db)
    assert res.exit_code == 1
    nearest = res.stderr.split("nearest:")[1].splitlines()[0].strip()
    assert "no buyer 'tb_buyr05'" in tour["unknown"]
    assert "nearest: " + nearest in tour["unknown"]


def test_trace_mismatch_shows_the_fact_that_breaks_it(db, tour):
    want = shunt_json("trace", "tb_buyer36", "--date", "2026-11-10", db=db)["nodes"][0]
    assert want["replay"]["match"] is False
    for fact in want["replay"]["findings"]:
        assert "✗ " + fact in " ".join(tour["mismatch"].split())


def test_why_silent_tab(db, tour):
    want = shunt_json("why-silent", SILENT["account"], "--at", SILENT["at"], db=db)
    answer, command = tour["silent"]
    assert want["receiving"] is False
    assert "not receiving" in answer
    for cause in want["causes"]:
        assert f"[{cause['code']}]" in answer
    assert "shunt why-silent zhenpin:小李 --at 2026-11-11T09:45:00+08:00 --window 24h" in command


def test_why_silent_tab_shows_the_funnel_of_the_windows_counts(db, tour):
    """The command's funnel (render.funnel) in the tab: the window's consults, each rule that passed the account
    by with its count, what it received, as `why-silent --json`'s window counts them."""
    window = shunt_json("why-silent", SILENT["account"], "--at", SILENT["at"], db=db)["window"]
    lines = [" ".join(line.split()) for line in tour["silent"][0].splitlines()]
    assert window["passed_by"]
    assert any(line.startswith(f"{window['consults']} ") and "consults in the window" in line for line in lines)
    for code, n in window["passed_by"].items():
        assert any(f"−{n} " in line and line.endswith(f"[{code}]") for line in lines), code
    assert any(f"received {window['received']} " in line for line in lines)


def test_balance_tab_shows_the_chart_first_then_the_commands_tables(db, tour):
    want = shunt_json("balance", "--date", BALANCE["date"], db=db)
    answer, command = tour["balance"]
    assert "shunt balance --date 2026-11-11" in command
    chart, tables = answer.index("load per"), answer.index("balance · zhenpin · 2026-11-11")
    assert chart < tables
    for a in want["accounts"]:
        assert a["account"] in answer[chart:tables]  # a chart row per account
        assert any(a["account"] in line and f" {a['received']:,} " in line for line in answer[tables:].splitlines())
    assert answer.count("load per") == 1  # not again under the tables
    assert tour["clicked"] == "shunt balance --date 2026-11-11"


def test_why_received_tab_with_an_expected_account(db, tour):
    want = shunt_json("why-received", RECEIVED["buyer"], "--at", RECEIVED["at"], "--expected", RECEIVED["expected"],
                      db=db)
    answer, command = tour["received"]
    assert f"received by {want['account']}" in answer
    assert f"node {want['consult']}" in answer
    assert "Why not zhenpin:小美" in answer
    assert "shunt why-received tb_buyer36 --at '2026-11-10 16:05:34' --expected zhenpin:小美" in command


def test_audit_tab(db, tour):
    want = shunt_json("audit", "--date", AUDIT["date"], db=db)
    answer, command = tour["audit"]
    assert f"{want['checked']} nodes checked: {want['matching']} follow the rules, {want['breaking']} breaks" in answer
    assert want["findings"][0]["examples"][0]["consult"] in answer
    assert "shunt audit --date 2026-11-10" in command


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width,height", SIZES)
def test_screens_are_the_committed_ones(request, lang, width, height):
    """Each tab's whole screen (answer shown) against tests/snapshots/ui/TAB-WxH-LANG.txt."""
    seen = request.getfixturevalue("tour" if lang == "en" else "tour_zh")
    diffs = [check_snapshot(f"{tab}-{width}x{height}-{lang}", seen["screen", tab, width, height]) for tab in TABS]
    assert not any(diffs), "\n".join(d for d in diffs if d)


def test_chinese_screens_say_it_in_chinese(tour_zh):
    """Under --lang zh the app's own words are Chinese (tabs, fields, keys), the nicks and commands unchanged."""
    trace = tour_zh["screen", "trace", 120, 40]
    lines = trace.splitlines()
    tabs, header, footer = lines[1], next(line for line in lines if "16:05:30" in line), lines[-1]
    header = lines[lines.index(header) - 1].split("╭")[0]  # the node list's column names (the detail beside)
    assert tabs.split() == ["分流记录", "收不到消息", "收到错误消息", "分流自查", "分流均衡"]
    for word in ("时间", "来源", "原因", "客服", "分组"):
        assert word in header, word
    assert "搜索" in footer and "离开输入框" in footer
    assert not re.search("[a-z]{4}", header + footer.replace("esc", "")), (header, footer)
    assert "$ shunt trace tb_buyer36 --date 2026-11-10 --node c-0040" in trace
    assert "搜索" in tour_zh["screen", "silent", 80, 24].splitlines()[-1]


def test_the_node_list_fits_80_columns(db, tour):
    """At 80 columns the node list spans the width above the detail: every column, the agent and group too."""
    screen = tour["screen", "trace", 80, 24]
    row = next(line for line in screen.splitlines() if "16:05:30" in line)
    assert "小李" in row and "g_pre" in row


def test_a_question_runs_off_the_ui_thread_with_a_loading_state(tour):
    """While audit works (held on an event in the tour), the answer pane shows the loading indicator and the app
    still takes keys; released, the answer appears. On the UI thread, the key would wait for the event (10 s)."""
    typed, loading, released = tour["while"]
    assert tour["threads"] and tour["threads"][0] != threading.main_thread().ident
    assert typed == "x" and loading is True and not released
    assert "nodes checked" in tour["audit"][0] and tour["after"] is False


def test_q_quits_outside_a_field_and_types_inside_one(tour):
    assert tour["while"][0] == "x"  # typed into the group field
    assert tour["running"] is False


def test_mask_hides_the_buyer_everywhere_and_the_command_says_so(db):
    async def script(app, pilot):
        await fill(app, pilot, buyer="tb_buyer13")
        return app.export_screenshot(), text_of(app.query_one("#detail")), text_of(app.query_one("#trace-command"))

    svg, detail, command = drive(db, script, mask=True)
    assert "tb_buyer13" not in detail
    assert '"$BUYER"' in command and "--mask" in command and "tb_buyer13" not in command
    # the only place the nick shows is the field the user typed it into
    assert svg.count("tb_buyer13") <= 1


def test_without_textual_it_says_how_to_install(db, monkeypatch):
    monkeypatch.setitem(sys.modules, "textual", None)  # import textual -> ImportError
    res = shunt("ui", db=db)
    assert res.exit_code == 2
    assert "pip install 'shunt[ui]'" in res.stderr
    assert "Traceback" not in res.stderr + res.stdout


def test_without_a_terminal_it_refuses_and_names_the_commands(db):
    res = shunt("ui", db=db)  # CliRunner: no terminal
    assert res.exit_code == 2
    assert "needs a terminal" in res.stderr and "shunt trace" in res.stderr


def test_other_commands_do_not_import_textual(db):
    code = ("import sys\nfrom shunt.cli import main\nsys.argv = ['shunt', 'trace', 'tb_buyer05', '--db', sys.argv[1]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nprint('textual' in sys.modules, file=sys.stderr)")
    res = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert res.stderr.strip().endswith("False"), res.stderr
