from __future__ import annotations

from shunt.commands.common import account as as_account, duration, masked, moment, open_shop, write_html
from shunt.commands.names import name_groups
from shunt.i18n import _, tr


def run(db, account: str, *, at=None, window="24h", shop=None, as_json=False, mask=False, html=None) -> None:
    from shunt.commands.period import say
    from shunt.diagnose.period import default_moment
    from shunt.diagnose.silent import why_silent
    from shunt.render import human, jsonout
    from shunt.render.progress import working

    sh = open_shop(db, shop)
    conn, sid, nick, tz = sh

    name_groups(conn, sid, later=True)  # human views: `售前 g_pre`
    account = as_account(sh, account)
    win = duration(window)
    if at:
        ms = moment(at, sh)
    else:
        ms, why = default_moment(sh)
        say(_("at: {why}; choose another with --at").format(why=tr(why)))
    with working(_("why-silent: replaying the {window} window").format(window=window)):
        result = why_silent(conn, sid, account, ms, win)
    result = masked(result, [], mask)  # every buyer in it: window examples, open sessions
    if html is not None:
        from shunt.render import html as page

        write_html(html, lambda: page.silent_html(result))
    if as_json:
        jsonout.dump(jsonout.silent(result))
    else:
        human.silent(result)
