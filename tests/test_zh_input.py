"""Input as Chinese shop managers type it (#18): 2026年11月11日, 11月11日 (the shop's latest year with data),
full-width digits, colon and space from an IME, an account without its shop prefix. Each spelling gives
the same JSON as the canonical one, through the CLI on the sample shop."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from cli_helpers import load_sample, shunt, shunt_json
from shunt import timeutil

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("zh_input") / "shunt.db"
    load_sample(path)
    return path


@pytest.mark.parametrize("typed", ["2026年11月11日", "2026 年 11 月 11 日", "11月11日", "11月11号", "２０２６－１１－１１",
                                   "２０２６年１１月１１日"])
def test_trace_date_as_typed(db, typed):
    assert shunt_json("trace", "tb_buyer05", "--date", typed, db=db) == \
        shunt_json("trace", "tb_buyer05", "--date", "2026-11-11", db=db)


@pytest.mark.parametrize("typed", ["11月10日", "2026年11月10日"])
def test_balance_and_audit_date_as_typed(db, typed):
    for cmd in ("balance", "audit"):
        assert shunt_json(cmd, "--date", typed, db=db) == shunt_json(cmd, "--date", "2026-11-10", db=db)


@pytest.mark.parametrize("typed", ["２０２６－１１－１１　１４：５０：２６", "2026年11月11日 14:50:26",
                                   "11月11日 14：50：26", "2026年11月11日14时50分26秒"])
def test_received_at_as_typed(db, typed):
    assert shunt_json("why-received", "tb_buyer05", "--at", typed, db=db) == \
        shunt_json("why-received", "tb_buyer05", "--at", "2026-11-11 14:50:26", db=db)


def test_silent_at_and_account_as_typed(db):
    canonical = shunt_json("why-silent", "zhenpin:小丙", "--at", "2026-11-11 21:00", db=db)
    assert shunt_json("why-silent", "小丙", "--at", "１１月１１日 ２１：００", db=db) == canonical
    assert canonical["account"] == "zhenpin:小丙"


def test_range_checks_hold_for_typed_years(db):
    for typed in ("1989年12月31日", "２１０１－０１－０１"):
        res = shunt("trace", "tb_buyer05", "--date", typed, db=db)
        assert res.exit_code == 2 and "outside" in res.stderr and "Traceback" not in res.stderr
    for typed in ("13月40日", "2026年0月1日"):
        res = shunt("trace", "tb_buyer05", "--date", typed, db=db)
        assert res.exit_code == 2 and "cannot read" in res.stderr


def test_account_without_prefix_everywhere(db):
    assert shunt_json("audit", "--date", "2026-11-10", "--account", "小丙", db=db) == \
        shunt_json("audit", "--date", "2026-11-10", "--account", "zhenpin:小丙", db=db)
    at = ("--at", "2026-11-11 14:50:26")
    assert shunt_json("why-received", "tb_buyer05", *at, "--expected", "小丙", db=db) == \
        shunt_json("why-received", "tb_buyer05", *at, "--expected", "zhenpin:小丙", db=db)
    pair = shunt_json("balance", "--date", "2026-11-11", "--pair", "zhenpin:小丙,zhenpin:小王", db=db)
    assert shunt_json("balance", "--date", "2026-11-11", "--pair", "小丙,小王", db=db) == pair


def test_unknown_short_account_still_names_the_nearest(db):
    res = shunt("why-silent", "小丙丙", "--at", "2026-11-11 21:00", db=db)
    assert res.exit_code == 1 and "zhenpin:小丙" in res.stderr


def test_year_left_out_is_the_shops_latest_year():
    assert timeutil.parse_date("11月11日", TZ, year=2031) == date(2031, 11, 11)
    assert timeutil.parse_date("今天", TZ, today=date(2026, 3, 4)) == date(2026, 3, 4)
    with pytest.raises(ValueError, match="without a year"):
        timeutil.parse_date("11月11日", TZ)
    assert timeutil.parse_moment("２０２６－１１－１１Ｔ１０：２３：４５＋０８：００", TZ) == \
        timeutil.parse_moment("2026-11-11T10:23:45+08:00", TZ)
