"""The SQLite store: schema, streaming loader, point lookups and the incremental sweep."""

from shunt.store.db import open_db
from shunt.store.derive import ensure_derived
from shunt.store.load import LoadReport, load_files

__all__ = ["open_db", "ensure_derived", "load_files", "LoadReport"]

from shunt.store import lookups  # noqa: E402
from shunt.store.lookups import (  # noqa: E402
    account_exists, buyer_exists, shop_info,
    buyer_days, config_at, consult_of_message, consult_row, consults_of_buyer, last_event_ts,
    logistics_events, message_at, nearest_accounts, nearest_buyers, nearest_messages, shop_id, shop_tz,
    state_at,
)
from shunt.store.sessions import open_sessions  # noqa: E402
from shunt.store.sweep import sweep  # noqa: E402

__all__ += [
    "account_exists", "buyer_exists", "shop_info",
    "lookups", "buyer_days", "config_at", "consult_of_message", "consult_row", "consults_of_buyer",
    "last_event_ts", "logistics_events", "message_at", "nearest_accounts", "nearest_buyers",
    "nearest_messages", "open_sessions", "shop_id", "shop_tz", "state_at", "sweep",
]
