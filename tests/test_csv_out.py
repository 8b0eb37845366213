"""--csv on the commands whose answer is a table (#18): trace nodes, balance accounts, simulate accounts and
moved consults, info days (audit's breaking nodes have their own test). Read back with csv.DictReader, each
row holds the --json values; with -o FILE the same table lands in the file behind a UTF-8 BOM (Excel)."""

from __future__ import annotations

import csv
import io

import pytest

from cli_helpers import SAMPLE, load_sample, shunt, shunt_json
from shunt.render.csvout import cell

CHANGE = str(SAMPLE / "change-raise-limit.json")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("csv_out") / "shunt.db"
    load_sample(path)
    return path


def _csv(db, *argv):
    res = shunt(*argv, db=db)
    assert res.exit_code == 0, res.stderr
    assert not res.stdout.startswith("\ufeff")  # no BOM on stdout (a pipe, a script)
    return list(csv.DictReader(io.StringIO(res.stdout)))


def _get(row: dict, dotted: str):
    for part in dotted.split("."):
        row = row.get(part) if isinstance(row, dict) else None
    return row


def _same(rows, json_rows, columns):
    assert len(rows) == len(json_rows) > 0
    for r, j in zip(rows, json_rows):
        for c in columns:
            assert r[c] == cell(_get(j, c)), c


def test_trace_nodes(db):
    argv = ("trace", "tb_buyer05", "--date", "2026-11-11")
    rows, doc = _csv(db, *argv, "--csv"), shunt_json(*argv, db=db)
    _same(rows, doc["nodes"], ["consult", "ts", "agent", "group", "order.state", "replay.match", "replay.agents"])
    assert rows[0]["replay.match"] in ("true", "false")


def test_balance_accounts(db):
    rows, doc = _csv(db, "balance", "--date", "2026-11-11", "--csv"), shunt_json("balance", "--date", "2026-11-11", db=db)
    _same(rows, doc["accounts"], ["account", "received", "share", "online_hours", "by_reason.bound_group", "groups"])
    assert sum(int(r["received"]) for r in rows) == sum(a["received"] for a in doc["accounts"])


@pytest.mark.parametrize("table,key", [("accounts", "accounts"), ("moved", "moved.examples")])
def test_simulate_tables(db, table, key):
    argv = ("simulate", "--config", CHANGE, "--date", "2026-11-11")
    rows, doc = _csv(db, *argv, "--csv", table), shunt_json(*argv, db=db)
    json_rows = _get(doc, key)
    _same(rows, json_rows, list(rows[0]))  # every column is the JSON's value


def test_info_days(db):
    rows, doc = _csv(db, "info", "--csv"), shunt_json("info", db=db)
    assert [(r["shop"], r["date"], int(r["consults"])) for r in rows] == \
        [(s["shop"], d["date"], d["consults"]) for s in doc["shops"] for d in s["days"]]


@pytest.mark.parametrize("argv", [("info",), ("balance", "--date", "2026-11-11"),
                                  ("simulate", "--config", CHANGE, "--date", "2026-11-11"),
                                  ("audit", "--date", "2026-11-10")])
def test_output_file_has_a_bom_and_the_same_table(db, tmp_path, argv):
    out = tmp_path / "t.csv"
    res = shunt(*argv, "-o", str(out), db=db)
    assert res.exit_code == 0 and res.stdout == "" and "wrote" in res.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    csv_opt = ("--csv", "accounts") if argv[0] == "simulate" else ("--csv",)  # simulate's default table
    assert raw[3:].decode("utf-8") == shunt(*argv, *csv_opt, db=db).stdout


def test_csv_refusals(db):
    for argv in (("info", "--csv", "--json"), ("balance", "-o", "x.csv", "--json"),
                 ("simulate", "--config", CHANGE, "--csv", "everything"), ("audit", "--csv", "--json")):
        res = shunt(*argv, db=db)
        assert res.exit_code == 2 and res.stdout == "", argv
