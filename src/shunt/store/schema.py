"""The SQLite schema of a shunt database, as versioned migrations.

`MIGRATIONS[i]` takes a database from schema version `i` to `i + 1`; the version is kept
in `PRAGMA user_version`. Every time column is epoch milliseconds (INTEGER, UTC).
Every event table has a unique `(shop_id, uid)`: `uid` is the event's `id`, or a stable
hash of its content when the export had none (docs/semantics.md), so loads are idempotent
(`INSERT OR IGNORE`). docs/schema.md describes the tables for people using sqlite3 or Datasette.

Secondary indexes live apart in `INDEXES` (created with IF NOT EXISTS every time a database
is opened for writing) so the loader may drop them for a bulk load into empty tables and
build them afterwards; a load killed in between gets them back on the next open.
"""

from __future__ import annotations

from shunt.engine.model import SELECTION_ORDER
from shunt.store import spans, txn

# "shun" in ASCII: marks a SQLite file as a shunt database (PRAGMA application_id).
APPLICATION_ID = 0x7368756E

# Reasons decided by rule 7 (agent selection; engine.model.SELECTION_ORDER), as an SQL list: the
# consults_grp index's WHERE clause and the queries it serves must spell it the same.
SELECTION_IN = "(" + ",".join(f"'{r}'" for r in SELECTION_ORDER) + ")"

MIGRATIONS: list[str] = [
    # ---- version 1 ----
    f"""
CREATE TABLE shops(
    id INTEGER PRIMARY KEY,
    nick TEXT NOT NULL UNIQUE,          -- the shop's main account nick
    timezone TEXT,                      -- timezone of its latest shop_config (NULL: Asia/Shanghai)
    tz_ts INTEGER, tz_uid TEXT          -- (ts, uid) of that shop_config
);
CREATE TABLE configs(                    -- shop_config events
    shop_id INTEGER NOT NULL REFERENCES shops(id),
    ts INTEGER NOT NULL, uid TEXT NOT NULL,
    timezone TEXT,
    body TEXT NOT NULL                  -- the whole event as JSON (Config.from_body reads it)
);
CREATE UNIQUE INDEX configs_uid ON configs(shop_id, uid);
CREATE INDEX configs_ts ON configs(shop_id, ts, uid);
CREATE TABLE statuses(                   -- agent_status events
    shop_id INTEGER NOT NULL, ts INTEGER NOT NULL, uid TEXT NOT NULL,
    account TEXT NOT NULL, status TEXT NOT NULL, extra TEXT
);
CREATE UNIQUE INDEX statuses_uid ON statuses(shop_id, uid);
CREATE TABLE stats(                      -- agent_stats events
    shop_id INTEGER NOT NULL, ts INTEGER NOT NULL, uid TEXT NOT NULL,
    account TEXT NOT NULL, conversion_rate REAL, extra TEXT
);
CREATE UNIQUE INDEX stats_uid ON stats(shop_id, uid);
CREATE TABLE consults(                   -- consult events: the routing nodes
    shop_id INTEGER NOT NULL, ts INTEGER NOT NULL, uid TEXT NOT NULL,
    buyer TEXT NOT NULL, source TEXT NOT NULL, item TEXT,
    order_id TEXT, order_state TEXT,    -- order_state NULL: no `order` (no active order)
    carrier TEXT, packages INTEGER,
    intent TEXT, by_account TEXT, target TEXT,
    agent TEXT, grp TEXT, reason TEXT NOT NULL,   -- routed.agent / .group / .reason
    extra TEXT,                         -- unknown fields, JSON object (NULL: none)
    end_ts INTEGER,                     -- derived: when its session ends; NULL = open forever
    end_uid TEXT                        -- derived: '' ended by a session_end, else the uid of the
                                        -- buyer's next consult, which ends it at its own place
);
CREATE UNIQUE INDEX consults_uid ON consults(shop_id, uid);
CREATE TABLE session_ends(
    shop_id INTEGER NOT NULL, ts INTEGER NOT NULL, uid TEXT NOT NULL,
    consult TEXT NOT NULL, extra TEXT
);
CREATE UNIQUE INDEX session_ends_uid ON session_ends(shop_id, uid);
CREATE TABLE messages(
    shop_id INTEGER NOT NULL, ts INTEGER NOT NULL, uid TEXT NOT NULL,
    buyer TEXT NOT NULL, sender TEXT NOT NULL, account TEXT, consult TEXT, extra TEXT
);
CREATE UNIQUE INDEX messages_uid ON messages(shop_id, uid);
CREATE TABLE logistics(
    shop_id INTEGER NOT NULL, ts INTEGER NOT NULL, uid TEXT NOT NULL,
    consult TEXT NOT NULL, action TEXT NOT NULL, by_party TEXT,
    account TEXT, carrier TEXT, order_id TEXT, extra TEXT
);
CREATE UNIQUE INDEX logistics_uid ON logistics(shop_id, uid);
CREATE TABLE other_events(               -- events of a type this version does not know (kept)
    shop_id INTEGER NOT NULL, ts INTEGER NOT NULL, uid TEXT NOT NULL,
    type TEXT NOT NULL, body TEXT NOT NULL
);
CREATE UNIQUE INDEX other_events_uid ON other_events(shop_id, uid, type);
CREATE TABLE load_steps(                 -- derived: each account's open sessions, step by step
    shop_id INTEGER NOT NULL, account TEXT NOT NULL,
    ts INTEGER NOT NULL,
    okey TEXT NOT NULL,                 -- place at that ts: '' (a session_end, before every
                                        -- consult of its ts) or the uid of the consult there
    phase INTEGER NOT NULL,             -- 0: a session ends, 1: a session starts
    uid TEXT NOT NULL,                  -- the consult whose session it is
    load INTEGER NOT NULL,              -- the account's open sessions after this step
    PRIMARY KEY(shop_id, account, ts, okey, phase, uid)
) WITHOUT ROWID;
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;   -- e.g. dirty:<shop_id> = earliest ts to re-derive from
CREATE TABLE loads(                      -- history of `shunt load`
    id INTEGER PRIMARY KEY, file TEXT NOT NULL,
    started INTEGER NOT NULL, finished INTEGER, counts TEXT
);
CREATE VIEW routing_nodes AS
SELECT s.nick AS shop, c.uid AS consult,
       datetime(c.ts / 1000, 'unixepoch') || 'Z' AS ts_utc,
       datetime(c.ts / 1000, 'unixepoch', '+8 hours') AS ts_shanghai,
       c.buyer, c.source, c.item, c.order_id, c.order_state, c.intent,
       c.by_account, c.target, c.agent, c.grp AS "group", c.reason,
       CASE WHEN c.end_ts IS NULL THEN NULL
            ELSE datetime(c.end_ts / 1000, 'unixepoch') || 'Z' END AS session_end_utc,
       c.ts, c.end_ts
FROM consults c JOIN shops s ON s.id = c.shop_id;
""",
    # ---- version 2: where each event row was first loaded (store/conflicts.py) ----
    # loads.id * 2^32 + line number; NULL for rows loaded before version 2.
    """
ALTER TABLE configs ADD COLUMN origin INTEGER;
ALTER TABLE statuses ADD COLUMN origin INTEGER;
ALTER TABLE stats ADD COLUMN origin INTEGER;
ALTER TABLE consults ADD COLUMN origin INTEGER;
ALTER TABLE session_ends ADD COLUMN origin INTEGER;
ALTER TABLE messages ADD COLUMN origin INTEGER;
ALTER TABLE logistics ADD COLUMN origin INTEGER;
ALTER TABLE other_events ADD COLUMN origin INTEGER;
""",
]

