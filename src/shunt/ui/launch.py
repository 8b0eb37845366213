"""`shunt ui`: open the shop, then run the Textual app (an optional extra: imported here, not at start-up).

In ui/, not commands/: the app uses commands.common's option helpers, so the launcher sits above commands (as cli does)."""

from __future__ import annotations

from shunt.i18n import N_, _
from shunt.errors import UsageError

INSTALL = N_("shunt ui needs the optional extra: pip install 'shunt[ui]' (or: pip install 'textual>=8')")


def run(db, *, shop=None, mask=False) -> None:
    try:
        import textual  # noqa: F401
    except ImportError:
        raise UsageError(_(INSTALL)) from None
    import sys

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(_("shunt ui needs a terminal (stdin and stdout); for a script, use the commands it shows "
                           "(shunt trace, why-silent, why-received, audit, balance)"))
    from shunt.ui.app import ShuntApp
    from shunt.ui.session import Session

    session = Session(db, shop, mask)  # a missing database or shop: the commands' message, before the screen
    ShuntApp(session).run()
