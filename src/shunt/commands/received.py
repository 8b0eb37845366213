from __future__ import annotations

from shunt.commands.common import account, masked, masked_errors, moment, open_shop
from shunt.commands.names import name_groups


def run(db, buyer: str, *, at: str, expected=None, shop=None, as_json=False, mask=False) -> None:
    from shunt.diagnose.received import why_received
    from shunt.render import human, jsonout

    s = open_shop(db, shop)

    name_groups(s.conn, s.sid, later=True)  # human views: `售前 g_pre`
    ms = moment(at, s)
    expected = account(s, expected)
    with masked_errors(mask, [buyer], s.conn, s.sid):
        result = masked(why_received(s, buyer, ms - ms % 1000, expected), [buyer], mask)
    if as_json:
        jsonout.dump(jsonout.received(result))
    else:
        human.received(result)