SCHEMA_VERSION = len(MIGRATIONS)

# name -> (table, definition). Built after a bulk load when the loader dropped them.
INDEXES: dict[str, str] = {
    "consults_ts": "consults(shop_id, ts, uid)",
    "consults_buyer": "consults(shop_id, buyer, ts, uid)",
    "consults_grp": f"consults(shop_id, grp, ts, uid) WHERE reason IN {SELECTION_IN}",
    "statuses_acc": "statuses(shop_id, account, ts, uid)",
    "statuses_ts": "statuses(shop_id, ts, uid)",
    "stats_acc": "stats(shop_id, account, ts, uid)",
    "session_ends_consult": "session_ends(shop_id, consult, ts)",
    "session_ends_ts": "session_ends(shop_id, ts, uid)",
    # messages lead with the column that tells rows apart: the bulk build sorts ~30% faster than
    # with shop_id (one value for a whole shop) first, and the lookups (shop_id and buyer or uid
    # given) use it alike. Databases made before keep (shop_id, buyer, ts) / (shop_id, uid).
    "messages_buyer": "messages(buyer, shop_id, ts)",
    "logistics_consult": "logistics(shop_id, consult, ts)",
}


# The unique `(shop_id, uid)` indexes of the event tables (also made by the migration). A bulk
# load into empty tables drops them too and builds them at the end, removing the later copies
# of a duplicated event first (INSERT OR IGNORE keeps the first): one sort instead of a random
# B-tree insert per event.
UNIQUE_INDEXES: dict[str, str] = {
    "configs_uid": "configs(shop_id, uid)",
    "statuses_uid": "statuses(shop_id, uid)",
    "stats_uid": "stats(shop_id, uid)",
    "consults_uid": "consults(shop_id, uid)",
    "session_ends_uid": "session_ends(shop_id, uid)",
    "messages_uid": "messages(uid, shop_id)",  # (see messages_buyer)
    "logistics_uid": "logistics(shop_id, uid)",
    "other_events_uid": "other_events(shop_id, uid, type)",
}


def create_indexes(conn, before_dedupe=None) -> dict[str, int]:
    """Make every missing index. → table: duplicate rows removed to make a unique index.
    `before_dedupe(table)` is called before the later copies of a table's duplicates are removed."""
    import sqlite3

    removed: dict[str, int] = {}
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for name, definition in UNIQUE_INDEXES.items():
        if name in have:
            continue
        table, cols = definition.split("(", 1)
        try:
            conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {definition}")
        except sqlite3.IntegrityError:  # the same event twice: keep the first, as INSERT OR IGNORE
            if before_dedupe is not None:
                before_dedupe(table)
            # (the spans recounted with the removal: a kill between them would leave them wide)
            with txn.immediate(conn, join=True):  # (a load's error path may call this in its transaction)
                before = conn.total_changes
                conn.execute(f"DELETE FROM {table} WHERE rowid NOT IN "
                             f"(SELECT min(rowid) FROM {table} GROUP BY {cols[:-1]})")
                removed[table] = conn.total_changes - before
                if table == "messages":  # (rows the spans counted are gone)
                    spans.recount(conn)
            conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {definition}")
    for name, definition in INDEXES.items():
        if name not in have:
            conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
    return removed


def all_index_names() -> set[str]:
    return set(UNIQUE_INDEXES) | set(INDEXES)


def drop_indexes(conn, tables: set[str], unique: bool = False) -> list[str]:
    dropped = []
    for name, definition in (*INDEXES.items(), *(UNIQUE_INDEXES.items() if unique else ())):
        if definition.split("(", 1)[0] in tables:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
            dropped.append(name)
    return dropped
