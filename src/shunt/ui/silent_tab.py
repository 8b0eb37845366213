"""收不到消息 why-silent: an account, a moment, a window → its state, and the causes with advice."""

from __future__ import annotations

from shunt.i18n import N_, _
from textual.widgets import Input

from shunt.ui.form import QuestionTab
from shunt.ui.suggest import AccountSuggester


class SilentTab(QuestionTab):
    HINT = N_("An account (e.g. shop:小王; → completes), a moment (empty: the last loaded event), a window; Enter.")

    def fields(self) -> list[Input]:
        return [Input(placeholder=_("account"), id="account", suggester=AccountSuggester(self.session)),
                Input(placeholder=_("at (default: the last event)"), id="at"),
                Input(value="24h", placeholder=_("window"), id="window")]

    def ask(self, values):
        from shunt.commands.common import account, duration, masked, moment
        from shunt.diagnose.period import default_moment
        from shunt.diagnose.silent import why_silent
        from shunt.errors import UsageError
        from shunt.render import human

        s = self.session
        if not values["account"]:
            raise UsageError(_("type an account, e.g. {example}").format(example=f"{s.nick}:小王"))
        window = values["window"] or "24h"
        win = duration(window)
        at, said = values["at"], []
        sh = s.handle()
        if at:
            ms = moment(at, sh)
        else:
            ms, why = default_moment(sh)
            said.append(f"at: {why}")
        acc = account(sh, values["account"])  # 小丙 → shop:小丙, as the CLI reads it
        result = masked(why_silent(s.conn, s.sid, acc, ms, win), [], s.mask)
        from shunt import timeutil

        def draw(out) -> None:
            for line in said:
                out.print(line, style="dim")
            human.silent(result, out)  # its funnel included (render.funnel)

        return ("why-silent", values["account"], "--at", timeutil.to_iso(ms, s.tz), "--window", window), draw
