"""`shunt audit`: thin wiring of diagnose.audit and render.audit."""

from __future__ import annotations

from shunt.commands.common import account as as_account, open_shop
from shunt.commands.period import resolve
from shunt.errors import UsageError

MISMATCH_EXIT = 5  # --fail-on-mismatch, and a node breaks the rules


def run(db, *, date=None, start=None, end=None, group=None, account=None, shop=None, as_json=False,
        as_csv=False, mask=False, fail_on_mismatch=False, examples=3) -> int:
    from shunt.diagnose.audit import audit
    from shunt.render import audit as view
    from shunt.render.jsonout import dump

    if as_json and as_csv:
        raise UsageError("give either --json or --csv, not both")
    if examples < 0:
        raise UsageError("--examples must be 0 or more")
    conn, sid, nick, tz = open_shop(db, shop)
    account = as_account(conn, sid, nick, account)
    s, e, label = resolve(conn, sid, tz, date, start, end)
    rows = view.CsvRows(tz, mask) if as_csv else None
    result = audit(conn, sid, s, e, label, group=group, account=account, examples=examples, on_break=rows)
    if rows is not None:
        rows.close()
    elif as_json:
        dump(view.audit_json(result, mask))
    else:
        view.audit_human(result, mask)
    return MISMATCH_EXIT if fail_on_mismatch and result.breaking else 0
