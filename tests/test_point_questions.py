"""The point questions' fast path (issue 17): a node's state read on first use, the day's summary
replayed without its explanation, the group names read from the configs' bodies, and the import diet
of a trace run. Each answer must be the one the full, eager way gives."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from cli_helpers import load_sample

from shunt.commands.common import open_shop
from shunt.store import lookups
from shunt.store.lazy_state import settled

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return load_sample(tmp_path_factory.mktemp("points") / "s.db")


def test_lazy_maps_answer_alike_in_any_order(sample_db):
    """Asked key by key first, or iterated first: the same entries (a miss reads a whole block, an
    iteration reads the rest); an account the state does not cover has none."""
    shop = open_shop(sample_db, None)
    try:
        rows = list(lookups.consults_between(shop.conn, shop.sid, 0, 2 ** 62))
        assert len(rows) > 20
        for consult, _routed, uid in rows:
            whole = settled(shop.state_at(consult, uid))  # iterated first
            probe = shop.state_at(consult, uid)
            for a in [*whole.status, "zhenpin:nobody", consult.buyer, *(m for g in (whole.config.groups if whole.config
                                                                                     else ()) for m in g.members)]:
                assert probe.status.get(a) == whole.status.get(a), a
                assert probe.load.get(a, 0) == whole.load.get(a, 0), a
                assert (a in probe.conversion) == (a in whole.conversion), a
                assert probe.status_since.get(a) == whole.status_since.get(a), a
            assert settled(probe) == whole
            assert all(whole.load.values()) and None not in whole.status.values()
    finally:
        shop.conn.close()


def _human(result) -> str:
    from rich.console import Console

    from shunt.render import human

    buf = io.StringIO()
    human.trace(result, out=Console(file=buf, width=120, color_system=None, emoji=False, highlight=False))
    return buf.getvalue()


def test_the_brief_summary_reads_as_the_full_one(sample_db, tmp_path):
    """Every buyer-day of the sample with several nodes (and one with a node made not to match): the
    summary from brief replays prints what it prints from full ones, and the mismatch keeps its findings."""
    import shutil
    import sqlite3
    from collections import Counter
    from contextlib import closing

    from shunt.diagnose.trace import trace
    from shunt.timeutil import local_date

    db = tmp_path / "m.db"
    shutil.copy(sample_db, db)
    shop = open_shop(db, None)
    rows = list(lookups.consults_between(shop.conn, shop.sid, 0, 2 ** 62))
    days = Counter((c.buyer, local_date(c.ts, shop.tz)) for c, _r, _u in rows)
    several = sorted(k for k, n in days.items() if n > 1)
    assert len(several) >= 3
    buyer, day = several[0]
    shop.conn.close()
    odd = next(u for c, _r, u in rows if (c.buyer, local_date(c.ts, shop.tz)) == (buyer, day))
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE consults SET agent = 'zhenpin:nobody' WHERE uid = ?", (odd,))
    shop = open_shop(db, None)
    try:
        for buyer, day in several:
            full, brief = trace(shop, buyer, day), trace(shop, buyer, day, brief=True)
            assert _human(brief) == _human(full), (buyer, day)
            for b, f in zip(brief.nodes, full.nodes):
                assert (b.replay.match, b.replay.findings, b.group) == (f.replay.match, f.replay.findings, f.group)
        assert any(n.replay.match is False and n.replay.findings for n in trace(shop, *several[0], brief=True).nodes)
    finally:
        shop.conn.close()


def test_group_names_from_the_bodies_as_the_parsed_configs_name_them(tmp_path):
    """Names read at C speed from the bodies: ints as ids, a missing or empty name, a name equal to its
    id, a rename, and a value SQLite's types do not tell (true: parsed the slow way)."""
    from shunt.store.configs import group_names
    from shunt.store.db import open_db

    db = open_db(tmp_path / "g.db", create=True)
    db.execute("INSERT INTO shops(id, nick) VALUES (1, 'zhenpin')")

    def body(groups) -> str:
        return json.dumps({"settings": {}, "agents": [], "groups": groups, "exclusive": []}, ensure_ascii=False)

    rows = [(1, "c1", body([{"id": "g_pre", "name": "售前"}, {"id": 7, "name": "seven"}, {"id": "g_x"},
                            {"id": "g_y", "name": ""}, {"id": "g_z", "name": "g_z"}])),
            (2, "c2", body([{"id": "g_pre", "name": "售前二"}]))]
    for ts, uid, b in rows:
        db.execute("INSERT INTO configs(shop_id, ts, uid, body) VALUES (1, ?, ?, ?)", (ts, uid, b))
    assert group_names(db, 1) == {"g_pre": "售前二", "7": "seven"}
    db.execute("INSERT INTO configs(shop_id, ts, uid, body) VALUES (1, 3, 'c3', ?)", (body([{"id": "g_t", "name": True}]),))
    assert group_names(db, 1) == {"g_pre": "售前二", "7": "seven", "g_t": "True"}


