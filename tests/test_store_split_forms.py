"""The other file forms a log comes in take the bulk path and, where the halves decode independently,
the two-process split (store/split.py) -- with the same database and report as one process: JSON with
every non-ASCII character escaped (all ASCII), GB18030, an ASCII head whose later lines choose the
encoding (UTF-8 or GB18030: the child's choice must be the one one process makes, else the parent reads
the half itself), and gzip (chosen for the bulk path by its uncompressed size)."""

from __future__ import annotations

import gzip
import os

import pytest

from shunt.generate.forms import escape_non_ascii
from shunt.store import gzscan, schema
from shunt.store import load as load_mod
from shunt.store import source as source_mod
from shunt.store import load_files
from tests.test_store_split import log_lines, one_process, report, rows, splitting  # noqa: F401 - fixture

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the split forks")


def _texts(tmp_path) -> list[str]:
    lines = log_lines(tmp_path).read_text(encoding="utf-8").split("\n")
    assert any(not line.isascii() for line in lines)
    return lines


def _same(tmp_path, monkeypatch, path):
    one = one_process(path, tmp_path / "one.db", monkeypatch)
    two = load_files(tmp_path / "two.db", [path])
    assert report(two) == report(one)
    assert rows(tmp_path / "two.db") == rows(tmp_path / "one.db")
    assert not list(tmp_path.glob("*.part-*"))
    return one


def test_escaped_json_splits(tmp_path, monkeypatch, splitting):
    lines = _texts(tmp_path)
    path = tmp_path / "esc.jsonl"
    path.write_bytes("\n".join(escape_non_ascii(s) for s in lines).encode("ascii"))
    one = _same(tmp_path, monkeypatch, path)
    assert len(splitting) == 1, "an all-ASCII file takes the split"
    assert one.encodings[str(path)] == "utf-8"


def test_gb18030_splits(tmp_path, monkeypatch, splitting):
    path = tmp_path / "gb.jsonl"
    path.write_bytes("\n".join(_texts(tmp_path)).encode("gb18030"))
    one = _same(tmp_path, monkeypatch, path)
    assert len(splitting) == 1
    assert one.encodings[str(path)] == "gb18030"
    assert not one.rejected or all("GB18030" not in why for _, _, why in one.rejected)


@pytest.mark.parametrize("tail", ["utf-8", "gb18030"])
def test_ascii_head_then_the_second_half_chooses(tmp_path, monkeypatch, splitting, tail):
    """Undecided at the cut: the child chooses at its first non-ASCII line, as one process would."""
    monkeypatch.setattr(source_mod, "SNIFF_BYTES", 64)
    lines = _texts(tmp_path)
    half = len(lines) // 2 + 30  # (past the cut)
    path = tmp_path / "mixed.jsonl"
    path.write_bytes("\n".join(escape_non_ascii(s) for s in lines[:half]).encode("ascii") + b"\n"
                     + "\n".join(lines[half:]).encode(tail))
    one = _same(tmp_path, monkeypatch, path)
    assert len(splitting) == 1
    assert one.encodings[str(path)] == tail


def test_the_first_half_chose_otherwise(tmp_path, monkeypatch, splitting):
    """A UTF-8 line in the first half (after the sniffed head) makes one process reject the second
    half's GB18030 lines: the child, which chose GB18030, is overruled and the parent reads its half."""
    monkeypatch.setattr(source_mod, "SNIFF_BYTES", 64)
    lines = _texts(tmp_path)
    half = len(lines) // 2 + 30
    head = [escape_non_ascii(s) for s in lines[:half]]
    head[200] = lines[200] if not lines[200].isascii() else next(s for s in lines if not s.isascii())
    path = tmp_path / "mixed.jsonl"
    path.write_bytes("\n".join(head).encode("utf-8") + b"\n" + "\n".join(lines[half:]).encode("gb18030"))
    one = _same(tmp_path, monkeypatch, path)
    assert splitting == [], "the child's half was read again by the parent"
    assert any("invalid UTF-8" in why for _, _, why in one.rejected)


def test_gzip_takes_the_bulk_path_by_its_uncompressed_size(tmp_path, monkeypatch):
    text = "\n".join(_texts(tmp_path)).encode("utf-8")
    path = tmp_path / "log.jsonl.gz"
    path.write_bytes(gzip.compress(text))
    assert gzscan.expanded_size(path) == len(text)
    plain = tmp_path / "plain.jsonl"
    plain.write_bytes(text)
    assert gzscan.expanded_size(plain) == len(text)
    monkeypatch.setattr(load_mod, "BULK_BYTES", path.stat().st_size + 1)  # the .gz is smaller, its text not
    dropped = []
    real = schema.drop_indexes

    def drop(conn, tables, unique=False):
        dropped.append(sorted(tables))
        return real(conn, tables, unique=unique)

    monkeypatch.setattr(schema, "drop_indexes", drop)
    two = load_files(tmp_path / "two.db", [path])
    assert dropped, "the bulk path (indexes built after the load)"
    monkeypatch.setattr(load_mod, "BULK_BYTES", 1 << 40)
    one = load_files(tmp_path / "one.db", [plain])  # row by row into indexed tables
    d1, d2 = report(one), report(two)
    for d in (d1, d2):
        d.pop("files"), d.pop("encodings", None)
        for r in d["rejected"]:
            r.pop("file", None)
    assert d2 == d1
    assert rows(tmp_path / "two.db") == rows(tmp_path / "one.db")
