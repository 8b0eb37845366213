"""`shunt audit`: thin wiring of diagnose.audit and render.audit."""

from __future__ import annotations

from pathlib import Path

from shunt.commands.common import account as as_account, csv_wanted, open_shop, writing
from shunt.commands.period import resolve
from shunt.commands.names import name_groups
from shunt.errors import UsageError
from shunt.i18n import _, ngettext  # noqa: F401

MISMATCH_EXIT = 5  # --fail-on-mismatch, and a node breaks the rules


def run(db, *, date=None, start=None, end=None, group=None, account=None, shop=None, as_json=False,
        as_csv=False, mask=False, fail_on_mismatch=False, examples=3, output=None) -> int:
    from shunt.diagnose.audit import audit
    from shunt.render import audit as view
    from shunt.render.jsonout import dump

    as_csv = csv_wanted(as_json, as_csv, output)
    if examples < 0:
        raise UsageError(_("--examples must be 0 or more"))
    sh = open_shop(db, shop)
    tz = sh.tz
    name_groups(sh.conn, sh.sid)  # human views: `售前 g_pre`
    account = as_account(sh, account)
    s, e, label = resolve(sh, date, start, end)
    if output is not None:  # the whole answer first (an error writes no file), then the file with a BOM
        import io
        import sys

        from shunt.render.text import plain

        buf = io.BytesIO()
        rows = view.CsvRows(tz, mask, out=buf)
        result = audit(sh, s, e, label, group=group, account=account, examples=examples, on_break=rows)
        rows.close()
        with writing(output):
            Path(output).write_bytes(b"\xef\xbb\xbf" + buf.getvalue())
        print(_("wrote {file}").format(file=plain(output)), file=sys.stderr)
        return MISMATCH_EXIT if fail_on_mismatch and result.breaking else 0
    rows = view.CsvRows(tz, mask) if as_csv else None
    result = audit(sh, s, e, label, group=group, account=account, examples=examples, on_break=rows)
    if rows is not None:
        rows.close()
    elif as_json:
        dump(view.audit_json(result, mask))
    else:
        view.audit_human(result, mask)
    return MISMATCH_EXIT if fail_on_mismatch and result.breaking else 0
