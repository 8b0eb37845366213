"""A question tab: a row of fields, Enter on any of them asks, the answer below, the equivalent command above it."""

from __future__ import annotations

from shunt.i18n import N_, _
from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Static

from shunt.ui.session import Collector, View, error_view
from shunt.ui.work import ask_in_background


class CommandLine(Static):
    """The `$ shunt …` line above an answer: a click copies it (as y and ctrl+y do)."""

    def __init__(self, **kw) -> None:
        super().__init__("", classes="command", **kw)
        self.tooltip = _("click, y or ctrl+y: copy")

    def on_click(self) -> None:
        self.app.action_copy()


class QuestionTab(Static):
    """Subclasses give `fields()` (the Inputs) and `ask(values) -> (command words, draw)`: `ask` runs the
    question in a worker thread (raise ShuntError to refuse), `draw(out)` draws its answer with the commands'
    view into a Collector, on the UI thread, at the pane's width (again at each resize)."""

    DEFAULT_CSS = """
    QuestionTab { height: 1fr; }
    QuestionTab .form { height: auto; }
    QuestionTab .form Input { width: 1fr; }
    QuestionTab .command { color: $text-muted; height: auto; }
    QuestionTab .answer-scroll { height: 1fr; }
    """
    HINT = N_("Fill in the fields and press Enter.")
    BUYER_AT: tuple[int, ...] = ()  # the command words that are a buyer nick (hidden under --mask)

    def __init__(self, session, **kw) -> None:
        super().__init__(**kw)
        self.session = session

    def fields(self) -> list[Input]:
        raise NotImplementedError

    def ask(self, values: dict[str, str]) -> tuple[tuple[str | None, ...], Callable[[Collector], None]]:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Horizontal(classes="form"):
            yield from self.fields()
        yield CommandLine()
        with VerticalScroll(classes="answer-scroll"):
            yield Static(_(self.HINT), classes="answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_question()

    def run_question(self) -> None:
        """Ask in a worker thread (the answer pane shows the loading indicator meanwhile)."""
        values = {i.id: i.value.strip() for i in self.query(Input) if i.id}

        def show(answer) -> None:
            words, draw = answer
            self.query_one(".command", Static).update(
                Text("$ " + self.session.command(*words, buyer_at=self.BUYER_AT)))
            self.query_one(".answer", Static).update(View(draw))

        ask_in_background(self, self.query_one(".answer-scroll"), lambda: self.ask(values), show,
                          lambda err: self.query_one(".answer", Static).update(error_view(err)))
