"""store.lookups.buyers_by_prefix (the ui's completion): the buyers of consults by prefix, literally, in order."""

from __future__ import annotations

import pytest

from cli_helpers import load_sample


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    from shunt import store

    db = tmp_path_factory.mktemp("prefix") / "shunt.db"
    load_sample(db)
    c = store.open_db(db, create=False)
    return c, store.shop_id(c, None)


@pytest.mark.parametrize("prefix", ["tb_buyer0", "tb_buyer1", "tb_v", "", "tb_buyer99", "zz"])
def test_prefix_gives_the_first_distinct_buyers_in_order(conn, prefix):
    from shunt.store.lookups import buyers_by_prefix

    c, sid = conn
    every = sorted({b for (b,) in c.execute("SELECT buyer FROM consults WHERE shop_id = ?", (sid,))})
    want = [b for b in every if b.startswith(prefix)][:4]
    assert buyers_by_prefix(c, sid, prefix, 4) == want


@pytest.mark.parametrize("prefix", ["tb%", "tb_buyer_", "%", "_"])
def test_like_wildcards_are_literal(conn, prefix):
    from shunt.store.lookups import buyers_by_prefix

    c, sid = conn
    assert buyers_by_prefix(c, sid, prefix, 5) == []
