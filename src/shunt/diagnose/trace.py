"""Question 1: a buyer's routing history on a date."""

from __future__ import annotations

from datetime import date as Date

from shunt import store, timeutil
from shunt.diagnose.replay import replay_node
from shunt.diagnose.results import Node, Trace
from shunt.errors import NotFound


def trace(conn, shop_id: int, buyer: str, day: Date, node_id: str | None = None) -> Trace:
    nick, tzname = store.shop_info(conn, shop_id)
    tz = timeutil.zone(tzname)
    if not store.buyer_exists(conn, shop_id, buyer):
        raise NotFound("no buyer {buyer!r} in shop {shop}", store.nearest_buyers(conn, shop_id, buyer),
                       buyer=buyer, shop=nick)
    start, end = timeutil.day_bounds(day, tz)
    rows = store.consults_of_buyer(conn, shop_id, buyer, start, end)
    if node_id is not None:
        rows = [r for r in rows if r[0].id == node_id]
        if not rows:
            ids = [r[0].id for r in store.consults_of_buyer(conn, shop_id, buyer, start, end)]
            raise NotFound("no node {node!r} for {buyer!r} on {day}", ids[:10], node=node_id, buyer=buyer,
                           day=day.isoformat())
    nodes = []
    for consult, routed, uid in rows:
        _, rep = replay_node(conn, shop_id, consult, routed, uid, tz)
        nodes.append(Node(consult=consult, routed=routed, replay=rep))
    dates: tuple[str, ...] = ()
    if not nodes:
        dates = tuple(d.isoformat() for d in store.buyer_days(conn, shop_id, buyer, tz))
    return Trace(shop=nick, tz=tzname, buyer=buyer, date=day.isoformat(), nodes=tuple(nodes), dates=dates)
