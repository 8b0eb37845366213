"""store.shop.Shop, the one handle per question (issue #16): commands and the ui open it, diagnose reads
through it; the point questions' diagnose modules read the store only through it."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from cli_helpers import load_sample

from shunt.commands.common import open_shop
from shunt.store.shop import Shop

SRC = Path(__file__).resolve().parents[1] / "src" / "shunt"


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Shop:
    db = tmp_path_factory.mktemp("shop") / "s.db"
    load_sample(db)
    s = open_shop(db, None)
    yield s
    s.conn.close()


def test_the_handle_unpacks_as_the_old_tuple(shop):
    conn, sid, nick, tz = shop
    assert (conn, sid, nick, tz) == (shop.conn, shop.sid, shop.nick, shop.tz)
    assert nick == "zhenpin" and shop.tzname == "Asia/Shanghai"
    assert Shop.of(conn, sid).nick == nick


def test_the_ui_session_hands_the_commands_shop(shop):
    """The ui's tabs ask diagnose through Session.handle(): the same shop, on the session's connection."""
    from shunt.diagnose.period import default_day
    from shunt.diagnose.trace import trace
    from shunt.ui.session import Session

    db = Path(shop.conn.execute("PRAGMA database_list").fetchone()[2])
    s = Session(db, None, False)
    try:
        h = s.handle()
        assert (h.conn, h.sid, h.nick, h.tzname) == (s.conn, shop.sid, shop.nick, shop.tzname)
        d = default_day(h).day
        assert d == date(2026, 11, 11) and trace(h, "tb_buyer05", d) == trace(shop, "tb_buyer05", d)
    finally:
        s.conn.close()


@pytest.mark.parametrize("module", ["diagnose/trace.py", "diagnose/received.py", "diagnose/period.py"])
def test_point_questions_read_the_store_through_the_handle(module):
    """No lookup by (conn, sid) behind the handle's back: the only store import is store.shop."""
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {f"shunt.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "shunt"
                 for a in n.names}  # from shunt import store
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    store = {m for m in imported if m == "shunt.store" or m.startswith("shunt.store.")}
    assert store == {"shunt.store.shop"}, store
