"""`shunt info`: what the database holds."""

from __future__ import annotations


def run(db, *, shop=None, as_json=False) -> None:
    from shunt import store
    from shunt.diagnose.info import info
    from shunt.render import info as view

    from shunt.store.snapshot import one_snapshot

    conn = store.open_db(db, create=False)
    try:
        with one_snapshot(conn):  # one snapshot for every count, whatever a load commits meanwhile
            result = info(conn, str(db), shop)
    finally:
        conn.close()
    if as_json:
        from shunt.render.jsonout import dump

        dump(view.to_json(result))
    else:
        view.human(result)
