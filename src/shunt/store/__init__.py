"""The SQLite store: schema, streaming loader, point lookups and the incremental sweep.

The loader (`load_files`, `LoadReport`: msgspec, gzip, hashing...) is imported on first use only,
so a reading command (trace, why-received...) does not pay for it.
"""

from shunt.store.db import open_db
from shunt.store.derive import ensure_derived

__all__ = ["open_db", "ensure_derived", "load_files", "LoadReport"]

from shunt.store import lookups  # noqa: E402
from shunt.store.lookups import (  # noqa: E402
    account_exists, buyer_exists, shop_info,
    buyer_days, config_at, configs_in, consult_of_message, consult_row, consults_of_buyer, last_event_ts,
    logistics_events, message_at, nearest_accounts, nearest_buyers, nearest_messages, shop_id, shop_tz,
    state_at,
)
from shunt.store.sessions import open_sessions  # noqa: E402
from shunt.store.sweep import sweep  # noqa: E402
from shunt.store.timelines import timelines  # noqa: E402

__all__ += [
    "account_exists", "buyer_exists", "shop_info",
    "lookups", "buyer_days", "config_at", "configs_in", "consult_of_message", "consult_row", "consults_of_buyer",
    "last_event_ts", "logistics_events", "message_at", "nearest_accounts", "nearest_buyers",
    "nearest_messages", "open_sessions", "shop_id", "shop_tz", "state_at", "sweep", "timelines",
]

_LAZY = {"load_files", "LoadReport"}


def __getattr__(name: str):  # PEP 562: the loader only when asked for
    if name in _LAZY:
        from shunt.store import load

        return getattr(load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
