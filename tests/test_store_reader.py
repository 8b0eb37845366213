"""The chunked reader and the many-lines decoder give what reading and decoding line by line gives.

`Source.blocks` (store/source.py) reads a chunk at a time and `decode.block_rows` decodes a block of lines in one
call; the reference here is the line-by-line reader they replaced (readline with a 1 MiB limit).
Chunks and the line limit are made tiny so that lines cross chunks, BOMs and long lines split.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shunt.store.load as load_mod
import shunt.store.decode as decode_mod
import shunt.store.inserts as inserts_mod
import shunt.store.source as source_mod
from shunt.store import load_files
from shunt.store.decode import LineError
from tests.test_store_gen import SHOP, T0, events, write


def reference_lines(path, limit_bytes: int, encoding: str | None = None):
    """The former reader: readline(limit + 1) per line, same encoding rules."""
    src = source_mod.Source(path, encoding)
    stream = src.stream
    readline = stream.readline
    limit = limit_bytes + 1
    n = 0
    enc = src.encoding
    out = []
    try:
        head = stream.read(3)
        if head.startswith(b"\xef\xbb\xbf"):  # a BOM is not part of the first line's 1 MiB
            if enc is None:
                enc = "utf-8"
        else:
            stream.seek(0)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) and src.forced is None:
                out.append((1, "UTF-16 text: not supported; save the export as UTF-8"))
                readline = lambda limit: b""  # noqa: E731
        while True:
            line = readline(limit)
            if not line:
                break
            n += 1
            if len(line) >= limit and not line.endswith(b"\n"):
                while True:
                    chunk = readline(limit)
                    if not chunk or chunk.endswith(b"\n"):
                        break
                out.append((n, "line longer than 1 MiB"))
                continue
            if not line or line.isspace():  # (a file of a BOM alone: empty, no bad line 1 any more)
                continue
            line = line[:-1] if line.endswith(b"\n") else line
            if enc == "utf-8" or line.isascii():
                out.append((n, line))
                continue
            if enc is None:
                try:
                    line.decode("utf-8")
                    enc = "utf-8"
                    out.append((n, line))
                    continue
                except UnicodeDecodeError:
                    try:
                        text = line.decode("gb18030")
                    except UnicodeDecodeError:
                        enc = "utf-8"
                        out.append((n, "invalid UTF-8 bytes (and not GB18030 either)"))
                        continue
                    enc = "gb18030"
                    out.append((n, text))
                    continue
            try:
                out.append((n, line.decode(enc)))
            except UnicodeDecodeError:
                out.append((n, f"invalid {enc.upper()} bytes"))
    except (OSError, EOFError, zlib.error) as exc:
        out.append((n + 1, f"unreadable {'gzip ' if src.gz else ''}data: {exc}"))
    finally:
        src.close()
    return out


def new_lines(path, encoding: str | None = None):
    src = source_mod.Source(path, encoding)
    try:
        out = []
        for n, data in src.lines():
            if isinstance(data, LineError):
                out.append((n, str(data)))
            else:
                out.append((n, data[:-1] if data[-1:] in (b"\n", "\n") else data))
        return out
    finally:
        src.close()


def _as_text(items):
    out = []
    for n, x in items:
        if isinstance(x, bytes):
            try:
                x = x.decode("utf-8")
            except UnicodeDecodeError:
                pass
        out.append((n, x))
    return out


PIECES = [b'{"a":1}', b"", b"  ", b"\t", b"x" * 7, b"y" * 8, b"z" * 9, b"z" * 15, "买家".encode(),
          "买家".encode("gb18030"), b"\xff\xfe", b'{"b":"\xe4\xb9"}', b"\r", b'{"c":2}\r']


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.sampled_from(PIECES), max_size=14), bom=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"]),
       tail=st.booleans(), chunk=st.integers(1, 8), gz=st.booleans(), cut=st.booleans())
def test_chunked_reader_matches_readline(tmp_path, monkeypatch, lines, bom, tail, chunk, gz, cut):
    monkeypatch.setattr(source_mod, "MAX_LINE", 8)
    monkeypatch.setattr(source_mod, "CHUNK", chunk)
    body = bom + b"\n".join(lines) + (b"\n" if tail and lines else b"")
    path = tmp_path / "f.jsonl"
    if gz:
        data = gzip.compress(body)
        path.write_bytes(data[: len(data) * 2 // 3] if cut else data)
    else:
        path.write_bytes(body)
    # (a GB18030 block comes as UTF-8 bytes for the fast path, Source._recode: the same text as a line's str)
    got, want = _as_text(new_lines(path)), _as_text(reference_lines(path, 8))
    if got != want:
        assert gz and cut  # a cut gzip stream: the same lines before the error, which is the last item (a line
        # cut while being skipped as too long is reported as such too, then the error, one line on)
        assert got[-1][1].startswith("unreadable gzip") and want[-1][1].startswith("unreadable gzip")
        assert [x for x in got if not isinstance(x[1], str)] == [x for x in want if not isinstance(x[1], str)]
        assert [x for x in want[:-1] if isinstance(x[1], str)] == [x for x in got[:-1] if isinstance(x[1], str)][
            : len(want) - 1 - len([x for x in want if not isinstance(x[1], str)])]


def _dump(db):
    c = sqlite3.connect(db)
    try:
        out = {}
        for t in ("shops", "configs", "statuses", "stats", "consults", "session_ends", "messages", "logistics",
                  "other_events", "load_steps"):
            out[t] = sorted(map(repr, c.execute(f"SELECT * FROM {t}")))
        return out
    finally:
        c.close()


@pytest.mark.parametrize("chunk", [64, 300, 1 << 20])
def test_blocks_load_what_lines_load(tmp_path, monkeypatch, chunk):
    """Good, bad, blank and unknown lines, a config changing the zone mid-block, a second shop,
    id-less events: the same rows, report and line numbers with any chunk and batch size."""
    evs = events(120)
    lines = [json.dumps(e, ensure_ascii=False).encode() for e in evs]
    cfg = {"type": "shop_config", "ts": T0 + 5, "shop": SHOP, "timezone": "Asia/Tokyo", "agents": [], "groups": []}
    local = {"type": "agent_status", "ts": "2026-11-11 10:00:00", "shop": SHOP, "account": "zhenpin:小美",
             "status": "online"}
    other = {"type": "agent_status", "ts": "2026-11-11 10:00:00", "shop": "other", "account": "other:a",
             "status": "offline"}
    extra = [local, json.dumps(cfg).encode(), local, other, {**other, "ts": "bad"},
             b'{"type":"agent_stats","ts":1794355200000,"shop":"inf-shop","account":"x","conversion_rate":1e999}',
             {"type": "message", "ts": T0, "shop": SHOP, "buyer": "b", "sender": "buyer", "unknown": 1},
             {"type": "wormhole", "ts": T0, "shop": SHOP}, b"", b"   ", b"{oops", b"[1]", "\ud800",
             {"type": "consult", "ts": T0 + 7, "shop": SHOP, "id": 17, "buyer": "b9",
              "routed": {"reason": "x"}, "order": {"state": "shipped", "id": 5}}]
    for i, x in enumerate(extra):
        if isinstance(x, dict):
            x = json.dumps(x, ensure_ascii=False).encode()
        elif isinstance(x, str):
            x = json.dumps({"type": "message", "ts": T0, "shop": SHOP, "buyer": x, "sender": "buyer"}).encode()
        lines.insert(7 + 9 * i, x)
    path = tmp_path / "f.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")

    def run(db, chunk, batch):
        monkeypatch.setattr(source_mod, "CHUNK", chunk)
        monkeypatch.setattr(load_mod, "BATCH_LINES", batch)
        rep = load_files(db, [path])
        return rep.as_dict() | {"seconds": 0}, _dump(db)

    want = run(tmp_path / "a.db", 1 << 20, 10_000)
    monkeypatch.setattr(decode_mod, "decode_block",  # every line the long way
                        lambda ls: [False if not x or x.isspace() else None for x in ls])
    ref = run(tmp_path / "ref.db", 1 << 20, 10_000)
    monkeypatch.undo()
    got = run(tmp_path / "b.db", chunk, 7)
    assert ref[0] == want[0], (ref[0], want[0])
    assert ref[1] == want[1]
    assert got[0] == want[0], (got[0], want[0])
    assert got[1] == want[1]
    assert len(want[0]["rejected"]) == 5, want[0]["rejected"]
    assert any("'other'" in s for s in want[1]["shops"])  # the good line of 'other'
    assert not any("inf-shop" in s for s in want[1]["shops"])  # a rejected line makes no shop


def test_lines_that_would_merge_in_one_array_are_each_refused(tmp_path):
    """`{"a":[1` and `2]}` are two bad lines, `{...},{...}` a third: never one event from two lines."""
    msg = json.dumps({"type": "message", "ts": T0, "shop": SHOP, "buyer": "b", "sender": "buyer"})
    lines = [msg.encode(),
             b'{"type":"shop_config","ts":1794326400000,"shop":"zhenpin","agents":[1',
             b'2]}',
             f"{msg},{msg.replace('b', 'c', 1)}".encode(),
             msg.replace('"b"', '"d"').encode()]
    path = tmp_path / "f.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    rep = load_files(tmp_path / "s.db", [path])
    assert sorted(n for _, n, _ in rep.rejected) == [2, 3, 4]
    assert rep.loaded == {"message": 2}


@pytest.mark.parametrize("unknown_field", [False, True])  # the fast path and the slow one
def test_null_and_lookalike_values_are_stored_as_they_are(tmp_path, unknown_field):
    """NULL is bound as 0 / -1 and turned back by NULLIF: '0', '' and a count of 0 stay values."""
    more = {"zz": 1} if unknown_field else {}
    evs = [{"type": "consult", "ts": T0, "shop": SHOP, "id": "c1", "buyer": "b", "item": "0", "intent": "",
            "routed": {"reason": "x", "agent": "0"}, "order": {"state": "shipped", "packages": 0, "id": 0}, **more},
           {"type": "consult", "ts": T0 + 1, "shop": SHOP, "buyer": "b", "item": 0, "by": None,
            "routed": {"reason": "x"}, **more},
           {"type": "message", "ts": T0 + 2, "shop": SHOP, "buyer": "b", "sender": "buyer", "account": "",
            "consult": "0", **more},
           {"type": "message", "ts": T0 + 3, "shop": SHOP, "buyer": "b", "sender": "buyer", **more},
           {"type": "session_end", "ts": T0 + 4, "shop": SHOP, "consult": "c1", **more}]
    db = tmp_path / "s.db"
    rep = load_files(db, [write(tmp_path / "a.jsonl", evs)])
    assert rep.rejected == [] and rep.total_loaded == 5
    c = sqlite3.connect(db)
    cols = ("item", "order_id", "order_state", "carrier", "packages", "intent", "by_account", "target", "agent",
            "grp")
    got = c.execute(f"SELECT {', '.join(f'quote({x})' for x in cols)} FROM consults ORDER BY ts").fetchall()
    assert got == [("'0'", "'0'", "'shipped'", "NULL", "0", "''", "NULL", "NULL", "'0'", "NULL"),
                   ("'0'", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL")]
    got = c.execute("SELECT quote(account), quote(consult) FROM messages ORDER BY ts").fetchall()
    assert got == [("''", "'0'"), ("NULL", "NULL")]
    extra = "'{\"zz\": 1}'" if unknown_field else "NULL"
    assert {r for (r,) in c.execute("SELECT quote(extra) FROM messages UNION SELECT quote(extra) FROM consults "
                                     "UNION SELECT quote(extra) FROM session_ends")} == {extra}
    c.close()


@pytest.mark.parametrize("bulk", [False, True])
def test_many_rows_per_insert_statement_as_one_per_row(tmp_path, monkeypatch, bulk):
    """Batches inserted MULTI rows per statement keep the rows, their order (rowids) and the
    duplicate counts of executemany, within a batch, across batches and against the database."""
    from tests.test_store_gen import mixed_forms

    evs = events(200)
    a = write(tmp_path / "a.jsonl", evs + evs[:40])
    b = write(tmp_path / "b.jsonl", mixed_forms(evs[100:160]))
    if bulk:
        monkeypatch.setattr(load_mod, "BULK_BYTES", 0)
    monkeypatch.setattr(load_mod, "BATCH_LINES", 97)

    def run(db, multi):
        monkeypatch.setattr(inserts_mod, "MULTI", multi)
        r1 = load_files(db, [a, b]).as_dict() | {"seconds": 0}
        r2 = load_files(db, [a, b]).as_dict() | {"seconds": 0}
        c = sqlite3.connect(db)
        rowids = {t: c.execute(f"SELECT group_concat(uid) FROM (SELECT uid FROM {t} ORDER BY rowid)").fetchone()
                  for t in ("consults", "messages", "session_ends", "statuses")}
        c.close()
        return r1, r2, rowids, _dump(db)

    one = run(tmp_path / "one.db", 1000)  # more rows than any batch holds (BATCH_LINES 97): one per row
    many = run(tmp_path / "many.db", 3)
    assert [x | {"files": 0} if isinstance(x, dict) and "files" in x else x for x in one] == \
           [x | {"files": 0} if isinstance(x, dict) and "files" in x else x for x in many]
    assert one[0]["duplicates"] > 0 and not any(one[1]["loaded"].values())
