"""Every SQL statement binds user values as parameters (issue 6).

Two checks: (1) statically, every execute / executemany / executescript call in src/shunt whose SQL is
built at run time (f-string, %, +, .format, a variable) interpolates only the reviewed names listed in
REVIEWED, all of them identifiers or fragments from constants; (2) at run time, hostile values given
to every command and found in a log never appear in the text of any statement SQLite is asked to run.
"""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path

import pytest

from cli_helpers import ROOT, shunt

SRC = ROOT / "src" / "shunt"
EXEC = {"execute", "executemany", "executescript"}

# (file, interpolated expression) → why it is safe. Each is an identifier or SQL fragment from a constant.
REVIEWED = {
    ("store/spans.py", "_TOP"): "fixed SELECT of the messages' largest rowid",
    ("store/spans.py", "_SET"): "fixed upsert of two meta keys (values bound)",
    ("store/spans.py", "_ONE"): "fixed SELECT of the span of the messages above a rowid (bound)",
    ("store/spans.py", "_EACH"): "fixed SELECT of each shop's span above a rowid (bound)",
    ("store/spans.py", "_SHOP"): "fixed SELECT of one shop's span (bound)",
    ("store/schema.py", "name"): "index names, keys of schema.INDEXES / UNIQUE_INDEXES",
    ("store/schema.py", "definition"): "index definitions, values of schema.INDEXES / UNIQUE_INDEXES",
    ("store/schema.py", "table"): "table name split from a constant index definition",
    ("store/schema.py", "cols[:-1]"): "column list split from a constant index definition",
    ("store/db.py", "i + 1:d"): "schema version number (int, formatted with :d)",
    ("store/db.py", "schema.APPLICATION_ID:d"): "constant application id (int, :d)",
    ("store/db.py", "stmt"): "statements of the constant schema.MIGRATIONS scripts",
    ("store/inserts.py", "one[table]"): "fixed INSERT / upsert per table, inserts.statements: the constant COLUMNS "
                                        "and an int (the load's id << 32, :d)",
    ("store/inserts.py", "stmt"): "fixed multi-row INSERT / upsert per table, inserts.statements, as one[table]",
    ("store/conflicts.py", "t"): "table name, a key of inserts.COLUMNS",
    ("store/conflicts.py", "table"): "table name, a key of inserts.COLUMNS",
    ("store/conflicts.py", "keys"): "key columns of a table, constants (conflicts.key_cols)",
    ("store/conflicts.py", "sel"): "SELECT built from a table name and its constant columns",
    ("store/split.py", "table"): "table name, a key of inserts.COLUMNS",
    ("store/split.py", "cols"): "constant column list of a table (inserts.COLUMNS)",
    ("store/split.py", "ins.TOP[table]"): "fixed SELECT per table, inserts.TOP, built from the constant COLUMNS",
    ("store/split.py", "ins.COPY[table]"): "fixed INSERT … SELECT per table, inserts.COPY, from the constant COLUMNS",
    ("store/stage.py", "i:d"): "the index of a part (int, :d): its schema name p0, p1",
    ("store/stage.py", "part"): "a part's schema name, 'p' + an int (Stage.merge)",
    ("store/split.py", "part"): "an attached part's schema name: 'part' (merge) or 'p' + an int (Stage.merge), map_part_shops",
    ("store/stage.py", "table"): "table name, a key of inserts.COLUMNS",
    ("store/stage.py", "ins.merge_sql(table, part)"): "fixed INSERT … SELECT … upsert per table and part schema "
                                                      "(inserts.merge_sql: constants)",
    ("store/stage.py", "ins.part_rows_sql(table, part)"): "fixed SELECT per table and part schema "
                                                          "(inserts.part_rows_sql: constants)",
    ("store/lookups.py", "CONSULT_COLS"): "constant column list",
    ("store/lookups.py", "MESSAGE_COLS"): "constant column list",
    ("store/states.py", "SELECTION_IN"): "constant list of reason codes (schema.SELECTION_IN)",
    ("store/lookups.py", "table"): "table name from a constant tuple of table names",
    ("store/periods.py", "table"): "table name from a constant tuple of table names (last_event_before)",
    ("store/names.py", "sql_prefix"): "constant SQL passed by nearest_* (values bound as ?)",
    ("store/names.py", "sql_sample"): "constant SQL passed by nearest_* (values bound as ?)",
    ("store/lookups.py", "sql"): "constant SQL chosen between fixed statements",
    ("store/configs.py", "_ROW_BEFORE if strict_before else _ROW_AT"): "module constant SQL (shop and moment bound as ?)",
    ("store/names.py", "op"): "'>=' or '>', chosen by a bool",
    ("store/states.py", "_ACCOUNT_STATES"): "module constant SQL (the accounts bound as one JSON array)",
    ("store/lazy_state.py", "_READ[field]"): "module constant SQL per field, a key of _READ (accounts bound as JSON)",
    ("store/configs.py", "_GROUP_NAMES"): "module constant SQL (the shop bound as ?)",
    ("store/configs.py", "_IN_FORCE"): "module constant SQL (the shop and moment bound as ?)",
    ("store/carried.py", "_CHANGES"): "module constant SQL (the shop, the two cuts and the limit bound as ?)",
    ("store/names.py", 'sql_sample.replace("{LIKE}", "ESCAPE \'\\\\\'")'): "constant SQL with a constant "
                                                                           "ESCAPE clause put in",
    ("store/sweep.py", "SELECTION_IN"): "constant list of reason codes (schema.SELECTION_IN)",
    ("store/sweep.py", "CONSULT_COLS"): "constant column list",
    ("store/sweep.py", "_OTHER_SQL"): "module constant SQL (the span bound as ?1-?3)",
    ("store/sweep.py", "sql"): "constant SQL passed by the sweep's own callers",
    ("store/derive.py", "_NEXT"): "module constant SQL", ("store/derive.py", "_SESSION_END"): "module constant SQL",
    ("store/derive.py", "_CLAMP"): "module constant SQL", ("store/derive.py", "_TMIN"): "module constant SQL",
    ("store/derive.py", "_STEPS"): "module constant SQL",
    ("store/derive.py", "_STEPS if carried else _STEPS_FROM_ZERO"): "one of two module constant SQL", ("store/derive.py", "_SPAN_STORED"): "module constant SQL",
    ("store/derive.py", "_NEXT_TOUCHED"): "module constant SQL",
    ("store/derive.py", "_SESSION_END_TOUCHED"): "module constant SQL",
    ("store/info.py", "t"): "table name from the constant EVENT_TABLES",
    ("store/remove.py", "t"): "table name from sqlite_master, kept only when a plain identifier (_IDENT)",
}


