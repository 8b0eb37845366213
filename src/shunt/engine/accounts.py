"""Whose account a nick is: a leaf of the engine (lookup.py and eligibility.py both need it)."""

from __future__ import annotations


def is_shop_account(shop: str, account: str | None) -> bool:
    """The shop's own accounts: the main nick or `shop:*` (logistics accounts are the carrier's)."""
    return account is not None and (account == shop or account.startswith(shop + ":"))
