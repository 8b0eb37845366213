"""Question 1: a buyer's routing history on a date."""

from __future__ import annotations

from datetime import date as Date

from shunt import timeutil
from shunt.diagnose.replay import replay_node
from shunt.diagnose.results import Node, Trace
from shunt.errors import NotFound
from shunt.store.shop import Shop


def trace(shop: Shop, buyer: str, day: Date, node_id: str | None = None, brief: bool = False) -> Trace:
    """The buyer's nodes on `day` (the shop's zone), each replayed; only `node_id` when given.

    `brief`: for a summary of the day, which shows each node's outcome and verdict — when the day has
    more than one node, a node that matches its record is replayed without its steps and candidate
    table (empty in its Replay); a node that does not match, or the day's only node, in full."""
    shop.require_buyer(buyer)
    start, end = timeutil.day_bounds(day, shop.tz)
    rows = shop.consults_of_buyer(buyer, start, end)
    if node_id is not None:
        ids = [r[0].id for r in rows]
        rows = [r for r in rows if r[0].id == node_id]
        if not rows:
            raise NotFound("no node {node!r} for {buyer!r} on {day}", ids[:10], node=node_id, buyer=buyer,
                           day=day.isoformat())
    nodes = []
    explain = not brief or len(rows) == 1
    for consult, routed, uid in rows:
        _, rep = replay_node(shop.conn, shop.sid, consult, routed, uid, shop.tz, explain=explain)
        nodes.append(Node(consult=consult, routed=routed, replay=rep))
    dates: tuple[str, ...] = ()
    if not nodes:
        dates = tuple(d.isoformat() for d in shop.buyer_days(buyer))
    return Trace(shop=shop.nick, tz=shop.tzname, buyer=buyer, date=day.isoformat(), nodes=tuple(nodes), dates=dates)
