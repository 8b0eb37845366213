"""audit 分流自查: every node of a day checked against the shop's settings, grouped by the fact that breaks it."""

from __future__ import annotations

from shunt.i18n import N_, _
from textual.widgets import Input

from shunt.ui.form import QuestionTab


class AuditTab(QuestionTab):
    HINT = N_("A date (empty: the latest day with consults), optionally a group or an account; Enter.")

    def fields(self) -> list[Input]:
        return [Input(placeholder=_("date (default: the latest day)"), id="date"),
                Input(placeholder=_("group (optional)"), id="group"),
                Input(placeholder=_("account (optional)"), id="account")]

    def ask(self, values):
        from shunt.diagnose.audit import audit
        from shunt.commands.options import period
        from shunt.diagnose.period import require_consults
        from shunt.render.audit import audit_human

        s = self.session
        date = values["date"] or None
        said: list[str] = []
        sh = s.handle()
        start, end, label = period(sh, date, None, None, say=said.append)
        require_consults(sh, start, end, label)
        result = audit(sh, start, end, label, group=values["group"] or None,
                       account=values["account"] or None)

        def draw(out) -> None:
            for line in said:
                out.print(line, style="dim")
            audit_human(result, s.mask, out)

        words: tuple = ("audit", "--date", label)
        if values["group"]:
            words += ("--group", values["group"])
        if values["account"]:
            words += ("--account", values["account"])
        return words, draw
