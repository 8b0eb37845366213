"""`shunt generate`'s bytes pinned for fixed seeds, in every file form (issue #16: a refactor of the
generator must not change one byte). The digests were taken on main before generate/ became a package.

A deliberate change of the generator's output updates DIGESTS here, and says so in its commit."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shunt.cli import app

# (name, options) -> sha256 of the file written with -o (the uncompressed stream for .gz)
CASES = {
    "seed0": ["--consults", "600", "--seed", "0"],
    "seed7-faults-2days": ["--consults", "700", "--seed", "7", "--faults", "0.05", "--days", "2",
                           "--agents", "30", "--groups", "6"],
    "seed3-messages10": ["--consults", "400", "--seed", "3", "--messages", "10"],
    "seed5-escape": ["--consults", "500", "--seed", "5", "--escape-json"],
    "seed5-gb18030": ["--consults", "500", "--seed", "5", "--encoding", "gb18030"],
    "seed5-escape-gb18030": ["--consults", "500", "--seed", "5", "--escape-json", "--encoding", "gb18030"],
    "seed9-groups0-shop": ["--consults", "300", "--seed", "9", "--groups", "0", "--agents", "1",
                           "--shop", "小店", "--start", "2026-03-29"],
}
DIGESTS = {
    "seed0": "7ba550fd9f08e12bbad7783e557db7f02fbdeb682084598f8c47e0256d80529a",  # 676112 bytes
    "seed7-faults-2days": "b4aa2a9a3c1c1013108d0094c29a9185b84648e2e8301f45d9cdc74d1c23709a",  # 884360 bytes
    "seed3-messages10": "5fd6f9cce05659f4094e9240a7051041074e936ca983ed7ac29a62c82a0d0daa",  # 812445 bytes
    "seed5-escape": "0d8dd4031dab5794f40013bfd7be51555b990c7f33a152cbc4bdf1a9c08b36da",  # 600413 bytes
    "seed5-gb18030": "1ba3dfc5c14cab103a02b87d524a5698c9b56d16ae09800b7fd3c829fd4e5824",  # 557893 bytes
    "seed5-escape-gb18030": "0d8dd4031dab5794f40013bfd7be51555b990c7f33a152cbc4bdf1a9c08b36da",  # 600413 bytes
    "seed9-groups0-shop": "df25270c53ae5a7fca85d66ddd2c93b2b0b51bfef9fe3f44b8e511d7de342d60",  # 302308 bytes
}


def _generate(tmp_path: Path, name: str, opts: list[str], suffix: str = ".jsonl") -> Path:
    out = tmp_path / f"{name}{suffix}"
    r = CliRunner().invoke(app, ["generate", *opts, "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_generate_writes_the_pinned_bytes(tmp_path: Path, name: str) -> None:
    out = _generate(tmp_path, name, CASES[name])
    assert hashlib.sha256(out.read_bytes()).hexdigest() == DIGESTS[name]


def test_gzip_holds_the_pinned_bytes(tmp_path: Path) -> None:
    """A .gz output: the decompressed stream is the plain file's bytes (the gzip header holds a time)."""
    out = _generate(tmp_path, "seed0", CASES["seed0"], ".jsonl.gz")
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    assert hashlib.sha256(gzip.decompress(out.read_bytes())).hexdigest() == DIGESTS["seed0"]


def test_stdout_holds_the_pinned_bytes() -> None:
    r = CliRunner().invoke(app, ["generate", *CASES["seed5-escape"]])
    assert r.exit_code == 0
    assert hashlib.sha256(r.stdout_bytes).hexdigest() == DIGESTS["seed5-escape"]


def test_faulted_reasons_are_the_engines() -> None:
    """The generator's `wrong_reason` faults draw from its own ordered tuple (the order is part of the
    bytes); it must stay the engine's reasons of rules 3-8 but the offline pool's (engine.codes)."""
    from shunt.engine.codes import RULE_OF_REASON
    from shunt.generate.faults import WRONG_REASONS

    assert len(set(WRONG_REASONS)) == len(WRONG_REASONS)
    assert set(WRONG_REASONS) == {r for r, rule in RULE_OF_REASON.items() if rule not in ("R1", "R2")} - {"offline_queue"}
