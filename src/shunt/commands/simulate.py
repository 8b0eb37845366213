from __future__ import annotations

from collections import Counter
from pathlib import Path

from shunt.commands.common import csv_wanted, emit, exclusive_buyers, masked, open_shop, write_html
from shunt.commands.period import resolve
from shunt.commands.names import name_groups
from shunt.errors import UsageError
from shunt.i18n import _, tr


def run(db, config: Path, *, date=None, start=None, end=None, seed=0, limit=50, shop=None, as_json=False, mask=False,
        as_csv=None, output=None, html=None) -> None:
    from shunt import store
    from shunt.diagnose.config_changes import simulated_changes
    from shunt.commands.change_file import read_patch
    from shunt.diagnose.config_patch import apply_patch
    from shunt.diagnose.simulate import simulate
    from shunt.render import balance as view
    from shunt.render.config import changes_human
    from shunt.render.progress import working
    from shunt.render.text import plain

    if as_csv not in (None, "accounts", "moved"):
        raise UsageError(_("--csv takes accounts or moved (the table to print), not {value}").format(value=plain(as_csv)))
    table = as_csv or "accounts"
    as_csv = csv_wanted(as_json, as_csv, output)
    where = plain(config)
    patch = read_patch(Path(config), where)
    sh = open_shop(db, shop)
    conn, sid, nick, tz = sh
    name_groups(conn, sid)  # human views: `售前 g_pre`
    if patch.get("shop") not in (None, nick):
        raise UsageError(_("{file} is a change for shop {shop}, not {nick}").format(
            file=where, shop=plain(patch["shop"]), nick=plain(nick)))
    s, e, label = resolve(sh, date, start, end)
    pairs, missed = [], Counter()
    for cfg in store.configs_in(conn, sid, s, e):  # every config in force must take the change
        new, miss = apply_patch(cfg, patch, where)
        pairs.append((cfg, new))
        missed.update(miss)
    changes = simulated_changes(pairs, tz, missed, where)
    with working(_("simulate: replaying {period} with the change").format(period=tr(label))):
        result = simulate(conn, sid, s, e, label, patch, seed=seed, limit=limit)
    if mask:  # moved consults' buyers, and the exclusive buyers the change names
        from shunt.render.text import buyers_in

        nicks = set(exclusive_buyers(patch)) | set(exclusive_buyers(changes)) | buyers_in(result)
        result, changes = masked(result, nicks, True), masked(changes, nicks, True)
    if html is not None:
        from shunt.render import html as page

        write_html(html, lambda: page.simulate_html(result, changes))

    def human() -> None:
        changes_human(changes, len(pairs))
        view.simulate_human(result)

    emit(as_csv, as_json, lambda: {"changes": changes, **view.simulate_json(result)}, human, "simulate", table, output)
