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
        from shunt.commands.common import masked
        from shunt.commands.options import pair as read_pair
        from shunt.diagnose.balance import balance
        from shunt.commands.options import period
        from shunt.diagnose.period import require_consults
        from shunt.render.balance import Chart, balance_human

        s = self.session
        said: list[str] = []
        sh = s.handle()
        start, end, label = period(sh, values["date"] or None, None, None, say=said.append)
        require_consults(sh, start, end, label)
        pair = read_pair(sh, values["pair"] or None)  # 阿甲 -> zhenpin:阿甲
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
