from __future__ import annotations

from shunt.commands.common import duration, masked, moment, open_shop


def run(db, account: str, *, at=None, window="24h", shop=None, as_json=False, mask=False) -> None:
    from shunt.diagnose.silent import why_silent
    from shunt.render import human, jsonout

    conn, sid, _nick, tz = open_shop(db, shop)
    result = why_silent(conn, sid, account, moment(at, tz) if at else None, duration(window))
    result = masked(result, [], mask)  # every buyer in it: window examples, open sessions
    if as_json:
        jsonout.dump(jsonout.silent(result))
    else:
        human.silent(result)
