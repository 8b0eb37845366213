"""`shunt ui` driven headless with Textual's pilot on the demo shop: each tab shows what the command answers."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from cli_helpers import ROOT, SAMPLE, shunt, shunt_json

pytest.importorskip("textual")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("ui") / "shunt.db"
    res = shunt("load", str(SAMPLE / "zhenpin.jsonl"), db=path)
    assert res.exit_code == 0, res.stderr
    return path


def text_of(widget) -> str:
    """What a Static shows, as plain text (rendered wide, so that nothing is cut)."""
    from rich.console import Console

    con = Console(width=200, record=True, file=open("/dev/null", "w") if sys.platform != "win32" else None)
    con.print(widget.content)
    return con.export_text()


def drive(db, script, mask=False, size=(120, 40)):
    """Run the app on `db`, call `script(app, pilot)` (a coroutine), return its result."""
    from shunt.ui.app import ShuntApp
    from shunt.ui.session import Session

    async def main():
        app = ShuntApp(Session(db, None, mask))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            return await script(app, pilot)

    return asyncio.run(main())


async def fill(app, pilot, **values):
    """Fill the active tab's fields (as pasted) and press Enter in the last one."""
    pane = app.query_one("TabbedContent").active_pane
    for key, value in values.items():
        field = pane.query_one(f"#{key}")
        field.value = value
    field.focus()
    await pilot.press("enter")


def test_trace_type_a_buyer_pick_a_date_select_a_node_see_its_steps(db):
    want = shunt_json("trace", "tb_buyer13", "--date", "2026-11-09", db=db)
    second = want["nodes"][1]

    async def script(app, pilot):
        from textual.widgets import DataTable, Select

        await pilot.press(*"tb_buyer13", "enter")
        await pilot.pause()
        select = app.query_one("#date", Select)
        days = [str(o[0]) for o in select._options if o[1] is not Select.BLANK]
        select.value = "2026-11-09"
        await pilot.pause()
        table = app.query_one("#nodes", DataTable)
        rows = table.row_count
        table.focus()
        await pilot.press("down")
        await pilot.pause()
        return days, rows, text_of(app.query_one("#detail")), text_of(app.query_one("#trace-command"))

    days, rows, detail, command = drive(db, script)
    assert "2026-11-09" in days
    assert rows == len(want["nodes"]) == 2
    assert f"node {second['consult']}" in detail
    for step in second["replay"]["steps"]:
        assert step["rule"] in detail
    assert f"shunt trace tb_buyer13 --date 2026-11-09 --node {second['consult']}" in command


def test_trace_pick_another_date_with_the_keyboard(db):
    latest = shunt_json("trace", "tb_vip01", "--date", "2026-11-11", db=db)["nodes"][0]["consult"]
    other = shunt_json("trace", "tb_vip01", "--date", "2026-11-10", db=db)["nodes"][0]["consult"]

    async def script(app, pilot):
        await pilot.press(*"tb_vip01", "enter")
        await pilot.pause()
        first = text_of(app.query_one("#detail"))
        await pilot.press("tab", "enter", "down", "enter")  # the date picker: open, the next (older) date, take it
        await pilot.pause()
        return first, text_of(app.query_one("#detail")), text_of(app.query_one("#trace-command"))

    first, second, command = drive(db, script)
    assert f"node {latest}" in first
    assert f"node {other}" in second
    assert f"--date 2026-11-10 --node {other}" in command


def test_trace_mismatch_shows_the_fact_that_breaks_it(db):
    want = shunt_json("trace", "tb_buyer36", "--date", "2026-11-10", db=db)["nodes"][0]
    assert want["replay"]["match"] is False

    async def script(app, pilot):
        app.query_one("#buyer").value = "tb_buyer36"
        app.query_one("#buyer").focus()
        await pilot.press("enter")
        await pilot.pause()
        return text_of(app.query_one("#detail"))

    detail = drive(db, script)
    for fact in want["replay"]["findings"]:
        assert "✗ " + fact in " ".join(detail.split())


def test_buyer_completion_comes_from_the_database(db):
    async def script(app, pilot):
        await pilot.press(*"tb_vi")
        await pilot.pause()
        await pilot.press("right")  # accept the suggestion
        return app.query_one("#buyer").value

    assert drive(db, script) == "tb_vip01"