def test_group_names_read_only_groups_given_as_an_array(tmp_path):
    """`groups` as an object, a scalar, null or missing names no group (the array's elements only)."""
    from shunt.store.configs import group_names
    from shunt.store.db import open_db

    db = open_db(tmp_path / "g.db", create=True)
    db.execute("INSERT INTO shops(id, nick) VALUES (1, 'zhenpin')")
    bodies = [{"groups": {"g_a": {"id": "g_a", "name": "甲"}}}, {"groups": {"id": "g_b", "name": "乙"}},
              {"groups": "g_c"}, {"groups": None}, {}, {"groups": [{"id": "g_d", "name": "丁"}]}]
    for i, b in enumerate(bodies):
        db.execute("INSERT INTO configs(shop_id, ts, uid, body) VALUES (1, ?, ?, ?)", (i, f"c{i}", json.dumps(b)))
    assert group_names(db, 1) == {"g_d": "丁"}


FORBIDDEN = ("sqlite_utils", "babel", "msgspec", "shunt.store.load", "shunt.generate", "shunt.diagnose.simulate",
             "shunt.diagnose.balance", "shunt.diagnose.period", "shunt.render.funnel", "textual")


@pytest.mark.parametrize("args", [["trace", "tb_buyer05", "--date", "2026-11-11"],
                                  ["why-received", "tb_buyer20", "--at", "2026-11-11 10:25:07"]])
def test_a_point_question_imports_only_what_it_uses(sample_db, args):
    """The import diet of the real entry point (shunt.cli.main), by sys.modules, not by time: no loader,
    no analytic command, no i18n tooling, no JSON encoder for a human answer, and typer builds only the
    command asked."""
    code = ("import sys, typer.main as tm\n"
            "built = []\n"
            "make = tm.get_command_from_info\n"
            "tm.get_command_from_info = lambda *a, **k: built.append(1) or make(*a, **k)\n"
            "from shunt.cli import main\n"
            f"sys.argv = ['shunt', *{args!r}, '--db', {str(sample_db)!r}]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            f"bad = [m for m in {FORBIDDEN!r} if m in sys.modules]\n"
            "print(code, len(built), bad, file=sys.stderr)")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100"}
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert res.stderr.strip().splitlines()[-1] == "0 1 []", res.stderr


def test_the_quick_check_of_why_silent_is_known_without_decision(sample_db):
    """passed_by.Quick (the config looked up once per account) answers as known_without_decision for every
    consult of the sample and every account it knows, the assistant, main account and proxies included."""
    from shunt import store
    from shunt.diagnose.passed_by import Quick, known_without_decision
    from shunt.engine.tracker import Tracker

    shop = open_shop(sample_db, None)
    try:
        tracker = Tracker()
        checks: dict[str, Quick] = {}
        seen = set()
        for consult, _routed, _none, _uid in store.sweep(shop.conn, shop.sid, 0, 2 ** 62, tracker=tracker, states=False):
            cfg = tracker.peek(consult).config
            accounts = [] if cfg is None else [a.account for a in cfg.agents] + [cfg.shop, "zhenpin:nobody"]
            for a in accounts + ([cfg.settings.assistant] if cfg is not None and cfg.settings.assistant else []):
                peek = tracker.peek(consult, a)
                want = known_without_decision(peek, consult, a)
                assert checks.setdefault(a, Quick(a)).code(peek, consult) == want, (consult.id, a)
                seen.add(want)
        assert {None, "offline", "no_traffic"} <= seen or {None, "offline"} <= seen
    finally:
        shop.conn.close()


