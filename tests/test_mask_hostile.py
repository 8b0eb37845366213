"""Issue 14 item 6: --mask never leaks, whatever the nick: errors keep the nick as a value and mask it before
quoting it, so a nick with a backslash, a tab, a quote, a zero-width or a control character is hidden in
every spelling. simulate and balance take --mask too."""

from __future__ import annotations

import json
import re

import pytest

from cli_helpers import SAMPLE, runner
from shunt.cli import app
from shunt.render.text import mask_nick, plain

# sample buyer -> hostile nick (tb_buyer20 sent a message at 10:25:07; tb_buyer41/42/44 move under round_robin)
HOSTILE = {
    "tb_buyer05": "tb\\back\\slash",
    "tb_buyer20": "tb\ttab\tnick",
    "tb_buyer41": "tb'quote'nick",
    "tb_buyer42": "tb\u200bzero\u200bwidth",
    "tb_buyer44": "tb\x07bel\x1b[2Jesc",
    "tb_buyer36": 'tb"dq\\u0041\x00nul',
}


def spellings(nick: str) -> set[str]:
    """Every way an output could show `nick`: as is, Python-quoted, JSON-escaped, made visible."""
    return {nick, repr(nick)[1:-1], json.dumps(nick)[1:-1], json.dumps(nick, ensure_ascii=False)[1:-1],
            plain(nick), nick.encode("unicode_escape").decode("ascii"), plain(repr(nick))[1:-1]}


def shown(nick: str, text: str) -> bool:
    """Whether `text` shows `nick` in any spelling (a tab may have been expanded into spaces)."""
    return any(re.search("".join("(?:\t| +)" if c == "\t" else re.escape(c) for c in s), text)
               for s in spellings(nick))


def leaked(text: str) -> list[str]:
    return sorted(n for n in HOSTILE.values() if shown(n, text))


def _rename(obj):
    if isinstance(obj, dict):
        return {k: _rename(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rename(v) for v in obj]
    return HOSTILE.get(obj, obj) if isinstance(obj, str) else obj


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    log = d / "hostile.jsonl"
    with open(SAMPLE / "zhenpin.jsonl", encoding="utf-8") as src, open(log, "w", encoding="utf-8") as out:
        for line in src:
            if line.strip():
                out.write(json.dumps(_rename(json.loads(line)), ensure_ascii=False) + "\n")
    path = d / "h.db"
    res = runner().invoke(app, ["load", str(log), "--db", str(path)], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    change = d / "rr.json"
    change.write_text(json.dumps({"settings": {"strategy": "round_robin"},
                                  "exclusive": [{"buyer": HOSTILE["tb_buyer05"], "agent": "zhenpin:小丙",
                                                 "mode": "priority"}]}), encoding="utf-8")
    return path, change


def both(args, db):
    out = []
    for extra in ((), ("--json",)):
        res = runner().invoke(app, [*map(str, args), *extra, "--db", str(db)], catch_exceptions=False,
                              env={"COLUMNS": "250"})
        out.append((res.exit_code, res.stdout + "\n" + res.stderr))
    return out


QUESTIONS = [
    # (args, exit code): no message at that second; no such node that day; answered; unknown buyer
    (["why-received", HOSTILE["tb_buyer20"], "--at", "2026-11-11 03:00:00"], 1),
    (["trace", HOSTILE["tb_buyer05"], "--date", "2026-11-11", "--node", "nope"], 1),
    (["trace", HOSTILE["tb_buyer44"], "--date", "2026-11-11", "--node", "nope"], 1),
    (["trace", HOSTILE["tb_buyer05"], "--date", "2026-11-11", "--detail"], 0),
    (["why-received", HOSTILE["tb_buyer20"], "--at", "2026-11-11 10:25:07"], 0),
    (["trace", HOSTILE["tb_buyer41"] + "x", "--date", "2026-11-11"], 1),
    (["why-received", HOSTILE["tb_buyer36"] + "\x01", "--at", "2026-11-11 03:00:00"], 1),
]


@pytest.mark.parametrize("q,code", QUESTIONS, ids=lambda q: repr(q)[:40])
def test_mask_hides_hostile_nicks_in_errors_and_answers(db, q, code):
    path, _ = db
    for got, text in both([*q, "--mask"], path):
        assert got == code, text
        assert not leaked(text), f"{leaked(text)} in:\n{text}"
        if q[1] in HOSTILE.values():
            assert plain(mask_nick(q[1]))[:4] in text or mask_nick(q[1])[-12:] in text, text
    # the check can fail: without --mask the asked nick is shown
    for _, text in both(q, path):
        assert shown(q[1], text), text


def test_simulate_mask_hides_moved_and_exclusive_buyers(db):
    path, change = db
    plain_out = both(["simulate", "--config", change, "--date", "2026-11-11"], path)
    assert all(code == 0 for code, _ in plain_out), plain_out
    assert all(leaked(text) for _, text in plain_out), "moved hostile buyers are listed without --mask"
    for code, text in both(["simulate", "--config", change, "--date", "2026-11-11", "--mask"], path):
        assert code == 0, text
        assert not leaked(text), f"{leaked(text)} in:\n{text}"
        assert not any(f"tb_buyer{i:02d}" in text for i in range(100)), "every buyer masked, not only hostile ones"


def test_balance_takes_mask(db, tmp_path):
    path, _ = db
    html = tmp_path / "b.html"
    for code, text in both(["balance", "--date", "2026-11-11", "--mask", "--html", html], path):
        assert code == 0, text
        assert not leaked(text + html.read_text(encoding="utf-8"))
