"""The whole-file damage check of a load (store/closemark.py, docs/semantics.md): skipped on a file as
the last load left it, run when anything else may have written it (a later write, a -wal file with
frames, a header that does not match the file), and on `--check`. A damaged file stays refused."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from cli_helpers import SAMPLE, shunt
from shunt.store import closemark, db as dbmod

LOG = SAMPLE / "zhenpin.jsonl"


@pytest.fixture()
def checks(monkeypatch):
    """Counts the whole-file checks a load runs (in a thread or at once)."""
    ran: list[str] = []
    real_run, real_refuse = dbmod.DamageCheck._run, dbmod._refuse_damaged

    def run(self):
        ran.append("thread")
        real_run(self)

    def refuse(conn, p):
        ran.append("now")
        real_refuse(conn, p)

    monkeypatch.setattr(dbmod.DamageCheck, "_run", run)
    monkeypatch.setattr(dbmod, "_refuse_damaged", refuse)
    return ran


def _halves(tmp_path: Path) -> tuple[Path, Path]:
    lines = LOG.read_bytes().splitlines(keepends=True)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_bytes(b"".join(lines[: len(lines) // 2]))
    b.write_bytes(b"".join(lines[len(lines) // 2:]))
    return a, b


def _rows(db: Path) -> dict:
    c = sqlite3.connect(db)
    try:
        out = {}
        for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                              "AND name <> 'loads' ORDER BY name"):
            out[t] = c.execute(f'SELECT * FROM "{t}" ORDER BY 1, 2').fetchall()  # noqa: S608 - names from the schema
        return out
    finally:
        c.close()


def _load(db: Path, *files, flags=()):
    res = shunt("load", *map(str, files), *flags, db=db)
    assert "Traceback" not in res.stderr
    return res


def test_a_file_as_the_last_load_left_it_is_not_checked_again_and_loads_the_same_rows(tmp_path, checks):
    a, b = _halves(tmp_path)
    db, ref = tmp_path / "x.db", tmp_path / "ref.db"
    assert _load(db, a).exit_code == 0
    assert os.stat(db).st_mtime_ns % 1_000_000_000 == closemark.MARK_NS
    assert shunt("info", "--json", db=db).exit_code == 0  # a question does not write: the mark stays
    assert _load(db, b).exit_code == 0
    assert checks == []  # (an empty file needs none; the marked one got none)
    assert _load(ref, a, b).exit_code == 0
    assert _rows(db) == _rows(ref)
    os.utime(db)  # written by something else since (any write sets the time)
    assert _load(db, b).exit_code == 0 and len(checks) == 1


def test_frames_left_in_the_wal_file_bring_the_whole_check_back(tmp_path, checks):
    a, b = _halves(tmp_path)
    db = tmp_path / "x.db"
    assert _load(db, a).exit_code == 0
    other = sqlite3.connect(db, isolation_level=None)  # a writer whose frames are not checkpointed yet
    try:
        other.execute("PRAGMA wal_autocheckpoint = 0")
        other.execute("INSERT INTO meta(key, value) VALUES ('x', 1)")
        assert os.stat(db).st_mtime_ns % 1_000_000_000 == closemark.MARK_NS  # (the file itself not written)
        assert _load(db, b).exit_code == 0
        assert len(checks) == 1
    finally:
        other.close()


def _damage_keeping_the_mark(db: Path, how: str) -> bytes:
    data = bytearray(db.read_bytes())
    pages = len(data) // 4096
    if how == "zeroed":
        data[4096 * (pages - 3):] = bytes(len(data) - 4096 * (pages - 3))
    else:  # a page cut off the end
        del data[4096 * (pages - 1):]
    mark = os.stat(db).st_mtime_ns
    db.write_bytes(bytes(data))
    os.utime(db, ns=(mark, mark))  # (as bit rot or a careless restore would leave the time)
    return bytes(data)


@pytest.mark.parametrize("how", ["zeroed", "cut"])
def test_damage_that_kept_the_mark_is_refused_on_check_and_a_cut_file_always(tmp_path, checks, how):
    a, b = _halves(tmp_path)
    db = tmp_path / "x.db"
    assert _load(db, a).exit_code == 0
    before = _damage_keeping_the_mark(db, how)
    if how == "cut":  # the header's page count no longer matches the file: not as the last load left it
        assert not closemark.marked(db, before[:100])
        res = _load(db, b)
    else:  # pages this load may not read: found by `--check`
        res = _load(db, b, flags=("--check",))
    assert res.exit_code == 3, (res.exit_code, res.stderr)
    assert "damaged" in res.stderr and "new database" in res.stderr, res.stderr
    assert checks or how == "cut", "the whole-file check did not run"  # (cut: SQLite may refuse it first)
    assert db.read_bytes() == before  # left as it is
