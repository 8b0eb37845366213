"""Write docs/ui/*.svg: a screenshot of each tab of `shunt ui` on the demo shop (120x40, English labels).

Run from the repository: PYTHONPATH=src python tools/ui_screenshots.py
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SHOTS = [  # tab, fields, file
    ("trace", {"buyer": "tb_buyer36"}, "trace.svg"),
    ("silent", {"account": "zhenpin:小李", "at": "2026-11-11 09:45:00"}, "why-silent.svg"),
    ("received", {"buyer": "tb_buyer05", "at": "2026-11-11 14:50:26", "expected": "zhenpin:阿甲"}, "why-received.svg"),
    ("audit", {"date": "2026-11-10"}, "audit.svg"),
]


async def shoot(db: Path, out: Path) -> None:
    from shunt.ui.app import ShuntApp
    from shunt.ui.session import Session

    for tab, fields, name in SHOTS:
        app = ShuntApp(Session(db, None, False))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.action_tab(tab)
            pane = app.query_one("TabbedContent").active_pane
            for key, value in fields.items():
                pane.query_one(f"#{key}").value = value
            pane.query_one(f"#{list(fields)[-1]}").focus()
            await pilot.press("enter")
            await app.workers.wait_for_complete()  # the question runs in a worker thread
            await pilot.pause()
            app.save_screenshot(str(out / name))
        print("wrote", out / name)


def main() -> None:
    import os

    from shunt.store import load_files

    out = ROOT / "docs" / "ui"
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # the commands shown say --db demo.db
        load_files("demo.db", [ROOT / "sample_data" / "zhenpin.jsonl"])
        asyncio.run(shoot(Path("demo.db"), out))


if __name__ == "__main__":
    main()
