"""Completion from the database: buyer nicks by prefix, accounts of the shop."""

from __future__ import annotations

from textual.suggester import Suggester


class BuyerSuggester(Suggester):
    """The first buyer nick (in order) that starts with what was typed; none under --mask (a nick would show)."""

    def __init__(self, session) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.session = session

    async def get_suggestion(self, value: str) -> str | None:
        from shunt.store.lookups import buyers_by_prefix

        if self.session.mask or not value:
            return None
        with self.session.quick() as free:
            found = buyers_by_prefix(self.session.conn, self.session.sid, value, 1) if free else []
        return found[0] if found else None


class AccountSuggester(Suggester):
    """The first account of the shop (configured, or with status events) that starts with what was typed."""

    def __init__(self, session) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.session = session
        self._names: list[str] | None = None

    def names(self) -> list[str]:
        from shunt.store.lookups import known_accounts

        if self._names is None:
            with self.session.quick() as free:
                if not free:
                    return []  # a question is running: no completion this keystroke, the next one asks again
                self._names = sorted(known_accounts(self.session.conn, self.session.sid))
        return self._names

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        for name in self.names():
            if name.startswith(value):
                return name
        return None
