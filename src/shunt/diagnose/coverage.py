"""What the loaded log covers around a moment, said where an answer is given about that moment:
before the first event or after the last one, nothing is known; without a shop_config, only the
statuses are."""

from __future__ import annotations

from shunt import timeutil


def coverage(conn, sid: int, at: int, state, tz) -> tuple[dict, tuple[str, ...]]:
    """→ ({"first_event", "last_event", "first_config"} as ISO 8601, notes for a human)."""
    from shunt.store.lookups import first_event_ts, last_event_ts
    from shunt.store.periods import first_config_ts

    first, last, first_cfg = first_event_ts(conn, sid), last_event_ts(conn, sid), first_config_ts(conn, sid)
    iso = lambda ms: timeutil.to_iso(ms, tz)  # noqa: E731
    data = {"first_event": iso(first), "last_event": iso(last), "first_config": iso(first_cfg)}
    notes: list[str] = []
    if first is not None and at < first:
        notes.append(f"The log starts at {iso(first)}, after {iso(at)}: nothing is known of the shop at that moment "
                     "(no status, no configuration yet).")
    elif last is not None and at > last:
        notes.append(f"The log ends at {iso(last)}, before {iso(at)}: the state shown is the one the log left "
                     "then; nothing after it is known.")
    if state.config is None:
        if first_cfg is None:
            notes.append("The log holds no shop_config: the account's routing settings (listed, groups, reception "
                         "limit) are unknown; only its status is told, and the window's consults cannot be replayed.")
        elif first is None or at >= first:
            notes.append(f"No shop_config is in force at {iso(at)} (the first is at {iso(first_cfg)}): the account's "
                         "routing settings are unknown; only its status is told.")
    return data, tuple(notes)