@pytest.mark.parametrize("args", [["trace", "tb_buyer05", "--date", "2026-11-11", "--detail"],
                                  ["why-received", "tb_buyer05", "--at", "2026-11-11 14:50:26"],
                                  ["why-silent", "zhenpin:小李", "--at", "2026-11-11 12:00"]])
def test_group_names_read_when_first_shown_are_the_eager_ones(sample_db, monkeypatch, args):
    """The point questions tell the group names to the views lazily (read when a view first shows a group,
    in a sentence too); their human answers, English and Chinese, are the ones the names told at once give."""
    from cli_helpers import shunt

    import shunt.commands.names as names
    from shunt import i18n
    from shunt.render import words

    def answers() -> list[str]:
        out = []
        for lang in ("en", "zh"):
            # no group name told by an earlier answer of this process: the code words alone
            monkeypatch.setattr(i18n, "_value_words", words._codes_as_values())
            i18n._done.clear()
            res = shunt("--lang", lang, *args, db=sample_db)
            assert res.exit_code == 0, res.stderr
            out.append(res.stdout)
        return out

    lazy = answers()
    eager_name_groups = names.name_groups
    for mod in ("trace", "received", "silent"):
        monkeypatch.setattr(f"shunt.commands.{mod}.name_groups",
                            lambda conn, sid, later=False: eager_name_groups(conn, sid))
    assert lazy == answers()
    assert all(re.search(r"(乙组 g_yi|售前 g_pre)", text) for text in lazy)  # a group shown with its name


@pytest.mark.parametrize("order", ["forward", "backward", "shuffled"])
def test_statuses_carried_between_cuts_are_the_ones_read(sample_db, order):
    """Statuses lent by earlier cuts of the connection (store/carried.py: moved by the events between)
    equal each account's own status_at, whatever the order the nodes are replayed in; MAX_CHANGES lowered
    so that some gaps are read again."""
    import dataclasses
    import random

    from shunt.store import carried
    from shunt.store.states import status_at

    shop = open_shop(sample_db, None)
    try:
        rows = list(lookups.consults_between(shop.conn, shop.sid, 0, 2 ** 62))
        # and cuts at a status event's very ms, and just before it (the bounds of the events between)
        c0, _r0, u0 = rows[0]
        for (t,) in shop.conn.execute("SELECT ts FROM statuses WHERE shop_id = ? ORDER BY ts", (shop.sid,)):
            rows += [(dataclasses.replace(c0, ts=t + d), _r0, u0) for d in (-1, 0)]
        rows.sort(key=lambda r: r[0].ts)
        if order == "backward":
            rows.reverse()
        elif order == "shuffled":
            random.Random(17).shuffle(rows)
        lent = 0
        for i, (consult, _routed, uid) in enumerate(rows):
            carried.MAX_CHANGES = 256 if i % 3 else 2
            state = shop.state_at(consult, uid)
            accounts = list(state.status.keys()) + list(state.config.agents and [a.account for a in state.config.agents])
            for a in accounts:
                st = status_at(shop.conn, shop.sid, a, consult.ts)
                assert state.status.get(a) == (st[0] if st else None), (consult.id, a)
            lent += any(r[4] and r[3] < consult.ts for r in carried._readers)
        assert lent > len(rows) // 3 if order != "backward" else True  # (backward: no earlier cut to lend)
    finally:
        carried.MAX_CHANGES = 256
        shop.conn.close()


