"""balance's memory is flat in the period's length (issue 17): what a pass holds — decisions
remembered by the cache and by the tally, counted terms, eligibility flags — is bounded by size,
not by consults x agents. With the bounds made small, a day twice as long on a 300-agent,
20-group shop must not need twice the memory, and the answer must not change."""

from __future__ import annotations

import io
import tracemalloc

import pytest

from shunt.diagnose import balance as bal
from shunt.diagnose.balance import shapley, sums
from shunt.engine import cache as decision_cache
from shunt.generate import generate
from tests.cli_helpers import shunt, shunt_json


@pytest.fixture(scope="module")
def days(tmp_path_factory):
    out = {}
    for n in (300, 900):
        d = tmp_path_factory.mktemp(f"m{n}")
        buf = io.BytesIO()
        generate(buf, consults=n, agents=300, groups=20, seed=9)
        (d / "log.jsonl").write_bytes(buf.getvalue())
        assert shunt("load", str(d / "log.jsonl"), db=d / "s.db").exit_code == 0
        out[n] = d / "s.db"
    return out


def _peak(db) -> tuple[int, dict]:
    tracemalloc.start()
    try:
        doc = shunt_json("balance", "--date", "2026-11-11", db=db)
        return tracemalloc.get_traced_memory()[1], doc
    finally:
        tracemalloc.stop()


def test_balance_memory_flat_in_the_period(days, monkeypatch):
    monkeypatch.setenv("SHUNT_WORKERS", "1")
    free = {n: shunt_json("balance", "--date", "2026-11-11", db=db) for n, db in days.items()}
    monkeypatch.setattr(sums, "MAX_TERMS", 200)
    monkeypatch.setattr(shapley, "MAX_ROWS", 2_000)
    monkeypatch.setattr(shapley, "MAX_COMBOS", 200)
    monkeypatch.setattr(decision_cache, "MAX_ROWS", 4_000)
    monkeypatch.setattr(decision_cache, "MAX_FLAG_BYTES", 64_000)
    peaks = {}
    for n, db in days.items():
        peaks[n], doc = _peak(db)
        assert doc == free[n]  # the bounds change the memory, never the answer
    assert peaks[900] < 1.6 * peaks[300], peaks
    assert peaks[900] < 60_000_000, peaks
