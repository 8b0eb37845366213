"""Nicks, group ids and reason codes carrying rich markup, ANSI/OSC escapes and control characters
(issue 6): the human view prints them literally or visibly escaped, never interpreted; JSON keeps the
exact string."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli_helpers import runner
from shunt.cli import app
from shunt.render.text import plain

SHOP = "ev"
T = 1794326400000  # 2026-11-11T00:00:00+08:00
MIN = 60_000

BUYERS = {
    "markup": "[bold]tb_bold[/bold]",
    "link": "[link=https://evil.example]tb_link[/link]",
    "close": "tb_[/]close",
    "ansi": "tb_\x1b[2J\x1b[5;35mansi",
    "osc8": "tb_\x1b]8;;https://evil.example\x07osc\x1b]8;;\x07",
    "title": "tb_\x1b]0;owned\x07title",
    "cr": "tb_cr\rOVERWRITE",
    "bidi": "tb_\u202eevil",
    "c1": "tb_c1\x9b31m",
    "emoji": "tb_:smile:",
    "nul": "tb_nul\x00x",
    "bell": "tb_\x07\x08bs",
}
AGENT = f"{SHOP}:[bold red]坏[/]\x1b[5m"
AGENT2 = f"{SHOP}:[link=https://evil.example]x[/link]"
GROUP = "g[red]1\x1b]8;;https://evil.example\x07"
REASON = "reception_rate"
ODD_REASON = "[blink]odd\x1b[2J"

# sequences that would act on a terminal if printed raw
RAW = ["\x1b", "\x07", "\r", "\x00", "\x9b", "\u202e", "\x08"]


def events() -> list[dict]:
    evs: list[dict] = [
        {"type": "shop_config", "ts": T, "shop": SHOP, "id": "cfg", "timezone": "Asia/Shanghai",
         "settings": {"recent_contact_hours": 0, "strategy": "reception_rate", "assistant": None},
         "agents": [{"account": AGENT, "max_sessions": 1}, {"account": AGENT2, "max_sessions": 50}],
         "groups": [{"id": GROUP, "name": "[bold]组\x1b[2J", "members": [AGENT, AGENT2]}],
         "exclusive": [{"buyer": BUYERS["link"], "agent": AGENT2, "mode": "priority"}]},
        {"type": "agent_status", "ts": T, "shop": SHOP, "account": AGENT, "status": "online"},
        {"type": "agent_status", "ts": T, "shop": SHOP, "account": AGENT2, "status": "online"},
    ]
    for i, (key, buyer) in enumerate(BUYERS.items()):
        t = T + (i + 1) * 10 * MIN
        reason = ODD_REASON if key == "cr" else REASON
        evs.append({"type": "consult", "ts": t, "shop": SHOP, "id": f"c{i}", "buyer": buyer, "source": "item_page",
                    "routed": {"agent": AGENT if i % 2 else AGENT2, "group": GROUP, "reason": reason}})
        evs.append({"type": "message", "ts": t + 5000, "shop": SHOP, "buyer": buyer, "sender": "buyer",
                    "account": AGENT if i % 2 else AGENT2, "consult": f"c{i}"})
    return evs


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    d = tmp_path_factory.mktemp("evil")
    log = d / "evil.jsonl"
    log.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events()), encoding="utf-8")
    path = d / "s.db"
    res = invoke(["load", str(log)], path)
    assert res.exit_code == 0, res.stderr
    return path


def invoke(args, db, color=False):
    env = {"COLUMNS": "400", "TERM": "xterm-256color"}
    env.update({"FORCE_COLOR": "1"} if color else {"NO_COLOR": "1", "FORCE_COLOR": None, "TTY_COMPATIBLE": None})
    return runner().invoke(app, [*args, "--db", str(db)], catch_exceptions=False, env=env)


def at(i: int, plus: int = 5000) -> str:
    from datetime import datetime, timedelta, timezone

    ms = T + (i + 1) * 10 * MIN + plus
    return datetime.fromtimestamp(ms / 1000, timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")


def questions():
    for i, (key, buyer) in enumerate(BUYERS.items()):
        yield key, ["trace", buyer, "--date", "2026-11-11", "--detail"]
        yield key, ["why-received", buyer, "--at", at(i)]
    yield "agent", ["why-silent", AGENT, "--at", at(3, 60_000)]
    yield "agent2", ["why-silent", AGENT2, "--at", at(8, 60_000)]
    yield "unknown", ["trace", "tb_[bold]nobody\x1b[2J", "--date", "2026-11-11"]  # error path, nearest names


QUESTIONS = list(questions())


@pytest.mark.parametrize("key,args", QUESTIONS, ids=[f"{a[0]}-{k}" for k, a in QUESTIONS])
def test_human_view_prints_hostile_names_literally(db, key, args):
    res = invoke(args, db)
    out = res.stdout + res.stderr
    assert res.exit_code in (0, 1), out
    for raw in RAW:
        assert raw not in out, f"raw {raw!r} reached the terminal"
    if key in BUYERS and res.exit_code == 0:
        shown = plain(BUYERS[key])
        assert shown in out, f"{shown!r} not printed literally"
    if args[0] == "trace" and res.exit_code == 0:
        assert plain(GROUP) in out  # the group id, with its markup, as written
    if key == "cr" and args[0] == "trace":
        assert plain(ODD_REASON) in out  # a reason code from the log is not markup either


@pytest.mark.parametrize("key,args", QUESTIONS[:4] + QUESTIONS[-3:], ids=lambda x: x if isinstance(x, str) else x[0])
def test_colour_terminal_interprets_none_of_the_data(db, key, args):
    """With colours on, shunt's own styles appear, but none of the data's escapes or markup."""
    res = invoke(args, db, color=True)
    out = res.stdout + res.stderr
    assert res.exit_code in (0, 1), out
    for seq in ("\x1b[2J", "\x1b[5;35m", "\x1b[5m", "\x1b]8;", "\x1b]0;", "\x07", "\r", "\x00", "\x9b", "\u202e"):
        assert seq not in out, f"{seq!r} reached the terminal"
    if res.exit_code == 0:
        assert "[bold" in out or "[link" in out or "[/" in out  # markup shown as text, not applied


@pytest.mark.parametrize("key", list(BUYERS))
def test_json_keeps_the_exact_strings(db, key):
    buyer = BUYERS[key]
    res = invoke(["trace", buyer, "--date", "2026-11-11", "--json"], db)
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["buyer"] == buyer
    node = doc["nodes"][0]
    assert node["group"] == GROUP and node["agent"] in (AGENT, AGENT2)
    assert "\x1b" not in res.stdout  # JSON escapes control characters (\u001b); the value decodes back exactly


def test_load_errors_print_hostile_values_visibly(tmp_path):
    log = tmp_path / "bad\x1b[2Jname.jsonl"
    bad = [{"type": "consult", "ts": "\x1b]0;owned\x07", "shop": "x", "buyer": "b", "routed": {"reason": "r"}},
           {"type": "consult", "ts": T, "shop": "x", "buyer": "b", "routed": {"reason": "r"}, "source": "\x1b[2J[bold]"},
           {"type": "agent_status", "ts": T, "shop": "x", "account": "a", "status": "\x1b[5m[link=x]on"}]
    log.write_text("".join(json.dumps(e) + "\n" for e in bad), encoding="utf-8")
    res = runner().invoke(app, ["load", str(log), "--db", str(tmp_path / "s.db")], catch_exceptions=False)
    assert res.exit_code == 3
    for raw in RAW:
        assert raw not in res.stderr, raw
    assert "bad\\x1b[2Jname.jsonl:1: " in res.stderr and ":2: " in res.stderr and ":3: " in res.stderr


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_plain_makes_every_control_character_visible(s):
    out = plain(s)
    assert not any(ord(c) < 0x20 and c != "\t" or 0x7F <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E
                   or 0x2066 <= ord(c) <= 0x2069 for c in out)
    if not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069
               for c in s):
        assert out == s  # ordinary text (Chinese, markup brackets, emoji codes) is left as is
