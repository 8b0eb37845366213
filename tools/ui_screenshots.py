"""Write docs/ui/*.svg: a screenshot of each tab of `shunt ui` on the demo shop (120x40), in English, and the
trace and why-silent tabs in Chinese (`-zh`).

Run from the repository: PYTHONPATH=src python tools/ui_screenshots.py
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SHOTS = [  # tab, its key, fields, file
    ("trace", "f1", {"buyer": "tb_buyer36"}, "trace"),
    ("silent", "f2", {"account": "zhenpin:小丙", "at": "2026-11-11 12:00:00"}, "why-silent"),
    ("received", "f3", {"buyer": "tb_buyer05", "at": "2026-11-11 14:50:26", "expected": "zhenpin:阿甲"},
     "why-received"),
    ("audit", "f4", {"date": "2026-11-10"}, "audit"),
    ("balance", "f5", {"date": "2026-11-11"}, "balance"),
]


async def shoot(db: Path, out: Path, lang: str, only: tuple[str, ...] | None = None) -> None:
    from shunt import i18n
    from shunt.ui.app import ShuntApp
    from shunt.ui.session import Session

    i18n.set_lang(lang)
    app = ShuntApp(Session(db, None, False))
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for tab, key, fields, name in SHOTS:
            if only and tab not in only:
                continue
            await pilot.press(key)
            pane = app.query_one(f"#{tab}")
            for field, value in fields.items():
                pane.query_one(f"#{field}").value = value
            pane.query_one(f"#{list(fields)[-1]}").focus()
            await pilot.press("enter")
            await app.workers.wait_for_complete()  # the question runs in a worker thread
            await pilot.pause()
            path = out / (name + ("" if lang == "en" else f"-{lang}") + ".svg")
            app.save_screenshot(str(path))
            print("wrote", path.relative_to(ROOT))


def main() -> None:
    import os

    from shunt.store import load_files

    out = ROOT / "docs" / "ui"
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # the commands shown say no --db: ./shunt.db
        load_files("shunt.db", [ROOT / "sample_data" / "zhenpin.jsonl"])
        asyncio.run(shoot(Path("shunt.db"), out, "en"))
        asyncio.run(shoot(Path("shunt.db"), out, "zh", ("trace", "silent")))


if __name__ == "__main__":
    main()
