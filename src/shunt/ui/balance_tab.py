"""balance 分流均衡: how consults were shared between the accounts over a day, why, and the hourly chart."""

from __future__ import annotations

from shunt.i18n import N_, _
from textual.widgets import Input

from shunt.ui.form import QuestionTab
from shunt.ui.suggest import AccountSuggester


class BalanceTab(QuestionTab):
    HINT = N_("A date (empty: the latest day with consults), optionally a group and a pair of accounts; Enter.")

    def fields(self) -> list[Input]:
        return [Input(placeholder=_("date (default: the latest day)"), id="date"),
                Input(placeholder=_("group (optional)"), id="group"),
                Input(placeholder=_("pair, e.g. 小美,小丙 (optional)"), id="pair", suggester=AccountSuggester(self.session))]

    def ask(self, values):
        from shunt.commands.common import account, masked
        from shunt.diagnose.balance import balance, check_pair
        from shunt.diagnose.period import period, require_consults
        from shunt.render.balance import Chart, balance_human

        s = self.session
        said: list[str] = []
        start, end, label = period(s.conn, s.sid, s.tz, values["date"] or None, None, None, say=said.append)
        require_consults(s.conn, s.sid, s.tz, start, end, label)
        pair = check_pair(values["pair"] or None)
        if pair is not None:  # as typed: 阿甲 names the shop's zhenpin:阿甲, as the command reads it
            pair = (account(s.conn, s.sid, s.nick, pair[0]), account(s.conn, s.sid, s.nick, pair[1]))
        result = masked(balance(s.conn, s.sid, start, end, label, group=values["group"] or None, pair=pair), [], s.mask)

        def draw(out) -> None:
            for line in said:
                out.print(line, style="dim")
            out.print(Chart(result))  # the chart first: it is what this tab is looked at for
            balance_human(result, out, with_chart=False)

        words: tuple = ("balance", "--date", label)
        if values["group"]:
            words += ("--group", values["group"])
        if values["pair"]:
            words += ("--pair", values["pair"])
        return words, draw
