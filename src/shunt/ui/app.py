"""The app: the platform's three self-check entries (分流记录, 收不到消息, 收到错误消息) as tabs, plus audit and balance."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, TabbedContent, TabPane

from shunt.i18n import pick
from shunt.ui.audit_tab import AuditTab
from shunt.ui.balance_tab import BalanceTab
from shunt.ui.received_tab import ReceivedTab
from shunt.ui.silent_tab import SilentTab
from shunt.ui.trace_tab import TraceTab

TABS = (("trace", "分流记录", "trace"), ("silent", "收不到消息", "why-silent"),
        ("received", "收到错误消息", "why-received"), ("audit", "分流自查", "audit"), ("balance", "分流均衡", "balance"))


class ShuntApp(App):
    """`shunt ui`. Keys: / search (the tab's first field), Tab / arrows move, Enter asks, y copies the command, q quits."""

    TITLE = "shunt ui"
    # under 100 columns the trace tab stacks its node list above the node's detail, each full width
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    CSS = """
    Screen.-narrow TraceTab #trace-body { layout: vertical; }
    Screen.-narrow TraceTab #nodes { width: 1fr; max-width: 100%; height: auto; max-height: 40%; }
    Screen.-narrow TraceTab #detail-scroll { height: 1fr; }
    """
    BINDINGS = [
        Binding("q", "quit", "quit"),
        Binding("slash", "search", "search", key_display="/"),
        Binding("escape", "leave", "leave field", key_display="esc"),
        Binding("y", "copy", "copy command"),
        Binding("ctrl+y", "copy", "copy command", show=False),  # inside a field too (y is typed there)
        Binding("f1", "tab('trace')", "trace", show=False),
        Binding("f2", "tab('silent')", "why-silent", show=False),
        Binding("f3", "tab('received')", "why-received", show=False),
        Binding("f4", "tab('audit')", "audit", show=False),
        Binding("f5", "tab('balance')", "balance", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__()
        self.session = session
        self.sub_title = f"{session.nick} · {session.db}" + (" · masked" if session.mask else "")

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="trace"):
            s = self.session
            for (tid, zh, en), tab in zip(TABS, (TraceTab(s), SilentTab(s), ReceivedTab(s), AuditTab(s),
                                                    BalanceTab(s))):
                with TabPane(pick(zh, en), id=tid):
                    yield tab
        yield Footer()

    def on_mount(self) -> None:
        self.action_search()

    def action_search(self) -> None:
        """Focus the active tab's first field."""
        pane = self.query_one(TabbedContent).active_pane
        if pane is not None:
            pane.query(Input).first().focus()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.action_search()

    def action_leave(self) -> None:
        """Out of a text field (so that q and / are keys again): to the tab bar."""
        self.query_one(TabbedContent).query_one("ContentTabs").focus()

    def action_copy(self) -> None:
        """The active answer's equivalent command to the clipboard (the terminal's, by OSC 52)."""
        pane = self.query_one(TabbedContent).active_pane
        shown = pane.query(".command").first().content if pane is not None else ""
        text = str(shown).removeprefix("$ ").strip()
        if text:
            self.copy_to_clipboard(text)
            self.notify(text, title="copied")
