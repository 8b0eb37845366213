"""A question tab: a row of fields, Enter on any of them asks, the answer below, the equivalent command above it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Static

from shunt.ui.session import Collector, as_domain_error, error_view


class QuestionTab(Static):
    """Subclasses give `fields()` (the Inputs) and `ask(values, out) -> command words` (raise ShuntError to refuse)."""

    DEFAULT_CSS = """
    QuestionTab { height: 1fr; }
    QuestionTab .form { height: auto; }
    QuestionTab .form Input { width: 1fr; }
    QuestionTab .command { color: $text-muted; height: auto; }
    QuestionTab .answer-scroll { height: 1fr; }
    """
    HINT = "Fill in the fields and press Enter."
    BUYER_AT: tuple[int, ...] = ()  # the command words that are a buyer nick (hidden under --mask)

    def __init__(self, session, **kw) -> None:
        super().__init__(**kw)
        self.session = session

    def fields(self) -> list[Input]:
        raise NotImplementedError

    def ask(self, values: dict[str, str], out: Collector) -> tuple[str | None, ...]:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Horizontal(classes="form"):
            yield from self.fields()
        yield Static("", classes="command")
        with VerticalScroll(classes="answer-scroll"):
            yield Static(self.HINT, classes="answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_question()

    def run_question(self) -> None:
        values = {i.id: i.value.strip() for i in self.query(Input) if i.id}
        out = Collector()
        answer = self.query_one(".answer", Static)
        try:
            self.session.fresh()
            words = self.ask(values, out)
        except Exception as exc:  # a domain error or the storage's (busy, I/O): said in the answer, as on stderr
            err = as_domain_error(exc, self.session.db)
            if err is None:
                raise
            answer.update(error_view(err))
            return
        self.query_one(".command", Static).update(Text("$ " + self.session.command(*words, buyer_at=self.BUYER_AT)))
        answer.update(out.group())
