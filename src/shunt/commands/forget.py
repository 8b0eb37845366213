"""`shunt forget SHOP`: remove a shop and all its rows from a database, after a confirmation."""

from __future__ import annotations

import sys

from shunt.errors import UsageError
from shunt.i18n import _, ngettext  # noqa: F401

DERIVED = {"load_steps"}  # rows computed from the events, not events themselves


def interactive() -> bool:
    """Can we ask the user? (stdin and stderr are terminals)"""
    return sys.stdin.isatty() and sys.stderr.isatty()


def confirm(question: str) -> bool:
    print(question + " [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def run(db, shop: str, *, yes: bool = False, as_json: bool = False) -> None:
    from shunt import store
    from shunt.render.text import plain
    from shunt.store.remove import forget_shop, shop_rows

    conn = store.open_db(db, create=False)
    try:
        sid = store.shop_id(conn, shop)
        events = sum(n for t, n in shop_rows(conn, sid).items() if t not in DERIVED)
        if not yes:
            if not interactive():
                raise UsageError(_("forget removes shop {shop} ({events} events) for good: add --yes to confirm "
                                   "(there is no terminal to ask on)").format(shop=plain(shop), events=f"{events:,}"))
            if not confirm(_("Remove shop {shop} and its {events} events from {db}? This cannot be undone.").format(
                    shop=plain(shop), events=f"{events:,}", db=plain(db))):
                print(_("nothing removed"), file=sys.stderr)
                return
        removed = {t: n for t, n in sorted(forget_shop(conn, sid).items()) if t not in DERIVED}
    finally:
        conn.close()
    events = sum(removed.values())
    print(_("removed shop {shop}: {events} events ({tables})").format(
          shop=plain(shop), events=f"{events:,}",
          tables=", ".join(f"{t} {n:,}" for t, n in removed.items()) or _("none")),
          file=sys.stderr)
    if as_json:
        from shunt.render.jsonout import dump

        dump({"shop": shop, "db": str(db), "events": events, "removed": removed})