def test_unknown_buyer_shows_the_nearest_names(db):
    res = shunt("trace", "tb_buyr05", db=db)
    assert res.exit_code == 1
    nearest = res.stderr.split("nearest:")[1].splitlines()[0].strip()

    async def script(app, pilot):
        await pilot.press(*"tb_buyr05", "enter")
        await pilot.pause()
        return text_of(app.query_one("#detail"))

    detail = drive(db, script)
    assert "no buyer 'tb_buyr05'" in detail
    assert "nearest: " + nearest in detail


def test_why_silent_tab(db):
    want = shunt_json("why-silent", "zhenpin:小李", "--at", "2026-11-11 09:45:00", db=db)

    async def script(app, pilot):
        await pilot.press("f2")
        await fill(app, pilot, account="zhenpin:小李", at="2026-11-11 09:45:00")
        await pilot.pause()
        tab = app.query_one("#silent")
        return text_of(tab.query_one(".answer")), text_of(tab.query_one(".command"))

    answer, command = drive(db, script)
    assert want["receiving"] is False
    assert "not receiving" in answer
    for cause in want["causes"]:
        assert f"[{cause['code']}]" in answer
    assert "shunt why-silent zhenpin:小李 --at 2026-11-11T09:45:00+08:00 --window 24h" in command


def test_why_received_tab_with_an_expected_account(db):
    want = shunt_json("why-received", "tb_buyer36", "--at", "2026-11-10 16:05:34", "--expected", "zhenpin:小美", db=db)

    async def script(app, pilot):
        await pilot.press("f3")
        await fill(app, pilot, buyer="tb_buyer36", at="2026-11-10 16:05:34", expected="zhenpin:小美")
        await pilot.pause()
        tab = app.query_one("#received")
        return text_of(tab.query_one(".answer")), text_of(tab.query_one(".command"))

    answer, command = drive(db, script)
    assert f"received by {want['account']}" in answer
    assert f"node {want['consult']}" in answer
    assert "Why not zhenpin:小美" in answer
    assert "shunt why-received tb_buyer36 --at '2026-11-10 16:05:34' --expected zhenpin:小美" in command


def test_audit_tab(db):
    want = shunt_json("audit", "--date", "2026-11-10", db=db)

    async def script(app, pilot):
        await pilot.press("f4")
        await fill(app, pilot, date="2026-11-10")
        await pilot.pause()
        return text_of(app.query_one("#audit").query_one(".answer"))

    answer = drive(db, script)
    assert f"{want['checked']} nodes checked: {want['matching']} follow the rules, {want['breaking']} breaks" in answer
    assert want["findings"][0]["examples"][0]["consult"] in answer


def test_mask_hides_the_buyer_everywhere_and_the_command_says_so(db):
    async def script(app, pilot):
        await pilot.press(*"tb_buyer13", "enter")
        await pilot.pause()
        svg = app.export_screenshot()
        return svg, text_of(app.query_one("#detail")), text_of(app.query_one("#trace-command"))

    svg, detail, command = drive(db, script, mask=True)
    assert "tb_buyer13" not in detail
    assert '"$BUYER"' in command and "--mask" in command and "tb_buyer13" not in command
    # the only place the nick shows is the field the user typed it into
    assert svg.count("tb_buyer13") <= 1


def test_y_copies_the_equivalent_command(db):
    async def script(app, pilot):
        await pilot.press(*"tb_buyer05", "enter")
        await pilot.pause()
        await pilot.press("escape", "y")
        return app.clipboard

    copied = drive(db, script)
    assert copied.startswith("shunt trace tb_buyer05 --date 2026-11-11 --node c-0061 --db ")
    # the copied command answers: the same node
    argv = copied.split()[1:]
    assert shunt_json(*argv[:-2], db=db)["nodes"][0]["consult"] == "c-0061"


def test_q_quits_outside_a_field_and_types_inside_one(db):
    async def script(app, pilot):
        await pilot.press("q")
        typed = app.query_one("#buyer").value
        await pilot.press("escape", "q")
        await pilot.pause()
        return typed, app.is_running

    typed, running = drive(db, script)
    assert typed == "q"
    assert running is False


def test_small_screen_renders_every_tab(db):
    async def script(app, pilot):
        seen = []
        for key in ("f1", "f2", "f3", "f4"):
            await pilot.press(key)
            await pilot.pause()
            seen.append(app.query_one("TabbedContent").active)
        return seen

    assert drive(db, script, size=(80, 24)) == ["trace", "silent", "received", "audit"]


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
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")})
    assert res.stderr.strip().endswith("False"), res.stderr
