"""`shunt info`: what the database holds."""

from __future__ import annotations


def run(db, *, shop=None, as_json=False, as_csv=False, output=None) -> None:
    from shunt import store
    from shunt.diagnose.info import info
    from shunt.render import info as view

    from shunt.commands.common import csv_wanted, emit
    from shunt.store.snapshot import one_snapshot

    as_csv = csv_wanted(as_json, as_csv, output)
    conn = store.open_db(db, create=False)
    try:
        with one_snapshot(conn):  # one snapshot for every count, whatever a load commits meanwhile
            result = info(conn, str(db), shop)
    finally:
        conn.close()
    emit(as_csv, as_json, lambda: view.to_json(result), lambda: view.human(result), "info", output=output)
