"""store.shop.Shop, the one handle per question (issue #16): commands open it, diagnose reads through it.

The handle and the old call shape (conn, sid[, tz], ...) give the same answers, so callers not yet
moved (ui/, balance, simulate, why-silent) keep working; the point questions' diagnose modules read
the store only through it."""

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


def test_old_and_new_call_shapes_give_the_same_answers(shop):
    from shunt.diagnose.audit import audit
    from shunt.diagnose.period import default_day, default_moment
    from shunt.diagnose.received import why_received
    from shunt.diagnose.trace import trace
    from shunt.timeutil import day_bounds, parse_moment

    conn, sid, tz = shop.conn, shop.sid, shop.tz
    d = date(2026, 11, 11)
    assert trace(shop, "tb_buyer05", d) == trace(conn, sid, "tb_buyer05", d)
    at = parse_moment("2026-11-11 10:25:07", tz)
    assert why_received(shop, "tb_buyer20", at) == why_received(conn, sid, "tb_buyer20", at)
    assert default_day(shop) == default_day(conn, sid, tz)
    assert default_moment(shop) == default_moment(conn, sid, tz)
    s, e = day_bounds(d, tz)
    assert audit(shop, s, e, "d") == audit(conn, sid, s, e, "d")


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
