"""A node decided among a big group: the human view lists the winners, the recorded agent and some
eligible candidates, and counts the others by why they were not listed; --json keeps every one."""

from __future__ import annotations

import re
import sqlite3

import pytest

from cli_helpers import shunt, shunt_json
from shunt.render.human import MAX_CANDIDATE_ROWS


@pytest.fixture(scope="module")
def big_shop(tmp_path_factory):
    d = tmp_path_factory.mktemp("big")
    log, db = d / "day.jsonl", d / "day.db"
    assert shunt("generate", "--consults", "600", "--agents", "80", "--groups", "1", "--seed", "5",
                 "-o", str(log)).exit_code == 0
    assert shunt("load", str(log), db=db).exit_code == 0
    return db


def _group_node(db):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT buyer, uid FROM consults WHERE reason IN ('reception_rate', 'round_robin') "
                         "ORDER BY ts DESC LIMIT 1").fetchone()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_big_candidate_table_is_cut_and_counted(big_shop, lang):
    buyer, node = _group_node(big_shop)
    doc = shunt_json("trace", buyer, "--node", node, db=big_shop)
    found = doc["nodes"][0]["replay"]
    cands = found["candidates"]
    assert len(cands) > MAX_CANDIDATE_ROWS  # the full table stays in the JSON
    res = shunt("--lang", lang, "trace", buyer, "--node", node, "--no-pager", db=big_shop)
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    listed = [c["account"] for c in cands if re.search(re.escape(c["account"]) + r"\s", out)]
    assert len(listed) <= MAX_CANDIDATE_ROWS
    assert doc["nodes"][0]["agent"] in listed  # the recorded agent is always listed
    odds = found["odds"]
    shown_odds = [odds[a] for a in listed if a in odds]
    hidden_odds = [p for a, p in odds.items() if a not in listed]
    if hidden_odds:  # the winners listed are the likeliest
        assert min(shown_odds) >= max(hidden_odds)
    else:
        assert all(w in listed for w in found["agents"])
    hidden = re.search(r"(\d[\d,]*) more candidates not listed" if lang == "en" else r"另有 (\d[\d,]*) 位候选客服未列出",
                       out.replace("\n", ""))
    assert hidden, out[-600:]
    assert int(hidden.group(1).replace(",", "")) == len(cands) - len(listed)
    if lang == "zh":  # the counts by reason are joined the Chinese way
        why = re.search(r"未列出（([^）]*)）", out.replace("\n", ""))
        assert why and ", " not in why.group(1), out[-600:]
