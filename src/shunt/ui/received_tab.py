"""收到错误消息 why-received: a buyer and the second of the message (and an expected account) → the node, replayed."""

from __future__ import annotations

from shunt.i18n import N_, _
from textual.widgets import Input

from shunt.ui.form import QuestionTab
from shunt.ui.suggest import AccountSuggester, BuyerSuggester


class ReceivedTab(QuestionTab):
    HINT = N_("A buyer (→ completes), the second the message was sent, optionally the account you expected; Enter.")
    BUYER_AT = (1,)

    def fields(self) -> list[Input]:
        return [Input(placeholder=_("buyer"), id="buyer", suggester=BuyerSuggester(self.session)),
                Input(placeholder=_("at, e.g. 2026-11-11 10:23:45"), id="at"),
                Input(placeholder=_("expected account (optional)"), id="expected", suggester=AccountSuggester(self.session))]

    def ask(self, values):
        from shunt.commands.common import masked, masked_errors, moment
        from shunt.diagnose.received import why_received
        from shunt.errors import UsageError
        from shunt.render import human

        s = self.session
        buyer, at, expected = values["buyer"], values["at"], values["expected"] or None
        if not buyer or not at:
            raise UsageError(_("type the buyer and the second the message was sent (at)"))
        sh = s.handle()
        ms = moment(at, sh)
        with masked_errors(s.mask, [buyer], s.conn, s.sid):
            result = masked(why_received(sh, buyer, ms - ms % 1000, expected), [buyer], s.mask)
        words = ("why-received", buyer, "--at", at) + (("--expected", expected) if expected else ())
        return words, lambda out: human.received(result, out)