def test_last_event_before_reads_the_messages_only_when_their_span_crosses_the_end(sample_db, tmp_path):
    """why-silent's default moment after midnight: the kept span of the messages answers for them when
    they all fall before `end` or none does; the answer is the brute one (every table read) at every end,
    with the spans kept or not."""
    import shutil
    import sqlite3

    from shunt.store import periods, spans

    db = tmp_path / "s.db"
    shutil.copy(sample_db, db)
    conn = sqlite3.connect(db)
    sid = conn.execute("SELECT id FROM shops").fetchone()[0]
    tables = ("consults", "messages", "statuses", "session_ends", "configs", "stats", "logistics")

    def brute(end):
        got = [conn.execute(f"SELECT max(ts) FROM {t} WHERE shop_id = ? AND ts < ?", (sid, end)).fetchone()[0]
               for t in tables]
        return max((g for g in got if g is not None), default=None)

    first, last = conn.execute("SELECT min(ts), max(ts) FROM messages WHERE shop_id = ?", (sid,)).fetchone()
    ends = [0, first - 1, first, first + 1, (first + last) // 2, last, last + 1, last + 10**9]
    assert spans.span(conn, sid) == (first, last)  # (the loader kept them)
    for end in ends:
        assert periods.last_event_before(conn, sid, end) == brute(end), end
    conn.execute("UPDATE meta SET value = value - 1 WHERE key = 'msg_top'")  # not up to date: read as before
    assert spans.span(conn, sid) is None
    for end in ends:
        assert periods.last_event_before(conn, sid, end) == brute(end), end


def _names_kept_slowly(result) -> set[str]:
    """keep_names' rule written plainly: a str under a name key or field, at most 8 levels down, with a
    space inside (not only at its ends), at most 80 characters."""
    import dataclasses

    from shunt.render.layout import NAME_KEYS

    out: set[str] = set()

    def walk(o, key, depth):
        if depth > 8:
            return
        if isinstance(o, str):
            if key in NAME_KEYS and " " in o.strip() and len(o) <= 80:
                out.add(o.strip())
        elif dataclasses.is_dataclass(o) and not isinstance(o, type):
            for f in dataclasses.fields(o):
                walk(getattr(o, f.name), f.name, depth + 1)
        elif isinstance(o, dict):
            for k, v in o.items():
                walk(v, k if isinstance(k, str) else key, depth + 1)
        elif isinstance(o, (list, tuple, set, frozenset)):
            for v in o:
                walk(v, key, depth + 1)

    walk(result, None, 0)
    return out


def test_keep_names_finds_what_the_plain_rule_finds():
    """Names under name keys and fields at any depth up to 8, in dicts, lists, tuples, sets and frozen
    values (the candidates of a decision), inline or through a call: the same set as the plain walk."""
    from hypothesis import given, settings, strategies as st

    from shunt.engine.model import Candidate
    from shunt.render import layout

    keys = st.sampled_from(["account", "agents", "members", "name", "detail", "rotation", 3, None])
    texts = st.sampled_from(["zhenpin:Ann Lee", " Bob K ", "solo", "a" * 79 + " b", "x y" * 30, "", "g pre"])
    leaf = st.one_of(texts, st.integers(0, 3), st.none(), st.booleans())
    cand = st.builds(lambda a, w: Candidate(a, (a,), "online", 1, None, 1.0, 0.1, False, True, w),
                     texts, st.one_of(st.none(), texts))
    tree = st.recursive(st.one_of(leaf, cand), lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.lists(kids, max_size=3).map(tuple),
        st.dictionaries(keys, kids, max_size=4)), max_leaves=40)

    @settings(max_examples=80, deadline=None)
    @given(tree)
    def check(t):
        layout._KEEP.clear()
        layout.keep_names(t)
        assert layout._KEEP == _names_kept_slowly(t)

    check()
    for n in range(5, 11):  # at the depth limit: a list, a dict and a frozen value's field holding a name
        for inner in (["zhenpin:Ann Lee"], {"agent": "zhenpin:Bo Li"},
                      Candidate("zhenpin:Cy Wu", (), "online", 1, None, 1.0, 0.1, False, True)):
            t = inner
            for _ in range(n):
                t = [t]
            for shaped in (t, {"members": t}):
                layout._KEEP.clear()
                layout.keep_names(shaped)
                assert layout._KEEP == _names_kept_slowly(shaped), (n, shaped)
    layout._KEEP.clear()
