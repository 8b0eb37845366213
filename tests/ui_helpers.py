"""Driving `shunt ui` headless (Textual's pilot) and pinning its screens as text (tests/snapshots/ui/)."""

from __future__ import annotations

import asyncio
import difflib
import io
import os
from pathlib import Path

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "ui"
UPDATE = "SHUNT_UPDATE_SNAPSHOTS"  # =1: rewrite the committed screens instead of comparing


def text_of(widget) -> str:
    """What a Static shows, as plain text (rendered wide, so that nothing is cut)."""
    from rich.console import Console

    con = Console(width=200, record=True, file=io.StringIO())
    con.print(widget.content)
    return con.export_text()


def screen_text(app) -> str:
    """The whole screen as text, as `App.export_screenshot` composes it (without its SVG styling), each line's
    trailing blanks dropped: what a reviewer reads in a diff."""
    from rich.console import Console

    width, height = app.size
    con = Console(width=width, height=height, file=io.StringIO(), record=True, force_terminal=True,
                  color_system="truecolor", legacy_windows=False, safe_box=False)
    con.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=True))
    return "\n".join(line.rstrip() for line in con.export_text().splitlines()) + "\n"


def _tables_pending(app) -> bool:
    """A DataTable of the screen still has rows or cells whose widths it has not measured (it does so
    on its next Idle event, which a starved event loop may not have reached yet)."""
    from textual.widgets import DataTable

    return any(t._updated_cells or t._require_update_dimensions or t._new_rows  # (Textual's own flags)
               for t in app.screen.query(DataTable))


async def steady_screen(app, pilot, tries: int = 60) -> str:
    """The screen once every table has measured its columns, has been repainted whole, and two reads a
    moment apart agree (no refresh or late worker still changing it): on a loaded machine a single read
    may catch a table between its rows and its columns' widths, or keep a header line painted before
    its columns were measured (seen: the trace 120x40 zh screen's header at its labels' widths under
    the data rows at their full widths)."""
    from textual.widgets import DataTable

    last = None
    for _ in range(tries):
        await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        if _tables_pending(app):
            last = None
            continue
        for table in app.screen.query(DataTable):
            table.refresh()  # every line repainted: a partial refresh under load can leave the header's old strip
        await pilot.pause()
        now = screen_text(app)
        if now == last:
            return now
        last = now
    return screen_text(app)


def check_snapshot(name: str, text: str) -> str | None:
    """None when `text` is the committed tests/snapshots/ui/NAME.txt (or was just written under UPDATE=1),
    else a unified diff."""
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get(UPDATE):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return None
    if not path.exists():
        return f"{path.name}: no committed screen (run with {UPDATE}=1 and review the file)"
    want = path.read_text(encoding="utf-8")
    if want == text:
        return None
    diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True), f"committed {path.name}",
                                        "on screen now"))
    return diff + (f"\n(an intended change, e.g. a view's wording? rewrite with {UPDATE}=1 pytest tests/test_ui.py "
                   "and review the diff of tests/snapshots/ui/)")


def drive(db, script, mask=False, size=(120, 40)):
    """Run the app on `db`, call `script(app, pilot)` (a coroutine), return its result."""
    from shunt.ui.app import ShuntApp
    from shunt.ui.session import Session

    async def main():
        app = ShuntApp(Session(db, None, mask))
        app.animation_level = "none"  # the tab underline's slide: a screen taken mid-way would differ
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            return await script(app, pilot)

    return asyncio.run(main())


async def settle(app, pilot) -> None:
    """Wait for the running questions (worker threads), then for the screen to show their answers."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()  # a DataTable sizes its header's columns on the refresh after its rows arrive
    await app.workers.wait_for_complete()  # (on a loaded machine a refresh may start another worker late)
    await pilot.pause()


async def fill(app, pilot, **values) -> None:
    """Fill the active tab's fields (as pasted), press Enter in the last one, wait for the answer."""
    pane = app.query_one("TabbedContent").active_pane
    for key, value in values.items():
        field = pane.query_one(f"#{key}")
        field.value = value
    field.focus()
    await pilot.press("enter")
    await settle(app, pilot)
