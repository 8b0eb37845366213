from __future__ import annotations

from pathlib import Path

from shunt.commands.common import open_shop
from shunt.commands.period import resolve
from shunt.errors import NotFound


def run(db, config: Path, *, date=None, start=None, end=None, seed=0, limit=50, shop=None, as_json=False) -> None:
    from shunt.diagnose.simulate import simulate
    from shunt.diagnose.whatif import read_override
    from shunt.render import balance as view
    from shunt.render.jsonout import dump
    from shunt.render.text import plain

    if not Path(config).is_file():
        raise NotFound(f"no such file: {plain(config)}")
    new = read_override(Path(config).read_text(encoding="utf-8-sig"), where=plain(config))
    conn, sid, _nick, tz = open_shop(db, shop)
    s, e, label = resolve(conn, sid, tz, date, start, end)
    result = simulate(conn, sid, s, e, label, new, seed=seed, limit=limit)
    if as_json:
        dump(view.simulate_json(result))
    else:
        view.simulate_human(result)
