"""`shunt config show [--at T] [--json]`: the configuration in force, the starting point of a change file."""

from __future__ import annotations

from shunt.commands.common import moment, open_shop
from shunt.errors import NotFound
from shunt.i18n import _, ngettext  # noqa: F401


def run(db, *, at=None, shop=None, as_json=False, mask=False) -> None:
    from shunt import store, timeutil
    from shunt.diagnose.config_body import to_body
    from shunt.render.config import config_human, masked_body
    from shunt.render.jsonout import dump
    from shunt.render.text import plain

    sh = open_shop(db, shop)
    conn, sid, nick, tz = sh
    t = moment(at, sh) if at else store.last_event_ts(conn, sid)
    cfg = store.config_at(conn, sid, t) if t is not None else None
    if cfg is None:
        first = store.configs_in(conn, sid, t or 0, 2**62)
        when = _("; the first one starts {at}").format(at=timeutil.to_iso(first[0].ts, tz)) if first else ""
        asked = plain(at) if at else _("any time")  # as typed: a far moment may have no ISO form in the shop's zone
        raise NotFound(_("no shop_config of {shop} is in force at {at}{when}").format(shop=plain(nick), at=asked, when=when))
    # shop, ts and timezone first: a change file ignores them (but refuses another shop's)
    doc = {"shop": nick, "ts": timeutil.to_iso(cfg.ts, tz), **to_body(cfg)}
    if mask:
        doc = masked_body(doc)
    if as_json:
        dump(doc)
    else:
        config_human(doc, plain(at) if at else timeutil.to_iso(t, tz))