def _dynamic_parts(node: ast.AST, src: str) -> list[str]:
    """The run-time parts of an SQL argument: [] for a plain literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return []
    if isinstance(node, ast.JoinedStr):
        out = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                expr = ast.get_source_segment(src, v.value)
                spec = "".join(str(c.value) for c in v.format_spec.values if isinstance(c, ast.Constant)) \
                    if v.format_spec is not None else ""
                out.append(f"{expr}:{spec}" if spec else expr)
        return out
    if isinstance(node, ast.BinOp):  # "..." % x, "..." + x
        return _dynamic_parts(node.left, src) + _dynamic_parts(node.right, src)
    return [ast.get_source_segment(src, node)]  # a name, a call (.format), a subscript...


def sql_calls():
    for path in sorted(SRC.rglob("*.py")):
        src = path.read_text(encoding="utf-8")
        rel = path.relative_to(SRC).as_posix()
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in EXEC:
                if node.args:
                    yield rel, node.lineno, _dynamic_parts(node.args[0], src), len(node.args) + len(node.keywords)


def test_sql_is_built_only_from_reviewed_constants():
    unreviewed = [f"{rel}:{line}: {part}" for rel, line, parts, _ in sql_calls() for part in parts
                  if (rel, part) not in REVIEWED]
    assert not unreviewed, ("SQL built at run time from something not reviewed; bind values with ? and, for an "
                            "identifier, use a constant and add it to REVIEWED:\n" + "\n".join(unreviewed))


def test_the_scan_sees_the_calls():
    calls = list(sql_calls())
    assert len(calls) > 50
    assert any(parts for _, _, parts, _ in calls)  # f-strings are recognised
    assert not _dynamic_parts(ast.parse("'SELECT 1'").body[0].value, "'SELECT 1'")
    bad = "f\"SELECT * FROM t WHERE a = '{value}'\""
    assert _dynamic_parts(ast.parse(bad).body[0].value, bad) == ["value"]
    bad = "'SELECT %s' % value"
    assert _dynamic_parts(ast.parse(bad).body[0].value, bad) == ["value"]


# ---- at run time --------------------------------------------------------------------------------

MARK = "Zq9'\"; DROP TABLE consults; --"


class Recorder(sqlite3.Connection):
    statements: list[str] = []

    def execute(self, sql, *a, **k):
        Recorder.statements.append(sql)
        return super().execute(sql, *a, **k)

    def executemany(self, sql, *a, **k):
        Recorder.statements.append(sql)
        return super().executemany(sql, *a, **k)

    def executescript(self, sql, *a, **k):
        Recorder.statements.append(sql)
        return super().executescript(sql, *a, **k)


@pytest.fixture()
def recording(monkeypatch):
    import shunt.store.db as dbmod

    real = sqlite3.connect

    def connect(*a, **k):
        k.setdefault("factory", Recorder)
        return real(*a, **k)

    monkeypatch.setattr(dbmod.sqlite3, "connect", connect)
    Recorder.statements = []
    yield Recorder.statements
    monkeypatch.setattr(dbmod.sqlite3, "connect", real)


def test_hostile_values_are_never_part_of_sql_text(tmp_path, recording):
    shop = f"s{MARK}"
    buyer, agent, group = f"b{MARK}", f"{shop}:a{MARK}", f"g{MARK}"
    T = 1794326400000
    evs = [
        {"type": "shop_config", "ts": T, "shop": shop, "id": f"cfg{MARK}", "timezone": "Asia/Shanghai",
         "settings": {"strategy": "reception_rate"}, "agents": [{"account": agent}],
         "groups": [{"id": group, "name": MARK, "members": [agent]}]},
        {"type": "agent_status", "ts": T, "shop": shop, "account": agent, "status": "online"},
        {"type": "consult", "ts": T + 60_000, "shop": shop, "id": f"c{MARK}", "buyer": buyer, "item": MARK,
         "intent": MARK, "routed": {"agent": agent, "group": group, "reason": "only_one_online"}},
        {"type": "message", "ts": T + 65_000, "shop": shop, "buyer": buyer, "sender": "buyer", "account": agent},
        {"type": "session_end", "ts": T + 120_000, "shop": shop, "consult": f"c{MARK}"},
        {"type": f"t{MARK}", "ts": T, "shop": shop, MARK: MARK},
    ]
    log = tmp_path / "l.jsonl"
    log.write_text("".join(json.dumps(e) + "\n" for e in evs), encoding="utf-8")
    db = tmp_path / "s.db"
    assert shunt("load", str(log), db=db).exit_code == 0
    for args in (("trace", buyer, "--date", "2026-11-11", "--shop", shop),
                 ("trace", f"x{MARK}", "--date", "2026-11-11", "--shop", shop),
                 ("trace", buyer, "--date", "2026-11-11", "--node", f"n{MARK}", "--shop", shop),
                 ("why-silent", agent, "--shop", shop), ("why-silent", f"{shop}:nobody{MARK}", "--shop", shop),
                 ("why-received", buyer, "--at", "2026-11-11 00:01:05", "--shop", shop,
                  "--expected", f"{shop}:e{MARK}"),
                 ("trace", buyer, "--date", "2026-11-11", "--shop", f"other{MARK}")):
        res = shunt(*args, "--json", db=db)
        assert res.exit_code in (0, 1), (args, res.stderr)
    assert len(recording) > 20
    assert not [s for s in recording if "Zq9" in s], "a value was spliced into SQL text"
    c = sqlite3.connect(db)
    assert c.execute("SELECT count(*) FROM consults WHERE buyer = ?", (buyer,)).fetchone()[0] == 1
    c.close()
