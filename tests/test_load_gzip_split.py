"""A big gzip file splits like a plain one (store/gzspool.py): the pass that checks every gzip before
the load also writes its text to a plain copy beside the database, which two processes read. The
database and the report are those of one process reading the gzip; the child's rejected lines name
the gzip; no copy is left. A damaged gzip, or one there is no disk room to copy, is read as before."""

from __future__ import annotations

import gzip
import os
import zlib
from collections import namedtuple

import pytest

from shunt.store import gzspool, load_files, stage
from tests.test_store_split import log_lines, one_process, report, rows, splitting  # noqa: F401 - fixture

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the split forks")


def _gzip(tmp_path, data: bytes, name: str = "log.jsonl.gz"):
    """Two gzip members (as `cat a.gz b.gz` makes), cut at a line."""
    cut = data.index(b"\n", len(data) // 3) + 1
    path = tmp_path / name
    path.write_bytes(gzip.compress(data[:cut]) + gzip.compress(data[cut:]))
    return path


@pytest.fixture()
def spooled(monkeypatch):
    made = []
    real = gzspool.Spool.open

    def open_(self, path):
        w = real(self, path)
        made.append(w is not None)
        return w

    monkeypatch.setattr(gzspool.Spool, "open", open_)
    return made


@pytest.mark.parametrize("into", ["empty", "with data"])
def test_a_gzip_splits_through_its_plain_copy(tmp_path, monkeypatch, splitting, spooled, into):
    text = log_lines(tmp_path).read_bytes()
    path = _gzip(tmp_path, text)
    if into == "with data":  # staged: both halves into part files, then one merge (store/stage.py)
        monkeypatch.setattr(stage, "STAGE_BYTES", 0)
        first = _gzip(tmp_path, text[:text.index(b"\n", len(text) // 3) + 1], "first.jsonl.gz")
        for db in ("one.db", "two.db"):
            one_process(first, tmp_path / db, monkeypatch)
    took = []
    real_take = stage.Stage.take
    monkeypatch.setattr(stage.Stage, "take", lambda self, out: (took.append(1), real_take(self, out))[1])
    one = one_process(path, tmp_path / "one.db", monkeypatch)
    spooled.clear()
    modes = []
    spool_take = gzspool.Spool.take
    monkeypatch.setattr(gzspool.Spool, "take", lambda self, p: (
        got := spool_take(self, p), modes.append(got and got.stat().st_mode & 0o777))[0])
    two = load_files(tmp_path / "two.db", [path])
    assert spooled == [True], "the gzip was copied as plain text"
    assert modes == [0o600], "owner-only, as the database"
    assert (splitting or took) and len(splitting) + len(took) == 1, "its second half was read by the child"
    assert (into == "with data") == bool(took), (into, took, splitting)
    assert report(two) == report(one)
    assert len(two.rejected) == 2 and {f for f, _, _ in two.rejected} == {str(path)}  # (one in each half)
    assert two.encodings == {str(path): "utf-8"} and two.bytes == path.stat().st_size
    assert rows(tmp_path / "two.db") == rows(tmp_path / "one.db")
    assert not list(tmp_path.glob("*.part-*")), "the plain copy and the parts are removed"


def _damage_second_member(path) -> None:
    data = bytearray(path.read_bytes())
    data[-8] ^= 0xFF  # the last member's CRC: its lines are not loaded, the first member's are
    path.write_bytes(bytes(data))
    with pytest.raises((OSError, EOFError, zlib.error)):
        gzip.decompress(bytes(data))


def test_a_damaged_gzip_is_not_copied_and_reads_as_before(tmp_path, monkeypatch, splitting, spooled):
    path = _gzip(tmp_path, log_lines(tmp_path).read_bytes())
    _damage_second_member(path)
    one = one_process(path, tmp_path / "one.db", monkeypatch)
    spooled.clear()
    two = load_files(tmp_path / "two.db", [path])
    assert spooled == [True] and splitting == [], "copied while checked, then dropped: one process reads it"
    assert report(two) == report(one) and any("damaged" in why for _, _, why in two.rejected)
    assert rows(tmp_path / "two.db") == rows(tmp_path / "one.db")
    assert not list(tmp_path.glob("*.part-*"))


def test_no_disk_room_no_copy(tmp_path, monkeypatch, splitting, spooled):
    path = _gzip(tmp_path, log_lines(tmp_path).read_bytes())
    one = one_process(path, tmp_path / "one.db", monkeypatch)
    size = path.stat().st_size
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(gzspool.shutil, "disk_usage", lambda p: usage(1 << 40, 1 << 40, size))
    spooled.clear()
    two = load_files(tmp_path / "two.db", [path])
    assert spooled == [False] and splitting == []
    assert report(two) == report(one)
    assert rows(tmp_path / "two.db") == rows(tmp_path / "one.db")
