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
GOLDEN = {  # made on main before the speed changes of issue 17 (247a173)
    "sample": {"why-silent": "a7e7ae0314f565ad6d3976b1f4dba4da4b3cd093d67e71e44c3f30302a1a7b77",
               "balance": "c11c1962b717761f8cff157cf3b26f3f8d12a873069018dad91d43d37c4884dd",
               "simulate": "2ac8180a7ab4c1ce024247c35c3d02833d3df8b08fe5b611d1145806faad5ee5",
               "trace": "1c27febd96ac5018c100e60acf21859636a702e66ea9e9a473c35ca3d9e04082"},
    "g40": {"why-silent": "7ede4681f3a919e722844f6a2562a60b4d8a346851022681f8b89ba8a6355b63",
            "balance": "6ca4973042094825a6e6b7097ab69a161a5eab9762f3f86eb0bbaf1b1e488aef",
            "simulate": "3ec437ab11c6ad1f020fafcb2dac4297289b0df08a8d616117623d19d7e996f2",
            "trace": "ac5111704b16428a816829aa1990d96c8b82289b4cc9ad4ed18502e85803ea12"},
    "g300": {"why-silent": "d8098a2b9be4310c7db33e42ebe46ce117a476ccc8ba0dd477470fbc0d6ea560",
             "balance": "66362a6f4df75dc611b7ecf6de01da801c7f03a04c2d1512d128d3b3240403aa",
             "simulate": "1ac0a43ff693dae380c59adfab250c035c69e1efca73631c1b5daacb1e9f45d4",
             "trace": "19e585fb92c16fde0e84932af2c9e71cfa92230a4dab849704a331486eb33557"},
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
