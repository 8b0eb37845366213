"""Names as the user types them: does the shop have this buyer or account, and which are near (for
the `nearest:` line of a NotFound), and buyers by prefix (the ui's completion)."""

from __future__ import annotations

import sqlite3

from shunt.store.configs import config_at


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _nearest(conn: sqlite3.Connection, sql_prefix: str, sql_sample: str, params: tuple, name: str, n: int) -> list[str]:
    found: dict[str, None] = {}
    pat = _like_escape(name)
    for (v,) in conn.execute(sql_prefix, (*params, pat + "%", n)):
        found[v] = None
    if len(found) < n and len(name) >= 2:
        for (v,) in conn.execute(sql_sample.replace("{LIKE}", "ESCAPE '\\'"), (*params, "%" + pat + "%", 2000)):
            found[v] = None
            if len(found) >= 4 * n:
                break
    sample = [v for (v,) in conn.execute(sql_sample.replace("{LIKE}", "ESCAPE '\\'"), (*params, "%", 2000))]
    import difflib  # error paths only

    close = difflib.get_close_matches(name, list(found) + sample, n=n, cutoff=0.4)
    out = list(dict.fromkeys([*(v for v in found if v.startswith(name)), *close, *found]))
    return [v for v in out if v != name][:n]


def nearest_buyers(conn: sqlite3.Connection, sid: int, name: str, n: int = 5) -> list[str]:
    """A few buyer nicks like `name` (prefix, substring, then close spellings over a bounded sample)."""
    return _nearest(
        conn,
        "SELECT DISTINCT buyer FROM consults WHERE shop_id = ? AND buyer LIKE ? ESCAPE '\\' LIMIT ?",
        "SELECT buyer FROM (SELECT DISTINCT buyer FROM consults WHERE shop_id = ? "
        "AND buyer LIKE ? {LIKE} LIMIT ?)",
        (sid,), name, n)


def buyers_by_prefix(conn: sqlite3.Connection, sid: int, prefix: str, n: int = 10) -> list[str]:
    """Up to `n` buyer nicks of consults starting with `prefix` (case-sensitive), in order: an index range seek
    (consults(shop_id, buyer, ...)), one distinct nick at a time so that a buyer's many consults cost nothing."""
    out: list[str] = []
    last, inclusive = prefix, True
    while len(out) < n:
        op = ">=" if inclusive else ">"
        row = conn.execute(f"SELECT buyer FROM consults WHERE shop_id = ? AND buyer {op} ? ORDER BY buyer LIMIT 1",
                           (sid, last)).fetchone()
        if row is None or not row[0].startswith(prefix):
            break
        out.append(row[0])
        last, inclusive = row[0], False
    return out


def known_accounts(conn: sqlite3.Connection, sid: int, at: int | None = None) -> list[str]:
    """Accounts of the config in force (at `at`, default the latest) and those with status events."""
    cfg = config_at(conn, sid, at if at is not None else 2**62)
    names: dict[str, None] = {}
    if cfg is not None:
        for a in cfg.agents:
            names[a.account] = None
        if cfg.settings.assistant:
            names[cfg.settings.assistant] = None
        for g in cfg.groups:
            for m in g.members:
                names[m] = None
    last = ""
    for _ in range(5000):
        row = conn.execute("SELECT account FROM statuses WHERE shop_id = ? AND account > ? ORDER BY account LIMIT 1",
                           (sid, last)).fetchone()
        if row is None:
            break
        last = row[0]
        names[last] = None
    return list(names)


def nearest_accounts(conn: sqlite3.Connection, sid: int, name: str, n: int = 5) -> list[str]:
    names = known_accounts(conn, sid)
    lname = name.lower()
    out = [a for a in names if a.lower().startswith(lname)]
    out += [a for a in names if lname in a.lower() and a not in out]
    tail = name.split(":", 1)[-1]
    out += [a for a in names if tail and a.split(":", 1)[-1] == tail and a not in out]
    # a name typed without its shop prefix, a character more or less: 小丙丙 → zhenpin:小丙
    out += [a for a in names if tail and a not in out and len(a.split(":", 1)[-1]) > 1
            and (a.split(":", 1)[-1] in tail or tail in a.split(":", 1)[-1])]
    import difflib  # error paths only

    out += [a for a in difflib.get_close_matches(name, names, n=n, cutoff=0.4) if a not in out]
    return [a for a in out if a != name][:n]


def account_exists(conn: sqlite3.Connection, sid: int, account: str) -> bool:
    if conn.execute("SELECT 1 FROM statuses WHERE shop_id = ? AND account = ? LIMIT 1", (sid, account)).fetchone():
        return True
    if conn.execute("SELECT 1 FROM load_steps WHERE shop_id = ? AND account = ? LIMIT 1", (sid, account)).fetchone():
        return True
    if account in known_accounts(conn, sid):
        return True
    # a carrier's logistics account appears only in invitations (a small table)
    return conn.execute("SELECT 1 FROM logistics WHERE shop_id = ? AND account = ? LIMIT 1", (sid, account)).fetchone() is not None


def buyer_exists(conn: sqlite3.Connection, sid: int, buyer: str) -> bool:
    return conn.execute("SELECT 1 FROM consults WHERE shop_id = ? AND buyer = ? LIMIT 1", (sid, buyer)).fetchone() is not None \
        or conn.execute("SELECT 1 FROM messages WHERE shop_id = ? AND buyer = ? LIMIT 1", (sid, buyer)).fetchone() is not None
