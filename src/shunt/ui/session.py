"""What the tabs share: the open shop, one fresh snapshot per question, masking, the equivalent command."""

from __future__ import annotations

from shunt.i18n import _, listing
import io
import re
import shlex
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console, Group
from rich.text import Text

from shunt.errors import NotFound, ShuntError


def quote(word: str) -> str:
    """shlex.quote, but a nick of letters (Chinese ones too), digits and :._-@ stays bare, as a user types it."""
    return word if re.fullmatch(r"[\w@%+=:,./-]+", word) else shlex.quote(word)


class Collector(Console):
    """A rich Console whose `print` keeps the renderables (for a widget) instead of writing them: the commands'
    human views (render.human, render.audit) draw into it unchanged."""

    def __init__(self, width: int = 100) -> None:
        super().__init__(file=io.StringIO(), width=width, highlight=False, emoji=False)
        self.items: list = []

    def print(self, *objects, style=None, **_kw) -> None:  # noqa: A003 - rich's name
        for obj in objects:
            self.items.append(Text(obj, style=style or "") if isinstance(obj, str) else obj)

    def group(self) -> Group:
        return Group(*self.items)


class View:
    """A view drawn at the width it is shown at: `draw(out)` (a commands' human view into a Collector) runs at
    each render with the pane's width, so a resize re-lays it out as the command would at that COLUMNS. `draw`
    only formats a result already computed (no SQL): it runs on the UI thread."""

    def __init__(self, draw) -> None:
        self.draw = draw

    def __rich_console__(self, console, options):
        out = Collector(max(20, options.max_width))
        self.draw(out)
        yield from out.items


@dataclass
class Session:
    """The database the app reads, opened once; each question runs on a fresh read snapshot, in a worker thread
    holding `lock` (one question at a time on the one connection)."""

    db: Path
    shop: str | None
    mask: bool
    conn: object = field(init=False)
    sid: int = field(init=False)
    nick: str = field(init=False)
    tz: object = field(init=False)
    lock: threading.RLock = field(init=False, default_factory=threading.RLock)

    def __post_init__(self) -> None:
        from shunt.commands.common import open_shop

        self.conn, self.sid, self.nick, self.tz = open_shop(self.db, self.shop)
        from shunt.commands.names import name_groups

        name_groups(self.conn, self.sid)  # the views show `售前 g_pre` as the commands do

    def handle(self):
        """The shop's handle (store.shop.Shop) on the session's connection, for one question (its zone read anew)."""
        from shunt.store.shop import Shop

        return Shop.of(self.conn, self.sid)

    def fresh(self) -> None:
        """A new read snapshot (a load may have committed since the last question)."""
        from shunt.store.snapshot import fresh_snapshot

        fresh_snapshot(self.conn)

    @contextmanager
    def quick(self):
        """The connection for a lookup on the UI thread (completion): yields False, without waiting, while a
        question holds it, so typing never waits for an answer."""
        free = self.lock.acquire(blocking=False)
        try:
            yield free
        finally:
            if free:
                self.lock.release()

    def command(self, *words: str | None, buyer_at: tuple[int, ...] = ()) -> str:
        """The equivalent CLI command. With --mask, a buyer nick (the words at `buyer_at`) shows as $BUYER: the
        masked nick would not run, and the real one is what the mask hides."""
        out = ["shunt"]
        for i, w in enumerate(words):
            if w is None:
                continue
            out.append("\"$BUYER\"" if self.mask and i in buyer_at else quote(w))
        if self.db != Path("shunt.db"):
            out += ["--db", quote(str(self.db))]
        if self.shop:
            out += ["--shop", quote(self.shop)]
        if self.mask:
            out.append("--mask")
        return " ".join(out)


def as_domain_error(exc: Exception, db) -> ShuntError | None:
    """A domain error for what a question raised (as the commands' `run` does), None for a programming error."""
    from shunt.commands.common import is_storage_error, storage_error

    if isinstance(exc, ShuntError):
        return exc
    return storage_error(exc, db) if is_storage_error(exc) else None


def error_view(exc: ShuntError) -> Group:
    """A domain error as the commands print it (their stderr line), with the nearest names."""
    from shunt.render.text import plain

    lines = [Text(plain(str(exc)), style="bold red")]
    if isinstance(exc, NotFound) and exc.nearest:
        lines.append(Text(_("nearest: {names}").format(names=listing(plain(n) for n in exc.nearest)), style="yellow"))
    return Group(*lines)
