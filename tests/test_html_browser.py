"""The HTML reports in a real browser (headless Chromium): at a phone's width (360 px) and a desktop's
(1024 px), the hour axis labels are on screen, every account has a row, every row is visible and all
rows share one axis (same left edge, same width), and the page does not scroll sideways. Skipped when
Chromium is not installed (CI installs it: .ci/run).

The reports are loaded as-is into iframes of a harness page whose script measures them (the reports
themselves carry no script)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess

import pytest

from cli_helpers import SAMPLE, runner
from shunt.cli import app

WIDTHS = (360, 1024)


def _chromium() -> str | None:
    for name in (os.environ.get("SHUNT_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"):
        if name and (os.path.isfile(name) and os.access(name, os.X_OK) or shutil.which(name)):
            return shutil.which(name) or name
    return None


CHROMIUM = _chromium()
# CI (.ci/run) installs Chromium and sets SHUNT_REQUIRE_CHROMIUM=1: there a missing browser fails, not skips
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("SHUNT_REQUIRE_CHROMIUM"),
                                reason="chromium is not installed (CI installs it: .ci/run)")

MEASURE = """
function vis(el, w) { const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.left >= -0.5 && r.right <= w.innerWidth + 0.5; }
function measure(frame) {
  const d = frame.contentDocument, w = frame.contentWindow;
  const chart = d.querySelector('.chart');
  const axis = chart.querySelector('.axis');
  const ticks = [...axis.querySelectorAll('.tick')].filter(t => vis(t, w)).map(t => t.textContent);
  const rows = [...chart.querySelectorAll('.acct')].map(a => {
    const n = a.querySelector('.name'), s = a.querySelector('svg'), r = s.getBoundingClientRect();
    return {name: n.textContent, visible: vis(n, w) && vis(s, w), left: r.left, width: r.width}; });
  return {width: w.innerWidth, scroll: d.documentElement.scrollWidth, ticks: ticks, rows: rows,
          axis_left: axis.getBoundingClientRect().left, axis_width: axis.getBoundingClientRect().width};
}
window.addEventListener('load', () => {
  const pre = document.createElement('pre'); pre.id = 'result';
  pre.textContent = JSON.stringify([...document.querySelectorAll('iframe')].map(measure));
  document.body.appendChild(pre);
});
"""


def _in_browser(reports: list[str], tmp_path) -> list[list[dict]]:
    """Each report measured at each of WIDTHS, in one browser run: [[report 1 at 360, at 1024], ...]."""
    frames = "".join(f'<iframe width="{w}" height="2400" srcdoc="{html.escape(r, quote=True)}"></iframe>'
                     for r in reports for w in WIDTHS)
    harness = tmp_path / "harness.html"
    harness.write_text(f"<!doctype html><html><body>{frames}<script>{MEASURE}</script></body></html>",
                       encoding="utf-8")
    res = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,2600",
                          "--dump-dom", harness.as_uri()], capture_output=True, text=True, timeout=120)
    m = re.search(r'<pre id="result">(.*?)</pre>', res.stdout, re.S)
    assert m, (res.returncode, res.stdout[-2000:], res.stderr[-2000:])
    views = json.loads(html.unescape(m.group(1)))
    return [views[i:i + len(WIDTHS)] for i in range(0, len(views), len(WIDTHS))]


def _shop(tmp_path):
    db = tmp_path / "s.db"
    res = runner().invoke(app, ["load", str(SAMPLE / "zhenpin.jsonl"), "--db", str(db)])
    assert res.exit_code == 0, res.stderr
    return db


def _report(argv, db, tmp_path, name):
    out = tmp_path / name
    res = runner().invoke(app, [*argv, "--html", str(out), "--json", "--db", str(db)])
    assert res.exit_code == 0, res.stderr
    text = out.read_text(encoding="utf-8")
    # self-contained: nothing fetched, no script
    assert "<script" not in text and not re.search(r"\b(src|href)\s*=|url\(|@import", text)
    return text, json.loads(res.stdout)


def _one_axis(view):
    rows = view["rows"]
    assert rows and all(r["visible"] for r in rows), view
    assert len({round(r["left"], 1) for r in rows}) == 1 and len({round(r["width"], 1) for r in rows}) == 1, view
    assert abs(rows[0]["left"] - view["axis_left"]) < 1 and abs(rows[0]["width"] - view["axis_width"]) < 1, view
    assert view["scroll"] <= view["width"], view  # the page itself does not scroll sideways


def test_balance_simulate_and_why_silent_html_on_screen(tmp_path):
    assert CHROMIUM, "SHUNT_REQUIRE_CHROMIUM is set but no chromium was found"
    db = _shop(tmp_path)
    bal, doc = _report(["balance", "--date", "2026-11-11"], db, tmp_path, "balance.html")
    sim, sdoc = _report(["simulate", "-c", str(SAMPLE / "change-raise-limit.json"), "--date", "2026-11-11"], db,
                        tmp_path, "simulate.html")
    hours = [s[11:13] for s in doc["hourly"]["starts"]]
    silent, wdoc = _report(["why-silent", "zhenpin:小丙", "--at", "2026-11-11 21:00"], db, tmp_path, "silent.html")
    bal_views, sim_views, silent_views = _in_browser([bal, sim, silent], tmp_path)
    for view in bal_views:
        _one_axis(view)
        assert [r["name"] for r in view["rows"]] == [a["account"] for a in doc["accounts"]], view
        assert len(view["ticks"]) >= 4 and set(view["ticks"]) <= set(hours), view
        assert "00" in view["ticks"] and "12" in view["ticks"], view
    for view in sim_views:
        _one_axis(view)
        shown = [r["name"].split(" ")[0] for r in view["rows"]]
        assert shown == [a["account"] for a in sdoc["accounts"]], view
        assert view["ticks"][0] == "0" and len(view["ticks"]) >= 3, view
    w = wdoc["window"]
    stages = sum(1 for n in [w["direct"], w["lost_draw"], w["rules_give_it"], *w["passed_by"].values()] if n)
    for view in silent_views:  # the funnel: the window, a bar per rule that passed the account by, received
        _one_axis(view)
        assert len(view["rows"]) == stages + 2, view
        assert view["rows"][0]["name"].startswith(f"{w['consults']} ") and "received" in view["rows"][-1]["name"]
