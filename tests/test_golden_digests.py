"""Golden digests: the JSON of why-silent (an account that can receive), balance, simulate and
trace, pinned by sha256 on the sample and on two generated shops (40 agents / 6 groups and
300 agents / 20 groups), and the same with 1 and 2 workers (the period split in halves) and with
the decision cache off. A change to the engine, the tracker, the decision cache or the sweep that
moves any answer fails here (issue 17: every speed change keeps the outputs identical).

When an answer is meant to change, the new digests are printed by the failure: check the change
in the JSON first, then update GOLDEN."""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import pytest

from shunt.diagnose import balance as bal
from shunt.generate import generate
from tests.cli_helpers import SAMPLE, shunt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from shape_pick import busiest_day, busy_buyer, receiving_account  # noqa: E402

SHOPS = {  # name → generate's options (None: the sample)
    "sample": None,
    "g40": dict(consults=1000, agents=40, groups=6, seed=7),
    "g300": dict(consults=600, agents=300, groups=20, seed=3),
}
GOLDEN = {  # made on main 4aa0aee, before the speed changes of issue 17
    "sample": {"why-silent": "012861ff6a49c8418b94367816e082a93fd9a74a59f7387444b8d8ff0a02378c",
               "balance": "d5929ba5776466851c60cf7d1d6d4e1b6b9c4d8fb9eba229502705d19a9b3f06",
               "simulate": "8c6b23e7f2d6dc25c6618f491c66c362ec8c09f0a07964b323a38451f643df08",
               "trace": "d28cb36927f3902e39b5e29613ccf3e5d30e59e59111dc0a6392ce4c3d0a1bf0"},
    "g40": {"why-silent": "9f3ecc1b6a4596f5ded15d0bc21f8b7546184e1944f6478d8d63ba1276ff2703",
            "balance": "479ca0a302993df60eed83ecc16cdf4263e8e7ab3cebbfb8e15dfc324d83a204",
            "simulate": "8f2c9c2c2ef5769d8bb96e700984ac53ccc3c7b586d0a01e1e74b44264342452",
            "trace": "49c6343816e08a0f89738922abf7cd91a0a639cf47fd5f14b0e3db78a4adb61e"},
    "g300": {"why-silent": "ff11a584c51f93daffa543886b594eee073ed843a4a141bac1c38933d5b1582e",
             "balance": "f60b770332959c14e975e777b8815bbd8396d3fdc5d9580a040a3a9290d15326",
             "simulate": "09fafeb9cedbabc9a643dbf45e61656fb6cdee72d1ec14727d7bd0b8bd17b704",
             "trace": "40dc04d4782e92bae8e30cbb43ee9340f0a29967b2344f92b05aa6f919315f3e"},
}


@pytest.fixture(scope="module")
def dbs(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name, opts in SHOPS.items():
        d = tmp_path_factory.mktemp(name)
        log = SAMPLE / "zhenpin.jsonl"
        if opts is not None:
            log = d / "log.jsonl"
            buf = io.BytesIO()
            generate(buf, **opts)
            log.write_bytes(buf.getvalue())
        db = d / "shunt.db"
        assert shunt("load", str(log), db=db).exit_code == 0
        out[name] = db
    return out


def _answers(db: Path, tmp: Path) -> dict[str, str]:
    account, at = receiving_account(db)
    buyer, day = busy_buyer(db)
    bday = busiest_day(db)
    new = tmp / "new.json"
    new.write_text('{"settings": {"strategy": "round_robin"}}', encoding="utf-8")
    cmds = {
        "why-silent": ["why-silent", account, "--at", at, "--window", "24h"],
        "balance": ["balance", "--date", bday],
        "simulate": ["simulate", "--config", str(new), "--date", bday],
        "trace": ["trace", buyer, "--date", day],
    }
    out = {}
    for name, argv in cmds.items():
        res = shunt(*argv, "--json", db=db)
        assert res.exit_code == 0, (name, res.stdout, res.stderr)
        out[name] = hashlib.sha256(res.stdout.encode("utf-8")).hexdigest()
    return out


@pytest.mark.parametrize("shop", list(SHOPS))
def test_answers_pinned_and_the_same_with_workers_and_without_cache(dbs, shop, tmp_path, monkeypatch):
    monkeypatch.setattr(bal, "SPLIT_AT", 200)  # the generated days are swept in two halves
    runs = {}
    for workers, cache_off in (("1", "0"), ("2", "0"), ("1", "1")):
        monkeypatch.setenv("SHUNT_WORKERS", workers)
        monkeypatch.setenv("SHUNT_NO_DECISION_CACHE", cache_off)
        runs[workers, cache_off] = _answers(dbs[shop], tmp_path)
    first = runs["1", "0"]
    for key, got in runs.items():
        assert got == first, (shop, key)
    assert first == GOLDEN.get(shop, first), f"{shop}: new digests {first}"
    if shop not in GOLDEN:
        pytest.fail(f"no golden digests for {shop}: {first}")
