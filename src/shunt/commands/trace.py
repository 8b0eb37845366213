from __future__ import annotations

import sys

from shunt.commands.common import day, masked, masked_errors, open_shop


def run(db, buyer: str, date: str, *, shop=None, node=None, detail=False, as_json=False, mask=False) -> None:
    from shunt.diagnose.trace import trace
    from shunt.render import human, jsonout
    from shunt.render.text import plain

    conn, sid, _nick, tz = open_shop(db, shop)
    with masked_errors(mask, [buyer], conn, sid):
        result = trace(conn, sid, buyer, day(date, tz), node_id=node)
    result = masked(result, [buyer], mask)
    if not result.nodes:
        msg = f"shunt: {plain(result.buyer)} has no routing nodes on {result.date}"
        if result.dates:
            msg += "; dates with nodes: " + ", ".join(result.dates[-15:])
        print(msg, file=sys.stderr)
    if as_json:
        jsonout.dump(jsonout.trace(result))
    else:
        human.trace(result, detail=detail or node is not None)
