from __future__ import annotations

from shunt.commands.common import csv_wanted, emit, masked, open_shop, write_html
from shunt.commands.options import pair as read_pair
from shunt.commands.period import resolve
from shunt.i18n import _, tr
from shunt.commands.names import name_groups


def run(db, *, date=None, start=None, end=None, group=None, pair=None, html=None, shop=None, as_json=False, mask=False,
        as_csv=False, output=None) -> None:
    from shunt.diagnose.balance import balance
    from shunt.render import balance as view
    from shunt.render import html as page
    from shunt.render.progress import working

    as_csv = csv_wanted(as_json, as_csv, output)
    sh = open_shop(db, shop)
    name_groups(sh.conn, sh.sid)  # human views: `售前 g_pre`
    s, e, label = resolve(sh, date, start, end)
    with working(_("balance: replaying {period}").format(period=tr(label))):
        result = balance(sh.conn, sh.sid, s, e, label, group=group, pair=read_pair(sh, pair))
    result = masked(result, [], mask)  # any buyer the explanation names (none today: accepted for scripts)
    if html is not None:
        write_html(html, lambda: page.balance_html(result))
    emit(as_csv, as_json, lambda: view.balance_json(result), lambda: view.balance_human(result), "balance",
         output=output)

