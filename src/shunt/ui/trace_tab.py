"""分流记录 trace: a buyer and a date; the nodes on the left, the selected node's routing process on the right."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Select, Static

from shunt.errors import ShuntError
from shunt.ui.session import Collector, as_domain_error, error_view
from shunt.ui.suggest import BuyerSuggester


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
            yield Input(placeholder="buyer nick 买家昵称 (Enter; → completes)", id="buyer",
                        suggester=BuyerSuggester(self.session))
            yield Select([], prompt="date 日期", id="date", allow_blank=True)
        yield Static("", id="trace-command", classes="command")
        with Horizontal(id="trace-body"):
            table = DataTable(id="nodes", cursor_type="row", zebra_stripes=True)
            table.add_columns("✓", "time", "source 来源", "reason 原因", "agent 客服", "group 分组")
            yield table
            with VerticalScroll(id="detail-scroll"):
                yield Static("Type a buyer's nick and press Enter.", id="detail")

    # ---- events ------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "buyer":
            event.stop()
            self._guarded(self.open_buyer, event.value.strip())

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "date" and self.buyer and isinstance(event.value, str):
            event.stop()
            self._guarded(self.show_day, event.value)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "nodes" and self.result is not None and event.cursor_row < len(self.result.nodes):
            self.show_node(self.result.nodes[event.cursor_row])

    def _guarded(self, fn, *args) -> None:
        """`fn(*args)`; a domain or storage error shown where the node's detail goes."""
        try:
            fn(*args)
        except Exception as exc:
            err = as_domain_error(exc, self.session.db)
            if err is None:
                raise
            self._error(err)

    # ---- actions -----------------------------------------------------------------------------

    def open_buyer(self, buyer: str) -> None:
        """The buyer's dates into the date picker (latest first), and the latest date's nodes."""
        from shunt import store
        from shunt.diagnose.period import default_day

        if not buyer:
            return
        s = self.session
        s.fresh()
        self.buyer = buyer
        days = [d.isoformat() for d in store.buyer_days(s.conn, s.sid, buyer, s.tz)]
        select = self.query_one("#date", Select)
        with select.prevent(Select.Changed):
            select.set_options([(d, d) for d in days])
            if days:
                select.value = days[0]
        if days:
            self.show_day(days[0])
        else:  # unknown: the nearest names; known without consults: "no routing nodes"
            try:
                self.show_day(default_day(s.conn, s.sid, s.tz).day.isoformat())
            except ShuntError as exc:
                self._error(exc)

    def show_day(self, day: str) -> None:
        from shunt.commands.common import day as parse_day, masked, masked_errors
        from shunt.diagnose.trace import trace

        s = self.session
        s.fresh()
        table = self.query_one("#nodes", DataTable)
        table.clear()
        self.result = None
        self._command("trace", self.buyer, "--date", day)
        try:
            with masked_errors(s.mask, [self.buyer], s.conn, s.sid):
                result = trace(s.conn, s.sid, self.buyer, parse_day(day, s.tz))
        except ShuntError as exc:
            self._error(exc)
            return
        self.result = result = masked(result, [self.buyer], s.mask)
        if not result.nodes:
            self._detail(Text(f"{result.buyer} has no routing nodes on {result.date}."
                              + (" Dates with nodes: " + ", ".join(result.dates) if result.dates else "")))
            return
        for n in result.nodes:
            table.add_row(*_row(n, s.tz, s.nick))
        table.move_cursor(row=0)
        self.show_node(result.nodes[0])

    def show_node(self, node) -> None:
        from shunt.render.human import node_detail

        out = Collector()
        node_detail(node, self.session.tz, out)
        self._detail(out.group())
        self._command("trace", self.buyer, "--date", self.result.date, "--node", node.consult.id)

    def _command(self, *words) -> None:
        self.query_one("#trace-command", Static).update(Text("$ " + self.session.command(*words, buyer_at=(1,))))

    def _detail(self, renderable) -> None:
        self.query_one("#detail", Static).update(renderable)

    def _error(self, exc: ShuntError) -> None:
        self.query_one("#nodes", DataTable).clear()
        self.result = None
        self._detail(error_view(exc))
