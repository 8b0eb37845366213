from __future__ import annotations

import sys

from shunt.commands.common import csv_wanted, day, emit, masked, masked_errors, open_shop
from shunt.commands.names import name_groups
from shunt.i18n import _, tr


def _day_of(shop, buyer: str, date, node):
    """--date, else the day of --node (a consult id is unique in a shop), else the shop's default day."""
    from shunt import timeutil

    if date is not None:
        return day(date, shop)
    from shunt.commands.period import say
    from shunt.diagnose.period import default_day

    if node is not None:
        found = shop.consult_row(node)
        if found is not None and found[0].buyer == buyer:
            return timeutil.local_date(found[0].ts, shop.tz)
    choice = default_day(shop)
    say(_("date: {why}; choose another with --date").format(why=tr(choice.why)))
    return choice.day


def run(db, buyer: str, date, *, shop=None, node=None, detail=False, as_json=False, mask=False,
        as_csv=False, output=None) -> None:
    from shunt.diagnose.trace import trace
    from shunt.render import human, jsonout
    from shunt.render.text import plain

    as_csv = csv_wanted(as_json, as_csv, output)
    s = open_shop(db, shop)
    if not (as_json or as_csv):
        name_groups(s.conn, s.sid, later=True)  # human views: `售前 g_pre`
    with masked_errors(mask, [buyer], s.conn, s.sid):
        # the human summary (several nodes, no --detail) shows each node's outcome and verdict only
        brief = not (as_json or as_csv or detail or node is not None)
        result = trace(s, buyer, _day_of(s, buyer, date, node), node_id=node, brief=brief)
    result = masked(result, [buyer], mask)
    if not result.nodes:
        msg = "shunt: " + _("{buyer} has no routing nodes on {date}").format(buyer=plain(result.buyer), date=result.date)
        if result.dates:
            msg += _("; dates with nodes: {dates}").format(dates=", ".join(result.dates[-15:]))
        print(msg, file=sys.stderr)
    emit(as_csv, as_json, lambda: jsonout.trace(result), lambda: human.trace(result, detail=detail or node is not None),
         "trace", output=output)
