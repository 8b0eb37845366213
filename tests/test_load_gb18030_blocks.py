"""A GB18030 file is decoded a block at a time and read by the fast path (source.Source._recode): the
same database as the UTF-8 file of the same text, and a block holding an undecodable line goes line
by line, that line refused as before, the block's other lines loaded."""

from __future__ import annotations

import sqlite3

from shunt.store import load_files
from shunt.store import source as source_mod
from tests.test_store_split import TABLES, log_lines


def _rows(db) -> dict:
    c = sqlite3.connect(db)
    try:
        return {t: c.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES if t not in ("load_steps", "meta")}
    finally:
        c.close()


def test_gb18030_blocks_load_as_their_utf8_text(tmp_path, monkeypatch):
    monkeypatch.setattr(source_mod, "CHUNK", 4096)  # many blocks
    monkeypatch.setattr(source_mod, "RECODE_LINES", 7)  # each in pieces
    text = log_lines(tmp_path).read_text(encoding="utf-8")
    lines = text.split("\n")
    assert any(not x.isascii() for x in lines)
    bad_at = len(lines) // 2
    utf8 = tmp_path / "u.jsonl"
    gb = tmp_path / "g.jsonl"
    body_u = [x.encode("utf-8") for x in lines]
    body_g = [x.encode("gb18030") for x in lines]
    body_u[bad_at] = b'{"type": "consult", "buyer": "\xff"}'  # not UTF-8: refused
    body_g[bad_at] = b'{"type": "consult", "buyer": "\x81"}'  # a GB18030 lead byte without its trail: refused
    utf8.write_bytes(b"\n".join(body_u))
    gb.write_bytes(b"\n".join(body_g))
    u = load_files(tmp_path / "u.db", [utf8], encoding="utf-8")
    g = load_files(tmp_path / "g.db", [gb], encoding="gb18030")
    assert g.encodings == {str(gb): "gb18030"}
    assert [(n, why) for _, n, why in g.rejected if n == bad_at + 1] == [(bad_at + 1, "invalid GB18030 bytes")]
    assert [n for _, n, _ in g.rejected] == [n for _, n, _ in u.rejected], (g.rejected, u.rejected)
    assert g.loaded == u.loaded and g.lines == u.lines
    assert _rows(tmp_path / "g.db") == _rows(tmp_path / "u.db")
