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

__all__ += [
    "account_exists", "buyer_exists", "shop_info",
    "lookups", "buyer_days", "config_at", "configs_in", "consult_of_message", "consult_row", "consults_of_buyer",
    "last_event_ts", "logistics_events", "message_at", "nearest_accounts", "nearest_buyers",
    "nearest_messages", "open_sessions", "shop_id", "shop_tz", "state_at", "sweep", "timelines",
]

# PEP 562: imported on first use (the loader; the sweep and its engine Tracker; sessions; timelines)
_LAZY = {"load_files": "load", "LoadReport": "load", "sweep": "sweep", "open_sessions": "sessions",
         "timelines": "timelines"}


def __getattr__(name: str):
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"shunt.store.{where}"), name)
    if where != "load":
        globals()[name] = value
    return value
