"""分流记录 trace: a buyer and a date; the nodes on the left, the selected node's routing process on the right."""

from __future__ import annotations

from shunt.i18n import _
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Select, Static

from shunt.errors import ShuntError
from shunt.ui.form import CommandLine
from shunt.ui.session import View, error_view
from shunt.ui.suggest import BuyerSuggester
from shunt.ui.work import ask_in_background


def _mark(node) -> Text:
    m = node.replay.match
    if m is None:
        return Text("–", style="yellow")
    return Text("✓", style="green") if m else Text("✗", style="bold red")


def _short(table: dict, code: str | None) -> str:
    """The platform page's Chinese label of a code (the code itself when it has none)."""
    return "-" if code is None else table.get(code, (code,))[0]


def _row(n, tz, shop: str) -> tuple:
    """A node in the list: ✓/✗, time, the page's four fields (the agent without the shop's prefix)."""
    from shunt import timeutil
    from shunt.engine.codes import REASONS
    from shunt.engine import labels
    from shunt.render.human import _group_cell
    from shunt.render.text import safe

    agent = n.routed.agent or "-"
    if agent.startswith(shop + ":"):
        agent = agent[len(shop) + 1:]
    return (_mark(n), timeutil.to_clock(n.consult.ts, tz)[6:], safe(_short(labels.SOURCES, n.consult.source)),
            safe(_short(REASONS, n.routed.reason)), safe(agent), safe(_group_cell(n)))


class TraceTab(Static):
    """The platform's 分流记录 page on `diagnose.trace.trace` and `render.human.node_detail`."""

    DEFAULT_CSS = """
    TraceTab { height: 1fr; }
    TraceTab #trace-form { height: auto; }
    TraceTab #buyer { width: 1fr; }
    TraceTab #date { width: 24; }
    TraceTab #trace-body { height: 1fr; }
    TraceTab #nodes { width: auto; max-width: 50%; min-width: 30; }
    TraceTab #detail-scroll { width: 1fr; }
    TraceTab .command { color: $text-muted; height: auto; }
    """

    def __init__(self, session, **kw) -> None:
        super().__init__(**kw)
        self.session = session
        self.result = None
        self.buyer: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="trace-form"):
            yield Input(placeholder=_("buyer nick (Enter; → completes)"), id="buyer",
                        suggester=BuyerSuggester(self.session))
            yield Select([], prompt=_("date"), id="date", allow_blank=True)
        yield CommandLine(id="trace-command")
        with Horizontal(id="trace-body"):
            table = DataTable(id="nodes", cursor_type="row", zebra_stripes=True)
            table.add_columns("✓", _("time"), _("source"), _("reason"), _("agent"), _("group"))
            yield table
            with VerticalScroll(id="detail-scroll"):
                yield Static(_("Type a buyer's nick and press Enter."), id="detail")

    # ---- events ------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "buyer":
            event.stop()
            self.open_buyer(event.value.strip())

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "date" and self.buyer and isinstance(event.value, str):
            event.stop()
            self.open_day(event.value)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "nodes" and self.result is not None and event.cursor_row < len(self.result.nodes):
            self.show_node(self.result.nodes[event.cursor_row])

    # ---- questions (in a worker thread) --------------------------------------------------------

    def open_buyer(self, buyer: str) -> None:
        """The buyer's dates into the date picker (latest first), and the latest date's nodes."""
        if buyer:
            self.buyer = buyer
            self._ask(lambda: self._buyer_days(buyer))

    def open_day(self, day: str) -> None:
        buyer = self.buyer
        self._ask(lambda: (None, self._trace(buyer, day)))

    def _ask(self, compute) -> None:
        self._command()
        ask_in_background(self, self.query_one("#trace-body"), compute, self._show, self._error)

    def _buyer_days(self, buyer: str):
        """(the buyer's dates, the latest one's trace); unknown: the nearest names (NotFound, from trace)."""
        from shunt import store
        from shunt.diagnose.period import default_day

        s = self.session
        days = [d.isoformat() for d in store.buyer_days(s.conn, s.sid, buyer, s.tz)]
        day = days[0] if days else default_day(s.handle()).day.isoformat()
        return days, self._trace(buyer, day)

    def _trace(self, buyer: str, day: str):
        from shunt.commands.common import day as parse_day, masked, masked_errors
        from shunt.diagnose.trace import trace

        s = self.session
        with masked_errors(s.mask, [buyer], s.conn, s.sid):
            sh = s.handle()
            result = trace(sh, buyer, parse_day(day, sh))
        return masked(result, [buyer], s.mask)

    # ---- on screen -----------------------------------------------------------------------------

    def _show(self, answer) -> None:
        days, result = answer
        if days is not None:
            select = self.query_one("#date", Select)
            with select.prevent(Select.Changed):
                select.set_options([(d, d) for d in days])
                if days:
                    select.value = days[0]
        table = self.query_one("#nodes", DataTable)
        table.clear()
        self.result = result
        self._command("trace", self.buyer, "--date", result.date)
        if not result.nodes:
            text = _("{buyer} has no routing nodes on {date}.").format(buyer=result.buyer, date=result.date)
            if result.dates:
                text += " " + _("Dates with nodes: {dates}").format(dates=", ".join(result.dates))
            self._detail(Text(text))
            return
        for n in result.nodes:
            table.add_row(*_row(n, self.session.tz, self.session.nick))
        table.move_cursor(row=0)
        self.show_node(result.nodes[0])

    def show_node(self, node) -> None:
        """The node's routing process (drawn on the UI thread: the trace already holds it, no SQL)."""
        from shunt.render.human import node_detail

        tz = self.session.tz
        self._detail(View(lambda out: node_detail(node, tz, out)))
        self._command("trace", self.buyer, "--date", self.result.date, "--node", node.consult.id)

    def _command(self, *words) -> None:
        text = "$ " + self.session.command(*words, buyer_at=(1,)) if words else ""
        self.query_one("#trace-command", Static).update(Text(text))

    def _detail(self, renderable) -> None:
        self.query_one("#detail", Static).update(renderable)

    def _error(self, exc: ShuntError) -> None:
        self.query_one("#nodes", DataTable).clear()
        self.result = None
        self._detail(error_view(exc))
