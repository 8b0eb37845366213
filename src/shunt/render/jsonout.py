"""JSON views of the result objects (shapes of ../shared/spec/cli.md, plus free extra fields)."""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

from shunt import timeutil
from shunt.diagnose.results import Node, Received, Replay, Silent, Trace


def dump(obj: Any) -> None:
    """Write one JSON document to stdout (UTF-8, not ASCII-escaped)."""
    import msgspec

    sys.stdout.buffer.write(msgspec.json.format(msgspec.json.encode(obj), indent=2) + b"\n")
    sys.stdout.flush()


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


TIME_KEYS = frozenset({"ts", "at", "since", "until"})


def _times(obj: Any, tz) -> Any:
    """`obj` with every epoch-ms integer under a time key (ts, at, since, until, *_ts, *_at) as ISO 8601
    in `tz` (cli.md: every time in JSON is ISO 8601 with its offset)."""
    if isinstance(obj, dict):
        return {k: (timeutil.to_iso(v, tz) if _is_time(k, v) else _times(v, tz)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_times(v, tz) for v in obj]
    return obj


def _is_time(key: str, value: Any) -> bool:
    return (type(value) is int and (key in TIME_KEYS or key.endswith(("_ts", "_at")))
            and abs(value) > 10**11)  # epoch ms (after 1973): never a count


def replay(r: Replay, tz=None) -> dict[str, Any]:
    tz = tz or timeutil.zone(None)
    return {
        "match": r.match,
        "reason": r.reason,
        "agents": list(r.agents),
        "rule": r.rule,
        "odds": r.odds,
        "matched_groups": list(r.matched_groups),
        "remaining_groups": list(r.remaining_groups),
        "candidates": [_plain(c) for c in r.candidates],
        "steps": [
            {"rule": s.rule, "name": s.name, "outcome": s.outcome, "detail": s.detail, "facts": _times(_plain(s.facts), tz)}
            for s in r.steps
        ],
        "findings": list(r.findings),
        "finding_codes": list(r.finding_codes),
        "note": r.note,
    }


def node(n: Node, tz) -> dict[str, Any]:
    """A node: `group` follows routing-rules.md; `recorded_group` is added when the log says another."""
    c = n.consult
    out = {
        "consult": c.id,
        "ts": timeutil.to_iso(c.ts, tz),
        "source": c.source,
        "reason": n.routed.reason,
        "agent": n.routed.agent,
        "group": n.group,
        "item": c.item,
        "order": _plain(c.order) if c.order else None,
        "intent": c.intent,
        "by": c.by,
        "target": c.target,
        "replay": replay(n.replay, tz),
    }
    if n.recorded_group_differs:
        out["recorded_group"] = n.routed.group
    return out


def _without_replay(d: dict[str, Any]) -> dict[str, Any]:
    d.pop("replay", None)
    return d


def trace(t: Trace) -> dict[str, Any]:
    tz = timeutil.zone(t.tz)
    out = {"shop": t.shop, "buyer": t.buyer, "date": t.date, "nodes": [node(n, tz) for n in t.nodes]}
    if not t.nodes:
        out["dates"] = list(t.dates)
    return out


def silent(s: Silent) -> dict[str, Any]:
    tz = timeutil.zone(s.tz)
    return {
        "shop": s.shop,
        "account": s.account,
        "at": timeutil.to_iso(s.at, tz),
        "receiving": s.receiving,
        "causes": _times([_plain(c) for c in s.causes], tz),
        "state": _times(_plain(s.state), tz),
        "window": _times(_plain(s.window), tz),
        "data": _plain(s.data),
        "notes": list(s.notes),
    }


def received(r: Received) -> dict[str, Any]:
    tz = timeutil.zone(r.tz)
    out = {
        "shop": r.shop,
        "buyer": r.buyer,
        "message": _plain(r.message),
        "account": r.account,
        "consult": r.node.consult.id if r.node else None,
        "reason": r.reason,
        "replay": replay(r.replay, tz),
        "node": _without_replay(node(r.node, tz)) if r.node else None,  # its replay is `replay` above
        "logistics": _times(_plain(r.logistics), tz),
        "notes": list(r.notes),
    }
    if r.expected is not None:
        out["expected"] = _times(_plain(r.expected), tz)
    return out
