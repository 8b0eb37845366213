"""Messages that say the true cause of a file the loader cannot read (issue 14 item 7): UTF-16
without a byte-order mark, CR-only or U+2028 line ends, a gzip member that fails its CRC."""

from __future__ import annotations

import gzip
import json

import pytest

from cli_helpers import shunt
from load_input_helpers import generated, q


def _lines(tmp_path, n=60):
    return [json.dumps(e, ensure_ascii=False) for e in generated(tmp_path, consults=12, seed=5)[:n]]


def _load(db, f):
    res = shunt("load", f, "--json", db=db)
    return res.exit_code, json.loads(res.stdout), res.stderr


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_named_once(tmp_path, codec):
    f = tmp_path / "u16.jsonl"
    f.write_bytes("\n".join(_lines(tmp_path)).encode(codec))
    code, out, err = _load(tmp_path / "s.db", f)
    assert code == 3
    assert [r["why"] for r in out["rejected"]] == [
        "UTF-16 text (without a byte-order mark): not supported; save the export as UTF-8"]
    assert "GB18030" not in err


@pytest.mark.parametrize("end, name", [("\r", "CR (\\r) only"), ("\u2028", "U+2028 (LINE SEPARATOR)")])
@pytest.mark.parametrize("big", [False, True])
def test_odd_line_ends_are_named(tmp_path, end, name, big):
    lines = _lines(tmp_path, 60)
    if big:  # past 1 MiB without a LF: "line longer than 1 MiB" says it too
        lines = lines * 200
    f = tmp_path / "odd.jsonl"
    f.write_bytes((end.join(lines) + end).encode("utf-8"))
    code, out, err = _load(tmp_path / "s.db", f)
    assert code == 3
    whys = [r["why"] for r in out["rejected"]]
    assert len(whys) == 1  # once for the file
    assert f"the file's lines end with {name}, not LF; save it with LF (or CRLF) line ends" in whys[0]


def test_a_gzip_member_that_fails_its_crc_loads_nothing_of_it(tmp_path):
    lines = _lines(tmp_path, 80)
    head, tail = "\n".join(lines[:30]) + "\n", "\n".join(lines[30:]) + "\n"
    member2 = bytearray(gzip.compress(tail.encode("utf-8")))
    member2[-8] ^= 0xFF  # its CRC32
    f = tmp_path / "day.jsonl.gz"
    f.write_bytes(gzip.compress(head.encode("utf-8")) + bytes(member2))
    db = tmp_path / "s.db"
    code, out, err = _load(db, f)
    assert code == 3
    assert out["rejected"] == [{"file": str(f), "line": 31, "why": (
        f"gzip member 2 (from uncompressed byte {len(head.encode()):,}) is damaged (CRC check failed): "
        "none of its lines nor any after it were loaded; lines 1-30 (before it) were loaded")}]
    assert out["events"] == 30
    # what is stored is exactly the first member: the same as loading those 30 lines
    want = tmp_path / "want.db"
    assert _load(want, write_text(tmp_path / "head.jsonl", head))[0] == 0
    for t in ("consults", "messages", "statuses", "configs"):
        assert q(db, f"SELECT uid, ts FROM {t} ORDER BY uid") == q(want, f"SELECT uid, ts FROM {t} ORDER BY uid")


def test_damaged_deflate_data_in_the_only_member_loads_nothing(tmp_path):
    data = ("\n".join(_lines(tmp_path, 80)) + "\n").encode("utf-8")
    z = bytearray(gzip.compress(data))
    z[len(z) // 2] ^= 0x55
    f = tmp_path / "day.jsonl.gz"
    f.write_bytes(bytes(z))
    code, out, err = _load(tmp_path / "s.db", f)
    assert code == 3 and out["events"] == 0
    assert len(out["rejected"]) == 1 and "gzip member 1" in out["rejected"][0]["why"]
    assert "no line was loaded" in out["rejected"][0]["why"]


def write_text(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_a_gzip_cut_short_still_keeps_the_lines_before_the_cut(tmp_path):
    data = ("\n".join(_lines(tmp_path, 80)) + "\n").encode("utf-8")
    z = gzip.compress(data)
    f = tmp_path / "cut.jsonl.gz"
    f.write_bytes(z[: len(z) - 20])
    code, out, err = _load(tmp_path / "s.db", f)
    assert code == 3 and out["events"] > 0
    assert "unreadable gzip data" in out["rejected"][-1]["why"]


