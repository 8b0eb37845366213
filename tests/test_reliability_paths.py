"""Paths and options that cannot work say their true cause (issue 14, items 5 and 7).

A damaged database refused by `load` too (exit 3, not a byte changed); an input that is not a
regular file (a directory, a FIFO, /dev/zero) and a `--db` that cannot be a database (a device,
a FIFO, a directory, a dangling link, a missing directory) are usage errors (exit 2) that make
no file; a read-only directory refuses a load with that reason and still serves questions; a
reader on a full disk answers; `--encoding` values that cannot read JSON lines are exit 2;
`--strict` names the files it skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

import reliability_helpers as rh
from cli_helpers import SAMPLE, shunt

LOG = SAMPLE / "zhenpin.jsonl"
QUESTION = ("why-silent", "zhenpin:小丙", "--at", "2026-11-11 21:00:00")


@pytest.fixture()
def sample_db(tmp_path):
    db = tmp_path / "s.db"
    res = shunt("load", str(LOG), db=db)
    assert res.exit_code == 0, res.stderr
    return db


def _files(d: Path) -> set[str]:
    return {f.name for f in d.iterdir()}


# ---- item 5: a damaged database ----------------------------------------------------------------

@pytest.mark.parametrize("where", ["after the header", "the last pages"])
def test_load_refuses_a_damaged_database_and_leaves_it_as_is(sample_db, where):
    data = bytearray(sample_db.read_bytes())
    assert not Path(f"{sample_db}-wal").exists()  # (the load checkpointed and closed it)
    pages = len(data) // 4096
    lo, hi = (1, 6) if where == "after the header" else (pages - 3, pages)
    data[4096 * lo:4096 * hi] = bytes(4096 * (hi - lo))  # zeroed pages
    sample_db.write_bytes(bytes(data))
    before = sample_db.read_bytes()
    res = shunt("load", str(LOG), "--json", db=sample_db)
    assert res.exit_code == 3, (res.exit_code, res.stderr)
    assert "damaged" in res.stderr and "new database" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert sample_db.read_bytes() == before  # untouched
    assert not Path(f"{sample_db}-wal").exists() or Path(f"{sample_db}-wal").stat().st_size == 0


# ---- item 7: inputs that are not regular files -------------------------------------------------

def test_a_directory_fifo_or_device_as_input_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    db = tmp_path / "x.db"
    for bad, kind in ((tmp_path, "directory"), (fifo, "FIFO"), (Path("/dev/zero"), "character device")):
        # a subprocess: opening the FIFO would wait for a writer for ever, so a hang fails here, not the suite
        p = subprocess.run(rh.shunt_cmd("load", bad, "--db", db), env=rh.env(), capture_output=True, text=True,
                           timeout=60)
        assert p.returncode == 2, (bad, p.returncode, p.stderr)
        assert "not a regular file" in p.stderr and kind in p.stderr and "no such file" not in p.stderr
        assert "Traceback" not in p.stderr
    assert not db.exists()  # nothing made
    res = shunt("load", str(tmp_path / "missing.jsonl"), db=db)
    assert res.exit_code != 0 and "no such file" in res.stderr


# ---- item 7: --db paths ------------------------------------------------------------------------

def test_db_paths_that_cannot_be_a_database_are_refused_and_make_no_file(tmp_path):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    dangling = tmp_path / "link.db"
    dangling.symlink_to(tmp_path / "gone" / "x.db")
    cases = [(fifo, "not a regular file"), (tmp_path, "is a directory"), (dangling, "symbolic link"),
             (tmp_path / "nodir" / "x.db", "no directory")]
    before = _files(tmp_path)
    for db, why in cases:
        for args in (("load", str(LOG)), QUESTION):
            res = shunt(*args, db=db)
            assert res.exit_code == 2, (db, args[0], res.exit_code, res.stderr)
            assert why in res.stderr, res.stderr
            assert "make room" not in res.stderr and "File exists" not in res.stderr
    assert _files(tmp_path) == before  # no -journal, -wal, -shm, no target of the link
    assert not (tmp_path / "gone").exists()


def test_dev_null_as_db_is_refused_and_leaves_no_journal_beside_it():
    side = [Path("/dev/null" + s) for s in ("-journal", "-wal", "-shm")]
    there = [p.exists() for p in side]
    for args in (("load", str(LOG)), QUESTION):
        res = shunt(*args, db=Path("/dev/null"))
        assert res.exit_code == 2 and "not a regular file" in res.stderr, (res.exit_code, res.stderr)
    assert [p.exists() for p in side] == there


@contextmanager
def _read_only_dir(d: Path):
    """`d` made read-only for this process: chmod where that binds (not root), else a read-only tmpfs."""
    if os.geteuid() != 0:
        os.chmod(d, 0o555)
        try:
            yield d
        finally:
            os.chmod(d, 0o755)
        return
    mnt = d.parent / (d.name + "-ro")
    mnt.mkdir()
    if not shutil.which("mount") or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mnt)],
                                                   capture_output=True).returncode:
        pytest.skip("root, and cannot mount a tmpfs: no read-only directory to test with")
    try:
        for f in d.iterdir():
            shutil.copy2(f, mnt / f.name)
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_read_only_directory_questions_answer_and_a_load_says_why_not(sample_db):
    want = json.loads(shunt(*QUESTION, "--json", db=sample_db).stdout)
    with _read_only_dir(sample_db.parent) as d:
        db = d / sample_db.name
        names = _files(d)
        p = subprocess.run(rh.shunt_cmd(*QUESTION, "--json", "--db", db), env=rh.env(), capture_output=True,
                           text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        assert json.loads(p.stdout) == want
        p = subprocess.run(rh.shunt_cmd("load", LOG, "--db", db), env=rh.env(), capture_output=True, text=True,
                           timeout=120)
        assert p.returncode == 4, p.stderr
        assert "not writable" in p.stderr and "make room" not in p.stderr and "Traceback" not in p.stderr
        p = subprocess.run(rh.shunt_cmd("load", LOG, "--db", d / "new.db"), env=rh.env(), capture_output=True,
                           text=True, timeout=120)
        assert p.returncode == 4 and "cannot create" in p.stderr and "not writable" in p.stderr, p.stderr
        assert _files(d) == names


def test_a_reader_on_a_full_disk_answers(sample_db, tmp_path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a small tmpfs")
    mnt = tmp_path / "full"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        want = json.loads(shunt(*QUESTION, "--json", db=sample_db).stdout)
        shutil.copy2(sample_db, mnt / "s.db")
        with open(mnt / "fill", "wb", buffering=0) as f:  # fill the disk to its last block
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError:
                pass
        p = subprocess.run(rh.shunt_cmd(*QUESTION, "--json", "--db", mnt / "s.db"), env=rh.env(),
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr  # was: exit 4 "disk I/O error" (no room for the -shm file)
        assert json.loads(p.stdout) == want
        p = subprocess.run(rh.shunt_cmd("load", LOG, "--db", mnt / "s.db"), env=rh.env(), capture_output=True,
                           text=True, timeout=120)
        assert p.returncode == 4 and "disk is full" in p.stderr, p.stderr
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


# ---- item 7: --encoding and --strict -----------------------------------------------------------

@pytest.mark.parametrize("name", ["utf-16", "utf-16-le", "rot13", "base64", "idna", "utf-7", "no-such-codec"])
def test_an_encoding_that_cannot_read_json_lines_is_a_usage_error(tmp_path, name):
    db = tmp_path / "x.db"
    res = shunt("load", str(LOG), "--encoding", name, db=db)
    assert res.exit_code == 2, (res.exit_code, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("shunt: --encoding"), res.stderr
    assert not db.exists()  # refused at once: nothing made, nothing read


@pytest.mark.parametrize("name", ["utf-8", "UTF8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings_that_work_are_accepted(tmp_path, name):
    log = tmp_path / "log.jsonl"  # the sample written in that encoding
    log.write_bytes(LOG.read_text(encoding="utf-8").encode(name))
    res = shunt("load", str(log), "--encoding", name, db=tmp_path / "x.db")
    assert res.exit_code == 0, res.stderr


def test_strict_names_the_files_it_skipped(tmp_path):
    bad = tmp_path / "bad.jsonl"
    lines = LOG.read_text(encoding="utf-8").splitlines(keepends=True)
    bad.write_text("".join(lines[:5]) + "{not json\n" + "".join(lines[5:10]), encoding="utf-8")
    res = shunt("load", str(LOG), str(bad), "--strict", "--json", db=tmp_path / "x.db")
    assert res.exit_code == 3, res.stderr
    doc = json.loads(res.stdout)
    assert doc["skipped_files"] == [str(bad)]
    assert f"{bad}: skipped whole (--strict" in res.stderr
    assert "1 files skipped (--strict)" in res.stderr
    c = sqlite3.connect(tmp_path / "x.db")
    assert [r[0] for r in c.execute("SELECT file FROM loads")] == [str(LOG)]
    c.close()
