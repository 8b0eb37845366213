"""The app: the platform's three self-check entries (分流记录, 收不到消息, 收到错误消息) as tabs, plus audit and balance."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.lazy import Lazy
from textual.widgets import Footer, Header, Input, TabbedContent, TabPane

from shunt.i18n import N_, _, pick
from shunt.ui.audit_tab import AuditTab
from shunt.ui.balance_tab import BalanceTab
from shunt.ui.received_tab import ReceivedTab
from shunt.ui.silent_tab import SilentTab
from shunt.ui.trace_tab import TraceTab

TABS = (("trace", "分流记录", "trace"), ("silent", "收不到消息", "why-silent"),
        ("received", "收到错误消息", "why-received"), ("audit", "分流自查", "audit"), ("balance", "分流均衡", "balance"))

KEY_WORDS = {N_("quit"), N_("search"), N_("leave field"), N_("copy command"), N_("palette")}


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
        Binding("q", "quit", N_("quit")),
        Binding("slash", "search", N_("search"), key_display="/"),
        Binding("escape", "leave", N_("leave field"), key_display="esc"),
        Binding("y", "copy", N_("copy command")),
        Binding("ctrl+y", "copy", N_("copy command"), show=False),  # inside a field too (y is typed there)
        Binding("f1", "tab('trace')", "trace", show=False),
        Binding("f2", "tab('silent')", "why-silent", show=False),
        Binding("f3", "tab('received')", "why-received", show=False),
        Binding("f4", "tab('audit')", "audit", show=False),
        Binding("f5", "tab('balance')", "balance", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__()
        self.session = session
        self.sub_title = f"{session.nick} · {session.db}" + (" · " + _("masked") if session.mask else "")
        self._translate_keys()

    def _translate_keys(self) -> None:
        """The footer's key descriptions in the language chosen at start (BINDINGS are made at import, before
        --lang is read; Textual's own "palette" too)."""
        from dataclasses import replace

        keys = self._bindings.key_to_bindings
        for key, bindings in keys.items():
            keys[key] = [replace(b, description=_(b.description)) if b.description in KEY_WORDS else b
                         for b in bindings]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="trace"):
            s = self.session
            for (tid, zh, en), tab in zip(TABS, (TraceTab(s), SilentTab(s), ReceivedTab(s), AuditTab(s),
                                                    BalanceTab(s))):
                with TabPane(pick(zh, en), id=tid):
                    yield tab if tid == "trace" else Lazy(tab)  # the hidden tabs mount after the first screen
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
            self.notify(text, title=_("copied"))
